package dev.motif.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.motif.fit.Comparison;
import dev.motif.fit.Dataset;
import dev.motif.fit.FitResult;
import dev.motif.fit.GlobalFit;
import dev.motif.fit.LevenbergMarquardt;
import dev.motif.io.Json;
import dev.motif.text.Format;
import dev.motif.train.ProgressListener;
import dev.motif.train.Stage;
import dev.motif.train.StageEnd;
import dev.motif.train.StageProgress;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A finished {@code motif fit}: the fit, its result and, with {@code --compare}, the separate fit
 * and the comparison; renders the plain-text table and the JSON document.
 *
 * @param fit        the global fit (model, datasets, parameter roles)
 * @param result     its result
 * @param separate   the separate fits (every parameter local), or null
 * @param comparison the F test and ΔAIC, or null (not asked for, or not possible)
 * @param compareNote why the comparison is missing although asked for, or null
 */
record FitOutcome(GlobalFit fit, FitResult result, FitResult separate, Comparison comparison, String compareNote) {
    /** Most datasets listed one by one in the table (JSON and the report have all). */
    static final int TABLE_DATASETS = 50;

    /**
     * Fits, and with {@code compare} also fits the untied problem from the global optimum (so it
     * starts with the same curves and can only improve χ²) and compares the two.
     */
    static FitOutcome run(GlobalFit fit, LevenbergMarquardt.Options options, boolean compare) {
        long start = System.nanoTime();
        FitResult r = new LevenbergMarquardt(options).fit(fit.problem(), fit.initialGlobal(), fit.initialLocal());
        if (!compare) return new FitOutcome(fit, r, null, null, null);
        if (r.globalCount() == 0) return new FitOutcome(fit, r, null, null, "nothing is shared or grouped, so there is no separate model to compare with");
        // One dataset: its separate fit is the global fit, and the F test has no degrees of freedom.
        if (fit.datasets().size() == 1) return new FitOutcome(fit, r, null, null, "one dataset, so nothing is shared between datasets and there is no separate model to compare with");
        GlobalFit untied = fit.untie();
        ProgressListener separate = options.progress() == ProgressListener.NONE ? ProgressListener.NONE
                : new SecondStage(options.progress(), SEPARATE_STAGE, (System.nanoTime() - start) * 1e-9);
        FitResult sep = new LevenbergMarquardt(options.withProgress(separate))
                .fit(untied.problem(), untied.initialGlobal(), fit.untiedLocal(r.globalValues(), r.localValues()));
        try {
            return new FitOutcome(fit, r, sep, Comparison.of(r, sep), null);
        } catch (IllegalArgumentException e) {
            return new FitOutcome(fit, r, sep, null, "no comparison: " + e.getMessage());
        }
    }

    /** The stage under which the separate fits of {@code --compare} report their progress. */
    static final String SEPARATE_STAGE = "separate fits";

    /**
     * The solver's events for the second fit of a run: under their own stage name, and with the
     * run's elapsed time counted from the start of the first fit, as a listener expects.
     */
    private record SecondStage(ProgressListener target, String name, double offsetSeconds) implements ProgressListener {
        @Override
        public void stageStarted(Stage stage) {
            target.stageStarted(new Stage(name, stage.total(), stage.unit()));
        }

        @Override
        public void stageProgress(StageProgress p) {
            target.stageProgress(new StageProgress(name, p.done(), p.total(), p.unit(), p.figures(), offsetSeconds + p.elapsedSeconds(),
                    p.rate(), p.rateUnit(), p.etaSeconds()));
        }

        @Override
        public void stageEnded(StageEnd e) {
            target.stageEnded(new StageEnd(name, e.figures(), e.seconds(), e.rate(), e.rateUnit()));
        }
    }

    /** Parameters of the separate fits that the data leave undetermined (0 without --compare). */
    int undeterminedSeparate() {
        if (separate == null) return 0;
        int u = 0;
        for (int j = 0; j < separate.globalCount(); j++) if (separate.globalNote(j).startsWith("undetermined")) u++;
        for (int k = 0; k < separate.datasetCount(); k++) {
            for (int j = 0; j < separate.localCount(); j++) if (separate.localNote(k, j).startsWith("undetermined")) u++;
        }
        return u;
    }

