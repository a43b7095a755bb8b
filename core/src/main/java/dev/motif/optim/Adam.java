package dev.motif.optim;

import dev.motif.nn.Parameter;

import java.util.Collection;

/**
 * Adam (Kingma &amp; Ba) with bias correction, exactly as PyTorch's {@code torch.optim.Adam}:
 * weight decay, if any, is L2 regularisation added to the gradient (so it is rescaled by the
 * adaptive denominator; use {@link AdamW} for decay that is not). Optional AMSGrad keeps the
 * running maximum of the second moment. Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no
 * weight decay.
 *
 * <pre>{@code
 * Adam opt = Adam.builder(model.parameters()).lr(3e-4).betas(0.9, 0.98).build();
 * }</pre>
 */
public final class Adam extends AdamBase {
    private Adam(Builder b) {
        super("Adam", b.params, b.lr, b.beta1, b.beta2, b.eps, b.weightDecay, b.amsgrad, false);
    }

    /** A builder over the given parameters (duplicates are stepped once). */
    public static Builder builder(Collection<? extends Parameter> parameters) {
        return new Builder(parameters);
    }

    /** Options for {@link Adam}; {@link #build()} validates them. */
    public static final class Builder {
        private final Collection<? extends Parameter> params;
        private double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay;
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

        /** L2 penalty coefficient, added to the gradient as λ·p. */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder amsgrad(boolean amsgrad) {
            this.amsgrad = amsgrad;
            return this;
        }

        public Adam build() {
            return new Adam(this);
        }
    }
}
