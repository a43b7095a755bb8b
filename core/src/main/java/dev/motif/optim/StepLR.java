package dev.motif.optim;

/**
 * Multiplies the learning rate by {@code gamma} every {@code stepSize} steps, as PyTorch's
 * {@code StepLR}: {@code lr(t) = baseLr · gamma^⌊t / stepSize⌋}.
 *
 * <pre>{@code
 * Scheduler s = new Scheduler(opt, new StepLR(0.1, 30, 0.1));   // 0.1, then 0.01 from epoch 30, ...
 * }</pre>
 */
public record StepLR(double baseLr, int stepSize, double gamma) implements LrSchedule {
    public StepLR {
        Optimizer.checkLr("StepLR", baseLr);
        if (stepSize <= 0) throw new IllegalArgumentException("StepLR: stepSize must be positive, got " + stepSize);
        if (!(gamma > 0) || Double.isInfinite(gamma)) throw new IllegalArgumentException("StepLR: gamma must be finite and > 0, got " + gamma);
    }

    @Override
    public double lr(int step) {
        Scheduler.checkStep("StepLR", step);
        return baseLr * Math.pow(gamma, step / stepSize);
    }
}
