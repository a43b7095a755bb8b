package dev.motif.array;

import java.util.Arrays;

/**
 * Index kernels and their adjoints: {@code indexSelect} and {@code scatterAdd} of whole slices by an
 * {@code int[]}, PyTorch's {@code gather} and {@code scatter_add} by an I32 index tensor, and the
 * flat-index pair {@code gatherFlat}/{@code scatterAddFlat} that routes a max pool's gradient.
 * Gathers move elements, so they take every dtype; scatters add, so only float ones. An index out
 * of range is an error naming its value and position. The dtype picks the loops once per op.
 */
abstract class Indexing {
    private static final Indexing F64 = new F64Loops(), F32 = new F32Loops(), I32 = new I32Loops();

    private static Indexing of(DType t) {
        switch (t) {
            case F64: return F64;
            case F32: return F32;
            default: return I32;
        }
    }

    // ---------------------------------------------------------------- slices by int[]

    /** The slices at {@code indices} along one axis (an index may repeat). */
    static NDArray indexSelect(NDArray a, int axis, int[] indices) {
        int ax = Shapes.axis("indexSelect", axis, a.shape.length);
        int n = a.shape[ax];
        for (int k = 0; k < indices.length; k++) {
            if (indices[k] < 0 || indices[k] >= n) {
                throw new IndexOutOfBoundsException("indexSelect: index " + indices[k] + " at position " + k + " is out of range for axis " + ax
                        + " of shape " + Shapes.str(a.shape));
            }
        }
        return selectRows(a, ax, indices);
    }

