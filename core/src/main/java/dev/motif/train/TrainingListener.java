package dev.motif.train;

/**
 * Receives a {@link Trainer}'s progress, on the training thread, in order: for each epoch one
 * {@link #epochStart}, one {@link #batchEnd} per minibatch, one {@link #epochEnd}. Every method
 * does nothing by default.
 */
public interface TrainingListener {
    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {};

    default void epochStart(EpochStart event) {}

    default void batchEnd(BatchEnd event) {}

    default void epochEnd(EpochResult event) {}
}
