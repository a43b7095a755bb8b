package dev.motif.linalg;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cholesky on matrices whose factors, solutions and inverses are known by hand. */
class CholeskyTest {
    /** L = [[2, 0, 0], [6, 1, 0], [-8, 5, 3]]: every step is exact in binary. */
    private static final double[] A = {
        4, 12, -16,
        12, 37, -43,
        -16, -43, 98};

    @Test
    void factorsAKnownMatrixExactly() {
        Cholesky c = Cholesky.factor(A, 3);
        assertEquals(3, c.size());
        assertArrayEquals(new double[] {2, 0, 0, 6, 1, 0, -8, 5, 3}, c.lower(), 0.0);
        // det = (2·1·3)² = 36
        assertEquals(Math.log(36), c.logDeterminant(), 1e-15);
    }

    @Test
    void solvesAndInvertsAKnownMatrix() {
        Cholesky c = Cholesky.factor(A, 3);
        double[] b = {-20, -43, 192};   // A·[1, 2, 3]
        assertArrayEquals(new double[] {1, 2, 3}, c.solve(b), 0.0);
        assertArrayEquals(new double[] {-20, -43, 192}, b, 0.0, "the right-hand side is left alone");
        double[] inv = c.inverse();
        double[] expected = {
            1777 / 36.0, -122 / 9.0, 19 / 9.0,
            -122 / 9.0, 34 / 9.0, -5 / 9.0,
            19 / 9.0, -5 / 9.0, 1 / 9.0};
        for (int i = 0; i < 9; i++) assertEquals(expected[i], inv[i], 1e-13 * Math.abs(expected[i]), "entry " + i);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) assertEquals(inv[i * 3 + j], inv[j * 3 + i], 0.0, "symmetric at " + i + "," + j);
        }
    }

    @Test
    void aShiftMakesAnIndefiniteMatrixDefinite() {
        double[] a = {1, 2, 2, 1};   // eigenvalues 3 and -1
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class, () -> Cholesky.factor(a, 2));
        assertEquals(1, e.pivot());
        assertEquals(-3, e.pivotValue(), 0.0);   // 1 - 2·2
        assertTrue(e.getMessage().contains("pivot 1 is -3.0"), e.getMessage());
        assertTrue(e.getMessage().contains("2×2"), e.getMessage());
        // + 3·I = [[4, 2], [2, 4]]: L = [[2, 0], [1, √3]]
        Cholesky c = Cholesky.factor(a, 2, 3);
        assertArrayEquals(new double[] {2, 0, 1, Math.sqrt(3)}, c.lower(), 0.0);
        assertArrayEquals(new double[] {1, 1}, c.solve(new double[] {6, 6}), 1e-15);
        NotPositiveDefiniteException shifted = assertThrows(NotPositiveDefiniteException.class, () -> Cholesky.factor(a, 2, 0.5));
        assertTrue(shifted.getMessage().contains("plus 0.5·I"), shifted.getMessage());
        assertEquals(1.5 - 4 / 1.5, shifted.pivotValue(), 1e-15);
    }

    @Test
    void failuresNameThePivotInsteadOfReturningNaN() {
        NotPositiveDefiniteException zero = assertThrows(NotPositiveDefiniteException.class, () -> Cholesky.factor(new double[4], 2));
        assertEquals(0, zero.pivot());
        assertEquals(0, zero.pivotValue(), 0.0);
        NotPositiveDefiniteException nan = assertThrows(NotPositiveDefiniteException.class,
                () -> Cholesky.factor(new double[] {1, 0, 0, Double.NaN}, 2));
        assertEquals(1, nan.pivot());
        assertTrue(Double.isNaN(nan.pivotValue()));
        NotPositiveDefiniteException inf = assertThrows(NotPositiveDefiniteException.class,
                () -> Cholesky.factor(new double[] {Double.POSITIVE_INFINITY}, 1));
        assertEquals(0, inf.pivot());
        // the identity shifted down to zero
        assertEquals(0, Cholesky.factorInPlace(new double[] {1, 0, 0, 1}, 0, 2, -1));
        assertEquals(1, Cholesky.factorInPlace(new double[] {4, 0, 2, 1}, 0, 2), "1 - (2/2)² = 0 at pivot 1");
    }

    @Test
    void inPlaceReadsTheLowerTriangleAndLeavesTheUpperOne() {
        double[] m = A.clone();
        m[1] = Double.NaN;
        m[2] = 99;
        m[5] = Double.NaN;
        assertEquals(Cholesky.DEFINITE, Cholesky.factorInPlace(m, 0, 3));
        assertArrayEquals(new double[] {2, Double.NaN, 99, 6, 1, Double.NaN, -8, 5, 3}, m, 0.0);
    }

    @Test
    void offsetsAndStridesAddressTheSameMatrixAndVector() {
        double[] big = new double[5 + 9];
        Arrays.fill(big, 7);
        System.arraycopy(A, 0, big, 5, 9);
        assertEquals(Cholesky.DEFINITE, Cholesky.factorInPlace(big, 5, 3));
        assertArrayEquals(new double[] {7, 7, 7, 7, 7}, Arrays.copyOf(big, 5), 0.0, "nothing before the offset is touched");
        // b = A·[1, 2, 3] in every third element, starting at 1
        double[] b = {0, -20, 0, 0, -43, 0, 0, 192};
        Cholesky.solveInPlace(big, 5, 3, b, 1, 3);
        assertArrayEquals(new double[] {0, 1, 0, 0, 2, 0, 0, 3}, b, 0.0);
        assertEquals(Math.log(36), Cholesky.logDeterminant(big, 5, 3), 1e-15);
    }

    @Test
    void emptyMatrixIsTriviallyDefinite() {
        Cholesky c = Cholesky.factor(new double[0], 0);
        assertEquals(0, c.solve(new double[0]).length);
        assertEquals(0, c.logDeterminant(), 0.0);
    }

    @Test
    void badArgumentsSayWhatWasExpected() {
        IllegalArgumentException len = assertThrows(IllegalArgumentException.class, () -> Cholesky.factor(new double[3], 2));
        assertTrue(len.getMessage().contains("2×2 = 4 values, got 3"), len.getMessage());
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> Cholesky.factor(new double[0], -1));
        assertTrue(neg.getMessage().contains("n = -1"), neg.getMessage());
        IllegalArgumentException shift = assertThrows(IllegalArgumentException.class, () -> Cholesky.factor(A, 3, Double.NaN));
        assertTrue(shift.getMessage().contains("shift must be finite"), shift.getMessage());
        Cholesky c = Cholesky.factor(A, 3);
        IllegalArgumentException rhs = assertThrows(IllegalArgumentException.class, () -> c.solve(new double[2]));
        assertTrue(rhs.getMessage().contains("expected 3 right-hand side values, got 2"), rhs.getMessage());
        IllegalArgumentException off = assertThrows(IllegalArgumentException.class, () -> Cholesky.factorInPlace(new double[9], 1, 3));
        assertTrue(off.getMessage().contains("offset 1"), off.getMessage());
        IllegalArgumentException stride = assertThrows(IllegalArgumentException.class,
                () -> Cholesky.solveInPlace(A, 0, 3, new double[6], 0, 3));
        assertTrue(stride.getMessage().contains("stride 3"), stride.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cholesky.solveInPlace(A, 0, 3, new double[3], 0, 0));
    }
}
