package dev.motif.data;

import dev.motif.array.DType;

/**
 * A training set and its test set.
 *
 * @param train the images a model learns from
 * @param test  the images it is evaluated on, with the same classes
 */
public record TrainTest(ImageDataset train, ImageDataset test) {
    public TrainTest {
        if (!train.classNames().equals(test.classNames())) {
            throw new IllegalArgumentException("TrainTest: train classes " + train.classNames() + " differ from test classes " + test.classNames());
        }
    }

    /** Both sets standardized with the training set's {@link Standardization}. */
    public TrainTest standardized() {
        Standardization s = Standardization.of(train);
        return new TrainTest(train.standardize(s), test.standardize(s));
    }

    /** Both sets in another dtype. */
    public TrainTest to(DType dtype) {
        return new TrainTest(train.to(dtype), test.to(dtype));
    }
}
