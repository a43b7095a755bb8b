package dev.motif.optim;

import dev.motif.nn.Parameter;

import java.util.Collection;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter), exactly as PyTorch's
 * {@code torch.optim.AdamW}: before the Adam update each parameter shrinks by
 * {@code p ← p·(1 − lr·λ)}, so decay is not rescaled by the adaptive denominator and stays out of
 * the moment estimates. Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 1e-2 (as
 * PyTorch).
 *
 * <pre>{@code
 * AdamW opt = AdamW.builder(model.parameters()).lr(1e-3).weightDecay(0.05).build();
 * }</pre>
 */
public final class AdamW extends AdamBase {
    private AdamW(Builder b) {
        super("AdamW", b.params, b.lr, b.beta1, b.beta2, b.eps, b.weightDecay, b.amsgrad, true);
    }

    /** A builder over the given parameters (duplicates are stepped once). */
    public static Builder builder(Collection<? extends Parameter> parameters) {
        return new Builder(parameters);
    }

    /** Options for {@link AdamW}; {@link #build()} validates them. */
    public static final class Builder {
        private final Collection<? extends Parameter> params;
        private double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 1e-2;
        private boolean amsgrad;

        private Builder(Collection<? extends Parameter> params) {
            this.params = params;
        }

        public Builder lr(double lr) {
            this.lr = lr;
            return this;
        }

        /** Decay rates of the first and second moment averages, each in [0, 1). */
        public Builder betas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /** Decoupled decay coefficient: each step multiplies the parameter by 1 − lr·λ. */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder amsgrad(boolean amsgrad) {
            this.amsgrad = amsgrad;
            return this;
        }

        public AdamW build() {
            return new AdamW(this);
        }
    }
}
