package dev.motif.array;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Naive reference implementations and helpers for the array tests: slow, obvious, index by index. */
final class Ref {
    private Ref() {}

    static NDArray random(SplittableRandom rng, DType dtype, int... shape) {
        NDArray a = NDArray.zeros(dtype, shape);
        for (int i = 0; i < a.size(); i++) a.setFlat(i, rng.nextDouble(-2, 2));
        return a;
    }

    /** Multi-index of a flat row-major position. */
    static int[] unflat(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = flat % shape[i];
            flat /= shape[i];
        }
        return idx;
    }

    static int flat(int[] idx, int[] shape) {
        int f = 0;
        for (int i = 0; i < shape.length; i++) f = f * shape[i] + idx[i];
        return f;
    }

    /** The element of {@code a} that position {@code outIdx} of a broadcast result reads. */
    static double broadcastGet(NDArray a, int[] outIdx) {
        int[] s = a.shape();
        int off = outIdx.length - s.length;
        int[] idx = new int[s.length];
        for (int i = 0; i < s.length; i++) idx[i] = s[i] == 1 ? 0 : outIdx[i + off];
        return a.getFlat(flat(idx, s));
    }

    static int[] broadcastShape(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            out[i] = Math.max(da, db) == 0 || Math.min(da, db) == 0 ? 0 : Math.max(da, db);
        }
        return out;
    }

    static double dot(NDArray a, NDArray b) {
        if (!Arrays.equals(a.shape(), b.shape())) throw new AssertionError(Shapes.str(a.shape()) + " vs " + Shapes.str(b.shape()));
        double s = 0;
        for (int i = 0; i < a.size(); i++) s += a.getFlat(i) * b.getFlat(i);
        return s;
    }

    /** Sum of |x| over an array, to scale tolerances of inner products. */
    static double absDot(NDArray a, NDArray b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) s += Math.abs(a.getFlat(i) * b.getFlat(i));
        return s;
    }

    /** C = A·B for row-major m×k and k×n given as flat arrays of doubles. */
    static double[] matmul(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
                c[i * n + j] = s;
            }
        }
        return c;
    }
}
