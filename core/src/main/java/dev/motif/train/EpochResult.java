package dev.motif.train;

/**
 * What one epoch achieved: an entry of {@link TrainResult#history()}.
 *
 * @param epoch             1-based epoch number
 * @param epochs            the most epochs the run would take (early stopping may end it sooner)
 * @param train             the objective's running figures averaged over the epoch's batches as
 *                          they were trained (the model changed during the epoch; no second pass)
 * @param validation        the validation set evaluated after the epoch, or null without one
 * @param epochSeconds      wall-clock seconds of this epoch, its evaluation included
 * @param elapsedSeconds    wall-clock seconds since the run began
 * @param examplesPerSecond training examples per second of training in this epoch (evaluation excluded)
 */
public record EpochResult(int epoch, int epochs, Metrics train, Metrics validation, double epochSeconds, double elapsedSeconds,
                          double examplesPerSecond) {
}
