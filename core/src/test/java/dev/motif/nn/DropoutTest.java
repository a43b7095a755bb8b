package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static dev.motif.nn.NormalizationTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dropout: identity in evaluation, an inverted mask of the right rate in training, the same mask for the same seed. */
class DropoutTest {
    private static final int N = 20_000;

    private static Tensor ramp(DType dt) {
        NDArray a = NDArray.zeros(dt, 100, N / 100);
        for (int i = 0; i < N; i++) a.setFlat(i, 1 + i % 7);
        return Tensor.variable(a);
    }

    @Test
    void trainingDropsAboutPAndScalesTheRestByOneOverOneMinusP() {
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            Dropout drop = new Dropout(0.3, new SplittableRandom(5));
            Tensor x = ramp(dt);
            Tensor y = drop.forward(x);
            assertEquals(dt, y.dtype());
            int zeros = 0;
            for (int i = 0; i < N; i++) {
                double v = y.value().getFlat(i), in = x.value().getFlat(i);
                if (v == 0) zeros++;
                else assertEquals(in / 0.7, v, dt == DType.F64 ? 1e-12 : 1e-5, "kept element " + i);
            }
            // Binomial(20000, 0.3): standard deviation 65, so ±300 is more than 4.5 of them.
            assertTrue(Math.abs(zeros - 0.3 * N) < 300, zeros + " zeros of " + N);
            // The gradient is the mask: 1/(1-p) where kept, 0 where dropped.
            Tensor g = Autodiff.grad(y.sum(), x, false);
            for (int i = 0; i < N; i++) assertEquals(y.value().getFlat(i) == 0 ? 0 : 1 / 0.7, g.value().getFlat(i), 1e-6);
        }
    }

    @Test
    void theSameSeedDropsTheSameElements() {
        Tensor x = ramp(DType.F64);
        double[] a = new Dropout(0.5, new SplittableRandom(11)).forward(x).value().toDoubleArray();
        double[] b = new Dropout(0.5, new SplittableRandom(11)).forward(x).value().toDoubleArray();
        double[] c = new Dropout(0.5, new SplittableRandom(12)).forward(x).value().toDoubleArray();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
        // Two calls draw two masks.
        Dropout d = new Dropout(0.5, new SplittableRandom(11));
        assertFalse(java.util.Arrays.equals(d.forward(x).value().toDoubleArray(), d.forward(x).value().toDoubleArray()));
    }

    @Test
    void evaluationAndZeroRateAreTheIdentity() {
        Tensor x = ramp(DType.F32);
        Dropout drop = new Dropout(0.9, new SplittableRandom(1));
        drop.eval();
        assertSame(x, drop.forward(x));
        assertSame(x, new Dropout(0, new SplittableRandom(1)).forward(x));
        Sequential model = new Sequential(drop);
        model.train(true);
        assertTrue(drop.isTraining());
        assertTrue(drop.forward(x) != x);
        Block twin = drop.untie();
        assertNotSame(drop, twin);
        twin.eval();
        assertTrue(drop.isTraining(), "the twin has its own mode");
        assertTrue(drop.parameters().isEmpty());
    }

    @Test
    void pMustBeAProbabilityBelowOne() {
        assertMessage(() -> new Dropout(1, new SplittableRandom(1)), "Dropout: p must be in [0, 1), got 1.0");
        assertMessage(() -> new Dropout(-0.1, new SplittableRandom(1)), "Dropout: p must be in [0, 1), got -0.1");
        assertMessage(() -> new Dropout(Double.NaN, new SplittableRandom(1)), "Dropout: p must be in [0, 1), got NaN");
        assertMessage(() -> new Dropout(0.5, null), "Dropout: a random generator is required");
    }
}
