package dev.motif.optim;

import dev.motif.array.NDArray;
import dev.motif.nn.Parameter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradient clipping, applied between {@code backward()} and {@code step()}.
 *
 * <p>Both methods work on unique parameters: a shared parameter listed twice contributes its
 * (already summed) gradient to the norm once and is scaled once. Counting it twice would inflate
 * the norm of exactly the models Motif is about.
 *
 * <pre>{@code
 * loss.backward();
 * double norm = GradClip.clipNorm(model.parameters(), 1.0);   // norm before clipping, for logging
 * opt.step();
 * }</pre>
 */
public final class GradClip {
    /** Added to the norm before dividing, as PyTorch's {@code clip_grad_norm_}, so a zero norm never divides. */
    static final double NORM_EPS = 1e-6;

    private GradClip() {}

    /** {@code clipNorm(parameters, maxNorm, 2)}: clipping by the global L2 norm. */
    public static double clipNorm(Collection<? extends Parameter> parameters, double maxNorm) {
        return clipNorm(parameters, maxNorm, 2);
    }

    /**
     * Rescales all gradients together so that their global p-norm (over every element of every
     * unique parameter with a gradient) is at most about {@code maxNorm}, as PyTorch's
     * {@code clip_grad_norm_}: each gradient is multiplied by {@code maxNorm / (norm + 1e-6)}
     * when that factor is below one, and left alone otherwise. Parameters without a gradient are
     * ignored. A non-finite norm leaves every gradient unchanged (a scaled NaN would only hide
     * where it came from); check the returned value to skip such a step.
     *
     * @param normType the p of the p-norm, &gt; 0, or {@code Double.POSITIVE_INFINITY} for the max-norm
     * @return the global norm before clipping (0 when no parameter has a gradient)
     */
    public static double clipNorm(Collection<? extends Parameter> parameters, double maxNorm, double normType) {
        if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("clipNorm: maxNorm must be finite and >= 0, got " + maxNorm);
        }
        if (!(normType > 0)) throw new IllegalArgumentException("clipNorm: normType must be > 0 or +infinity, got " + normType);
        List<Parameter> withGrad = new ArrayList<>();
        for (Parameter p : unique("clipNorm", parameters)) if (p.grad() != null) withGrad.add(p);
        double norm = globalNorm(withGrad, normType);
        if (!Double.isFinite(norm)) return norm;
        double coef = maxNorm / (norm + NORM_EPS);
        if (coef < 1) for (Parameter p : withGrad) p.setGrad(p.grad().mul(coef));
        return norm;
    }

    /** The global p-norm of the gradients of the unique parameters (without clipping). */
    public static double gradNorm(Collection<? extends Parameter> parameters, double normType) {
        if (!(normType > 0)) throw new IllegalArgumentException("gradNorm: normType must be > 0 or +infinity, got " + normType);
        List<Parameter> withGrad = new ArrayList<>();
        for (Parameter p : unique("gradNorm", parameters)) if (p.grad() != null) withGrad.add(p);
        return globalNorm(withGrad, normType);
    }

    private static double globalNorm(List<Parameter> params, double normType) {
        boolean max = normType == Double.POSITIVE_INFINITY;
        double acc = 0;
        for (Parameter p : params) {
            NDArray g = p.grad();
            for (int k = 0, n = g.size(); k < n; k++) {
                double a = Math.abs(g.getFlat(k));
                if (Double.isNaN(a)) return Double.NaN;
                if (max) acc = Math.max(acc, a);
                else acc += normType == 2 ? a * a : Math.pow(a, normType);
            }
        }
        if (max) return acc;
        return normType == 2 ? Math.sqrt(acc) : Math.pow(acc, 1 / normType);
    }

    /**
     * Clamps every gradient element of the unique parameters into {@code [-clipValue, clipValue]},
     * as PyTorch's {@code clip_grad_value_}. NaN elements stay NaN.
     */
    public static void clipValue(Collection<? extends Parameter> parameters, double clipValue) {
        if (!(clipValue >= 0) || Double.isInfinite(clipValue)) {
            throw new IllegalArgumentException("clipValue: clipValue must be finite and >= 0, got " + clipValue);
        }
        for (Parameter p : unique("clipValue", parameters)) {
            NDArray g = p.grad();
            if (g == null) continue;
            // a new array rather than writing into g: backward may have handed the same array to
            // someone else, and a gradient is a value like any other NDArray
            p.setGrad(g.maximum(-clipValue).minimum(clipValue));
        }
    }

    static List<Parameter> unique(String who, Collection<? extends Parameter> parameters) {
        if (parameters == null) throw new IllegalArgumentException(who + ": parameters must not be null");
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : parameters) {
            if (p == null) throw new IllegalArgumentException(who + ": a parameter in the list is null");
            if (seen.put(p, Boolean.TRUE) == null) out.add(p);
        }
        return out;
    }
}
