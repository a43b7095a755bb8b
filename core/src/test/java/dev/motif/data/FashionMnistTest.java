package dev.motif.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The Fashion-MNIST loader on small files in a temporary directory, the shipped subset, and (when installed) the Debian files. */
class FashionMnistTest {
    @TempDir
    Path dir;

    /** Writes a tiny Fashion-MNIST: 20 training and 10 test 28×28 images, labels i mod 10. */
    private void writeTiny(Path d, boolean gzip, boolean suffix) throws IOException {
        writeTiny(d, gzip, suffix, 28, 28);
    }

    /** As above, with test images of {@code testH × testW}. */
    private void writeTiny(Path d, boolean gzip, boolean suffix, int testH, int testW) throws IOException {
        int[] counts = {20, 20, 10, 10};
        for (int f = 0; f < 4; f++) {
            int n = counts[f], h = f < 2 ? 28 : testH, w = f < 2 ? 28 : testW;
            boolean images = f % 2 == 0;
            byte[] data = new byte[images ? n * h * w : n];
            for (int i = 0; i < data.length; i++) data[i] = (byte) (images ? i % 256 : i % 10);
            IdxFile a = IdxFile.of("x", IdxType.UNSIGNED_BYTE, images ? new int[] {n, h, w} : new int[] {n}, data);
            a.write(d.resolve(FashionMnist.FILES.get(f) + (suffix ? ".gz" : "")), gzip);
        }
    }

    @Test
    void imagesOfAnotherSizeNameTheirFile() throws IOException {
        writeTiny(dir, true, true, 32, 28);
        DataFormatException e = assertThrows(DataFormatException.class, () -> FashionMnist.load(dir));
        assertEquals(dir.resolve("t10k-images-idx3-ubyte.gz") + ": images are 32x28; Fashion-MNIST's are 28x28", e.getMessage());
    }

    @Test
    void loadsPlainAndGzippedFilesUnderEitherName() throws IOException {
        writeTiny(dir, true, true);
        TrainTest gz = FashionMnist.load(dir);
        Path plainDir = Files.createDirectory(dir.resolve("plain"));
        writeTiny(plainDir, false, false);
        TrainTest plain = FashionMnist.load(plainDir);
        assertEquals(gz, plain);
        assertArrayEquals(new int[] {20, 1, 28, 28}, gz.train().images().shape());
        assertArrayEquals(new int[] {10, 1, 28, 28}, gz.test().images().shape());
        assertEquals(7, gz.train().label(17));
        assertEquals((2 * 784 + 1) % 256 / 255.0, gz.train().images().get(2, 0, 0, 1), 1e-7);
        assertEquals(FashionMnist.CLASS_NAMES, gz.test().classNames());
        assertTrue(FashionMnist.isAvailable(dir));
    }

