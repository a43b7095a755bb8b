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
 */
public final class NDArray {
    private final DType dtype;
    private final int[] shape;
    private final int size;
    private final double[] d;
    private final float[] f;
    private final int[] ints;
    /** The storage whichever its type (d, f or ints), for the kernels that only move elements. */
    private final Object data;
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
        requireFloat(op.name().toLowerCase(), this);
        NDArray out = zeros(dtype, shape);
        forRanges(size, (from, to) -> {
            if (d != null) {
                double[] o = out.d;
                switch (op) {
                    case NEG: for (int i = from; i < to; i++) o[i] = -d[i]; break;
                    // Math.max keeps NaN and gives +0 for -0 and negatives, as the definition above; unlike a
                    // comparison it compiles without a branch, which on random signs mispredicts half the time.
                    case RELU: for (int i = from; i < to; i++) o[i] = Math.max(d[i], 0.0); break;
                    case EXP: for (int i = from; i < to; i++) o[i] = Math.exp(d[i]); break;
                    default: for (int i = from; i < to; i++) o[i] = op.apply(d[i]);
                }
            } else {
                float[] o = out.f;
                switch (op) {
                    case NEG: for (int i = from; i < to; i++) o[i] = -f[i]; break;
                    case RELU: for (int i = from; i < to; i++) o[i] = Math.max(f[i], 0f); break;
                    default: for (int i = from; i < to; i++) o[i] = (float) op.apply(f[i]);
                }
            }
        });
        return out;
    }

    /**
     * Runs {@code body} over {@code [0, n)}: at once for small n, else in chunks of {@link Parallel#GRAIN}
     * elements (see {@link Parallel}). Each element is written by exactly one chunk.
     */
    private static void forRanges(int n, Parallel.Range body) {
        Parallel.forRanges(n, Parallel.chunks(n, 1, Integer.MAX_VALUE), body);
    }

    /**
     * This array where {@code x > 0} and +0 elsewhere (a NaN in {@code x} counts as not positive):
     * the gradient of ReLU from the gradient of its output (this) and its input {@code x}, in one
     * pass. Same as {@code this.mul(x.gt(0))} except that a masked-out element is +0 even where
     * this holds an infinity or a NaN (as PyTorch's {@code threshold_backward}).
     */
    public NDArray wherePositive(NDArray x) {
        requireFloat("wherePositive", this);
        if (dtype != x.dtype || !Arrays.equals(shape, x.shape)) {
            throw new IllegalArgumentException("wherePositive: expected an array of the same dtype and shape as " + dtype + " "
                    + Shapes.str(shape) + ", got " + x.dtype + " " + Shapes.str(x.shape));
        }
        NDArray out = zeros(dtype, shape);
        // A branch-free mask from the bits (a compare-and-select on random signs mispredicts half the time):
        // x > 0 exactly when its bits, read as a signed integer, lie in [1, bits of +infinity].
        forRanges(size, (from, to) -> {
            if (d != null) {
                double[] xs = x.d, o = out.d;
                for (int i = from; i < to; i++) {
                    long b = Double.doubleToRawLongBits(xs[i]);
                    long m = ~((b - 1) >> 63) & ~((0x7FF0000000000000L - b) >> 63);
                    o[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(d[i]) & m);
                }
            } else {
                float[] xs = x.f, o = out.f;
                for (int i = from; i < to; i++) {
                    int b = Float.floatToRawIntBits(xs[i]);
                    int m = ~((b - 1) >> 31) & ~((0x7F800000 - b) >> 31);
                    o[i] = Float.intBitsToFloat(Float.floatToRawIntBits(f[i]) & m);
                }
            }
        });
        return out;
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
        requireFloat("clamp", this);
        if (Double.isNaN(min) || Double.isNaN(max)) {
            throw new IllegalArgumentException("clamp: bounds must not be NaN, got min " + min + ", max " + max);
        }
        NDArray out = zeros(dtype, shape);
        forRanges(size, (from, to) -> {
            if (d != null) {
                for (int i = from; i < to; i++) out.d[i] = Math.min(Math.max(d[i], min), max);
            } else {
                float lo = (float) min, hi = (float) max;
                for (int i = from; i < to; i++) out.f[i] = Math.min(Math.max(f[i], lo), hi);
            }
        });
        return out;
    }

    /** Elementwise functions of two arguments. */
    public enum Binary {
        ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, EQ, NE, LT, LE, GT, GE;

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
            return name().toLowerCase();
        }
    }

    /** Applies a binary function elementwise with NumPy broadcasting; on I32 arrays only the comparisons, which give 0 or 1. */
    public NDArray zip(Binary op, NDArray other) {
        if (dtype == DType.I32 && other.dtype == DType.I32 && op.ordinal() >= Binary.EQ.ordinal()) {
            return toF64().zip(op, other.toF64()).to(DType.I32); // exact: every int is a double
        }
        requireFloat(op.opName(), this);
        requireFloat(op.opName(), other);
        if (dtype != other.dtype) return toF64().zip(op, other.toF64()); // F32 with F64: in F64, as PyTorch promotes
        if (Arrays.equals(shape, other.shape)) {
            NDArray out = zeros(dtype, shape);
            if (d != null) sameShape64(op, d, other.d, out.d);
            else sameShape32(op, f, other.f, out.f);
            return out;
        }
        int[] outShape = Shapes.broadcast(op.opName(), shape, other.shape);
        NDArray out = zeros(dtype, outShape);
        if (Arrays.equals(outShape, shape) && blockBroadcast(op, this, other, out, false)) return out;
        if (Arrays.equals(outShape, other.shape) && blockBroadcast(op, other, this, out, true)) return out;
        broadcastLoop(op, this, other, out);
        return out;
    }

    /**
     * The common broadcasts, fast: {@code small}'s non-unit axes form one contiguous block that
     * matches {@code big}'s extents there (a scalar; a bias {@code (C)} against {@code (N, C)}; a
     * per-channel {@code (C, 1, 1)} against {@code (N, C, H, W)}). Then {@code big} is
     * {@code (outer, mid, inner)} and {@code small} a vector of length {@code mid}, and every run of
     * {@code inner} elements meets one value of {@code small} (or, for {@code inner == 1}, every
     * row of {@code mid} meets all of it). Returns false, doing nothing, for any other broadcast.
     * {@code swap} computes {@code op(small, big)} instead of {@code op(big, small)}.
     */
    private static boolean blockBroadcast(Binary op, NDArray big, NDArray small, NDArray out, boolean swap) {
        int r = big.shape.length, off = r - small.shape.length;
        int first = -1, last = -1;
        for (int i = 0; i < small.shape.length; i++) {
            if (small.shape[i] != 1) {
                if (first < 0) first = i + off;
                last = i + off;
            }
        }
        int mid = small.size, inner = 1;
        if (first >= 0) {
            for (int i = first; i <= last; i++) if (small.shape[i - off] != big.shape[i]) return false;
            for (int i = last + 1; i < r; i++) inner *= big.shape[i];
        } else {
            inner = big.size; // a scalar: one run over everything
        }
        if (big.size == 0) return true;
        int outer = big.size / (mid * inner);
        if (inner == 1) {
            for (int o = 0, p = 0; o < outer; o++, p += mid) {
                if (big.d != null) rowVector64(op, big.d, p, small.d, out.d, mid, swap);
                else rowVector32(op, big.f, p, small.f, out.f, mid, swap);
            }
        } else {
            for (int o = 0, p = 0; o < outer; o++) {
                for (int c = 0; c < mid; c++, p += inner) {
                    if (big.d != null) rowScalar64(op, big.d, p, small.d[c], out.d, inner, swap);
                    else rowScalar32(op, big.f, p, small.f[c], out.f, inner, swap);
                }
            }
        }
        return true;
    }

    /** o[p+i] = op(a[p+i], b[i]) (or op(b[i], a[p+i]) when swapped), i < n. */
    private static void rowVector64(Binary op, double[] a, int p, double[] b, double[] o, int n, boolean swap) {
        switch (op) {
            case ADD: for (int i = 0; i < n; i++) o[p + i] = a[p + i] + b[i]; break;
            case MUL: for (int i = 0; i < n; i++) o[p + i] = a[p + i] * b[i]; break;
            case SUB:
                if (swap) for (int i = 0; i < n; i++) o[p + i] = b[i] - a[p + i];
                else for (int i = 0; i < n; i++) o[p + i] = a[p + i] - b[i];
                break;
            case DIV:
                if (swap) for (int i = 0; i < n; i++) o[p + i] = b[i] / a[p + i];
                else for (int i = 0; i < n; i++) o[p + i] = a[p + i] / b[i];
                break;
            default:
                if (swap) for (int i = 0; i < n; i++) o[p + i] = op.apply(b[i], a[p + i]);
                else for (int i = 0; i < n; i++) o[p + i] = op.apply(a[p + i], b[i]);
        }
    }

    private static void rowVector32(Binary op, float[] a, int p, float[] b, float[] o, int n, boolean swap) {
        switch (op) {
            case ADD: for (int i = 0; i < n; i++) o[p + i] = a[p + i] + b[i]; break;
            case MUL: for (int i = 0; i < n; i++) o[p + i] = a[p + i] * b[i]; break;
            case SUB:
                if (swap) for (int i = 0; i < n; i++) o[p + i] = b[i] - a[p + i];
                else for (int i = 0; i < n; i++) o[p + i] = a[p + i] - b[i];
                break;
            case DIV:
                if (swap) for (int i = 0; i < n; i++) o[p + i] = b[i] / a[p + i];
                else for (int i = 0; i < n; i++) o[p + i] = a[p + i] / b[i];
                break;
            default:
                if (swap) for (int i = 0; i < n; i++) o[p + i] = (float) op.apply(b[i], a[p + i]);
                else for (int i = 0; i < n; i++) o[p + i] = (float) op.apply(a[p + i], b[i]);
        }
    }

    /** o[p+i] = op(a[p+i], s) (or op(s, a[p+i]) when swapped), i < n. */
    private static void rowScalar64(Binary op, double[] a, int p, double s, double[] o, int n, boolean swap) {
        switch (op) {
            case ADD: for (int i = p; i < p + n; i++) o[i] = a[i] + s; break;
            case MUL: for (int i = p; i < p + n; i++) o[i] = a[i] * s; break;
            case SUB:
                if (swap) for (int i = p; i < p + n; i++) o[i] = s - a[i];
                else for (int i = p; i < p + n; i++) o[i] = a[i] - s;
                break;
            case DIV:
                if (swap) for (int i = p; i < p + n; i++) o[i] = s / a[i];
                else for (int i = p; i < p + n; i++) o[i] = a[i] / s;
                break;
            default:
                if (swap) for (int i = p; i < p + n; i++) o[i] = op.apply(s, a[i]);
                else for (int i = p; i < p + n; i++) o[i] = op.apply(a[i], s);
        }
    }

    private static void rowScalar32(Binary op, float[] a, int p, float s, float[] o, int n, boolean swap) {
        switch (op) {
            case ADD: for (int i = p; i < p + n; i++) o[i] = a[i] + s; break;
            case MUL: for (int i = p; i < p + n; i++) o[i] = a[i] * s; break;
            case SUB:
                if (swap) for (int i = p; i < p + n; i++) o[i] = s - a[i];
                else for (int i = p; i < p + n; i++) o[i] = a[i] - s;
                break;
            case DIV:
                if (swap) for (int i = p; i < p + n; i++) o[i] = s / a[i];
                else for (int i = p; i < p + n; i++) o[i] = a[i] / s;
                break;
            default:
                if (swap) for (int i = p; i < p + n; i++) o[i] = (float) op.apply(s, a[i]);
                else for (int i = p; i < p + n; i++) o[i] = (float) op.apply(a[i], s);
        }
    }

    private static void sameShape64(Binary op, double[] a, double[] b, double[] o) {
        int n = o.length;
        switch (op) {
            case ADD: for (int i = 0; i < n; i++) o[i] = a[i] + b[i]; break;
            case SUB: for (int i = 0; i < n; i++) o[i] = a[i] - b[i]; break;
            case MUL: for (int i = 0; i < n; i++) o[i] = a[i] * b[i]; break;
            case DIV: for (int i = 0; i < n; i++) o[i] = a[i] / b[i]; break;
            default: for (int i = 0; i < n; i++) o[i] = op.apply(a[i], b[i]);
        }
    }

    private static void sameShape32(Binary op, float[] a, float[] b, float[] o) {
        int n = o.length;
        switch (op) {
            case ADD: for (int i = 0; i < n; i++) o[i] = a[i] + b[i]; break;
            case SUB: for (int i = 0; i < n; i++) o[i] = a[i] - b[i]; break;
            case MUL: for (int i = 0; i < n; i++) o[i] = a[i] * b[i]; break;
            case DIV: for (int i = 0; i < n; i++) o[i] = a[i] / b[i]; break;
            default: for (int i = 0; i < n; i++) o[i] = (float) op.apply(a[i], b[i]);
        }
    }

    /** General broadcasting: walks the output, with stride 0 along broadcast axes. */
    private static void broadcastLoop(Binary op, NDArray a, NDArray b, NDArray out) {
        int[] os = out.shape;
        int r = os.length;
        int[] sa = broadcastStrides(a.shape, r);
        int[] sb = broadcastStrides(b.shape, r);
        int inner = r == 0 ? 1 : os[r - 1];
        int ia = r == 0 ? 0 : sa[r - 1], ib = r == 0 ? 0 : sb[r - 1];
        int[] idx = new int[r];
        int outer = inner == 0 ? 0 : out.size / inner;
        int pa = 0, pb = 0, po = 0;
        for (int o = 0; o < outer; o++) {
            if (out.d != null) {
                double[] ad = a.d, bd = b.d, od = out.d;
                for (int j = 0, xa = pa, xb = pb; j < inner; j++, xa += ia, xb += ib) od[po + j] = op.apply(ad[xa], bd[xb]);
            } else {
                float[] af = a.f, bf = b.f, of = out.f;
                for (int j = 0, xa = pa, xb = pb; j < inner; j++, xa += ia, xb += ib) of[po + j] = (float) op.apply(af[xa], bf[xb]);
            }
            po += inner;
            // advance the multi-index over all but the last axis
            for (int ax = r - 2; ax >= 0; ax--) {
                idx[ax]++;
                pa += sa[ax];
                pb += sb[ax];
                if (idx[ax] < os[ax]) break;
                pa -= sa[ax] * os[ax];
                pb -= sb[ax] * os[ax];
                idx[ax] = 0;
            }
        }
    }

    /** Strides of {@code shape} seen as a rank-{@code r} array broadcast against others: 0 along size-1 axes. */
    static int[] broadcastStrides(int[] shape, int r) {
        int[] st = Shapes.strides(shape);
        int[] out = new int[r];
        int off = r - shape.length;
        for (int i = 0; i < shape.length; i++) out[i + off] = shape[i] == 1 ? 0 : st[i];
        return out;
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
        DType common = DType.promote(a.dtype, b.dtype);
        if (common == null) throw new IllegalArgumentException("where: dtypes " + a.dtype + " and " + b.dtype + " differ; convert one with to()");
        if (a.dtype != b.dtype) return where(cond, a.to(common), b.to(common));
        int[] s = Shapes.broadcast("where", Shapes.broadcast("where", cond.shape, a.shape), b.shape);
        NDArray c = cond.broadcastTo(s), x = a.broadcastTo(s), y = b.broadcastTo(s);
        NDArray out = zeros(a.dtype, s);
        for (int i = 0; i < out.size; i++) out.setFlat(i, c.getFlat(i) != 0 ? x.getFlat(i) : y.getFlat(i));
        return out;
    }

    /** This array repeated along broadcast axes to the given shape (itself if the shape is unchanged). */
    public NDArray broadcastTo(int... target) {
        if (Arrays.equals(shape, target)) return this;
        if (!Shapes.broadcastsTo(shape, target)) {
            throw new IllegalArgumentException("broadcastTo: shape " + Shapes.str(shape) + " does not broadcast to " + Shapes.str(target));
        }
        // A copy, not 0 + x, so that -0.0 stays -0.0.
        return strided(target.clone(), broadcastStrides(shape, target.length));
    }

    /** A new contiguous array of shape {@code os} whose element at index i reads this one at Σ iₖ·stridesₖ. */
    private NDArray strided(int[] os, int[] strides) {
        NDArray out = zeros(dtype, os);
        int r = os.length;
        if (out.size == 0) return out;
        if (r == 0) {
            System.arraycopy(data, 0, out.data, 0, 1);
            return out;
        }
        if (transposeInTiles(os, strides, out)) return out;
        // Row by row along the last axis, so the per-element work is a copy, a fill (a broadcast
        // axis) or a strided gather, and the index carry runs once per row.
        int inner = os[r - 1], step = strides[r - 1], rows = out.size / inner;
        int[] idx = new int[r - 1];
        int src = 0;
        for (int row = 0, o = 0; row < rows; row++, o += inner) {
            if (step == 1) System.arraycopy(data, src, out.data, o, inner);
            else if (d != null) {
                if (step == 0) Arrays.fill(out.d, o, o + inner, d[src]);
                else for (int t = 0, sp = src; t < inner; t++, sp += step) out.d[o + t] = d[sp];
            } else if (f != null) {
                if (step == 0) Arrays.fill(out.f, o, o + inner, f[src]);
                else for (int t = 0, sp = src; t < inner; t++, sp += step) out.f[o + t] = f[sp];
            } else {
                if (step == 0) Arrays.fill(out.ints, o, o + inner, ints[src]);
                else for (int t = 0, sp = src; t < inner; t++, sp += step) out.ints[o + t] = ints[sp];
            }
            for (int ax = r - 2; ax >= 0; ax--) {
                idx[ax]++;
                src += strides[ax];
                if (idx[ax] < os[ax]) break;
                src -= strides[ax] * os[ax];
                idx[ax] = 0;
            }
        }
        return out;
    }

    /** Side of the square tiles of {@link #transposeInTiles}: 16 rows of 16 elements stay in L1 on both sides. */
    private static final int TILE = 16;

    /**
     * The permutes that move the input's last axis away from the end (the locally connected
     * layers' (N, K, P) -> (P, K, N), and their gradients) read one element per cache line when
     * copied row by row: the output row's elements lie {@code step} apart in the input. When an
     * output axis {@code j} reads the input with stride 1, each pair (axis j, last axis) is a 2-D
     * transpose, done here in TILE×TILE tiles, so that every cache line read is used TILE times
     * before it is evicted. Returns false, doing nothing, when there is no such axis or the
     * arrays are small.
     */
    private boolean transposeInTiles(int[] os, int[] strides, NDArray out) {
        int r = os.length;
        if (r < 2 || out.size < 4096) return false;
        int inner = os[r - 1], step = strides[r - 1];
        if (step <= 1 || inner < TILE) return false;
        int j = -1;
        for (int k = r - 2; k >= 0; k--) {
            if (strides[k] == 1 && os[k] >= TILE) {
                j = k;
                break;
            }
        }
        if (j < 0) return false;
        int[] outStrides = Shapes.strides(os);
        int rowsJ = os[j], outStrideJ = outStrides[j];
        // The other axes (all but j and the last), walked with an odometer.
        int[] idx = new int[r];
        int blocks = out.size / (rowsJ * inner);
        int src = 0, dst = 0;
        for (int b = 0; b < blocks; b++) {
            for (int a0 = 0; a0 < rowsJ; a0 += TILE) {
                int a1 = Math.min(a0 + TILE, rowsJ);
                for (int t0 = 0; t0 < inner; t0 += TILE) {
                    int t1 = Math.min(t0 + TILE, inner);
                    for (int a = a0; a < a1; a++) {
                        int o = dst + a * outStrideJ, i = src + a + t0 * step;
                        if (d != null) for (int t = t0; t < t1; t++, i += step) out.d[o + t] = d[i];
                        else if (f != null) for (int t = t0; t < t1; t++, i += step) out.f[o + t] = f[i];
                        else for (int t = t0; t < t1; t++, i += step) out.ints[o + t] = ints[i];
                    }
                }
            }
            for (int ax = r - 2; ax >= 0; ax--) {
                if (ax == j) continue;
                idx[ax]++;
                src += strides[ax];
                dst += outStrides[ax];
                if (idx[ax] < os[ax]) break;
                src -= strides[ax] * os[ax];
                dst -= outStrides[ax] * os[ax];
                idx[ax] = 0;
            }
        }
        return true;
    }

    /**
     * Sums this array down to a shape it was broadcast from (the adjoint of {@link #broadcastTo}).
     */
    public NDArray sumTo(int... target) {
        requireFloat("sumTo", this);
        if (Arrays.equals(shape, target)) return this;
        if (!Shapes.broadcastsTo(target, shape)) {
            throw new IllegalArgumentException("sumTo: shape " + Shapes.str(shape) + " cannot be summed to " + Shapes.str(target));
        }
        int lead = shape.length - target.length;
        int[] axes = new int[shape.length];
        int n = 0;
        for (int i = 0; i < shape.length; i++) {
            if (i < lead || (target[i - lead] == 1 && shape[i] != 1)) axes[n++] = i;
        }
        NDArray s = n == 0 ? this : sum(Arrays.copyOf(axes, n), true);
        return s.reshape(target);
    }

    // ---------------------------------------------------------------- reductions

    /** Reduction kinds along axes. */
    public enum Reduce { SUM, MAX, MIN }

    /** Reduces over {@code axes} (all axes when empty); keeps them as size 1 when {@code keepDims}. */
    public NDArray reduce(Reduce kind, int[] axes, boolean keepDims) {
        String op = kind.name().toLowerCase();
        requireFloat(op, this);
        int[] ax = Shapes.axes(op, axes, shape.length);
        if (kind != Reduce.SUM) {
            for (int a : ax) {
                if (shape[a] == 0) throw new IllegalArgumentException(op + ": axis " + a + " of shape " + Shapes.str(shape) + " is empty");
            }
        }
        int[] kept = shape.clone();
        for (int a : ax) kept[a] = 1;
        // Adjacent reduced axes are one axis of the product's length (a row-major reshape), so the
        // bias gradient's (N, C, H, W) -> C is two passes, not three, and sums over H·W in one run.
        boolean[] reduced = new boolean[shape.length];
        for (int a : ax) reduced[a] = true;
        int[] merged = new int[shape.length];
        boolean[] mergedReduced = new boolean[shape.length];
        int m = 0;
        for (int i = 0; i < shape.length; i++) {
            if (i > 0 && reduced[i] && reduced[i - 1]) {
                merged[m - 1] *= shape[i];
            } else {
                merged[m] = shape[i];
                mergedReduced[m++] = reduced[i];
            }
        }
        NDArray cur = m == shape.length ? this : reshape(Arrays.copyOf(merged, m));
        // One axis at a time, highest first, so every pass is an (outer, n, inner) loop.
        for (int i = m - 1; i >= 0; i--) if (mergedReduced[i]) cur = cur.reduceAxis(kind, i);
        if (ax.length == 0) cur = reduceAxisScalar(kind);
        if (keepDims) return cur.reshape(kept);
        return cur.reshape(Shapes.drop(shape, ax));
    }

    private NDArray reduceAxisScalar(Reduce kind) {
        return scalar(dtype, getFlat(0)); // rank-0 input: nothing to reduce
    }

    private NDArray reduceAxis(Reduce kind, int axis) {
        int n = shape[axis];
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        int outer = n * inner == 0 ? 0 : size / (n * inner);
        if (n * inner == 0) {
            outer = 1;
            for (int i = 0; i < axis; i++) outer *= shape[i];
        }
        int[] os = shape.clone();
        os[axis] = 1;
        NDArray out = zeros(dtype, os);
        if (kind == Reduce.SUM) {
            sumAxis(outer, n, inner, out);
            return out;
        }
        for (int o = 0; o < outer; o++) {
            int base = o * n * inner;
            for (int j = 0; j < inner; j++) {
                double acc = getFlat(base + j);
                for (int k = 0; k < n; k++) {
                    double v = getFlat(base + k * inner + j);
                    switch (kind) {
                        case SUM: acc += v; break;
                        case MAX: acc = (v > acc || Double.isNaN(v)) ? v : acc; break;
                        default: acc = (v < acc || Double.isNaN(v)) ? v : acc;
                    }
                }
                out.setFlat(o * inner + j, acc);
            }
        }
        return out;
    }

    /**
     * Sums this (outer, n, inner) array over n into {@code out} (outer, inner), in double. Walking
     * k outside j reads the input in storage order instead of with stride {@code inner}; a
     * contiguous run (inner = 1) is summed in four interleaved parts.
     */
    private void sumAxis(int outer, int n, int inner, NDArray out) {
        // Rows of the output are independent: a large input with many of them is split by rows,
        // and each output is summed by one chunk in one order.
        Parallel.forRanges(outer, Parallel.chunks(outer, (long) n * inner, Integer.MAX_VALUE), (from, to) -> sumRows(from, to, n, inner, out));
    }

    private void sumRows(int from, int to, int n, int inner, NDArray out) {
        double[] acc = new double[inner];
        for (int o = from; o < to; o++) {
            int base = o * n * inner;
            if (inner == 1) {
                // Four running sums, so that the adds do not wait on one another.
                double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                int k = 0;
                if (d != null) {
                    for (; k + 3 < n; k += 4) {
                        a0 += d[base + k];
                        a1 += d[base + k + 1];
                        a2 += d[base + k + 2];
                        a3 += d[base + k + 3];
                    }
                    for (; k < n; k++) a0 += d[base + k];
                } else {
                    for (; k + 3 < n; k += 4) {
                        a0 += f[base + k];
                        a1 += f[base + k + 1];
                        a2 += f[base + k + 2];
                        a3 += f[base + k + 3];
                    }
                    for (; k < n; k++) a0 += f[base + k];
                }
                acc[0] = (a0 + a1) + (a2 + a3);
            } else {
                Arrays.fill(acc, 0);
                for (int k = 0, p = base; k < n; k++, p += inner) {
                    if (d != null) for (int j = 0; j < inner; j++) acc[j] += d[p + j];
                    else for (int j = 0; j < inner; j++) acc[j] += f[p + j];
                }
            }
            if (out.d != null) System.arraycopy(acc, 0, out.d, o * inner, inner);
            else for (int j = 0; j < inner; j++) out.f[o * inner + j] = (float) acc[j];
        }
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
        int a = Shapes.axis("argmax", axis, shape.length);
        int n = shape[a];
        if (n == 0) throw new IllegalArgumentException("argmax: axis " + a + " of shape " + Shapes.str(shape) + " is empty");
        int inner = 1;
        for (int i = a + 1; i < shape.length; i++) inner *= shape[i];
        int outer = 1;
        for (int i = 0; i < a; i++) outer *= shape[i];
        int[] os = shape.clone();
        os[a] = 1;
        NDArray out = zeros(DType.F64, os);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int best = 0;
                double bv = getFlat(o * n * inner + j);
                for (int k = 1; k < n; k++) {
                    double v = getFlat(o * n * inner + k * inner + j);
                    if (v > bv || (Double.isNaN(v) && !Double.isNaN(bv))) {
                        bv = v;
                        best = k;
                    }
                }
                out.setFlat(o * inner + j, best);
            }
        }
        return keepDims ? out : out.reshape(Shapes.drop(os, new int[] {a}));
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
        int r = shape.length;
        if (perm.length != r) throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " for shape " + Shapes.str(shape));
        boolean[] seen = new boolean[r];
        boolean identity = true;
        int[] p = new int[r];
        for (int i = 0; i < r; i++) {
            p[i] = Shapes.axis("permute", perm[i], r);
            if (seen[p[i]]) throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " repeats an axis");
            seen[p[i]] = true;
            identity &= p[i] == i;
        }
        if (identity) return this;
        int[] os = new int[r];
        for (int i = 0; i < r; i++) os[i] = shape[p[i]];
        int[] st = Shapes.strides(shape);
        int[] srcStride = new int[r];
        for (int i = 0; i < r; i++) srcStride[i] = st[p[i]];
        return strided(os, srcStride);
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
        int a = Shapes.axis("slice", axis, shape.length);
        int n = shape[a];
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        if (start < 0) start += n;
        if (end < 0) end += n;
        if (start < 0 || start > n || end < start || end > n) {
            throw new IllegalArgumentException("slice: [" + start + ", " + end + ") is not within axis " + a + " of shape " + Shapes.str(shape));
        }
        int m = (end - start + step - 1) / step;
        int inner = 1;
        for (int i = a + 1; i < shape.length; i++) inner *= shape[i];
        int outer = 1;
        for (int i = 0; i < a; i++) outer *= shape[i];
        int[] os = shape.clone();
        os[a] = m;
        NDArray out = zeros(dtype, os);
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < m; k++) {
                int src = (o * n + start + k * step) * inner, dst = (o * m + k) * inner;
                System.arraycopy(data, src, out.data, dst, inner);
            }
        }
        return out;
    }

    /** {@code slice(axis, start, end, 1)}. */
    public NDArray slice(int axis, int start, int end) {
        return slice(axis, start, end, 1);
    }

    /** Joins arrays along an existing axis; every other extent must agree. */
    public static NDArray concat(int axis, NDArray... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat: no arrays given");
        NDArray first = parts[0];
        int r = first.shape.length;
        int a = Shapes.axis("concat", axis, r);
        int total = 0;
        for (int p = 0; p < parts.length; p++) {
            NDArray x = parts[p];
            if (x.dtype != first.dtype) {
                // F32 with F64 joins in F64 (as torch.cat promotes); I32 with a float type is refused
                if (DType.promote(x.dtype, first.dtype) == null) {
                    throw new IllegalArgumentException("concat: array " + p + " is " + x.dtype + ", array 0 is " + first.dtype + "; convert one with to()");
                }
                NDArray[] wide = new NDArray[parts.length];
                for (int q = 0; q < parts.length; q++) wide[q] = parts[q].to(DType.F64);
                return concat(axis, wide);
            }
            boolean ok = x.shape.length == r;
            for (int i = 0; ok && i < r; i++) ok = i == a || x.shape[i] == first.shape[i];
            if (!ok) {
                throw new IllegalArgumentException("concat: along axis " + a + ", array " + p + " has shape " + Shapes.str(x.shape)
                        + " but array 0 has " + Shapes.str(first.shape));
            }
            total += x.shape[a];
        }
        int[] os = first.shape.clone();
        os[a] = total;
        NDArray out = zeros(first.dtype, os);
        int inner = 1;
        for (int i = a + 1; i < r; i++) inner *= os[i];
        int outer = 1;
        for (int i = 0; i < a; i++) outer *= os[i];
        int offset = 0;
        for (NDArray x : parts) {
            int block = x.shape[a] * inner;
            for (int o = 0; o < outer; o++) {
                int dst = o * total * inner + offset;
                System.arraycopy(x.data, o * block, out.data, dst, block);
            }
            offset += block;
        }
        return out;
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
        int r = shape.length;
        if (widths.length > r) throw new IllegalArgumentException("pad: " + widths.length + " pad widths for rank " + r);
        int[] before = new int[r], os = shape.clone();
        int off = r - widths.length;
        for (int i = 0; i < widths.length; i++) {
            if (widths[i].length != 2 || widths[i][0] < 0 || widths[i][1] < 0) {
                throw new IllegalArgumentException("pad: widths for axis " + (i + off) + " must be {before, after} >= 0, got " + Arrays.toString(widths[i]));
            }
            before[i + off] = widths[i][0];
            os[i + off] += widths[i][0] + widths[i][1];
        }
        NDArray out = full(dtype, value, os);
        copyInto(out, before);
        return out;
    }

    /** Writes this array into {@code dst} at the given per-axis offsets. */
    private void copyInto(NDArray dst, int[] offsets) {
        int r = shape.length;
        if (size == 0) return;
        int inner = r == 0 ? 1 : shape[r - 1];
        int[] dstStrides = Shapes.strides(dst.shape);
        int[] idx = new int[r];
        for (int src = 0; src < size; src += inner) {
            int dpos = 0;
            for (int i = 0; i < r; i++) dpos += (idx[i] + offsets[i]) * dstStrides[i];
            System.arraycopy(data, src, dst.data, dpos, inner);
            for (int ax = r - 2; ax >= 0; ax--) {
                if (++idx[ax] < shape[ax]) break;
                idx[ax] = 0;
            }
        }
    }

    /** Picks the slices at {@code indices} along one axis (an index may repeat). */
    public NDArray indexSelect(int axis, int[] indices) {
        int a = Shapes.axis("indexSelect", axis, shape.length);
        int n = shape[a];
        int inner = 1;
        for (int i = a + 1; i < shape.length; i++) inner *= shape[i];
        int outer = 1;
        for (int i = 0; i < a; i++) outer *= shape[i];
        int[] os = shape.clone();
        os[a] = indices.length;
        NDArray out = zeros(dtype, os);
        for (int k = 0; k < indices.length; k++) {
            if (indices[k] < 0 || indices[k] >= n) {
                throw new IndexOutOfBoundsException("indexSelect: index " + indices[k] + " at position " + k + " is out of range for axis " + a + " of shape " + Shapes.str(shape));
            }
        }
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < indices.length; k++) {
                int src = (o * n + indices[k]) * inner, dst = (o * indices.length + k) * inner;
                System.arraycopy(data, src, out.data, dst, inner);
            }
        }
        return out;
    }

    /**
     * The adjoint of {@link #indexSelect}: a zero array whose axis {@code axis} has extent {@code n},
     * with slice k of this array added at position {@code indices[k]} (repeats accumulate).
     */
    public NDArray scatterAdd(int axis, int[] indices, int n) {
        requireFloat("scatterAdd", this);
        int a = Shapes.axis("scatterAdd", axis, shape.length);
        if (shape[a] != indices.length) {
            throw new IllegalArgumentException("scatterAdd: " + indices.length + " indices for axis " + a + " of shape " + Shapes.str(shape));
        }
        int inner = 1;
        for (int i = a + 1; i < shape.length; i++) inner *= shape[i];
        int outer = 1;
        for (int i = 0; i < a; i++) outer *= shape[i];
        int[] os = shape.clone();
        os[a] = n;
        NDArray out = zeros(dtype, os);
        int m = indices.length;
        for (int k = 0; k < m; k++) {
            if (indices[k] < 0 || indices[k] >= n) {
                throw new IndexOutOfBoundsException("scatterAdd: index " + indices[k] + " at position " + k + " is out of range [0, " + n + ")");
            }
        }
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < m; k++) {
                int src = (o * m + k) * inner, dst = (o * n + indices[k]) * inner;
                if (d != null) for (int j = 0; j < inner; j++) out.d[dst + j] += d[src + j];
                else for (int j = 0; j < inner; j++) out.f[dst + j] += f[src + j];
            }
        }
        return out;
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
        int a = Shapes.axis("gather", axis, shape.length);
        checkIndexShape("gather", a, index, shape, null);
        NDArray out = zeros(dtype, index.shape);
        indexWalk("gather", a, index, shape, index.shape, (src, dst) -> out.copyElement(dst, this, src));
        return out;
    }

    /**
     * This array plus {@code src} scattered along {@code axis} by an I32 index (PyTorch's
     * out-of-place {@code scatter_add}): for axis 0, {@code out[index[i][j]][j] += src[i][j]},
     * repeats accumulating. The index has the rank of both; it may be smaller than {@code src}
     * along every axis (the rest of src is not used) and than this array along the others.
     * The adjoint of {@link #gather}: {@code zeros.scatterAdd(axis, index, g)} is gather's gradient.
     */
    public NDArray scatterAdd(int axis, NDArray index, NDArray src) {
        requireFloat("scatterAdd", this);
        requireFloat("scatterAdd", src);
        int a = Shapes.axis("scatterAdd", axis, shape.length);
        if (src.dtype != dtype) {
            throw new IllegalArgumentException("scatterAdd: dtypes " + dtype + " and " + src.dtype + " of the array and the source differ; convert one with to()");
        }
        checkIndexShape("scatterAdd", a, index, shape, src.shape);
        NDArray out = copy();
        if (d != null) indexWalk("scatterAdd", a, index, shape, src.shape, (dst, s) -> out.d[dst] += src.d[s]);
        else indexWalk("scatterAdd", a, index, shape, src.shape, (dst, s) -> out.f[dst] += src.f[s]);
        return out;
    }

    private void copyElement(int at, NDArray from, int src) {
        if (d != null) d[at] = from.d[src];
        else if (f != null) f[at] = from.f[src];
        else ints[at] = from.ints[src];
    }

    /**
     * The index of a gather or scatter: I32, of the rank of {@code target}, no larger than it along
     * the axes other than {@code axis}, and no larger than {@code source} (when given) along any.
     */
    private static void checkIndexShape(String op, int axis, NDArray index, int[] target, int[] source) {
        if (index.dtype != DType.I32) {
            throw new IllegalArgumentException(op + ": the index must be I32, got " + index.dtype + " " + Shapes.str(index.shape) + "; convert it with to(I32)");
        }
        String of = source == null ? "the input " + Shapes.str(target) : "the array " + Shapes.str(target) + " and the source " + Shapes.str(source);
        if (index.rank() != target.length || (source != null && source.length != target.length)) {
            throw new IllegalArgumentException(op + ": the index " + Shapes.str(index.shape) + " must have the rank of " + of);
        }
        for (int d = 0; d < target.length; d++) {
            if ((d != axis && index.shape[d] > target[d]) || (source != null && index.shape[d] > source[d])) {
                throw new IllegalArgumentException(op + ": the index " + Shapes.str(index.shape) + " is larger than " + of + " along axis " + d);
            }
        }
    }

    /** A position in the target and the same multi-index's position in the source (or the output of a gather). */
    private interface IndexVisitor {
        void visit(int target, int source);
    }

    /**
     * Walks every element of {@code index} in order: its multi-index, with the entry itself in
     * place of the coordinate along {@code axis}, addresses an element of {@code target}; the
     * multi-index as it is addresses one of {@code source}. An entry out of [0, target[axis]) is an
     * error naming its value and position.
     */
    private static void indexWalk(String op, int axis, NDArray index, int[] target, int[] source, IndexVisitor body) {
        int r = target.length, n = target[axis];
        int[] ts = Shapes.strides(target), ss = Shapes.strides(source), is = index.shape, idx = new int[r];
        int[] ix = index.ints;
        int base = 0, src = 0; // target offset without the axis coordinate; source offset
        for (int k = 0; k < ix.length; k++) {
            int v = ix[k];
            if (v < 0 || v >= n) {
                throw new IndexOutOfBoundsException(op + ": index " + v + " at position " + Arrays.toString(idx) + " is out of range for axis "
                        + axis + " of size " + n + " (shape " + Shapes.str(target) + ")");
            }
            body.visit(base + v * ts[axis], src);
            for (int d = r - 1; d >= 0; d--) {
                idx[d]++;
                src += ss[d];
                if (d != axis) base += ts[d];
                if (idx[d] < is[d]) break;
                src -= ss[d] * is[d];
                if (d != axis) base -= ts[d] * is[d];
                idx[d] = 0;
            }
        }
    }

    /** Rows of the identity: {@code [labels.length, classes]} with a one at each label. */
    public static NDArray oneHot(DType dtype, int[] labels, int classes) {
        NDArray out = zeros(dtype, labels.length, classes);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("oneHot: label " + labels[i] + " at position " + i + " is not in [0, " + classes + ")");
            }
            out.setFlat(i * classes + labels[i], 1);
        }
        return out;
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
