package dev.motif.train;

import dev.motif.array.NDArray;

import java.util.function.Function;

/**
 * One head of a multi-task model: its name (the key of its output), and what it is scored
 * against in a batch, class labels (cross-entropy, accuracy) or real targets (mean squared error,
 * RMSE).
 *
 * <pre>{@code
 * Task<Batch> fine = Task.classification("class", Batch::labels);
 * Task<Batch> ink = Task.regression("ink", Batch::ink);
 * }</pre>
 *
 * @param name           the head's name, as the model's output map has it
 * @param labels         the labels of a batch, for a classification task; else null
 * @param targets        the targets of a batch (shaped as the head's output), for a regression task; else null
 * @param <B> the type of a batch
 */
public record Task<B>(String name, Function<B, int[]> labels, Function<B, NDArray> targets) {
    public Task {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("Task: a name is required");
        if ((labels == null) == (targets == null)) throw new IllegalArgumentException("Task '" + name + "': give labels or targets, not both");
    }

    /** A head scored by cross-entropy against class labels. */
    public static <B> Task<B> classification(String name, Function<B, int[]> labels) {
        return new Task<>(name, labels, null);
    }

    /** A head scored by mean squared error against real targets. */
    public static <B> Task<B> regression(String name, Function<B, NDArray> targets) {
        return new Task<>(name, null, targets);
    }

    public boolean isClassification() {
        return labels != null;
    }
}
