package dev.motif.array;

import java.util.Arrays;
import java.util.Locale;

/**
 * A dense, row-major, contiguous array of F64 or F32 values, or of I32 indices and labels.
 *
 * <p>Value semantics: every operation returns a new array and leaves its operands alone. The one
 * exception is the raw storage returned by {@link #f64()} and {@link #f32()}, which optimizers and
 * kernels write in place. {@link #reshape} shares storage with its source (a reshape is a view),
 * so an in-place write shows through both. Whoever changes an array in place that a recorded
 * graph may still need calls {@link #bumpVersion} ({@link #assign} does it itself), so that
 * backward refuses the changed value instead of silently using it.
 *
 * <pre>{@code
 * NDArray x = NDArray.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
 * NDArray y = x.add(NDArray.of(new double[] {10, 20, 30}, 3));   // broadcasts over rows
 * NDArray s = y.sum(new int[] {1}, true);                         // shape [2, 1]
 * }</pre>
 *
 * <p>An elementwise op between F32 and F64 computes in F64 (PyTorch's promotion of floating
 * types; {@link DType#promote}), as do {@link #where} and {@link #concat}; a matrix product or a
 * convolution refuses mixed dtypes, naming both. Scalars given as {@code double} take the array's dtype.
 *
 * <p>An I32 array ({@link #ofInts}) holds indices and labels: the shape, layout and index kernels
 * take it (reshape, permute, slice, indexSelect, gather, concat, stack, pad, where, comparisons,
 * copies, conversions with {@link #to}), and arithmetic and reductions refuse it in one line
 * ({@code "add: I32 holds indices; convert with to(F64)"}).
 *
 * <p>This class checks nothing it can leave to the kernels, and holds none of their loops: those
 * are in package-private classes by family ({@code Elementwise}, {@code Broadcast},
 * {@code Reduction}, {@code Layout}, {@code Indexing}, and {@code MatMul}, {@code Convolution},
 * {@code Pooling}, {@code Windows}), each choosing its dtype's loops once per op.
 */
public final class NDArray {
    final DType dtype;
    final int[] shape;
    final int size;
    final double[] d;
    final float[] f;
    final int[] ints;
    /** The storage whichever its type (d, f or ints), for the kernels that only move elements. */
    final Object data;
    /** The array whose storage this one is: itself, or the source of a reshape (views share one version). */
    private final NDArray owner;
    /** In-place changes of the storage so far; read and bumped through {@link #owner}. */
    private int version;

    private NDArray(DType dtype, int[] shape, Object data, NDArray owner) {
        this.dtype = dtype;
        this.shape = shape;
        this.size = Shapes.size(shape);
        this.data = data;
        this.d = data instanceof double[] a ? a : null;
        this.f = data instanceof float[] a ? a : null;
        this.ints = data instanceof int[] a ? a : null;
        this.owner = owner == null ? this : owner;
    }

    private NDArray(DType dtype, int[] shape, Object data) {
        this(dtype, shape, data, null);
    }

    /** New storage of n elements of a dtype. */
    private static Object storage(DType dtype, int n) {
        switch (dtype) {
            case F64: return new double[n];
            case F32: return new float[n];
            default: return new int[n];
        }
    }

    /**
     * Refuses an I32 array in an op that does arithmetic: its values are indices and labels. The
     * one-line message names the op, such as {@code "add: I32 holds indices; convert with to(F64)"}.
     */
    static void requireFloat(String op, NDArray a) {
        if (!a.dtype.isFloat()) throw new IllegalArgumentException(op + ": I32 holds indices; convert with to(F64)");
    }

    // ---------------------------------------------------------------- creation

    /** Wraps F64 data (no copy) with the given shape. */
    public static NDArray of(double[] data, int... shape) {
        int[] s = shape.clone();
        if (Shapes.size(s) != data.length) {
            throw new IllegalArgumentException("NDArray.of: " + data.length + " values do not fill shape " + Shapes.str(s));
        }
        return new NDArray(DType.F64, s, data);
    }

