package dev.motif.train;

import dev.motif.autodiff.Tensor;

import java.util.Map;

/**
 * What an {@link Objective} computed for one training batch: the loss to backpropagate (a
 * recorded scalar, the mean over the batch) and running figures summed over its examples, so
 * that the trainer can show their mean so far ({@code "accuracy"}: the number correct).
 *
 * @param loss     the batch's mean loss, a scalar that requires a gradient
 * @param examples how many examples the batch holds
 * @param sums     figures summed over the batch's examples, by name
 */
public record Step(Tensor loss, int examples, Map<String, Double> sums) {
    public Step {
        if (loss.size() != 1) throw new IllegalArgumentException("Step: the loss must be a scalar, got shape " + java.util.Arrays.toString(loss.shape()));
        if (examples <= 0) throw new IllegalArgumentException("Step: a batch holds at least one example, got " + examples);
        sums = Map.copyOf(sums);
    }

    /** A loss without running figures. */
    public Step(Tensor loss, int examples) {
        this(loss, examples, Map.of());
    }
}