    /** {@link #indexSelect} of checked indices: one contiguous run of the inner axes per (outer, index), any dtype. */
    static NDArray selectRows(NDArray a, int axis, int[] indices) {
        int[] shape = a.shape;
        int n = shape[axis], inner = inner(shape, axis), outer = outer(shape, axis);
        int[] os = shape.clone();
        os[axis] = indices.length;
        NDArray out = NDArray.zeros(a.dtype, os);
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < indices.length; k++) {
                System.arraycopy(a.data, (o * n + indices[k]) * inner, out.data, (o * indices.length + k) * inner, inner);
            }
        }
        return out;
    }

    /**
     * The adjoint of {@link #indexSelect}: a zero array whose axis {@code axis} has extent {@code n},
     * with slice k of {@code a} added at position {@code indices[k]} (repeats accumulate).
     */
    static NDArray scatterAdd(NDArray a, int axis, int[] indices, int n) {
        NDArray.requireFloat("scatterAdd", a);
        int[] shape = a.shape;
        int ax = Shapes.axis("scatterAdd", axis, shape.length);
        if (shape[ax] != indices.length) {
            throw new IllegalArgumentException("scatterAdd: " + indices.length + " indices for axis " + ax + " of shape " + Shapes.str(shape));
        }
        int m = indices.length;
        for (int k = 0; k < m; k++) {
            if (indices[k] < 0 || indices[k] >= n) {
                throw new IndexOutOfBoundsException("scatterAdd: index " + indices[k] + " at position " + k + " is out of range [0, " + n + ")");
            }
        }
        int inner = inner(shape, ax), outer = outer(shape, ax);
        int[] os = shape.clone();
        os[ax] = n;
        NDArray out = NDArray.zeros(a.dtype, os);
        Indexing k = of(a.dtype);
        for (int o = 0; o < outer; o++) {
            for (int s = 0; s < m; s++) k.addRun(a.data, (o * m + s) * inner, out.data, (o * n + indices[s]) * inner, inner);
        }
        return out;
    }

    // ---------------------------------------------------------------- gather / scatter_add by an index tensor

    /** PyTorch's {@code torch.gather}: for axis 1 of a matrix, {@code out[i][j] = a[i][index[i][j]]}; the result has the index's shape. */
    static NDArray gather(NDArray a, int axis, NDArray index) {
        int ax = Shapes.axis("gather", axis, a.shape.length);
        checkIndexShape("gather", ax, index, a.shape, null);
        NDArray out = NDArray.zeros(a.dtype, index.shape);
        of(a.dtype).gather(a.data, positions("gather", ax, index, a.shape, null)[0], out.data);
        return out;
    }

    /** PyTorch's out-of-place {@code scatter_add}: a copy of {@code a} with {@code out[index[i][j]][j] += src[i][j]} (axis 0). */
    static NDArray scatterAdd(NDArray a, int axis, NDArray index, NDArray src) {
        NDArray.requireFloat("scatterAdd", a);
        NDArray.requireFloat("scatterAdd", src);
        int ax = Shapes.axis("scatterAdd", axis, a.shape.length);
        if (src.dtype != a.dtype) {
            throw new IllegalArgumentException("scatterAdd: dtypes " + a.dtype + " and " + src.dtype + " of the array and the source differ; convert one with to()");
        }
        checkIndexShape("scatterAdd", ax, index, a.shape, src.shape);
        int[][] pos = positions("scatterAdd", ax, index, a.shape, src.shape);
        NDArray out = a.copy();
        of(a.dtype).scatterAdd(src.data, pos[1], out.data, pos[0]);
        return out;
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

    /**
     * For every element of {@code index}, in order: the flat position in {@code target} that its
     * multi-index addresses with the entry itself in place of the coordinate along {@code axis}
     * ({@code [0]}), and, when {@code source} is given, the flat position of the multi-index as it
     * is in {@code source} ({@code [1]}). An entry out of [0, target[axis]) is an error naming its
     * value and position.
     */
    private static int[][] positions(String op, int axis, NDArray index, int[] target, int[] source) {
        int r = target.length, n = target[axis];
        int[] ts = Shapes.strides(target), ss = source == null ? new int[r] : Shapes.strides(source), is = index.shape, idx = new int[r];
        int[] ix = index.ints, at = new int[ix.length], from = source == null ? null : new int[ix.length];
        int base = 0, src = 0; // target offset without the axis coordinate; source offset
        for (int k = 0; k < ix.length; k++) {
            int v = ix[k];
            if (v < 0 || v >= n) {
                throw new IndexOutOfBoundsException(op + ": index " + v + " at position " + Arrays.toString(idx) + " is out of range for axis "
                        + axis + " of size " + n + " (shape " + Shapes.str(target) + ")");
            }
            at[k] = base + v * ts[axis];
            if (from != null) from[k] = src;
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
        return new int[][] {at, from};
    }

    // ---------------------------------------------------------------- flat indices

    /** An array of the given shape whose element k is {@code x}'s element at flat index {@code index[k]}. */
    static NDArray gatherFlat(NDArray x, int[] index, int[] shape) {
        if (Shapes.size(shape) != index.length) {
            throw new IllegalArgumentException("gatherFlat: " + index.length + " indices do not fill shape " + Shapes.str(shape));
        }
        for (int k = 0; k < index.length; k++) checkFlat("gatherFlat", index[k], k, x.size, x.shape);
        NDArray out = NDArray.zeros(x.dtype, shape);
        of(x.dtype).gather(x.data, index, out.data);
        return out;
    }

    /** The adjoint of {@link #gatherFlat}: a zero array of the given shape with element k of {@code x} added at flat index {@code index[k]}. */
    static NDArray scatterAddFlat(NDArray x, int[] index, int[] shape) {
        NDArray.requireFloat("scatterAddFlat", x);
        if (x.size != index.length) {
            throw new IllegalArgumentException("scatterAddFlat: " + index.length + " indices for " + x.size + " values of shape " + Shapes.str(x.shape));
        }
        NDArray out = NDArray.zeros(x.dtype, shape);
        for (int k = 0; k < index.length; k++) checkFlat("scatterAddFlat", index[k], k, out.size, shape);
        of(x.dtype).scatterAdd(x.data, null, out.data, index);
        return out;
    }

    private static void checkFlat(String op, int i, int k, int n, int[] shape) {
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException(op + ": flat index " + i + " at position " + k + " is out of range for shape " + Shapes.str(shape));
        }
    }

    /** Rows of the identity: {@code [labels.length, classes]} with a one at each label. */
    static NDArray oneHot(DType dtype, int[] labels, int classes) {
        NDArray out = NDArray.zeros(dtype, labels.length, classes);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("oneHot: label " + labels[i] + " at position " + i + " is not in [0, " + classes + ")");
            }
            out.setFlat(i * classes + labels[i], 1);
        }
        return out;
    }

    private static int inner(int[] shape, int axis) {
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        return inner;
    }

    private static int outer(int[] shape, int axis) {
        int outer = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        return outer;
    }

    /** out[k] = src[pos[k]]. */
    abstract void gather(Object src, int[] pos, Object out);

    /** out[at[k]] += src[from[k]] (src[k] when from is null), in order of k. */
    abstract void scatterAdd(Object src, int[] from, Object out, int[] at);

    /** dst[dp + j] += src[sp + j], j < n. */
    abstract void addRun(Object src, int sp, Object dst, int dp, int n);

    private static final class F64Loops extends Indexing {
        @Override
        void gather(Object src, int[] pos, Object out) {
            double[] s = (double[]) src, o = (double[]) out;
            for (int k = 0; k < pos.length; k++) o[k] = s[pos[k]];
        }

        @Override
        void scatterAdd(Object src, int[] from, Object out, int[] at) {
            double[] s = (double[]) src, o = (double[]) out;
            if (from == null) for (int k = 0; k < at.length; k++) o[at[k]] += s[k];
            else for (int k = 0; k < at.length; k++) o[at[k]] += s[from[k]];
        }

        @Override
        void addRun(Object src, int sp, Object dst, int dp, int n) {
            double[] s = (double[]) src, d = (double[]) dst;
            for (int j = 0; j < n; j++) d[dp + j] += s[sp + j];
        }
    }

    private static final class F32Loops extends Indexing {
        @Override
        void gather(Object src, int[] pos, Object out) {
            float[] s = (float[]) src, o = (float[]) out;
            for (int k = 0; k < pos.length; k++) o[k] = s[pos[k]];
        }

        @Override
        void scatterAdd(Object src, int[] from, Object out, int[] at) {
            float[] s = (float[]) src, o = (float[]) out;
            if (from == null) for (int k = 0; k < at.length; k++) o[at[k]] += s[k];
            else for (int k = 0; k < at.length; k++) o[at[k]] += s[from[k]];
        }

        @Override
        void addRun(Object src, int sp, Object dst, int dp, int n) {
            float[] s = (float[]) src, d = (float[]) dst;
            for (int j = 0; j < n; j++) d[dp + j] += s[sp + j];
        }
    }

    /** I32 arrays are gathered, never scattered (the scatters refuse them first). */
    private static final class I32Loops extends Indexing {
        @Override
        void gather(Object src, int[] pos, Object out) {
            int[] s = (int[]) src, o = (int[]) out;
            for (int k = 0; k < pos.length; k++) o[k] = s[pos[k]];
        }

        @Override
        void scatterAdd(Object src, int[] from, Object out, int[] at) {
            throw new AssertionError("I32 is refused before a scatter");
        }

        @Override
        void addRun(Object src, int sp, Object dst, int dp, int n) {
            throw new AssertionError("I32 is refused before a scatter");
        }
    }
}
