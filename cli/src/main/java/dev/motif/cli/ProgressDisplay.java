package dev.motif.cli;

import dev.motif.text.Format;
import dev.motif.train.Figure;
import dev.motif.train.ProgressListener;
import dev.motif.train.Stage;
import dev.motif.train.StageEnd;
import dev.motif.train.StageProgress;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * Draws any {@link ProgressListener}'s events: a training run's epochs, a fit's iterations. On a
 * terminal, one line redrawn in place with {@code \r} (stage, bar, percent, figures, rate, time
 * left), then one line per finished stage. Elsewhere (a pipe, a log, CI): plain lines, one per
 * finished stage and, between them, one whenever {@code plainEverySeconds} have passed.
 *
 * <pre>
 * epoch 2/5 [==========&gt;         ]  52%  loss 0.4471  acc 84.3%  9120 img/s  ETA 0:31
 * epoch 2/5  train loss 0.4418  train acc 84.6%  test loss 0.4790  test acc 83.1%  6.8 s  9034 img/s
 * fit  iteration 12  χ² 31.2000  λ 1.000e-03  48 it/s
 * </pre>
 *
 * Timing comes from the events, not from a clock here, so the output is a function of the events.
 */
public final class ProgressDisplay implements ProgressListener {
    /** Seconds between redraws of the terminal bar: often enough to look live, rarely enough to cost nothing. */
    static final double REDRAW_SECONDS = 0.1;
    private static final int BAR_WIDTH = 20;

    private final PrintWriter out;
    private final boolean terminal;
    private final double plainEverySeconds;
    /** Elapsed seconds (as the events count them) when a line was last drawn or printed. */
    private double lastShown = Double.NEGATIVE_INFINITY;
    private int drawnLength;

    /**
     * A display writing to {@code out}: a redrawn bar if {@code terminal}, else plain lines at
     * most every {@code plainEverySeconds} (and at each stage's end).
     */
    public ProgressDisplay(PrintWriter out, boolean terminal, double plainEverySeconds) {
        if (!(plainEverySeconds >= 0)) throw new IllegalArgumentException("ProgressDisplay: plainEverySeconds must be >= 0, got " + plainEverySeconds);
        this.out = out;
        this.terminal = terminal;
        this.plainEverySeconds = plainEverySeconds;
    }

    /** A bar on an interactive terminal ({@link #interactive()}), otherwise a plain line every 10 seconds. */
    public static ProgressDisplay auto(PrintWriter out) {
        return new ProgressDisplay(out, interactive(), 10);
    }

    /** Whether the process has a console and is not running under CI (where {@code \r} redraws clutter the log). */
    public static boolean interactive() {
        String ci = System.getenv("CI");
        return System.console() != null && (ci == null || ci.isEmpty() || ci.equalsIgnoreCase("false"));
    }

    @Override
    public void stageStarted(Stage stage) {
        // A new bar shows at once; plain lines keep their own rhythm across stages.
        if (terminal) lastShown = Double.NEGATIVE_INFINITY;
    }

    @Override
    public void stageProgress(StageProgress p) {
        boolean last = p.total() >= 0 && p.done() >= p.total();
        if (terminal) {
            if (last || p.elapsedSeconds() - lastShown >= REDRAW_SECONDS) {
                redraw(bar(p, BAR_WIDTH));
                lastShown = p.elapsedSeconds();
            }
        } else if (!last && p.elapsedSeconds() - lastShown >= plainEverySeconds) {
            // The last unit is left to the stage's end line, which follows at once.
            out.println(plainLine(p));
            out.flush();
            lastShown = p.elapsedSeconds();
        }
    }

    @Override
    public void stageEnded(StageEnd e) {
        if (terminal) {
            redraw(endLine(e));
            out.println();
            drawnLength = 0;
        } else {
            out.println(endLine(e));
        }
        out.flush();
    }

    /** Overwrites the current line, padding with spaces where the previous text was longer. */
    private void redraw(String line) {
        StringBuilder sb = new StringBuilder("\r").append(line);
        for (int i = line.length(); i < drawnLength; i++) sb.append(' ');
        out.print(sb);
        out.flush();
        drawnLength = line.length();
    }

    /**
     * The terminal line: {@code epoch 2/5 [=====>    ]  52%  loss 0.4471  acc 84.3%  9120 img/s  ETA 0:31};
     * for a stage of unknown length, {@code fit  iteration 12  χ² 31.2000  48 it/s}.
     */
    static String bar(StageProgress p, int width) {
        if (p.total() < 0) return plainLine(p);
        double f = p.fraction();
        int filled = (int) Math.floor(f * width);
        StringBuilder b = new StringBuilder(width);
        for (int i = 0; i < width; i++) b.append(i < filled ? '=' : i == filled ? '>' : ' ');
        return String.format(Locale.ROOT, "%s [%s] %3d%%", p.stage(), b, (int) Math.floor(100 * f)) + figures(p.figures())
                + rate(p.rate(), p.rateUnit()) + "  ETA " + duration(p.etaSeconds());
    }

    /** A plain progress line: {@code epoch 2/5  52%  batch 49/94  loss 0.4471  acc 84.3%  9120 img/s  ETA 0:31}. */
    static String plainLine(StageProgress p) {
        StringBuilder sb = new StringBuilder(p.stage());
        if (p.total() >= 0) {
            sb.append(String.format(Locale.ROOT, " %3d%%  %s %d/%d", (int) Math.floor(100 * p.fraction()), p.unit(), p.done(), p.total()));
        } else {
            sb.append(String.format(Locale.ROOT, "  %s %d", p.unit(), p.done()));
        }
        sb.append(figures(p.figures())).append(rate(p.rate(), p.rateUnit()));
        if (!Double.isNaN(p.etaSeconds())) sb.append("  ETA ").append(duration(p.etaSeconds()));
        return sb.toString();
    }

    /** The line for a finished stage: its figures, its time and rate. */
    static String endLine(StageEnd e) {
        return e.stage() + figures(e.figures()) + String.format(Locale.ROOT, "  %.1f s", e.seconds()) + rate(e.rate(), e.rateUnit());
    }

    private static String figures(List<Figure> figures) {
        StringBuilder sb = new StringBuilder();
        for (Figure f : figures) sb.append("  ").append(f);
        return sb.toString();
    }

    private static String rate(double rate, String unit) {
        return Double.isNaN(rate) ? "" : String.format(Locale.ROOT, "  %.0f %s", rate, unit);
    }

    /** m:ss below an hour, h:mm:ss above, {@code --:--} when unknown. */
    static String duration(double seconds) {
        return Format.duration(seconds);
    }
}
