package dev.motif.cli;

import dev.motif.train.BatchEnd;
import dev.motif.train.EpochResult;
import dev.motif.train.EpochStart;
import dev.motif.train.Metrics;
import dev.motif.train.TrainResult;
import dev.motif.train.TrainingListener;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a {@link dev.motif.train.Trainer}'s progress. On a terminal: one line redrawn in place
 * with {@code \r} (epoch, bar, percent of the epoch, running loss and accuracy, images per second,
 * time left for the run), then one line per finished epoch. Elsewhere (a pipe, a log, CI): plain
 * lines, one per finished epoch and, between them, one whenever {@code plainEverySeconds} have
 * passed since the last line.
 *
 * <pre>
 * epoch 2/5 [==========&gt;         ]  52%  loss 0.4471  acc 84.3%  9120 img/s  ETA 0:31
 * epoch 2/5  train loss 0.4418 acc 84.6%  test loss 0.4790 acc 83.1%  6.8 s  9034 img/s
 * </pre>
 *
 * Timing comes from the events, not from a clock here, so the output is a function of the events.
 */
public final class Progress implements TrainingListener {
    /** Seconds between redraws of the terminal bar: often enough to look live, rarely enough to cost nothing. */
    static final double REDRAW_SECONDS = 0.1;
    private static final int BAR_WIDTH = 20;

    private final PrintWriter out;
    private final boolean terminal;
    private final double plainEverySeconds;
    /** Elapsed seconds (as the events count them) when a line was last drawn or printed. */
    private double lastShown;
    private int drawnLength;

    /**
     * A progress display writing to {@code out}: a redrawn bar if {@code terminal}, else plain
     * lines at most every {@code plainEverySeconds} (and at each epoch's end).
     */
    public Progress(PrintWriter out, boolean terminal, double plainEverySeconds) {
        if (!(plainEverySeconds >= 0)) throw new IllegalArgumentException("Progress: plainEverySeconds must be >= 0, got " + plainEverySeconds);
        this.out = out;
        this.terminal = terminal;
        this.plainEverySeconds = plainEverySeconds;
    }

    /** A bar on an interactive terminal ({@link #interactive()}), otherwise a plain line every 10 seconds. */
    public static Progress auto(PrintWriter out) {
        return new Progress(out, interactive(), 10);
    }

    /** Whether the process has a console and is not running under CI (where {@code \r} redraws clutter the log). */
    public static boolean interactive() {
        String ci = System.getenv("CI");
        return System.console() != null && (ci == null || ci.isEmpty() || ci.equalsIgnoreCase("false"));
    }

    @Override
    public void epochStart(EpochStart e) {
        // A new bar shows at once; plain lines keep their own rhythm across epochs.
        if (terminal) lastShown = Double.NEGATIVE_INFINITY;
    }

    @Override
    public void batchEnd(BatchEnd e) {
        boolean lastBatch = e.batch() == e.batches();
        if (terminal) {
            if (lastBatch || e.elapsedSeconds() - lastShown >= REDRAW_SECONDS) {
                redraw(bar(e, BAR_WIDTH));
                lastShown = e.elapsedSeconds();
            }
        } else if (!lastBatch && e.elapsedSeconds() - lastShown >= plainEverySeconds) {
            // The last batch is left to the epoch line, which follows at once.
            out.println(plainLine(e));
            out.flush();
            lastShown = e.elapsedSeconds();
        }
    }

    @Override
    public void epochEnd(EpochResult e) {
        if (terminal) {
            redraw(epochLine(e));
            out.println();
            drawnLength = 0;
        } else {
            out.println(epochLine(e));
            lastShown = e.elapsedSeconds();
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

    /** The terminal line: {@code epoch 2/5 [=====>    ]  52%  loss 0.4471  acc 84.3%  9120 img/s  ETA 0:31}. */
    static String bar(BatchEnd e, int width) {
        double f = Math.max(0, Math.min(1, e.epochFraction()));
        int filled = (int) Math.floor(f * width);
        StringBuilder b = new StringBuilder(width);
        for (int i = 0; i < width; i++) b.append(i < filled ? '=' : i == filled ? '>' : ' ');
        return String.format(Locale.ROOT, "epoch %d/%d [%s] %3d%%  loss %.4f  acc %s  %s  ETA %s",
                e.epoch(), e.epochs(), b, (int) Math.floor(100 * f), e.runningLoss(), percent(e.runningAccuracy()), rate(e.imagesPerSecond()),
                duration(e.etaSeconds()));
    }

    /** A plain progress line: {@code epoch 2/5  52%  batch 49/94  loss 0.4471  acc 84.3%  9120 img/s  ETA 0:31}. */
    static String plainLine(BatchEnd e) {
        return String.format(Locale.ROOT, "epoch %d/%d %3d%%  batch %d/%d  loss %.4f  acc %s  %s  ETA %s",
                e.epoch(), e.epochs(), (int) Math.floor(100 * Math.min(1, e.epochFraction())), e.batch(), e.batches(), e.runningLoss(),
                percent(e.runningAccuracy()), rate(e.imagesPerSecond()), duration(e.etaSeconds()));
    }

    /** The line for a finished epoch: training metrics, test metrics if any, the epoch's time and rate. */
    static String epochLine(EpochResult e) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d  train %s", e.epoch(), e.epochs(), metrics(e.train())));
        if (e.test() != null) sb.append("  test ").append(metrics(e.test()));
        sb.append(String.format(Locale.ROOT, "  %.1f s  %s", e.epochSeconds(), rate(e.imagesPerSecond())));
        return sb.toString();
    }

    /** One line for the whole run: {@code 5 epochs in 0:42 (1234 img/s), 39,760 parameters; test loss 0.4790 acc 83.1%}. */
    public static String summary(TrainResult r) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d epoch%s in %s (%s), %,d parameters; train %s",
                r.history().size(), r.history().size() == 1 ? "" : "s", duration(r.seconds()), rate(r.imagesPerSecond()), r.parameters(), metrics(r.train())));
        if (r.test() != null) sb.append("; test ").append(metrics(r.test()));
        return sb.toString();
    }

    private static String metrics(Metrics m) {
        return String.format(Locale.ROOT, "loss %.4f acc %s", m.loss(), percent(m.accuracy()));
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    private static String rate(double imagesPerSecond) {
        return String.format(Locale.ROOT, "%.0f img/s", imagesPerSecond);
    }

    /** m:ss below an hour, h:mm:ss above, {@code --:--} when unknown. */
    static String duration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) return "--:--";
        long s = Math.round(seconds);
        return s < 3600 ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60) : String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
