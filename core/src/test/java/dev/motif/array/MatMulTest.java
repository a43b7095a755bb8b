package dev.motif.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** matmul against a naive triple loop, on both BLAS implementations, small (plain loop) and large (gemm). */
class MatMulTest {
    private Blas.Kind before;

    @BeforeEach
    void remember() {
        before = Blas.kind();
    }

    @AfterEach
    void restore() {
        Blas.use(before);
    }

    private static void use(Blas.Kind kind) {
        if (kind == Blas.Kind.NATIVE) assumeTrue(Blas.nativeAvailable(), "native BLAS (libopenblas0) is not installed");
        Blas.use(kind);
        assertEquals(kind, Blas.kind());
    }

    /** The naive product of a and b with NumPy's matmul semantics, in double. */
    private static NDArray naive(NDArray a, NDArray b) {
        boolean va = a.rank() == 1, vb = b.rank() == 1;
        NDArray x = va ? a.reshape(1, a.size()) : a, y = vb ? b.reshape(b.size(), 1) : b;
        int[] xs = x.shape(), ys = y.shape();
        int m = xs[xs.length - 2], k = xs[xs.length - 1], n = ys[ys.length - 1];
        int[] bx = Arrays.copyOf(xs, xs.length - 2), by = Arrays.copyOf(ys, ys.length - 2);
        int[] batch = Ref.broadcastShape(bx, by);
        int nb = Shapes.size(batch);
        double[] out = new double[nb * m * n];
        for (int t = 0; t < nb; t++) {
            int[] idx = Ref.unflat(t, batch);
            int ox = bx.length == 0 ? 0 : (int) broadcastFlat(idx, bx), oy = by.length == 0 ? 0 : (int) broadcastFlat(idx, by);
            double[] am = new double[m * k], bm = new double[k * n];
            for (int i = 0; i < m * k; i++) am[i] = x.getFlat(ox * m * k + i);
            for (int i = 0; i < k * n; i++) bm[i] = y.getFlat(oy * k * n + i);
            System.arraycopy(Ref.matmul(am, bm, m, k, n), 0, out, t * m * n, m * n);
        }
        int[] os = Arrays.copyOf(batch, batch.length + 2);
        os[batch.length] = m;
        os[batch.length + 1] = n;
        NDArray r = NDArray.of(out, os);
        if (va && vb) return r.reshape(batch);
        if (va) return r.reshape(NDArrayTest.dropAxis(os, batch.length));
        if (vb) return r.reshape(NDArrayTest.dropAxis(os, batch.length + 1));
        return r;
    }

    private static long broadcastFlat(int[] outIdx, int[] shape) {
        int off = outIdx.length - shape.length;
        int[] idx = new int[shape.length];
        for (int i = 0; i < shape.length; i++) idx[i] = shape[i] == 1 ? 0 : outIdx[i + off];
        return Ref.flat(idx, shape);
    }

    private static void check(NDArray a, NDArray b) {
        NDArray got = a.matmul(b), want = naive(a, b);
        assertArrayEquals(want.shape(), got.shape(), () -> Shapes.str(a.shape()) + " @ " + Shapes.str(b.shape()));
        assertEquals(a.dtype(), got.dtype());
        int k = a.shape(-1);
        double eps = a.dtype() == DType.F64 ? 1e-13 : 1e-5;
        for (int i = 0; i < got.size(); i++) {
            int at = i;
            // entries are sums of k products of numbers in [-2, 2]
            assertEquals(want.getFlat(i), got.getFlat(i), eps * 4 * k, () -> Shapes.str(a.shape()) + " @ " + Shapes.str(b.shape()) + " at " + at);
        }
    }