    /** A caution when the separate fits have undetermined parameters, or null. */
    String undeterminedNote() {
        int u = undeterminedSeparate();
        if (u == 0) return null;
        return u + (u == 1 ? " parameter" : " parameters") + " of the separate fits " + (u == 1 ? "is" : "are")
                + " undetermined (a dataset alone does not fix them); the F test and AIC count them as free, so their "
                + "degrees of freedom are overstated: read the verdict with care";
    }

    /** Number of shared parameters: the first globals (the rest are grouped). */
    int sharedCount() {
        return fit.spec().shared().size();
    }

    int droppedTotal() {
        int d = 0;
        for (Dataset ds : fit.datasets()) d += ds.dropped();
        return d;
    }

    // ------------------------------------------------------------------ text

    /** The plain-text report printed on stdout. */
    String table() {
        StringBuilder sb = new StringBuilder();
        FitResult r = result;
        int K = r.datasetCount();
        sb.append("Model: ").append(fit.model().formula()).append('\n');
        sb.append(String.format(Locale.ROOT, "Data: %d dataset%s, %d points%s%n", K, K == 1 ? "" : "s", r.pointCount(),
                droppedTotal() > 0 ? ", " + droppedTotal() + " rows dropped as NaN" : ""));
        sb.append("Status: ").append(r.converged() ? "converged" : "NOT CONVERGED").append(" after ").append(r.iterations())
                .append(" iterations (").append(r.evaluations()).append(" evaluations): ").append(reason(r)).append('\n');

        int S = sharedCount(), G = r.globalCount();
        if (S > 0) {
            sb.append("\nShared parameters\n");
            parameterHeader(sb, "  %-14s", "name");
            for (int j = 0; j < S; j++) parameterRow(sb, "  %-14s", r.globalName(j), r.globalValue(j), r.globalStderr(j), r.globalNote(j));
        }
        if (G > S) {
            sb.append("\nGrouped parameters (one value per group)\n");
            parameterHeader(sb, "  %-14s", "name");
            for (int j = S; j < G; j++) parameterRow(sb, "  %-14s", r.globalName(j), r.globalValue(j), r.globalStderr(j), r.globalNote(j));
        }
        if (!fit.spec().fixed().isEmpty()) {
            sb.append("\nFixed parameters\n");
            fit.spec().fixed().forEach((n, v) -> sb.append(String.format(Locale.ROOT, "  %-14s %14s%n", n, num(v))));
        }
        int L = r.localCount();
        int shown = Math.min(K, TABLE_DATASETS);
        int w = 7;
        for (int k = 0; k < shown; k++) w = Math.max(w, r.datasetName(k).length());
        if (L > 0) {
            sb.append("\nLocal parameters (one per dataset)\n");
            for (int j = 0; j < L; j++) {
                sb.append("  ").append(r.localName(j)).append('\n');
                parameterHeader(sb, "    %-" + w + "s", "dataset");
                for (int k = 0; k < shown; k++) {
                    parameterRow(sb, "    %-" + w + "s", r.datasetName(k), r.localValue(k, j), r.localStderr(k, j), r.localNote(k, j));
                }
                if (shown < K) sb.append("    ... ").append(K - shown).append(" more datasets (--json lists all)\n");
            }
        }

        sb.append("\nStatistics\n");
        sb.append(String.format(Locale.ROOT, "  chi-square %s, degrees of freedom %d (%d points - %d free parameters), reduced chi-square %s%s%n",
                num(r.chiSquare()), r.degreesOfFreedom(), r.pointCount(), r.parameterCount(), num(r.reducedChiSquare()),
                r.absoluteSigma() ? " (absolute sigma)" : ""));
        sb.append(String.format(Locale.ROOT, "  AIC %s, AICc %s, BIC %s%n", num(r.aic()), num(r.aicc()), num(r.bic())));
        String row = "    %-" + w + "s %7s %8s %12s %10s%n";
        sb.append(String.format(Locale.ROOT, row, "dataset", "points", "dropped", "chi-square", "rms"));
        for (int k = 0; k < shown; k++) {
            sb.append(String.format(Locale.ROOT, row, r.datasetName(k), r.datasetPointCount(k), fit.datasets().get(k).dropped(),
                    num(r.datasetChiSquare(k)), num(r.datasetRms(k))));
        }
        if (shown < K) sb.append("    ... ").append(K - shown).append(" more datasets\n");

        if (G > 1) {
            sb.append("\nCorrelation of the ").append(G > S ? "shared and grouped" : "shared").append(" parameters\n");
            double[][] c = r.globalCorrelation();
            int cw = 7;
            for (int j = 0; j < G; j++) cw = Math.max(cw, r.globalName(j).length() + 1);
            int show = Math.min(G, 12);
            sb.append("  ").append(" ".repeat(cw));
            for (int j = 0; j < show; j++) sb.append(String.format(Locale.ROOT, "%" + cw + "s", r.globalName(j)));
            sb.append('\n');
            for (int i = 0; i < show; i++) {
                sb.append(String.format(Locale.ROOT, "  %-" + cw + "s", r.globalName(i)));
                for (int j = 0; j < show; j++) {
                    sb.append(String.format(Locale.ROOT, "%" + cw + "s", Double.isFinite(c[i][j]) ? String.format(Locale.ROOT, "%.3f", c[i][j]) : "-"));
                }
                sb.append('\n');
            }
            if (show < G) sb.append("  (first ").append(show).append(" of ").append(G).append("; --json has the whole matrix)\n");
        }
        if (!r.diagnostics().isEmpty()) {
            sb.append("\nNotes\n");
            for (String d : r.diagnostics()) sb.append("  ").append(d).append('\n');
        }
        if (comparison != null || compareNote != null) {
            sb.append("\nShared or separate? (every parameter fitted per dataset, started from the global fit)\n");
            if (separate != null) {
                sb.append(String.format(Locale.ROOT, "  separate fits: chi-square %s, dof %d, AIC %s; %s%n", num(separate.chiSquare()),
                        separate.degreesOfFreedom(), num(separate.aic()), separate.converged() ? "converged" : separate.message()));
            }
            if (comparison != null) {
                Comparison c = comparison;
                sb.append(String.format(Locale.ROOT, "  F test: F = %s with (%d, %d) degrees of freedom, p = %s%n", num(c.f()),
                        c.dofShared() - c.dofSeparate(), c.dofSeparate(), pValue(c.p())));
                sb.append(String.format(Locale.ROOT, "  ΔAIC (shared - separate) = %+.2f%n", c.deltaAic()));
                sb.append("  Verdict: ").append(c.verdict()).append('\n');
                if (undeterminedNote() != null) sb.append("  Note: ").append(undeterminedNote()).append('\n');
            } else {
                sb.append("  ").append(compareNote).append('\n');
            }
        }
        return sb.toString();
    }

