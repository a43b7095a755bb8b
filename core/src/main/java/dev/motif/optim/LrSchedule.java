package dev.motif.optim;

/**
 * A learning rate as a closed-form function of the step (or epoch) count, starting at 0.
 *
 * <p>A schedule is a pure function rather than an object that mutates the optimizer, so it can
 * be plotted, tested and resumed at any step without replaying the ones before. A
 * {@link Scheduler} applies one to an optimizer. Any lambda is a schedule:
 *
 * <pre>{@code
 * LrSchedule halfEvery10 = t -> 0.1 * Math.pow(0.5, t / 10);
 * LrSchedule cosine = new CosineAnnealing(0.1, 1000, 1e-4, 50);   // 50 warmup steps
 * }</pre>
 */
@FunctionalInterface
public interface LrSchedule {
    /** The learning rate for step {@code step} (0 for the first). */
    double lr(int step);

    /** A schedule that always gives {@code lr}. */
    static LrSchedule constant(double lr) {
        Optimizer.checkLr("LrSchedule.constant", lr);
        return step -> lr;
    }
}
