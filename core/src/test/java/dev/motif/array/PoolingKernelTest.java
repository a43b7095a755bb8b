package dev.motif.array;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pooling kernels' own contracts: argmax indices, flat routing, and errors that name the op and the shapes. */
class PoolingKernelTest {

    @Test
    void argmaxIndicesAreFlatIndicesIntoTheWholeInput() {
        // Two planes of 2x4; the second plane starts at flat index 8.
        NDArray x = NDArray.of(new double[] {0, 1, 7, 2, 3, 2, 1, 0, 9, 8, 1, 1, 0, 0, 1, 2}, 1, 2, 2, 4);
        Pooling.MaxPool p = Pooling.maxPool2d(x, 2, 2, 2, 2, 0, 0);
        assertArrayEquals(new int[] {4, 2, 8, 15}, p.argmax());
        assertArrayEquals(new double[] {3, 7, 9, 2}, p.values().toDoubleArray());
        assertArrayEquals(new double[] {3, 7, 9, 2}, x.gatherFlat(p.argmax(), 1, 2, 1, 2).toDoubleArray());
    }

    @Test
    void tiled2x2MatchesTheDefinitionOnTiesAndExtremeValuesInBothDtypes() {
        // Values drawn from a small set full of ties and extremes, so that every branch of the
        // branch-free tournament is taken: the first maximal element of the window in row-major
        // order wins, -0 and +0 tie, the first NaN wins.
        double[] pool = {-0.0, 0.0, 1, 1, -1, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, -Double.MIN_VALUE,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 2.5, 2.5000000000000004, Double.NaN};
        java.util.SplittableRandom rng = new java.util.SplittableRandom(11);
        int n = 3, c = 2, h = 6, w = 8;
        double[] v = new double[n * c * h * w];
        for (int i = 0; i < v.length; i++) v[i] = pool[rng.nextInt(pool.length - (i % 5 == 0 ? 0 : 1))];
        for (NDArray x : new NDArray[] {NDArray.of(v, n, c, h, w), NDArray.of(v, n, c, h, w).toF32()}) {
            Pooling.MaxPool p = Pooling.maxPool2d(x, 2, 2, 2, 2, 0, 0);
            int q = 0;
            for (int plane = 0; plane < n * c; plane++) {
                for (int oh = 0; oh < h / 2; oh++) {
                    for (int ow = 0; ow < w / 2; ow++, q++) {
                        int i = plane * h * w + 2 * oh * w + 2 * ow, j = i + w;
                        int[] at = {i, i + 1, j, j + 1};
                        int best = at[0];
                        for (int k = 1; k < 4; k++) {
                            double m = x.getFlat(best), e = x.getFlat(at[k]);
                            if (!Double.isNaN(m) && (Double.isNaN(e) || e > m)) best = at[k];
                        }
                        String where = x.dtype() + " window " + q + " " + java.util.Arrays.toString(new double[] {
                                x.getFlat(at[0]), x.getFlat(at[1]), x.getFlat(at[2]), x.getFlat(at[3])});
                        org.junit.jupiter.api.Assertions.assertEquals(best, p.argmax()[q], where);
                        org.junit.jupiter.api.Assertions.assertEquals(Double.doubleToRawLongBits(x.getFlat(best)),
                                Double.doubleToRawLongBits(p.values().getFlat(q)), where);
                    }
                }
            }
        }
    }

    @Test
    void scatterAddsRepeatedIndices() {
        NDArray v = NDArray.vector(1, 2, 3);
        assertArrayEquals(new double[] {0, 4, 2, 0}, v.scatterAddFlat(new int[] {1, 2, 1}, 2, 2).toDoubleArray());
    }

    @Test
    void errorsNameTheOpAndTheShapes() {
        NDArray img = NDArray.zeros(DType.F32, 1, 2, 3, 3);
        assertMessage(() -> Pooling.maxPool2d(NDArray.zeros(DType.F32, 3, 3), 2, 2, 2, 2, 0, 0), "maxPool2d: input must have shape (N, C, H, W), got [3, 3]");
        assertMessage(() -> Pooling.maxPool2d(img, 4, 2, 1, 1, 0, 0), "maxPool2d: a 4x2 window does not fit the input [1, 2, 3, 3] padded by 0x0");
        assertMessage(() -> Pooling.avgPool2d(img, 2, 2, 1, 1, 2, 0), "avgPool2d: padding 2 along the height must be at most half the kernel size 2");
        assertMessage(() -> Pooling.avgPool2d(img, 2, 0, 1, 1, 0, 0), "avgPool2d: kernel size must be positive, got 2x0");
        assertMessage(() -> Pooling.maxPool2d(img, 2, 2, 1, -1, 0, 0), "maxPool2d: stride must be positive, got 1x-1");
        assertMessage(() -> Pooling.avgPool2dAdjoint(NDArray.zeros(DType.F32, 1, 2, 2, 1), 3, 3, 2, 2, 1, 1, 0, 0),
                "avgPool2dAdjoint: gradient [1, 2, 2, 1] does not match the 2x2 output");
        assertMessage(() -> NDArray.vector(1, 2).gatherFlat(new int[] {0, 1, 0}, 2), "gatherFlat: 3 indices do not fill shape [2]");
        assertMessage(() -> NDArray.vector(1, 2).scatterAddFlat(new int[] {0}, 2), "scatterAddFlat: 1 indices for 2 values of shape [2]");
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> NDArray.vector(1, 2).gatherFlat(new int[] {0, 2}, 2));
        assertTrue(e.getMessage().startsWith("gatherFlat: flat index 2 at position 1 is out of range for shape [2]"), e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class, () -> NDArray.vector(1, 2).scatterAddFlat(new int[] {0, -1}, 3));
        assertTrue(e.getMessage().startsWith("scatterAddFlat: flat index -1 at position 1 is out of range for shape [3]"), e.getMessage());
    }

    private static void assertMessage(Runnable r, String start) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
