package dev.motif.fit;

import dev.motif.autodiff.Autodiff;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * <p>Immutable; {@link GlobalProblem#evaluate} may run concurrently on disjoint dataset ranges.
 */
public final class GlobalFit {
    private static final int SHARED = 0, LOCAL = 1, GROUP = 2, FIXED = 3;
    /** Points per chunk on the Tensor path: big enough that per-op overhead vanishes, small enough to stay a few MB. */
    static final int TENSOR_CHUNK = 1 << 16;

    private final Model model;
    private final List<Dataset> datasets;
    private final ParameterSpec spec;
    private final List<String> params;
    private final int[] role;
    /** Global index (shared), local index (local); for grouped parameters see {@link #groupColumn}. */
    private final int[] index;
    private final double[] fixedValue;
    /** groupColumn[p][k]: global index of grouped parameter p's value for dataset k. */
    private final int[][] groupColumn;
    private final List<String> globalNames = new ArrayList<>(), localNames = new ArrayList<>();
    private final double[] gLo, gHi, lLo, lHi, initGlobal, initLocal;
    private final int[] offsets;
    private final ExpressionKernel kernel;
    private final boolean hasGroups;
    private final PointwiseEvaluator tensorPath;

    private GlobalFit(Model model, List<Dataset> datasets, ParameterSpec spec) {
        this.model = model;
        this.datasets = List.copyOf(datasets);
        this.spec = spec;
        this.params = model.parameters();
        checkNames();
        int P = params.size(), K = datasets.size();
        role = new int[P];
        index = new int[P];
        fixedValue = new double[P];
        groupColumn = new int[P][];
        List<Double> gl = new ArrayList<>(), gh = new ArrayList<>(), ll = new ArrayList<>(), lh = new ArrayList<>();
        for (int p = 0; p < P; p++) {
            String n = params.get(p);
            ParameterSpec.Bound b = spec.bound(n);
            if (spec.fixed().containsKey(n)) {
                role[p] = FIXED;
                fixedValue[p] = spec.fixed().get(n);
            } else if (spec.shared().contains(n)) {
                role[p] = SHARED;
                index[p] = globalNames.size();
                globalNames.add(n);
                gl.add(b.lower());
                gh.add(b.upper());
            } else if (spec.local().contains(n)) {
                role[p] = LOCAL;
                index[p] = localNames.size();
                localNames.add(n);
                ll.add(b.lower());
                lh.add(b.upper());
            } else {
                role[p] = GROUP;
            }
        }
        for (int p = 0; p < P; p++) {
            if (role[p] != GROUP) continue;
            String col = spec.groups().get(params.get(p));
            Map<String, Integer> labels = new LinkedHashMap<>();
            groupColumn[p] = new int[K];
            for (int k = 0; k < K; k++) {
                String label = datasets.get(k).groups().get(col);
                Integer g = labels.get(label);
                if (g == null) {
                    g = globalNames.size();
                    labels.put(label, g);
                    globalNames.add(params.get(p) + "[" + col + "=" + label + "]");
                    gl.add(spec.bound(params.get(p)).lower());
                    gh.add(spec.bound(params.get(p)).upper());
                }
                groupColumn[p][k] = g;
            }
        }
        hasGroups = !spec.groups().isEmpty();
        gLo = unbox(gl);
        gHi = unbox(gh);
        lLo = unbox(ll);
        lHi = unbox(lh);
        offsets = new int[K + 1];
        for (int k = 0; k < K; k++) offsets[k + 1] = Math.addExact(offsets[k], datasets.get(k).pointCount());
        initGlobal = new double[globalNames.size()];
        initLocal = new double[K * localNames.size()];
        startingValues();
        checkPointCounts();
        kernel = model instanceof ExpressionModel em ? new ExpressionKernel(em) : null;
        tensorPath = new PointwiseEvaluator(model);
        checkFiniteAtStart();
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

    private static double[] unbox(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }

    // ---------------------------------------------------------------- validation

    private String modelParams() {
        return "the model's parameters: " + String.join(", ", params);
    }

    private void checkNames() {
        Set<String> names = new HashSet<>();
        for (Dataset d : datasets) {
            if (!names.add(d.name())) throw new IllegalArgumentException("GlobalFit: two datasets are named '" + d.name() + "'");
        }
        String where = " is not a parameter of the model '" + model.formula() + "' (" + modelParams() + ")";
        for (String p : spec.shared()) if (!params.contains(p)) throw new IllegalArgumentException("shared parameter '" + p + "'" + where);
        for (String p : spec.local()) if (!params.contains(p)) throw new IllegalArgumentException("local parameter '" + p + "'" + where);
        for (String p : spec.groups().keySet()) if (!params.contains(p)) throw new IllegalArgumentException("grouped parameter '" + p + "'" + where);
        for (String p : spec.fixed().keySet()) if (!params.contains(p)) throw new IllegalArgumentException("fixed parameter '" + p + "'" + where);
        for (String p : spec.init().keySet()) if (!params.contains(p)) throw new IllegalArgumentException("init: '" + p + "'" + where);
        for (String p : spec.initAt().keySet()) if (!params.contains(p)) throw new IllegalArgumentException("init: '" + p + "'" + where);
        for (String p : spec.bounds().keySet()) if (!params.contains(p)) throw new IllegalArgumentException("bound: '" + p + "'" + where);
        Set<String> named = spec.named();
        for (String p : params) {
            if (!named.contains(p)) {
                throw new IllegalArgumentException("model parameter '" + p + "' is neither shared, local, grouped nor fixed (" + modelParams()
                        + "; a name meant as a data column must be declared a covariate)");
            }
        }
        for (String p : spec.fixed().keySet()) {
            if (spec.bounds().containsKey(p)) throw new IllegalArgumentException("bound: '" + p + "' is fixed; a bound applies to fitted parameters only");
            if (spec.init().containsKey(p) || spec.initAt().containsKey(p)) {
                throw new IllegalArgumentException("init: '" + p + "' is fixed at " + spec.fixed().get(p) + "; give its value with fix only");
            }
        }
        int nv = model.variables().size();
        for (Dataset d : datasets) {
            if (d.x().length != nv) {
                throw new IllegalArgumentException("dataset '" + d.name() + "' has " + d.x().length + " x columns but the model has variables " + model.variables());
            }
            for (String c : model.covariates()) {
                if (!d.covariates().containsKey(c)) {
                    throw new IllegalArgumentException("dataset '" + d.name() + "' has no value for the covariate '" + c + "' (it has " + d.covariates().keySet() + ")");
                }
            }
            for (Map.Entry<String, String> g : spec.groups().entrySet()) {
                if (!d.groups().containsKey(g.getValue())) {
                    throw new IllegalArgumentException("dataset '" + d.name() + "' has no label in the group column '" + g.getValue()
                            + "' that parameter '" + g.getKey() + "' is grouped by (it has " + d.groups().keySet() + ")");
                }
            }
        }
    }

    private void startingValues() {
        int K = datasets.size(), L = localNames.size();
        List<String> dsNames = datasets.stream().map(Dataset::name).toList();
        for (Map.Entry<String, Map<String, Double>> e : spec.initAt().entrySet()) {
            int p = params.indexOf(e.getKey());
            if (role[p] == SHARED) {
                throw new IllegalArgumentException("init: '" + e.getKey() + "' is shared, so it has one start (init " + e.getKey()
                        + "=VALUE); a start per dataset or group applies to local and grouped parameters");
            }
            for (String at : e.getValue().keySet()) {
                if (role[p] == LOCAL && !dsNames.contains(at)) {
                    throw new IllegalArgumentException("init: no dataset '" + at + "' for " + e.getKey() + "@" + at + " (datasets: " + String.join(", ", dsNames) + ")");
                }
                if (role[p] == GROUP) {
                    String col = spec.groups().get(e.getKey());
                    Set<String> labels = new LinkedHashSet<>();
                    for (Dataset d : datasets) labels.add(d.groups().get(col));
                    if (!labels.contains(at)) {
                        throw new IllegalArgumentException("init: no group '" + at + "' in column '" + col + "' for " + e.getKey() + "@" + at
                                + " (groups: " + String.join(", ", labels) + ")");
                    }
                }
            }
        }
        for (int p = 0; p < params.size(); p++) {
            String n = params.get(p);
            if (role[p] == FIXED) continue;
            ParameterSpec.Bound b = spec.bound(n);
            Double all = spec.init().get(n);
            if (all != null) checkStart(n, all, b);
            double base = all != null ? all : b.defaultStart();
            Map<String, Double> at = spec.initAt().getOrDefault(n, Map.of());
            for (Map.Entry<String, Double> e : at.entrySet()) checkStart(n + "@" + e.getKey(), e.getValue(), b);
            switch (role[p]) {
                case SHARED: initGlobal[index[p]] = base; break;
                case LOCAL:
                    for (int k = 0; k < K; k++) initLocal[k * L + index[p]] = at.getOrDefault(datasets.get(k).name(), base);
                    break;
                default: {
                    String col = spec.groups().get(n);
                    for (int k = 0; k < K; k++) initGlobal[groupColumn[p][k]] = at.getOrDefault(datasets.get(k).groups().get(col), base);
                }
            }
        }
    }

    private static void checkStart(String what, double v, ParameterSpec.Bound b) {
        if (!b.contains(v)) {
            throw new IllegalArgumentException("init: start " + what + "=" + ParameterSpec.fmt(v) + " is outside its bound " + b);
        }
    }

    private void checkPointCounts() {
        int K = datasets.size(), L = localNames.size(), G = globalNames.size();
        long free = G + (long) K * L, n = offsets[K];
        if (L > 0) {
            for (Dataset d : datasets) {
                if (d.pointCount() < L) {
                    throw new IllegalArgumentException("dataset '" + d.name() + "' has " + d.pointCount() + (d.pointCount() == 1 ? " point" : " points")
                            + " for its " + L + " local parameters (" + String.join(", ", localNames) + ")"
                            + (d.dropped() > 0 ? "; " + d.dropped() + " rows were left out for NaN" : ""));
                }
            }
        }
        if (n < free) {
            throw new IllegalArgumentException("too few points: " + n + " points in " + K + (K == 1 ? " dataset" : " datasets") + " for " + free + " free parameters ("
                    + G + " global + " + K + " × " + L + " local)");
        }
    }

    private void checkFiniteAtStart() {
        int K = datasets.size();
        ExpressionKernel.Workspace ws = kernel == null ? null : kernel.newWorkspace();
        for (int k = 0; k < K; k++) {
            double[] f = predict(k, datasets.get(k).x(), initGlobal, initLocal, ws);
            for (int i = 0; i < f.length; i++) {
                if (!Double.isFinite(f[i])) {
                    Dataset d = datasets.get(k);
                    StringBuilder at = new StringBuilder();
                    for (int v = 0; v < d.x().length; v++) at.append(v > 0 ? ", " : "").append(model.variables().get(v)).append('=').append(d.x()[v][i]);
                    StringBuilder ps = new StringBuilder();
                    double[] pv = parameterValues(k, initGlobal, initLocal);
                    for (int p = 0; p < params.size(); p++) ps.append(p > 0 ? ", " : "").append(params.get(p)).append('=').append(pv[p]);
                    throw new IllegalArgumentException("model '" + model.formula() + "' is " + f[i] + " at the starting values in dataset '" + d.name()
                            + "', point " + i + " (" + d.where(i) + ", " + at + ") with " + ps + "; give starting values with --init");
                }
            }
        }
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
        return List.copyOf(globalNames);
    }

    /** Names of the local parameters of each dataset. */
    public List<String> localNames() {
        return List.copyOf(localNames);
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
    public double[] globalLower() { return gLo.clone(); }
    public double[] globalUpper() { return gHi.clone(); }
    /** Lower and upper bounds of the local parameters (the same for every dataset). */
    public double[] localLower() { return lLo.clone(); }
    public double[] localUpper() { return lHi.clone(); }

    /** The value of every model parameter (in {@link Model#parameters()} order, fixed ones included) in dataset k. */
    public double[] parameterValues(int k, double[] global, double[] local) {
        double[] v = new double[params.size()];
        int L = localNames.size();
        for (int p = 0; p < v.length; p++) {
            switch (role[p]) {
                case SHARED: v[p] = global[index[p]]; break;
                case LOCAL: v[p] = local[k * L + index[p]]; break;
                case GROUP: v[p] = global[groupColumn[p][k]]; break;
                default: v[p] = fixedValue[p];
            }
        }
        return v;
    }

    /** The model at the points {@code x} (one variable) with dataset k's parameters: a fitted curve. */
    public double[] predict(int k, double[] x, double[] global, double[] local) {
        return predict(k, new double[][] {x}, global, local);
    }

    /** The model at the points {@code x[v][i]} (variables in the model's order) with dataset k's parameters. */
    public double[] predict(int k, double[][] x, double[] global, double[] local) {
        return predict(k, x, global, local, kernel == null ? null : kernel.newWorkspace());
    }

    private double[] predict(int k, double[][] x, double[] global, double[] local, ExpressionKernel.Workspace ws) {
        if (x.length != model.variables().size()) {
            throw new IllegalArgumentException("predict: the model has variables " + model.variables() + ", got " + x.length + " columns");
        }
        int n = x[0].length;
        for (int v = 1; v < x.length; v++) {
            if (x[v].length != n) throw new IllegalArgumentException("predict: variable columns have " + n + " and " + x[v].length + " values");
        }
        double[] scalars = scalars(k, global, local);
        double[] out = new double[n];
        if (kernel != null) {
            for (int s = 0; s < n; s += ExpressionKernel.BLOCK) {
                int nb = Math.min(ExpressionKernel.BLOCK, n - s);
                kernel.run(ws, x, s, nb, scalars, false);
                System.arraycopy(ws.values(), 0, out, s, nb);
            }
            return out;
        }
        if (n == 0) return out;
        double[][] in = new double[x.length + scalars.length][];
        for (int v = 0; v < x.length; v++) in[v] = x[v];
        for (int j = 0; j < scalars.length; j++) in[x.length + j] = new double[] {scalars[j]};
        return Autodiff.noGrad(() -> tensorPath.evaluate(n, in, null, null)).clone();
    }

    /** Covariates, then every model parameter, for dataset k: the per-dataset constants of the model. */
    private double[] scalars(int k, double[] global, double[] local) {
        List<String> cov = model.covariates();
        double[] pv = parameterValues(k, global, local);
        double[] s = new double[cov.size() + pv.length];
        Dataset d = datasets.get(k);
        for (int c = 0; c < cov.size(); c++) s[c] = d.covariates().get(cov.get(c));
        System.arraycopy(pv, 0, s, cov.size(), pv.length);
        return s;
    }

    /** A one-line summary: model, datasets, points and free parameters. */
    @Override
    public String toString() {
        int K = datasets.size();
        return "GlobalFit[" + model.formula() + "; " + K + (K == 1 ? " dataset, " : " datasets, ") + pointCount() + " points; "
                + globalNames.size() + " global " + globalNames + ", " + localNames.size() + " local " + localNames + " per dataset"
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
        ParameterSpec.Builder b = ParameterSpec.builder();
        List<String> locals = new ArrayList<>();
        for (int p = 0; p < params.size(); p++) if (role[p] != FIXED) locals.add(params.get(p));
        b.local(locals);
        spec.fixed().forEach(b::fix);
        spec.bounds().forEach((n, bd) -> b.bound(n, bd.lower(), bd.upper()));
        for (int p = 0; p < params.size(); p++) {
            String n = params.get(p);
            if (role[p] == FIXED) continue;
            if (spec.init().containsKey(n)) b.init(n, spec.init().get(n));
            if (role[p] == LOCAL) {
                spec.initAt().getOrDefault(n, Map.of()).forEach((ds, v) -> b.init(n, ds, v));
            } else if (role[p] == GROUP) {
                for (int k = 0; k < datasets.size(); k++) b.init(n, datasets.get(k).name(), initGlobal[groupColumn[p][k]]);
            }
        }
        return new GlobalFit(model, datasets, b.build());
    }

    /**
     * The local values of {@link #untie()}'s problem that give the same curves as this fit's
     * {@code global} and {@code local} values (e.g. to start the separate fits at the global optimum).
     */
    public double[] untiedLocal(double[] global, double[] local) {
        List<Integer> free = new ArrayList<>();
        for (int p = 0; p < params.size(); p++) if (role[p] != FIXED) free.add(p);
        int K = datasets.size(), L2 = free.size();
        double[] out = new double[K * L2];
        for (int k = 0; k < K; k++) {
            double[] pv = parameterValues(k, global, local);
            for (int j = 0; j < L2; j++) out[k * L2 + j] = pv[free.get(j)];
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
        @Override public int globalCount() { return globalNames.size(); }
        @Override public int localCount() { return localNames.size(); }
        @Override public int pointCount(int k) { return datasets.get(k).pointCount(); }
        @Override public String globalName(int j) { return globalNames.get(j); }
        @Override public String localName(int j) { return localNames.get(j); }
        @Override public String datasetName(int k) { return datasets.get(k).name(); }
        @Override public double globalLower(int j) { return gLo[j]; }
        @Override public double globalUpper(int j) { return gHi[j]; }
        @Override public double localLower(int j) { return lLo[j]; }
        @Override public double localUpper(int j) { return lHi[j]; }

        @Override
        public void evaluate(int from, int to, double[] global, double[] local, double[] r, double[] jg, double[] jl) {
            if (from < 0 || to > datasets.size() || from > to) {
                throw new IllegalArgumentException("evaluate: dataset range [" + from + ", " + to + ") is not within [0, " + datasets.size() + ")");
            }
            if (global.length != gLo.length || local.length != datasets.size() * lLo.length) {
                throw new IllegalArgumentException("evaluate: expected " + gLo.length + " global and " + datasets.size() * lLo.length
                        + " local values, got " + global.length + " and " + local.length);
            }
            int m = offsets[to] - offsets[from];
            if (r.length < m || (jg != null && jg.length < (long) m * gLo.length) || (jl != null && jl.length < (long) m * lLo.length)) {
                throw new IllegalArgumentException("evaluate: datasets [" + from + ", " + to + ") have " + m + " points, needing r[" + m + "], jg["
                        + (long) m * gLo.length + "], jl[" + (long) m * lLo.length + "]; got r[" + r.length + "], jg[" + (jg == null ? "null" : jg.length)
                        + "], jl[" + (jl == null ? "null" : jl.length) + "]");
            }
            if (kernel != null) evaluateKernel(from, to, global, local, r, jg, jl);
            else evaluateTensors(from, to, global, local, r, jg, jl);
        }
    }

    /** The fast path: dataset by dataset, block by block. */
    private void evaluateKernel(int from, int to, double[] global, double[] local, double[] r, double[] jg, double[] jl) {
        boolean derivs = jg != null || jl != null;
        ExpressionKernel.Workspace ws = kernel.newWorkspace();
        int nc = model.covariates().size();
        double[][] d = new double[params.size()][];
        for (int k = from; k < to; k++) {
            Dataset ds = datasets.get(k);
            double[] scalars = scalars(k, global, local);
            int n = ds.pointCount(), base = offsets[k] - offsets[from];
            for (int s = 0; s < n; s += ExpressionKernel.BLOCK) {
                int nb = Math.min(ExpressionKernel.BLOCK, n - s);
                kernel.run(ws, ds.x(), s, nb, scalars, derivs);
                for (int p = 0; p < d.length; p++) d[p] = derivs && role[p] != FIXED ? ws.derivative(nc + p) : null;
                write(k, ds, s, nb, base + s, ws.values(), d, 0, r, jg, jl);
            }
        }
    }

    /** Any Model: chunks of whole datasets as columns, one backward pass per chunk. */
    private void evaluateTensors(int from, int to, double[] global, double[] local, double[] r, double[] jg, double[] jl) {
        boolean derivs = jg != null || jl != null;
        int nv = model.variables().size(), nc = model.covariates().size(), P = params.size();
        int k0 = from;
        while (k0 < to) {
            int k1 = k0 + 1;
            while (k1 < to && offsets[k1 + 1] - offsets[k0] <= TENSOR_CHUNK) k1++;
            int m = offsets[k1] - offsets[k0];
            double[][] in = new double[nv + nc + P][];
            boolean[] want = new boolean[in.length];
            for (int v = 0; v < nv; v++) in[v] = new double[m];
            for (int j = nv; j < in.length; j++) {
                boolean fixed = j >= nv + nc && role[j - nv - nc] == FIXED;
                in[j] = fixed ? new double[] {fixedValue[j - nv - nc]} : new double[m];
                want[j] = derivs && j >= nv + nc && !fixed;
            }
            for (int k = k0; k < k1; k++) {
                Dataset ds = datasets.get(k);
                int at = offsets[k] - offsets[k0], n = ds.pointCount();
                for (int v = 0; v < nv; v++) System.arraycopy(ds.x()[v], 0, in[v], at, n);
                double[] s = scalars(k, global, local);
                for (int j = 0; j < s.length; j++) if (in[nv + j].length == m) Arrays.fill(in[nv + j], at, at + n, s[j]);
            }
            double[][] g = derivs ? new double[in.length][] : null;
            if (derivs) for (int j = 0; j < in.length; j++) if (want[j]) g[j] = new double[m];
            double[] f = tensorPath.evaluate(m, in, derivs ? want : null, g);
            double[][] d = new double[P][];
            for (int k = k0; k < k1; k++) {
                int at = offsets[k] - offsets[k0];
                if (derivs) for (int p = 0; p < P; p++) d[p] = g[nv + nc + p];
                write(k, datasets.get(k), 0, datasets.get(k).pointCount(), offsets[k] - offsets[from], f, d, at, r, jg, jl);
            }
            k0 = k1;
        }
    }

    /**
     * Residuals and Jacobian rows of points {@code s .. s+n} of dataset k, written at rows
     * {@code row ..}; model values and derivatives are read from {@code f[src ..]} and
     * {@code d[p][src ..]} (a null {@code d[p]}: the model does not depend on p there).
     */
    private void write(int k, Dataset ds, int s, int n, int row, double[] f, double[][] d, int src,
                       double[] r, double[] jg, double[] jl) {
        double[] y = ds.y(), sigma = ds.sigma();
        for (int i = 0; i < n; i++) {
            double res = y[s + i] - f[src + i];
            r[row + i] = sigma == null ? res : res / sigma[s + i];
        }
        int G = gLo.length, L = lLo.length;
        // shared columns are written below for every row; only other groups' columns stay zero
        if (jg != null && hasGroups) Arrays.fill(jg, row * G, (row + n) * G, 0.0);
        for (int p = 0; p < d.length; p++) {
            if (role[p] == FIXED) continue;
            double[] dp = d[p];
            double[] out;
            int col, stride;
            if (role[p] == LOCAL) {
                if (jl == null) continue;
                out = jl;
                col = index[p];
                stride = L;
            } else {
                if (jg == null) continue;
                out = jg;
                col = role[p] == SHARED ? index[p] : groupColumn[p][k];
                stride = G;
            }
            for (int i = 0, o = row * stride + col; i < n; i++, o += stride) {
                double v = dp == null ? 0 : -dp[src + i];
                out[o] = sigma == null ? v : v / sigma[s + i];
            }
        }
    }
}
