package dev.motif.train;

/**
 * What one epoch achieved: an event for listeners and an entry of {@link TrainResult#history()}.
 *
 * @param epoch           1-based epoch number
 * @param epochs          total epochs of the run
 * @param train           loss and accuracy averaged over the epoch's minibatches as they were
 *                        trained (the model changed during the epoch; no second pass)
 * @param test            the test set evaluated after the epoch, or null when there is none or
 *                        it was not evaluated after this epoch
 * @param epochSeconds    wall-clock seconds of this epoch, its evaluation included
 * @param elapsedSeconds  wall-clock seconds since the run began
 * @param imagesPerSecond training images per second of training in this epoch (evaluation excluded)
 */
public record EpochResult(int epoch, int epochs, Metrics train, Metrics test, double epochSeconds, double elapsedSeconds, double imagesPerSecond) {
}
