package dev.motif.train;

/**
 * A training minibatch has been stepped.
 *
 * @param epoch           1-based epoch number
 * @param epochs          total epochs of the run
 * @param batch           1-based batch number within the epoch
 * @param batches         batches in the epoch
 * @param epochImagesSeen training images seen so far in this epoch
 * @param epochImages     training images in the epoch
 * @param runningLoss     mean loss over the images seen so far in this epoch
 * @param runningAccuracy accuracy over the images seen so far in this epoch, in [0, 1]
 * @param imagesSeen      training images seen since the run began
 * @param totalImages     training images the whole run will see (epochs × training set size)
 * @param elapsedSeconds  wall-clock seconds since the run began, evaluations included
 * @param imagesPerSecond training images per second of training (evaluations excluded)
 */
public record BatchEnd(int epoch, int epochs, int batch, int batches, int epochImagesSeen, int epochImages,
                       double runningLoss, double runningAccuracy, long imagesSeen, long totalImages,
                       double elapsedSeconds, double imagesPerSecond) {
    /** Fraction of this epoch done, in [0, 1]. */
    public double epochFraction() {
        return epochImages == 0 ? 1 : (double) epochImagesSeen / epochImages;
    }

    /** Estimated seconds of training left at the current rate (evaluations not counted); NaN before a rate is known. */
    public double etaSeconds() {
        return imagesPerSecond > 0 ? (totalImages - imagesSeen) / imagesPerSecond : Double.NaN;
    }
}
