package dev.motif.linalg;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cholesky on random symmetric positive (semi-)definite matrices. */
class CholeskyPropertyTest {
    /** MᵀM/rows + ridge·I for a random rows×n M: positive definite when ridge > 0 or rows ≥ n. */
    static double[] spd(SplittableRandom rng, int n, int rows, double ridge) {
        double[] m = new double[rows * n];
        for (int i = 0; i < m.length; i++) m[i] = rng.nextDouble(-1, 1);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int r = 0; r < rows; r++) s += m[r * n + i] * m[r * n + j];
                a[i * n + j] = s / rows + (i == j ? ridge : 0);
            }
        }
        return a;
    }

    static double[] times(double[] a, int n, double[] x) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) s += a[i * n + j] * x[j];
            y[i] = s;
        }
        return y;
    }

    static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    /** ‖A x − b‖∞ relative to ‖A‖∞·‖x‖∞ + ‖b‖∞: a backward error, a few ε for a stable solve. */
    static double relativeResidual(double[] a, int n, double[] x, double[] b) {
        double[] ax = times(a, n, x);
        double r = 0;
        double norm = 0;
        for (int i = 0; i < n; i++) {
            r = Math.max(r, Math.abs(ax[i] - b[i]));
            double row = 0;
            for (int j = 0; j < n; j++) row += Math.abs(a[i * n + j]);
            norm = Math.max(norm, row);
        }
        return r / (norm * maxAbs(x) + maxAbs(b));
    }

    static double[] vector(SplittableRandom rng, int n) {
        double[] b = new double[n];
        for (int i = 0; i < n; i++) b[i] = rng.nextDouble(-1, 1);
        return b;
    }

    @Property(tries = 200)
    void solveInvertsTheMatrix(@ForAll @IntRange(min = 1, max = 40) int n, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] a = spd(rng, n, n + 1 + rng.nextInt(2 * n), 1e-3);
        double[] b = vector(rng, n);
        double[] x = Cholesky.factor(a, n).solve(b);
        double res = relativeResidual(a, n, x, b);
        assertTrue(res <= 1e-15 * n, "n = " + n + ": relative residual " + res);
    }

    @Property(tries = 200)
    void aShiftedSolveSolvesTheShiftedMatrix(@ForAll @IntRange(min = 1, max = 40) int n, @ForAll long seed,
                                            @ForAll @DoubleRange(min = -6, max = 1) double log10Shift) {
        // The shape of stochastic reconfiguration: S = OᵀO/N from fewer samples than parameters is
        // singular, and S + εI is solved instead.
        SplittableRandom rng = new SplittableRandom(seed);
        int samples = 1 + rng.nextInt(n);
        double[] s = spd(rng, n, samples, 0);
        double eps = Math.pow(10, log10Shift);
        double[] f = vector(rng, n);
        double[] x = Cholesky.factor(s, n, eps).solve(f);
        double[] shifted = s.clone();
        for (int i = 0; i < n; i++) shifted[i * n + i] += eps;
        double res = relativeResidual(shifted, n, x, f);
        assertTrue(res <= 1e-15 * n, "n = " + n + ", ε = " + eps + ": relative residual " + res);
        // the shift is added to the diagonal before anything else, so it is the same as shifting first
        assertArrayEquals(Cholesky.factor(shifted, n).solve(f), x, 0.0);
        // and the in-place kernel on a reused workspace gives the same numbers
        double[] work = new double[n * n];
        System.arraycopy(s, 0, work, 0, n * n);
        assertEquals(Cholesky.DEFINITE, Cholesky.factorInPlace(work, 0, n, eps));
        double[] y = f.clone();
        Cholesky.solveInPlace(work, 0, n, y, 0, 1);
        assertArrayEquals(x, y, 0.0);
    }

    @Property(tries = 100)
    void factorTimesItsTransposeIsTheMatrix(@ForAll @IntRange(min = 1, max = 30) int n, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        // a random lower factor with a positive diagonal, so log det is known exactly
        double[] l = new double[n * n];
        double logDet = 0;
        for (int i = 0; i < n; i++) {
            // off-diagonals of size 1/√n keep the condition number moderate at every n
            for (int j = 0; j < i; j++) l[i * n + j] = rng.nextDouble(-1, 1) / Math.sqrt(n);
            l[i * n + i] = rng.nextDouble(1, 2);
            logDet += 2 * Math.log(l[i * n + i]);
        }
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p <= Math.min(i, j); p++) s += l[i * n + p] * l[j * n + p];
                a[i * n + j] = s;
            }
        }
        Cholesky c = Cholesky.factor(a, n);
        double[] got = c.lower();
        for (int i = 0; i < n * n; i++) assertEquals(l[i], got[i], 1e-9, "L entry " + i);
        assertEquals(logDet, c.logDeterminant(), 1e-10 * Math.max(1, Math.abs(logDet)));
        // A·A⁻¹ = I
        double[] inv = c.inverse();
        for (int i = 0; i < n; i++) {
            double[] col = new double[n];
            for (int j = 0; j < n; j++) col[j] = inv[j * n + i];
            double[] e = times(a, n, col);
            for (int j = 0; j < n; j++) assertEquals(i == j ? 1 : 0, e[j], 1e-8, "(A·A⁻¹)[" + j + "][" + i + "]");
        }
    }

    @Property(tries = 100)
    void tiledFactorEqualsTheOneRowLoopBitForBit(@ForAll @IntRange(min = 1, max = 40) int n, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] a = spd(rng, n, 2 * n, 0.1);
        double[] ref = a.clone();
        // the textbook loop, one sum at a time
        for (int j = 0; j < n; j++) {
            double d = ref[j * n + j];
            for (int p = 0; p < j; p++) d -= ref[j * n + p] * ref[j * n + p];
            double s = Math.sqrt(d);
            ref[j * n + j] = s;
            for (int i = j + 1; i < n; i++) {
                double v = ref[i * n + j];
                for (int p = 0; p < j; p++) v -= ref[i * n + p] * ref[j * n + p];
                ref[i * n + j] = v / s;
            }
        }
        assertEquals(Cholesky.DEFINITE, Cholesky.factorInPlace(a, 0, n));
        assertArrayEquals(ref, a, 0.0);
    }

    @Property(tries = 100)
    void aMatrixThatIsNotDefiniteIsRefusedAtTheRightPivot(@ForAll @IntRange(min = 1, max = 25) int n, @ForAll long seed,
                                                          @ForAll @DoubleRange(min = 0.01, max = 10) double excess) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] a = spd(rng, n, 2 * n, 0.1);
        int k = rng.nextInt(n);
        // lowering a_kk by more than its pivot L_kk² leaves pivots 0..k-1 alone and makes pivot k negative
        double[] l = Cholesky.factor(a, n).lower();
        double pivot = l[k * n + k] * l[k * n + k];
        a[k * n + k] -= pivot + excess;
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class, () -> Cholesky.factor(a, n));
        assertEquals(k, e.pivot());
        assertEquals(-excess, e.pivotValue(), 1e-9 * (1 + pivot));
        assertEquals(k, Cholesky.factorInPlace(a.clone(), 0, n));
    }
}
