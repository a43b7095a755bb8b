package dev.motif.data;

import dev.motif.array.DType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fashion-MNIST (Zalando Research): 28×28 grey images of clothing in 10 classes, 60,000 for
 * training and 10,000 for testing, in the IDX format.
 *
 * <p>{@link #load()} reads the full set where Debian's {@code dataset-fashion-mnist} package
 * installs it, {@value #DEBIAN_DIR}: {@code train-images-idx3-ubyte.gz},
 * {@code train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz} and
 * {@code t10k-labels-idx1-ubyte.gz}. {@link #shipped()} reads a class-balanced subset that ships
 * inside Motif's core jar (3,000 training and 1,000 test images), so that tours and tests run on
 * any machine. Images come as F32 (N, 1, 28, 28) with pixels scaled to [0, 1]; standardize with
 * {@link TrainTest#standardized()}.
 *
 * <p>The shipped subset was made from the Debian files with
 * {@link #writeSubset(Path, Path, int, int, long)}: 300 images of each class from the training
 * set and 100 of each class from the test set, drawn with seed {@value #SHIPPED_SEED}. The test
 * class {@code dev.motif.data.MakeShippedSubset} (core/src/test) runs it; FashionMnistTest checks
 * that it reproduces the shipped files byte for byte when the package is installed.
 *
 * <pre>{@code
 * TrainTest data = FashionMnist.shipped().standardized();
 * TrainTest full = FashionMnist.load().standardized();           // needs dataset-fashion-mnist
 * }</pre>
 */
public final class FashionMnist {
    private FashionMnist() {}

    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

    /** The class names by label, as the dataset's authors give them. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The file names without {@code .gz}: training images and labels, test images and labels. */
    public static final List<String> FILES = List.of(
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /** The images' height and width. */
    public static final int SIDE = 28;

    /** The seed the shipped subset was drawn with. */
    public static final long SHIPPED_SEED = 20261123L;
    /** Images per class in the shipped training and test subsets. */
    public static final int SHIPPED_TRAIN_PER_CLASS = 300, SHIPPED_TEST_PER_CLASS = 100;

    private static final String RESOURCE_DIR = "/dev/motif/data/fashion-mnist-subset/";

    /** The default directory, {@value #DEBIAN_DIR}. */
    public static Path defaultDir() {
        return Path.of(DEBIAN_DIR);
    }

    /** Whether {@code dir} holds the four files (each plain or gzipped). */
    public static boolean isAvailable(Path dir) {
        for (String f : FILES) if (find(dir, f) == null) return false;
        return true;
    }

    /** The full dataset from {@value #DEBIAN_DIR}. */
    public static TrainTest load() throws IOException {
        return load(defaultDir());
    }

    /**
     * The full dataset from {@code dir}, which holds the four files, each named with or without
     * {@code .gz} (the content decides whether it is gunzipped).
     *
     * @throws NoSuchFileException if a file is missing under both names
     * @throws DataFormatException if a file is malformed, counts disagree, or a label is not in 0..9
     */
    public static TrainTest load(Path dir) throws IOException {
        IdxFile[] f = new IdxFile[4];
        for (int i = 0; i < 4; i++) f[i] = IdxFile.read(locate(dir, FILES.get(i)));
        // Checked here, where the file is known: a model of 28x28 inputs would otherwise fail later naming none.
        for (int i : new int[] {0, 2}) {
            int[] d = f[i].dims();
            if (d.length == 3 && (d[1] != SIDE || d[2] != SIDE)) {
                throw new DataFormatException(f[i].source(), "images are " + d[1] + "x" + d[2] + "; Fashion-MNIST's are " + SIDE + "x" + SIDE);
            }
        }
        return new TrainTest(ImageDataset.fromIdx(f[0], f[1], CLASS_NAMES, DType.F32), ImageDataset.fromIdx(f[2], f[3], CLASS_NAMES, DType.F32));
    }

    /** The class-balanced subset inside the jar: 3,000 training and 1,000 test images. */
    public static TrainTest shipped() {
        try {
            IdxFile[] f = new IdxFile[4];
            for (int i = 0; i < 4; i++) {
                String name = RESOURCE_DIR + FILES.get(i) + ".gz";
                try (InputStream in = FashionMnist.class.getResourceAsStream(name)) {
                    if (in == null) throw new IllegalStateException("FashionMnist.shipped: resource " + name + " is missing from the classpath");
                    f[i] = IdxFile.read(in, "classpath:" + name);
                }
            }
            return new TrainTest(ImageDataset.fromIdx(f[0], f[1], CLASS_NAMES, DType.F32), ImageDataset.fromIdx(f[2], f[3], CLASS_NAMES, DType.F32));
        } catch (IOException e) {
            // The resources are part of the build; a failure here is a broken jar, not bad input.
            throw new UncheckedIOException("FashionMnist.shipped: " + e.getMessage(), e);
        }
    }

    /**
     * Writes a class-balanced subset of the dataset in {@code sourceDir} to {@code outDir} as four
     * gzipped IDX files: {@code trainPerClass} training and {@code testPerClass} test images of
     * each class, drawn with {@code seed}, in their original order. The same inputs give the same
     * bytes.
     */
    public static void writeSubset(Path sourceDir, Path outDir, int trainPerClass, int testPerClass, long seed) throws IOException {
        IdxFile[] f = new IdxFile[4];
        for (int i = 0; i < 4; i++) f[i] = IdxFile.read(locate(sourceDir, FILES.get(i)));
        // Validate before writing anything, so a bad source leaves outDir untouched.
        ImageDataset.fromIdx(f[0], f[1], CLASS_NAMES, DType.F32);
        ImageDataset.fromIdx(f[2], f[3], CLASS_NAMES, DType.F32);
        SplittableRandom rng = new SplittableRandom(seed);
        int[] train = ImageDataset.balancedIndices(labelsOf(f[1]), CLASS_NAMES.size(), trainPerClass, rng);
        int[] test = ImageDataset.balancedIndices(labelsOf(f[3]), CLASS_NAMES.size(), testPerClass, rng);
        Files.createDirectories(outDir);
        for (int i = 0; i < 4; i++) f[i].select(i < 2 ? train : test).write(outDir.resolve(FILES.get(i) + ".gz"), true);
    }

    private static int[] labelsOf(IdxFile labels) {
        int[] out = new int[labels.count()];
        for (int i = 0; i < out.length; i++) out[i] = (int) labels.get(i);
        return out;
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base, base + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    private static Path locate(Path dir, String base) throws NoSuchFileException {
        Path p = find(dir, base);
        if (p == null) {
            throw new NoSuchFileException(dir.resolve(base).toString(), null, "Fashion-MNIST file missing (looked for " + base + " and " + base
                    + ".gz in " + dir + "; on Debian: apt-get install dataset-fashion-mnist, or use FashionMnist.shipped())");
        }
        return p;
    }
}
