package dev.motif.array;

import java.util.Arrays;

/** Shape arithmetic shared by the kernels: sizes, strides, broadcasting, axis normalisation. */
public final class Shapes {
    private Shapes() {}

    /** Number of elements of a shape; checks that every extent is non-negative and the total fits an int. */
    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("shape " + str(shape) + " has a negative extent");
            n *= d;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    /** Row-major strides, in elements. */
    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** The NumPy broadcast of two shapes, or an error naming the op and both shapes. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " do not broadcast (axis " + i + " of the result: " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Whether {@code from} broadcasts to exactly {@code to}. */
    public static boolean broadcastsTo(int[] from, int[] to) {
        if (from.length > to.length) return false;
        int off = to.length - from.length;
        for (int i = 0; i < from.length; i++) if (from[i] != 1 && from[i] != to[i + off]) return false;
        return true;
    }

    /** Normalises a possibly negative axis against a rank, or says which op got which bad axis. */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for rank " + rank);
        }
        return a;
    }

    /** Normalised, sorted, distinct axes; an empty or null array means every axis. */
    public static int[] axes(String op, int[] axes, int rank) {
        if (axes == null || axes.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) out[i] = axis(op, axes[i], rank);
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++) {
            if (out[i] == out[i - 1]) throw new IllegalArgumentException(op + ": axis " + out[i] + " given twice in " + Arrays.toString(axes));
        }
        return out;
    }

    /** A shape as {@code [2, 3]}. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** The shape without the given (sorted, distinct) axes: what a reduction without keepDims leaves. */
    public static int[] drop(int[] shape, int[] sortedAxes) {
        int[] out = new int[shape.length - sortedAxes.length];
        for (int i = 0, j = 0, k = 0; i < shape.length; i++) {
            if (k < sortedAxes.length && sortedAxes[k] == i) k++;
            else out[j++] = shape[i];
        }
        return out;
    }

    /**
     * The shape without the size-1 axes {@code axes} (every size-1 axis when none are given);
     * an error naming the op, the shape and the axis when a given axis is not of size 1.
     */
    public static int[] squeeze(String op, int[] shape, int... axes) {
        if (axes.length == 0) return Arrays.stream(shape).filter(e -> e != 1).toArray();
        int[] ax = axes(op, axes, shape.length);
        for (int a : ax) {
            if (shape[a] != 1) throw new IllegalArgumentException(op + ": axis " + a + " of shape " + str(shape) + " has size " + shape[a] + ", not 1");
        }
        return drop(shape, ax);
    }

    /** The shape with a size-1 axis at {@code axis}, which may be {@code -(rank + 1) .. rank} (negative counts from the end). */
    public static int[] unsqueeze(String op, int[] shape, int axis) {
        int a = axis(op, axis, shape.length + 1);
        int[] out = new int[shape.length + 1];
        for (int i = 0, j = 0; i < out.length; i++) out[i] = i == a ? 1 : shape[j++];
        return out;
    }

    /** A possibly negative index along an axis of extent n, normalised; or an error naming the op, index, axis and shape. */
    public static int index(String op, int index, int axis, int[] shape) {
        int n = shape[axis], i = index < 0 ? index + n : index;
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException(op + ": index " + index + " is out of range for axis " + axis + " of shape " + str(shape));
        }
        return i;
    }

    /**
     * Sizes of the pieces {@code split} and {@code chunk} cut an axis of extent n into: pieces of
     * {@code size} with a smaller last one (one piece, empty, for n = 0), as PyTorch's {@code split}.
     */
    public static int[] pieces(String op, int n, int size) {
        if (size <= 0) throw new IllegalArgumentException(op + ": piece size must be positive, got " + size);
        if (n == 0) return new int[] {0};
        int[] out = new int[(n + size - 1) / size];
        for (int i = 0; i < out.length; i++) out[i] = Math.min(size, n - i * size);
        return out;
    }

    /** The permutation of a rank-r array that swaps axes a and b (negative axes count from the end). */
    public static int[] swap(String op, int rank, int a, int b) {
        int x = axis(op, a, rank), y = axis(op, b, rank);
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) p[i] = i;
        p[x] = y;
        p[y] = x;
        return p;
    }
}
