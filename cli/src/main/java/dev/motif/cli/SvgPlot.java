package dev.motif.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small, self-contained SVG chart: lines, points and error bars on linear or logarithmic axes,
 * for the reports Motif writes (experiment plots, fitted curves, residuals). No scripts, no
 * external fonts or styles, so a file opens anywhere and embeds in HTML as it is.
 *
 * <pre>{@code
 * String svg = new SvgPlot("Test accuracy", "training images", "accuracy")
 *         .logX()
 *         .add(SvgPlot.Series.line("conv", sizes, means).withErrors(sds))
 *         .toSvg();
 * }</pre>
 *
 * <p>Non-finite values (and, on a log axis, values that are not positive) are left out of the
 * drawing; a line is broken where they are.
 */
public final class SvgPlot {
    /** How a series is drawn. */
    public enum Style { LINE, POINTS, LINE_AND_POINTS }

    /** One named series; {@code errors} (half-widths of vertical error bars) may be null. */
    public record Series(String name, double[] x, double[] y, double[] errors, Style style) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length + " y values");
            }
            if (errors != null && errors.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "': " + errors.length + " error bars for " + y.length + " points");
            }
            x = x.clone();
            y = y.clone();
            errors = errors == null ? null : errors.clone();
        }

        public static Series line(String name, double[] x, double[] y) {
            return new Series(name, x, y, null, Style.LINE_AND_POINTS);
        }

        public static Series curve(String name, double[] x, double[] y) {
            return new Series(name, x, y, null, Style.LINE);
        }

        public static Series points(String name, double[] x, double[] y) {
            return new Series(name, x, y, null, Style.POINTS);
        }

        /** The same series with vertical error bars of the given half-widths. */
        public Series withErrors(double[] halfWidths) {
            return new Series(name, x, y, halfWidths, style);
        }
    }

    // A palette that stays distinguishable for the colour-blind (Okabe and Ito's colours).
    private static final String[] COLORS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"};
    private static final int WIDTH = 860, HEIGHT = 400, LEFT = 70, RIGHT = 240, TOP = 36, BOTTOM = 56;

    private final String title, xLabel, yLabel;
    private final List<Series> series = new ArrayList<>();
    private boolean logX, logY;
    private double[] hLines = new double[0];

    public SvgPlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public SvgPlot add(Series s) {
        series.add(s);
        return this;
    }

    /** A logarithmic x axis (base 10). */
    public SvgPlot logX() {
        logX = true;
        return this;
    }

    /** A logarithmic y axis (base 10). */
    public SvgPlot logY() {
        logY = true;
        return this;
    }

    /** Dashed horizontal reference lines (a zero line under residuals, a target accuracy). */
    public SvgPlot referenceLines(double... ys) {
        hLines = ys.clone();
        return this;
    }

    /** The chart as an SVG document. */
    public String toSvg() {
        double[] xr = range(true), yr = range(false);
        Axis ax = new Axis(xr[0], xr[1], logX, LEFT, WIDTH - RIGHT);
        Axis ay = new Axis(yr[0], yr[1], logY, HEIGHT - BOTTOM, TOP);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        text(sb, WIDTH / 2.0, 22, "middle", 14, title);
        text(sb, (LEFT + WIDTH - RIGHT) / 2.0, HEIGHT - 14, "middle", 12, xLabel);
        sb.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 16 %.1f)\">%s</text>%n",
                (TOP + HEIGHT - BOTTOM) / 2.0, (TOP + HEIGHT - BOTTOM) / 2.0, escape(yLabel)));
        // Grid and tick labels.
        for (double t : ax.ticks()) {
            double px = ax.map(t);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e0e0e0\"/>%n", px, TOP, px, HEIGHT - BOTTOM));
            text(sb, px, HEIGHT - BOTTOM + 16, "middle", 11, label(t));
        }
        for (double t : ay.ticks()) {
            double py = ay.map(t);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>%n", LEFT, py, WIDTH - RIGHT, py));
            text(sb, LEFT - 6, py + 4, "end", 11, label(t));
        }
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#404040\"/>%n",
                LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
        for (double h : hLines) {
            if (!ay.shows(h)) continue;
            double py = ay.map(h);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#808080\" stroke-dasharray=\"4 3\"/>%n",
                    LEFT, py, WIDTH - RIGHT, py));
        }
        for (int s = 0; s < series.size(); s++) drawSeries(sb, series.get(s), COLORS[s % COLORS.length], ax, ay);
        legend(sb);
        sb.append("</svg>\n");
        return sb.toString();
    }

    private void drawSeries(StringBuilder sb, Series s, String color, Axis ax, Axis ay) {
        if (s.style() != Style.POINTS) {
            StringBuilder path = new StringBuilder();
            boolean pen = false;
            for (int i = 0; i < s.x().length; i++) {
                if (!ax.shows(s.x()[i]) || !ay.shows(s.y()[i])) {
                    pen = false; // a gap: the line breaks here
                    continue;
                }
                path.append(pen ? " L" : " M").append(String.format(Locale.ROOT, "%.2f %.2f", ax.map(s.x()[i]), ay.map(s.y()[i])));
                pen = true;
            }
            if (path.length() > 0) {
                sb.append("<path fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.8\" d=\"").append(path.toString().trim()).append("\"/>\n");
            }
        }
        for (int i = 0; i < s.x().length; i++) {
            if (!ax.shows(s.x()[i]) || !ay.shows(s.y()[i])) continue;
            double px = ax.map(s.x()[i]), py = ay.map(s.y()[i]);
            if (s.errors() != null && Double.isFinite(s.errors()[i]) && s.errors()[i] > 0) {
                double lo = ay.clampMap(s.y()[i] - s.errors()[i]), hi = ay.clampMap(s.y()[i] + s.errors()[i]);
                sb.append(String.format(Locale.ROOT, "<path stroke=\"%s\" d=\"M%.2f %.2f L%.2f %.2f M%.2f %.2f L%.2f %.2f M%.2f %.2f L%.2f %.2f\"/>%n",
                        color, px, lo, px, hi, px - 4, lo, px + 4, lo, px - 4, hi, px + 4, hi));
            }
            if (s.style() != Style.LINE) {
                sb.append(String.format(Locale.ROOT, "<circle class=\"point\" cx=\"%.2f\" cy=\"%.2f\" r=\"2.8\" fill=\"%s\"/>%n", px, py, color));
            }
        }
    }

    private void legend(StringBuilder sb) {
        double y = TOP + 14;
        if (!series.isEmpty()) {
            // The legend sits right of the plot area, so it never hides data.
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"white\" stroke=\"#c0c0c0\"/>%n",
                    WIDTH - RIGHT + 8, TOP, RIGHT - 14, series.size() * 16 + 6));
        }
        for (int s = 0; s < series.size(); s++, y += 16) {
            String color = COLORS[s % COLORS.length];
            double x = WIDTH - RIGHT + 14;
            Style style = series.get(s).style();
            if (style != Style.POINTS) {
                sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\"/>%n",
                        x, y - 4, x + 18, y - 4, color));
            }
            if (style != Style.LINE) {
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.8\" fill=\"%s\"/>%n", x + 9, y - 4, color));
            }
            String name = series.get(s).name();
            text(sb, x + 24, y, "start", 11, name.length() > 32 ? name.substring(0, 31) + "\u2026" : name); // the box is 32 characters wide
        }
    }

    /** [min, max] of the drawable data on one axis, errors included, padded and never empty. */
    private double[] range(boolean xAxis) {
        boolean log = xAxis ? logX : logY;
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            double[] v = xAxis ? s.x() : s.y();
            for (int i = 0; i < v.length; i++) {
                double e = !xAxis && s.errors() != null && Double.isFinite(s.errors()[i]) ? Math.abs(s.errors()[i]) : 0;
                for (double c : new double[] {v[i] - e, v[i] + e, v[i]}) {
                    if (!Double.isFinite(c) || (log && c <= 0)) continue;
                    lo = Math.min(lo, c);
                    hi = Math.max(hi, c);
                }
            }
        }
        if (!xAxis) {
            for (double h : hLines) {
                if (Double.isFinite(h) && (!log || h > 0)) {
                    lo = Math.min(lo, h);
                    hi = Math.max(hi, h);
                }
            }
        }
        if (lo > hi) return log ? new double[] {1, 10} : new double[] {0, 1};
        if (log) {
            if (lo == hi) return new double[] {lo / 2, hi * 2};
            double pad = Math.pow(hi / lo, 0.04); // the same 4 % margin, in log space
            return new double[] {lo / pad, hi * pad};
        }
        if (lo == hi) return new double[] {lo - Math.max(1, Math.abs(lo)) * 0.5, hi + Math.max(1, Math.abs(hi)) * 0.5};
        double pad = (hi - lo) * 0.04;
        return new double[] {lo - pad, hi + pad};
    }

    /** One axis: data range to pixel range, linear or log10, with its ticks. */
    private record Axis(double lo, double hi, boolean log, double p0, double p1) {
        double t(double v) {
            return log ? Math.log10(v) : v;
        }

        boolean shows(double v) {
            return Double.isFinite(v) && (!log || v > 0);
        }

        double map(double v) {
            return p0 + (t(v) - t(lo)) / (t(hi) - t(lo)) * (p1 - p0);
        }

        /** Like map, but a value off the axis (an error bar below zero on a log axis) goes to the edge. */
        double clampMap(double v) {
            if (!shows(v)) return p0;
            double p = map(v);
            return Math.max(Math.min(p, Math.max(p0, p1)), Math.min(p0, p1));
        }

        List<Double> ticks() {
            List<Double> out = new ArrayList<>();
            if (log) {
                for (int e = (int) Math.floor(Math.log10(lo)); e <= (int) Math.ceil(Math.log10(hi)); e++) {
                    double v = Math.pow(10, e);
                    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.add(v);
                }
                if (out.size() >= 2) return out;
                // Less than a decade: fall back to linear steps on the log axis.
            }
            double step = niceStep((hi - lo) / 6);
            for (double v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
                if (!log || v > 0) out.add(Math.abs(v) < step * 1e-9 ? 0 : v);
            }
            return out;
        }

        static double niceStep(double raw) {
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / mag;
            return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
        }
    }

    static String label(double v) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e5 || a < 1e-3) return String.format(Locale.ROOT, "%.3g", v);
        String s = String.format(Locale.ROOT, "%.4f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static void text(StringBuilder sb, double x, double y, String anchor, int size, String s) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n", x, y, anchor, size, escape(s)));
    }

    /** Text made safe for XML content and attributes. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
