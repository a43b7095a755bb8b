package dev.motif.array;

import dev.motif.array.NDArray.Binary;
import dev.motif.array.NDArray.Unary;

/**
 * Elementwise kernels over arrays of one shape: unary functions, clamp, ReLU's gradient mask and
 * binary ops between arrays of the same shape. The dtype is looked at once per op, to pick the
 * F64 or F32 loops; large arrays are cut into chunks by {@link Parallel}.
 */
abstract class Elementwise {
    private static final Elementwise F64 = new F64Loops(), F32 = new F32Loops();

    /** The loops for a float array's dtype; I32 is refused, naming the op. */
    private static Elementwise of(String op, NDArray a) {
        NDArray.requireFloat(op, a);
        return a.dtype == DType.F64 ? F64 : F32;
    }

    /** Runs {@code body} over {@code [0, n)}: at once for small n, else in chunks of {@link Parallel#GRAIN} elements. */
    static void forRanges(int n, Parallel.Range body) {
        Parallel.forRanges(n, Parallel.chunks(n, 1, Integer.MAX_VALUE), body);
    }

    static NDArray map(Unary op, NDArray x) {
        Elementwise k = of(op.opName(), x);
        NDArray out = NDArray.zeros(x.dtype, x.shape);
        forRanges(x.size, (from, to) -> k.unary(op, x.data, out.data, from, to));
        return out;
    }

    static NDArray clamp(NDArray x, double min, double max) {
        Elementwise k = of("clamp", x);
        if (Double.isNaN(min) || Double.isNaN(max)) {
            throw new IllegalArgumentException("clamp: bounds must not be NaN, got min " + min + ", max " + max);
        }
        NDArray out = NDArray.zeros(x.dtype, x.shape);
        forRanges(x.size, (from, to) -> k.clamp(x.data, out.data, min, max, from, to));
        return out;
    }

    static NDArray wherePositive(NDArray g, NDArray x) {
        Elementwise k = of("wherePositive", g);
        if (g.dtype != x.dtype || !java.util.Arrays.equals(g.shape, x.shape)) {
            throw new IllegalArgumentException("wherePositive: expected an array of the same dtype and shape as " + g.dtype + " "
                    + Shapes.str(g.shape) + ", got " + x.dtype + " " + Shapes.str(x.shape));
        }
        NDArray out = NDArray.zeros(g.dtype, g.shape);
        forRanges(g.size, (from, to) -> k.wherePositive(g.data, x.data, out.data, from, to));
        return out;
    }

    /** op(a, b) for float arrays of one shape and dtype. */
    static NDArray sameShape(Binary op, NDArray a, NDArray b) {
        NDArray out = NDArray.zeros(a.dtype, a.shape);
        of(op.opName(), a).binary(op, a.data, b.data, out.data, a.size);
        return out;
    }

    abstract void unary(Unary op, Object in, Object out, int from, int to);

    abstract void clamp(Object in, Object out, double min, double max, int from, int to);

    /**
     * g where x > 0, +0 elsewhere, from a branch-free mask (a compare-and-select on random signs
     * mispredicts half the time): x > 0 exactly when its bits, read as a signed integer, lie in
     * [1, bits of +infinity].
     */
    abstract void wherePositive(Object g, Object x, Object out, int from, int to);

    abstract void binary(Binary op, Object a, Object b, Object out, int n);

    private static final class F64Loops extends Elementwise {
        @Override
        void unary(Unary op, Object in, Object out, int from, int to) {
            double[] x = (double[]) in, o = (double[]) out;
            switch (op) {
                case NEG: for (int i = from; i < to; i++) o[i] = -x[i]; break;
                // Math.max keeps NaN and gives +0 for -0 and negatives, as RELU's definition; unlike a
                // comparison it compiles without a branch, which on random signs mispredicts half the time.
                case RELU: for (int i = from; i < to; i++) o[i] = Math.max(x[i], 0.0); break;
                case EXP: for (int i = from; i < to; i++) o[i] = Math.exp(x[i]); break;
                default: for (int i = from; i < to; i++) o[i] = op.apply(x[i]);
            }
        }

        @Override
        void clamp(Object in, Object out, double min, double max, int from, int to) {
            double[] x = (double[]) in, o = (double[]) out;
            for (int i = from; i < to; i++) o[i] = Math.min(Math.max(x[i], min), max);
        }

        @Override
        void wherePositive(Object g, Object x, Object out, int from, int to) {
            double[] gs = (double[]) g, xs = (double[]) x, o = (double[]) out;
            for (int i = from; i < to; i++) {
                long b = Double.doubleToRawLongBits(xs[i]);
                long m = ~((b - 1) >> 63) & ~((0x7FF0000000000000L - b) >> 63);
                o[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(gs[i]) & m);
            }
        }

        @Override
        void binary(Binary op, Object a, Object b, Object out, int n) {
            double[] x = (double[]) a, y = (double[]) b, o = (double[]) out;
            switch (op) {
                case ADD: for (int i = 0; i < n; i++) o[i] = x[i] + y[i]; break;
                case SUB: for (int i = 0; i < n; i++) o[i] = x[i] - y[i]; break;
                case MUL: for (int i = 0; i < n; i++) o[i] = x[i] * y[i]; break;
                case DIV: for (int i = 0; i < n; i++) o[i] = x[i] / y[i]; break;
                default: for (int i = 0; i < n; i++) o[i] = op.apply(x[i], y[i]);
            }
        }
    }

    private static final class F32Loops extends Elementwise {
        @Override
        void unary(Unary op, Object in, Object out, int from, int to) {
            float[] x = (float[]) in, o = (float[]) out;
            switch (op) {
                case NEG: for (int i = from; i < to; i++) o[i] = -x[i]; break;
                case RELU: for (int i = from; i < to; i++) o[i] = Math.max(x[i], 0f); break;
                default: for (int i = from; i < to; i++) o[i] = (float) op.apply(x[i]);
            }
        }

        @Override
        void clamp(Object in, Object out, double min, double max, int from, int to) {
            float[] x = (float[]) in, o = (float[]) out;
            float lo = (float) min, hi = (float) max;
            for (int i = from; i < to; i++) o[i] = Math.min(Math.max(x[i], lo), hi);
        }

        @Override
        void wherePositive(Object g, Object x, Object out, int from, int to) {
            float[] gs = (float[]) g, xs = (float[]) x, o = (float[]) out;
            for (int i = from; i < to; i++) {
                int b = Float.floatToRawIntBits(xs[i]);
                int m = ~((b - 1) >> 31) & ~((0x7F800000 - b) >> 31);
                o[i] = Float.intBitsToFloat(Float.floatToRawIntBits(gs[i]) & m);
            }
        }

        @Override
        void binary(Binary op, Object a, Object b, Object out, int n) {
            float[] x = (float[]) a, y = (float[]) b, o = (float[]) out;
            switch (op) {
                case ADD: for (int i = 0; i < n; i++) o[i] = x[i] + y[i]; break;
                case SUB: for (int i = 0; i < n; i++) o[i] = x[i] - y[i]; break;
                case MUL: for (int i = 0; i < n; i++) o[i] = x[i] * y[i]; break;
                case DIV: for (int i = 0; i < n; i++) o[i] = x[i] / y[i]; break;
                default: for (int i = 0; i < n; i++) o[i] = (float) op.apply(x[i], y[i]);
            }
        }
    }
}
