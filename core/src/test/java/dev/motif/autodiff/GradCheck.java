package dev.motif.autodiff;

import dev.motif.array.DType;
import dev.motif.array.NDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Gradient checks against central finite differences, in F64.
 *
 * <p>A function of several tensors with an output of any shape is made scalar by contracting the
 * output with fixed random weights: L(xs) = Σ f(xs)·W. Random weights (rather than a plain sum)
 * make every output element matter with a different coefficient, so a backward rule that mixes
 * up elements cannot pass by symmetry.
 */
final class GradCheck {
    private GradCheck() {}

    /** Step of the central differences. */
    static final double H = 1e-6;
    /** Absolute and relative tolerance of first-order checks. */
    static final double TOL = 1e-6;

    /** A differentiable function of a list of tensors. */
    interface Fn extends Function<List<Tensor>, Tensor> {}

    // ------------------------------------------------------------------ first order

    /** Checks Autodiff.grad of Σ f(xs)·W against central differences for every element of every input. */
    static void check(String label, Fn f, NDArray... xs) {
        check(label, f, H, TOL, xs);
    }

    static void check(String label, Fn f, double h, double tol, NDArray... xs) {
        List<Tensor> vars = variables(xs);
        Tensor out = f.apply(vars);
        NDArray w = weights(out.shape(), label.hashCode());
        Tensor loss = out.mul(Tensor.constant(w)).sum();
        List<Tensor> grads = Autodiff.grad(loss, vars, false);
        for (int i = 0; i < xs.length; i++) {
            NDArray g = grads.get(i).value();
            if (!Arrays.equals(g.shape(), xs[i].shape())) {
                throw new AssertionError(label + ": gradient of input " + i + " has shape " + Arrays.toString(g.shape())
                        + ", the input has " + Arrays.toString(xs[i].shape()));
            }
            if (g.dtype() != xs[i].dtype()) {
                throw new AssertionError(label + ": gradient of input " + i + " is " + g.dtype() + ", the input is " + xs[i].dtype());
            }
            for (int j = 0; j < xs[i].size(); j++) {
                double fd = (lossAt(f, w, xs, i, j, h) - lossAt(f, w, xs, i, j, -h)) / (2 * h);
                assertClose(label + ": d/d input " + i + " " + Arrays.toString(xs[i].shape()) + " at flat " + j, fd, g.getFlat(j), tol);
            }
        }
    }

    /** Σ f(xs)·W with element j of input i moved by delta, evaluated without a graph. */
    private static double lossAt(Fn f, NDArray w, NDArray[] xs, int i, int j, double delta) {
        NDArray[] moved = xs.clone();
        moved[i] = xs[i].copy();
        moved[i].setFlat(j, xs[i].getFlat(j) + delta);
        return value(f, w, moved);
    }

    static double value(Fn f, NDArray w, NDArray[] xs) {
        return Autodiff.noGrad(() -> {
            NDArray out = f.apply(constants(xs)).value();
            double s = 0;
            for (int k = 0; k < out.size(); k++) s += out.getFlat(k) * w.getFlat(k);
            return s;
        });
    }

    // ------------------------------------------------------------------ second order

    /**
     * Checks a Hessian-vector product by double backward against central differences of the
     * first-order gradient: for L = Σ f(xs)·W and a random direction v over all inputs,
     * grad(Σᵢ gᵢ·vᵢ, xs) with g = grad(L, xs, createGraph) against (∇L(x + hv) − ∇L(x − hv)) / 2h.
     */
    static void checkHvp(String label, Fn f, long seed, NDArray... xs) {
        checkHvp(label, f, seed, 1e-5, 1e-6, xs);
    }

