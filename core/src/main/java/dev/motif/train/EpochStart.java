package dev.motif.train;

/**
 * An epoch is about to begin.
 *
 * @param epoch   1-based epoch number
 * @param epochs  total epochs of the run
 * @param batches minibatches in this epoch
 * @param images  training images in this epoch
 */
public record EpochStart(int epoch, int epochs, int batches, int images) {
}
