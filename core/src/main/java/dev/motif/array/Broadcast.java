package dev.motif.array;

import dev.motif.array.NDArray.Binary;

import java.util.Arrays;

/**
 * Binary ops with NumPy broadcasting, and its adjoint pair {@code broadcastTo}/{@code sumTo}. The
 * common broadcasts (a scalar, a bias against rows, a per-channel vector) run as contiguous rows
 * against one value or one vector; anything else walks the output with zero strides along the
 * broadcast axes. The dtype picks the F64 or F32 loops once per op.
 */
abstract class Broadcast {
    private static final Broadcast F64 = new F64Loops(), F32 = new F32Loops();

    /** op(a, b) elementwise with broadcasting; I32 only for comparisons, F32 with F64 in F64. */
    static NDArray zip(Binary op, NDArray a, NDArray b) {
        if (a.dtype == DType.I32 && b.dtype == DType.I32 && op.isComparison()) {
            return zip(op, a.toF64(), b.toF64()).to(DType.I32); // exact: every int is a double
        }
        NDArray.requireFloat(op.opName(), a);
        NDArray.requireFloat(op.opName(), b);
        if (a.dtype != b.dtype) return zip(op, a.toF64(), b.toF64()); // F32 with F64: in F64, as PyTorch promotes
        if (Arrays.equals(a.shape, b.shape)) return Elementwise.sameShape(op, a, b);
        int[] outShape = Shapes.broadcast(op.opName(), a.shape, b.shape);
        NDArray out = NDArray.zeros(a.dtype, outShape);
        Broadcast k = a.dtype == DType.F64 ? F64 : F32;
        if (Arrays.equals(outShape, a.shape) && k.block(op, a, b, out, false)) return out;
        if (Arrays.equals(outShape, b.shape) && k.block(op, b, a, out, true)) return out;
        k.general(op, a, b, out);
        return out;
    }

    /** where(cond, a, b), all three broadcast; element moves only, so any dtype, F32 with F64 in F64. */
    static NDArray where(NDArray cond, NDArray a, NDArray b) {
        DType common = DType.promote(a.dtype, b.dtype);
        if (common == null) throw new IllegalArgumentException("where: dtypes " + a.dtype + " and " + b.dtype + " differ; convert one with to()");
        if (a.dtype != b.dtype) return where(cond, a.to(common), b.to(common));
        int[] s = Shapes.broadcast("where", Shapes.broadcast("where", cond.shape, a.shape), b.shape);
        NDArray c = broadcastTo(cond, s), x = broadcastTo(a, s), y = broadcastTo(b, s);
        NDArray out = NDArray.zeros(a.dtype, s);
        for (int i = 0; i < out.size; i++) out.setFlat(i, c.getFlat(i) != 0 ? x.getFlat(i) : y.getFlat(i));
        return out;
    }

    /** {@code a} repeated along its size-1 (and missing leading) axes to {@code target}; itself when the shape is unchanged. */
    static NDArray broadcastTo(NDArray a, int[] target) {
        if (Arrays.equals(a.shape, target)) return a;
        if (!Shapes.broadcastsTo(a.shape, target)) {
            throw new IllegalArgumentException("broadcastTo: shape " + Shapes.str(a.shape) + " does not broadcast to " + Shapes.str(target));
        }
        // A copy, not 0 + x, so that -0.0 stays -0.0.
        return Layout.strided(a, target.clone(), strides(a.shape, target.length));
    }

    /** {@code a} summed down to a shape it was broadcast from: the adjoint of {@link #broadcastTo}. */
    static NDArray sumTo(NDArray a, int[] target) {
        NDArray.requireFloat("sumTo", a);
        if (Arrays.equals(a.shape, target)) return a;
        if (!Shapes.broadcastsTo(target, a.shape)) {
            throw new IllegalArgumentException("sumTo: shape " + Shapes.str(a.shape) + " cannot be summed to " + Shapes.str(target));
        }
        int lead = a.shape.length - target.length;
        int[] axes = new int[a.shape.length];
        int n = 0;
        for (int i = 0; i < a.shape.length; i++) {
            if (i < lead || (target[i - lead] == 1 && a.shape[i] != 1)) axes[n++] = i;
        }
        NDArray s = n == 0 ? a : Reduction.reduce(NDArray.Reduce.SUM, a, Arrays.copyOf(axes, n), true);
        return s.reshape(target);
    }

