package dev.motif.optim;

import dev.motif.nn.Parameter;

import java.util.Collection;

/**
 * The Adam update shared by {@link Adam} and {@link AdamW}; they differ only in where weight
 * decay enters, which {@link #decoupled} selects. Follows PyTorch's single-tensor Adam:
 *
 * <pre>
 * t = t + 1                                   (per parameter, only when it has a gradient)
 * g = g + λ·p                                 (Adam: L2 decay through the gradient)
 * p = p·(1 − lr·λ)                            (AdamW: decoupled decay, before the moments)
 * m = β₁·m + (1 − β₁)·g
 * v = β₂·v + (1 − β₂)·g²
 * v̂ = max(v̂, v)                               (AMSGrad only; else v̂ = v)
 * p = p − (lr / (1 − β₁ᵗ)) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
 * </pre>
 *
 * ε is added outside the square root and after the bias correction, as PyTorch does.
 */
abstract class AdamBase extends Optimizer {
    private final double beta1, beta2, eps, weightDecay;
    private final boolean amsgrad, decoupled;
    private final int[] steps;
    private final double[][] m, v, vMax;

    AdamBase(String who, Collection<? extends Parameter> params, double lr, double beta1, double beta2, double eps,
             double weightDecay, boolean amsgrad, boolean decoupled) {
        super(params, lr);
        this.beta1 = checkBeta(who, "beta1", beta1);
        this.beta2 = checkBeta(who, "beta2", beta2);
        this.eps = checkNonNegative(who, "eps", eps);
        this.weightDecay = checkNonNegative(who, "weight decay", weightDecay);
        this.amsgrad = amsgrad;
        this.decoupled = decoupled;
        int n = parameters().size();
        steps = new int[n];
        m = new double[n][];
        v = new double[n][];
        vMax = amsgrad ? new double[n][] : null;
    }

    @Override
    protected final void update(int index, double[] w, double[] grad, double lr) {
        if (m[index] == null) {
            m[index] = new double[w.length];
            v[index] = new double[w.length];
            if (amsgrad) vMax[index] = new double[w.length];
        }
        int t = ++steps[index];
        double[] mi = m[index], vi = v[index], vm = amsgrad ? vMax[index] : null;
        double stepSize = lr / (1 - Math.pow(beta1, t));
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        double shrink = 1 - lr * weightDecay;
        for (int k = 0; k < w.length; k++) {
            double g = grad[k];
            if (weightDecay != 0) {
                if (decoupled) w[k] *= shrink;
                else g += weightDecay * w[k];
            }
            mi[k] = beta1 * mi[k] + (1 - beta1) * g;
            vi[k] = beta2 * vi[k] + (1 - beta2) * g * g;
            double second = vi[k];
            if (amsgrad) second = vm[k] = Math.max(vm[k], vi[k]);
            w[k] -= stepSize * mi[k] / (Math.sqrt(second) / bc2Sqrt + eps);
        }
    }

    /** How many updates {@code p} has received (its bias-correction step t); 0 if none or not managed here. */
    public final int stepCount(Parameter p) {
        int i = indexOf(p);
        return i < 0 ? 0 : steps[i];
    }

    final int indexOf(Parameter p) {
        for (int i = 0; i < parameters().size(); i++) if (parameters().get(i) == p) return i;
        return -1;
    }

    public final double beta1() {
        return beta1;
    }

    public final double beta2() {
        return beta2;
    }

    public final double eps() {
        return eps;
    }

    public final double weightDecay() {
        return weightDecay;
    }

    public final boolean amsgrad() {
        return amsgrad;
    }
}
