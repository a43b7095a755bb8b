package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pooling layers against values worked out by hand, their tie rule, padding, and their errors. */
class PoolingTest {
    /** A 4x4 image whose 2x2 maxima sit at four different corners of their windows. */
    private static final double[] IMAGE = {
            1, 9, 2, 0,
            3, 4, 8, 5,
            7, 0, 6, 1,
            2, 5, 3, 9};

    private static Tensor image(DType dtype) {
        return Tensor.variable(NDArray.of(IMAGE.clone(), 1, 1, 4, 4).to(dtype));
    }

    private static void assertValues(double[] expected, Tensor t) {
        assertArrayEquals(expected, t.value().toDoubleArray(), 1e-12, t.toString());
    }

    @Test
    void maxPoolTwoByTwoByHandInBothDtypes() {
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            Tensor x = image(dt);
            Tensor y = new MaxPool2d(2).forward(x);
            assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
            assertValues(new double[] {9, 8, 7, 9}, y);
            // Weights 1..4 on the outputs land on the four maxima: (0,1), (1,2), (2,0), (3,3).
            Tensor g = Autodiff.grad(y.mul(Tensor.constant(NDArray.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2).to(dt))).sum(), x, false);
            assertValues(new double[] {0, 1, 0, 0, 0, 0, 2, 0, 3, 0, 0, 0, 0, 0, 0, 4}, g);
            assertTrue(g.dtype() == dt);
        }
    }

    @Test
    void overlappingPaddedMaxPoolByHand() {
        Tensor y = new MaxPool2d(3, 1, 1).forward(image(DType.F64));
        assertValues(new double[] {9, 9, 9, 8, 9, 9, 9, 8, 7, 8, 9, 9, 7, 7, 9, 9}, y);
        // The 9 at (0,1) is the maximum of six windows, the 8 and the 7 of three, the 9 at (3,3) of four: each gets the sum of theirs.
        Tensor x = image(DType.F64);
        Tensor g = Autodiff.grad(new MaxPool2d(3, 1, 1).forward(x).sum(), x, false);
        assertValues(new double[] {0, 6, 0, 0, 0, 0, 3, 0, 3, 0, 0, 0, 0, 0, 0, 4}, g);
    }

    @Test
    void maxPoolPadsWithMinusInfinity() {
        Tensor x = Tensor.constant(NDArray.of(new double[] {-1, -2, -3, -4}, 1, 1, 4));
        // Padded [-inf, -1, -2, -3, -4, -inf]: zero padding would give [0, -2, 0].
        assertValues(new double[] {-1, -2, -4}, new MaxPool1d(2, 2, 1).forward(x));
        Tensor img = Tensor.constant(NDArray.of(new double[] {-1, -2, -3, -4}, 1, 1, 2, 2));
        assertValues(new double[] {-1, -2, -3, -4}, new MaxPool2d(2, 2, 1).forward(img));
    }

    @Test
    void tiesSendTheGradientToTheFirstMaximum() {
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            NDArray v = NDArray.of(new double[] {1, 3, 3, 3, 1, 3, 3, 3, 0}, 1, 1, 3, 3).to(dt);
            assertValues(new double[] {0, 1, 0, 0, 0, 0, 0, 0, 0}, gradOf(new MaxPool2d(2), v));
            assertValues(new double[] {0, 1, 0, 0, 0, 0, 0, 0, 0}, gradOf(new MaxPool2d(3, 3), v));
            assertValues(new double[] {0, 1, 0, 0, 0, 0, 0, 0, 0}, gradOf(new GlobalMaxPool(), v));
            // Windows {1}, {3, 3}, {3, 3}, {1, 3, 3, 0}: the first 3 of each.
            assertValues(new double[] {1, 1, 0, 1, 0, 1, 0, 0, 0}, gradOf(new MaxPool2d(2, 2, 1), v));
            // An even 2x2 input goes through the fast path: every tie, and -0 against +0, picks the first.
            NDArray even = NDArray.of(new double[] {5, 5, 2, -0.0, 5, 5, 0.0, 1}, 1, 1, 2, 4).to(dt);
            assertValues(new double[] {1, 0, 1, 0, 0, 0, 0, 0}, gradOf(new MaxPool2d(2), even));
            NDArray lastWins = NDArray.of(new double[] {1, 2, 3, 4, 4, 3, 2, 1}, 1, 2, 2, 2).to(dt);
            assertValues(new double[] {0, 0, 0, 1, 1, 0, 0, 0}, gradOf(new MaxPool2d(2), lastWins));
        }
    }

    private static Tensor gradOf(Block pool, NDArray v) {
        Tensor x = Tensor.variable(v);
        return Autodiff.grad(pool.forward(x).sum(), x, false);
    }

    @Test
    void aNanIsTheMaximumOfItsWindowAndInfinitiesAreValues() {
        double nan = Double.NaN, inf = Double.POSITIVE_INFINITY;
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            NDArray v = NDArray.of(new double[] {1, nan, 5, 2, 7, 3, 4, 8, -inf, -inf, inf, nan, 3, -inf, -inf, inf}, 1, 1, 4, 4).to(dt);
            Tensor x = Tensor.variable(v);
            Tensor y = new MaxPool2d(2).forward(x);
            double[] got = y.value().toDoubleArray();
            assertTrue(Double.isNaN(got[0]) && got[1] == 8 && got[2] == 3 && Double.isNaN(got[3]), y.toString());
            // The first NaN of a window takes its gradient, even after a +inf.
            assertValues(new double[] {0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0}, Autodiff.grad(y.sum(), x, false));
            NDArray z = new MaxPool2d(2, 1).forward(Tensor.constant(v)).value();
            assertTrue(Double.isNaN(z.get(0, 0, 0, 0)) && Double.isNaN(z.get(0, 0, 0, 1)) && z.get(0, 0, 0, 2) == 8, z.toString());
        }
    }

    /**
     * The same pooling as a composition of general ops: pad with −∞, cut windows with im2col,
     * take the maximum over each window. Without ties its gradient is the routing to the maximum.
     */
    private static Tensor reference(Tensor x, int k, int stride, int pad) {
        int n = x.shape(0), c = x.shape(1);
        int outH = (x.shape(2) + 2 * pad - k) / stride + 1, outW = (x.shape(3) + 2 * pad - k) / stride + 1;
        Tensor padded = x.pad(new int[][] {{pad, pad}, {pad, pad}}, Double.NEGATIVE_INFINITY);
        return padded.im2col2d(k, k, stride, stride, 0, 0, 1, 1).reshape(n, c, k * k, outH * outW)
                .max(new int[] {2}, false).reshape(n, c, outH, outW);
    }

    @Test
    void largeInputsGoThroughTheParallelPathsAndAgreeWithAWindowedReference() {
        // 4·16·33·31 elements: above the parallel threshold, odd extents so the last row and column are dropped.
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            NDArray v = Init.normal(new SplittableRandom(3), dt, 0, 1, 4, 16, 33, 31);
            NDArray w = Init.normal(new SplittableRandom(4), dt, 0, 1, 4, 16, 16, 15);
            for (int[] g : new int[][] {{2, 2, 0}, {3, 2, 1}, {2, 1, 1}}) {
                Tensor x = Tensor.variable(v);
                Tensor y = new MaxPool2d(g[0], g[1], g[2]).forward(x);
                Tensor r = reference(x, g[0], g[1], g[2]);
                assertArrayEquals(r.shape(), y.shape());
                assertArrayEquals(r.value().toDoubleArray(), y.value().toDoubleArray(), 0.0, "values of " + Arrays.toString(g));
                Tensor weights = Tensor.constant(g[1] == 2 && g[0] == 2 ? w : Init.normal(new SplittableRandom(5), dt, 0, 1, y.shape()));
                Tensor gy = Autodiff.grad(y.mul(weights).sum(), x, false), gr = Autodiff.grad(r.mul(weights).sum(), x, false);
                assertArrayEquals(gr.value().toDoubleArray(), gy.value().toDoubleArray(), 1e-5, "gradients of " + Arrays.toString(g));
            }
        }
    }

    @Test
    void largeAveragePoolsAgreeWithTheMeanOfIm2colWindows() {
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            NDArray v = Init.normal(new SplittableRandom(6), dt, 0, 1, 4, 16, 33, 31);
            for (int[] g : new int[][] {{2, 2, 0}, {3, 2, 1}}) {
                int k = g[0], s = g[1], p = g[2];
                Tensor x = Tensor.variable(v);
                Tensor y = new AvgPool2d(k, s, p).forward(x);
                int outH = (33 + 2 * p - k) / s + 1, outW = (31 + 2 * p - k) / s + 1;
                Tensor r = x.im2col2d(k, k, s, s, p, p, 1, 1).reshape(4, 16, k * k, outH * outW).mean(new int[] {2}, false).reshape(4, 16, outH, outW);
                assertArrayEquals(r.value().toDoubleArray(), y.value().toDoubleArray(), dt == DType.F64 ? 1e-12 : 1e-5);
                Tensor weights = Tensor.constant(Init.normal(new SplittableRandom(7), dt, 0, 1, y.shape()));
                Tensor gy = Autodiff.grad(y.mul(weights).sum(), x, false), gr = Autodiff.grad(r.mul(weights).sum(), x, false);
                assertArrayEquals(gr.value().toDoubleArray(), gy.value().toDoubleArray(), dt == DType.F64 ? 1e-12 : 1e-5);
            }
        }
    }

    @Test
    void averagePoolsByHandCountThePadding() {
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            assertValues(new double[] {17 / 4.0, 15 / 4.0, 14 / 4.0, 19 / 4.0}, new AvgPool2d(2).forward(image(dt)));
        }
        Tensor y = new AvgPool2d(3, 1, 1).forward(image(DType.F64));
        assertArrayEquals(new int[] {1, 1, 4, 4}, y.shape());
        // Corner (0,0): 1 + 9 + 3 + 4 over all 9 places of the window, padding included.
        assertTrue(Math.abs(y.value().getFlat(0) - 17 / 9.0) < 1e-12, y.toString());
        // Centre (1,1): 1+9+2+3+4+8+7+0+6 = 40.
        assertTrue(Math.abs(y.value().get(0, 0, 1, 1) - 40 / 9.0) < 1e-12, y.toString());
        Tensor x = Tensor.variable(NDArray.of(new double[] {1, 2, 3, 4}, 1, 1, 4));
        Tensor z = new AvgPool1d(2, 2, 1).forward(x); // padded [0, 1, 2, 3, 4, 0]
        assertValues(new double[] {0.5, 2.5, 2}, z);
        assertValues(new double[] {0.5, 0.5, 0.5, 0.5}, Autodiff.grad(z.sum(), x, false));
        assertValues(new double[] {1.5, 3.5}, new AvgPool1d(2).forward(x));
        assertValues(new double[] {2, 3}, new AvgPool1d(3, 1).forward(x));
    }

    @Test
    void maxPool1dByHand() {
        Tensor x = Tensor.variable(NDArray.of(new double[] {3, 1, 4, 1, 5, 9, 2, 6, 0, 7, 1, 8}, 1, 2, 6));
        Tensor y = new MaxPool1d(3).forward(x);
        assertArrayEquals(new int[] {1, 2, 2}, y.shape());
        assertValues(new double[] {4, 9, 6, 8}, y);
        assertValues(new double[] {0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1}, Autodiff.grad(y.sum(), x, false));
        assertValues(new double[] {4, 4, 5, 9}, new MaxPool1d(3, 1).forward(x).reshape(2, 4).slice(0, 0, 1, 1).reshape(4));
    }

    @Test
    void globalPoolsByHand() {
        Tensor x = Tensor.variable(NDArray.of(new double[] {1, 4, 2, 3, 5, 0, 7, 6, -1, -3, -2, -4}, 2, 2, 3));
        Tensor max = new GlobalMaxPool().forward(x);
        assertArrayEquals(new int[] {2, 2}, max.shape());
        assertValues(new double[] {4, 5, 7, -2}, max);
        assertValues(new double[] {0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0}, Autodiff.grad(max.sum(), x, false));
        assertValues(new double[] {7 / 3.0, 8 / 3.0, 4, -3}, new GlobalAvgPool().forward(x));
        Tensor img = Tensor.constant(NDArray.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 2, 2));
        assertValues(new double[] {4, 8}, new GlobalMaxPool().forward(img));
        assertValues(new double[] {2.5, 6.5}, new GlobalAvgPool().forward(img));
    }

    @Test
    void badArgumentsAndShapesAreNamed() {
        assertMessage(() -> new MaxPool2d(0), "MaxPool2d: kernel size must be positive, got 0");
        assertMessage(() -> new AvgPool2d(2, 0), "AvgPool2d: stride must be positive, got 0");
        assertMessage(() -> new MaxPool1d(3, 1, 2), "MaxPool1d: padding must be in [0, kernel/2] = [0, 1], got 2");
        assertMessage(() -> new AvgPool1d(2, 2, -1), "AvgPool1d: padding must be in [0, kernel/2] = [0, 1], got -1");
        Tensor v = Tensor.constant(NDArray.zeros(DType.F32, 2, 3, 4));
        assertMessage(() -> new MaxPool2d(2).forward(v), "MaxPool2d(2): input must have shape (N, C, H, W), got [2, 3, 4]");
        assertMessage(() -> new AvgPool2d(2).forward(v), "AvgPool2d(2): input must have shape (N, C, H, W), got [2, 3, 4]");
        Tensor img = Tensor.constant(NDArray.zeros(DType.F32, 2, 3, 4, 4));
        assertMessage(() -> new MaxPool1d(2).forward(img), "MaxPool1d(2): input must have shape (N, C, L), got [2, 3, 4, 4]");
        assertMessage(() -> new AvgPool1d(2).forward(img), "AvgPool1d(2): input must have shape (N, C, L), got [2, 3, 4, 4]");
        assertMessage(() -> new MaxPool2d(5).forward(img), "MaxPool2d(5): ");
        assertMessage(() -> new AvgPool2d(5).forward(img), "AvgPool2d(5): ");
        assertMessage(() -> new GlobalMaxPool().forward(Tensor.constant(NDArray.zeros(DType.F32, 2, 3))), "GlobalMaxPool: input must have shape (N, C, ...)");
        assertMessage(() -> new GlobalAvgPool().forward(Tensor.constant(NDArray.zeros(DType.F32, 2, 3))), "GlobalAvgPool: input must have shape (N, C, ...)");
    }

    @Test
    void poolsHaveNoParametersAndUntieToCopiesOfTheirOwn() {
        Tensor x = Tensor.constant(NDArray.arange(DType.F64, 2 * 3 * 6).reshape(2, 3, 6));
        Tensor img = Tensor.constant(NDArray.arange(DType.F64, 2 * 3 * 4 * 4).reshape(2, 3, 4, 4));
        for (Block m : new Block[] {new MaxPool2d(2), new AvgPool1d(3), new GlobalAvgPool(), new GlobalMaxPool()}) {
            assertTrue(m.parameters().isEmpty());
            Block twin = m.untie();
            assertNotSame(m, twin);   // its own mode, so evaluating one leaves the other alone
            Tensor in = m instanceof AvgPool1d ? x : img;
            assertArrayEquals(m.forward(in).value().toDoubleArray(), twin.forward(in).value().toDoubleArray(), 0);
        }
    }

    @Test
    void poolsComputeTheirOutputShapeWithoutRunning() {
        assertArrayEquals(new int[] {2, 3, 2, 2}, new MaxPool2d(2).outputShape(2, 3, 4, 5));
        assertArrayEquals(new int[] {1, 3, 3, 3}, new AvgPool2d(3, 2, 1).outputShape(1, 3, 6, 6));
        assertArrayEquals(new int[] {7, 2, 4}, new MaxPool1d(3, 2, 1).outputShape(7, 2, 8));
        assertArrayEquals(new int[] {1, 4}, new GlobalAvgPool().outputShape(1, 4, 100_000, 100_000));   // no data: any size
        assertMessage(() -> new MaxPool2d(5).outputShape(2, 3, 4, 4), "MaxPool2d(5): input height 4 (padded 4) is smaller than the window 5");
        assertMessage(() -> new AvgPool1d(2).outputShape(2, 3, 4, 4), "AvgPool1d(2): input must have shape (N, C, L), got [2, 3, 4, 4]");
    }

    private static void assertMessage(Runnable r, String start) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
