package dev.motif.array;

import java.util.Arrays;

/** Matrix products: BLAS gemm for real work, a plain loop where a call would cost more than the arithmetic. */
final class MatMul {
    private MatMul() {}

    /** Below this many multiply-adds a plain Java loop beats the call into BLAS. */
    private static final long SMALL = 8192;

    static NDArray matmul(NDArray a, NDArray b) {
        return matmul(a, b, false, false);
    }

    /**
     * op(a)·op(b) with op the transpose of the last two axes where asked (read in place, never
     * copied); 1-D operands (NumPy promotion) only without transposes.
     */
    static NDArray matmul(NDArray a, NDArray b, boolean ta, boolean tb) {
        NDArray.requireFloat("matmul", a);
        NDArray.requireFloat("matmul", b);
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("matmul: dtypes " + a.dtype() + " and " + b.dtype() + " differ (shapes "
                    + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape()) + "); convert one with to()");
        }
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("matmul: operands must have rank >= 1, got shapes " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape()));
        }
        if ((ta && a.rank() == 1) || (tb && b.rank() == 1)) {
            throw new IllegalArgumentException("matmul: a transposed operand must have rank >= 2, got shapes " + Shapes.str(a.shape())
                    + (ta ? " (transposed)" : "") + " and " + Shapes.str(b.shape()) + (tb ? " (transposed)" : ""));
        }
        boolean vecA = a.rank() == 1, vecB = b.rank() == 1;
        NDArray x = vecA ? a.reshape(1, a.size()) : a;
        NDArray y = vecB ? b.reshape(b.size(), 1) : b;
        int[] xs = x.shape(), ys = y.shape();
        int r1 = xs[xs.length - 2], c1 = xs[xs.length - 1], r2 = ys[ys.length - 2], c2 = ys[ys.length - 1];
        int m = ta ? c1 : r1, k = ta ? r1 : c1, k2 = tb ? c2 : r2, n = tb ? r2 : c2;
        if (k != k2) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a.shape()) + (ta ? " (transposed)" : "") + " and " + Shapes.str(b.shape())
                    + (tb ? " (transposed)" : "") + " do not align (" + k + " columns against " + k2 + " rows)");
        }
        int[] batchX = Arrays.copyOf(xs, xs.length - 2), batchY = Arrays.copyOf(ys, ys.length - 2);
        int[] batch = Shapes.broadcast("matmul", batchX, batchY);
        int nb = Shapes.size(batch);
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        NDArray out = NDArray.zeros(a.dtype(), outShape);
        // Offsets of each batch's matrix in x and y (0-stride where a batch axis broadcasts).
        int[] bx = Broadcast.strides(batchX, batch.length), by = Broadcast.strides(batchY, batch.length);
        int[] idx = new int[batch.length];
        int ox = 0, oy = 0;
        for (int t = 0; t < nb; t++) {
            gemm(x, ox * m * k, ta, y, oy * k * n, tb, out, t * m * n, m, n, k, false);
            for (int ax = batch.length - 1; ax >= 0; ax--) {
                idx[ax]++;
                ox += bx[ax];
                oy += by[ax];
                if (idx[ax] < batch[ax]) break;
                ox -= bx[ax] * batch[ax];
                oy -= by[ax] * batch[ax];
                idx[ax] = 0;
            }
        }
        if (vecA && vecB) return out.reshape(batch);
        if (vecA) return out.reshape(dropAt(outShape, batch.length));
        if (vecB) return out.reshape(dropAt(outShape, batch.length + 1));
        return out;
    }

    private static int[] dropAt(int[] s, int i) {
        int[] out = new int[s.length - 1];
        for (int j = 0, o = 0; j < s.length; j++) if (j != i) out[o++] = s[j];
        return out;
    }

    /**
     * C[m×n] = op(A)·op(B) (+ C when {@code accumulate}), row-major at the given offsets, where
     * op(A) is A stored [m×k], or Aᵀ of A stored [k×m] when {@code ta} (likewise B, [k×n] or
     * [n×k]): a transposed operand is read in place, never copied.
     */
    static void gemm(NDArray a, int offA, boolean ta, NDArray b, int offB, boolean tb, NDArray c, int offC, int m, int n, int k,
                     boolean accumulate) {
        if (m == 0 || n == 0 || k == 0) return;
        int lda = ta ? m : k, ldb = tb ? k : n;
        // element (i, p) of op(A) is at i·ai + p·ap; (p, j) of op(B) at p·bp + j·bj
        int ai = ta ? 1 : k, ap = ta ? m : 1, bp = tb ? 1 : n, bj = tb ? k : 1;
        boolean small = (long) m * n * k < SMALL;
        String opA = ta ? "T" : "N", opB = tb ? "T" : "N";
        if (a.dtype() == DType.F64) {
            double[] A = a.f64(), B = b.f64(), C = c.f64();
            if (small) {
                if (!accumulate) java.util.Arrays.fill(C, offC, offC + m * n, 0.0);
                for (int i = 0; i < m; i++) {
                    int ci = offC + i * n;
                    for (int p = 0; p < k; p++) {
                        double av = A[offA + i * ai + p * ap];
                        int bo = offB + p * bp;
                        for (int j = 0; j < n; j++) C[ci + j] += av * B[bo + j * bj];
                    }
                }
            } else {
                // Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ.
                Blas.get().dgemm(opB, opA, n, m, k, 1.0, B, offB, ldb, A, offA, lda, accumulate ? 1.0 : 0.0, C, offC, n);
            }
        } else {
            float[] A = a.f32(), B = b.f32(), C = c.f32();
            if (small) {
                if (!accumulate) java.util.Arrays.fill(C, offC, offC + m * n, 0.0f);
                for (int i = 0; i < m; i++) {
                    int ci = offC + i * n;
                    for (int p = 0; p < k; p++) {
                        float av = A[offA + i * ai + p * ap];
                        int bo = offB + p * bp;
                        for (int j = 0; j < n; j++) C[ci + j] += av * B[bo + j * bj];
                    }
                }
            } else {
                Blas.get().sgemm(opB, opA, n, m, k, 1.0f, B, offB, ldb, A, offA, lda, accumulate ? 1.0f : 0.0f, C, offC, n);
            }
        }
    }
}
