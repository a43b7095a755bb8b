package dev.motif.train;

import dev.motif.data.DataSource;

/**
 * What training minimises and what evaluation measures, for batches of type {@code B}: the
 * loss of a batch, and metrics over held-out data. {@link Objectives} has the common ones
 * (classification, regression, pairs, triplets, several heads); an objective holds the model it
 * computes with.
 *
 * <pre>{@code
 * Objective<ImageDataset> obj = Objectives.classification(model);
 * var t = Trainer.builder(model, optimizer, obj).epochs(5).build();
 * }</pre>
 *
 * @param <B> the type of a batch
 */
public interface Objective<B> {
    /** The loss of one training batch, recorded so it can be backpropagated, with running figures. */
    Step loss(B batch);

    /**
     * Metrics over all of {@code data}, in batches of {@code batchSize}: the mean loss and what
     * else the objective measures. The trainer calls it in evaluation mode without recording a
     * graph.
     */
    Metrics evaluate(DataSource<? extends B> data, int batchSize);

    /**
     * Checks, before any training, that the examples of a split fit the model (shapes, label
     * range), so that a test set of the wrong size fails at once rather than after an epoch.
     * An IllegalArgumentException names the split. The default checks nothing.
     */
    default void check(DataSource<? extends B> data, String split) {}

    /** The metric early stopping watches unless told otherwise. */
    default Monitor monitor() {
        return Monitor.min("loss");
    }
}
