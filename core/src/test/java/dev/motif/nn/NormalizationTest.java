package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BatchNorm and LayerNorm against values worked out by hand; buffers; untie; errors. */
class NormalizationTest {
    private static final double EPS = 1e-5;

    /** Two channels: {1, 2, 3, 4} (mean 2.5, biased variance 1.25) and {10, 20, 30, 40} (mean 25, variance 125). */
    private static NDArray batch() {
        return NDArray.of(new double[] {1, 10, 2, 20, 3, 30, 4, 40}, 4, 2);
    }

    private static BatchNorm1d bn1d() {
        BatchNorm1d bn = new BatchNorm1d(2, DType.F64);
        bn.weight().set(NDArray.vector(2, -1));
        bn.bias().set(NDArray.vector(0.5, 1));
        return bn;
    }

    @Test
    void batchNormTrainsOnBatchStatisticsAndMovesTheRunningOnes() {
        BatchNorm1d bn = bn1d();
        Tensor y = bn.forward(Tensor.constant(batch()));
        double s0 = Math.sqrt(1.25 + EPS), s1 = Math.sqrt(125 + EPS);
        double[] expected = new double[8];
        double[] d0 = {-1.5, -0.5, 0.5, 1.5}, d1 = {-15, -5, 5, 15};
        for (int n = 0; n < 4; n++) {
            expected[2 * n] = 2 * d0[n] / s0 + 0.5;
            expected[2 * n + 1] = -d1[n] / s1 + 1;
        }
        assertArrayEquals(expected, y.value().toDoubleArray(), 1e-12);
        // running = 0.9·running + 0.1·batch, with the unbiased variance: 1.25·4/3 and 125·4/3.
        assertArrayEquals(new double[] {0.25, 2.5}, bn.runningMean().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {0.9 + 0.1 * 5 / 3.0, 0.9 + 0.1 * 500 / 3.0}, bn.runningVar().toDoubleArray(), 1e-12);
        bn.forward(Tensor.constant(batch()));
        assertArrayEquals(new double[] {0.9 * 0.25 + 0.25, 0.9 * 2.5 + 2.5}, bn.runningMean().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {0.9 * (0.9 + 0.5 / 3) + 0.5 / 3, 0.9 * (0.9 + 50 / 3.0) + 50 / 3.0}, bn.runningVar().toDoubleArray(), 1e-12);
    }

    @Test
    void batchNormEvaluatesWithTheRunningStatisticsAndLeavesThemAlone() {
        BatchNorm1d bn = bn1d();
        bn.forward(Tensor.constant(batch()));
        bn.eval();
        double m0 = 0.25, m1 = 2.5, v0 = 0.9 + 0.5 / 3, v1 = 0.9 + 50 / 3.0;
        Tensor y = bn.forward(Tensor.constant(NDArray.of(new double[] {1, 10}, 1, 2))); // one sample is fine in eval
        assertArrayEquals(new double[] {2 * (1 - m0) / Math.sqrt(v0 + EPS) + 0.5, -(10 - m1) / Math.sqrt(v1 + EPS) + 1},
                y.value().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {m0, m1}, bn.runningMean().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {v0, v1}, bn.runningVar().toDoubleArray(), 1e-15);
        // A fresh layer in eval is the identity up to eps: mean 0, variance 1, weight 1, bias 0.
        BatchNorm1d fresh = new BatchNorm1d(2, DType.F64);
        fresh.eval();
        assertArrayEquals(batch().div(Math.sqrt(1 + EPS)).toDoubleArray(), fresh.forward(Tensor.constant(batch())).value().toDoubleArray(), 1e-12);
    }

