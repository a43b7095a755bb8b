package dev.motif.train;

import java.util.List;

/**
 * A stage has ended.
 *
 * @param stage    the stage's name, as in {@link Stage#name()}
 * @param figures  what it achieved, in order: training and validation metrics, a fit's final χ²
 * @param seconds  wall-clock seconds the stage took
 * @param rate     work per second over the stage, in {@code rateUnit}; NaN when not meaningful
 * @param rateUnit what {@code rate} counts per second
 */
public record StageEnd(String stage, List<Figure> figures, double seconds, double rate, String rateUnit) {
    public StageEnd {
        figures = List.copyOf(figures);
    }
}