    static void checkHvp(String label, Fn f, long seed, double h, double tol, NDArray... xs) {
        Random rng = new Random(seed);
        List<Tensor> vars = variables(xs);
        Tensor out = f.apply(vars);
        NDArray w = weights(out.shape(), label.hashCode());
        Tensor loss = out.mul(Tensor.constant(w)).sum();
        List<Tensor> g = Autodiff.grad(loss, vars, true);
        NDArray[] v = new NDArray[xs.length];
        Tensor s = Tensor.scalar(0);
        for (int i = 0; i < xs.length; i++) {
            v[i] = uniform(rng, -1, 1, xs[i].shape());
            s = s.add(g.get(i).mul(Tensor.constant(v[i])).sum());
        }
        // A linear function's gradient does not depend on its inputs: its Hessian is zero.
        List<Tensor> hv = Autodiff.grad(s, vars, false, true);

        NDArray[] plus = new NDArray[xs.length], minus = new NDArray[xs.length];
        for (int i = 0; i < xs.length; i++) {
            plus[i] = xs[i].add(v[i].mul(h));
            minus[i] = xs[i].sub(v[i].mul(h));
        }
        List<Tensor> gp = firstGrad(f, w, plus), gm = firstGrad(f, w, minus);
        for (int i = 0; i < xs.length; i++) {
            NDArray fd = gp.get(i).value().sub(gm.get(i).value()).div(2 * h);
            NDArray a = hv.get(i).value();
            if (!Arrays.equals(a.shape(), xs[i].shape())) {
                throw new AssertionError(label + ": Hessian-vector product for input " + i + " has shape " + Arrays.toString(a.shape()));
            }
            for (int j = 0; j < a.size(); j++) {
                assertClose(label + ": (Hv) of input " + i + " " + Arrays.toString(xs[i].shape()) + " at flat " + j, fd.getFlat(j), a.getFlat(j), tol);
            }
        }
    }

    private static List<Tensor> firstGrad(Fn f, NDArray w, NDArray[] xs) {
        List<Tensor> vars = variables(xs);
        Tensor loss = f.apply(vars).mul(Tensor.constant(w)).sum();
        return Autodiff.grad(loss, vars, false);
    }

    // ------------------------------------------------------------------ existing leaves (module parameters)

    /**
     * {@link #check} for a function of leaves that already exist, such as a module's parameters and
     * an input variable: each leaf's value is moved in place (and put back) for the differences.
     */
    static void checkLeaves(String label, java.util.function.Supplier<Tensor> f, double tol, Tensor... leaves) {
        Tensor out = f.get();
        NDArray w = weights(out.shape(), label.hashCode());
        List<Tensor> grads = Autodiff.grad(out.mul(Tensor.constant(w)).sum(), List.of(leaves), false);
        for (int i = 0; i < leaves.length; i++) {
            NDArray x = leaves[i].value(), g = grads.get(i).value();
            if (!Arrays.equals(g.shape(), x.shape()) || g.dtype() != x.dtype()) {
                throw new AssertionError(label + ": gradient of leaf " + i + " is " + g.dtype() + " " + Arrays.toString(g.shape())
                        + ", the leaf is " + x.dtype() + " " + Arrays.toString(x.shape()));
            }
            for (int j = 0; j < x.size(); j++) {
                double fd = (leafLossAt(f, w, leaves[i], j, H) - leafLossAt(f, w, leaves[i], j, -H)) / (2 * H);
                assertClose(label + ": d/d leaf " + i + " " + Arrays.toString(x.shape()) + " at flat " + j, fd, g.getFlat(j), tol);
            }
        }
    }

    /** {@link #checkHvp} for existing leaves, moved in place (and put back) along a random direction. */
    static void checkHvpLeaves(String label, java.util.function.Supplier<Tensor> f, long seed, double tol, Tensor... leaves) {
        double h = 1e-5;
        Random rng = new Random(seed);
        Tensor out = f.get();
        NDArray w = weights(out.shape(), label.hashCode());
        List<Tensor> ls = List.of(leaves);
        List<Tensor> g = Autodiff.grad(out.mul(Tensor.constant(w)).sum(), ls, true);
        NDArray[] v = new NDArray[leaves.length], x0 = new NDArray[leaves.length];
        Tensor s = Tensor.scalar(0);
        for (int i = 0; i < leaves.length; i++) {
            x0[i] = leaves[i].value();
            v[i] = uniform(rng, -1, 1, x0[i].shape());
            s = s.add(g.get(i).mul(Tensor.constant(v[i])).sum());
        }
        List<Tensor> hv = Autodiff.grad(s, ls, false, true);
        NDArray[] gp = leafGradsAt(f, w, leaves, x0, v, h), gm = leafGradsAt(f, w, leaves, x0, v, -h);
        for (int i = 0; i < leaves.length; i++) {
            NDArray fd = gp[i].sub(gm[i]).div(2 * h), a = hv.get(i).value();
            for (int j = 0; j < a.size(); j++) {
                assertClose(label + ": (Hv) of leaf " + i + " " + Arrays.toString(x0[i].shape()) + " at flat " + j, fd.getFlat(j), a.getFlat(j), tol);
            }
        }
    }

