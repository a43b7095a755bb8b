package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Losses against hand-computed values, at extreme inputs, and their gradients in closed form. */
class LossesTest {

    private static Tensor var(double[] v, int... shape) {
        return Tensor.variable(NDArray.of(v.clone(), shape));
    }

    @Test
    void mseIsTheMeanOfSquaredDifferences() {
        Tensor p = var(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor t = Tensor.constant(NDArray.of(new double[] {1, 0, 5, 3}, 2, 2));
        Tensor l = Losses.mse(p, t);
        assertEquals((0 + 4 + 4 + 1) / 4.0, l.item(), 0);
        // d/dp = 2(p - t)/N
        assertArrayEquals(new double[] {0, 1, -1, 0.5}, Autodiff.grad(l, p, false).value().toDoubleArray(), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.mse(p, Tensor.constant(NDArray.zeros(DType.F64, 4))));
        assertTrue(e.getMessage().contains("mse") && e.getMessage().contains("[2, 2]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void crossEntropyAgainstAHandComputedValue() {
        // row 0: logits (1, 2, 3), label 2: log(e + e² + e³) - 3; row 1: (0, 0, 0), label 0: log 3
        Tensor z = var(new double[] {1, 2, 3, 0, 0, 0}, 2, 3);
        double row0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
        double row1 = Math.log(3);
        Tensor l = Losses.crossEntropy(z, new int[] {2, 0});
        assertEquals((row0 + row1) / 2, l.item(), 1e-15);
        assertEquals(0.7531091265562, l.item(), 1e-12); // (0.4076059644444 + 1.0986122886681) / 2
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        Tensor z = var(new double[] {1000, -1000, -1000, 1000, 1000, 1000}, 3, 2);
        Tensor l = Losses.crossEntropy(z, new int[] {0, 0, 1});
        // row 0: right with certainty (0), row 1: wrong by 2000, row 2: a tie (log 2)
        assertEquals((0 + 2000 + Math.log(2)) / 3, l.item(), 1e-12);
        NDArray g = Autodiff.grad(l, z, false).value();
        assertTrue(g.allFinite());
        // (softmax - onehot)/N: row 1 puts all its mass on the wrong class
        assertArrayEquals(new double[] {0, 0, -1 / 3.0, 1 / 3.0, 0.5 / 3, -0.5 / 3}, g.toDoubleArray(), 1e-15);
    }

    @Test
    void crossEntropyWithAMaskedLogitIsFinite() {
        // a logit of -inf (a masked class that is not the label) has probability 0: it must not turn the loss into NaN
        Tensor z = var(new double[] {2, Double.NEGATIVE_INFINITY, 0, 1, 0, 0}, 2, 3);
        Tensor l = Losses.crossEntropy(z, new int[] {0, 1});
        double row0 = Math.log(Math.exp(2) + 1) - 2;
        double row1 = Math.log(Math.E + 2);
        assertEquals((row0 + row1) / 2, l.item(), 1e-15);
        NDArray g = Autodiff.grad(l, z, false).value();
        assertTrue(g.allFinite(), g.toString());
        assertEquals(0, g.getFlat(1), 0);
    }

    @Property(tries = 30)
    void crossEntropyGradientIsSoftmaxMinusOneHotOverN(@ForAll @IntRange(min = 1, max = 5) int n, @ForAll @IntRange(min = 1, max = 5) int c,
                                                      @ForAll long seed) {
        Random r = new Random(seed);
        double scale = r.nextBoolean() ? 3 : 300; // ordinary and saturated logits
        double[] v = new double[n * c];
        for (int i = 0; i < v.length; i++) v[i] = scale * (2 * r.nextDouble() - 1);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = r.nextInt(c);
        Tensor z = var(v, n, c);
        Tensor l = Losses.crossEntropy(z, labels);
        NDArray g = Autodiff.grad(l, z, false).value();
        NDArray softmax = z.value().sub(z.value().logsumexp(new int[] {1}, true)).exp();
        NDArray expected = softmax.sub(NDArray.oneHot(DType.F64, labels, c)).div(n);
        assertArrayEquals(expected.toDoubleArray(), g.toDoubleArray(), 1e-12); // exp(z - lse) with |z| ~ 300 loses ~1e-14
        // the loss itself: mean of logsumexp - picked, computed independently
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) m = Math.max(m, v[i * c + j]);
            double s = 0;
            for (int j = 0; j < c; j++) s += Math.exp(v[i * c + j] - m);
            sum += m + Math.log(s) - v[i * c + labels[i]];
        }
        assertEquals(sum / n, l.item(), 1e-12 * (1 + Math.abs(sum / n)));
    }

    @Test
    void crossEntropyChecksItsArguments() {
        Tensor z = var(new double[6], 2, 3);
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(z, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(z, new int[] {0, 3}));
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(var(new double[3], 3), new int[] {0, 1, 2}));
    }

    @Test
    void binaryCrossEntropyWithLogitsIsStableAtPlusMinusAThousand() {
        Tensor x = var(new double[] {1000, -1000, 1000, -1000, 0}, 5);
        Tensor y = Tensor.constant(NDArray.vector(1, 0, 0, 1, 1));
        Tensor l = Losses.binaryCrossEntropyWithLogits(x, y);
        // per element: 0, 0, 1000, 1000, log 2
        assertEquals((2000 + Math.log(2)) / 5, l.item(), 1e-12);
        NDArray g = Autodiff.grad(l, x, false).value();
        // (σ(x) - y)/N
        assertArrayEquals(new double[] {0, 0, 0.2, -0.2, (0.5 - 1) / 5}, g.toDoubleArray(), 1e-15);
    }

    @Property(tries = 30)
    void binaryCrossEntropyMatchesItsDefinition(@ForAll @IntRange(min = 1, max = 8) int n, @ForAll long seed) {
        Random r = new Random(seed);
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 8 * (2 * r.nextDouble() - 1);
            y[i] = r.nextDouble();
        }
        Tensor tx = var(x, n);
        Tensor l = Losses.binaryCrossEntropyWithLogits(tx, Tensor.constant(NDArray.vector(y)));
        double expected = 0;
        double[] grad = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 1 / (1 + Math.exp(-x[i]));
            expected += -y[i] * Math.log(s) - (1 - y[i]) * Math.log(1 - s);
            grad[i] = (s - y[i]) / n;
        }
        assertEquals(expected / n, l.item(), 1e-9);
        assertArrayEquals(grad, Autodiff.grad(l, tx, false).value().toDoubleArray(), 1e-15);
    }

    @Test
    void lossesWorkInF32() {
        Tensor z = Tensor.variable(NDArray.of(new float[] {1000, -1000, 0, 0}, 2, 2));
        Tensor l = Losses.crossEntropy(z, new int[] {0, 1});
        assertEquals(DType.F32, l.dtype());
        assertEquals(Math.log(2) / 2, l.item(), 1e-6);
        Tensor b = Losses.binaryCrossEntropyWithLogits(z.reshape(4), Tensor.constant(NDArray.of(new float[] {1, 0, 1, 0}, 4)));
        assertEquals(DType.F32, b.dtype());
        // per element: softplus(1000) - 1000 = 0, softplus(-1000) = 0, log 2, log 2
        assertEquals(Math.log(2) / 2, b.item(), 1e-6);
        assertTrue(Autodiff.grad(b, z, false).value().allFinite());
    }
}
