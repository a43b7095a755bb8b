package dev.motif.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/** Init: moments of large samples against the formulas, and the same numbers from the same seed. */
class InitTest {
    private static final int N = 200_000;

    /** Mean and variance of a sample. */
    private static double[] moments(NDArray a) {
        double s = 0, s2 = 0;
        for (int i = 0; i < a.size(); i++) s += a.getFlat(i);
        double mean = s / a.size();
        for (int i = 0; i < a.size(); i++) s2 += (a.getFlat(i) - mean) * (a.getFlat(i) - mean);
        return new double[] {mean, s2 / a.size()};
    }

    /** Checks mean and variance against the distribution's, within ~5 standard errors. */
    private static void assertMoments(NDArray a, double mean, double var, double kurtosisExcess) {
        double[] m = moments(a);
        int n = a.size();
        assertEquals(mean, m[0], 5 * Math.sqrt(var / n), "mean");
        // Var of the sample variance ≈ var² (2 + excess kurtosis) / n
        assertEquals(var, m[1], 5 * var * Math.sqrt((2 + kurtosisExcess) / n), "variance");
    }

    @Test
    void uniformAndNormalMoments() {
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            NDArray u = Init.uniform(new SplittableRandom(1), dt, -1, 3, N);
            assertMoments(u, 1, 16.0 / 12, -1.2);
            for (int i = 0; i < N; i++) assertTrue(u.getFlat(i) >= -1 && u.getFlat(i) <= 3);
            NDArray g = Init.normal(new SplittableRandom(2), dt, 0.5, 2, 400, 500);
            assertArrayEquals(new int[] {400, 500}, g.shape());
            assertEquals(dt, g.dtype());
            assertMoments(g, 0.5, 4, 0);
        }
    }

    @Test
    void kaimingAndXavierFollowPyTorchsFormulas() {
        int fanIn = 75, fanOut = 40;
        double b = Math.sqrt(2) * Math.sqrt(3.0 / fanIn);
        NDArray ku = Init.kaimingUniform(new SplittableRandom(3), DType.F64, fanIn, N);
        assertMoments(ku, 0, b * b / 3, -1.2);
        assertTrue(ku.abs().max(null, false).item() <= b);
        assertMoments(Init.kaimingNormal(new SplittableRandom(4), DType.F32, fanIn, N), 0, 2.0 / fanIn, 0);
        double a = Math.sqrt(6.0 / (fanIn + fanOut));
        NDArray xu = Init.xavierUniform(new SplittableRandom(5), DType.F64, fanIn, fanOut, N);
        assertMoments(xu, 0, a * a / 3, -1.2);
        assertTrue(xu.abs().max(null, false).item() <= a);
        assertMoments(Init.xavierNormal(new SplittableRandom(6), DType.F64, fanIn, fanOut, N), 0, 2.0 / (fanIn + fanOut), 0);
        // explicit gains
        double g = Init.leakyReluGain(Math.sqrt(5)); // PyTorch's Linear default: bound 1/sqrt(fanIn)
        assertEquals(Math.sqrt(1.0 / 3), g, 1e-15);
        NDArray lin = Init.kaimingUniform(new SplittableRandom(7), DType.F64, fanIn, g, new int[] {N});
        assertMoments(lin, 0, 1.0 / fanIn / 3, -1.2);
        assertMoments(Init.kaimingNormal(new SplittableRandom(8), DType.F64, fanIn, 3.0, new int[] {N}), 0, 9.0 / fanIn, 0);
        assertMoments(Init.xavierUniform(new SplittableRandom(9), DType.F64, fanIn, fanOut, 2.0, new int[] {N}), 0, 4 * a * a / 3, -1.2);
        assertMoments(Init.xavierNormal(new SplittableRandom(10), DType.F64, fanIn, fanOut, 0.5, new int[] {N}), 0, 0.25 * 2.0 / (fanIn + fanOut), 0);
        assertEquals(Math.sqrt(2), Init.RELU_GAIN);
        assertEquals(Math.sqrt(2), Init.leakyReluGain(0));
    }

    @Test
    void fansAreReadOffTheWeightShape() {
        assertEquals(20, Init.fanIn(10, 20));
        assertEquals(10, Init.fanOut(10, 20));
        assertEquals(27, Init.fanIn(64, 3, 3, 3));
        assertEquals(576, Init.fanOut(64, 3, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> Init.fanIn(5));
    }

    @Test
    void sameSeedSameNumbers() {
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            assertTrue(Init.normal(new SplittableRandom(42), dt, 0, 1, 3, 4).contentEquals(Init.normal(new SplittableRandom(42), dt, 0, 1, 3, 4)));
            assertTrue(Init.kaimingUniform(new Random(42), dt, 9, 5, 9).contentEquals(Init.kaimingUniform(new Random(42), dt, 9, 5, 9)));
            assertTrue(Init.xavierNormal(seeded(42), dt, 3, 4, 4, 3)
                    .contentEquals(Init.xavierNormal(seeded(42), dt, 3, 4, 4, 3)));
            assertFalse(Init.uniform(new SplittableRandom(42), dt, 0, 1, 10).contentEquals(Init.uniform(new SplittableRandom(43), dt, 0, 1, 10)));
        }
        // F32 holds the F64 draws rounded: one stream of numbers whatever the dtype
        NDArray d = Init.normal(new SplittableRandom(7), DType.F64, 0, 1, 100);
        NDArray f = Init.normal(new SplittableRandom(7), DType.F32, 0, 1, 100);
        assertTrue(d.toF32().contentEquals(f));
        // the generator advances: two draws from one generator differ
        SplittableRandom rng = new SplittableRandom(1);
        assertFalse(Init.uniform(rng, DType.F64, 0, 1, 5).contentEquals(Init.uniform(rng, DType.F64, 0, 1, 5)));
    }

    private static RandomGenerator seeded(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    @Test
    void badArgumentsAreNamed() {
        SplittableRandom rng = new SplittableRandom(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Init.uniform(rng, DType.F64, 2, 1, 3));
        assertTrue(e.getMessage().contains("uniform") && e.getMessage().contains("[3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Init.normal(rng, DType.F64, 0, -1, 3));
        assertTrue(e.getMessage().contains("normal") && e.getMessage().contains("std"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Init.kaimingNormal(rng, DType.F64, 0, 3));
        assertTrue(e.getMessage().contains("kaimingNormal") && e.getMessage().contains("fanIn"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Init.xavierUniform(rng, DType.F64, 3, 0, 3));
        assertTrue(e.getMessage().contains("xavierUniform") && e.getMessage().contains("fanOut"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Init.kaimingUniform(rng, DType.F64, 3, Double.NaN, new int[] {3}));
        assertTrue(e.getMessage().contains("gain"), e.getMessage());
        assertEquals(0, Init.normal(rng, DType.F64, 1, 0, 0).size());
    }
}
