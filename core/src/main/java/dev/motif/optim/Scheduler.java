package dev.motif.optim;

/**
 * Applies an {@link LrSchedule} to an {@link Optimizer}: it sets the rate for step 0 when
 * created and the rate for the next step each time {@link #step()} is called, so it is called
 * after the optimizer's step, once per iteration or once per epoch, whichever the schedule
 * counts.
 *
 * <pre>{@code
 * Scheduler sched = new Scheduler(opt, new CosineAnnealing(0.1, epochs, 0));
 * for (int e = 0; e < epochs; e++) {
 *     trainOneEpoch(model, opt);
 *     sched.step();
 * }
 * }</pre>
 */
public final class Scheduler {
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private int step;

    /** Starts at step 0 and sets the optimizer's rate to {@code schedule.lr(0)}. */
    public Scheduler(Optimizer optimizer, LrSchedule schedule) {
        this(optimizer, schedule, 0);
    }

    /** Starts at a given step (to resume a run) and sets the optimizer's rate for it. */
    public Scheduler(Optimizer optimizer, LrSchedule schedule, int startStep) {
        if (optimizer == null || schedule == null) throw new IllegalArgumentException("Scheduler: optimizer and schedule must not be null");
        checkStep("Scheduler", startStep);
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.step = startStep;
        optimizer.setLr(schedule.lr(startStep));
    }

    /** Advances one step and sets the optimizer's rate for it; returns that rate. */
    public double step() {
        if (step == Integer.MAX_VALUE) throw new IllegalStateException("Scheduler: step count overflow");
        step++;
        double lr = schedule.lr(step);
        optimizer.setLr(lr);
        return lr;
    }

    /** The step whose rate the optimizer currently has. */
    public int currentStep() {
        return step;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public LrSchedule schedule() {
        return schedule;
    }

    static void checkStep(String who, int step) {
        if (step < 0) throw new IllegalArgumentException(who + ": step must be >= 0, got " + step);
    }
}
