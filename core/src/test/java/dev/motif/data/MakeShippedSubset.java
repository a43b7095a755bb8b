package dev.motif.data;

import java.nio.file.Path;

/**
 * Regenerates the Fashion-MNIST subset shipped in core/src/main/resources from Debian's
 * {@code dataset-fashion-mnist} files. From the repository root, after {@code mvn -o -q test-compile -pl core -am}:
 *
 * <pre>
 * java -cp core/target/classes:core/target/test-classes dev.motif.data.MakeShippedSubset [source-dir]
 * </pre>
 */
public final class MakeShippedSubset {
    private MakeShippedSubset() {}

    public static void main(String[] args) throws Exception {
        Path source = Path.of(args.length > 0 ? args[0] : FashionMnist.DEBIAN_DIR);
        Path out = Path.of("core/src/main/resources/dev/motif/data/fashion-mnist-subset");
        FashionMnist.writeSubset(source, out, FashionMnist.SHIPPED_TRAIN_PER_CLASS, FashionMnist.SHIPPED_TEST_PER_CLASS, FashionMnist.SHIPPED_SEED);
        System.out.println("wrote " + out);
    }
}
