package dev.motif.train;

/**
 * Training produced a non-finite loss, parameter or validation metric. The message names the
 * epoch and batch (or the evaluation) where it happened; nothing after that point should be
 * trusted or saved.
 */
public final class TrainingDivergedException extends IllegalStateException {
    private final int epoch, batch;

    TrainingDivergedException(String message, int epoch, int batch) {
        super(message);
        this.epoch = epoch;
        this.batch = batch;
    }

    /** The 1-based epoch in which it diverged. */
    public int epoch() {
        return epoch;
    }

    /** The 1-based batch of that epoch, or 0 when a validation metric was not finite. */
    public int batch() {
        return batch;
    }
}