    private static void parameterHeader(StringBuilder sb, String nameFormat, String label) {
        sb.append(String.format(Locale.ROOT, nameFormat + " %14s   %-12s %8s%n", label, "value", "stderr", "relative"));
    }

    private static void parameterRow(StringBuilder sb, String nameFormat, String name, double value, double err, String note) {
        sb.append(String.format(Locale.ROOT, nameFormat + " %14s", name, num(value)));
        if (Double.isFinite(err)) {
            String rel = relative(value, err);
            sb.append(String.format(Locale.ROOT, " ± %-12s %8s", stderr(err), rel));
        } else {
            sb.append(" ± -            (no standard error: ").append(note.isEmpty() ? "not defined" : note).append(')');
        }
        sb.append('\n');
    }

    /** The standard error relative to the value, in percent ("" for a zero value). */
    static String relative(double value, double err) {
        if (value == 0) return "";
        double pct = 100 * Math.abs(err / value);
        return pct < 100 ? String.format(Locale.ROOT, "%.2g%%", pct) : String.format(Locale.ROOT, "%.0f%%", pct);
    }

    /** How the fit ended, without the "converged: " the status already says. */
    static String reason(FitResult r) {
        return r.message().replaceFirst("^(not )?converged: ", "");
    }

    /** A standard error: three significant digits are all it carries. */
    static String stderr(double e) {
        return num(Double.parseDouble(String.format(Locale.ROOT, "%.3g", e)));
    }

    /** Six significant digits, trailing zeros dropped. */
    static String num(double v) {
        if (Double.isNaN(v)) return "-";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return Format.significant(v, 6);
    }

