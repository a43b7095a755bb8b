package dev.motif.cli;

import dev.motif.fit.Comparison;
import dev.motif.fit.Dataset;
import dev.motif.fit.FitResult;
import dev.motif.fit.GlobalFit;
import dev.motif.io.AtomicFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The HTML report of {@code motif fit --report DIR}: one self-contained {@code index.html} (inline
 * CSS and SVG from {@link SvgPlot}, no scripts, no external resources) with the status, the
 * parameter tables, the statistics, the comparison, and per dataset its data with the fitted
 * curve and its normalized residuals.
 */
final class FitHtmlReport {
    /** Most datasets plotted (a fit of thousands of datasets would make a page nobody reads). */
    static final int PLOTTED = 50;
    private static final int CURVE_POINTS = 300;

    private FitHtmlReport() {}

    /** Writes DIR/index.html (creating DIR) and returns its path. */
    static Path write(FitOutcome outcome, Path dir, String yName) throws IOException {
        Files.createDirectories(dir);
        Path index = dir.resolve("index.html");
        AtomicFile.writeString(index, html(outcome, yName));
        return index;
    }

    /** The whole page. */
    static String html(FitOutcome o, String yName) {
        FitResult r = o.result();
        GlobalFit fit = o.fit();
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>motif fit: ")
                .append(esc(fit.model().formula())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em auto;max-width:60em;color:#202020;line-height:1.4}\n")
                .append("table{border-collapse:collapse;margin:0.5em 0 1.2em}\n")
                .append("th,td{padding:0.2em 0.8em;border-bottom:1px solid #ddd;text-align:right}\n")
                .append("th:first-child,td:first-child{text-align:left}\nth{background:#f3f3f3}\n")
                .append(".bad{color:#b00020;font-weight:bold}.good{color:#006400;font-weight:bold}\n")
                .append("code{background:#f5f5f5;padding:0 0.2em}.note{color:#666}\nsvg{max-width:100%;height:auto}\n")
                .append("</style>\n</head>\n<body>\n");
        sb.append("<h1>Global fit</h1>\n<p>Model <code>").append(esc(fit.model().formula())).append("</code>, ")
                .append(r.datasetCount()).append(r.datasetCount() == 1 ? " dataset, " : " datasets, ").append(r.pointCount()).append(" points");
        if (o.droppedTotal() > 0) sb.append(", ").append(o.droppedTotal()).append(" rows dropped as NaN");
        sb.append(".</p>\n<p id=\"status\" class=\"").append(r.converged() ? "good" : "bad").append("\">")
                .append(r.converged() ? "Converged" : "Not converged").append(" after ").append(r.iterations()).append(" iterations (")
                .append(r.evaluations()).append(" evaluations): ").append(esc(FitOutcome.reason(r))).append("</p>\n");

        sb.append("<h2>Parameters</h2>\n<table id=\"parameters\">\n<tr><th>parameter</th><th>kind</th><th>value</th><th>stderr</th><th>relative</th></tr>\n");
        int S = o.sharedCount();
        for (int j = 0; j < r.globalCount(); j++) {
            paramRow(sb, r.globalName(j), j < S ? "shared" : "grouped", r.globalValue(j), r.globalStderr(j), r.globalNote(j));
        }
        fit.spec().fixed().forEach((n, v) -> paramRow(sb, n, "fixed", v, Double.NaN, "fixed"));
        int shown = Math.min(r.datasetCount(), FitOutcome.TABLE_DATASETS);
        for (int j = 0; j < r.localCount(); j++) {
            for (int k = 0; k < shown; k++) {
                paramRow(sb, r.localName(j) + " [" + r.datasetName(k) + "]", "local", r.localValue(k, j), r.localStderr(k, j), r.localNote(k, j));
            }
        }
        sb.append("</table>\n");
        if (shown < r.datasetCount()) sb.append("<p class=\"note\">Local parameters of the first ").append(shown).append(" datasets; --json lists all.</p>\n");

        sb.append("<h2>Statistics</h2>\n<table id=\"statistics\">\n");
        stat(sb, "chi-square", FitOutcome.num(r.chiSquare()));
        stat(sb, "degrees of freedom", r.degreesOfFreedom() + " (" + r.pointCount() + " points − " + r.parameterCount() + " free parameters)");
        stat(sb, "reduced chi-square", FitOutcome.num(r.reducedChiSquare()) + (r.absoluteSigma() ? " (absolute sigma)" : ""));
        stat(sb, "AIC / AICc / BIC", FitOutcome.num(r.aic()) + " / " + FitOutcome.num(r.aicc()) + " / " + FitOutcome.num(r.bic()));
        sb.append("</table>\n<table id=\"datasets\">\n<tr><th>dataset</th><th>points</th><th>dropped</th><th>chi-square</th><th>rms</th></tr>\n");
        for (int k = 0; k < shown; k++) {
            sb.append("<tr><td>").append(esc(r.datasetName(k))).append("</td><td>").append(r.datasetPointCount(k)).append("</td><td>")
                    .append(fit.datasets().get(k).dropped()).append("</td><td>").append(FitOutcome.num(r.datasetChiSquare(k)))
                    .append("</td><td>").append(FitOutcome.num(r.datasetRms(k))).append("</td></tr>\n");
        }
        sb.append("</table>\n");
        if (r.globalCount() > 1) correlation(sb, r);
        if (!r.diagnostics().isEmpty()) {
            sb.append("<ul class=\"note\">\n");
            for (String d : r.diagnostics()) sb.append("<li>").append(esc(d)).append("</li>\n");
            sb.append("</ul>\n");
        }

        if (o.comparison() != null || o.compareNote() != null) {
            sb.append("<h2>Shared or separate?</h2>\n");
            if (o.comparison() != null) {
                Comparison c = o.comparison();
                sb.append("<table id=\"comparison\">\n");
                stat(sb, "chi-square shared / separate", FitOutcome.num(c.chiSquareShared()) + " / " + FitOutcome.num(c.chiSquareSeparate()));
                stat(sb, "degrees of freedom shared / separate", c.dofShared() + " / " + c.dofSeparate());
                stat(sb, "F", FitOutcome.num(c.f()) + " with (" + (c.dofShared() - c.dofSeparate()) + ", " + c.dofSeparate() + ") degrees of freedom");
                stat(sb, "p", FitOutcome.pValue(c.p()));
                stat(sb, "ΔAIC (shared − separate)", String.format(Locale.ROOT, "%+.2f", c.deltaAic()));
                sb.append("</table>\n<p id=\"verdict\" class=\"").append(c.sharingSupported() ? "good" : "bad").append("\">")
                        .append(esc(c.verdict())).append("</p>\n");
                if (o.undeterminedNote() != null) sb.append("<p class=\"note\">Note: ").append(esc(o.undeterminedNote())).append("</p>\n");
            } else {
                sb.append("<p>").append(esc(o.compareNote())).append("</p>\n");
            }
        }

        sb.append("<h2>Data, fits and residuals</h2>\n");
        if (fit.model().variables().size() == 1) {
            sb.append("<p class=\"note\">Residuals are normalized: ")
                    .append(anySigma(fit) ? "(y − fit)/σ." : "(y − fit)/s, with s = √(reduced chi-square), the residual standard deviation.")
                    .append("</p>\n");
        }
        int plots = Math.min(r.datasetCount(), PLOTTED);
        for (int k = 0; k < plots; k++) datasetSection(sb, o, k, yName);
        if (plots < r.datasetCount()) sb.append("<p class=\"note\">The first ").append(plots).append(" datasets of ").append(r.datasetCount()).append(" are plotted.</p>\n");
        sb.append("<p class=\"note\">Written by motif fit.</p>\n</body>\n</html>\n");
        return sb.toString();
    }

    private static boolean anySigma(GlobalFit fit) {
        return fit.datasets().stream().anyMatch(d -> d.sigma() != null);
    }

    private static void datasetSection(StringBuilder sb, FitOutcome o, int k, String yName) {
        FitResult r = o.result();
        GlobalFit fit = o.fit();
        Dataset d = fit.datasets().get(k);
        double[] g = r.globalValues(), l = r.localValues();
        String xName = fit.model().variables().get(0);
        double[] x = d.x()[0];
        double[] f = fit.predict(k, d.x(), g, l);
        double scale = d.sigma() == null ? Math.sqrt(r.reducedChiSquare()) : 1;
        if (!(scale > 0)) scale = 1;
        double[] res = new double[f.length];
        for (int i = 0; i < f.length; i++) res[i] = (d.y()[i] - f[i]) / (d.sigma() == null ? scale : d.sigma()[i]);

        sb.append("<h3>Dataset ").append(esc(d.name())).append("</h3>\n");
        SvgPlot data = new SvgPlot(d.name() + ": data and fit", xName, yName);
        SvgPlot.Series pts = SvgPlot.Series.points("data", x, d.y());
        data.add(d.sigma() != null ? pts.withErrors(d.sigma()) : pts);
        if (fit.model().variables().size() == 1 && x.length > 0) {
            double lo = Arrays.stream(x).filter(Double::isFinite).min().orElse(0), hi = Arrays.stream(x).filter(Double::isFinite).max().orElse(1);
            double[] cx = new double[CURVE_POINTS];
            for (int i = 0; i < CURVE_POINTS; i++) cx[i] = lo + (hi - lo) * i / (CURVE_POINTS - 1);
            data.add(SvgPlot.Series.curve("fit", cx, fit.predict(k, cx, g, l)));
        } else {
            // several variables: the fitted value at each point, against the first variable
            data.add(SvgPlot.Series.points("fit", x, f));
        }
        sb.append(data.toSvg());
        SvgPlot resid = new SvgPlot(d.name() + ": normalized residuals", xName, d.sigma() != null ? "(" + yName + " − fit)/σ" : "(" + yName + " − fit)/s")
                .referenceLines(0)
                .add(SvgPlot.Series.points("residual", x, res));
        sb.append(resid.toSvg());
    }

    private static void correlation(StringBuilder sb, FitResult r) {
        int G = Math.min(r.globalCount(), 12);
        double[][] c = r.globalCorrelation();
        sb.append("<h3>Correlation</h3>\n<table id=\"correlation\">\n<tr><th></th>");
        for (int j = 0; j < G; j++) sb.append("<th>").append(esc(r.globalName(j))).append("</th>");
        sb.append("</tr>\n");
        for (int i = 0; i < G; i++) {
            sb.append("<tr><td>").append(esc(r.globalName(i))).append("</td>");
            for (int j = 0; j < G; j++) {
                sb.append("<td>").append(Double.isFinite(c[i][j]) ? String.format(Locale.ROOT, "%.3f", c[i][j]) : "–").append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }

    private static void paramRow(StringBuilder sb, String name, String kind, double v, double e, String note) {
        sb.append("<tr><td>").append(esc(name)).append("</td><td>").append(kind).append("</td><td>").append(FitOutcome.num(v)).append("</td>");
        if (Double.isFinite(e)) {
            sb.append("<td>± ").append(FitOutcome.stderr(e)).append("</td><td>")
                    .append(FitOutcome.relative(v, e)).append("</td>");
        } else {
            sb.append("<td colspan=\"2\" class=\"note\">").append(esc(note.isEmpty() ? "not defined" : note)).append("</td>");
        }
        sb.append("</tr>\n");
    }

    private static void stat(StringBuilder sb, String name, String value) {
        sb.append("<tr><td>").append(esc(name)).append("</td><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static String esc(String s) {
        return SvgPlot.escape(s);
    }
}
