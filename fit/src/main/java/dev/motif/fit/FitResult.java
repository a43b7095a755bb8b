package dev.motif.fit;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of a {@link LevenbergMarquardt} fit: estimates and standard errors of the global
 * parameters and of every dataset's local ones, the global covariance and correlation, goodness
 * of fit overall and per dataset, and how the fit ended. Immutable; array accessors return copies.
 *
 * <p>Standard errors come from the inverse of JᵀWJ at the solution (see {@link Covariance}),
 * multiplied by the reduced χ² unless the sigmas were declared absolute. A parameter whose error
 * is not defined has NaN and a {@linkplain #globalNote note} saying why ("at lower bound 0",
 * "undetermined: ..."); {@link #diagnostics()} lists the same in sentences.
 *
 * <p>Information criteria follow lmfit, with n the number of points and k the number of free
 * parameters: {@code AIC = n·ln(χ²/n) + 2k}, {@code AICc = AIC + 2k(k+1)/(n−k−1)} and
 * {@code BIC = n·ln(χ²/n) + ln(n)·k}.
 */
public final class FitResult {
    /** Whether the solver met a convergence test. */
    public enum Status { CONVERGED, NOT_CONVERGED }

    /** Which test ended the fit. */
    public enum Reason {
        /** Actual and predicted relative reduction of χ² below ftol. */
        FTOL(true),
        /** Relative scaled step below xtol. */
        XTOL(true),
        /** Scaled gradient below gtol. */
        GTOL(true),
        /** χ² is exactly zero. */
        EXACT_FIT(true),
        /** Iteration limit reached. */
        MAX_ITERATIONS(false),
        /** Evaluation limit reached. */
        MAX_EVALUATIONS(false),
        /** The damping grew past any useful size without an acceptable step. */
        NO_PROGRESS(false);

        private final boolean converged;

        Reason(boolean converged) {
            this.converged = converged;
        }
    }

    private final Status status;
    private final Reason reason;
    private final String message;
    private final int iterations;
    private final int evaluations;
    private final boolean absoluteSigma;
    private final int gCount;
    private final int lCount;
    private final int kCount;
    private final String[] globalNames;
    private final String[] localNames;
    private final String[] datasetNames;
    /** Globals then locals by dataset, as in the solver. */
    private final double[] values;
    private final double[] errors;
    private final String[] notes;
    private final double[][] covariance;
    private final double chiSquare;
    private final long points;
    private final int parameters;
    private final double[] datasetChiSquare;
    private final int[] datasetPoints;
    private final List<String> diagnostics;

    FitResult(GlobalProblem problem, Reason reason, LevenbergMarquardt.Options options, int iterations, int evaluations,
              double[] values, double[] errors, String[] notes, double[][] covariance, double chiSquare, long points,
              int parameters, double[] datasetChiSquare, int[] datasetPoints, List<String> diagnostics) {
        this.reason = reason;
        this.status = reason.converged ? Status.CONVERGED : Status.NOT_CONVERGED;
        this.iterations = iterations;
        this.evaluations = evaluations;
        this.absoluteSigma = options.absoluteSigma();
        gCount = problem.globalCount();
        lCount = problem.localCount();
        kCount = problem.datasetCount();
        globalNames = new String[gCount];
        for (int j = 0; j < gCount; j++) globalNames[j] = problem.globalName(j);
        localNames = new String[lCount];
        for (int j = 0; j < lCount; j++) localNames[j] = problem.localName(j);
        datasetNames = new String[kCount];
        for (int k = 0; k < kCount; k++) datasetNames[k] = problem.datasetName(k);
        this.values = values.clone();
        this.errors = errors.clone();
        this.notes = notes.clone();
        this.covariance = covariance;
        this.chiSquare = chiSquare;
        this.points = points;
        this.parameters = parameters;
        this.datasetChiSquare = datasetChiSquare.clone();
        this.datasetPoints = datasetPoints.clone();
        this.diagnostics = List.copyOf(diagnostics);
        this.message = describe(reason, options);
    }

    private String describe(Reason r, LevenbergMarquardt.Options o) {
        String best = String.format(Locale.ROOT, "; the best point reached is returned (chi-square %.6g)", chiSquare);
        return switch (r) {
            case FTOL -> "converged: relative reduction of chi-square below ftol = " + o.ftol();
            case XTOL -> "converged: relative step below xtol = " + o.xtol();
            case GTOL -> "converged: scaled gradient below gtol = " + o.gtol();
            case EXACT_FIT -> "converged: chi-square is exactly zero";
            case MAX_ITERATIONS -> "not converged: reached the limit of " + o.maxIterations() + " iterations" + best;
            case MAX_EVALUATIONS -> "not converged: reached the limit of " + o.maxEvaluations() + " evaluations" + best;
            case NO_PROGRESS -> "not converged: no step lowers chi-square any more although no convergence test "
                    + "is met (the model may be undefined or non-smooth here)" + best;
        };
    }

    /** CONVERGED when a convergence test ended the fit, NOT_CONVERGED when a limit did. */
    public Status status() {
        return status;
    }

    /** Whether {@link #status()} is CONVERGED. */
    public boolean converged() {
        return status == Status.CONVERGED;
    }

    /** The test or limit that ended the fit. */
    public Reason reason() {
        return reason;
    }

    /** One line on how the fit ended, e.g. "converged: relative reduction of chi-square below ftol = 1e-10". */
    public String message() {
        return message;
    }

    /** Trial steps taken. */
    public int iterations() {
        return iterations;
    }

    /** Evaluations of the problem (residuals and Jacobian of all datasets), the start included. */
    public int evaluations() {
        return evaluations;
    }

    /** Whether the errors are unscaled (sigmas taken as absolute) rather than scaled by the reduced χ². */
    public boolean absoluteSigma() {
        return absoluteSigma;
    }

    // ------------------------------------------------------------------ parameters

    /** G, the number of global parameters. */
    public int globalCount() {
        return gCount;
    }

    /** L, the number of local parameters per dataset. */
    public int localCount() {
        return lCount;
    }

    /** K, the number of datasets. */
    public int datasetCount() {
        return kCount;
    }

    /** Name of global parameter j. */
    public String globalName(int j) {
        return globalNames[checkG(j)];
    }

    /** Name of local parameter j. */
    public String localName(int j) {
        return localNames[checkL(j)];
    }

    /** Name of dataset k. */
    public String datasetName(int k) {
        return datasetNames[checkK(k)];
    }

    /** Estimate of global parameter j. */
    public double globalValue(int j) {
        return values[checkG(j)];
    }

    /** Standard error of global j; NaN when not defined, with {@link #globalNote} saying why. */
    public double globalStderr(int j) {
        return errors[checkG(j)];
    }

    /** Why global j has no standard error ("at lower bound 0", "undetermined: ..."), or "" when it has one. */
    public String globalNote(int j) {
        String n = notes[checkG(j)];
        return n == null ? "" : n;
    }

    /** Estimate of local parameter j of dataset k. */
    public double localValue(int k, int j) {
        return values[localIndex(k, j)];
    }

    /** Standard error of local j of dataset k; NaN when not defined, with {@link #localNote} saying why. */
    public double localStderr(int k, int j) {
        return errors[localIndex(k, j)];
    }

    /** Why local j of dataset k has no standard error, or "". */
    public String localNote(int k, int j) {
        String n = notes[localIndex(k, j)];
        return n == null ? "" : n;
    }

    /** All global estimates (copy). */
    public double[] globalValues() {
        return java.util.Arrays.copyOfRange(values, 0, gCount);
    }

    /** All global standard errors (copy). */
    public double[] globalStderrs() {
        return java.util.Arrays.copyOfRange(errors, 0, gCount);
    }

    /** All local estimates, dataset k's at {@code k·L}, the layout of {@link GlobalProblem#evaluate} (copy). */
    public double[] localValues() {
        return java.util.Arrays.copyOfRange(values, gCount, values.length);
    }

    /** All local standard errors, laid out like {@link #localValues()} (copy). */
    public double[] localStderrs() {
        return java.util.Arrays.copyOfRange(errors, gCount, errors.length);
    }

    /** Covariance of the global parameters (G×G, copy); rows and columns of parameters without an error are NaN. */
    public double[][] globalCovariance() {
        double[][] c = new double[gCount][];
        for (int i = 0; i < gCount; i++) c[i] = covariance[i].clone();
        return c;
    }

    /** Correlation of the global parameters, cov_ij / (σ_i σ_j); NaN where an error is not defined. */
    public double[][] globalCorrelation() {
        double[][] c = new double[gCount][gCount];
        for (int i = 0; i < gCount; i++) {
            for (int j = 0; j < gCount; j++) {
                c[i][j] = i == j && Double.isFinite(errors[i]) ? 1
                        : covariance[i][j] / (errors[i] * errors[j]);
            }
        }
        return c;
    }

    // ------------------------------------------------------------------ goodness of fit

    /** χ² = Σ r², the weighted residual sum of squares. */
    public double chiSquare() {
        return chiSquare;
    }

    /** n, the number of points over all datasets. */
    public long pointCount() {
        return points;
    }

    /** k, the number of free parameters, G + K·L (those ending on a bound included). */
    public int parameterCount() {
        return parameters;
    }

    /** n − k. */
    public long degreesOfFreedom() {
        return points - parameters;
    }

    /** χ² / (n − k); NaN without degrees of freedom. */
    public double reducedChiSquare() {
        long dof = degreesOfFreedom();
        return dof > 0 ? chiSquare / dof : Double.NaN;
    }

    /** Akaike's criterion as lmfit computes it: n·ln(χ²/n) + 2k. */
    public double aic() {
        return points * Math.log(chiSquare / points) + 2.0 * parameters;
    }

    /** AIC with the small-sample correction: AIC + 2k(k+1)/(n−k−1); NaN when n−k−1 <= 0. */
    public double aicc() {
        double denom = points - parameters - 1.0;
        return denom > 0 ? aic() + 2.0 * parameters * (parameters + 1.0) / denom : Double.NaN;
    }

    /** The Bayesian criterion as lmfit computes it: n·ln(χ²/n) + ln(n)·k. */
    public double bic() {
        return points * Math.log(chiSquare / points) + Math.log(points) * parameters;
    }

    /** χ² of dataset k alone. */
    public double datasetChiSquare(int k) {
        return datasetChiSquare[checkK(k)];
    }

    /** Root mean square of dataset k's weighted residuals, sqrt(χ²_k / n_k) (NaN for an empty dataset). */
    public double datasetRms(int k) {
        int n = datasetPoints[checkK(k)];
        return n > 0 ? Math.sqrt(datasetChiSquare[k] / n) : Double.NaN;
    }

    /** n_k, the number of points of dataset k. */
    public int datasetPointCount(int k) {
        return datasetPoints[checkK(k)];
    }

    /** Sentences about parameters without a standard error and why (bound, undetermined), empty when none. */
    public List<String> diagnostics() {
        return diagnostics;
    }

    /** A plain-text report: status, statistics, parameter table (at most 50 datasets), diagnostics. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(message).append('\n');
        sb.append(String.format(Locale.ROOT, "iterations %d, evaluations %d%n", iterations, evaluations));
        sb.append(String.format(Locale.ROOT, "points %d, free parameters %d, degrees of freedom %d%n",
                points, parameters, degreesOfFreedom()));
        sb.append(String.format(Locale.ROOT, "chi-square %.6g, reduced chi-square %.6g%s%n", chiSquare,
                reducedChiSquare(), absoluteSigma ? " (absolute sigma)" : ""));
        sb.append(String.format(Locale.ROOT, "AIC %.6g, AICc %.6g, BIC %.6g%n", aic(), aicc(), bic()));
        if (gCount > 0) sb.append("global parameters:\n");
        for (int j = 0; j < gCount; j++) row(sb, "  ", globalNames[j], j);
        int shown = Math.min(kCount, 50);
        if (lCount > 0) {
            for (int k = 0; k < shown; k++) {
                sb.append(String.format(Locale.ROOT, "dataset %s: chi-square %.6g, rms %.6g%n",
                        datasetNames[k], datasetChiSquare[k], datasetRms(k)));
                for (int j = 0; j < lCount; j++) row(sb, "  ", localNames[j], gCount + k * lCount + j);
            }
            if (shown < kCount) sb.append("... ").append(kCount - shown).append(" more datasets\n");
        }
        if (!diagnostics.isEmpty()) {
            sb.append("diagnostics:\n");
            for (String d : diagnostics) sb.append("  ").append(d).append('\n');
        }
        return sb.toString();
    }

    private void row(StringBuilder sb, String indent, String name, int i) {
        sb.append(String.format(Locale.ROOT, "%s%-12s %14.8g", indent, name, values[i]));
        if (Double.isFinite(errors[i])) {
            sb.append(String.format(Locale.ROOT, " ± %.4g", errors[i]));
            if (values[i] != 0) sb.append(String.format(Locale.ROOT, " (%.2g%%)", 100 * Math.abs(errors[i] / values[i])));
        } else {
            sb.append(" ± ?");
            if (notes[i] != null) sb.append("  (").append(notes[i]).append(')');
        }
        sb.append('\n');
    }

    private int localIndex(int k, int j) {
        return gCount + checkK(k) * lCount + checkL(j);
    }

    private int checkG(int j) {
        if (j < 0 || j >= gCount) throw new IllegalArgumentException("FitResult: global index " + j + " not in [0, " + gCount + ")");
        return j;
    }

    private int checkL(int j) {
        if (j < 0 || j >= lCount) throw new IllegalArgumentException("FitResult: local index " + j + " not in [0, " + lCount + ")");
        return j;
    }

    private int checkK(int k) {
        if (k < 0 || k >= kCount) throw new IllegalArgumentException("FitResult: dataset index " + k + " not in [0, " + kCount + ")");
        return k;
    }
}
