package dev.motif.linalg;

/**
 * The Cholesky factorization {@code A + shift·I = L·Lᵀ} of a symmetric positive definite matrix,
 * and solves with it. Matrices are dense, row-major {@code double[]}s; only the lower triangle
 * (diagonal included) is read, so the upper one may hold anything.
 *
 * <p>Two ways in. {@link #factor} returns a factor that keeps its own copy, and throws a
 * {@link NotPositiveDefiniteException} naming the pivot when the matrix is not positive
 * definite. The static kernels ({@link #factorInPlace}, {@link #solveInPlace}) work on the
 * caller's array at an offset and allocate nothing: for hot loops over many small blocks, and for
 * one large matrix refactored every iteration with a new shift (a natural-gradient step solves
 * {@code (S + εI) x = F} with ε changing as it goes). They report failure as a pivot index
 * instead of throwing, because there a failure is an expected outcome (raise the shift, retry).
 *
 * <pre>{@code
 * double[] a = {4, 2,
 *               2, 3};
 * Cholesky c = Cholesky.factor(a, 2);          // L = [[2, 0], [1, √2]]
 * double[] x = c.solve(new double[] {2, 1});   // [0.5, 0]
 *
 * // (S + εI) x = F, S kept, one workspace reused across iterations
 * System.arraycopy(s, 0, work, 0, n * n);
 * int pivot = Cholesky.factorInPlace(work, 0, n, eps);
 * if (pivot == Cholesky.DEFINITE) Cholesky.solveInPlace(work, 0, n, f, 0, 1);   // f becomes x
 * }</pre>
 *
 * <p>Cost: n³/3 multiply-adds to factor, n² per solve. Each entry of L is one dot product summed in
 * index order, so the result does not depend on how the loops are tiled.
 */
public final class Cholesky {
    /** What {@link #factorInPlace} returns when every pivot was positive: the matrix is positive definite. */
    public static final int DEFINITE = -1;

    private final int n;
    /** The lower factor, row-major n×n, zeros above the diagonal. */
    private final double[] l;

    private Cholesky(int n, double[] l) {
        this.n = n;
        this.l = l;
    }

    /**
     * Factors the symmetric positive definite n×n matrix {@code a} (row-major, lower triangle read).
     *
     * @throws NotPositiveDefiniteException if a pivot is not positive and finite, naming it
     * @throws IllegalArgumentException     if {@code a} does not hold n×n values
     */
    public static Cholesky factor(double[] a, int n) {
        return factor(a, n, 0);
    }

