package dev.motif.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit}.
 *
 * @param history           one entry per epoch run, in order
 * @param bestEpoch         the epoch whose validation metric was best (the last epoch without a validation set)
 * @param stoppedEarly      whether early stopping ended the run before its last epoch
 * @param restoredBest      whether the model was put back to the weights of {@code bestEpoch}
 * @param parameters        unique trainable values of the model
 * @param examplesPerSecond training examples per second of training over the whole run (evaluations excluded)
 * @param seconds           wall-clock seconds of the whole run, evaluations included
 */
public record TrainResult(List<EpochResult> history, int bestEpoch, boolean stoppedEarly, boolean restoredBest, long parameters,
                          double examplesPerSecond, double seconds) {
    public TrainResult {
        history = List.copyOf(history);
    }

    /** The last epoch's training figures. */
    public Metrics train() {
        return history.get(history.size() - 1).train();
    }

    /**
     * The validation metrics of the weights the model holds now: the best epoch's when they were
     * restored, else the last epoch's; null without a validation set.
     */
    public Metrics validation() {
        return history.get((restoredBest ? bestEpoch : history.size()) - 1).validation();
    }
}
