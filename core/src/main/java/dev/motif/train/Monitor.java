package dev.motif.train;

/**
 * A validation metric to watch, and which way is better: what early stopping and keeping the
 * best weights go by.
 *
 * @param metric          a name among the objective's {@link Metrics}
 * @param higherIsBetter  true for accuracy or AUC, false for a loss
 */
public record Monitor(String metric, boolean higherIsBetter) {
    public Monitor {
        if (metric == null || metric.isEmpty()) throw new IllegalArgumentException("Monitor: a metric name is required");
    }

    /** Lower is better (a loss, an RMSE). */
    public static Monitor min(String metric) {
        return new Monitor(metric, false);
    }

    /** Higher is better (an accuracy, an AUC). */
    public static Monitor max(String metric) {
        return new Monitor(metric, true);
    }

    /** Whether {@code value} beats {@code best} by more than {@code minDelta}. */
    boolean improves(double value, double best, double minDelta) {
        if (Double.isNaN(best)) return true;
        return higherIsBetter ? value > best + minDelta : value < best - minDelta;
    }
}
