package dev.motif.optim;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.nn.Parameter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates a fixed set of unique parameters from their accumulated gradients.
 *
 * <p>The parameters are deduplicated by identity when the optimizer is built: a parameter shared
 * by several modules (and so listed several times when their {@code parameters()} are
 * concatenated) is one entry, stepped once per {@link #step()} with the gradient backward
 * already summed over its uses. Stepping it once per listing would silently multiply its
 * learning rate.
 *
 * <p>Per-parameter state lives in arrays indexed by the parameter's position in
 * {@link #parameters()}, always in double precision. Values are updated in place on the
 * parameter's raw storage; F32 parameters are read into doubles, updated, and rounded back once.
 * A parameter whose gradient is null (it took no part in the last backward) is skipped, and its
 * state does not change: Adam's step count, for instance, advances only when a gradient came.
 *
 * <pre>{@code
 * Optimizer opt = Adam.builder(model.parameters()).lr(1e-3).build();
 * for (Batch b : batches) {
 *     opt.zeroGrad();
 *     Losses.mse(model.forward(b.x()), b.y()).backward();
 *     opt.step();
 * }
 * }</pre>
 */
public abstract class Optimizer {
    private final List<Parameter> params;
    private double lr;
    /** Each parameter's factor on the learning rate (PyTorch's parameter groups with their own lr), 1 by default. */
    private final double[] lrScale;

    /** Deduplicates {@code parameters} by identity, keeping first-seen order. */
    protected Optimizer(Collection<? extends Parameter> parameters, double lr) {
        if (parameters == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": parameters must not be null");
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        List<Parameter> unique = new ArrayList<>();
        int i = 0;
        for (Parameter p : parameters) {
            if (p == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter at position " + i + " is null");
            if (seen.put(p, Boolean.TRUE) == null) unique.add(p);
            i++;
        }
        if (unique.isEmpty()) throw new IllegalArgumentException(getClass().getSimpleName() + ": got an empty parameter list");
        this.params = Collections.unmodifiableList(unique);
        this.lr = checkLr(getClass().getSimpleName(), lr);
        this.lrScale = new double[unique.size()];
        java.util.Arrays.fill(lrScale, 1);
    }

    /** The unique parameters this optimizer updates, in first-seen order. */
    public final List<Parameter> parameters() {
        return params;
    }

    /** The current learning rate. */
    public final double lr() {
        return lr;
    }

    /** Sets the learning rate used from the next step on (what a {@link Scheduler} calls). */
    public final void setLr(double lr) {
        this.lr = checkLr(getClass().getSimpleName(), lr);
    }

    /**
     * Steps {@code group} at {@code factor} times the learning rate from now on, as a PyTorch
     * parameter group with its own rate: loss weights learned beside a network often need a
     * faster rate than the network. The factor follows the base rate through schedules.
     *
     * <pre>{@code
     * Adam opt = Adam.builder(model.parameters()).lr(1e-4).build();
     * opt.scaleLr(model.weighting().parameters(), 100);   // the log-variances at 1e-2
     * }</pre>
     *
     * @throws IllegalArgumentException if a parameter of the group is not stepped by this optimizer, or the factor is negative
     */
    public final Optimizer scaleLr(Collection<? extends Parameter> group, double factor) {
        checkNonNegative(getClass().getSimpleName(), "learning-rate factor", factor);
        Map<Parameter, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < params.size(); i++) index.put(params.get(i), i);
        for (Parameter p : group) {
            if (!index.containsKey(p)) throw new IllegalArgumentException(getClass().getSimpleName() + ": " + p + " is not among the parameters it steps");
        }
        for (Parameter p : group) lrScale[index.get(p)] = factor;
        return this;
    }

    /** The learning rate parameter {@code p} is stepped at now. */
    public final double lr(Parameter p) {
        for (int i = 0; i < params.size(); i++) if (params.get(i) == p) return lr * lrScale[i];
        throw new IllegalArgumentException(getClass().getSimpleName() + ": " + p + " is not among the parameters it steps");
    }

    /** Applies one update to every parameter that has a gradient. */
    public final void step() {
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            NDArray g = p.grad();
            if (g == null) continue;
            NDArray value = p.value();
            if (value.dtype() == DType.F32 && g.dtype() == DType.F32) {
                float[] w = value.f32(), grad = g.f32();
                if (grad.length != w.length) {
                    throw new IllegalStateException(getClass().getSimpleName() + ": gradient of " + p + " has " + grad.length
                            + " elements, the parameter " + w.length);
                }
                updateF32(i, w, grad, lr * lrScale[i]);
                value.bumpVersion();
                continue;
            }
            // F64 storage is updated directly; F32 goes through one double copy so the update
            // arithmetic is the same in both dtypes and rounds to float once, at the end.
            double[] w = value.dtype() == DType.F64 ? value.f64() : value.toDoubleArray();
            double[] grad = g.dtype() == DType.F64 ? g.f64() : g.toDoubleArray();
            if (grad.length != w.length) {
                throw new IllegalStateException(getClass().getSimpleName() + ": gradient of " + p + " has " + grad.length
                        + " elements, the parameter " + w.length);
            }
            update(i, w, grad, lr * lrScale[i]);
            if (value.dtype() == DType.F32) {
                float[] f = value.f32();
                for (int k = 0; k < f.length; k++) f[k] = (float) w[k];
            }
            value.bumpVersion(); // a graph recorded before this step must not backpropagate through the new values
        }
    }

    /**
     * Updates parameter {@code index}'s values {@code w} in place from its gradient. {@code grad}
     * may be the gradient's own storage: read it, never write it.
     */
    protected abstract void update(int index, double[] w, double[] grad, double lr);

    /**
     * The same update for F32 storage: by default the values and the gradient are read into
     * doubles, {@link #update} runs, and the values are rounded back once. An optimizer may do
     * it in one pass without the copies, with the same arithmetic in double and the same single
     * rounding per value, so that both paths give the same floats.
     */
    protected void updateF32(int index, float[] w, float[] grad, double lr) {
        double[] wd = new double[w.length], gd = new double[grad.length];
        for (int k = 0; k < w.length; k++) wd[k] = w[k];
        for (int k = 0; k < grad.length; k++) gd[k] = grad[k];
        update(index, wd, gd, lr);
        for (int k = 0; k < w.length; k++) w[k] = (float) wd[k];
    }

    /** Clears the gradient of every parameter. */
    public final void zeroGrad() {
        for (Parameter p : params) p.zeroGrad();
    }

    static double checkLr(String who, double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException(who + ": learning rate must be finite and >= 0, got " + lr);
        return lr;
    }

    static double checkNonNegative(String who, String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(who + ": " + what + " must be finite and >= 0, got " + v);
        return v;
    }

    static double checkBeta(String who, String what, double v) {
        if (!(v >= 0 && v < 1)) throw new IllegalArgumentException(who + ": " + what + " must be in [0, 1), got " + v);
        return v;
    }
}
