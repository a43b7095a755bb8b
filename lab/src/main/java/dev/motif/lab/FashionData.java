package dev.motif.lab;

import dev.motif.data.FashionMnist;
import dev.motif.data.ImageDataset;
import dev.motif.data.TrainTest;

import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Fashion-MNIST as an experiment's {@link Settings} choose it, with a sentence saying which: the
 * quick run always takes the subset shipped in the jar (so the tour and the tests give the same
 * numbers on any machine); otherwise {@code --data}, else Debian's {@value FashionMnist#DEBIAN_DIR},
 * else the shipped subset, said so. Pixels are in [0, 1], not yet standardized.
 *
 * @param data   the training and test images
 * @param source where they came from, for the report
 */
record FashionData(TrainTest data, String source) {
    static FashionData of(Settings settings) throws IOException {
        if (settings.quick()) return new FashionData(FashionMnist.shipped(), "the shipped subset (3,000 training images)");
        if (settings.data() != null) return new FashionData(FashionMnist.load(settings.data()), settings.data().toString());
        if (FashionMnist.isAvailable(FashionMnist.defaultDir())) return new FashionData(FashionMnist.load(), FashionMnist.DEBIAN_DIR);
        return new FashionData(FashionMnist.shipped(), "the shipped subset (3,000 training images; no full dataset found)");
    }

    /**
     * Indices of the training images split in two: a class-balanced validation set of
     * {@code perClass} images per class drawn with a fixed seed, and everything else, from which
     * the runs draw their training images. The same data give the same split, so every arm and
     * seed of an experiment is tuned and stopped on the same held-out images.
     */
    static Split validationSplit(ImageDataset train, int perClass) {
        int[] validation = ImageDataset.balancedIndices(train.labels(), train.classes(), perClass, new SplittableRandom(0));
        boolean[] held = new boolean[train.size()];
        for (int i : validation) held[i] = true;
        int[] rest = new int[train.size() - validation.length];
        int k = 0;
        for (int i = 0; i < held.length; i++) if (!held[i]) rest[k++] = i;
        return new Split(validation, rest);
    }

    /** Validation indices and the remaining (training) indices, each in increasing order, disjoint. */
    record Split(int[] validation, int[] rest) {
        /** {@code perClass} images of each class from {@link #rest}, drawn by {@code seed}: a run's training set, as indices into the whole training set. */
        int[] training(ImageDataset train, int perClass, long seed) {
            int[] labels = new int[rest.length];
            for (int i = 0; i < rest.length; i++) labels[i] = train.label(rest[i]);
            int[] picked = ImageDataset.balancedIndices(labels, train.classes(), perClass, new SplittableRandom(seed));
            int[] out = new int[picked.length];
            for (int i = 0; i < picked.length; i++) out[i] = rest[picked[i]];
            Arrays.sort(out);
            return out;
        }
    }
}
