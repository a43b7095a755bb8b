package dev.motif.train;

import java.util.List;

/**
 * How far the current stage has come.
 *
 * @param stage          the stage's name, as in {@link Stage#name()}
 * @param done           units done so far in the stage
 * @param total          units in the stage, or -1 when not known
 * @param unit           what is counted, as in {@link Stage#unit()}
 * @param figures        numbers to show, in order: a running loss and accuracy, a fit's χ² and λ
 * @param elapsedSeconds wall-clock seconds since the whole run (not the stage) began
 * @param rate           work per second, in {@code rateUnit}; NaN when not known
 * @param rateUnit       what {@code rate} counts per second: {@code "img/s"}, {@code "it/s"}
 * @param etaSeconds     estimated seconds left for the whole run; NaN when not known
 */
public record StageProgress(String stage, long done, long total, String unit, List<Figure> figures, double elapsedSeconds,
                            double rate, String rateUnit, double etaSeconds) {
    public StageProgress {
        figures = List.copyOf(figures);
    }

    /** Fraction of the stage done, in [0, 1]; NaN when its total is not known. */
    public double fraction() {
        if (total < 0) return Double.NaN;
        return total == 0 ? 1 : Math.max(0, Math.min(1, (double) done / total));
    }
}
