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
 * <p>Only the primitives carry a hand-written backward rule, kept in tables by op family outside
 * this API ({@code ElementwiseRules}, {@code ReductionRules}, {@code ShapeRules},
 * {@code ProductRules}); each rule gets the output's gradient, the output and the inputs. They are
 * add, mul, div, neg, pow, exp, log, log1p, sqrt, sin, cos, tanh, sigmoid, relu, softplus, abs,
 * normalCdf, erf, where, to, sum, max/min, broadcastTo/sumTo, reshape, permute, concat, pad, the
 * index ops (indexSelect, gather, gatherFlat and their scatters), matmul, im2col2d, conv2d,
 * maxPool2d and avgPool2d, with the adjoints their rules need (the two convolution gradients,
 * col2im, the pooling adjoint, scatterAddFlat, ReLU's mask), which are not public. Everything else
 * (sub, square, rsub, rdiv, clamp, maximum, minimum, mean, variance, logsumexp, softmax, gelu,
 * norm, slice, select, split, chunk, squeeze, stack, im2col1d, ...) is a composition and
 * differentiates through them.
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
        return new Tensor(out, true, new Node(op, inputs, backward, out.version()));
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

    static void sameDtype(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtypes " + a.dtype() + " and " + b.dtype() + " differ (shapes "
                    + Shapes.str(a.value.shape()) + " and " + Shapes.str(b.value.shape()) + "); convert one with to()");
        }
    }

    // ---------------------------------------------------------------- primitives, with their rules in *Rules by family

    public Tensor add(Tensor o) {
        if (mixedFloats(this, o)) return to(DType.F64).add(o.to(DType.F64));
        return record("add", value.add(o.value), ElementwiseRules.ADD, this, o);
    }

    public Tensor mul(Tensor o) {
        if (mixedFloats(this, o)) return to(DType.F64).mul(o.to(DType.F64));
        return record("mul", value.mul(o.value), ElementwiseRules.MUL, this, o);
    }

    public Tensor div(Tensor o) {
        if (mixedFloats(this, o)) return to(DType.F64).div(o.to(DType.F64));
        return record("div", value.div(o.value), ElementwiseRules.DIV, this, o);
    }

    /** x^p for a constant exponent. */
    public Tensor pow(double p) {
        if (p == 1) return this;
        if (p == 2) return mul(this);
        if (p == 0) return record("pow", value.pow(0.0), ElementwiseRules.POW_ZERO, this);
        return record("pow", value.pow(p), ElementwiseRules.pow(p), this);
    }

    /**
     * x^y elementwise with broadcasting; the gradient in y uses log x (so x must be positive where
     * it matters). At a zero base it follows PyTorch: d/dx is 0 where y = 0, and d/dy is 0 where
     * y >= 0 (0^y is constant there).
     */
    public Tensor pow(Tensor y) {
        if (mixedFloats(this, y)) return to(DType.F64).pow(y.to(DType.F64));
        sameDtype("pow", this, y);
        return record("pow", value.pow(y.value), ElementwiseRules.POW, this, y);
    }

    public Tensor exp() {
        return record("exp", value.exp(), ElementwiseRules.EXP, this);
    }

    public Tensor log() {
        return record("log", value.log(), ElementwiseRules.LOG, this);
    }

    public Tensor log1p() {
        return record("log1p", value.log1p(), ElementwiseRules.LOG1P, this);
    }

    public Tensor sqrt() {
        return record("sqrt", value.sqrt(), ElementwiseRules.SQRT, this);
    }

    public Tensor sin() {
        return record("sin", value.sin(), ElementwiseRules.SIN, this);
    }

    public Tensor cos() {
        return record("cos", value.cos(), ElementwiseRules.COS, this);
    }

    public Tensor tanh() {
        return record("tanh", value.tanh(), ElementwiseRules.TANH, this);
    }

    public Tensor sigmoid() {
        return record("sigmoid", value.sigmoid(), ElementwiseRules.SIGMOID, this);
    }

    /** max(x, 0); the gradient at exactly 0 is 0, as in PyTorch. */
    public Tensor relu() {
        return record("relu", value.relu(), ElementwiseRules.RELU, this);
    }

    /** log(1 + eˣ), computed without overflow. */
    public Tensor softplus() {
        return record("softplus", value.softplus(), ElementwiseRules.SOFTPLUS, this);
    }

    public Tensor abs() {
        return record("abs", value.abs(), ElementwiseRules.ABS, this);
    }

    /** Φ(x), the standard normal distribution function. */
    public Tensor normalCdf() {
        return record("normalCdf", value.map(NDArray.Unary.NORMAL_CDF), ElementwiseRules.NORMAL_CDF, this);
    }

    /** The error function. */
    public Tensor erf() {
        return record("erf", value.map(NDArray.Unary.ERF), ElementwiseRules.ERF, this);
    }

    /** Elementwise choice with a constant condition (non-zero takes {@code a}); all three broadcast. */
    public static Tensor where(NDArray cond, Tensor a, Tensor b) {
        if (mixedFloats(a, b)) return where(cond, a.to(DType.F64), b.to(DType.F64));
        sameDtype("where", a, b);
        return record("where", NDArray.where(cond, a.value, b.value), ElementwiseRules.where(cond), a, b);
    }

    /** Repeats along broadcast axes to the given shape. */
    public Tensor broadcastTo(int... shape) {
        if (Arrays.equals(value.shape(), shape)) return this;
        return record("broadcastTo", value.broadcastTo(shape), ReductionRules.BROADCAST_TO, this);
    }

    /** Sums down to a shape this one broadcasts from (the adjoint of {@link #broadcastTo}). */
    public Tensor sumTo(int... shape) {
        if (Arrays.equals(value.shape(), shape)) return this;
        return record("sumTo", value.sumTo(shape), ReductionRules.SUM_TO, this);
    }

    /** Sum over the axes (all axes when none are given). */
    public Tensor sum(int[] axes, boolean keepDims) {
        int[] ax = Shapes.axes("sum", axes, rank());
        return record("sum", value.sum(ax, keepDims), ReductionRules.sum(keptShape(ax)), this);
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
        int[] ax = Shapes.axes(op, axes, rank());
        NDArray kept = op.equals("max") ? value.max(ax, true) : value.min(ax, true);
        return record(op, keepDims ? kept : kept.reshape(dropped(ax)), ReductionRules.extremum(ax, kept), this);
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
        return record("matmul", value.matmul(o.value, transposeThis, transposeOther), ProductRules.matmul(transposeThis, transposeOther), this, o);
    }

    /** The same values with another shape (one extent may be -1). */
    public Tensor reshape(int... shape) {
        NDArray out = value.reshape(shape);
        if (Arrays.equals(out.shape(), value.shape())) return this;
        return record("reshape", out, ShapeRules.RESHAPE, this);
    }

    /** Reorders axes: output axis i is input axis {@code perm[i]}. */
    public Tensor permute(int... perm) {
        NDArray out = value.permute(perm);
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inv[Shapes.axis("permute", perm[i], perm.length)] = i;
        return record("permute", out, ShapeRules.permute(inv), this);
    }

    /** The slices at {@code indices} along an axis (indices may repeat: an embedding lookup). */
    public Tensor indexSelect(int axis, int[] indices) {
        int ax = Shapes.axis("indexSelect", axis, rank());
        return record("indexSelect", value.indexSelect(ax, indices), ShapeRules.indexSelect(ax, indices), this);
    }

    /** Adds slice k at position {@code indices[k]} of a zero tensor with extent n along the axis. */
    public Tensor scatterAdd(int axis, int[] indices, int n) {
        int ax = Shapes.axis("scatterAdd", axis, rank());
        return record("scatterAdd", value.scatterAdd(ax, indices, n), ShapeRules.scatterAdd(ax, indices), this);
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
        return record("gather", value.gather(ax, index.value), ShapeRules.gather(ax), this, index);
    }

    /**
     * This tensor plus {@code src} scattered along {@code axis} by an I32 index (PyTorch's
     * out-of-place {@code scatter_add}): for axis 0, {@code out[index[i][j]][j] += src[i][j]},
     * repeats summed. Differentiable in this tensor (the gradient passes) and in {@code src} (the
     * gradient gathered back, zero where src is larger than the index).
     */
    public Tensor scatterAdd(int axis, Tensor index, Tensor src) {
        int ax = Shapes.axis("scatterAdd", axis, rank());
        return record("scatterAdd", value.scatterAdd(ax, index.value, src.value), ShapeRules.scatterAddIndexed(ax), this, index, src);
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
        return record("concat", out, ShapeRules.concat(Shapes.axis("concat", axis, out.rank())), parts);
    }

    /**
     * Sliding 2-D windows as columns: (N, C, H, W) to (N, C·kh·kw, outH·outW), as PyTorch's
     * unfold. A convolution is this followed by one matrix product with the kernel; the
     * gradient is its adjoint col2im, which sums what every window position sends back.
     */
    public Tensor im2col2d(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
        NDArray out = Windows.im2col2d(value, kh, kw, sh, sw, ph, pw, dh, dw);
        return record("im2col2d", out, ProductRules.im2col2d(new ProductRules.Window(kh, kw, sh, sw, ph, pw, dh, dw)), this);
    }

    /** Sliding 1-D windows as columns: (N, C, L) to (N, C·k, outL). */
    public Tensor im2col1d(int k, int stride, int padding, int dilation) {
        NDArray out = Windows.im2col1d(value, k, stride, padding, dilation);
        return record("im2col1d", out, ProductRules.im2col1d(new ProductRules.Window(1, k, 1, stride, 0, padding, 1, dilation)), this);
    }

    /**
     * 2-D convolution (cross-correlation, as PyTorch's {@code conv2d}) of this (N, C, H, W) input
     * with a kernel (O, C/groups, kh, kw), zero padding the same on both sides of an axis. Computed
     * one image at a time ({@link Convolution}), without unfolding the whole batch; its gradients
     * in the input and in the kernel are ops of the same family, so it differentiates to any order.
     */
    public Tensor conv2d(Tensor w, int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        sameDtype("conv2d", this, w);
        NDArray out = Convolution.conv2d(value, w.value, sh, sw, ph, pw, dh, dw, groups);
        return record("conv2d", out, ProductRules.conv2d(new ProductRules.Conv(sh, sw, ph, pw, dh, dw, groups)), this, w);
    }

    /**
     * Converts to another dtype; the gradient converts back. To I32 (indices: every value whole) the
     * result is a constant, as PyTorch's {@code .long()}: nothing differentiable flows through an index.
     */
    public Tensor to(DType dtype) {
        if (dtype == dtype()) return this;
        if (!dtype.isFloat()) return constant(value.to(dtype));
        return record(dtype == DType.F64 ? "toF64" : "toF32", value.to(dtype), ElementwiseRules.TO, this);
    }

    // ---------------------------------------------------------------- compositions

    public Tensor sub(Tensor o) {
        return add(o.neg());
    }

    /** −x. A primitive rather than mul(−1): sub is add(neg), and traces (SharingReport) then read "neg", not a product with a constant. */
    public Tensor neg() {
        return record("neg", value.neg(), ElementwiseRules.NEG, this);
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
        NDArray clamped = value.clamp(lo, hi);
        // x inside the bounds (included), the clamped constant outside: where's gradient is then PyTorch's.
        return where(value.ge(lo).mul(value.le(hi)), this, constant(clamped));
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
        if (p == 0) return pow(0.0).mul(constant(value.ne(NDArray.zeros(dtype())))).sum(ax, keepDims); // x⁰ is flat: gradient 0
        // A zero element's term is the constant 0 (its base replaced by 1 first), and a zero sum's root
        // the constant 0: the gradient is then PyTorch's there (0), and no 0·∞ reaches any derivative.
        NDArray zero = value.eq(0.0);
        Tensor terms = p == 2 ? square() : where(zero, constLike(0), where(zero, constLike(1), abs()).pow(p));
        Tensor s = terms.sum(ax, true);
        NDArray zeroSum = s.value.eq(0.0);
        Tensor safe = where(zeroSum, constLike(1), s);
        Tensor n = where(zeroSum, constLike(0), p == 2 ? safe.sqrt() : safe.pow(1 / p));
        return keepDims ? n : n.reshape(dropped(ax));
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
        return record("pad", this.value.pad(widths, value), ShapeRules.pad(widths), this);
    }

    // ---------------------------------------------------------------- pooling

    /**
     * 2-D max pooling of {@code (N, C, H, W)} with −∞ padding (see {@link Pooling#maxPool2d}). Each
     * window's gradient goes to its first maximal element: the backward pass is a
     * scatterAddFlat of the output gradient to those positions, linear in it, so second
     * derivatives through a max pool are exact away from ties.
     */
    public Tensor maxPool2d(int kh, int kw, int sh, int sw, int ph, int pw) {
        Pooling.MaxPool p = Pooling.maxPool2d(value, kh, kw, sh, sw, ph, pw);
        return record("maxPool2d", p.values(), ProductRules.maxPool2d(p.argmax()), this);
    }

    /**
     * 2-D average pooling of {@code (N, C, H, W)} with zero padding, every window divided by
     * {@code kh·kw} (PyTorch's {@code count_include_pad = true}). Linear: its gradient is its
     * adjoint (each value spread over its window), whose gradient is this op again.
     */
    public Tensor avgPool2d(int kh, int kw, int sh, int sw, int ph, int pw) {
        NDArray out = Pooling.avgPool2d(value, kh, kw, sh, sw, ph, pw);
        return record("avgPool2d", out, ProductRules.avgPool2d(new ProductRules.Pool(kh, kw, sh, sw, ph, pw)), this);
    }

    /** The elements at flat indices {@code index}, laid out in {@code shape} (an index may repeat). */
    public Tensor gatherFlat(int[] index, int... shape) {
        return record("gatherFlat", value.gatherFlat(index, shape), ShapeRules.gatherFlat(index), this);
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
