package dev.motif.optim;

import dev.motif.nn.Parameter;

import java.util.Collection;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2
 * weight decay: exactly the update of PyTorch's {@code torch.optim.SGD}, so runs can be compared
 * with it step for step. With g the gradient, λ the weight decay, μ the momentum, τ the
 * dampening:
 *
 * <pre>
 * d = g + λ·p
 * b = d                    on a parameter's first step (no dampening then, as PyTorch)
 * b = μ·b + (1 − τ)·d      afterwards
 * d = d + μ·b              with Nesterov, else d = b     (only when μ ≠ 0)
 * p = p − lr·d
 * </pre>
 *
 * <pre>{@code
 * SGD opt = SGD.builder(model.parameters()).lr(0.05).momentum(0.9).nesterov(true).weightDecay(1e-4).build();
 * }</pre>
 */
public final class SGD extends Optimizer {
    private final double momentum, dampening, weightDecay;
    private final boolean nesterov;
    /** Momentum buffer per parameter; null until the parameter's first step. */
    private final double[][] buffers;

    private SGD(Builder b) {
        super(b.params, b.lr);
        String who = "SGD";
        this.momentum = checkNonNegative(who, "momentum", b.momentum);
        this.dampening = checkNonNegative(who, "dampening", b.dampening);
        this.weightDecay = checkNonNegative(who, "weight decay", b.weightDecay);
        this.nesterov = b.nesterov;
        // Nesterov's look-ahead is defined for an undamped buffer; PyTorch refuses the other cases too.
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0 and dampening = 0, got momentum="
                    + momentum + ", dampening=" + dampening);
        }
        this.buffers = new double[parameters().size()][];
    }

    /** A builder over the given parameters (duplicates are stepped once); default lr 1e-3, no momentum. */
    public static Builder builder(Collection<? extends Parameter> parameters) {
        return new Builder(parameters);
    }

    @Override
    protected void update(int index, double[] w, double[] grad, double lr) {
        double[] buf = buffers[index];
        boolean first = buf == null;
        if (momentum != 0 && first) buf = buffers[index] = new double[w.length];
        if (plainMomentum(first)) {
            // The usual case (momentum, no weight decay, no Nesterov) without per-element tests,
            // which also lets the JIT vectorise it; the same arithmetic as the general loop.
            double keep = 1 - dampening;
            for (int k = 0; k < w.length; k++) {
                double b = momentum * buf[k] + keep * grad[k];
                buf[k] = b;
                w[k] -= lr * b;
            }
            return;
        }
        for (int k = 0; k < w.length; k++) {
            double d = grad[k];
            if (weightDecay != 0) d += weightDecay * w[k];
            if (momentum != 0) {
                buf[k] = first ? d : momentum * buf[k] + (1 - dampening) * d;
                d = nesterov ? d + momentum * buf[k] : buf[k];
            }
            w[k] -= lr * d;
        }
    }

    /** {@link #update} on float storage in one pass: the same double arithmetic, one rounding per value. */
    @Override
    protected void updateF32(int index, float[] w, float[] grad, double lr) {
        double[] buf = buffers[index];
        boolean first = buf == null;
        if (momentum != 0 && first) buf = buffers[index] = new double[w.length];
        if (plainMomentum(first)) {
            double keep = 1 - dampening;
            for (int k = 0; k < w.length; k++) {
                double b = momentum * buf[k] + keep * grad[k];
                buf[k] = b;
                w[k] = (float) (w[k] - lr * b);
            }
            return;
        }
        for (int k = 0; k < w.length; k++) {
            double d = grad[k];
            if (weightDecay != 0) d += weightDecay * w[k];
            if (momentum != 0) {
                buf[k] = first ? d : momentum * buf[k] + (1 - dampening) * d;
                d = nesterov ? d + momentum * buf[k] : buf[k];
            }
            w[k] = (float) (w[k] - lr * d);
        }
    }

    /** Whether this step is b = μ·b + (1 − τ)·g, p −= lr·b: momentum after the first step, no weight decay, no Nesterov. */
    private boolean plainMomentum(boolean first) {
        return momentum != 0 && !first && weightDecay == 0 && !nesterov;
    }

    public double momentum() {
        return momentum;
    }

    public double dampening() {
        return dampening;
    }

    public boolean nesterov() {
        return nesterov;
    }

    public double weightDecay() {
        return weightDecay;
    }

    /** Options for {@link SGD}; {@link #build()} validates them. */
    public static final class Builder {
        private final Collection<? extends Parameter> params;
        private double lr = 1e-3, momentum, dampening, weightDecay;
        private boolean nesterov;

        private Builder(Collection<? extends Parameter> params) {
            this.params = params;
        }

        public Builder lr(double lr) {
            this.lr = lr;
            return this;
        }

        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        public Builder dampening(double dampening) {
            this.dampening = dampening;
            return this;
        }

        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public SGD build() {
            return new SGD(this);
        }
    }
}
