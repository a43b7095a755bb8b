package dev.motif.array;

import java.util.Arrays;

/**
 * Kernels that move elements without arithmetic, so they take every dtype (I32 too): strided
 * copies (permute, broadcastTo), slices, concatenation and padding. Contiguous runs are copied with
 * {@code System.arraycopy} whatever the dtype; the strided and tiled loops are picked once per op
 * by dtype.
 */
abstract class Layout {
    private static final Layout F64 = new F64Loops(), F32 = new F32Loops(), I32 = new I32Loops();

    private static Layout of(DType t) {
        switch (t) {
            case F64: return F64;
            case F32: return F32;
            default: return I32;
        }
    }

    /** Side of the square tiles of {@link #transposeInTiles}: 16 rows of 16 elements stay in L1 on both sides. */
    private static final int TILE = 16;

    /** {@code a} with its axes reordered: output axis i is input axis {@code perm[i]}. */
    static NDArray permute(NDArray a, int[] perm) {
        int[] shape = a.shape;
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
        if (identity) return a;
        int[] os = new int[r];
        for (int i = 0; i < r; i++) os[i] = shape[p[i]];
        int[] st = Shapes.strides(shape);
        int[] srcStride = new int[r];
        for (int i = 0; i < r; i++) srcStride[i] = st[p[i]];
        return strided(a, os, srcStride);
    }

