package dev.motif.cli;

import dev.motif.train.ProgressListener;
import dev.motif.train.Stage;
import dev.motif.train.StageEnd;
import dev.motif.train.StageProgress;

/**
 * Passes a stage's events on only once the work has gone on for a while, so a fit that is over
 * in a moment prints nothing and a long one shows its progress. A stage is shown from the first
 * report at or after {@code afterSeconds} of the run (its start is passed on then, just before
 * that report), or at its end if it took that long without reporting; a stage that ends sooner is
 * dropped whole.
 *
 * <pre>{@code
 * ProgressListener p = new DelayedProgress(ProgressDisplay.auto(err), 1.0);
 * }</pre>
 */
final class DelayedProgress implements ProgressListener {
    /** Work shorter than this does not show progress: long enough to skip every quick fit, short enough that a slow one is not silent. */
    static final double DEFAULT_SECONDS = 1.0;

    private final ProgressListener target;
    private final double afterSeconds;
    /** The current stage, until it is shown. */
    private Stage pending;
    private boolean showing;

    DelayedProgress(ProgressListener target, double afterSeconds) {
        if (!(afterSeconds >= 0)) throw new IllegalArgumentException("DelayedProgress: afterSeconds must be >= 0, got " + afterSeconds);
        this.target = target;
        this.afterSeconds = afterSeconds;
    }

    @Override
    public void stageStarted(Stage stage) {
        pending = stage;
        showing = false;
    }

    @Override
    public void stageProgress(StageProgress progress) {
        if (!showing && progress.elapsedSeconds() >= afterSeconds) show();
        if (showing) target.stageProgress(progress);
    }

    @Override
    public void stageEnded(StageEnd end) {
        if (!showing && end.seconds() >= afterSeconds) show();
        if (showing) target.stageEnded(end);
        pending = null;
        showing = false;
    }

    private void show() {
        if (pending != null) target.stageStarted(pending);
        showing = true;
    }
}