    @Test
    void aMissingFileNamesBothNamesTried() throws IOException {
        writeTiny(dir, true, true);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        assertFalse(FashionMnist.isAvailable(dir));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().contains("looked for t10k-labels-idx1-ubyte and t10k-labels-idx1-ubyte.gz in " + dir), e.getMessage());
    }

    @Test
    void countsThatDisagreeNameTheImageAndLabelFiles() throws IOException {
        writeTiny(dir, false, false);
        IdxFile.of("x", IdxType.UNSIGNED_BYTE, new int[] {9}, new byte[9]).write(dir.resolve("t10k-labels-idx1-ubyte"), false);
        DataFormatException e = assertThrows(DataFormatException.class, () -> FashionMnist.load(dir));
        Path im = dir.resolve("t10k-images-idx3-ubyte"), lb = dir.resolve("t10k-labels-idx1-ubyte");
        assertEquals(im + " and " + lb + ": image and label counts disagree: 10 images in " + im + ", 9 labels in " + lb, e.getMessage());
    }

    @Test
    void labelsOutsideZeroToNineAreRefused() throws IOException {
        writeTiny(dir, true, true);
        byte[] l = new byte[20];
        l[13] = 10;
        IdxFile.of("x", IdxType.UNSIGNED_BYTE, new int[] {20}, l).write(dir.resolve("train-labels-idx1-ubyte.gz"), true);
        DataFormatException e = assertThrows(DataFormatException.class, () -> FashionMnist.load(dir));
        assertEquals(dir.resolve("train-labels-idx1-ubyte.gz") + ": label 10 of item 13 is outside 0..9", e.getMessage());
    }

    @Test
    void imagesWithTheLabelMagicAreRefused() throws IOException {
        writeTiny(dir, true, true);
        IdxFile.of("x", IdxType.UNSIGNED_BYTE, new int[] {20}, new byte[20]).write(dir.resolve("train-images-idx3-ubyte.gz"), true);
        DataFormatException e = assertThrows(DataFormatException.class, () -> FashionMnist.load(dir));
        assertEquals(dir.resolve("train-images-idx3-ubyte.gz") + ": wrong magic number: expected 0x00000803 (unsigned byte, rank 3), "
                + "found 0x00000801 (unsigned byte, rank 1)", e.getMessage());
    }

    @Test
    void shippedSubsetHasTheRightShapesAndIsBalanced() {
        TrainTest s = FashionMnist.shipped();
        assertArrayEquals(new int[] {3000, 1, 28, 28}, s.train().images().shape());
        assertArrayEquals(new int[] {1000, 1, 28, 28}, s.test().images().shape());
        int[] train = new int[10], test = new int[10];
        java.util.Arrays.fill(train, 300);
        java.util.Arrays.fill(test, 100);
        assertArrayEquals(train, s.train().classCounts());
        assertArrayEquals(test, s.test().classCounts());
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE, sum = 0;
        for (int i = 0; i < s.train().images().size(); i++) {
            double v = s.train().images().getFlat(i);
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        assertEquals(0.0, min);
        assertEquals(1.0, max);
        // Fashion-MNIST's mean pixel is about 0.286; a balanced sample of 3,000 lands close to it.
        assertEquals(0.286, sum / s.train().images().size(), 0.02);
        TrainTest z = s.standardized();
        Standardization again = Standardization.of(z.train());
        assertEquals(0, again.mean(), 1e-5);
        assertEquals(1, again.std(), 1e-5);
    }

    @Test
    void shippedSubsetIsReproducedFromTheDebianFiles() throws IOException {
        assumeTrue(FashionMnist.isAvailable(FashionMnist.defaultDir()), "dataset-fashion-mnist is not installed");
        FashionMnist.writeSubset(FashionMnist.defaultDir(), dir, FashionMnist.SHIPPED_TRAIN_PER_CLASS, FashionMnist.SHIPPED_TEST_PER_CLASS,
                FashionMnist.SHIPPED_SEED);
        for (String f : FashionMnist.FILES) {
            try (var in = FashionMnist.class.getResourceAsStream("/dev/motif/data/fashion-mnist-subset/" + f + ".gz")) {
                assertArrayEquals(in.readAllBytes(), Files.readAllBytes(dir.resolve(f + ".gz")), f);
            }
        }
    }

    @Test
    void theDebianFilesLoadInFull() throws IOException {
        assumeTrue(FashionMnist.isAvailable(FashionMnist.defaultDir()), "dataset-fashion-mnist is not installed");
        TrainTest full = FashionMnist.load();
        assertArrayEquals(new int[] {60000, 1, 28, 28}, full.train().images().shape());
        assertArrayEquals(new int[] {10000, 1, 28, 28}, full.test().images().shape());
        int[] train = new int[10], test = new int[10];
        java.util.Arrays.fill(train, 6000);
        java.util.Arrays.fill(test, 1000);
        assertArrayEquals(train, full.train().classCounts());
        assertArrayEquals(test, full.test().classCounts());
        // The statistics commonly quoted for Fashion-MNIST's training pixels: mean 0.2860, std 0.3530.
        Standardization s = Standardization.of(full.train());
        assertEquals(0.2860, s.mean(), 5e-5);
        assertEquals(0.3530, s.std(), 5e-5);
    }

    @Test
    void writeSubsetLeavesTheOutputAloneWhenTheSourceIsBad() throws IOException {
        writeTiny(dir, true, true);
        IdxFile.of("x", IdxType.UNSIGNED_BYTE, new int[] {19}, new byte[19]).write(dir.resolve("train-labels-idx1-ubyte.gz"), true);
        Path out = dir.resolve("out");
        assertThrows(DataFormatException.class, () -> FashionMnist.writeSubset(dir, out, 1, 1, 1));
        assertFalse(Files.exists(out));
    }
}