    /** Wraps F32 data (no copy) with the given shape. */
    public static NDArray of(float[] data, int... shape) {
        int[] s = shape.clone();
        if (Shapes.size(s) != data.length) {
            throw new IllegalArgumentException("NDArray.of: " + data.length + " values do not fill shape " + Shapes.str(s));
        }
        return new NDArray(DType.F32, s, data);
    }

    /**
     * Wraps I32 data (no copy) with the given shape: indices and labels, for the shape, layout and
     * index kernels ({@code gather}, {@code indexSelect}, comparisons), refused by arithmetic.
     *
     * <pre>{@code
     * NDArray labels = NDArray.ofInts(new int[] {3, 0, 7}, 3);
     * NDArray picked = logits.gather(1, labels.unsqueeze(1));   // (N, 1)
     * }</pre>
     */
    public static NDArray ofInts(int[] data, int... shape) {
        int[] s = shape.clone();
        if (Shapes.size(s) != data.length) {
            throw new IllegalArgumentException("NDArray.ofInts: " + data.length + " values do not fill shape " + Shapes.str(s));
        }
        return new NDArray(DType.I32, s, data);
    }

    /** A one-dimensional F64 array of the given values (copied). */
    public static NDArray vector(double... values) {
        return of(values.clone(), values.length);
    }

    /** A rank-0 F64 array. */
    public static NDArray scalar(double v) {
        return new NDArray(DType.F64, new int[0], new double[] {v});
    }

    /** A rank-0 array of the given dtype. */
    public static NDArray scalar(DType dtype, double v) {
        return full(dtype, v);
    }

    /** An array of the given dtype and shape with every element zero. */
    public static NDArray zeros(DType dtype, int... shape) {
        return new NDArray(dtype, shape.clone(), storage(dtype, Shapes.size(shape)));
    }

    /** An array of the given dtype and shape with every element one. */
    public static NDArray ones(DType dtype, int... shape) {
        return full(dtype, 1.0, shape);
    }

    /** An array of the given dtype and shape with every element {@code value}. */
    public static NDArray full(DType dtype, double value, int... shape) {
        NDArray a = zeros(dtype, shape);
        if (value != 0) {
            if (a.d != null) Arrays.fill(a.d, value);
            else if (a.f != null) Arrays.fill(a.f, (float) value);
            else Arrays.fill(a.ints, toInt("full", value, 0));
        }
        return a;
    }

    /** {@code 0, 1, ..., n-1} as a vector. */
    public static NDArray arange(DType dtype, int n) {
        NDArray a = zeros(dtype, n);
        for (int i = 0; i < n; i++) a.setFlat(i, i);
        return a;
    }

    /** The n×n identity matrix. */
    public static NDArray eye(DType dtype, int n) {
        NDArray a = zeros(dtype, n, n);
        for (int i = 0; i < n; i++) a.setFlat(i * n + i, 1);
        return a;
    }

    /** An array of the same dtype as this one, with the given shape, all zeros. */
    public NDArray zerosLike(int... newShape) {
        return zeros(dtype, newShape);
    }

    // ---------------------------------------------------------------- accessors

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** The extent along one axis (negative axes count from the end). */
    public int shape(int axis) {
        return shape[Shapes.axis("shape", axis, shape.length)];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return size;
    }

    /** The F64 storage itself (no copy), or an error for another dtype. */
    public double[] f64() {
        if (d == null) throw new IllegalStateException("f64(): array is " + dtype + "; convert with toF64() first");
        return d;
    }

    /** The F32 storage itself (no copy), or an error for another dtype. */
    public float[] f32() {
        if (f == null) throw new IllegalStateException("f32(): array is " + dtype + "; convert with toF32() first");
        return f;
    }

    /** The I32 storage itself (no copy), or an error for another dtype. */
    public int[] i32() {
        if (ints == null) throw new IllegalStateException("i32(): array is " + dtype + "; convert with to(I32) first");
        return ints;
    }

    /** Element at a flat (row-major) index, as a double. */
    public double getFlat(int i) {
        return d != null ? d[i] : f != null ? f[i] : ints[i];
    }

