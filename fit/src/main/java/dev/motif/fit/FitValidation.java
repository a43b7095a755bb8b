package dev.motif.fit;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks a {@link GlobalFit} makes before it offers a problem: the model, datasets and spec
 * against each other, the starting values against bounds, datasets and groups, the point counts
 * against the free parameters, and the model's finiteness at the start. Every mistake is an
 * IllegalArgumentException that names the parameter, dataset or point.
 */
final class FitValidation {
    private FitValidation() {
    }

    private static String modelParams(List<String> params) {
        return "the model's parameters: " + String.join(", ", params);
    }

    /** Dataset names are unique, every name in the spec is a model parameter and every parameter has a role; the data have what the model reads. */
    static void checkNames(Model model, List<Dataset> datasets, ParameterSpec spec) {
        List<String> params = model.parameters();
        Set<String> names = new HashSet<>();
        for (Dataset d : datasets) {
            if (!names.add(d.name())) throw new IllegalArgumentException("GlobalFit: two datasets are named '" + d.name() + "'");
        }
        String where = " is not a parameter of the model '" + model.formula() + "' (" + modelParams(params) + ")";
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
                throw new IllegalArgumentException("model parameter '" + p + "' is neither shared, local, grouped nor fixed (" + modelParams(params)
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

    /** Every {@code init P@NAME} is for a local or grouped parameter and names one of its datasets or groups. */
    static void checkStartTargets(ParameterLayout layout, List<Dataset> datasets, ParameterSpec spec) {
        List<String> dsNames = datasets.stream().map(Dataset::name).toList();
        for (Map.Entry<String, Map<String, Double>> e : spec.initAt().entrySet()) {
            ParameterLayout.Role role = layout.role(layout.parameters().indexOf(e.getKey()));
            if (role == ParameterLayout.Role.SHARED) {
                throw new IllegalArgumentException("init: '" + e.getKey() + "' is shared, so it has one start (init " + e.getKey()
                        + "=VALUE); a start per dataset or group applies to local and grouped parameters");
            }
            for (String at : e.getValue().keySet()) {
                if (role == ParameterLayout.Role.LOCAL && !dsNames.contains(at)) {
                    throw new IllegalArgumentException("init: no dataset '" + at + "' for " + e.getKey() + "@" + at + " (datasets: " + String.join(", ", dsNames) + ")");
                }
                if (role == ParameterLayout.Role.GROUP) {
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
    }

    static void checkStart(String what, double v, ParameterSpec.Bound b) {
        if (!b.contains(v)) {
            throw new IllegalArgumentException("init: start " + what + "=" + ParameterSpec.fmt(v) + " is outside its bound " + b);
        }
    }

    /** Each dataset has at least as many points as local parameters, and all of them at least as many as free parameters. */
    static void checkPointCounts(ParameterLayout layout, List<Dataset> datasets, long points) {
        int K = datasets.size();
        int L = layout.localCount();
        int G = layout.globalCount();
        long free = G + (long) K * L;
        if (L > 0) {
            for (Dataset d : datasets) {
                if (d.pointCount() < L) {
                    throw new IllegalArgumentException("dataset '" + d.name() + "' has " + d.pointCount() + (d.pointCount() == 1 ? " point" : " points")
                            + " for its " + L + " local parameters (" + String.join(", ", layout.localNames()) + ")"
                            + (d.dropped() > 0 ? "; " + d.dropped() + " rows were left out for NaN" : ""));
                }
            }
        }
        if (points < free) {
            throw new IllegalArgumentException("too few points: " + points + " points in " + K + (K == 1 ? " dataset" : " datasets") + " for " + free + " free parameters ("
                    + G + " global + " + K + " × " + L + " local)");
        }
    }

    /** The model is finite at every point with the starting values; otherwise names the dataset, point and values. */
    static void checkFiniteAtStart(Model model, List<Dataset> datasets, ParameterLayout layout, ModelEvaluator.Predictor predictor,
                                   double[] initGlobal, double[] initLocal) {
        List<String> params = layout.parameters();
        for (int k = 0; k < datasets.size(); k++) {
            double[] f = predictor.predict(k, datasets.get(k).x(), initGlobal, initLocal);
            for (int i = 0; i < f.length; i++) {
                if (!Double.isFinite(f[i])) {
                    Dataset d = datasets.get(k);
                    StringBuilder at = new StringBuilder();
                    for (int v = 0; v < d.x().length; v++) at.append(v > 0 ? ", " : "").append(model.variables().get(v)).append('=').append(d.x()[v][i]);
                    StringBuilder ps = new StringBuilder();
                    double[] pv = layout.parameterValues(k, initGlobal, initLocal);
                    for (int p = 0; p < params.size(); p++) ps.append(p > 0 ? ", " : "").append(params.get(p)).append('=').append(pv[p]);
                    throw new IllegalArgumentException("model '" + model.formula() + "' is " + f[i] + " at the starting values in dataset '" + d.name()
                            + "', point " + i + " (" + d.where(i) + ", " + at + ") with " + ps + "; give starting values with --init");
                }
            }
        }
    }
}
