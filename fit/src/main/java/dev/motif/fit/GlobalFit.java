package dev.motif.fit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A global fit: one model, several datasets and a {@link ParameterSpec} saying which parameters
 * are shared, local, grouped or fixed. It checks everything up front (names, starting values,
 * bounds, point counts, the model's finiteness at the start) and then offers the weighted
 * least-squares {@link #problem()} a solver works on, plus what a report needs (datasets,
 * {@link #predict}, each dataset's parameter values).
 *
 * <pre>{@code
 * Model decay = ExpressionModel.parse("A*exp(-t/tau) + B", List.of("t"), List.of());
 * ParameterSpec spec = ParameterSpec.builder().shared("tau", "B").local("A").parseInit("tau=2").parseBound("tau=0:inf").build();
 * List<Dataset> data = DataReader.read(files, DataColumns.forFit(decay, spec, List.of("t"), "counts"));
 * GlobalFit fit = GlobalFit.of(decay, data, spec);
 * GlobalProblem p = fit.problem();     // G = 2 global (tau, B), L = 1 local (A) per dataset
 * }</pre>
 *
 * <p>Layout of the problem: global parameters are the shared ones in the model's parameter order,
 * then for each grouped parameter (model order) one per group label in order of first
 * appearance over the datasets, named {@code k[sample=2]}; local parameters are the local ones in
 * the model's order. Residuals are {@code (y − f)/sigma}.
 *
 * <p>Evaluation is vectorised: an {@link ExpressionModel} runs on an {@link ExpressionKernel}
 * (a tape over blocks of points, reverse-mode derivatives, no allocation per block); any other
 * {@link Model} runs on {@link dev.motif.autodiff.Tensor}s over chunks of datasets, with one
 * backward pass per chunk. Both give exact Jacobians.
 *
 * <p>The work is shared out: {@link FitValidation} checks, {@link ParameterLayout} places the
 * parameters and starts, a {@link ModelEvaluator} computes; this class ties them together and is
 * what callers see.
 *
 * <p>Immutable; {@link GlobalProblem#evaluate} may run concurrently on disjoint dataset ranges.
 */
public final class GlobalFit {
    private final Model model;
    private final List<Dataset> datasets;
    private final ParameterSpec spec;
    private final ParameterLayout layout;
    private final double[] initGlobal;
    private final double[] initLocal;
    /** Index of each dataset's first point among all points, and the total at the end. */
    private final int[] offsets;
    private final ModelEvaluator evaluator;

    private GlobalFit(Model model, List<Dataset> datasets, ParameterSpec spec) {
        this.model = model;
        this.datasets = List.copyOf(datasets);
        this.spec = spec;
        FitValidation.checkNames(model, this.datasets, spec);
        layout = new ParameterLayout(model, this.datasets, spec);
        int K = this.datasets.size();
        offsets = new int[K + 1];
        for (int k = 0; k < K; k++) offsets[k + 1] = Math.addExact(offsets[k], this.datasets.get(k).pointCount());
        FitValidation.checkStartTargets(layout, this.datasets, spec);
        double[][] starts = layout.startingValues(this.datasets, spec);
        initGlobal = starts[0];
        initLocal = starts[1];
        FitValidation.checkPointCounts(layout, this.datasets, offsets[K]);
        evaluator = ModelEvaluator.of(model, this.datasets, layout, offsets);
        FitValidation.checkFiniteAtStart(model, this.datasets, layout, evaluator.predictor(), initGlobal, initLocal);
    }

    /**
     * Checks the model, datasets and spec against each other and builds the fit; every mistake is
     * an IllegalArgumentException that names the parameter, dataset or point.
     */
    public static GlobalFit of(Model model, List<Dataset> datasets, ParameterSpec spec) {
        if (datasets.isEmpty()) throw new IllegalArgumentException("GlobalFit: no datasets");
        return new GlobalFit(model, datasets, spec);
    }

    /**
     * Reads the files and builds the fit, in one step: the columns read are the x columns (one
     * per model variable, in order), y, the optional sigma and by columns, the model's covariates
     * and the spec's group columns.
     */
    public static GlobalFit read(Model model, ParameterSpec spec, List<Path> files, List<String> x, String y,
                                 String sigma, String by, boolean dropNan) throws IOException {
        DataColumns cols = DataColumns.forFit(model, spec, x, y).withSigma(sigma).withBy(by).withDropNan(dropNan);
        return of(model, DataReader.read(files, cols), spec);
    }

    // ---------------------------------------------------------------- accessors

    public Model model() {
        return model;
    }

    public List<Dataset> datasets() {
        return datasets;
    }

    public ParameterSpec spec() {
        return spec;
    }

    /** Names of the global parameters (shared, then grouped as {@code k[sample=2]}). */
    public List<String> globalNames() {
        return List.copyOf(layout.globalNames());
    }

    /** Names of the local parameters of each dataset. */
    public List<String> localNames() {
        return List.copyOf(layout.localNames());
    }

    /** Total number of points over all datasets. */
    public int pointCount() {
        return offsets[datasets.size()];
    }

    /** Index of dataset k's first point among all points (points are numbered dataset by dataset). */
    public int pointOffset(int k) {
        return offsets[k];
    }

    /** Starting values of the global parameters. */
    public double[] initialGlobal() {
        return initGlobal.clone();
    }

    /** Starting values of every dataset's local parameters, dataset k's at {@code [k*L, k*L+L)}. */
    public double[] initialLocal() {
        return initLocal.clone();
    }

    /** Lower and upper bounds of the global parameters. */
    public double[] globalLower() { return layout.globalLower(); }
    public double[] globalUpper() { return layout.globalUpper(); }
    /** Lower and upper bounds of the local parameters (the same for every dataset). */
    public double[] localLower() { return layout.localLower(); }
    public double[] localUpper() { return layout.localUpper(); }

    /** The value of every model parameter (in {@link Model#parameters()} order, fixed ones included) in dataset k. */
    public double[] parameterValues(int k, double[] global, double[] local) {
        return layout.parameterValues(k, global, local);
    }

    /** The model at the points {@code x} (one variable) with dataset k's parameters: a fitted curve. */
    public double[] predict(int k, double[] x, double[] global, double[] local) {
        return predict(k, new double[][] {x}, global, local);
    }

    /** The model at the points {@code x[v][i]} (variables in the model's order) with dataset k's parameters. */
    public double[] predict(int k, double[][] x, double[] global, double[] local) {
        if (x.length != model.variables().size()) {
            throw new IllegalArgumentException("predict: the model has variables " + model.variables() + ", got " + x.length + " columns");
        }
        int n = x[0].length;
        for (int v = 1; v < x.length; v++) {
            if (x[v].length != n) throw new IllegalArgumentException("predict: variable columns have " + n + " and " + x[v].length + " values");
        }
        return evaluator.predictor().predict(k, x, global, local);
    }

    /** A one-line summary: model, datasets, points and free parameters. */
    @Override
    public String toString() {
        int K = datasets.size();
        List<String> g = layout.globalNames();
        List<String> l = layout.localNames();
        return "GlobalFit[" + model.formula() + "; " + K + (K == 1 ? " dataset, " : " datasets, ") + pointCount() + " points; "
                + g.size() + " global " + g + ", " + l.size() + " local " + l + " per dataset"
                + (spec.fixed().isEmpty() ? "" : ", fixed " + spec.fixed()) + "]";
    }

    // ---------------------------------------------------------------- untie

    /**
     * The separate fits as one problem: every shared and grouped parameter becomes local, so each
     * dataset gets its own copy (fixed parameters stay fixed, bounds carry over). Each copy
     * starts where the shared (or its group's) value starts, so the untied fit computes exactly
     * the same curves at its start; the same solver then fits all datasets separately at once,
     * and the two fits can be compared (their residual sums of squares, an F test).
     */
    public GlobalFit untie() {
        List<String> params = layout.parameters();
        ParameterSpec.Builder b = ParameterSpec.builder();
        List<String> locals = new ArrayList<>();
        for (int p : free()) locals.add(params.get(p));
        b.local(locals);
        spec.fixed().forEach(b::fix);
        spec.bounds().forEach((n, bd) -> b.bound(n, bd.lower(), bd.upper()));
        for (int p = 0; p < params.size(); p++) {
            String n = params.get(p);
            ParameterLayout.Role role = layout.role(p);
            if (role == ParameterLayout.Role.FIXED) continue;
            if (spec.init().containsKey(n)) b.init(n, spec.init().get(n));
            if (role == ParameterLayout.Role.LOCAL) {
                spec.initAt().getOrDefault(n, Map.of()).forEach((ds, v) -> b.init(n, ds, v));
            } else if (role == ParameterLayout.Role.GROUP) {
                for (int k = 0; k < datasets.size(); k++) b.init(n, datasets.get(k).name(), initGlobal[layout.groupColumn(p, k)]);
            }
        }
        return new GlobalFit(model, datasets, b.build());
    }

    /** Indices of the model's parameters that are not fixed, in its order: the locals of {@link #untie()}. */
    private int[] free() {
        return IntStream.range(0, layout.parameters().size())
                .filter(p -> layout.role(p) != ParameterLayout.Role.FIXED).toArray();
    }

    /**
     * The local values of {@link #untie()}'s problem that give the same curves as this fit's
     * {@code global} and {@code local} values (e.g. to start the separate fits at the global optimum).
     */
    public double[] untiedLocal(double[] global, double[] local) {
        int[] free = free();
        int K = datasets.size();
        int L2 = free.length;
        double[] out = new double[K * L2];
        for (int k = 0; k < K; k++) {
            double[] pv = layout.parameterValues(k, global, local);
            for (int j = 0; j < L2; j++) out[k * L2 + j] = pv[free[j]];
        }
        return out;
    }

    // ---------------------------------------------------------------- the problem

    /** The weighted least-squares problem with bounds, in the solver's layout (see the class comment). */
    public GlobalProblem problem() {
        return new Problem();
    }

    private final class Problem implements GlobalProblem {
        @Override public int datasetCount() { return datasets.size(); }
        @Override public int globalCount() { return layout.globalCount(); }
        @Override public int localCount() { return layout.localCount(); }
        @Override public int pointCount(int k) { return datasets.get(k).pointCount(); }
        @Override public String globalName(int j) { return layout.globalNames().get(j); }
        @Override public String localName(int j) { return layout.localNames().get(j); }
        @Override public String datasetName(int k) { return datasets.get(k).name(); }
        @Override public double globalLower(int j) { return layout.globalLower(j); }
        @Override public double globalUpper(int j) { return layout.globalUpper(j); }
        @Override public double localLower(int j) { return layout.localLower(j); }
        @Override public double localUpper(int j) { return layout.localUpper(j); }

        @Override
        public void evaluate(int from, int to, double[] global, double[] local, double[] r, double[] jg, double[] jl) {
            int G = layout.globalCount();
            int L = layout.localCount();
            if (from < 0 || to > datasets.size() || from > to) {
                throw new IllegalArgumentException("evaluate: dataset range [" + from + ", " + to + ") is not within [0, " + datasets.size() + ")");
            }
            if (global.length != G || local.length != datasets.size() * L) {
                throw new IllegalArgumentException("evaluate: expected " + G + " global and " + datasets.size() * L
                        + " local values, got " + global.length + " and " + local.length);
            }
            int m = offsets[to] - offsets[from];
            if (r.length < m || (jg != null && jg.length < (long) m * G) || (jl != null && jl.length < (long) m * L)) {
                throw new IllegalArgumentException("evaluate: datasets [" + from + ", " + to + ") have " + m + " points, needing r[" + m + "], jg["
                        + (long) m * G + "], jl[" + (long) m * L + "]; got r[" + r.length + "], jg[" + (jg == null ? "null" : jg.length)
                        + "], jl[" + (jl == null ? "null" : jl.length) + "]");
            }
            evaluator.evaluate(from, to, global, local, r, jg, jl);
        }
    }
}
