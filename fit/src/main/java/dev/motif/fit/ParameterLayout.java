package dev.motif.fit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each model parameter lives in a global fit's problem: which are shared, local, grouped or
 * fixed, the global and local columns they take, their names and bounds there, and their starting
 * values. Global columns are the shared parameters in the model's order, then for each grouped
 * parameter (model order) one per group label in order of first appearance over the datasets,
 * named {@code k[sample=2]}; local columns are the local parameters in the model's order.
 *
 * <p>Built after {@link FitValidation#checkNames} has passed, so every name it meets is known.
 * Immutable.
 */
final class ParameterLayout {
    /** What a model parameter is in the fit. */
    enum Role { SHARED, LOCAL, GROUP, FIXED }

    private final List<String> params;
    private final Role[] role;
    /** Global index (shared), local index (local); for grouped parameters see {@link #groupColumn}. */
    private final int[] index;
    private final double[] fixedValue;
    /** groupColumn[p][k]: global index of grouped parameter p's value for dataset k. */
    private final int[][] groupColumn;
    private final List<String> globalNames = new ArrayList<>();
    private final List<String> localNames = new ArrayList<>();
    private final double[] gLo;
    private final double[] gHi;
    private final double[] lLo;
    private final double[] lHi;
    /** covariates[k][c]: dataset k's value of the model's covariate c. */
    private final double[][] covariates;
    private final boolean hasGroups;

    ParameterLayout(Model model, List<Dataset> datasets, ParameterSpec spec) {
        params = model.parameters();
        int P = params.size();
        int K = datasets.size();
        role = new Role[P];
        index = new int[P];
        fixedValue = new double[P];
        groupColumn = new int[P][];
        List<Double> gl = new ArrayList<>();
        List<Double> gh = new ArrayList<>();
        List<Double> ll = new ArrayList<>();
        List<Double> lh = new ArrayList<>();
        for (int p = 0; p < P; p++) {
            String n = params.get(p);
            ParameterSpec.Bound b = spec.bound(n);
            if (spec.fixed().containsKey(n)) {
                role[p] = Role.FIXED;
                fixedValue[p] = spec.fixed().get(n);
            } else if (spec.shared().contains(n)) {
                role[p] = Role.SHARED;
                index[p] = globalNames.size();
                globalNames.add(n);
                gl.add(b.lower());
                gh.add(b.upper());
            } else if (spec.local().contains(n)) {
                role[p] = Role.LOCAL;
                index[p] = localNames.size();
                localNames.add(n);
                ll.add(b.lower());
                lh.add(b.upper());
            } else {
                role[p] = Role.GROUP;
            }
        }
        for (int p = 0; p < P; p++) {
            if (role[p] != Role.GROUP) continue;
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
        List<String> cov = model.covariates();
        covariates = new double[K][cov.size()];
        for (int k = 0; k < K; k++) {
            for (int c = 0; c < cov.size(); c++) covariates[k][c] = datasets.get(k).covariates().get(cov.get(c));
        }
    }

    private static double[] unbox(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The model's parameters, in its order. */
    List<String> parameters() {
        return params;
    }

    Role role(int p) {
        return role[p];
    }

    /** The value of fixed parameter p. */
    double fixedValue(int p) {
        return fixedValue[p];
    }

    /** The global column of grouped parameter p in dataset k. */
    int groupColumn(int p, int k) {
        return groupColumn[p][k];
    }

    int globalCount() {
        return gLo.length;
    }

    int localCount() {
        return lLo.length;
    }

    List<String> globalNames() {
        return globalNames;
    }

    List<String> localNames() {
        return localNames;
    }

    double globalLower(int j) {
        return gLo[j];
    }

    double globalUpper(int j) {
        return gHi[j];
    }

    double localLower(int j) {
        return lLo[j];
    }

    double localUpper(int j) {
        return lHi[j];
    }

    double[] globalLower() {
        return gLo.clone();
    }

    double[] globalUpper() {
        return gHi.clone();
    }

    double[] localLower() {
        return lLo.clone();
    }

    double[] localUpper() {
        return lHi.clone();
    }

    /** The value of every model parameter (model order, fixed ones included) in dataset k. */
    double[] parameterValues(int k, double[] global, double[] local) {
        double[] v = new double[params.size()];
        int L = lLo.length;
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

    /** Covariates, then every model parameter, for dataset k: the per-dataset constants of the model. */
    double[] scalars(int k, double[] global, double[] local) {
        double[] cov = covariates[k];
        double[] pv = parameterValues(k, global, local);
        double[] s = new double[cov.length + pv.length];
        System.arraycopy(cov, 0, s, 0, cov.length);
        System.arraycopy(pv, 0, s, cov.length, pv.length);
        return s;
    }

    /**
     * The starting values, {@code {global, local}} with dataset k's locals at {@code [k·L, k·L+L)}:
     * a parameter's {@code init}, else its bound's default start, overridden per dataset or group
     * by {@code init P@NAME}. Every start is checked against its bound.
     */
    double[][] startingValues(List<Dataset> datasets, ParameterSpec spec) {
        int K = datasets.size();
        int L = lLo.length;
        double[] initGlobal = new double[gLo.length];
        double[] initLocal = new double[K * L];
        for (int p = 0; p < params.size(); p++) {
            String n = params.get(p);
            if (role[p] == Role.FIXED) continue;
            ParameterSpec.Bound b = spec.bound(n);
            Double all = spec.init().get(n);
            if (all != null) FitValidation.checkStart(n, all, b);
            double base = all != null ? all : b.defaultStart();
            Map<String, Double> at = spec.initAt().getOrDefault(n, Map.of());
            for (Map.Entry<String, Double> e : at.entrySet()) FitValidation.checkStart(n + "@" + e.getKey(), e.getValue(), b);
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
        return new double[][] {initGlobal, initLocal};
    }

    /**
     * Residuals and Jacobian rows of points {@code s .. s+n} of dataset k, written at rows
     * {@code row ..}; model values and derivatives are read from {@code f[src ..]} and
     * {@code d[p][src ..]} (a null {@code d[p]}: the model does not depend on p there). Residuals
     * are {@code (y − f)/sigma}, so each derivative goes to its column negated and divided by sigma.
     */
    void writeRows(int k, Dataset ds, int s, int n, int row, double[] f, double[][] d, int src,
                   double[] r, double[] jg, double[] jl) {
        double[] y = ds.y();
        double[] sigma = ds.sigma();
        for (int i = 0; i < n; i++) {
            double res = y[s + i] - f[src + i];
            r[row + i] = sigma == null ? res : res / sigma[s + i];
        }
        int G = gLo.length;
        int L = lLo.length;
        // shared columns are written below for every row; only other groups' columns stay zero
        if (jg != null && hasGroups) Arrays.fill(jg, row * G, (row + n) * G, 0.0);
        for (int p = 0; p < d.length; p++) {
            if (role[p] == Role.FIXED) continue;
            double[] dp = d[p];
            double[] out;
            int col;
            int stride;
            if (role[p] == Role.LOCAL) {
                if (jl == null) continue;
                out = jl;
                col = index[p];
                stride = L;
            } else {
                if (jg == null) continue;
                out = jg;
                col = role[p] == Role.SHARED ? index[p] : groupColumn[p][k];
                stride = G;
            }
            for (int i = 0, o = row * stride + col; i < n; i++, o += stride) {
                double v = dp == null ? 0 : -dp[src + i];
                out[o] = sigma == null ? v : v / sigma[s + i];
            }
        }
    }
}