    @Test
    void batchNorm2dAndThreeAxisBatchNorm1dAverageOverEveryAxisButTheChannel() {
        // Channel 0 holds {1, 3, 5, 7}: mean 4, biased variance 5, unbiased 20/3.
        // Channel 1 holds {0, 4, 8, -4}: mean 2, biased variance 20, unbiased 80/3.
        NDArray x = NDArray.of(new double[] {1, 3, 0, 4, 5, 7, 8, -4}, 2, 2, 1, 2);
        BatchNorm2d bn = new BatchNorm2d(2, 1e-5, 0.5, DType.F64);
        Tensor y = bn.forward(Tensor.constant(x));
        double s0 = Math.sqrt(5 + EPS), s1 = Math.sqrt(20 + EPS);
        assertArrayEquals(new double[] {-3 / s0, -1 / s0, -2 / s1, 2 / s1, 1 / s0, 3 / s0, 6 / s1, -6 / s1}, y.value().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {2, 1}, bn.runningMean().toDoubleArray(), 1e-12);           // momentum 0.5
        assertArrayEquals(new double[] {0.5 + 10 / 3.0, 0.5 + 40 / 3.0}, bn.runningVar().toDoubleArray(), 1e-12);

        // (N, C, L) = (2, 1, 3): one channel {1, ..., 6}, mean 3.5, biased variance 35/12.
        BatchNorm1d seq = new BatchNorm1d(1, DType.F32);
        Tensor z = seq.forward(Tensor.constant(NDArray.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 1, 3).toF32()));
        assertEquals(DType.F32, z.dtype());
        double s = Math.sqrt(35 / 12.0 + EPS);
        assertArrayEquals(new double[] {-2.5 / s, -1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s, 2.5 / s}, z.value().toDoubleArray(), 1e-6);
        assertArrayEquals(new double[] {0.35}, seq.runningMean().toDoubleArray(), 1e-6);
        assertArrayEquals(new double[] {0.9 + 0.1 * 3.5}, seq.runningVar().toDoubleArray(), 1e-6); // unbiased: 17.5/5
    }

    @Test
    void batchNormGradientReachesWeightAndBias() {
        BatchNorm1d bn = bn1d();
        Tensor y = bn.forward(Tensor.constant(batch()));
        Tensor rows = Tensor.constant(NDArray.of(new double[] {1, 0, 0, 0, 0, 0, 0, 1}, 4, 2));
        y.mul(rows).sum().backward();
        // d/dweight = xhat at the picked places: ch0 row 0 (-1.5/s0), ch1 row 3 (15/s1); d/dbias = 1 each.
        assertArrayEquals(new double[] {-1.5 / Math.sqrt(1.25 + EPS), 15 / Math.sqrt(125 + EPS)}, bn.weight().grad().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {1, 1}, bn.bias().grad().toDoubleArray(), 1e-12);
    }

    @Test
    void runningStatisticsAreBuffersNotParameters() {
        BatchNorm1d bn = bn1d();
        Sequential model = new Sequential(new Linear(3, 2, DType.F64, new SplittableRandom(1)), bn, Activation.relu(), bn);
        Map<String, NDArray> buffers = model.namedBuffers();
        assertEquals(List.of("1.running_mean", "1.running_var"), List.copyOf(buffers.keySet()), "a shared layer's buffers are listed once");
        assertTrue(buffers.get("1.running_mean") == bn.runningMean());
        assertEquals(4, model.parameters().size());
        assertEquals(3 * 2 + 2 + 2 + 2, model.parameterCount());
        for (Parameter p : model.parameters()) assertTrue(p.value() != bn.runningMean() && p.value() != bn.runningVar());
        // Updates happen in place, so arrays taken earlier stay current.
        NDArray mean = model.buffers().get(0);
        model.forward(Tensor.constant(NDArray.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3)));
        assertTrue(mean.getFlat(0) != 0 || mean.getFlat(1) != 0, mean.toString());
        assertTrue(new LayerNorm(DType.F64, 3).namedBuffers().isEmpty());
    }

    @Test
    void aBufferNameMustBeFreshAndKnown() {
        class Box extends Block {
            Box() {
                param("x", new Parameter("x", NDArray.vector(1)));
            }

            void add(String name) {
                buffer(name, NDArray.vector(0));
            }

            NDArray get(String name) {
                return buffer(name);
            }
        }
        Box box = new Box();
        box.add("count");
        assertEquals(List.of("count"), List.copyOf(box.namedBuffers().keySet()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> box.add("x"));
        assertTrue(e.getMessage().contains("slot 'x' is already registered"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> box.add("count"));
        assertTrue(e.getMessage().contains("'count' is already registered"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> box.get("nope"));
        assertTrue(e.getMessage().contains("has no buffer 'nope'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> box.add("a.b"));
        assertTrue(e.getMessage().contains("no '.'"), e.getMessage());
    }

    @Test
    void layerNormByHand() {
        // Rows {1, 2, 3} (mean 2, variance 2/3) and {2, 4, 9} (mean 5, variance 26/3).
        LayerNorm ln = new LayerNorm(DType.F64, 3);
        ln.weight().set(NDArray.vector(1, 2, 3));
        ln.bias().set(NDArray.vector(0, 0, 1));
        Tensor y = ln.forward(Tensor.constant(NDArray.of(new double[] {1, 2, 3, 2, 4, 9}, 2, 3)));
        double a = Math.sqrt(2 / 3.0 + EPS), b = Math.sqrt(26 / 3.0 + EPS);
        assertArrayEquals(new double[] {-1 / a, 0, 3 / a + 1, -3 / b, -2 / b, 12 / b + 1}, y.value().toDoubleArray(), 1e-12);
        ln.eval();
        assertArrayEquals(y.value().toDoubleArray(), ln.forward(Tensor.constant(NDArray.of(new double[] {1, 2, 3, 2, 4, 9}, 2, 3))).value().toDoubleArray());

        // Over the two trailing axes of (2, 2, 2): each 2x2 block is one slice.
        LayerNorm ln2 = new LayerNorm(new int[] {2, 2}, 1e-3, DType.F64);
        Tensor z = ln2.forward(Tensor.constant(NDArray.of(new double[] {1, 2, 3, 4, 0, 0, 0, 8}, 2, 2, 2)));
        double c = Math.sqrt(1.25 + 1e-3), d = Math.sqrt(12 + 1e-3);
        assertArrayEquals(new double[] {-1.5 / c, -0.5 / c, 0.5 / c, 1.5 / c, -2 / d, -2 / d, -2 / d, 6 / d}, z.value().toDoubleArray(), 1e-12);
        Tensor g = Autodiff.grad(z.sum(), ln2.bias(), false);
        assertArrayEquals(new double[] {2, 2, 2, 2}, g.value().toDoubleArray());
    }

    @Test
    void untieGivesIndependentCopiesWithTheSameFunction() {
        BatchNorm2d bn = new BatchNorm2d(2, 1e-3, 0.2, DType.F64);
        bn.weight().set(NDArray.vector(2, 3));
        bn.bias().set(NDArray.vector(-1, 1));
        NDArray x = NDArray.of(new double[] {1, 3, 0, 4, 5, 7, 8, -4}, 2, 2, 1, 2);
        bn.forward(Tensor.constant(x));
        BatchNorm2d copy = bn.untie();
        assertNotSame(bn.weight(), copy.weight());
        assertNotSame(bn.runningMean(), copy.runningMean());
        assertEquals(1e-3, copy.eps());
        assertEquals(0.2, copy.momentum());
        assertArrayEquals(bn.runningMean().toDoubleArray(), copy.runningMean().toDoubleArray());
        assertArrayEquals(bn.runningVar().toDoubleArray(), copy.runningVar().toDoubleArray());
        assertArrayEquals(bn.forward(Tensor.constant(x)).value().toDoubleArray(), copy.forward(Tensor.constant(x)).value().toDoubleArray());
        bn.eval();
        BatchNorm2d evalCopy = bn.untie();
        assertTrue(!evalCopy.isTraining());
        assertArrayEquals(bn.forward(Tensor.constant(x)).value().toDoubleArray(), evalCopy.forward(Tensor.constant(x)).value().toDoubleArray());
        // The copy's statistics move on their own.
        double before = bn.runningMean().getFlat(0);
        copy.forward(Tensor.constant(x.mul(3.0)));
        assertEquals(before, bn.runningMean().getFlat(0));
        copy.weight().set(NDArray.vector(0, 0));
        assertArrayEquals(new double[] {2, 3}, bn.weight().value().toDoubleArray());

        LayerNorm ln = new LayerNorm(DType.F64, 2);
        ln.weight().set(NDArray.vector(3, 4));
        LayerNorm lc = ln.untie();
        assertNotSame(ln.bias(), lc.bias());
        Tensor in = Tensor.constant(NDArray.of(new double[] {1, 5, -2, 0}, 2, 2));
        assertArrayEquals(ln.forward(in).value().toDoubleArray(), lc.forward(in).value().toDoubleArray());
        BatchNorm1d b1 = bn1d();
        assertArrayEquals(new double[] {2, -1}, b1.untie().weight().value().toDoubleArray());
    }

    @Test
    void badArgumentsAndShapesAreNamed() {
        assertMessage(() -> new BatchNorm1d(0, DType.F64), "BatchNorm1d: number of features must be positive, got 0");
        assertMessage(() -> new BatchNorm2d(3, 0, 0.1, DType.F64), "BatchNorm2d: eps must be positive and finite, got 0.0");
        assertMessage(() -> new BatchNorm2d(3, 1e-5, 1.5, DType.F64), "BatchNorm2d: momentum must be in [0, 1], got 1.5");
        BatchNorm2d bn = new BatchNorm2d(3, DType.F32);
        assertMessage(() -> bn.forward(Tensor.constant(NDArray.zeros(DType.F32, 2, 3, 4))),
                "BatchNorm2d(3): input must have shape (N, C, H, W) with C = 3, got [2, 3, 4]");
        assertMessage(() -> bn.forward(Tensor.constant(NDArray.zeros(DType.F32, 2, 4, 2, 2))),
                "BatchNorm2d(3): input must have shape (N, C, H, W) with C = 3, got [2, 4, 2, 2]");
        assertMessage(() -> bn.forward(Tensor.constant(NDArray.zeros(DType.F64, 2, 3, 2, 2))),
                "BatchNorm2d(3): input is F64 [2, 3, 2, 2], the layer is F32");
        assertMessage(() -> bn.forward(Tensor.constant(NDArray.zeros(DType.F32, 1, 3, 1, 1))),
                "BatchNorm2d(3): training needs more than one value per channel");
        BatchNorm1d b1 = new BatchNorm1d(2, DType.F64);
        assertMessage(() -> b1.forward(Tensor.constant(NDArray.zeros(DType.F64, 2, 2, 2, 2))),
                "BatchNorm1d(2): input must have shape (N, C) or (N, C, L) with C = 2, got [2, 2, 2, 2]");
        assertMessage(() -> new LayerNorm(DType.F64), "LayerNorm: the normalised shape must have at least one axis");
        assertMessage(() -> new LayerNorm(DType.F64, 3, 0), "LayerNorm: normalised shape [3, 0] must have positive extents");
        assertMessage(() -> new LayerNorm(new int[] {3}, -1, DType.F64), "LayerNorm: eps must be positive and finite, got -1.0");
        LayerNorm ln = new LayerNorm(DType.F64, 2, 3);
        assertMessage(() -> ln.forward(Tensor.constant(NDArray.zeros(DType.F64, 4, 3, 2))), "LayerNorm([2, 3]): input of shape [4, 3, 2] must end in [2, 3]");
        assertMessage(() -> ln.forward(Tensor.constant(NDArray.zeros(DType.F64, 3))), "LayerNorm([2, 3]): input of shape [3] must end in [2, 3]");
        assertMessage(() -> Normalization.layerNorm(Tensor.constant(NDArray.zeros(DType.F64, 3)), new int[] {2}, null, null, 1e-5),
                "layerNorm: input of shape [3] must end in the normalised shape [2]");
    }

    static void assertMessage(Runnable r, String start) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