    /** Strides of {@code shape} seen as a rank-{@code r} array broadcast against others: 0 along size-1 axes. */
    static int[] strides(int[] shape, int r) {
        int[] st = Shapes.strides(shape);
        int[] out = new int[r];
        int off = r - shape.length;
        for (int i = 0; i < shape.length; i++) out[i + off] = shape[i] == 1 ? 0 : st[i];
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
    private boolean block(Binary op, NDArray big, NDArray small, NDArray out, boolean swap) {
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
            for (int o = 0, p = 0; o < outer; o++, p += mid) rowVector(op, big.data, p, small.data, out.data, mid, swap);
        } else {
            for (int o = 0, p = 0; o < outer; o++) {
                for (int c = 0; c < mid; c++, p += inner) rowScalar(op, big.data, p, small.data, c, out.data, inner, swap);
            }
        }
        return true;
    }

    /** General broadcasting: walks the output, with stride 0 along broadcast axes, one row of the last axis at a time. */
    private void general(Binary op, NDArray a, NDArray b, NDArray out) {
        int[] os = out.shape;
        int r = os.length;
        int[] sa = strides(a.shape, r), sb = strides(b.shape, r);
        int inner = r == 0 ? 1 : os[r - 1];
        int ia = r == 0 ? 0 : sa[r - 1], ib = r == 0 ? 0 : sb[r - 1];
        int[] idx = new int[r];
        int outer = inner == 0 ? 0 : out.size / inner;
        int pa = 0, pb = 0, po = 0;
        for (int o = 0; o < outer; o++) {
            row(op, a.data, pa, ia, b.data, pb, ib, out.data, po, inner);
            po += inner;
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

    /** o[p+i] = op(a[p+i], b[i]) (or op(b[i], a[p+i]) when swapped), i < n. */
    abstract void rowVector(Binary op, Object a, int p, Object b, Object o, int n, boolean swap);

    /** o[p+i] = op(a[p+i], s) (or op(s, a[p+i]) when swapped), i < n, with s = small[c]. */
    abstract void rowScalar(Binary op, Object a, int p, Object small, int c, Object o, int n, boolean swap);

    /** o[po+j] = op(a[pa + j·ia], b[pb + j·ib]), j < n. */
    abstract void row(Binary op, Object a, int pa, int ia, Object b, int pb, int ib, Object o, int po, int n);

    private static final class F64Loops extends Broadcast {
        @Override
        void rowVector(Binary op, Object big, int p, Object small, Object out, int n, boolean swap) {
            double[] a = (double[]) big, b = (double[]) small, o = (double[]) out;
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

        @Override
        void rowScalar(Binary op, Object big, int p, Object small, int c, Object out, int n, boolean swap) {
            double[] a = (double[]) big, o = (double[]) out;
            double s = ((double[]) small)[c];
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

        @Override
        void row(Binary op, Object a, int pa, int ia, Object b, int pb, int ib, Object out, int po, int n) {
            double[] x = (double[]) a, y = (double[]) b, o = (double[]) out;
            for (int j = 0, xa = pa, xb = pb; j < n; j++, xa += ia, xb += ib) o[po + j] = op.apply(x[xa], y[xb]);
        }
    }

    private static final class F32Loops extends Broadcast {
        @Override
        void rowVector(Binary op, Object big, int p, Object small, Object out, int n, boolean swap) {
            float[] a = (float[]) big, b = (float[]) small, o = (float[]) out;
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

        @Override
        void rowScalar(Binary op, Object big, int p, Object small, int c, Object out, int n, boolean swap) {
            float[] a = (float[]) big, o = (float[]) out;
            float s = ((float[]) small)[c];
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

        @Override
        void row(Binary op, Object a, int pa, int ia, Object b, int pb, int ib, Object out, int po, int n) {
            float[] x = (float[]) a, y = (float[]) b, o = (float[]) out;
            for (int j = 0, xa = pa, xb = pb; j < n; j++, xa += ia, xb += ib) o[po + j] = (float) op.apply(x[xa], y[xb]);
        }
    }
}
