package dev.motif.fit;

/**
 * The small dense kernels the solver needs: Cholesky factorization and solves on row-major
 * symmetric matrices stored in {@code double[]}. The blocks are small (L×L per dataset, G×G once
 * per iteration), so plain loops beat any call overhead.
 */
final class Dense {
    private Dense() {
    }

    /**
     * Factors the symmetric positive definite n×n matrix {@code a} (row-major, at {@code off}) in
     * place into its lower Cholesky factor. Returns false, leaving {@code a} partly overwritten,
     * when a pivot is not positive and finite (the matrix is not numerically positive definite).
     */
    static boolean cholesky(double[] a, int off, int n) {
        for (int j = 0; j < n; j++) {
            double d = a[off + j * n + j];
            for (int p = 0; p < j; p++) {
                double v = a[off + j * n + p];
                d -= v * v;
            }
            if (!(d > 0) || !Double.isFinite(d)) return false;
            double s = Math.sqrt(d);
            a[off + j * n + j] = s;
            for (int i = j + 1; i < n; i++) {
                double v = a[off + i * n + j];
                for (int p = 0; p < j; p++) v -= a[off + i * n + p] * a[off + j * n + p];
                a[off + i * n + j] = v / s;
            }
        }
        return true;
    }

    /**
     * Solves (L Lᵀ) x = b in place for one right-hand side stored with a stride: element i of b
     * is {@code b[bOff + i*stride]}. {@code l} holds the lower factor from {@link #cholesky}.
     */
    static void solve(double[] l, int lOff, int n, double[] b, int bOff, int stride) {
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

    /** The inverse of a matrix from its lower Cholesky factor, as a new row-major n×n array. */
    static double[] inverse(double[] l, int lOff, int n) {
        double[] inv = new double[n * n];
        for (int j = 0; j < n; j++) {
            inv[j * n + j] = 1;
            solve(l, lOff, n, inv, j, n);
        }
        // symmetrize: the two triangles differ only by rounding
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = 0.5 * (inv[i * n + j] + inv[j * n + i]);
                inv[i * n + j] = v;
                inv[j * n + i] = v;
            }
        }
        return inv;
    }
}
