package dev.motif.data;

import dev.motif.array.NDArray;

/**
 * Inputs with one class label each: what a classification objective reads from a batch.
 * {@link ImageDataset} is one (inputs (N, C, H, W)); {@link LabeledData} holds inputs of any shape.
 */
public interface Labeled {
    /** The inputs, batch axis first. */
    NDArray inputs();

    /** One label per input, each in [0, {@link #classes()}). */
    int[] labels();

    /** Number of classes. */
    int classes();
}