    static String pValue(double p) {
        return p < 1e-4 ? String.format(Locale.ROOT, "%.2e", p) : String.format(Locale.ROOT, "%.4f", p);
    }

    // ------------------------------------------------------------------ JSON

    /** The JSON document described in {@code motif fit --help}. */
    String json() {
        ObjectNode root = Json.object();
        FitResult r = result;
        root.put("model", fit.model().formula());
        ArrayNode ds = root.putArray("datasets");
        for (int k = 0; k < r.datasetCount(); k++) {
            ObjectNode d = ds.addObject();
            d.put("name", r.datasetName(k));
            d.put("points", r.datasetPointCount(k));
            d.put("dropped", fit.datasets().get(k).dropped());
            put(d, "chi2", r.datasetChiSquare(k));
            put(d, "rms", r.datasetRms(k));
        }
        ObjectNode params = root.putObject("parameters");
        ObjectNode sh = params.putObject("shared");
        ObjectNode gr = params.putObject("grouped");
        for (int j = 0; j < r.globalCount(); j++) {
            ObjectNode p = (j < sharedCount() ? sh : gr).putObject(r.globalName(j));
            estimate(p, r.globalValue(j), r.globalStderr(j), r.globalNote(j));
        }
        ObjectNode lo = params.putObject("local");
        for (int j = 0; j < r.localCount(); j++) {
            ObjectNode p = lo.putObject(r.localName(j));
            for (int k = 0; k < r.datasetCount(); k++) {
                estimate(p.putObject(r.datasetName(k)), r.localValue(k, j), r.localStderr(k, j), r.localNote(k, j));
            }
        }
        ObjectNode fx = params.putObject("fixed");
        for (Map.Entry<String, Double> e : fit.spec().fixed().entrySet()) put(fx, e.getKey(), e.getValue());

        ObjectNode st = root.putObject("statistics");
        put(st, "chi2", r.chiSquare());
        st.put("dof", r.degreesOfFreedom());
        put(st, "redchi2", r.reducedChiSquare());
        put(st, "aic", r.aic());
        put(st, "aicc", r.aicc());
        put(st, "bic", r.bic());
        st.put("points", r.pointCount());
        st.put("parameters", r.parameterCount());
        st.put("absoluteSigma", r.absoluteSigma());

        ObjectNode corr = root.putObject("correlation");
        ArrayNode names = corr.putArray("names");
        for (int j = 0; j < r.globalCount(); j++) names.add(r.globalName(j));
        ArrayNode matrix = corr.putArray("matrix");
        for (double[] row : r.globalCorrelation()) {
            ArrayNode a = matrix.addArray();
            for (double v : row) {
                if (Double.isFinite(v)) a.add(v);
                else a.addNull();
            }
        }

        ObjectNode status = root.putObject("status");
        status.put("converged", r.converged());
        status.put("reason", r.reason().name());
        status.put("iterations", r.iterations());
        status.put("evaluations", r.evaluations());
        status.put("message", r.message());

        if (comparison != null) {
            ObjectNode c = root.putObject("compare");
            put(c, "F", comparison.f());
            c.put("df1", comparison.dofShared() - comparison.dofSeparate());
            c.put("df2", comparison.dofSeparate());
            put(c, "p", comparison.p());
            put(c, "deltaAIC", comparison.deltaAic());
            c.put("verdict", comparison.verdict());
            put(c, "chi2Shared", comparison.chiSquareShared());
            put(c, "chi2Separate", comparison.chiSquareSeparate());
            ObjectNode s = c.putObject("separate");
            s.put("converged", separate.converged());
            s.put("undetermined", undeterminedSeparate());
            s.put("message", separate.message());
        } else if (compareNote != null) {
            root.putObject("compare").put("note", compareNote);
        }
        return Json.pretty(root);
    }

    private static void estimate(ObjectNode n, double value, double err, String note) {
        put(n, "value", value);
        put(n, "stderr", err);
        if (note != null && !note.isEmpty()) n.put("note", note);
    }

    /** JSON has no NaN or infinity: those become null. */
    private static void put(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) n.put(key, v);
        else n.putNull(key);
    }

    /** Names of the datasets, for the report. */
    List<String> datasetNames() {
        return fit.datasets().stream().map(Dataset::name).toList();
    }
}
