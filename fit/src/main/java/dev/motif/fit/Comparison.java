package dev.motif.fit;

import org.hipparchus.distribution.continuous.FDistribution;

import java.util.Locale;

/**
 * Whether sharing parameters is justified: the extra-sum-of-squares F test between a global fit
 * (parameters shared) and the separate fit of the same data (each dataset its own parameters),
 * together with the difference of Akaike's criterion.
 *
 * <p>{@code F = ((χ²_shared − χ²_separate) / (df_shared − df_separate)) / (χ²_separate / df_separate)},
 * referred to the F distribution with (df_shared − df_separate, df_separate) degrees of freedom;
 * the p value is the probability of an F at least this large if the shared model is true.
 * {@code ΔAIC = AIC_shared − AIC_separate}: negative favours the shared model.
 *
 * <pre>{@code
 * Comparison c = Comparison.of(globalFit, separateFit);
 * System.out.println(c.verdict());
 * // sharing is supported: p = 0.43, ΔAIC = -5.2 favours the shared model
 * }</pre>
 *
 * @param chiSquareShared    χ² of the shared fit
 * @param dofShared          its degrees of freedom
 * @param chiSquareSeparate  χ² of the separate fit
 * @param dofSeparate        its degrees of freedom
 * @param f                  the F statistic (0 when the separate fit is not better)
 * @param p                  its p value
 * @param deltaAic           AIC_shared − AIC_separate
 * @param alpha              the level the verdict uses
 */
public record Comparison(double chiSquareShared, long dofShared, double chiSquareSeparate, long dofSeparate,
                         double f, double p, double deltaAic, double alpha) {
    /** The conventional level, 0.05. */
    public static final double DEFAULT_ALPHA = 0.05;

    /** Compares two fits of the same points at level 0.05. */
    public static Comparison of(FitResult shared, FitResult separate) {
        return of(shared, separate, DEFAULT_ALPHA);
    }

    /**
     * Compares two fits of the same points.
     *
     * @throws IllegalArgumentException if they do not cover the same number of points, or the
     *                                  shared fit does not have more degrees of freedom
     */
    public static Comparison of(FitResult shared, FitResult separate, double alpha) {
        if (shared == null || separate == null) throw new IllegalArgumentException("Comparison.of: fits must not be null");
        if (shared.pointCount() != separate.pointCount()) {
            throw new IllegalArgumentException("Comparison.of: the fits must cover the same data, got "
                    + shared.pointCount() + " points (shared) and " + separate.pointCount() + " (separate)");
        }
        return of(shared.chiSquare(), shared.degreesOfFreedom(), separate.chiSquare(), separate.degreesOfFreedom(),
                shared.aic() - separate.aic(), alpha);
    }

    /**
     * The test from the numbers alone.
     *
     * @throws IllegalArgumentException unless dofShared > dofSeparate > 0, the χ² are finite and
     *                                  non-negative and 0 < alpha < 1
     */
    public static Comparison of(double chiSquareShared, long dofShared, double chiSquareSeparate, long dofSeparate,
                                double deltaAic, double alpha) {
        if (!(dofSeparate > 0) || dofShared <= dofSeparate) {
            throw new IllegalArgumentException("Comparison.of: expected degrees of freedom shared > separate > 0, got "
                    + dofShared + " and " + dofSeparate + " (the shared model must have fewer parameters)");
        }
        if (!(chiSquareShared >= 0) || !(chiSquareSeparate >= 0) || Double.isInfinite(chiSquareShared)
                || Double.isInfinite(chiSquareSeparate)) {
            throw new IllegalArgumentException("Comparison.of: expected finite chi-squares >= 0, got "
                    + chiSquareShared + " and " + chiSquareSeparate);
        }
        if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("Comparison.of: alpha must be in (0, 1), got " + alpha);
        double extra = dofShared - dofSeparate;
        double f;
        double p;
        if (chiSquareSeparate == 0) {
            // a perfect separate fit: any misfit of the shared one is infinitely significant
            f = chiSquareShared > 0 ? Double.POSITIVE_INFINITY : 0;
            p = chiSquareShared > 0 ? 0 : 1;
        } else {
            // the nested separate model can only fit better; if it did not (a worse local minimum),
            // the data give no evidence against sharing
            f = Math.max(0, ((chiSquareShared - chiSquareSeparate) / extra) / (chiSquareSeparate / dofSeparate));
            p = f == 0 ? 1 : 1 - new FDistribution(extra, dofSeparate).cumulativeProbability(f);
        }
        return new Comparison(chiSquareShared, dofShared, chiSquareSeparate, dofSeparate, f, p, deltaAic, alpha);
    }

    /** Whether the F test keeps the shared model at level alpha (p ≥ alpha). */
    public boolean sharingSupported() {
        return p >= alpha;
    }

    /**
     * One line: "sharing is supported: p = 0.43, ΔAIC = -5.2 favours the shared model", or
     * "sharing is rejected: ...", with a remark when the F test and ΔAIC disagree.
     */
    public String verdict() {
        String aic = String.format(Locale.ROOT, "ΔAIC = %+.1f favours the %s model", deltaAic,
                deltaAic <= 0 ? "shared" : "separate");
        String pv = p < 1e-4 ? String.format(Locale.ROOT, "p = %.1e", p) : String.format(Locale.ROOT, "p = %.2g", p);
        boolean aicAgrees = (deltaAic <= 0) == sharingSupported();
        if (sharingSupported()) {
            return "sharing is supported: " + pv + ", " + aic + (aicAgrees ? "" : " (the criteria disagree)");
        }
        return "sharing is rejected: " + pv + " < " + alpha + ", " + aic + (aicAgrees ? "" : " (the criteria disagree)");
    }
}