    private static final int[][][] SHAPES = {
        {{3, 4}, {4, 5}},                 // small: plain loop
        {{1, 1}, {1, 1}},
        {{4}, {4, 3}},                    // 1-D on the left
        {{3, 4}, {4}},                    // 1-D on the right
        {{7}, {7}},                       // dot product
        {{2, 3, 4}, {4, 2}},              // batch against a matrix
        {{4}, {2, 4, 3}},                 // vector against a batch
        {{2, 1, 3, 4}, {5, 4, 2}},        // broadcasting batch axes
        {{1, 3, 2}, {4, 2, 6}},
        {{3, 0}, {0, 4}},                 // empty inner dimension: zeros
        {{0, 3}, {3, 4}},
        {{64, 70}, {70, 50}},             // large: gemm
        {{100, 1}, {1, 100}},             // large outer product
        {{3, 33, 40}, {40, 31}},          // batched gemm
        {{2, 1, 40, 30}, {3, 30, 45}},    // batched gemm with broadcast
        {{200}, {200, 60}},               // large vector-matrix
        {{50, 200}, {200}},
        {{1, 64, 200}, {3, 200, 10}},     // a batch of 1 broadcast against 3
    };

    @ParameterizedTest
    @EnumSource(Blas.Kind.class)
    void matchesTheNaiveTripleLoop(Blas.Kind kind) {
        use(kind);
        SplittableRandom rng = new SplittableRandom(7);
        for (int[][] s : SHAPES) {
            for (DType dt : new DType[] {DType.F64, DType.F32}) {
                NDArray a = Ref.random(rng, dt, s[0]), b = Ref.random(rng, dt, s[1]);
                check(a, b);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Blas.Kind.class)
    void randomShapesOnBothSidesOfTheThreshold(Blas.Kind kind) {
        use(kind);
        SplittableRandom rng = new SplittableRandom(11);
        for (int t = 0; t < 60; t++) {
            int m = 1 + rng.nextInt(40), k = 1 + rng.nextInt(40), n = 1 + rng.nextInt(40);
            int[] batchA = rng.nextBoolean() ? new int[0] : new int[] {1 + rng.nextInt(3)};
            int[] batchB = batchA.length == 0 || rng.nextBoolean() ? new int[0] : new int[] {rng.nextBoolean() ? 1 : batchA[0]};
            int[] sa = Arrays.copyOf(batchA, batchA.length + 2), sb = Arrays.copyOf(batchB, batchB.length + 2);
            sa[batchA.length] = m;
            sa[batchA.length + 1] = k;
            sb[batchB.length] = k;
            sb[batchB.length + 1] = n;
            DType dt = rng.nextBoolean() ? DType.F64 : DType.F32;
            check(Ref.random(rng, dt, sa), Ref.random(rng, dt, sb));
        }
    }

    @Test
    void bothImplementationsAgree() {
        assumeTrue(Blas.nativeAvailable(), "native BLAS (libopenblas0) is not installed");
        SplittableRandom rng = new SplittableRandom(3);
        NDArray a = Ref.random(rng, DType.F64, 2, 80, 90), b = Ref.random(rng, DType.F64, 90, 70);
        Blas.use(Blas.Kind.JAVA);
        NDArray j = a.matmul(b);
        Blas.use(Blas.Kind.NATIVE);
        assertTrue(Blas.describe().startsWith("native"), Blas.describe());
        NDArray nat = a.matmul(b);
        assertTrue(j.maxAbsDiff(nat) < 1e-11, "java and native differ by " + j.maxAbsDiff(nat));
    }

    @Test
    void matmulWithTheIdentityAndTranspose() {
        SplittableRandom rng = new SplittableRandom(5);
        NDArray a = Ref.random(rng, DType.F64, 30, 40);
        assertTrue(a.matmul(NDArray.eye(DType.F64, 40)).maxAbsDiff(a) == 0);
        // (AB)^T = B^T A^T
        NDArray b = Ref.random(rng, DType.F64, 40, 50);
        assertTrue(a.matmul(b).mT().maxAbsDiff(b.mT().matmul(a.mT())) < 1e-12);
    }

    @Test
    void errorsNameTheShapes() {
        NDArray a = NDArray.zeros(DType.F64, 2, 3), b = NDArray.zeros(DType.F64, 4, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.matmul(NDArray.zeros(DType.F32, 3, 2)));
        assertTrue(e.getMessage().contains("F32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.matmul(NDArray.scalar(1)));
        assertTrue(e.getMessage().contains("rank"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NDArray.zeros(DType.F64, 2, 2, 3).matmul(NDArray.zeros(DType.F64, 3, 3, 2)));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("[2]") && e.getMessage().contains("[3]"), e.getMessage());
    }
}
