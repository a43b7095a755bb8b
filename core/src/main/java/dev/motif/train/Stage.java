package dev.motif.train;

/**
 * A stage of work begins.
 *
 * @param name  what it is, as shown: {@code "epoch 2/5"}, {@code "fit"}
 * @param total how many units it has ({@code unit}s), or -1 when that is not known in advance
 * @param unit  what is counted, singular: {@code "batch"}, {@code "iteration"}
 */
public record Stage(String name, long total, String unit) {
    public Stage {
        if (name == null || unit == null) throw new IllegalArgumentException("Stage: name and unit must not be null");
        if (total < -1) throw new IllegalArgumentException("Stage: total must be >= 0, or -1 for unknown, got " + total);
    }
}
