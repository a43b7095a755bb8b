package dev.motif.autodiff;

import dev.motif.array.NDArray;
import dev.motif.array.Windows;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.motif.autodiff.GradCheck.check;
import static dev.motif.autodiff.GradCheck.checkHvp;
import static dev.motif.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** im2col/col2im as Tensor ops: each is the other's gradient, checked to first and second order. */
class WindowGradientTest {

    @Property(tries = 25)
    void im2col2dAndCol2im2dMatchFiniteDifferences(@ForAll @IntRange(min = 1, max = 3) int k, @ForAll @IntRange(min = 1, max = 2) int stride,
                                                   @ForAll @IntRange(min = 0, max = 1) int pad, @ForAll @IntRange(min = 1, max = 2) int dil,
                                                   @ForAll long seed) {
        Random r = new Random(seed);
        int h = 4 + r.nextInt(2), w = 3 + r.nextInt(3);
        NDArray x = uniform(r, -1, 1, 2, 2, h, w);
        String g = "k" + k + " s" + stride + " p" + pad + " d" + dil + " on " + h + "x" + w;
        if ((k - 1) * dil + 1 > Math.min(h, w) + 2 * pad) return; // window larger than the padded image
        check("im2col2d " + g, xs -> xs.get(0).im2col2d(k, k, stride, stride, pad, pad, dil, dil), x);
        NDArray cols = Windows.im2col2d(x, k, k, stride, stride, pad, pad, dil, dil);
        NDArray c = uniform(r, -1, 1, cols.shape());
        ProductRules.Window window = new ProductRules.Window(k, k, stride, stride, pad, pad, dil, dil);
        check("col2im2d " + g, xs -> ProductRules.col2im2d(xs.get(0), h, w, window), c);
    }

    @Test
    void convolutionThroughIm2colHasTheRightSecondOrderGradients() {
        Random r = new Random(3);
        NDArray x = uniform(r, -1, 1, 2, 2, 5, 5);
        NDArray kernel = uniform(r, -1, 1, 3, 2 * 3 * 3);
        // out[n, o, p] = Σ_c kernel[o, c] · cols[n, c, p]; tanh makes the Hessian non-trivial.
        GradCheck.Fn conv = xs -> xs.get(1).matmul(xs.get(0).im2col2d(3, 3, 1, 1, 1, 1, 1, 1)).tanh();
        check("conv via im2col", conv, x, kernel);
        checkHvp("conv via im2col", conv, 11, x, kernel);
    }

    @Test
    void oneDimensionalWindowsMatchFiniteDifferences() {
        Random r = new Random(5);
        NDArray x = uniform(r, -1, 1, 2, 3, 9);
        check("im2col1d", xs -> xs.get(0).im2col1d(3, 2, 1, 2), x);
        // the 1-D unfold is the 2-D one of a height-1 image: the same columns as the 1-D kernel
        assertTrue(Windows.im2col1d(x, 3, 2, 1, 2).contentEquals(Tensor.constant(x).im2col1d(3, 2, 1, 2).value()));
        checkHvp("1-D conv", xs -> xs.get(0).im2col1d(3, 1, 1, 1).sin().sum(), 7, x);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tensor.constant(x.reshape(6, 9)).im2col1d(3, 1, 0, 1))
                .getMessage().contains("im2col1d"));
    }

    @Test
    void theSharedKernelGetsTheSumOfEveryWindow() {
        // The seed example: a 2x2 all-ones kernel over [[1,2,3],[4,5,6],[7,8,9]] gives [[12,16],[24,28]].
        Tensor image = Tensor.constant(NDArray.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3));
        Tensor kernel = Tensor.variable(NDArray.of(new double[] {1, 1, 1, 1}, 1, 4));
        Tensor out = kernel.matmul(image.im2col2d(2, 2, 1, 1, 0, 0, 1, 1));
        assertTrue(out.value().contentEquals(NDArray.of(new double[] {12, 16, 24, 28}, 1, 1, 4)));
        Tensor g = Autodiff.grad(out.sum(), kernel, false);
        assertTrue(g.value().contentEquals(NDArray.of(new double[] {12, 16, 24, 28}, 1, 4)), g.toString());
    }

    @Test
    void aWrongRankNamesTheOp() {
        Tensor v = Tensor.variable(NDArray.vector(1, 2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.im2col2d(2, 2, 1, 1, 0, 0, 1, 1));
        assertTrue(e.getMessage().contains("im2col2d"), e.getMessage());
        assertEquals(3, v.size());
    }
}
