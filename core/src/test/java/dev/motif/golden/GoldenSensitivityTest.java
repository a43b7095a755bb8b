package dev.motif.golden;

import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
import dev.motif.nn.Activation;
import dev.motif.nn.Conv2d;
import dev.motif.nn.ConvOptions;
import dev.motif.nn.Linear;
import dev.motif.nn.Losses;
import dev.motif.nn.Losses.Reduction;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static dev.motif.golden.Golden.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The golden comparisons can fail: a weight off by one part in a billion, a wrong option that
 * keeps every shape, a wrong momentum or a neighbouring loss definition each break them, so a
 * passing golden test says something.
 */
class GoldenSensitivityTest {

    @Test
    void aWeightOffByOnePartInABillionFails() {
        Golden.Case c = Golden.find("linear.safetensors", "linear");
        Linear l = new Linear(5, 3, true, c.dtype(), new SplittableRandom(0));
        l.bias().set(c.get("bias"));
        l.weight().set(c.get("weight"));
        assertDoesNotThrow(() -> assertClose(c, "out", l.forward(Tensor.constant(c.get("x"))).value()));
        NDArray w = c.get("weight").copy();
        w.setFlat(4, w.getFlat(4) * (1 + 1e-9));
        l.weight().set(w);
        AssertionError e = assertThrows(AssertionError.class, () -> assertClose(c, "out", l.forward(Tensor.constant(c.get("x"))).value()));
        assertTrue(e.getMessage().contains("linear out [4, 3]"), e.getMessage());
    }

    @Test
    void aWrongOptionWithTheSameShapesFails() {
        // kernel 3 with dilation 2 and padding 2, or dilation 1 and padding 1: the same output shape
        Golden.Case c = Golden.find("conv2d.safetensors", "conv2d_dilation2_pad2");
        ConvOptions right = LayerGoldenTest.convOptions(c, 2);
        assertDoesNotThrow(() -> LayerGoldenTest.check(c, new Conv2d(3, 2, 3, right, c.dtype(), new SplittableRandom(0))));
        assertThrows(AssertionError.class, () -> LayerGoldenTest.check(c, new Conv2d(3, 2, 3, right.dilation(1).padding(1), c.dtype(), new SplittableRandom(0))));
    }

    @Test
    void aWrongMomentumFailsOnTheRunningStatistics() {
        Golden.Case c = Golden.find("norm.safetensors", "batchnorm1d_ncl_train");
        assertDoesNotThrow(() -> LayerGoldenTest.checkBatchNorm(c, c.num("momentum")));
        AssertionError e = assertThrows(AssertionError.class, () -> LayerGoldenTest.checkBatchNorm(c, 0.1));
        assertTrue(e.getMessage().contains("running_mean"), e.getMessage());
    }

    @Test
    void smoothL1InPlaceOfHuberFails() {
        // PyTorch's two definitions differ by the factor delta: only delta = 1 agrees
        Golden.Case c = Golden.find("loss.safetensors", "huber_d0.5_sum");
        Tensor p = Tensor.constant(c.get("prediction")), t = Tensor.constant(c.get("target"));
        assertDoesNotThrow(() -> assertClose(c, "out", Losses.huber(p, t, 0.5, Reduction.SUM).value()));
        assertThrows(AssertionError.class, () -> assertClose(c, "out", Losses.smoothL1(p, t, 0.5, Reduction.SUM).value()));
    }

    @Test
    void softplusAboveTwentyNeedsItsOwnTolerance() {
        // PyTorch's Softplus returns x itself above its threshold of 20; the function is x + log1p(exp(-x))
        Golden.Case c = Golden.find("activation.safetensors", "softplus_above_threshold");
        NDArray out = Activation.softplus().forward(Tensor.constant(c.get("x"))).value();
        assertDoesNotThrow(() -> assertClose(c, "out", out));
        assertThrows(AssertionError.class, () -> assertClose(c, "out", out, Golden.F64_TOL));
        assertArrayEquals(c.get("x").toDoubleArray(), c.get("out").toDoubleArray(), 0); // what PyTorch wrote is x itself
    }
}