    /**
     * Writes one element in place; for kernels, initialisers and optimizers only (not counted in
     * {@link #version}). An I32 array takes whole values in its range only.
     */
    public void setFlat(int i, double v) {
        if (d != null) d[i] = v;
        else if (f != null) f[i] = (float) v;
        else ints[i] = toInt("setFlat", v, i);
    }

    /** A whole value within the int range, as an int; else an error naming the op and the position. */
    private static int toInt(String op, double v, int at) {
        if (v != Math.rint(v) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": " + v + " at flat index " + at + " is not a whole number in the I32 range");
        }
        return (int) v;
    }

    /** Element at a multi-index. */
    public double get(int... index) {
        return getFlat(flatIndex(index));
    }

    /** The single value of a one-element array. */
    public double item() {
        if (size != 1) throw new IllegalArgumentException("item(): array of shape " + Shapes.str(shape) + " has " + size + " elements, not 1");
        return getFlat(0);
    }

    private int flatIndex(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has rank " + index.length + ", array has shape " + Shapes.str(shape));
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of bounds for shape " + Shapes.str(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        return flat;
    }

    /** All elements as a new double array. */
    public double[] toDoubleArray() {
        if (d != null) return d.clone();
        return to(DType.F64).d;
    }

    /** A deep copy. */
    public NDArray copy() {
        NDArray out = zeros(dtype, shape);
        System.arraycopy(data, 0, out.data, 0, size);
        return out;
    }

    /**
     * This array in the given dtype (itself when it already is). To I32 every value must be whole
     * and within the int range, or the error names the first that is not.
     */
    public NDArray to(DType target) {
        if (target == dtype) return this;
        NDArray out = zeros(target, shape);
        if (target == DType.I32) {
            for (int i = 0; i < size; i++) out.ints[i] = toInt("to(I32)", getFlat(i), i);
        } else if (target == DType.F64) {
            for (int i = 0; i < size; i++) out.d[i] = getFlat(i);
        } else {
            for (int i = 0; i < size; i++) out.f[i] = (float) getFlat(i);
        }
        return out;
    }

    public NDArray toF64() {
        return to(DType.F64);
    }

    public NDArray toF32() {
        return to(DType.F32);
    }

    /** Copies another array's values into this one in place (same shape; dtype converted), and bumps {@link #version}. */
    public void assign(NDArray src) {
        if (!Arrays.equals(shape, src.shape)) {
            throw new IllegalArgumentException("assign: shape " + Shapes.str(src.shape) + " into " + Shapes.str(shape));
        }
        if (dtype == src.dtype) System.arraycopy(src.data, 0, data, 0, size);
        else for (int i = 0; i < size; i++) setFlat(i, src.getFlat(i));
        bumpVersion();
    }

    /**
     * How many in-place changes this array's storage has seen: {@link #assign} and
     * {@link #bumpVersion} count one each; a reshape shares the count with its source. A recorded
     * op remembers its inputs' versions, so a backward pass can tell that a value it needs has
     * changed since.
     */
    public int version() {
        return owner.version;
    }

    /**
     * Counts an in-place change made through {@link #f64()}, {@link #f32()} or {@link #setFlat}
     * (which do not count, so that kernels filling a new array pay nothing). Call it after changing
     * an array that a recorded graph may still hold, as an optimizer step does.
     */
    public void bumpVersion() {
        owner.version++;
    }

    /** Whether every element is finite (always, for I32). */
    public boolean allFinite() {
        if (d != null) {
            for (double v : d) if (!Double.isFinite(v)) return false;
        } else if (f != null) {
            for (float v : f) if (!Float.isFinite(v)) return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- elementwise

    /** Elementwise functions of one argument. */
    public enum Unary {
        NEG, ABS, EXP, LOG, LOG1P, SQRT, SIN, COS, TANH, SIGMOID, RELU, SOFTPLUS, GELU, SIGN, STEP,
        RECIPROCAL, SQUARE, NORMAL_CDF, NORMAL_PDF, ERF;

        /** The name in messages, made once: every op passes it to its checks. */
        private final String opName = name().toLowerCase();

        String opName() {
            return opName;
        }

        double apply(double x) {
            switch (this) {
                case NEG: return -x;
                case ABS: return Math.abs(x);
                case EXP: return Math.exp(x);
                case LOG: return Math.log(x);
                case LOG1P: return Math.log1p(x);
                case SQRT: return Math.sqrt(x);
                case SIN: return Math.sin(x);
                case COS: return Math.cos(x);
                case TANH: return Math.tanh(x);
                case SIGMOID: return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
                case RELU: return x > 0 || Double.isNaN(x) ? x : 0; // +0 for negatives (not 0*x = -0), NaN stays NaN
                case SOFTPLUS: return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
                case GELU: return x * SpecialFunctions.normalCdf(x);
                case SIGN: return Math.signum(x);
                case STEP: return x > 0 ? 1 : (x <= 0 ? 0 : x);
                case RECIPROCAL: return 1 / x;
                case SQUARE: return x * x;
                case NORMAL_CDF: return SpecialFunctions.normalCdf(x);
                case NORMAL_PDF: return Math.exp(-0.5 * x * x) * SpecialFunctions.INV_SQRT_2PI;
                case ERF: return SpecialFunctions.erf(x);
                default: throw new AssertionError(this);
            }
        }
    }

    /** Applies a unary function to every element. */
    public NDArray map(Unary op) {
        return Elementwise.map(op, this);
    }

    /**
     * This array where {@code x > 0} and +0 elsewhere (a NaN in {@code x} counts as not positive):
     * the gradient of ReLU from the gradient of its output (this) and its input {@code x}, in one
     * pass. Same as {@code this.mul(x.gt(0))} except that a masked-out element is +0 even where
     * this holds an infinity or a NaN (as PyTorch's {@code threshold_backward}).
     */
    public NDArray wherePositive(NDArray x) {
        return Elementwise.wherePositive(this, x);
    }

    public NDArray neg() { return map(Unary.NEG); }
    public NDArray abs() { return map(Unary.ABS); }
    public NDArray exp() { return map(Unary.EXP); }
    public NDArray log() { return map(Unary.LOG); }
    public NDArray log1p() { return map(Unary.LOG1P); }
    public NDArray sqrt() { return map(Unary.SQRT); }
    public NDArray sin() { return map(Unary.SIN); }
    public NDArray cos() { return map(Unary.COS); }
    public NDArray tanh() { return map(Unary.TANH); }
    public NDArray sigmoid() { return map(Unary.SIGMOID); }
    public NDArray relu() { return map(Unary.RELU); }
    public NDArray softplus() { return map(Unary.SOFTPLUS); }
    /** GELU, exact form x·Φ(x) (as PyTorch's default). */
    public NDArray gelu() { return map(Unary.GELU); }
    public NDArray sign() { return map(Unary.SIGN); }
    public NDArray square() { return map(Unary.SQUARE); }
    public NDArray reciprocal() { return map(Unary.RECIPROCAL); }

    /** {@code s − this}, elementwise (PyTorch's {@code rsub}): {@code x.rsub(1)} is 1 − x. */
    public NDArray rsub(double s) { return scalar(dtype, s).sub(this); }

    /** {@code s / this}, elementwise (PyTorch's reversed division): {@code x.rdiv(2)} is 2 / x. */
    public NDArray rdiv(double s) { return scalar(dtype, s).div(this); }

    /**
     * Every element limited to {@code [min, max]} (PyTorch's {@code clamp}); an infinite bound
     * leaves that side open, NaN stays NaN, and min > max gives max everywhere (as PyTorch).
     */
    public NDArray clamp(double min, double max) {
        return Elementwise.clamp(this, min, max);
    }

    /** Elementwise functions of two arguments. */
    public enum Binary {
        ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, EQ, NE, LT, LE, GT, GE;

        /** The name in messages, made once: every op passes it to its checks. */
        private final String opName = name().toLowerCase();

        double apply(double a, double b) {
            switch (this) {
                case ADD: return a + b;
                case SUB: return a - b;
                case MUL: return a * b;
                case DIV: return a / b;
                case POW: return Math.pow(a, b);
                case MAXIMUM: return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
                case MINIMUM: return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
                case EQ: return a == b ? 1 : 0;
                case NE: return a != b ? 1 : 0;
                case LT: return a < b ? 1 : 0;
                case LE: return a <= b ? 1 : 0;
                case GT: return a > b ? 1 : 0;
                case GE: return a >= b ? 1 : 0;
                default: throw new AssertionError(this);
            }
        }

        String opName() {
            return opName;
        }

        /** Whether the op compares (EQ .. GE), giving 0 or 1: the ones I32 arrays take. */
        boolean isComparison() {
            return ordinal() >= EQ.ordinal();
        }
    }

    /** Applies a binary function elementwise with NumPy broadcasting; on I32 arrays only the comparisons, which give 0 or 1. */
    public NDArray zip(Binary op, NDArray other) {
        return Broadcast.zip(op, this, other);
    }

    public NDArray add(NDArray o) { return zip(Binary.ADD, o); }
    public NDArray sub(NDArray o) { return zip(Binary.SUB, o); }
    public NDArray mul(NDArray o) { return zip(Binary.MUL, o); }
    public NDArray div(NDArray o) { return zip(Binary.DIV, o); }
    public NDArray pow(NDArray o) { return zip(Binary.POW, o); }
    public NDArray maximum(NDArray o) { return zip(Binary.MAXIMUM, o); }
    public NDArray minimum(NDArray o) { return zip(Binary.MINIMUM, o); }
    public NDArray eq(NDArray o) { return zip(Binary.EQ, o); }
    public NDArray ne(NDArray o) { return zip(Binary.NE, o); }
    public NDArray lt(NDArray o) { return zip(Binary.LT, o); }
    public NDArray le(NDArray o) { return zip(Binary.LE, o); }
    public NDArray gt(NDArray o) { return zip(Binary.GT, o); }
    public NDArray ge(NDArray o) { return zip(Binary.GE, o); }

    public NDArray add(double s) { return zip(Binary.ADD, scalar(dtype, s)); }
    public NDArray sub(double s) { return zip(Binary.SUB, scalar(dtype, s)); }
    public NDArray mul(double s) { return zip(Binary.MUL, scalar(dtype, s)); }
    public NDArray div(double s) { return zip(Binary.DIV, scalar(dtype, s)); }
    public NDArray pow(double s) { return zip(Binary.POW, scalar(dtype, s)); }
    public NDArray maximum(double s) { return zip(Binary.MAXIMUM, scalar(dtype, s)); }
    public NDArray minimum(double s) { return zip(Binary.MINIMUM, scalar(dtype, s)); }
    public NDArray gt(double s) { return zip(Binary.GT, scalar(dtype, s)); }
    public NDArray lt(double s) { return zip(Binary.LT, scalar(dtype, s)); }
    public NDArray ge(double s) { return zip(Binary.GE, scalar(dtype, s)); }
    public NDArray le(double s) { return zip(Binary.LE, scalar(dtype, s)); }
    public NDArray eq(double s) { return zip(Binary.EQ, scalar(dtype, s)); }

    /**
     * Elementwise choice: where {@code cond} is non-zero take {@code a}, else {@code b}; all three
     * broadcast. Element moves only, so I32 too; F32 with F64 gives F64.
     */
    public static NDArray where(NDArray cond, NDArray a, NDArray b) {
        return Broadcast.where(cond, a, b);
    }

    /** This array repeated along broadcast axes to the given shape (itself if the shape is unchanged). */
    public NDArray broadcastTo(int... target) {
        return Broadcast.broadcastTo(this, target);
    }

    /** Sums this array down to a shape it was broadcast from (the adjoint of {@link #broadcastTo}). */
    public NDArray sumTo(int... target) {
        return Broadcast.sumTo(this, target);
    }

    // ---------------------------------------------------------------- reductions

    /** Reduction kinds along axes. */
    public enum Reduce {
        SUM, MAX, MIN;

        private final String opName = name().toLowerCase();

        String opName() {
            return opName;
        }
    }

    /** Reduces over {@code axes} (all axes when empty); keeps them as size 1 when {@code keepDims}. */
    public NDArray reduce(Reduce kind, int[] axes, boolean keepDims) {
        return Reduction.reduce(kind, this, axes, keepDims);
    }

    public NDArray sum(int[] axes, boolean keepDims) { return reduce(Reduce.SUM, axes, keepDims); }
    public NDArray max(int[] axes, boolean keepDims) { return reduce(Reduce.MAX, axes, keepDims); }
    public NDArray min(int[] axes, boolean keepDims) { return reduce(Reduce.MIN, axes, keepDims); }

    /** Sum of every element, as a rank-0 array. */
    public NDArray sum() { return reduce(Reduce.SUM, null, false); }

    /** Mean over the axes (all when empty). */
    public NDArray mean(int[] axes, boolean keepDims) {
        requireFloat("mean", this);
        int[] ax = Shapes.axes("mean", axes, shape.length);
        long count = 1;
        for (int a : ax) count *= shape[a];
        return sum(ax, keepDims).div((double) count);
    }

    /** Variance over the axes with the given correction (0: population, 1: sample, as PyTorch's {@code correction}). */
    public NDArray variance(int[] axes, boolean keepDims, int correction) {
        requireFloat("variance", this);
        int[] ax = Shapes.axes("variance", axes, shape.length);
        long count = 1;
        for (int a : ax) count *= shape[a];
        NDArray dev = sub(mean(ax, true));
        return dev.mul(dev).sum(ax, keepDims).div((double) Math.max(count - correction, 0));
    }

    /** log(sum(exp(x))) over the axes, computed without overflow. */
    public NDArray logsumexp(int[] axes, boolean keepDims) {
        requireFloat("logsumexp", this);
        int[] ax = Shapes.axes("logsumexp", axes, shape.length);
        for (int a : ax) {
            if (shape[a] == 0) { // the log of an empty sum, as PyTorch: -inf
                NDArray s = sum(ax, keepDims);
                return full(dtype, Double.NEGATIVE_INFINITY, s.shape);
            }
        }
        NDArray m = max(ax, true);
        // Shift by the max where it is finite; a row of -inf (or +inf) is shifted by 0 to avoid inf - inf.
        NDArray shift = where(m.abs().lt(Double.POSITIVE_INFINITY), m, zeros(dtype));
        NDArray s = sub(shift).exp().sum(ax, true).log().add(shift);
        return keepDims ? s : s.reshape(Shapes.drop(s.shape, ax));
    }

    /** Index of the largest element along one axis (first one on ties), as an F64 array of indices. */
    public NDArray argmax(int axis, boolean keepDims) {
        return Reduction.argmax(this, axis, keepDims);
    }

    // ---------------------------------------------------------------- shape

    /** The same data with another shape (a view: storage is shared). One extent may be -1. */
    public NDArray reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: more than one -1 in " + Shapes.str(newShape));
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape: negative extent in " + Shapes.str(newShape));
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || size % known != 0) {
                throw new IllegalArgumentException("reshape: cannot reshape " + Shapes.str(shape) + " (" + size + " elements) to " + Shapes.str(newShape));
            }
            s[infer] = (int) (size / known);
        }
        if (Shapes.size(s) != size) {
            throw new IllegalArgumentException("reshape: cannot reshape " + Shapes.str(shape) + " (" + size + " elements) to " + Shapes.str(newShape));
        }
        return new NDArray(dtype, s, data, owner);
    }

    /** Reorders the axes: output axis i is input axis {@code perm[i]}. */
    public NDArray permute(int... perm) {
        return Layout.permute(this, perm);
    }

    /** Swaps two axes. */
    public NDArray transpose(int a, int b) {
        return permute(Shapes.swap("transpose", shape.length, a, b));
    }

    /** Swaps the last two axes (the matrix transpose of every matrix in a batch). */
    public NDArray mT() {
        if (shape.length < 2) throw new IllegalArgumentException("mT: needs rank >= 2, got shape " + Shapes.str(shape));
        return transpose(-1, -2);
    }

    /** Elements {@code start, start+step, ...} below {@code end} along one axis. */
    public NDArray slice(int axis, int start, int end, int step) {
        return Layout.slice(this, axis, start, end, step);
    }

    /** {@code slice(axis, start, end, 1)}. */
    public NDArray slice(int axis, int start, int end) {
        return slice(axis, start, end, 1);
    }

    /** Joins arrays along an existing axis; every other extent must agree (F32 with F64 joins in F64). */
    public static NDArray concat(int axis, NDArray... parts) {
        return Layout.concat(axis, parts);
    }

    /** Stacks arrays of one shape along a new axis. */
    public static NDArray stack(int axis, NDArray... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("stack: no arrays given");
        int[] s = parts[0].shape;
        int a = Shapes.axis("stack", axis, s.length + 1);
        NDArray[] expanded = new NDArray[parts.length];
        for (int p = 0; p < parts.length; p++) {
            if (!Arrays.equals(parts[p].shape, s)) {
                throw new IllegalArgumentException("stack: array " + p + " has shape " + Shapes.str(parts[p].shape) + " but array 0 has " + Shapes.str(s));
            }
            expanded[p] = parts[p].reshape(insertAxis(s, a));
        }
        return concat(a, expanded);
    }

    /** The shape with a size-1 axis inserted at position {@code a}. */
    public static int[] insertAxis(int[] s, int a) {
        return Shapes.unsqueeze("insertAxis", s, a);
    }

    /** This array without its size-1 axes {@code axes} (all of them when none are given); a view. Each given axis must have size 1. */
    public NDArray squeeze(int... axes) {
        return reshape(Shapes.squeeze("squeeze", shape, axes));
    }

    /** This array with a new size-1 axis at {@code axis} ({@code -(rank + 1) .. rank}); a view. */
    public NDArray unsqueeze(int axis) {
        return reshape(Shapes.unsqueeze("unsqueeze", shape, axis));
    }

    /** The slice at {@code index} (negative counts from the end) along {@code axis}, without that axis, as PyTorch's {@code select}. */
    public NDArray select(int axis, int index) {
        int a = Shapes.axis("select", axis, shape.length);
        int i = Shapes.index("select", index, a, shape);
        return slice(a, i, i + 1).reshape(Shapes.drop(shape, new int[] {a}));
    }

    /** Pads with a constant: {@code widths[i] = {before, after}} for axis i (fewer rows pad the leading axes not at all). */
    public NDArray pad(int[][] widths, double value) {
        return Layout.pad(this, widths, value);
    }

    // ---------------------------------------------------------------- indexing

    /** Picks the slices at {@code indices} along one axis (an index may repeat). */
    public NDArray indexSelect(int axis, int[] indices) {
        return Indexing.indexSelect(this, axis, indices);
    }

    /**
     * The adjoint of {@link #indexSelect}: a zero array whose axis {@code axis} has extent {@code n},
     * with slice k of this array added at position {@code indices[k]} (repeats accumulate).
     */
    public NDArray scatterAdd(int axis, int[] indices, int n) {
        return Indexing.scatterAdd(this, axis, indices, n);
    }

    /**
     * Picks along {@code axis} by an I32 index of the same rank (PyTorch's {@code torch.gather}):
     * for axis 1 of a matrix, {@code out[i][j] = this[i][index[i][j]]}. The result has the index's
     * shape, which may be smaller than this array's along the other axes.
     *
     * <pre>{@code
     * NDArray t = NDArray.of(new double[] {1, 2, 3, 4}, 2, 2);
     * t.gather(1, NDArray.ofInts(new int[] {0, 0, 1, 0}, 2, 2));   // [[1, 1], [4, 3]]
     * }</pre>
     */
    public NDArray gather(int axis, NDArray index) {
        return Indexing.gather(this, axis, index);
    }

    /**
     * This array plus {@code src} scattered along {@code axis} by an I32 index (PyTorch's
     * out-of-place {@code scatter_add}): for axis 0, {@code out[index[i][j]][j] += src[i][j]},
     * repeats accumulating. The index has the rank of both; it may be smaller than {@code src}
     * along every axis (the rest of src is not used) and than this array along the others.
     * The adjoint of {@link #gather}: {@code zeros.scatterAdd(axis, index, g)} is gather's gradient.
     */
    public NDArray scatterAdd(int axis, NDArray index, NDArray src) {
        return Indexing.scatterAdd(this, axis, index, src);
    }

    /** An array of the given shape whose element k is this array's element at flat index {@code index[k]} (an index may repeat). */
    public NDArray gatherFlat(int[] index, int... shape) {
        return Indexing.gatherFlat(this, index, shape);
    }

    /**
     * The adjoint of {@link #gatherFlat}: a zero array of the given shape with element k of this
     * array added at flat index {@code index[k]} (repeats accumulate); how a max pool's gradient
     * reaches the positions of its maxima.
     */
    public NDArray scatterAddFlat(int[] index, int... shape) {
        return Indexing.scatterAddFlat(this, index, shape);
    }

    /** Rows of the identity: {@code [labels.length, classes]} with a one at each label. */
    public static NDArray oneHot(DType dtype, int[] labels, int classes) {
        return Indexing.oneHot(dtype, labels, classes);
    }

    // ---------------------------------------------------------------- linear algebra

    /**
     * Matrix product with NumPy semantics: 1-D operands are promoted to a row (left) or column
     * (right) and the added axis removed; leading batch axes broadcast.
     */
    public NDArray matmul(NDArray other) {
        return MatMul.matmul(this, other);
    }

    /**
     * op(this)·op(other), where op transposes the last two axes when its flag is set: the
     * transposed operand is read in place, so {@code a.matmul(b, false, true)} equals
     * {@code a.matmul(b.mT())} without copying b. Both operands need rank >= 2 when transposed.
     */
    public NDArray matmul(NDArray other, boolean transposeThis, boolean transposeOther) {
        return MatMul.matmul(this, other, transposeThis, transposeOther);
    }

    // ---------------------------------------------------------------- misc

    /** Whether shapes, dtypes and every element are equal (NaN equal to NaN). */
    public boolean contentEquals(NDArray o) {
        if (o == null || dtype != o.dtype || !Arrays.equals(shape, o.shape)) return false;
        return d != null ? Arrays.equals(d, o.d) : f != null ? Arrays.equals(f, o.f) : Arrays.equals(ints, o.ints);
    }

    /** Largest absolute elementwise difference to another array of the same shape. */
    public double maxAbsDiff(NDArray o) {
        if (!Arrays.equals(shape, o.shape)) {
            throw new IllegalArgumentException("maxAbsDiff: shapes " + Shapes.str(shape) + " and " + Shapes.str(o.shape));
        }
        double m = 0;
        for (int i = 0; i < size; i++) {
            double diff = Math.abs(getFlat(i) - o.getFlat(i));
            if (Double.isNaN(diff)) return Double.NaN;
            m = Math.max(m, diff);
        }
        return m;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("NDArray(").append(dtype).append(", ").append(Shapes.str(shape)).append(", ");
        if (shape.length == 0) {
            sb.append(fmt(getFlat(0)));
        } else if (size <= 64) {
            appendNested(sb, 0, 0);
        } else {
            sb.append("[").append(fmt(getFlat(0))).append(", ").append(fmt(getFlat(1))).append(", ..., ").append(fmt(getFlat(size - 1))).append("]");
        }
        return sb.append(")").toString();
    }

    private int appendNested(StringBuilder sb, int axis, int pos) {
        sb.append('[');
        for (int i = 0; i < shape[axis]; i++) {
            if (i > 0) sb.append(", ");
            if (axis == shape.length - 1) sb.append(fmt(getFlat(pos++)));
            else pos = appendNested(sb, axis + 1, pos);
        }
        sb.append(']');
        return pos;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.6g", v); // a decimal point whatever the default locale
    }
}
