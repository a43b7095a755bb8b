package dev.motif.array;

import dev.motif.array.NDArray.Reduce;

import java.util.Arrays;

/**
 * Reductions along axes (sum, max, min) and argmax. Adjacent reduced axes are merged into one, then
 * one axis is reduced at a time as an (outer, n, inner) loop that reads the input in storage
 * order; sums are taken in double. The dtype picks the F64 or F32 loops once per pass.
 */
abstract class Reduction {
    private static final Reduction F64 = new F64Loops(), F32 = new F32Loops();

    /** Reduces {@code a} over {@code axes} (all axes when empty); keeps them as size 1 when {@code keepDims}. */
    static NDArray reduce(Reduce kind, NDArray a, int[] axes, boolean keepDims) {
        String op = kind.opName();
        NDArray.requireFloat(op, a);
        int[] shape = a.shape;
        int[] ax = Shapes.axes(op, axes, shape.length);
        if (kind != Reduce.SUM) {
            for (int i : ax) {
                if (shape[i] == 0) throw new IllegalArgumentException(op + ": axis " + i + " of shape " + Shapes.str(shape) + " is empty");
            }
        }
        int[] kept = shape.clone();
        for (int i : ax) kept[i] = 1;
        // Adjacent reduced axes are one axis of the product's length (a row-major reshape), so the
        // bias gradient's (N, C, H, W) -> C is two passes, not three, and sums over H·W in one run.
        boolean[] reduced = new boolean[shape.length];
        for (int i : ax) reduced[i] = true;
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
        Reduction k = a.dtype == DType.F64 ? F64 : F32;
        NDArray cur = m == shape.length ? a : a.reshape(Arrays.copyOf(merged, m));
        // One axis at a time, highest first, so every pass is an (outer, n, inner) loop.
        for (int i = m - 1; i >= 0; i--) if (mergedReduced[i]) cur = k.axis(kind, cur, i);
        if (ax.length == 0) cur = NDArray.scalar(a.dtype, a.getFlat(0)); // rank 0: nothing to reduce
        return cur.reshape(keepDims ? kept : Shapes.drop(shape, ax));
    }

    /** One reduced axis: (outer, n, inner) to (outer, 1, inner). */
    private NDArray axis(Reduce kind, NDArray a, int axis) {
        int[] shape = a.shape;
        int n = shape[axis];
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        int outer = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        int[] os = shape.clone();
        os[axis] = 1;
        NDArray out = NDArray.zeros(a.dtype, os);
        int in = inner;
        if (kind == Reduce.SUM) {
            // Rows of the output are independent: a large input with many of them is split by rows,
            // and each output is summed by one chunk in one order.
            Parallel.forRanges(outer, Parallel.chunks(outer, (long) n * inner, Integer.MAX_VALUE), (from, to) -> sumRows(a.data, from, to, n, in, out.data));
        } else {
            extremeRows(kind == Reduce.MAX, a.data, outer, n, inner, out.data);
        }
        return out;
    }

    /**
     * Sums rows {@code [from, to)} of an (outer, n, inner) array over n, in double. Walking k
     * outside j reads the input in storage order instead of with stride {@code inner}; a
     * contiguous run (inner = 1) is summed in four interleaved parts, so that the adds do not
     * wait on one another.
     */
    abstract void sumRows(Object in, int from, int to, int n, int inner, Object out);

    /** The max (or min) over n of an (outer, n, inner) array; a NaN wins. */
    abstract void extremeRows(boolean max, Object in, int outer, int n, int inner, Object out);

