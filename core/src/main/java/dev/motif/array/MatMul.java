package dev.motif.array;

import java.util.Arrays;

/** Matrix products: BLAS gemm for real work, a plain loop where a call would cost more than the arithmetic. */
final class MatMul {
    private MatMul() {}

    /** Below this many multiply-adds a plain Java loop beats the call into BLAS. */
    private static final long SMALL = 8192;

    static NDArray matmul(NDArray a, NDArray b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("matmul: dtypes " + a.dtype() + " and " + b.dtype() + " differ (shapes "
                    + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape()) + ")");
        }
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("matmul: operands must have rank >= 1, got shapes " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape()));
        }
        boolean vecA = a.rank() == 1, vecB = b.rank() == 1;
        NDArray x = vecA ? a.reshape(1, a.size()) : a;
        NDArray y = vecB ? b.reshape(b.size(), 1) : b;
        int[] xs = x.shape(), ys = y.shape();
        int m = xs[xs.length - 2], k = xs[xs.length - 1], k2 = ys[ys.length - 2], n = ys[ys.length - 1];
        if (k != k2) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape())
                    + " do not align (" + k + " columns against " + k2 + " rows)");
        }
        int[] batchX = Arrays.copyOf(xs, xs.length - 2), batchY = Arrays.copyOf(ys, ys.length - 2);
        int[] batch = Shapes.broadcast("matmul", batchX, batchY);
        int nb = Shapes.size(batch);
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        NDArray out = NDArray.zeros(a.dtype(), outShape);
        // Offsets of each batch's matrix in x and y (0-stride where a batch axis broadcasts).
        int[] bx = NDArray.broadcastStrides(batchX, batch.length), by = NDArray.broadcastStrides(batchY, batch.length);
        int[] idx = new int[batch.length];
        int ox = 0, oy = 0;
        for (int t = 0; t < nb; t++) {
            gemm(x, ox * m * k, y, oy * k * n, out, t * m * n, m, n, k);
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

    /** C[m×n] = A[m×k]·B[k×n], row-major, at the given offsets. */
    static void gemm(NDArray a, int offA, NDArray b, int offB, NDArray c, int offC, int m, int n, int k) {
        if (m == 0 || n == 0) return;
        if (k == 0) return; // c is already zero
        boolean small = (long) m * n * k < SMALL;
        if (a.dtype() == DType.F64) {
            double[] A = a.f64(), B = b.f64(), C = c.f64();
            if (small) {
                for (int i = 0; i < m; i++) {
                    int ci = offC + i * n;
                    for (int p = 0; p < k; p++) {
                        double av = A[offA + i * k + p];
                        int bp = offB + p * n;
                        for (int j = 0; j < n; j++) C[ci + j] += av * B[bp + j];
                    }
                }
            } else {
                // Row-major C = A·B is column-major Cᵀ = Bᵀ·Aᵀ.
                Blas.get().dgemm("N", "N", n, m, k, 1.0, B, offB, n, A, offA, k, 0.0, C, offC, n);
            }
        } else {
            float[] A = a.f32(), B = b.f32(), C = c.f32();
            if (small) {
                for (int i = 0; i < m; i++) {
                    int ci = offC + i * n;
                    for (int p = 0; p < k; p++) {
                        float av = A[offA + i * k + p];
                        int bp = offB + p * n;
                        for (int j = 0; j < n; j++) C[ci + j] += av * B[bp + j];
                    }
                }
            } else {
                Blas.get().sgemm("N", "N", n, m, k, 1.0f, B, offB, n, A, offA, k, 0.0f, C, offC, n);
            }
        }
    }
}
