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
        assertArrayEquals(new double[] {3, 7, 9, 2}, Pooling.gatherFlat(x, p.argmax(), 1, 2, 1, 2).toDoubleArray());
    }

    @Test
    void scatterAddsRepeatedIndices() {
        NDArray v = NDArray.vector(1, 2, 3);
        assertArrayEquals(new double[] {0, 4, 2, 0}, Pooling.scatterAddFlat(v, new int[] {1, 2, 1}, 2, 2).toDoubleArray());
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
        assertMessage(() -> Pooling.gatherFlat(NDArray.vector(1, 2), new int[] {0, 1, 0}, 2), "gatherFlat: 3 indices do not fill shape [2]");
        assertMessage(() -> Pooling.scatterAddFlat(NDArray.vector(1, 2), new int[] {0}, 2), "scatterAddFlat: 1 indices for 2 values of shape [2]");
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> Pooling.gatherFlat(NDArray.vector(1, 2), new int[] {0, 2}, 2));
        assertTrue(e.getMessage().startsWith("gatherFlat: flat index 2 at position 1 is out of range for shape [2]"), e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class, () -> Pooling.scatterAddFlat(NDArray.vector(1, 2), new int[] {0, -1}, 3));
        assertTrue(e.getMessage().startsWith("scatterAddFlat: flat index -1 at position 1 is out of range for shape [3]"), e.getMessage());
    }

    private static void assertMessage(Runnable r, String start) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
