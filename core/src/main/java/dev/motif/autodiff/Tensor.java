package dev.motif.autodiff;

import dev.motif.array.Convolution;
import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.array.Pooling;
import dev.motif.array.Shapes;
import dev.motif.array.SpecialFunctions;
import dev.motif.array.Windows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An {@link NDArray} value plus the node of the graph that produced it.
 *
 * <p>Every differentiable op records a node when gradient recording is on (see
 * {@link Autodiff#noGrad}) and at least one input requires a gradient. A node's backward rule is
 * written with Tensor ops, so the gradients it returns are themselves differentiable:
 * {@code Autodiff.grad(y, xs, true)} gives tensors that can be differentiated again.
 *
 * <p>Only a handful of ops carry a hand-written backward rule (add, mul, div, neg, exp, log,
 * sin, cos, ..., sum, broadcast, matmul, reshape, permute, indexSelect, scatterAdd, concat, im2col/col2im,
 * conv2d and its two gradients);
 * the rest (sub, mean, variance, logsumexp, gelu, stack, slice, pad, ...) are compositions and
 * differentiate through them.
 *
 * <p>Dtypes follow PyTorch's rule for floating types: an elementwise op between an F32 and an
 * F64 tensor (add, sub, mul, div, pow, maximum, minimum, where, comparisons, concat and stack)
 * computes in F64, converting the F32 operand with a recorded {@link #to}, so each input's
 * gradient comes back in its own dtype. Where PyTorch refuses mixed dtypes, so does Motif: a
 * matrix product, a convolution or a scatterAdd of F32 with F64 is an error naming the op and
 * both dtypes, to be converted with {@code to()}. Scalars given as {@code double} take the
 * tensor's dtype. An I32 tensor holds indices and labels (for {@link #gather} and the shape
 * ops); it never requires a gradient, and arithmetic refuses it.
 *
 * <pre>{@code
 * Tensor x = Tensor.variable(NDArray.vector(1, 2, 3));
 * Tensor y = x.mul(x).sum();                         // y = Σ x²
 * Tensor g = Autodiff.grad(y, x, true);              // 2x, with a graph
 * Tensor h = Autodiff.grad(g.sum(), x, false);       // Σ ∂(2x)/∂x = [2, 2, 2]
 * }</pre>
 */
public class Tensor {
    private NDArray value;
    /** What {@link #version} adds to the value's own count, so that replacing the value counts one change. */
    private int versionBase;
    private final boolean requiresGrad;
    final Node node;
    /** Accumulated gradient of a leaf after {@link #backward()}; null until then. */
    NDArray grad;

    protected Tensor(NDArray value, boolean requiresGrad) {
        this(value, requiresGrad, null);
    }

    Tensor(NDArray value, boolean requiresGrad, Node node) {
        if (value == null) throw new IllegalArgumentException("Tensor value must not be null");
        if (requiresGrad && !value.dtype().isFloat()) {
            throw new IllegalArgumentException("an " + value.dtype() + " tensor " + Shapes.str(value.shape())
                    + " holds indices and takes no gradient; make it a constant");
        }
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.node = node;
    }

    /** A leaf that takes no gradient: data, targets, masks. */
    public static Tensor constant(NDArray value) {
        return new Tensor(value, false);
    }

    /** A leaf that takes a gradient (for parameters of a model use {@code dev.motif.nn.Parameter}). */
    public static Tensor variable(NDArray value) {
        return new Tensor(value, true);
    }

    /** A rank-0 F64 constant. */
    public static Tensor scalar(double v) {
        return constant(NDArray.scalar(v));
    }

    // ---------------------------------------------------------------- accessors

    public NDArray value() {
        return value;
    }

    /**
     * Replaces a leaf's value; for parameters (optimizers, checkpoints) only. Counts as an in-place
     * change: a graph recorded with the old value can no longer be differentiated (see {@link #version}).
     */
    protected void replaceValue(NDArray v) {
        if (node != null) throw new IllegalStateException("only a leaf tensor's value can be replaced");
        int before = version();
        this.value = v;
        this.versionBase = before + 1 - v.version();
    }

    /**
     * How many in-place changes this tensor's value has seen: a replaced value
     * ({@code Parameter.set}) and a change of the array itself ({@link NDArray#assign},
     * {@link NDArray#bumpVersion}, as an optimizer step does) count one each. Every recorded op
     * keeps its inputs' versions, and backward fails, naming the tensor and the op, when one has
     * changed since: its backward rule would otherwise silently use the new value (as PyTorch
     * refuses a tensor "modified by an inplace operation").
     */
    public int version() {
        return versionBase + value.version();
    }

    /**
     * What this tensor is, for error messages: its role, dtype and shape, such as
     * {@code "the output of mul, F64 [2, 3]"}; a subclass with a name (a parameter) says it.
     */
    public String describe() {
        String what = node != null ? "the output of " + node.op : requiresGrad() ? "a leaf" : "a constant";
        return what + ", " + value.dtype() + " " + Shapes.str(value.shape());
    }

    /**
     * Whether gradients flow to this tensor: true for a variable and for anything computed from
     * one while recording, false for constants. A frozen {@code Parameter} answers false, so ops
     * record nothing for it and backward leaves it alone.
     */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Whether this tensor was computed by a recorded op (false for leaves). */
    public boolean hasGraph() {
        return node != null;
    }

    /** The name of the op that produced this tensor, or {@code "leaf"}. */
    public String op() {
        return node == null ? "leaf" : node.op;
    }

    /** The gradient accumulated by {@link #backward()} into this leaf, or null. */
    public NDArray grad() {
        return grad;
    }

    /** Forgets the accumulated gradient. */
    public void zeroGrad() {
        grad = null;
    }

    /** Adds to the accumulated gradient (how {@link #backward()} delivers it). */
    protected void accumulateGrad(NDArray g) {
        grad = grad == null ? g.copy() : grad.add(g);
    }

    public int[] shape() {
        return value.shape();
    }

    public int shape(int axis) {
        return value.shape(axis);
    }

    public int rank() {
        return value.rank();
    }

    public int size() {
        return value.size();
    }

    public DType dtype() {
        return value.dtype();
    }

    /** The single value of a one-element tensor. */
    public double item() {
        return value.item();
    }

    /** The same value, cut from the graph. */
    public Tensor detach() {
        return constant(value);
    }

    /** Backpropagates from this scalar into the {@code grad} of every leaf that requires one. */
    public void backward() {
        Autodiff.backward(this);
    }

    @Override
    public String toString() {
        return "Tensor(" + value + (node != null ? ", op=" + node.op : requiresGrad() ? ", leaf" : "") + ")";
    }

    // ---------------------------------------------------------------- recording

    /** Records {@code out} as produced by {@code op} from {@code inputs} (or returns a constant when nothing needs a gradient). */
    static Tensor record(String op, NDArray out, Node.Backward backward, Tensor... inputs) {
        if (Autodiff.anomalyDetection()) Autodiff.checkFinite(op, out, inputs);
        Tensor result = recorded(op, out, backward, inputs);
        if (Autodiff.observing()) Autodiff.observed(op, inputs, result);
        return result;
    }

    private static Tensor recorded(String op, NDArray out, Node.Backward backward, Tensor... inputs) {
        if (!Autodiff.isGradEnabled()) return new Tensor(out, false);
        boolean needs = false;
        for (Tensor t : inputs) needs |= t.requiresGrad();
        if (!needs) return new Tensor(out, false);
        return new Tensor(out, true, new Node(op, inputs, backward));
    }

    private Tensor constLike(double v) {
        return constant(NDArray.scalar(value.dtype(), v));
    }

    /**
     * Whether a and b are F32 and F64: an elementwise op then converts the F32 one with a recorded
     * {@link #to}, so that the op runs in F64 and that operand's gradient comes back in F32.
     */
    private static boolean mixedFloats(Tensor a, Tensor b) {
        return a.dtype() != b.dtype() && DType.promote(a.dtype(), b.dtype()) != null;
    }

    private static void sameDtype(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtypes " + a.dtype() + " and " + b.dtype() + " differ (shapes "
                    + Shapes.str(a.value.shape()) + " and " + Shapes.str(b.value.shape()) + "); convert one with to()");
        }
    }

    // ---------------------------------------------------------------- primitives with backward rules

    public Tensor add(Tensor o) {
        if (mixedFloats(this, o)) return to(DType.F64).add(o.to(DType.F64));
        Tensor a = this;
        return record("add", value.add(o.value), g -> new Tensor[] {g.sumTo(a.shape()), g.sumTo(o.shape())}, a, o);
    }

    public Tensor mul(Tensor o) {
        if (mixedFloats(this, o)) return to(DType.F64).mul(o.to(DType.F64));
        Tensor a = this;
        return record("mul", value.mul(o.value), g -> new Tensor[] {
                a.requiresGrad() ? g.mul(o).sumTo(a.shape()) : null,
                o.requiresGrad() ? g.mul(a).sumTo(o.shape()) : null}, a, o);
    }

    public Tensor div(Tensor o) {
        if (mixedFloats(this, o)) return to(DType.F64).div(o.to(DType.F64));
        Tensor a = this;
        return record("div", value.div(o.value), g -> {
            Tensor ga = g.div(o);
            return new Tensor[] {ga.sumTo(a.shape()), ga.mul(a).div(o).neg().sumTo(o.shape())};
        }, a, o);
    }

    public Tensor neg() {
        return record("neg", value.neg(), g -> new Tensor[] {g.neg()}, this);
    }

    /** x^p for a constant exponent. */
    public Tensor pow(double p) {
        Tensor a = this;
        if (p == 1) return this;
        if (p == 2) return mul(this);
        // p·x^(p−1) would be 0·∞ = NaN at x = 0; x⁰ is constant, so its derivative is 0 everywhere.
        if (p == 0) return record("pow", value.pow(0.0), g -> new Tensor[] {g.mul(0.0)}, a);
        return record("pow", value.pow(p), g -> new Tensor[] {g.mul(a.pow(p - 1).mul(p))}, a);
    }

    /**
     * x^y elementwise with broadcasting; the gradient in y uses log x (so x must be positive where
     * it matters). At a zero base it follows PyTorch: d/dx is 0 where y = 0, and d/dy is 0 where
     * y >= 0 (0^y is constant there).
     */
    public Tensor pow(Tensor y) {
        if (mixedFloats(this, y)) return to(DType.F64).pow(y.to(DType.F64));
        sameDtype("pow", this, y);
        Tensor a = this;
        NDArray out = value.pow(y.value);
        Tensor[] self = new Tensor[1];
        self[0] = record("pow", out, g -> new Tensor[] {
                a.requiresGrad() ? g.mul(y).mul(baseOneWhere(a, a.value.eq(0.0).mul(y.value.eq(0.0))).pow(y.sub(1.0))).sumTo(a.shape()) : null,
                y.requiresGrad() ? g.mul(self[0]).mul(baseOneWhere(a, a.value.eq(0.0).mul(y.value.ge(0.0))).log()).sumTo(y.shape()) : null},
                a, y);
        return self[0];
    }

    /**
     * {@code a} with 1 substituted where {@code mask} is set: evaluating y·x^(y−1) or log x there
     * would give 0·∞ = NaN where the true derivative is 0. With a substituted constant every higher
     * derivative stays finite too (a masked where after the fact would still send 0·∞ back). The
     * mask must hold only where the base is 0: elsewhere the substitution would drop the base's
     * part of the higher derivatives (∂²/∂x∂y of x^y at y = 0 is 1/x, not 1).
     */
    private static Tensor baseOneWhere(Tensor a, NDArray mask) {
        if (mask.sum().item() == 0) return a;
        return where(mask, a.constLike(1), a);
    }

    public Tensor exp() {
        Tensor a = this;
        Tensor[] self = new Tensor[1];
        self[0] = record("exp", value.exp(), g -> new Tensor[] {g.mul(self[0])}, a);
        return self[0];
    }

    public Tensor log() {
        Tensor a = this;
        return record("log", value.log(), g -> new Tensor[] {g.div(a)}, a);
    }

    public Tensor log1p() {
        Tensor a = this;
        return record("log1p", value.log1p(), g -> new Tensor[] {g.div(a.add(1.0))}, a);
    }

    public Tensor sqrt() {
        Tensor[] self = new Tensor[1];
        self[0] = record("sqrt", value.sqrt(), g -> new Tensor[] {g.div(self[0].mul(2.0))}, this);
        return self[0];
    }

    public Tensor sin() {
        Tensor a = this;
        return record("sin", value.sin(), g -> new Tensor[] {g.mul(a.cos())}, a);
    }

    public Tensor cos() {
        Tensor a = this;
        return record("cos", value.cos(), g -> new Tensor[] {g.mul(a.sin()).neg()}, a);
    }

    public Tensor tanh() {
        Tensor[] self = new Tensor[1];
        self[0] = record("tanh", value.tanh(), g -> new Tensor[] {g.mul(self[0].mul(self[0]).neg().add(1.0))}, this);
        return self[0];
    }

    public Tensor sigmoid() {
        Tensor[] self = new Tensor[1];
        self[0] = record("sigmoid", value.sigmoid(), g -> new Tensor[] {g.mul(self[0].mul(self[0].neg().add(1.0)))}, this);
        return self[0];
    }

    /** max(x, 0); the gradient at exactly 0 is 0, as in PyTorch. */
    public Tensor relu() {
        Tensor a = this;
        return record("relu", value.relu(), g -> new Tensor[] {reluGrad(g, a.value)}, a);
    }

    /**
     * g where x > 0, else 0: ReLU's backward rule as one op (one pass, no mask array). Linear in
     * g, so its own backward rule is itself with the same x.
     */
    private static Tensor reluGrad(Tensor g, NDArray x) {
        return record("reluGrad", g.value.wherePositive(x), gg -> new Tensor[] {reluGrad(gg, x)}, g);
    }

    /** log(1 + eˣ), computed without overflow. */
    public Tensor softplus() {
        Tensor a = this;
        return record("softplus", value.softplus(), g -> new Tensor[] {g.mul(a.sigmoid())}, a);
    }

    public Tensor abs() {
        Tensor a = this;
        return record("abs", value.abs(), g -> new Tensor[] {g.mul(constant(a.value.sign()))}, a);
    }

    /** Φ(x), the standard normal distribution function. */
    public Tensor normalCdf() {
        Tensor a = this;
        return record("normalCdf", value.map(NDArray.Unary.NORMAL_CDF),
                g -> new Tensor[] {g.mul(a.mul(a).mul(-0.5).exp().mul(SpecialFunctions.INV_SQRT_2PI))}, a);
    }

    /** The error function. */
    public Tensor erf() {
        Tensor a = this;
        return record("erf", value.map(NDArray.Unary.ERF),
                g -> new Tensor[] {g.mul(a.mul(a).neg().exp().mul(2 / Math.sqrt(Math.PI)))}, a);
    }

    /** Elementwise choice with a constant condition (non-zero takes {@code a}); all three broadcast. */
    public static Tensor where(NDArray cond, Tensor a, Tensor b) {
        if (mixedFloats(a, b)) return where(cond, a.to(DType.F64), b.to(DType.F64));
        sameDtype("where", a, b);
        NDArray c = cond;
        return record("where", NDArray.where(c, a.value, b.value), g -> {
            Tensor zero = constant(NDArray.zeros(g.dtype()));
            return new Tensor[] {where(c, g, zero).sumTo(a.shape()), where(c, zero, g).sumTo(b.shape())};
        }, a, b);
    }

    /** Repeats along broadcast axes to the given shape. */
    public Tensor broadcastTo(int... shape) {
        if (Arrays.equals(value.shape(), shape)) return this;
        Tensor a = this;
        return record("broadcastTo", value.broadcastTo(shape), g -> new Tensor[] {g.sumTo(a.shape())}, a);
    }

    /** Sums down to a shape this one broadcasts from (the adjoint of {@link #broadcastTo}). */
    public Tensor sumTo(int... shape) {
        if (Arrays.equals(value.shape(), shape)) return this;
        Tensor a = this;
        return record("sumTo", value.sumTo(shape), g -> new Tensor[] {g.broadcastTo(a.shape())}, a);
    }

    /** Sum over the axes (all axes when none are given). */
    public Tensor sum(int[] axes, boolean keepDims) {
        Tensor a = this;
        int[] ax = Shapes.axes("sum", axes, rank());
        int[] keep = keptShape(ax);
        return record("sum", value.sum(ax, keepDims), g -> new Tensor[] {g.reshape(keep).broadcastTo(a.shape())}, a);
    }

    /** Sum of every element. */
    public Tensor sum() {
        return sum(null, false);
    }

    /** Maximum over the axes; the gradient goes to the maximal elements, split evenly between ties. */
    public Tensor max(int[] axes, boolean keepDims) {
        return extremum("max", axes, keepDims);
    }

    /** Minimum over the axes; the gradient goes to the minimal elements, split evenly between ties. */
    public Tensor min(int[] axes, boolean keepDims) {
        return extremum("min", axes, keepDims);
    }

    private Tensor extremum(String op, int[] axes, boolean keepDims) {
        Tensor a = this;
        int[] ax = Shapes.axes(op, axes, rank());
        NDArray kept = op.equals("max") ? value.max(ax, true) : value.min(ax, true);
        int[] keep = kept.shape();
        NDArray out = keepDims ? kept : kept.reshape(dropped(ax));
        return record(op, out, g -> {
            NDArray hit = a.value.eq(kept);
            Tensor share = constant(hit.div(hit.sum(ax, true)));
            return new Tensor[] {g.reshape(keep).mul(share)};
        }, a);
    }

    /** Matrix product (NumPy semantics: 1-D operands promoted, batch axes broadcast). */
    public Tensor matmul(Tensor o) {
        sameDtype("matmul", this, o);
        if (rank() == 1 || o.rank() == 1) {
            // Check (and find the result's shape) on the operands as given, so a shape error names
            // [k], not the promoted [1, k].
            if (rank() == 0 || o.rank() == 0) value.matmul(o.value); // throws the kernel's rank error
            int[] outShape = matmulShape(shape(), o.shape());
            Tensor x = rank() == 1 ? reshape(1, size()) : this;
            Tensor y = o.rank() == 1 ? o.reshape(o.size(), 1) : o;
            return x.matmul(y).reshape(outShape);
        }
        return matmul(o, false, false);
    }

    /**
     * op(this)·op(o) for operands of rank >= 2, where op transposes the last two axes when its
     * flag is set; the transposed operand is read in place, so {@code x.matmul(w, false, true)} is
     * {@code x.matmul(w.mT())} without the copy. The gradients are products of the same kind, so
     * a backward pass copies no operand either.
     */
    public Tensor matmul(Tensor o, boolean transposeThis, boolean transposeOther) {
        sameDtype("matmul", this, o);
        Tensor a = this;
        boolean ta = transposeThis, tb = transposeOther;
        // C = op(A)·op(B): for each of the four cases, dA and dB in the stored layouts of A and B.
        return record("matmul", value.matmul(o.value, ta, tb), g -> new Tensor[] {
                a.requiresGrad() ? (ta ? (tb ? o.matmul(g, true, true) : o.matmul(g, false, true))
                                     : (tb ? g.matmul(o, false, false) : g.matmul(o, false, true))).sumTo(a.shape()) : null,
                o.requiresGrad() ? (tb ? (ta ? g.matmul(a, true, true) : g.matmul(a, true, false))
                                     : (ta ? a.matmul(g, false, false) : a.matmul(g, true, false))).sumTo(o.shape()) : null}, a, o);
    }

    /** The same values with another shape (one extent may be -1). */
    public Tensor reshape(int... shape) {
        Tensor a = this;
        NDArray out = value.reshape(shape);
        if (Arrays.equals(out.shape(), value.shape())) return this;
        return record("reshape", out, g -> new Tensor[] {g.reshape(a.shape())}, a);
    }

    /** Reorders axes: output axis i is input axis {@code perm[i]}. */
    public Tensor permute(int... perm) {
        NDArray out = value.permute(perm);
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inv[Shapes.axis("permute", perm[i], perm.length)] = i;
        return record("permute", out, g -> new Tensor[] {g.permute(inv)}, this);
    }

    /** The slices at {@code indices} along an axis (indices may repeat: an embedding lookup). */
    public Tensor indexSelect(int axis, int[] indices) {
        int ax = Shapes.axis("indexSelect", axis, rank());
        int n = shape(ax);
        return record("indexSelect", value.indexSelect(ax, indices), g -> new Tensor[] {g.scatterAdd(ax, indices, n)}, this);
    }

    /** Adds slice k at position {@code indices[k]} of a zero tensor with extent n along the axis. */
    public Tensor scatterAdd(int axis, int[] indices, int n) {
        int ax = Shapes.axis("scatterAdd", axis, rank());
        return record("scatterAdd", value.scatterAdd(ax, indices, n), g -> new Tensor[] {g.indexSelect(ax, indices)}, this);
    }

    /**
     * Picks along {@code axis} by an I32 index tensor of the same rank (PyTorch's
     * {@code torch.gather}): for axis 1, {@code out[i][j] = x[i][index[i][j]]}, shaped as the index.
     * Its gradient scatters back with {@link #scatterAdd(int, Tensor, Tensor)}, and that one's
     * gradient is this gather again, so it differentiates to any order.
     *
     * <pre>{@code
     * Tensor picked = logProbs.gather(1, labels.unsqueeze(1));   // (N, C) and I32 (N, 1) -> (N, 1)
     * }</pre>
     */
    public Tensor gather(int axis, Tensor index) {
        int ax = Shapes.axis("gather", axis, rank());
        int[] in = shape();
        DType dt = dtype();
        return record("gather", value.gather(ax, index.value), g -> new Tensor[] {
                constant(NDArray.zeros(dt, in)).scatterAdd(ax, index, g), null}, this, index);
    }

    /**
     * This tensor plus {@code src} scattered along {@code axis} by an I32 index (PyTorch's
     * out-of-place {@code scatter_add}): for axis 0, {@code out[index[i][j]][j] += src[i][j]},
     * repeats summed. Differentiable in this tensor (the gradient passes) and in {@code src} (the
     * gradient gathered back, zero where src is larger than the index).
     */
    public Tensor scatterAdd(int axis, Tensor index, Tensor src) {
        int ax = Shapes.axis("scatterAdd", axis, rank());
        int[] srcShape = src.shape();
        return record("scatterAdd", value.scatterAdd(ax, index.value, src.value), g -> new Tensor[] {
                g, null, src.requiresGrad() ? g.gather(ax, index).padTo(srcShape) : null}, this, index, src);
    }

    /** This tensor padded with zeros at the end of each axis up to {@code target}. */
    private Tensor padTo(int[] target) {
        int[] s = shape();
        if (Arrays.equals(s, target)) return this;
        int[][] widths = new int[s.length][];
        for (int i = 0; i < s.length; i++) widths[i] = new int[] {0, target[i] - s[i]};
        return pad(widths, 0);
    }

    /** Joins tensors along an existing axis. */
    public static Tensor concat(int axis, Tensor... parts) {
        for (Tensor p : parts) {
            if (mixedFloats(p, parts[0])) { // as torch.cat: F32 with F64 joins in F64
                Tensor[] wide = new Tensor[parts.length];
                for (int i = 0; i < parts.length; i++) wide[i] = parts[i].to(DType.F64);
                return concat(axis, wide);
            }
        }
        NDArray[] vals = new NDArray[parts.length];
        for (int i = 0; i < parts.length; i++) vals[i] = parts[i].value;
        NDArray out = NDArray.concat(axis, vals);
        int ax = Shapes.axis("concat", axis, out.rank());
        return record("concat", out, g -> {
            Tensor[] gs = new Tensor[parts.length];
            int start = 0;
            for (int i = 0; i < parts.length; i++) {
                int len = parts[i].shape(ax);
                gs[i] = g.slice(ax, start, start + len, 1);
                start += len;
            }
            return gs;
        }, parts);
    }

    /**
     * Sliding 2-D windows as columns: (N, C, H, W) to (N, C·kh·kw, outH·outW), as PyTorch's
     * unfold. A convolution is this followed by one matrix product with the kernel; the
     * gradient is {@link #col2im2d}, which sums what every window position sends back.
     */
    public Tensor im2col2d(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
        NDArray out = Windows.im2col2d(value, kh, kw, sh, sw, ph, pw, dh, dw); // validates the rank first
        int h = shape(2), w = shape(3);
        return record("im2col2d", out,
                g -> new Tensor[] {g.col2im2d(h, w, kh, kw, sh, sw, ph, pw, dh, dw)}, this);
    }

    /** The adjoint of {@link #im2col2d}: columns back to an (N, C, h, w) image, overlaps summed. */
    public Tensor col2im2d(int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
        return record("col2im2d", Windows.col2im2d(value, h, w, kh, kw, sh, sw, ph, pw, dh, dw),
                g -> new Tensor[] {g.im2col2d(kh, kw, sh, sw, ph, pw, dh, dw)}, this);
    }

    /** Sliding 1-D windows as columns: (N, C, L) to (N, C·k, outL). */
    public Tensor im2col1d(int k, int stride, int padding, int dilation) {
        NDArray out = Windows.im2col1d(value, k, stride, padding, dilation);
        int len = shape(2);
        return record("im2col1d", out,
                g -> new Tensor[] {g.col2im1d(len, k, stride, padding, dilation)}, this);
    }

    /** The adjoint of {@link #im2col1d}. */
    public Tensor col2im1d(int length, int k, int stride, int padding, int dilation) {
        return record("col2im1d", Windows.col2im1d(value, length, k, stride, padding, dilation),
                g -> new Tensor[] {g.im2col1d(k, stride, padding, dilation)}, this);
    }

    /**
     * 2-D convolution (cross-correlation, as PyTorch's {@code conv2d}) of this (N, C, H, W) input
     * with a kernel (O, C/groups, kh, kw), zero padding the same on both sides of an axis. Computed
     * one image at a time ({@link Convolution}), without unfolding the whole batch; its gradients
     * are {@link #conv2dInputGrad} and {@link #conv2dWeightGrad}, ops of the same family, so it
     * differentiates to any order.
     */
    public Tensor conv2d(Tensor w, int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        sameDtype("conv2d", this, w);
        Tensor x = this;
        NDArray out = Convolution.conv2d(value, w.value, sh, sw, ph, pw, dh, dw, groups);
        int h = shape(2), wd = shape(3), kh = w.shape(2), kw = w.shape(3);
        return record("conv2d", out, g -> new Tensor[] {
                x.requiresGrad() ? conv2dInputGrad(g, w, h, wd, sh, sw, ph, pw, dh, dw, groups) : null,
                w.requiresGrad() ? conv2dWeightGrad(x, g, kh, kw, sh, sw, ph, pw, dh, dw, groups) : null}, x, w);
    }

    /** The gradient of {@link #conv2d} in its input: {@code gy} (N, O, outH, outW) back to (N, C, h, wd) (a transposed convolution). */
    public static Tensor conv2dInputGrad(Tensor gy, Tensor w, int h, int wd, int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        sameDtype("conv2dInputGrad", gy, w);
        NDArray out = Convolution.conv2dInputGrad(gy.value, w.value, h, wd, sh, sw, ph, pw, dh, dw, groups);
        int kh = w.shape(2), kw = w.shape(3);
        // Linear in gy and in w: <ḡ, inputGrad(gy, w)> = <conv2d(ḡ, w), gy> = <weightGrad(ḡ, gy), w>.
        return record("conv2dInputGrad", out, g -> new Tensor[] {
                gy.requiresGrad() ? g.conv2d(w, sh, sw, ph, pw, dh, dw, groups) : null,
                w.requiresGrad() ? conv2dWeightGrad(g, gy, kh, kw, sh, sw, ph, pw, dh, dw, groups) : null}, gy, w);
    }

    /** The gradient of {@link #conv2d} in its kernel: (O, C/groups, kh, kw), summed over images and positions. */
    public static Tensor conv2dWeightGrad(Tensor x, Tensor gy, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        sameDtype("conv2dWeightGrad", x, gy);
        NDArray out = Convolution.conv2dWeightGrad(x.value, gy.value, kh, kw, sh, sw, ph, pw, dh, dw, groups);
        int h = x.shape(2), wd = x.shape(3);
        // <ḡ, weightGrad(x, gy)> = <inputGrad(gy, ḡ), x> = <conv2d(x, ḡ), gy>.
        return record("conv2dWeightGrad", out, g -> new Tensor[] {
                x.requiresGrad() ? conv2dInputGrad(gy, g, h, wd, sh, sw, ph, pw, dh, dw, groups) : null,
                gy.requiresGrad() ? x.conv2d(g, sh, sw, ph, pw, dh, dw, groups) : null}, x, gy);
    }

    /**
     * Converts to another dtype; the gradient converts back. To I32 (indices: every value whole) the
     * result is a constant, as PyTorch's {@code .long()}: nothing differentiable flows through an index.
     */
    public Tensor to(DType dtype) {
        if (dtype == dtype()) return this;
        if (!dtype.isFloat()) return constant(value.to(dtype));
        DType from = dtype();
        return record("to" + dtype, value.to(dtype), g -> new Tensor[] {g.to(from)}, this);
    }

    // ---------------------------------------------------------------- compositions

    public Tensor sub(Tensor o) {
        return add(o.neg());
    }

    public Tensor add(double s) {
        return add(constLike(s));
    }

    public Tensor sub(double s) {
        return add(constLike(-s));
    }

    public Tensor mul(double s) {
        return mul(constLike(s));
    }

    public Tensor div(double s) {
        return mul(constLike(1 / s));
    }

    public Tensor square() {
        return mul(this);
    }

    /** 1/x. */
    public Tensor reciprocal() {
        return rdiv(1);
    }

    /**
     * {@code s − x}, the scalar on the left (PyTorch's {@code rsub}, what {@code 1 - x} is in
     * Python): {@code x.rsub(1.0)}. Chosen over a static form so it chains like {@code sub}.
     */
    public Tensor rsub(double s) {
        return constLike(s).sub(this);
    }

    /** {@code s / x}, the scalar on the left (what {@code 2 / x} is in Python): {@code x.rdiv(2.0)}. */
    public Tensor rdiv(double s) {
        return constLike(s).div(this);
    }

    /**
     * Elements below {@code min} raised to it and above {@code max} lowered to it (PyTorch's
     * {@code clamp}); a null bound leaves that side open, but one must be given. The gradient is 1
     * where {@code min <= x <= max}, the bounds included, and 0 outside, as PyTorch's.
     *
     * <pre>{@code
     * Tensor p = logits.sigmoid().clamp(1e-6, 1 - 1e-6);   // away from 0 and 1 before a log
     * }</pre>
     */
    public Tensor clamp(Double min, Double max) {
        if (min == null && max == null) throw new IllegalArgumentException("clamp: give min, max or both (both were null)");
        double lo = min == null ? Double.NEGATIVE_INFINITY : min, hi = max == null ? Double.POSITIVE_INFINITY : max;
        Tensor a = this;
        return record("clamp", value.clamp(lo, hi), g -> {
            NDArray inside = a.value.ge(lo).mul(a.value.le(hi));
            return new Tensor[] {where(inside, g, constant(NDArray.zeros(g.dtype())))};
        }, a);
    }

    /** {@code clamp(min, null)}: max(x, min). */
    public Tensor clampMin(double min) {
        return clamp(min, null);
    }

    /** {@code clamp(null, max)}: min(x, max). */
    public Tensor clampMax(double max) {
        return clamp(null, max);
    }

    /** GELU in its exact form x·Φ(x), as PyTorch's default. */
    public Tensor gelu() {
        return mul(normalCdf());
    }

    /** Elementwise maximum; ties send half the gradient to each side (as PyTorch). */
    public Tensor maximum(Tensor o) {
        return choose(value.gt(o.value), value.eq(o.value), o);
    }

    /** Elementwise minimum; ties send half the gradient to each side (as PyTorch). */
    public Tensor minimum(Tensor o) {
        return choose(value.lt(o.value), value.eq(o.value), o);
    }

    private Tensor choose(NDArray wins, NDArray ties, Tensor o) {
        if (mixedFloats(this, o)) return to(DType.F64).choose(wins, ties, o.to(DType.F64));
        sameDtype("maximum/minimum", this, o);
        NDArray w = wins.add(ties.mul(0.5)); // 1 where this wins, 1/2 on ties, 0 where o wins
        Tensor wa = constant(w);
        Tensor wb = constant(w.neg().add(1.0));
        return mul(wa).add(o.mul(wb));
    }

    public Tensor mean(int[] axes, boolean keepDims) {
        int[] ax = Shapes.axes("mean", axes, rank());
        long count = 1;
        for (int a : ax) count *= shape(a);
        return sum(ax, keepDims).div((double) count);
    }

    public Tensor mean() {
        return mean(null, false);
    }

    /** Variance with the given correction (0: population, 1: sample). */
    public Tensor variance(int[] axes, boolean keepDims, int correction) {
        int[] ax = Shapes.axes("variance", axes, rank());
        long count = 1;
        for (int a : ax) count *= shape(a);
        Tensor dev = sub(mean(ax, true));
        return dev.mul(dev).sum(ax, keepDims).div((double) Math.max(count - correction, 0));
    }

    /** log Σ exp over the axes, stable for large values; its gradient is the softmax. */
    public Tensor logsumexp(int[] axes, boolean keepDims) {
        int[] ax = Shapes.axes("logsumexp", axes, rank());
        NDArray m = value.max(ax, true);
        Tensor shift = constant(NDArray.where(m.abs().lt(Double.POSITIVE_INFINITY), m, NDArray.zeros(dtype())));
        Tensor s = sub(shift).exp().sum(ax, true).log().add(shift);
        return keepDims ? s : s.reshape(dropped(ax));
    }

    /**
     * The p-norm (Σ|x|^p)^(1/p) over {@code axes} (all when null or empty), as PyTorch's
     * {@code linalg.vector_norm}: p = 2 (Euclidean), 1, {@code Double.POSITIVE_INFINITY} (max |x|),
     * 0 (the count of non-zeros, gradient 0) or any other positive p.
     *
     * <p>Where the norm is not differentiable its gradient is PyTorch's: 0 where the whole norm is 0
     * (p >= 1), 0 at a zero element (sign(0) = 0, also for p < 1 where the true derivative is
     * infinite), and the infinity norm's gradient split evenly between the elements tied for the max.
     *
     * <pre>{@code
     * Tensor rows = x.norm(2, new int[] {1}, true);   // (N, D) -> (N, 1)
     * Tensor unit = x.div(rows.clampMin(1e-12));
     * }</pre>
     */
    public Tensor norm(double p, int[] axes, boolean keepDims) {
        if (!(p >= 0)) throw new IllegalArgumentException("norm: p must be >= 0 or infinity, got " + p);
        int[] ax = Shapes.axes("norm", axes, rank());
        if (p == 1) return abs().sum(ax, keepDims);
        if (p == Double.POSITIVE_INFINITY) return abs().max(ax, keepDims);
        int[] keep = keptShape(ax), in = shape();
        if (p == 0) {
            return record("norm", value.ne(NDArray.zeros(dtype())).sum(ax, keepDims), g -> new Tensor[] {g.mul(0.0).reshape(keep).broadcastTo(in)}, this);
        }
        NDArray n = p == 2 ? value.mul(value).sum(ax, true).sqrt() : value.abs().pow(p).sum(ax, true).pow(1 / p);
        Tensor a = this;
        Tensor[] self = new Tensor[1];
        self[0] = record("norm", keepDims ? n : n.reshape(dropped(ax)), g -> {
            // d‖x‖/dx = sgn(x)·|x|^(p−1) / ‖x‖^(p−1). A zero norm is replaced by 1 (x is all zeros there,
            // so the gradient is 0, as PyTorch's), and a zero element's base by 1 (sgn(0) = 0 makes it 0),
            // so that no 0·∞ reaches this or any higher derivative.
            NDArray zeroNorm = n.eq(0.0);
            Tensor norm = where(zeroNorm, constLike(1), self[0].reshape(keep));
            if (p == 2) return new Tensor[] {a.mul(g.reshape(keep).div(norm))};
            Tensor base = where(a.value.eq(0.0), constLike(1), a.abs());
            Tensor direction = constant(a.value.sign()).mul(base.pow(p - 1));
            return new Tensor[] {direction.mul(g.reshape(keep).div(norm.pow(p - 1)))};
        }, a);
        return self[0];
    }

    /** The Euclidean norm of all elements, a scalar. */
    public Tensor norm() {
        return norm(2, null, false);
    }

    /** Softmax along one axis. */
    public Tensor softmax(int axis) {
        return logSoftmax(axis).exp();
    }

    /** log-softmax along one axis, stable for large logits. */
    public Tensor logSoftmax(int axis) {
        return sub(logsumexp(new int[] {axis}, true));
    }

    /** Swaps two axes. */
    public Tensor transpose(int a, int b) {
        return permute(Shapes.swap("transpose", rank(), a, b));
    }

    /** Swaps the last two axes. */
    public Tensor mT() {
        if (rank() < 2) throw new IllegalArgumentException("mT: needs rank >= 2, got shape " + Shapes.str(shape()));
        return transpose(-1, -2);
    }

    /** Elements start, start+step, ... below end along an axis. */
    public Tensor slice(int axis, int start, int end, int step) {
        int ax = Shapes.axis("slice", axis, rank());
        int n = shape(ax);
        int s = start < 0 ? start + n : start, e = end < 0 ? end + n : end;
        if (step <= 0 || s < 0 || s > n || e < s || e > n) {
            throw new IllegalArgumentException("slice: [" + start + ", " + end + ") step " + step + " is not within axis " + ax + " of shape " + Shapes.str(shape()));
        }
        if (s == 0 && e == n && step == 1) return this;
        int[] idx = new int[(e - s + step - 1) / step];
        for (int i = 0; i < idx.length; i++) idx[i] = s + i * step;
        return indexSelect(ax, idx);
    }

    /**
     * The slice at {@code index} along {@code axis}, without that axis (PyTorch's {@code select});
     * a negative index counts from the end. {@code x.select(0, 2)} of a (4, 3) tensor is its row 2, shape (3).
     */
    public Tensor select(int axis, int index) {
        int ax = Shapes.axis("select", axis, rank());
        int i = Shapes.index("select", index, ax, shape());
        return slice(ax, i, i + 1, 1).reshape(dropped(new int[] {ax}));
    }

    /**
     * Without the size-1 axes {@code axes}, or without every size-1 axis when none are given. Unlike
     * PyTorch, which leaves a named axis of another size alone, that is an error naming the axis
     * (as NumPy's {@code squeeze}): it is usually a shape mistake.
     */
    public Tensor squeeze(int... axes) {
        return reshape(Shapes.squeeze("squeeze", shape(), axes));
    }

    /** With a new size-1 axis at {@code axis}, which may be {@code -(rank + 1) .. rank}: (3, 4).unsqueeze(1) is (3, 1, 4). */
    public Tensor unsqueeze(int axis) {
        return reshape(Shapes.unsqueeze("unsqueeze", shape(), axis));
    }

    /**
     * Cut along {@code axis} into pieces of {@code size}, the last one smaller when the extent is
     * not a multiple (PyTorch's {@code split} with an int). Each piece is differentiable; the
     * gradients of the pieces land side by side in the input's.
     */
    public List<Tensor> split(int size, int axis) {
        int ax = Shapes.axis("split", axis, rank());
        return split(Shapes.pieces("split", shape(ax), size), ax);
    }

    /** Cut along {@code axis} into pieces of the given sizes, which must add up to the extent (PyTorch's {@code split} with a list). */
    public List<Tensor> split(int[] sizes, int axis) {
        int ax = Shapes.axis("split", axis, rank());
        long total = 0;
        for (int s : sizes) {
            if (s < 0) throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " include a negative one");
            total += s;
        }
        if (total != shape(ax)) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + total + ", but axis " + ax
                    + " of shape " + Shapes.str(shape()) + " has " + shape(ax));
        }
        List<Tensor> out = new ArrayList<>(sizes.length);
        for (int i = 0, start = 0; i < sizes.length; start += sizes[i++]) out.add(slice(ax, start, start + sizes[i], 1));
        return out;
    }

    /**
     * Cut along {@code axis} into {@code chunks} pieces of ⌈n / chunks⌉ (PyTorch's {@code chunk}):
     * the last is smaller, and there may be fewer pieces than asked, e.g. 5 into 4 chunks gives 2, 2, 1.
     */
    public List<Tensor> chunk(int chunks, int axis) {
        int ax = Shapes.axis("chunk", axis, rank());
        if (chunks <= 0) throw new IllegalArgumentException("chunk: the number of chunks must be positive, got " + chunks);
        int n = shape(ax);
        return split(Shapes.pieces("chunk", n, Math.max(1, (n + chunks - 1) / chunks)), ax);
    }

    /** Stacks tensors of one shape along a new axis. */
    public static Tensor stack(int axis, Tensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("stack: no tensors given");
        int[] s = parts[0].shape();
        int ax = Shapes.axis("stack", axis, s.length + 1);
        Tensor[] ex = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!Arrays.equals(parts[i].shape(), s)) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape " + Shapes.str(parts[i].shape()) + " but tensor 0 has " + Shapes.str(s));
            }
            ex[i] = parts[i].reshape(NDArray.insertAxis(s, ax));
        }
        return concat(ax, ex);
    }

    /** Pads with a constant: {@code widths[i] = {before, after}} for the last {@code widths.length} axes. */
    public Tensor pad(int[][] widths, double value) {
        NDArray out = this.value.pad(widths, value);
        int off = rank() - widths.length;
        Tensor a = this;
        return record("pad", out, g -> {
            Tensor r = g;
            for (int i = 0; i < widths.length; i++) r = r.slice(off + i, widths[i][0], widths[i][0] + a.shape(off + i), 1);
            return new Tensor[] {r};
        }, a);
    }

    // ---------------------------------------------------------------- pooling

    /**
     * 2-D max pooling of {@code (N, C, H, W)} with −∞ padding (see {@link Pooling#maxPool2d}). Each
     * window's gradient goes to its first maximal element: the backward pass is
     * {@link #scatterAddFlat} of the output gradient to those positions, linear in it, so second
     * derivatives through a max pool are exact away from ties.
     */
    public Tensor maxPool2d(int kh, int kw, int sh, int sw, int ph, int pw) {
        Pooling.MaxPool p = Pooling.maxPool2d(value, kh, kw, sh, sw, ph, pw);
        int[] in = shape();
        return record("maxPool2d", p.values(), g -> new Tensor[] {g.scatterAddFlat(p.argmax(), in)}, this);
    }

    /**
     * 2-D average pooling of {@code (N, C, H, W)} with zero padding, every window divided by
     * {@code kh·kw} (PyTorch's {@code count_include_pad = true}). Linear: its gradient is
     * {@link #avgPool2dAdjoint}, whose gradient is this op again.
     */
    public Tensor avgPool2d(int kh, int kw, int sh, int sw, int ph, int pw) {
        NDArray out = Pooling.avgPool2d(value, kh, kw, sh, sw, ph, pw); // validates the rank first
        int h = shape(2), w = shape(3);
        return record("avgPool2d", out, g -> new Tensor[] {g.avgPool2dAdjoint(h, w, kh, kw, sh, sw, ph, pw)}, this);
    }

    /** The adjoint of {@link #avgPool2d}: each value spread evenly over its window of an {@code (N, C, h, w)} tensor, overlaps summed. */
    public Tensor avgPool2dAdjoint(int h, int w, int kh, int kw, int sh, int sw, int ph, int pw) {
        return record("avgPool2dAdjoint", Pooling.avgPool2dAdjoint(value, h, w, kh, kw, sh, sw, ph, pw),
                g -> new Tensor[] {g.avgPool2d(kh, kw, sh, sw, ph, pw)}, this);
    }

    /** The elements at flat indices {@code index}, laid out in {@code shape} (an index may repeat). */
    public Tensor gatherFlat(int[] index, int... shape) {
        int[] in = shape();
        return record("gatherFlat", value.gatherFlat(index, shape), g -> new Tensor[] {g.scatterAddFlat(index, in)}, this);
    }

    /** The adjoint of {@link #gatherFlat}: element k added at flat index {@code index[k]} of a zero tensor of {@code shape}. */
    public Tensor scatterAddFlat(int[] index, int... shape) {
        int[] in = shape();
        return record("scatterAddFlat", value.scatterAddFlat(index, shape), g -> new Tensor[] {g.gatherFlat(index, in)}, this);
    }

    // ---------------------------------------------------------------- comparisons (no gradient)

    public Tensor gt(Tensor o) { return constant(value.gt(o.value)); }
    public Tensor lt(Tensor o) { return constant(value.lt(o.value)); }
    public Tensor ge(Tensor o) { return constant(value.ge(o.value)); }
    public Tensor le(Tensor o) { return constant(value.le(o.value)); }
    public Tensor eq(Tensor o) { return constant(value.eq(o.value)); }
    public Tensor ne(Tensor o) { return constant(value.ne(o.value)); }

    /** Index of the largest element along an axis (no gradient). */
    public NDArray argmax(int axis) {
        return value.argmax(axis, false);
    }

    // ---------------------------------------------------------------- helpers

    /** The shape of a matmul of operands of rank >= 1 (NumPy rules), or the error the kernel would give. */
    private static int[] matmulShape(int[] a, int[] b) {
        int[] x = a.length == 1 ? new int[] {1, a[0]} : a;
        int[] y = b.length == 1 ? new int[] {b[0], 1} : b;
        int k = x[x.length - 1], k2 = y[y.length - 2];
        if (k != k2) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a) + " and " + Shapes.str(b)
                    + " do not align (" + k + " columns against " + k2 + " rows)");
        }
        int[] batch = Shapes.broadcast("matmul", Arrays.copyOf(x, x.length - 2), Arrays.copyOf(y, y.length - 2));
        int[] out = Arrays.copyOf(batch, batch.length + (a.length == 1 ? 0 : 1) + (b.length == 1 ? 0 : 1));
        int i = batch.length;
        if (a.length > 1) out[i++] = x[x.length - 2];
        if (b.length > 1) out[i] = y[y.length - 1];
        return out;
    }

    private int[] keptShape(int[] sortedAxes) {
        int[] k = value.shape();
        for (int a : sortedAxes) k[a] = 1;
        return k;
    }

    private int[] dropped(int[] sortedAxes) {
        return Shapes.drop(value.shape(), sortedAxes);
    }
}
