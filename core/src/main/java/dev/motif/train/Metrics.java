package dev.motif.train;

/**
 * Mean cross-entropy and accuracy over a number of images.
 *
 * @param loss     mean cross-entropy per image (natural log)
 * @param accuracy fraction of images whose largest logit is at their label, in [0, 1]
 * @param count    number of images
 */
public record Metrics(double loss, double accuracy, int count) {
}
