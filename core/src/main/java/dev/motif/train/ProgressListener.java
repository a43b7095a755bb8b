package dev.motif.train;

/**
 * Hears how far a long piece of work has come: the epochs of a training run, the iterations of
 * a fit, the runs of an experiment. Work comes in stages ("epoch 2/5", "fit"); each stage is
 * announced, reports its progress any number of times, and ends. The calls arrive on the thread
 * doing the work, in order, and every method does nothing by default.
 *
 * <p>One interface for all of them, so that one display (the command line's progress bar) draws
 * a training run and a long fit alike.
 *
 * <pre>{@code
 * ProgressListener printer = new ProgressListener() {
 *     public void stageEnded(StageEnd e) { System.out.println(e.stage() + ": " + e.figures()); }
 * };
 * }</pre>
 */
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {};

    /** A stage begins. */
    default void stageStarted(Stage stage) {}

    /** Partway through the current stage. */
    default void stageProgress(StageProgress progress) {}

    /** The current stage has ended. */
    default void stageEnded(StageEnd end) {}
}
