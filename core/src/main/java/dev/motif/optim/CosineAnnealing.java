package dev.motif.optim;

/**
 * Cosine decay from {@code baseLr} to {@code etaMin} over {@code tMax} steps, after an optional
 * linear warmup. With W warmup steps:
 *
 * <pre>
 * lr(t) = baseLr · (t + 1) / W                                        for t &lt; W
 * lr(t) = etaMin + (baseLr − etaMin) · (1 + cos(π · (t − W) / (tMax − W))) / 2   for W ≤ t &lt; tMax
 * lr(t) = etaMin                                                       for t ≥ tMax
 * </pre>
 *
 * Without warmup this is PyTorch's {@code CosineAnnealingLR} closed form up to {@code tMax}. Past
 * {@code tMax} it stays at {@code etaMin} instead of rising again along the cosine, since a run
 * that goes on longer than planned should not have its learning rate grow. Warmup starts at
 * {@code baseLr / W} rather than zero so the first step is not wasted.
 *
 * <pre>{@code
 * LrSchedule s = new CosineAnnealing(3e-4, 10_000, 0, 500);   // 500 warmup steps, 10k in all
 * }</pre>
 */
public record CosineAnnealing(double baseLr, int tMax, double etaMin, int warmupSteps) implements LrSchedule {
    public CosineAnnealing {
        Optimizer.checkLr("CosineAnnealing", baseLr);
        if (tMax <= 0) throw new IllegalArgumentException("CosineAnnealing: tMax must be positive, got " + tMax);
        if (!(etaMin >= 0) || Double.isInfinite(etaMin)) {
            throw new IllegalArgumentException("CosineAnnealing: etaMin must be finite and >= 0, got " + etaMin);
        }
        if (warmupSteps < 0 || warmupSteps >= tMax) {
            throw new IllegalArgumentException("CosineAnnealing: warmupSteps must be in [0, tMax) = [0, " + tMax + "), got " + warmupSteps);
        }
    }

    /** Without warmup. */
    public CosineAnnealing(double baseLr, int tMax, double etaMin) {
        this(baseLr, tMax, etaMin, 0);
    }

    @Override
    public double lr(int step) {
        Scheduler.checkStep("CosineAnnealing", step);
        if (step < warmupSteps) return baseLr * (step + 1) / warmupSteps;
        if (step >= tMax) return etaMin;
        double progress = (double) (step - warmupSteps) / (tMax - warmupSteps);
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * progress)) / 2;
    }
}
