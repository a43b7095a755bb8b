package dev.motif.fit;

import dev.motif.train.Figure;
import dev.motif.train.ProgressListener;
import dev.motif.train.Stage;
import dev.motif.train.StageEnd;
import dev.motif.train.StageProgress;

import java.util.Arrays;
import java.util.List;

/**
 * Levenberg-Marquardt for a {@link GlobalProblem}: many datasets with shared (global) and
 * per-dataset (local) parameters, at a cost per iteration linear in the number of datasets.
 *
 * <p><b>Linear algebra.</b> The damped normal equations {@code (JᵀJ + λD²) δ = −Jᵀr} are
 * accumulated dataset by dataset ({@link NormalEquations}) and reduced by a Schur complement over
 * the L×L local blocks, leaving one dense G×G solve; the Jacobian is never stored. Datasets are
 * evaluated in chunks, in parallel on the common ForkJoin pool, and partial sums are added in a
 * fixed order, so results do not depend on the thread count.
 *
 * <p><b>Damping.</b> D² is the diagonal of JᵀJ, each element the largest seen over the iterations
 * (MINPACK's scaling; a zero column gets 1), which makes the method invariant to the units of
 * the parameters. λ starts at {@link Options#initialLambda()} and adapts by the gain ratio
 * ρ = (actual reduction of χ²)/(reduction predicted by the linear model): after a step that lowers
 * χ², {@code λ ← λ·max(1/3, 1 − (2ρ − 1)³)}; after a rejected one, λ is multiplied by 2, 4, 8, …
 * (Nielsen's rule). A step is accepted exactly when it lowers χ², so the current point is always
 * the best one reached. A trial point where any residual or derivative is not finite is rejected
 * like a step that raised χ²; no point is ever dropped.
 *
 * <p><b>Bounds</b> are handled by an active set and projection. A parameter on a bound whose
 * gradient points out of the box is held for that iteration (its row and column are removed from
 * the system). The step for the others is projected onto the box, {@code x⁺ = clamp(x + δ)}, and
 * the gain ratio uses the reduction the linear model predicts for the projected step
 * {@code p = x⁺ − x}, not for δ. Estimates therefore always respect the bounds, and a parameter
 * that ends on a bound is reported as such by {@link FitResult}.
 *
 * <p><b>Stopping</b> (MINPACK's tests): {@code ftol} when both the actual and the predicted
 * relative reduction of χ² are at most ftol; {@code xtol} when the scaled step
 * {@code ‖D p‖ ≤ xtol·(‖D x‖ + xtol)}; {@code gtol} when the largest cosine between the residual
 * vector and a Jacobian column, {@code |(Jᵀr)_i| / (‖J_i‖·‖r‖)}, is at most gtol (bound-held
 * parameters excluded); or χ² = 0 exactly. A limit on iterations or evaluations, or λ growing past
 * 1e32 without an acceptable step, ends the fit with {@link FitResult.Status#NOT_CONVERGED}, the
 * reason, and the best point.
 *
 * <p><b>Progress</b> goes to the {@link ProgressListener} of the options, if any: one stage
 * {@value #STAGE} of unknown length counted in iterations, a {@link StageProgress} after each
 * iteration with χ² at the best point and the next λ, and a {@link StageEnd} with the final χ²
 * once the fit, standard errors included, is done.
 *
 * <pre>{@code
 * FitResult fit = new LevenbergMarquardt().fit(problem, globalStart, localStart);
 * System.out.println(fit.summary());
 * }</pre>
 */
public final class LevenbergMarquardt {
    /** λ beyond which no step can make progress at double precision. */
    private static final double MAX_LAMBDA = 1e32;
    private static final double MIN_LAMBDA = 1e-20;

    /** The name of the stage a fit reports its progress under. */
    public static final String STAGE = "fit";

