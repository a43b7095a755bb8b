package dev.motif.autodiff;

import dev.motif.array.NDArray;
import dev.motif.array.Pooling;
import dev.motif.nn.AvgPool1d;
import dev.motif.nn.AvgPool2d;
import dev.motif.nn.GlobalAvgPool;
import dev.motif.nn.GlobalMaxPool;
import dev.motif.nn.MaxPool1d;
import dev.motif.nn.MaxPool2d;
import dev.motif.nn.Block;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.motif.autodiff.GradCheck.check;
import static dev.motif.autodiff.GradCheck.checkHvp;
import static dev.motif.autodiff.GradCheck.distinct;
import static dev.motif.autodiff.GradCheck.uniform;

/**
 * Pooling layers against finite differences, first and second order. Max pooling is checked on
 * inputs without ties (values at least 0.01 apart, far more than the step), where it is
 * differentiable; a tanh after the pool gives the second derivative something to find.
 */
class PoolingGradientTest {

    @Property(tries = 20)
    void maxPool2dMatchesFiniteDifferences(@ForAll @IntRange(min = 1, max = 3) int k, @ForAll @IntRange(min = 1, max = 3) int stride,
                                          @ForAll @IntRange(min = 0, max = 1) int pad, @ForAll long seed) {
        if (pad > k / 2) return;
        Random r = new Random(seed);
        int h = k + r.nextInt(3), w = k + r.nextInt(3);
        NDArray x = distinct(r, 0.01, 2, 2, h, w);
        Block pool = new MaxPool2d(k, stride, pad);
        String label = pool + " on " + h + "x" + w;
        GradCheck.Fn f = xs -> pool.forward(xs.get(0)).tanh();
        check(label, f, x);
        checkHvp(label, f, seed, x);
    }

    @Test
    void theFastTwoByTwoPathMatchesFiniteDifferences() {
        Random r = new Random(1);
        NDArray x = distinct(r, 0.01, 2, 3, 6, 4);
        GradCheck.Fn f = xs -> new MaxPool2d(2).forward(xs.get(0).mul(xs.get(0))).tanh();
        check("MaxPool2d(2)", f, x);
        checkHvp("MaxPool2d(2)", f, 2, x);
    }

    @Test
    void maxPool1dMatchesFiniteDifferences() {
        Random r = new Random(3);
        NDArray x = distinct(r, 0.01, 2, 3, 9);
        for (Block pool : new Block[] {new MaxPool1d(2), new MaxPool1d(3, 2, 1), new MaxPool1d(4, 1, 2)}) {
            GradCheck.Fn f = xs -> pool.forward(xs.get(0)).tanh();
            check(pool.toString(), f, x);
            checkHvp(pool.toString(), f, 4, x);
        }
    }

    @Test
    void averagePoolsMatchFiniteDifferences() {
        Random r = new Random(5);
        NDArray x2 = uniform(r, -1, 1, 2, 2, 5, 6);
        NDArray x1 = uniform(r, -1, 1, 2, 2, 7);
        for (Block pool : new Block[] {new AvgPool2d(2), new AvgPool2d(3, 2, 1), new AvgPool2d(2, 1)}) {
            GradCheck.Fn f = xs -> pool.forward(xs.get(0)).tanh();
            check(pool.toString(), f, x2);
            checkHvp(pool.toString(), f, 6, x2);
        }
        for (Block pool : new Block[] {new AvgPool1d(2), new AvgPool1d(3, 2, 1)}) {
            GradCheck.Fn f = xs -> pool.forward(xs.get(0)).tanh();
            check(pool.toString(), f, x1);
            checkHvp(pool.toString(), f, 7, x1);
        }
    }

    @Test
    void averagePoolingAndItsAdjointAreEachOthersGradient() {
        Random r = new Random(13);
        NDArray x = uniform(r, -1, 1, 2, 2, 5, 6);
        // A 3x2 window, stride 2x1, padding 1x0: every extent different, so a swapped axis shows.
        GradCheck.Fn pool = xs -> xs.get(0).avgPool2d(3, 2, 2, 1, 1, 0).sin();
        check("avgPool2d", pool, x);
        checkHvp("avgPool2d", pool, 14, x);
        NDArray g = uniform(r, -1, 1, 2, 2, 3, 5);
        GradCheck.Fn adjoint = xs -> ProductRules.avgPool2dAdjoint(xs.get(0), 5, 6, new ProductRules.Pool(3, 2, 2, 1, 1, 0)).sin();
        check("avgPool2dAdjoint", adjoint, g);
        checkHvp("avgPool2dAdjoint", adjoint, 15, g);
        // <adjoint(g), x> = <g, pool(x)>
        double left = Pooling.avgPool2dAdjoint(g, 5, 6, 3, 2, 2, 1, 1, 0).mul(x).sum().item();
        double right = Pooling.avgPool2d(x, 3, 2, 2, 1, 1, 0).mul(g).sum().item();
        GradCheck.assertClose("adjoint identity", right, left, 1e-12);
    }

    @Test
    void globalPoolsMatchFiniteDifferences() {
        Random r = new Random(8);
        NDArray x = distinct(r, 0.01, 2, 3, 2, 3);
        for (Block pool : new Block[] {new GlobalMaxPool(), new GlobalAvgPool()}) {
            GradCheck.Fn f = xs -> pool.forward(xs.get(0).sin()).tanh();
            check(pool.toString(), f, x);
            checkHvp(pool.toString(), f, 9, x);
        }
    }

    @Test
    void gatherAndScatterByFlatIndexAreEachOthersGradient() {
        Random r = new Random(10);
        int[] index = {4, 0, 4, 5, 2};
        NDArray x = uniform(r, -1, 1, 2, 3);
        GradCheck.Fn gather = xs -> xs.get(0).gatherFlat(index, 5).sin();
        check("gatherFlat", gather, x);
        checkHvp("gatherFlat", gather, 11, x);
        NDArray v = uniform(r, -1, 1, 5);
        GradCheck.Fn scatter = xs -> ShapeRules.scatterAddFlat(xs.get(0), index, new int[] {2, 3}).sin();
        check("scatterAddFlat", scatter, v);
        checkHvp("scatterAddFlat", scatter, 12, v);
    }
}
