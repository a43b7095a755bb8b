package dev.motif.data;

import dev.motif.array.NDArray;

/**
 * The mean and standard deviation that {@link ImageDataset#standardize} maps to 0 and 1.
 * Computed on the training set and passed explicitly to the test set, so that the test images
 * are never looked at to prepare themselves.
 *
 * @param mean subtracted from every pixel
 * @param std  divides every pixel after that; finite and > 0
 */
public record Standardization(double mean, double std) {
    public Standardization {
        if (!Double.isFinite(mean)) throw new IllegalArgumentException("Standardization: mean must be finite, got " + mean);
        if (!(std > 0) || Double.isInfinite(std)) throw new IllegalArgumentException("Standardization: std must be finite and > 0, got " + std);
    }

    /**
     * The mean and population standard deviation over every pixel of {@code data}, accumulated in
     * double precision (two passes, so a large mean does not cancel the variance).
     */
    public static Standardization of(ImageDataset data) {
        NDArray x = data.images();
        int n = x.size();
        if (n == 0) throw new IllegalArgumentException("Standardization.of: dataset has no pixels");
        // Read the storage directly: a double copy of 60,000 F32 images would take 376 MB.
        double sum = 0;
        for (int i = 0; i < n; i++) sum += x.getFlat(i);
        double mean = sum / n, ss = 0;
        for (int i = 0; i < n; i++) {
            double d = x.getFlat(i) - mean;
            ss += d * d;
        }
        double std = Math.sqrt(ss / n);
        if (!(std > 0)) throw new IllegalArgumentException("Standardization.of: every pixel equals " + mean + ", the standard deviation is 0");
        return new Standardization(mean, std);
    }
}
