package dev.motif.data;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Datasets from IDX arrays, subsets, standardization and class-balanced sampling. */
class ImageDatasetTest {
    private static final List<String> ABC = List.of("a", "b", "c");

    private static IdxFile images(int n, int h, int w) {
        byte[] px = new byte[n * h * w];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 51);   // 0, 51, 102, 153, 204, 255, 50, ...
        return IdxFile.of("images", IdxType.UNSIGNED_BYTE, new int[] {n, h, w}, px);
    }

    private static IdxFile labels(int... l) {
        byte[] b = new byte[l.length];
        for (int i = 0; i < l.length; i++) b[i] = (byte) l[i];
        return IdxFile.of("labels", IdxType.UNSIGNED_BYTE, new int[] {l.length}, b);
    }

    @Test
    void pixelsAreScaledToUnitInterval() throws DataFormatException {
        ImageDataset d = ImageDataset.fromIdx(images(2, 1, 3), labels(2, 0), ABC, DType.F64);
        assertArrayEquals(new int[] {2, 1, 1, 3}, d.images().shape());
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1}, d.images().f64(), 1e-15);
        assertArrayEquals(new int[] {2, 0}, d.labels());
        ImageDataset f = ImageDataset.fromIdx(images(2, 1, 3), labels(2, 0), ABC, DType.F32);
        assertEquals(DType.F32, f.dtype());
        assertEquals(0.2f, f.images().f32()[1]);
    }

    @Test
    void countsThatDisagreeNameBothFiles() {
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageDataset.fromIdx(images(3, 2, 2), labels(0, 1), ABC, DType.F32));
        assertEquals("images and labels: image and label counts disagree: 3 images in images, 2 labels in labels", e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesTheItem() {
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageDataset.fromIdx(images(3, 2, 2), labels(0, 1, 3), ABC, DType.F32));
        assertEquals("labels: label 3 of item 2 is outside 0..2", e.getMessage());
    }

    @Test
    void subsetsCopyTheChosenRows() throws DataFormatException {
        ImageDataset d = ImageDataset.fromIdx(images(4, 1, 1), labels(0, 1, 2, 0), ABC, DType.F64);
        ImageDataset s = d.subset(new int[] {3, 1});
        assertArrayEquals(new int[] {0, 1}, s.labels());
        assertArrayEquals(new double[] {153 / 255.0, 51 / 255.0}, s.images().f64(), 1e-15);
        ImageDataset r = d.subset(1, 3);
        assertArrayEquals(new int[] {1, 2}, r.labels());
        assertArrayEquals(new double[] {0.2, 0.4}, r.images().f64(), 1e-15);
        assertArrayEquals(new int[] {2, 1, 1}, d.classCounts());
        assertEquals("ImageDataset.subset: index 4 at position 0 is not in [0, 4)",
                assertThrows(IllegalArgumentException.class, () -> d.subset(new int[] {4})).getMessage());
        assertEquals("ImageDataset.subset: range [2, 5) is not within [0, 4]",
                assertThrows(IllegalArgumentException.class, () -> d.subset(2, 5)).getMessage());
    }

    @Test
    void constructorChecksShapesAndLabels() {
        NDArray x = NDArray.zeros(DType.F32, 2, 1, 2, 2);
        assertEquals("ImageDataset: 2 images but 3 labels",
                assertThrows(IllegalArgumentException.class, () -> new ImageDataset(x, new int[3], ABC)).getMessage());
        assertEquals("ImageDataset: label -1 at position 1 is not in [0, 3)",
                assertThrows(IllegalArgumentException.class, () -> new ImageDataset(x, new int[] {0, -1}, ABC)).getMessage());
        assertEquals("ImageDataset: images must be (N, C, H, W), got shape [2, 4]",
                assertThrows(IllegalArgumentException.class, () -> new ImageDataset(NDArray.zeros(DType.F32, 2, 4), new int[2], ABC)).getMessage());
        int[] l = {0, 1};
        ImageDataset d = new ImageDataset(x, l, ABC);
        l[0] = 2;   // the dataset keeps its own copy
        assertEquals(0, d.label(0));
    }

    @Test
    void standardizationUsesTheGivenStatistics() {
        // Pixels 1, 2, 3, 4: mean 2.5, population variance 1.25.
        ImageDataset train = new ImageDataset(NDArray.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2), new int[] {0}, ABC);
        Standardization s = Standardization.of(train);
        assertEquals(2.5, s.mean(), 1e-15);
        assertEquals(Math.sqrt(1.25), s.std(), 1e-15);
        ImageDataset test = new ImageDataset(NDArray.of(new double[] {2.5, 5, 0, 2.5}, 1, 1, 2, 2), new int[] {1}, ABC);
        double sd = Math.sqrt(1.25);
        assertArrayEquals(new double[] {0, 2.5 / sd, -2.5 / sd, 0}, test.standardize(s).images().f64(), 1e-12);
        TrainTest tt = new TrainTest(train, test).standardized();
        assertArrayEquals(new double[] {-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd}, tt.train().images().f64(), 1e-12);
        assertArrayEquals(test.standardize(s).images().f64(), tt.test().images().f64(), 0);
        assertEquals("Standardization: std must be finite and > 0, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> new Standardization(0, 0)).getMessage());
    }

    @Test
    void balancedIndicesAreBalancedSortedAndSeeded() {
        int[] labels = new int[300];
        for (int i = 0; i < labels.length; i++) labels[i] = (i * 7) % 3;
        int[] a = ImageDataset.balancedIndices(labels, 3, 20, new SplittableRandom(5));
        int[] b = ImageDataset.balancedIndices(labels, 3, 20, new SplittableRandom(5));
        int[] c = ImageDataset.balancedIndices(labels, 3, 20, new SplittableRandom(6));
        assertArrayEquals(a, b);
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
        assertEquals(60, a.length);
        int[] perClass = new int[3];
        for (int k = 0; k < a.length; k++) {
            perClass[labels[a[k]]]++;
            if (k > 0 && a[k] <= a[k - 1]) throw new AssertionError("not strictly increasing at " + k + ": " + Arrays.toString(a));
        }
        assertArrayEquals(new int[] {20, 20, 20}, perClass);
        assertEquals("balancedIndices: class 0 has 100 items, fewer than 101",
                assertThrows(IllegalArgumentException.class, () -> ImageDataset.balancedIndices(labels, 3, 101, new SplittableRandom(1))).getMessage());
    }
}
