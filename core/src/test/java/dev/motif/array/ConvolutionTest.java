package dev.motif.array;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The per-image convolution kernels against the whole-batch route (im2col, then a matrix product
 * per group), at sizes large enough to go through BLAS with transposed operands, on both BLAS
 * implementations and both dtypes; and the adjoint identities that make them each other's gradients.
 */
class ConvolutionTest {
    private Blas.Kind before;

    @BeforeEach
    void remember() {
        before = Blas.kind();
    }

    @AfterEach
    void restore() {
        Blas.use(before);
    }

    /** kernel, stride, padding, dilation, groups (per axis: h then w). */
    static final int[][] CASES = {
            {3, 3, 1, 1, 1, 1, 1, 1, 1}, {3, 2, 2, 1, 0, 2, 1, 2, 2}, {1, 1, 1, 1, 0, 0, 1, 1, 2}, {2, 3, 1, 2, 1, 0, 2, 1, 4}};

    /** Columns from the definition, one entry at a time (independent of the kernels' copy loops). */
    private static NDArray naiveIm2col(NDArray x, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
        int n = x.shape(0), c = x.shape(1), h = x.shape(2), w = x.shape(3);
        int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        NDArray cols = NDArray.zeros(DType.F64, n, c * kh * kw, oh * ow);
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        for (int y = 0; y < oh; y++)
                            for (int z = 0; z < ow; z++) {
                                int ih = y * sh - ph + i * dh, iw = z * sw - pw + j * dw;
                                if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                                    cols.setFlat((b * c * kh * kw + (ch * kh + i) * kw + j) * oh * ow + y * ow + z, x.get(b, ch, ih, iw));
                                }
                            }
        return cols;
    }

    @Test
    void samePaddingUnfoldsRowsAsOneRunAndKeepsThePaddingZero() {
        // Stride 1 with output rows as long as input rows: the copy path that moves whole runs of rows.
        SplittableRandom r = new SplittableRandom(8);
        int[][] geometries = {{3, 3, 1, 1, 1, 1}, {5, 5, 2, 2, 1, 1}, {3, 3, 2, 2, 2, 2}, {3, 5, 1, 2, 1, 1}, {1, 1, 0, 0, 1, 1}, {2, 3, 1, 1, 2, 1}};
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            for (int[] g : geometries) {
                NDArray x = Init.uniform(r, dt, -1, 1, 2, 3, 6, 7);
                NDArray got = Windows.im2col2d(x, g[0], g[1], 1, 1, g[2], g[3], g[4], g[5]);
                assertTrue(got.toF64().contentEquals(naiveIm2col(x.toF64(), g[0], g[1], 1, 1, g[2], g[3], g[4], g[5])), java.util.Arrays.toString(g) + " " + dt);
            }
        }
    }

    /** y[n, o] = W_group(o) · cols[n, group rows]: the whole-batch route, one matrix product per image and group. */
    private static NDArray reference(NDArray x, NDArray w, int[] c) {
        NDArray cols = naiveIm2col(x.toF64(), c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
        int n = x.shape(0), o = w.shape(0), g = c[8], ck = w.size() / o, L = cols.shape(2);
        NDArray y = w.toF64().reshape(g, o / g, ck).matmul(cols.reshape(n, g, ck, L)); // (g, O/g, K) @ (N, g, K, L)
        return y.reshape(n, o, L);
    }

    @ParameterizedTest
    @EnumSource(Blas.Kind.class)
    void matchesTheWholeBatchRouteAndIsItsOwnAdjoint(Blas.Kind kind) {
        if (kind == Blas.Kind.NATIVE) assumeTrue(Blas.nativeAvailable(), "native BLAS (libopenblas0) is not installed");
        Blas.use(kind);
        SplittableRandom r = new SplittableRandom(3);
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            double tol = dt == DType.F64 ? 1e-10 : 2e-3;
            for (int[] c : CASES) {
                int g = c[8];
                NDArray x = Init.uniform(r, dt, -1, 1, 3, 4 * g, 11, 13);
                NDArray w = Init.uniform(r, dt, -1, 1, 8 * g, 4, c[0], c[1]);
                NDArray y = Convolution.conv2d(x, w, c[2], c[3], c[4], c[5], c[6], c[7], g);
                assertEquals(dt, y.dtype());
                NDArray ref = reference(x, w, c);
                assertEquals(0, y.toF64().reshape(ref.shape()).maxAbsDiff(ref), tol, "conv2d " + java.util.Arrays.toString(c) + " " + dt);

                // <gy, conv(x, w)> = <inputGrad(gy, w), x> = <weightGrad(x, gy), w>
                NDArray gy = Init.uniform(r, dt, -1, 1, y.shape());
                NDArray dx = Convolution.conv2dInputGrad(gy, w, 11, 13, c[2], c[3], c[4], c[5], c[6], c[7], g);
                NDArray dw = Convolution.conv2dWeightGrad(x, gy, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], g);
                assertArrayEquals(x.shape(), dx.shape());
                assertArrayEquals(w.shape(), dw.shape());
                double lhs = dot(gy, y), viaX = dot(dx, x), viaW = dot(dw, w);
                assertEquals(lhs, viaX, tol * 100 * Math.max(1, Math.abs(lhs)), "input adjoint " + java.util.Arrays.toString(c) + " " + dt);
                assertEquals(lhs, viaW, tol * 100 * Math.max(1, Math.abs(lhs)), "weight adjoint " + java.util.Arrays.toString(c) + " " + dt);
            }
        }
    }

    @Test
    void theBatchSplitsIntoChunksThatSumToTheOneThreadResult() {
        // 40 images are 16 chunks: run on the caller alone, the partials are still those of the 16 chunks
        SplittableRandom r = new SplittableRandom(4);
        NDArray x = Init.uniform(r, DType.F64, -1, 1, 40, 4, 9, 8), w = Init.uniform(r, DType.F64, -1, 1, 6, 2, 3, 3);
        NDArray gy = Init.uniform(r, DType.F64, -1, 1, 40, 6, 5, 4);
        NDArray[] alone = Parallel.using(Runnable::run, () -> convAndGradients(x, w, gy));
        NDArray[] common = convAndGradients(x, w, gy);
        for (int i = 0; i < 3; i++) assertTrue(alone[i].contentEquals(common[i]), "result " + i);
        // and the chunked sum is the sum: against one image at a time
        NDArray sum = NDArray.zeros(DType.F64, w.shape());
        for (int n = 0; n < 40; n++) {
            sum = sum.add(Convolution.conv2dWeightGrad(x.slice(0, n, n + 1), gy.slice(0, n, n + 1), 3, 3, 2, 2, 1, 1, 1, 1, 2));
        }
        assertEquals(0, sum.maxAbsDiff(common[2]), 1e-12);
    }

    private static NDArray[] convAndGradients(NDArray x, NDArray w, NDArray gy) {
        return new NDArray[] {Convolution.conv2d(x, w, 2, 2, 1, 1, 1, 1, 2), Convolution.conv2dInputGrad(gy, w, 9, 8, 2, 2, 1, 1, 1, 1, 2),
                Convolution.conv2dWeightGrad(x, gy, 3, 3, 2, 2, 1, 1, 1, 1, 2)};
    }

    private static double dot(NDArray a, NDArray b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) s += a.getFlat(i) * b.getFlat(i);
        return s;
    }

    @ParameterizedTest
    @EnumSource(Blas.Kind.class)
    void transposedOperandsAreReadInPlaceThroughBlas(Blas.Kind kind) {
        if (kind == Blas.Kind.NATIVE) assumeTrue(Blas.nativeAvailable(), "native BLAS (libopenblas0) is not installed");
        Blas.use(kind);
        SplittableRandom r = new SplittableRandom(9);
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            NDArray a = Init.uniform(r, dt, -1, 1, 2, 40, 30), b = Init.uniform(r, dt, -1, 1, 30, 50);
            NDArray at = a.mT().copy(), bt = b.mT().copy();
            NDArray expected = a.matmul(b);
            double tol = dt == DType.F64 ? 1e-12 : 1e-4;
            assertEquals(0, at.matmul(b, true, false).maxAbsDiff(expected), tol);
            assertEquals(0, a.matmul(bt, false, true).maxAbsDiff(expected), tol);
            assertEquals(0, at.matmul(bt, true, true).maxAbsDiff(expected), tol);
        }
    }

    @Test
    void errorsNameTheOpAndTheShapes() {
        NDArray x = NDArray.zeros(DType.F64, 2, 4, 5, 5), w = NDArray.zeros(DType.F64, 6, 2, 3, 3);
        String m = assertThrows(IllegalArgumentException.class, () -> Convolution.conv2d(x, w, 1, 1, 0, 0, 1, 1, 1)).getMessage();
        assertTrue(m.contains("conv2d") && m.contains("[2, 4, 5, 5]") && m.contains("expects 2"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Convolution.conv2d(x, w, 1, 1, 0, 0, 1, 1, 4)).getMessage();
        assertTrue(m.contains("groups 4"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Convolution.conv2d(x, w.toF32(), 1, 1, 0, 0, 1, 1, 2)).getMessage();
        assertTrue(m.contains("F64") && m.contains("F32"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> Convolution.conv2dInputGrad(NDArray.zeros(DType.F64, 2, 6, 4, 4), w, 5, 5, 1, 1, 0, 0, 1, 1, 2)).getMessage();
        assertTrue(m.contains("conv2dInputGrad") && m.contains("[2, 6, 4, 4]") && m.contains("[2, 6, 3, 3]"), m);
    }
}