    /** Index of the largest element along one axis (first one on ties; a NaN wins), as an F64 array; any dtype. */
    static NDArray argmax(NDArray x, int axis, boolean keepDims) {
        int[] shape = x.shape;
        int a = Shapes.axis("argmax", axis, shape.length);
        int n = shape[a];
        if (n == 0) throw new IllegalArgumentException("argmax: axis " + a + " of shape " + Shapes.str(shape) + " is empty");
        int inner = 1;
        for (int i = a + 1; i < shape.length; i++) inner *= shape[i];
        int outer = 1;
        for (int i = 0; i < a; i++) outer *= shape[i];
        int[] os = shape.clone();
        os[a] = 1;
        NDArray out = NDArray.zeros(DType.F64, os);
        NDArray v64 = x.toF64(); // exact for every dtype; argmax reads each element once
        double[] v = v64.d;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int best = 0;
                double bv = v[o * n * inner + j];
                for (int k = 1; k < n; k++) {
                    double e = v[o * n * inner + k * inner + j];
                    if (e > bv || (Double.isNaN(e) && !Double.isNaN(bv))) {
                        bv = e;
                        best = k;
                    }
                }
                out.d[o * inner + j] = best;
            }
        }
        return keepDims ? out : out.reshape(Shapes.drop(os, new int[] {a}));
    }

    private static final class F64Loops extends Reduction {
        @Override
        void sumRows(Object input, int from, int to, int n, int inner, Object output) {
            double[] d = (double[]) input, out = (double[]) output;
            for (int o = from; o < to; o++) {
                int base = o * n * inner;
                if (inner == 1) {
                    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                    int k = 0;
                    for (; k + 3 < n; k += 4) {
                        a0 += d[base + k];
                        a1 += d[base + k + 1];
                        a2 += d[base + k + 2];
                        a3 += d[base + k + 3];
                    }
                    for (; k < n; k++) a0 += d[base + k];
                    out[o] = (a0 + a1) + (a2 + a3);
                } else {
                    int at = o * inner;
                    for (int k = 0, p = base; k < n; k++, p += inner) for (int j = 0; j < inner; j++) out[at + j] += d[p + j];
                }
            }
        }

        @Override
        void extremeRows(boolean max, Object input, int outer, int n, int inner, Object output) {
            double[] d = (double[]) input, out = (double[]) output;
            for (int o = 0; o < outer; o++) {
                int base = o * n * inner;
                for (int j = 0; j < inner; j++) {
                    double acc = d[base + j];
                    for (int k = 0; k < n; k++) {
                        double v = d[base + k * inner + j];
                        if (max ? (v > acc || Double.isNaN(v)) : (v < acc || Double.isNaN(v))) acc = v;
                    }
                    out[o * inner + j] = acc;
                }
            }
        }
    }

    private static final class F32Loops extends Reduction {
        @Override
        void sumRows(Object input, int from, int to, int n, int inner, Object output) {
            float[] f = (float[]) input, out = (float[]) output;
            double[] acc = new double[inner]; // F32 sums are taken in double and rounded once
            for (int o = from; o < to; o++) {
                int base = o * n * inner;
                if (inner == 1) {
                    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                    int k = 0;
                    for (; k + 3 < n; k += 4) {
                        a0 += f[base + k];
                        a1 += f[base + k + 1];
                        a2 += f[base + k + 2];
                        a3 += f[base + k + 3];
                    }
                    for (; k < n; k++) a0 += f[base + k];
                    out[o] = (float) ((a0 + a1) + (a2 + a3));
                } else {
                    Arrays.fill(acc, 0);
                    for (int k = 0, p = base; k < n; k++, p += inner) for (int j = 0; j < inner; j++) acc[j] += f[p + j];
                    for (int j = 0; j < inner; j++) out[o * inner + j] = (float) acc[j];
                }
            }
        }

        @Override
        void extremeRows(boolean max, Object input, int outer, int n, int inner, Object output) {
            float[] f = (float[]) input, out = (float[]) output;
            for (int o = 0; o < outer; o++) {
                int base = o * n * inner;
                for (int j = 0; j < inner; j++) {
                    float acc = f[base + j];
                    for (int k = 0; k < n; k++) {
                        float v = f[base + k * inner + j];
                        if (max ? (v > acc || Float.isNaN(v)) : (v < acc || Float.isNaN(v))) acc = v;
                    }
                    out[o * inner + j] = acc;
                }
            }
        }
    }
}
