package dev.motif.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit}.
 *
 * @param train           the last epoch's training metrics (running averages, see {@link EpochResult#train()})
 * @param test            the test set evaluated after the last epoch, or null without a test set
 * @param history         one entry per epoch, in order
 * @param parameters      unique trainable values of the model
 * @param imagesPerSecond training images per second of training over the whole run (evaluations excluded)
 * @param seconds         wall-clock seconds of the whole run, evaluations included
 */
public record TrainResult(Metrics train, Metrics test, List<EpochResult> history, long parameters, double imagesPerSecond, double seconds) {
    public TrainResult {
        history = List.copyOf(history);
    }
}