    /**
     * Factors {@code a + shift·I}: the same as adding {@code shift} to every diagonal element of a
     * copy of {@code a} first. A positive shift makes a semi-definite matrix definite (Tikhonov
     * damping, the ε of stochastic reconfiguration).
     *
     * @throws NotPositiveDefiniteException if a pivot is not positive and finite, naming it
     * @throws IllegalArgumentException     if {@code a} does not hold n×n values or the shift is not finite
     */
    public static Cholesky factor(double[] a, int n, double shift) {
        if (a == null || n < 0 || a.length != (long) n * n) {
            throw new IllegalArgumentException("Cholesky.factor: expected " + (n < 0 ? "n >= 0, got n = " + n
                    : n + "×" + n + " = " + (long) n * n + " values, got " + (a == null ? "null" : a.length)));
        }
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) System.arraycopy(a, i * n, l, i * n, i + 1);
        int pivot = factorInPlace(l, 0, n, shift);
        if (pivot != DEFINITE) throw new NotPositiveDefiniteException(n, pivot, remainingPivot(a, l, n, pivot, shift), shift);
        return new Cholesky(n, l);
    }

    /** The value the failed pivot had: its diagonal element, shifted, minus the squares already eliminated. */
    private static double remainingPivot(double[] a, double[] l, int n, int k, double shift) {
        double d = a[k * n + k] + shift;
        for (int p = 0; p < k; p++) d -= l[k * n + p] * l[k * n + p];
        return d;
    }

    /** The order n of the factored matrix. */
    public int size() {
        return n;
    }

    /** A copy of the lower factor L, row-major n×n, zeros above the diagonal. */
    public double[] lower() {
        return l.clone();
    }

    /** The solution x of {@code (A + shift·I) x = b}, as a new array; {@code b} is not modified. */
    public double[] solve(double[] b) {
        if (b == null || b.length != n) {
            throw new IllegalArgumentException("Cholesky.solve: expected " + n + " right-hand side values, got "
                    + (b == null ? "null" : b.length));
        }
        double[] x = b.clone();
        solveInPlace(l, 0, n, x, 0, 1);
        return x;
    }

    /** The inverse of {@code A + shift·I}, row-major n×n, exactly symmetric. */
    public double[] inverse() {
        return inverse(l, 0, n);
    }

    /** log det(A + shift·I), from the factor's diagonal: {@code 2 Σ log L_ii}. */
    public double logDeterminant() {
        return logDeterminant(l, 0, n);
    }

    // ---------------------------------------------------------------- in-place kernels

    /** {@link #factorInPlace(double[], int, int, double)} without a shift. */
    public static int factorInPlace(double[] a, int off, int n) {
        return factorInPlace(a, off, n, 0);
    }

    /**
     * Factors {@code A + shift·I} in place, A being the n×n row-major matrix at {@code a[off ..]}:
     * its lower triangle, diagonal included, is overwritten by L, and the strict upper triangle is
     * left as it was.
     *
     * @return {@link #DEFINITE} when every pivot was positive and finite, otherwise the index k of
     *         the first one that was not (the matrix is not numerically positive definite; columns
     *         before k then hold L's, the rest is partly overwritten)
     * @throws IllegalArgumentException if the array does not hold the matrix at that offset or the shift is not finite
     */
    public static int factorInPlace(double[] a, int off, int n, double shift) {
        checkSquare("Cholesky.factorInPlace", a, off, n);
        if (!Double.isFinite(shift)) throw new IllegalArgumentException("Cholesky.factorInPlace: shift must be finite, got " + shift);
        for (int j = 0; j < n; j++) {
            int rj = off + j * n;
            double d = a[rj + j] + shift;
            for (int p = 0; p < j; p++) {
                double v = a[rj + p];
                d -= v * v;
            }
            if (!(d > 0) || !Double.isFinite(d)) return j;
            double s = Math.sqrt(d);
            a[rj + j] = s;
            // Column j below the diagonal: one dot product with row j per row. Four rows at a time
            // share the loads of row j and keep four independent sums in flight; each sum still runs
            // in index order, so the values are those of the one-row loop.
            int i = j + 1;
            for (; i + 3 < n; i += 4) {
                int r0 = off + i * n;
                int r1 = r0 + n;
                int r2 = r1 + n;
                int r3 = r2 + n;
                double v0 = a[r0 + j];
                double v1 = a[r1 + j];
                double v2 = a[r2 + j];
                double v3 = a[r3 + j];
                for (int p = 0; p < j; p++) {
                    double y = a[rj + p];
                    v0 -= a[r0 + p] * y;
                    v1 -= a[r1 + p] * y;
                    v2 -= a[r2 + p] * y;
                    v3 -= a[r3 + p] * y;
                }
                a[r0 + j] = v0 / s;
                a[r1 + j] = v1 / s;
                a[r2 + j] = v2 / s;
                a[r3 + j] = v3 / s;
            }
            for (; i < n; i++) {
                int ri = off + i * n;
                double v = a[ri + j];
                for (int p = 0; p < j; p++) v -= a[ri + p] * a[rj + p];
                a[ri + j] = v / s;
            }
        }
        return DEFINITE;
    }

    /**
     * Solves {@code L·Lᵀ x = b} in place for one right-hand side stored with a stride: element i
     * of b is {@code b[bOff + i·stride]} (a stride of n solves for one column of a row-major
     * matrix). {@code l} holds the factor from {@link #factorInPlace} at {@code lOff}.
     *
     * @throws IllegalArgumentException if either array does not hold what the offsets and stride say
     */
    public static void solveInPlace(double[] l, int lOff, int n, double[] b, int bOff, int stride) {
        checkSquare("Cholesky.solveInPlace", l, lOff, n);
        if (b == null || stride < 1 || bOff < 0 || (n > 0 && bOff + (long) (n - 1) * stride >= b.length)) {
            throw new IllegalArgumentException("Cholesky.solveInPlace: right-hand side of " + n + " values at offset " + bOff
                    + " with stride " + stride + " does not fit in " + (b == null ? "null" : "an array of " + b.length)
                    + " (expected stride >= 1)");
        }
        for (int i = 0; i < n; i++) {
            double v = b[bOff + i * stride];
            for (int p = 0; p < i; p++) v -= l[lOff + i * n + p] * b[bOff + p * stride];
            b[bOff + i * stride] = v / l[lOff + i * n + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double v = b[bOff + i * stride];
            for (int p = i + 1; p < n; p++) v -= l[lOff + p * n + i] * b[bOff + p * stride];
            b[bOff + i * stride] = v / l[lOff + i * n + i];
        }
    }

    /** The inverse of L·Lᵀ from the factor at {@code l[lOff ..]}, as a new row-major n×n array, exactly symmetric. */
    public static double[] inverse(double[] l, int lOff, int n) {
        checkSquare("Cholesky.inverse", l, lOff, n);
        double[] inv = new double[n * n];
        for (int j = 0; j < n; j++) {
            inv[j * n + j] = 1;
            solveInPlace(l, lOff, n, inv, j, n);
        }
        // the two triangles differ only by rounding
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = 0.5 * (inv[i * n + j] + inv[j * n + i]);
                inv[i * n + j] = v;
                inv[j * n + i] = v;
            }
        }
        return inv;
    }

    /** log det(L·Lᵀ) = {@code 2 Σ log L_ii} from the factor at {@code l[lOff ..]}. */
    public static double logDeterminant(double[] l, int lOff, int n) {
        checkSquare("Cholesky.logDeterminant", l, lOff, n);
        double s = 0;
        for (int i = 0; i < n; i++) s += 2 * Math.log(l[lOff + i * n + i]);
        return s;
    }

    static void checkSquare(String op, double[] a, int off, int n) {
        if (a == null || n < 0 || off < 0 || off + (long) n * n > a.length) {
            throw new IllegalArgumentException(op + ": expected an n×n matrix with n >= 0 at offset >= 0 inside the array; got n = " + n
                    + ", offset " + off + ", " + (a == null ? "null" : "array of " + a.length));
        }
    }
}