    private static double leafLossAt(java.util.function.Supplier<Tensor> f, NDArray w, Tensor leaf, int j, double delta) {
        NDArray x = leaf.value(), moved = x.copy();
        moved.setFlat(j, x.getFlat(j) + delta);
        leaf.replaceValue(moved);
        try {
            return Autodiff.noGrad(() -> {
                NDArray out = f.get().value();
                double s = 0;
                for (int k = 0; k < out.size(); k++) s += out.getFlat(k) * w.getFlat(k);
                return s;
            });
        } finally {
            leaf.replaceValue(x);
        }
    }

    private static NDArray[] leafGradsAt(java.util.function.Supplier<Tensor> f, NDArray w, Tensor[] leaves, NDArray[] x0, NDArray[] v, double h) {
        for (int i = 0; i < leaves.length; i++) leaves[i].replaceValue(x0[i].add(v[i].mul(h)));
        try {
            List<Tensor> g = Autodiff.grad(f.get().mul(Tensor.constant(w)).sum(), List.of(leaves), false);
            NDArray[] out = new NDArray[leaves.length];
            for (int i = 0; i < leaves.length; i++) out[i] = g.get(i).value();
            return out;
        } finally {
            for (int i = 0; i < leaves.length; i++) leaves[i].replaceValue(x0[i]);
        }
    }

    // ------------------------------------------------------------------ helpers

    static void assertClose(String what, double expected, double actual, double tol) {
        double err = Math.abs(expected - actual);
        if (!(err <= tol + tol * Math.max(Math.abs(expected), Math.abs(actual)))) {
            throw new AssertionError(what + ": expected (finite differences) " + expected + ", autodiff gave " + actual + " (error " + err + ")");
        }
    }

    static List<Tensor> variables(NDArray... xs) {
        List<Tensor> out = new ArrayList<>();
        for (NDArray x : xs) out.add(Tensor.variable(x));
        return out;
    }

    static List<Tensor> constants(NDArray... xs) {
        List<Tensor> out = new ArrayList<>();
        for (NDArray x : xs) out.add(Tensor.constant(x));
        return out;
    }

    /** Fixed pseudo-random weights in [0.5, 1.5] with alternating signs, seeded by the check's label. */
    static NDArray weights(int[] shape, long seed) {
        Random r = new Random(seed);
        NDArray w = NDArray.zeros(DType.F64, shape);
        for (int k = 0; k < w.size(); k++) w.setFlat(k, (r.nextBoolean() ? 1 : -1) * (0.5 + r.nextDouble()));
        return w;
    }

    /** Uniform values in [lo, hi). */
    static NDArray uniform(Random r, double lo, double hi, int... shape) {
        NDArray a = NDArray.zeros(DType.F64, shape);
        for (int k = 0; k < a.size(); k++) a.setFlat(k, lo + (hi - lo) * r.nextDouble());
        return a;
    }

    /** Uniform values in ±[lo, hi): at least lo away from zero (kinks, poles). */
    static NDArray awayFromZero(Random r, double lo, double hi, int... shape) {
        NDArray a = NDArray.zeros(DType.F64, shape);
        for (int k = 0; k < a.size(); k++) a.setFlat(k, (r.nextBoolean() ? 1 : -1) * (lo + (hi - lo) * r.nextDouble()));
        return a;
    }

    /** Distinct values spread at least {@code gap} apart, in random order and random sign (for max/min without ties). */
    static NDArray distinct(Random r, double gap, int... shape) {
        NDArray a = NDArray.zeros(DType.F64, shape);
        int n = a.size();
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < n; k++) order.add(k);
        java.util.Collections.shuffle(order, r);
        for (int k = 0; k < n; k++) a.setFlat(k, (order.get(k) - n / 2.0) * gap + 0.3 * gap * r.nextDouble());
        return a;
    }

    /** A random shape of the given rank, extents in [1, maxExtent]. */
    static int[] shape(Random r, int rank, int maxExtent) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) s[i] = 1 + r.nextInt(maxExtent);
        return s;
    }

    /**
     * A shape that broadcasts with {@code s}: some leading axes dropped, some extents set to 1.
     * Returned in random order with {@code s}, so either side may be the one that broadcasts.
     */
    static int[][] broadcastPair(Random r, int[] s) {
        int drop = r.nextInt(s.length + 1);
        int[] t = Arrays.copyOfRange(s, drop, s.length);
        for (int i = 0; i < t.length; i++) if (r.nextInt(3) == 0) t[i] = 1;
        // one side may also have 1s where the other has full extents
        int[] u = s.clone();
        for (int i = 0; i < u.length; i++) {
            int ti = i - drop;
            if (ti >= 0 && t[ti] != 1 && r.nextInt(4) == 0) u[i] = 1;
        }
        return r.nextBoolean() ? new int[][] {u, t} : new int[][] {t, u};
    }
}