    /** A new contiguous array of shape {@code os} whose element at index i reads {@code a} at Σ iₖ·stridesₖ. */
    static NDArray strided(NDArray a, int[] os, int[] strides) {
        NDArray out = NDArray.zeros(a.dtype, os);
        int r = os.length;
        if (out.size == 0) return out;
        if (r == 0) {
            System.arraycopy(a.data, 0, out.data, 0, 1);
            return out;
        }
        Layout k = of(a.dtype);
        if (k.transposeInTiles(a.data, os, strides, out)) return out;
        // Row by row along the last axis, so the per-element work is a copy, a fill (a broadcast
        // axis) or a strided gather, and the index carry runs once per row.
        int inner = os[r - 1], step = strides[r - 1], rows = out.size / inner;
        int[] idx = new int[r - 1];
        int src = 0;
        for (int row = 0, o = 0; row < rows; row++, o += inner) {
            if (step == 1) System.arraycopy(a.data, src, out.data, o, inner);
            else k.row(a.data, src, step, out.data, o, inner);
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

    /** dst[dp + t] = src[sp + t·step] for t < n; step 0 is a fill. */
    abstract void row(Object src, int sp, int step, Object dst, int dp, int n);

    /**
     * The permutes that move the input's last axis away from the end (the locally connected
     * layers' (N, K, P) -> (P, K, N), and their gradients) read one element per cache line when
     * copied row by row: the output row's elements lie {@code step} apart in the input. When an
     * output axis {@code j} reads the input with stride 1, each pair (axis j, last axis) is a 2-D
     * transpose, done here in TILE×TILE tiles, so that every cache line read is used TILE times
     * before it is evicted. Returns false, doing nothing, when there is no such axis or the
     * arrays are small.
     */
    private boolean transposeInTiles(Object in, int[] os, int[] strides, NDArray out) {
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
            tiles(in, src, step, out.data, dst, outStrideJ, rowsJ, inner);
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

    /** One (rows × inner) transpose block: out[dst + a·outStride + t] = in[src + a + t·step], in TILE×TILE tiles. */
    private void tiles(Object in, int src, int step, Object out, int dst, int outStride, int rows, int inner) {
        for (int a0 = 0; a0 < rows; a0 += TILE) {
            int a1 = Math.min(a0 + TILE, rows);
            for (int t0 = 0; t0 < inner; t0 += TILE) {
                int t1 = Math.min(t0 + TILE, inner);
                for (int a = a0; a < a1; a++) row(in, src + a + t0 * step, step, out, dst + a * outStride + t0, t1 - t0);
            }
        }
    }

    /** Elements {@code start, start+step, ...} below {@code end} along one axis (negative start and end count from the end). */
    static NDArray slice(NDArray a, int axis, int start, int end, int step) {
        int[] shape = a.shape;
        int ax = Shapes.axis("slice", axis, shape.length);
        int n = shape[ax];
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        if (start < 0) start += n;
        if (end < 0) end += n;
        if (start < 0 || start > n || end < start || end > n) {
            throw new IllegalArgumentException("slice: [" + start + ", " + end + ") is not within axis " + ax + " of shape " + Shapes.str(shape));
        }
        int[] picked = new int[(end - start + step - 1) / step];
        for (int k = 0; k < picked.length; k++) picked[k] = start + k * step;
        return Indexing.selectRows(a, ax, picked);
    }

    /** Joins arrays along an existing axis; every other extent must agree; F32 with F64 joins in F64, as torch.cat. */
    static NDArray concat(int axis, NDArray... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat: no arrays given");
        NDArray first = parts[0];
        int r = first.shape.length;
        int a = Shapes.axis("concat", axis, r);
        int total = 0;
        for (int p = 0; p < parts.length; p++) {
            NDArray x = parts[p];
            if (x.dtype != first.dtype) {
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
        NDArray out = NDArray.zeros(first.dtype, os);
        int inner = 1;
        for (int i = a + 1; i < r; i++) inner *= os[i];
        int outer = 1;
        for (int i = 0; i < a; i++) outer *= os[i];
        int offset = 0;
        for (NDArray x : parts) {
            int block = x.shape[a] * inner;
            for (int o = 0; o < outer; o++) System.arraycopy(x.data, o * block, out.data, o * total * inner + offset, block);
            offset += block;
        }
        return out;
    }

    /** Pads with a constant: {@code widths[i] = {before, after}} for the last {@code widths.length} axes. */
    static NDArray pad(NDArray a, int[][] widths, double value) {
        int[] shape = a.shape;
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
        NDArray out = NDArray.full(a.dtype, value, os);
        if (a.size == 0) return out;
        // Row by row of the last axis, each to its place in the padded array.
        int inner = r == 0 ? 1 : shape[r - 1];
        int[] dstStrides = Shapes.strides(os);
        int[] idx = new int[r];
        for (int src = 0; src < a.size; src += inner) {
            int dpos = 0;
            for (int i = 0; i < r; i++) dpos += (idx[i] + before[i]) * dstStrides[i];
            System.arraycopy(a.data, src, out.data, dpos, inner);
            for (int ax = r - 2; ax >= 0; ax--) {
                if (++idx[ax] < shape[ax]) break;
                idx[ax] = 0;
            }
        }
        return out;
    }

    private static final class F64Loops extends Layout {
        @Override
        void row(Object src, int sp, int step, Object dst, int dp, int n) {
            double[] s = (double[]) src, d = (double[]) dst;
            if (step == 0) Arrays.fill(d, dp, dp + n, s[sp]);
            else for (int t = 0; t < n; t++, sp += step) d[dp + t] = s[sp];
        }
    }

    private static final class F32Loops extends Layout {
        @Override
        void row(Object src, int sp, int step, Object dst, int dp, int n) {
            float[] s = (float[]) src, d = (float[]) dst;
            if (step == 0) Arrays.fill(d, dp, dp + n, s[sp]);
            else for (int t = 0; t < n; t++, sp += step) d[dp + t] = s[sp];
        }
    }

    private static final class I32Loops extends Layout {
        @Override
        void row(Object src, int sp, int step, Object dst, int dp, int n) {
            int[] s = (int[]) src, d = (int[]) dst;
            if (step == 0) Arrays.fill(d, dp, dp + n, s[sp]);
            else for (int t = 0; t < n; t++, sp += step) d[dp + t] = s[sp];
        }
    }
}