    /**
     * Settings of the solver.
     *
     * <p>Defaults ({@link #defaults()}): ftol = 1e-14, xtol = gtol = 1e-12, far tighter than
     * MINPACK's 1.49e-8 because an estimate near zero compared with its standard error σ is
     * only fixed to a relative ε when χ² is minimized to a relative (ε·|value|/σ)²/dof: NIST's
     * ENSO needs about 1e-14 for six digits, and the extra iterations are one or two. (Rounding
     * noise in χ² of very large fits can keep ftol from triggering; the gradient test, which is
     * not affected by that noise, then ends the fit.) At most 1000 iterations and 2000
     * evaluations; initial λ = 1e-3 (relative to the diagonal of JᵀJ); standard errors scaled by
     * the reduced χ² (absoluteSigma false: the sigmas give relative weights); parallel
     * evaluation; no progress listener ({@link ProgressListener#NONE}).
     *
     * <p>An iteration is one trial step (one damped solve); an evaluation is one pass of
     * {@link GlobalProblem#evaluate} over all datasets, residuals and Jacobian together. Each
     * trial point is evaluated once, so evaluations = iterations + 1 unless a damped system
     * could not be factored.
     *
     * @param ftol           relative reduction of χ² below which the fit has converged
     * @param xtol           relative scaled step below which the fit has converged
     * @param gtol           scaled gradient (cosine) below which the fit has converged
     * @param maxIterations  most trial steps
     * @param maxEvaluations most evaluations of the problem (each over all datasets, with Jacobian)
     * @param initialLambda  starting damping, relative to diag(JᵀJ)
     * @param absoluteSigma  true: the sigmas are absolute, covariance is (JᵀJ)⁻¹ unscaled
     * @param parallel       evaluate and reduce datasets on the common ForkJoin pool
     * @param progress       hears the fit's stage and each iteration; null is taken as {@link ProgressListener#NONE}
     */
    public record Options(double ftol, double xtol, double gtol, int maxIterations, int maxEvaluations,
                          double initialLambda, boolean absoluteSigma, boolean parallel, ProgressListener progress) {
        public Options {
            if (progress == null) progress = ProgressListener.NONE;
            check("ftol", ftol);
            check("xtol", xtol);
            check("gtol", gtol);
            if (maxIterations < 1 || maxEvaluations < 1) {
                throw new IllegalArgumentException("LevenbergMarquardt.Options: maxIterations and maxEvaluations "
                        + "must be >= 1, got " + maxIterations + " and " + maxEvaluations);
            }
            if (!(initialLambda > 0) || !Double.isFinite(initialLambda)) {
                throw new IllegalArgumentException("LevenbergMarquardt.Options: initialLambda must be positive and "
                        + "finite, got " + initialLambda);
            }
        }

        private static void check(String name, double v) {
            if (!(v >= 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("LevenbergMarquardt.Options: " + name
                        + " must be finite and >= 0, got " + v);
            }
        }

        /** The defaults listed above. */
        public static Options defaults() {
            return new Options(1e-14, 1e-12, 1e-12, 1000, 2000, 1e-3, false, true, ProgressListener.NONE);
        }

        /** These options with other ftol, xtol and gtol. */
        public Options withTolerances(double ftol, double xtol, double gtol) {
            return new Options(ftol, xtol, gtol, maxIterations, maxEvaluations, initialLambda, absoluteSigma, parallel, progress);
        }

        /** These options with another iteration limit. */
        public Options withMaxIterations(int maxIterations) {
            return new Options(ftol, xtol, gtol, maxIterations, maxEvaluations, initialLambda, absoluteSigma, parallel, progress);
        }

        /** These options with another evaluation limit. */
        public Options withMaxEvaluations(int maxEvaluations) {
            return new Options(ftol, xtol, gtol, maxIterations, maxEvaluations, initialLambda, absoluteSigma, parallel, progress);
        }

        /** These options with another starting damping. */
        public Options withInitialLambda(double initialLambda) {
            return new Options(ftol, xtol, gtol, maxIterations, maxEvaluations, initialLambda, absoluteSigma, parallel, progress);
        }

        /** These options with absolute (true) or relative (false) sigmas. */
        public Options withAbsoluteSigma(boolean absoluteSigma) {
            return new Options(ftol, xtol, gtol, maxIterations, maxEvaluations, initialLambda, absoluteSigma, parallel, progress);
        }

        /** These options with parallel evaluation on or off. */
        public Options withParallel(boolean parallel) {
            return new Options(ftol, xtol, gtol, maxIterations, maxEvaluations, initialLambda, absoluteSigma, parallel, progress);
        }

        /** These options with a progress listener ({@link ProgressListener#NONE} or null for none). */
        public Options withProgress(ProgressListener progress) {
            return new Options(ftol, xtol, gtol, maxIterations, maxEvaluations, initialLambda, absoluteSigma, parallel, progress);
        }
    }

    private final Options options;
    /** Solve the damped equations densely instead of by Schur complement (tests only). */
    private final boolean dense;

    /** A solver with {@link Options#defaults()}. */
    public LevenbergMarquardt() {
        this(Options.defaults());
    }

    /** A solver with the given options. */
    public LevenbergMarquardt(Options options) {
        this(options, false);
    }

    LevenbergMarquardt(Options options, boolean dense) {
        if (options == null) throw new IllegalArgumentException("LevenbergMarquardt: options must not be null");
        this.options = options;
        this.dense = dense;
    }

    /** The options this solver runs with. */
    public Options options() {
        return options;
    }

    /**
     * Fits the problem from the given start. {@code global} has G values, {@code local} K·L
     * (dataset k's at {@code k·L}); neither is modified. The start must lie within the bounds and
     * give finite residuals and derivatives.
     *
     * @throws IllegalArgumentException on wrong lengths, a start outside the bounds or a start
     *                                  where the model is not finite (naming the parameter or point)
     */
    public FitResult fit(GlobalProblem problem, double[] global, double[] local) {
        if (problem == null) throw new IllegalArgumentException("LevenbergMarquardt.fit: problem must not be null");
        int kCount = problem.datasetCount();
        int gCount = problem.globalCount();
        int lCount = problem.localCount();
        if (kCount < 1 || gCount < 0 || lCount < 0) {
            throw new IllegalArgumentException("LevenbergMarquardt.fit: expected K >= 1, G >= 0, L >= 0, got K = "
                    + kCount + ", G = " + gCount + ", L = " + lCount);
        }
        if (global == null || global.length != gCount) {
            throw new IllegalArgumentException("LevenbergMarquardt.fit: expected " + gCount + " global start values, got "
                    + (global == null ? "null" : global.length));
        }
        long blocks = (long) kCount * lCount * Math.max(lCount, gCount);
        if ((long) kCount * lCount > Integer.MAX_VALUE - gCount || blocks > Integer.MAX_VALUE - 8
                || (long) gCount * gCount > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("LevenbergMarquardt.fit: K = " + kCount + ", G = " + gCount + ", L = "
                    + lCount + " need blocks of K·L·max(L, G) = " + blocks + " doubles, more than one Java array holds");
        }
        if (local == null || local.length != kCount * lCount) {
            throw new IllegalArgumentException("LevenbergMarquardt.fit: expected K·L = " + kCount + "·" + lCount
                    + " = " + kCount * lCount + " local start values, got " + (local == null ? "null" : local.length));
        }
        Bounds box = new Bounds(problem);
        int n = gCount + kCount * lCount;
        double[] x = new double[n];
        System.arraycopy(global, 0, x, 0, gCount);
        System.arraycopy(local, 0, x, gCount, local.length);
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(x[i]) || x[i] < box.lower(i) || x[i] > box.upper(i)) {
                throw new IllegalArgumentException("LevenbergMarquardt.fit: start value of " + box.name(i) + " is "
                        + x[i] + ", expected a finite value in [" + box.lower(i) + ", " + box.upper(i) + "]");
            }
        }
        return new Run(problem, box, x).solve();
    }

    /** Lower and upper bounds and names in the solver's order: globals, then locals by dataset. */
    static final class Bounds {
        final GlobalProblem problem;
        final int g;
        final int l;
        final double[] lo;
        final double[] hi;

        Bounds(GlobalProblem problem) {
            this.problem = problem;
            g = problem.globalCount();
            l = problem.localCount();
            lo = new double[g + l];
            hi = new double[g + l];
            for (int j = 0; j < g; j++) {
                lo[j] = problem.globalLower(j);
                hi[j] = problem.globalUpper(j);
            }
            for (int j = 0; j < l; j++) {
                lo[g + j] = problem.localLower(j);
                hi[g + j] = problem.localUpper(j);
            }
            for (int j = 0; j < g + l; j++) {
                if (Double.isNaN(lo[j]) || Double.isNaN(hi[j]) || lo[j] > hi[j]) {
                    String name = j < g ? "global '" + problem.globalName(j) + "'" : "local '" + problem.localName(j - g) + "'";
                    throw new IllegalArgumentException("LevenbergMarquardt.fit: bounds of " + name + " are ["
                            + lo[j] + ", " + hi[j] + "], expected lower <= upper");
                }
            }
        }

        private int slot(int i) {
            return i < g ? i : g + (i - g) % l;
        }

        double lower(int i) {
            return lo[slot(i)];
        }

        double upper(int i) {
            return hi[slot(i)];
        }

        String name(int i) {
            if (i < g) return "'" + problem.globalName(i) + "'";
            int ds = (i - g) / l;
            return "'" + problem.localName((i - g) % l) + "' of dataset " + ds + " ('" + problem.datasetName(ds) + "')";
        }
    }

    /** The mutable state of one fit. */
    private final class Run {
        final GlobalProblem problem;
        final Bounds box;
        final int gCount;
        final int n;
        final BlockKernels kernels;
        double[] x;
        NormalEquations ne;
        NormalEquations trial;
        final double[] d2;
        final boolean[] held;
        int iterations;
        int evaluations;
        final ProgressListener progress = options.progress();
        final long startNanos = System.nanoTime();

        Run(GlobalProblem problem, Bounds box, double[] x) {
            this.problem = problem;
            this.box = box;
            this.x = x;
            gCount = problem.globalCount();
            n = x.length;
            kernels = new BlockKernels(problem, options.parallel());
            ne = new NormalEquations(problem.datasetCount(), gCount, problem.localCount());
            trial = new NormalEquations(problem.datasetCount(), gCount, problem.localCount());
            d2 = new double[n];
            held = new boolean[n];
        }

        void evaluate(double[] at, NormalEquations out) {
            double[] g = Arrays.copyOfRange(at, 0, gCount);
            double[] l = Arrays.copyOfRange(at, gCount, n);
            kernels.accumulate(g, l, out);
            evaluations++;
        }

        FitResult solve() {
            evaluate(x, ne);
            if (!ne.finite) {
                throw new IllegalArgumentException("LevenbergMarquardt.fit: at the start values the " + ne.nonFinite
                        + "; expected a start where the model is defined");
            }
            progress.stageStarted(new Stage(STAGE, -1, "iteration"));
            try {
                return iterate();
            } finally {
                double seconds = seconds();
                progress.stageEnded(new StageEnd(STAGE, List.of(Figure.of("χ²", ne.chi2)), seconds, rate(seconds), "it/s"));
            }
        }

        private double seconds() {
            return (System.nanoTime() - startNanos) * 1e-9;
        }

        /** Iterations per second, NaN before any time has passed. */
        private double rate(double seconds) {
            return seconds > 0 ? iterations / seconds : Double.NaN;
        }

        private FitResult iterate() {
            for (int i = 0; i < n; i++) {
                double d = ne.diagonal(i);
                d2[i] = d > 0 ? d : 1;
            }
            double lambda = options.initialLambda();
            double nu = 2;
            double[] stepG = new double[gCount];
            double[] stepL = new double[n - gCount];
            double[] p = new double[n];
            double[] xt = new double[n];
            FitResult.Reason reason = converged();
            while (reason == null) {
                if (iterations >= options.maxIterations()) {
                    reason = FitResult.Reason.MAX_ITERATIONS;
                    break;
                }
                if (evaluations >= options.maxEvaluations()) {
                    reason = FitResult.Reason.MAX_EVALUATIONS;
                    break;
                }
                if (lambda > MAX_LAMBDA) {
                    reason = FitResult.Reason.NO_PROGRESS;
                    break;
                }
                iterations++;
                updateHeld();
                boolean solved = dense
                        ? BlockKernels.solveDense(ne, lambda, d2, held, stepG, stepL)
                        : kernels.solveSchur(ne, lambda, d2, held, stepG, stepL);
                boolean moved = false;
                if (solved) {
                    for (int i = 0; i < n; i++) {
                        double delta = i < gCount ? stepG[i] : stepL[i - gCount];
                        double v = Math.min(box.upper(i), Math.max(box.lower(i), x[i] + delta));
                        xt[i] = v;
                        p[i] = v - x[i];
                        moved |= p[i] != 0;
                    }
                }
                if (!solved || !moved) {
                    // nothing to evaluate: damp harder, towards a short gradient step
                    lambda *= nu;
                    nu *= 2;
                    notify(lambda);
                    continue;
                }
                double[] quad = ne.quadratic(Arrays.copyOfRange(p, 0, gCount), Arrays.copyOfRange(p, gCount, n));
                double predicted = -2 * quad[1] - quad[0];
                double before = ne.chi2;
                evaluate(xt, trial);
                boolean accepted = trial.finite && trial.chi2 < before;
                double actual = trial.finite ? before - trial.chi2 : Double.NEGATIVE_INFINITY;
                double rho = predicted > 0 ? actual / predicted : 0;
                double scaledStep = 0;
                double scaledX = 0;
                for (int i = 0; i < n; i++) {
                    double d = Math.sqrt(d2[i]);
                    scaledStep += (d * p[i]) * (d * p[i]);
                    scaledX += (d * x[i]) * (d * x[i]);
                }
                scaledStep = Math.sqrt(scaledStep);
                scaledX = Math.sqrt(scaledX);
                if (accepted) {
                    double[] swap = x;
                    x = xt;
                    xt = swap;
                    NormalEquations t = ne;
                    ne = trial;
                    trial = t;
                    for (int i = 0; i < n; i++) d2[i] = Math.max(d2[i], ne.diagonal(i));
                    double r = Math.max(0, Math.min(1, rho));
                    lambda = Math.max(MIN_LAMBDA, lambda * Math.max(1.0 / 3, 1 - Math.pow(2 * r - 1, 3)));
                    nu = 2;
                } else {
                    lambda *= nu;
                    nu *= 2;
                }
                notify(lambda);
                if (accepted && ne.chi2 == 0) {
                    reason = FitResult.Reason.EXACT_FIT;
                } else if (trial.finite && Math.abs(actual) <= options.ftol() * before
                        && predicted <= options.ftol() * before && rho <= 2) {
                    reason = FitResult.Reason.FTOL;
                } else if (scaledStep <= options.xtol() * (scaledX + options.xtol())) {
                    reason = FitResult.Reason.XTOL;
                } else if (accepted) {
                    reason = converged();
                }
            }
            return Covariance.result(problem, box, x, ne, options, reason, iterations, evaluations);
        }

        private void notify(double lambda) {
            if (progress == ProgressListener.NONE) return;
            double seconds = seconds();
            progress.stageProgress(new StageProgress(STAGE, iterations, -1, "iteration",
                    List.of(Figure.of("χ²", ne.chi2), Figure.of("λ", lambda)), seconds, rate(seconds), "it/s", Double.NaN));
        }

        /** Holds parameters on a bound whose descent direction leaves the box. */
        private void updateHeld() {
            for (int i = 0; i < n; i++) {
                double g = ne.gradient(i);
                held[i] = (x[i] <= box.lower(i) && g > 0) || (x[i] >= box.upper(i) && g < 0);
            }
        }

        /** The tests that need only the current point: χ² = 0 or a small scaled gradient. */
        private FitResult.Reason converged() {
            if (ne.chi2 == 0) return FitResult.Reason.EXACT_FIT;
            updateHeld();
            double rNorm = Math.sqrt(ne.chi2);
            double worst = 0;
            for (int i = 0; i < n; i++) {
                double col = Math.sqrt(ne.diagonal(i));
                if (held[i] || col == 0) continue;
                worst = Math.max(worst, Math.abs(ne.gradient(i)) / (col * rNorm));
            }
            return worst <= options.gtol() ? FitResult.Reason.GTOL : null;
        }
    }
}
