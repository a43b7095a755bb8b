package dev.motif.array;

/**
 * Sliding windows as columns (im2col) and back (col2im): how a convolution becomes one matrix
 * product, and how one kernel shared by every position gets the sum of all positions' gradients.
 *
 * <p>The layout is PyTorch's {@code unfold}/{@code fold}. In 2-D an input {@code (N, C, H, W)}
 * becomes columns {@code (N, C·kh·kw, outH·outW)}: row {@code (c·kh + i)·kw + j} holds, for every
 * output position {@code (oh, ow)}, the input at {@code (oh·sh − ph + i·dh, ow·sw − pw + j·dw)}, or
 * zero where that falls in the padding. The output extent along an axis is
 * {@code (in + 2·pad − dilation·(k − 1) − 1) / stride + 1}. In 1-D an input {@code (N, C, L)}
 * becomes {@code (N, C·k, outL)}.
 *
 * <p>{@code col2im} is the exact adjoint of {@code im2col}: it scatters every column entry back
 * to its input position and sums where windows overlap, so
 * {@code <col2im(c), x> == <c, im2col(x)>} for all {@code c} and {@code x}. It is therefore the
 * backward pass of {@code im2col}, not its inverse.
 *
 * <pre>{@code
 * NDArray x = NDArray.zeros(DType.F32, 8, 3, 32, 32);
 * NDArray cols = Windows.im2col2d(x, 3, 3, 1, 1, 1, 1, 1, 1);       // (8, 27, 1024)
 * NDArray back = Windows.col2im2d(cols, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1); // (8, 3, 32, 32)
 * }</pre>
 */
public final class Windows {
    private Windows() {}

    /**
     * The number of window positions along one axis:
     * {@code (in + 2·padding − dilation·(kernel − 1) − 1) / stride + 1}; an error when the dilated
     * kernel does not fit the padded input.
     */
    public static int outputSize(int in, int kernel, int stride, int padding, int dilation) {
        return outputSize("outputSize", in, kernel, stride, padding, dilation);
    }

    private static int outputSize(String op, int in, int kernel, int stride, int padding, int dilation) {
        checkGeometry(op, kernel, stride, padding, dilation);
        if (in < 0) throw new IllegalArgumentException(op + ": input size must be non-negative, got " + in);
        long span = (long) dilation * (kernel - 1) + 1;
        long padded = (long) in + 2L * padding;
        if (span > padded) {
            throw new IllegalArgumentException(op + ": kernel " + kernel + " (dilation " + dilation + ", span " + span
                    + ") is larger than the padded input " + padded + " (input " + in + ", padding " + padding + ")");
        }
        return (int) ((padded - span) / stride + 1);
    }

    // ---------------------------------------------------------------- 2-D

    /**
     * Unfolds {@code x} of shape {@code (N, C, H, W)} into columns {@code (N, C·kh·kw, outH·outW)}
     * (PyTorch's {@code F.unfold}). Padding is zero.
     */
    public static NDArray im2col2d(NDArray x, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
        String op = "im2col2d";
        NDArray.requireFloat(op, x);
        if (x.rank() != 4) {
            throw new IllegalArgumentException(op + ": input must have shape (N, C, H, W), got " + Shapes.str(x.shape()));
        }
        int[] s = x.shape();
        Geometry g = geometry(op, s[0], s[1], s[2], s[3], kh, kw, sh, sw, ph, pw, dh, dw, s);
        NDArray cols = NDArray.zeros(x.dtype(), s[0], Shapes.size(new int[] {s[1], kh, kw}), Shapes.size(new int[] {g.outH, g.outW}));
        run(g, storage(x), storage(cols), false);
        return cols;
    }

    /**
     * Folds columns {@code (N, C·kh·kw, outH·outW)} back into an image {@code (N, C, h, w)},
     * summing overlapping windows (PyTorch's {@code F.fold}); the adjoint of {@link #im2col2d}.
     * {@code h} and {@code w} are the spatial extents of the unpadded input.
     */
    public static NDArray col2im2d(NDArray cols, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
        String op = "col2im2d";
        NDArray.requireFloat(op, cols);
        if (cols.rank() != 3) {
            throw new IllegalArgumentException(op + ": columns must have shape (N, C*kh*kw, outH*outW), got " + Shapes.str(cols.shape()));
        }
        int[] s = cols.shape();
        if (h <= 0 || w <= 0) {
            throw new IllegalArgumentException(op + ": output size must be positive, got " + h + "x" + w);
        }
        checkGeometry(op, kh, sh, ph, dh);
        checkGeometry(op, kw, sw, pw, dw);
        long window = (long) kh * kw;
        if (s[1] % window != 0) {
            throw new IllegalArgumentException(op + ": " + s[1] + " rows of columns " + Shapes.str(s) + " are not a multiple of the kernel's "
                    + kh + "x" + kw + " = " + window);
        }
        int c = (int) (s[1] / window);
        Geometry g = geometry(op, s[0], c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, new int[] {s[0], c, h, w});
        if ((long) g.outH * g.outW != s[2]) {
            throw new IllegalArgumentException(op + ": columns " + Shapes.str(s) + " have " + s[2] + " positions, but a " + kh + "x" + kw
                    + " kernel (stride " + sh + "x" + sw + ", padding " + ph + "x" + pw + ", dilation " + dh + "x" + dw + ") over "
                    + h + "x" + w + " gives " + g.outH + "x" + g.outW + " = " + ((long) g.outH * g.outW));
        }
        NDArray img = NDArray.zeros(cols.dtype(), s[0], c, h, w);
        run(g, storage(img), storage(cols), true);
        return img;
    }

    // ---------------------------------------------------------------- 1-D

    /** Unfolds {@code x} of shape {@code (N, C, L)} into columns {@code (N, C·k, outL)}. Padding is zero. */
    public static NDArray im2col1d(NDArray x, int k, int stride, int padding, int dilation) {
        String op = "im2col1d";
        NDArray.requireFloat(op, x);
        if (x.rank() != 3) {
            throw new IllegalArgumentException(op + ": input must have shape (N, C, L), got " + Shapes.str(x.shape()));
        }
        int[] s = x.shape();
        Geometry g = geometry(op, s[0], s[1], 1, s[2], 1, k, 1, stride, 0, padding, 1, dilation, s);
        NDArray cols = NDArray.zeros(x.dtype(), s[0], Shapes.size(new int[] {s[1], k}), g.outW);
        run(g, storage(x), storage(cols), false);
        return cols;
    }

    /**
     * Folds columns {@code (N, C·k, outL)} back into {@code (N, C, length)}, summing overlapping
     * windows; the adjoint of {@link #im2col1d}.
     */
    public static NDArray col2im1d(NDArray cols, int length, int k, int stride, int padding, int dilation) {
        String op = "col2im1d";
        NDArray.requireFloat(op, cols);
        if (cols.rank() != 3) {
            throw new IllegalArgumentException(op + ": columns must have shape (N, C*k, outL), got " + Shapes.str(cols.shape()));
        }
        int[] s = cols.shape();
        if (length <= 0) throw new IllegalArgumentException(op + ": output length must be positive, got " + length);
        checkGeometry(op, k, stride, padding, dilation);
        if (s[1] % k != 0) {
            throw new IllegalArgumentException(op + ": " + s[1] + " rows of columns " + Shapes.str(s) + " are not a multiple of the kernel size " + k);
        }
        int c = s[1] / k;
        Geometry g = geometry(op, s[0], c, 1, length, 1, k, 1, stride, 0, padding, 1, dilation, new int[] {s[0], c, length});
        if (g.outW != s[2]) {
            throw new IllegalArgumentException(op + ": columns " + Shapes.str(s) + " have " + s[2] + " positions, but a kernel of " + k
                    + " (stride " + stride + ", padding " + padding + ", dilation " + dilation + ") over " + length + " gives " + g.outW);
        }
        NDArray img = NDArray.zeros(cols.dtype(), s[0], c, length);
        run(g, storage(img), storage(cols), true);
        return img;
    }

    // ---------------------------------------------------------------- kernel

    /** Everything the loop needs; 1-D is 2-D with H = kh = 1. */
    record Geometry(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                    int outH, int outW) {}

    private static void checkGeometry(String op, int kernel, int stride, int padding, int dilation) {
        if (kernel <= 0) throw new IllegalArgumentException(op + ": kernel size must be positive, got " + kernel);
        if (stride <= 0) throw new IllegalArgumentException(op + ": stride must be positive, got " + stride);
        if (padding < 0) throw new IllegalArgumentException(op + ": padding must be non-negative, got " + padding);
        if (dilation <= 0) throw new IllegalArgumentException(op + ": dilation must be positive, got " + dilation);
    }

    static Geometry geometry(String op, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                             int dh, int dw, int[] inputShape) {
        checkGeometry(op, kh, sh, ph, dh);
        checkGeometry(op, kw, sw, pw, dw);
        int outH, outW;
        try {
            outH = outputSize(op, h, kh, sh, ph, dh);
            outW = outputSize(op, w, kw, sw, pw, dw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; input shape " + Shapes.str(inputShape), e);
        }
        return new Geometry(n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW);
    }

    static Object storage(NDArray a) {
        return a.dtype() == DType.F64 ? a.f64() : a.f32();
    }

    /**
     * One pass over every (image, channel, kernel offset, output row): copies the valid stretch of
     * an input row into a column row ({@code fold == false}) or adds it back ({@code fold == true}).
     * The valid output range of each kernel offset is computed once, so the innermost loop has no
     * bounds tests, and with stride 1 it is a contiguous copy.
     */
    private static void run(Geometry g, Object img, Object cols, boolean fold) {
        int L = g.outH * g.outW, hw = g.h * g.w, rows = g.c * g.kh * g.kw;
        for (int n = 0; n < g.n; n++) runSample(g, img, n * g.c * hw, cols, n * rows * L, fold);
    }

    /**
     * The same for one image: its (C, H, W) block starts at {@code imgOff} and its
     * (C·kh·kw, outH·outW) columns at {@code colOff}. Only valid (non-padding) column entries are
     * written, so a column buffer reused across images of one geometry keeps its padding zeros.
     */
    static void runSample(Geometry g, Object img, int imgOff, Object cols, int colOff, boolean fold) {
        int L = g.outH * g.outW, hw = g.h * g.w;
        int[] ohLo = new int[g.kh], ohHi = new int[g.kh], owLo = new int[g.kw], owHi = new int[g.kw];
        for (int i = 0; i < g.kh; i++) {
            ohLo[i] = validLo(i * g.dh - g.ph, g.sh, g.outH);
            ohHi[i] = validHi(i * g.dh - g.ph, g.sh, g.h, g.outH);
        }
        for (int j = 0; j < g.kw; j++) {
            owLo[j] = validLo(j * g.dw - g.pw, g.sw, g.outW);
            owHi[j] = validHi(j * g.dw - g.pw, g.sw, g.w, g.outW);
        }
        // Unit stride with an output row as long as an input row (padding "same"): consecutive
        // rows of a window offset are consecutive in both arrays, so they copy as one run.
        boolean rowsRun = !fold && g.sw == 1 && g.sh * g.w == g.outW;
        for (int c = 0; c < g.c; c++) {
            int imgBase = imgOff + c * hw;
            for (int i = 0; i < g.kh; i++) {
                for (int j = 0; j < g.kw; j++) {
                    int colBase = colOff + ((c * g.kh + i) * g.kw + j) * L;
                    int lo = owLo[j], len = owHi[j] - lo;
                    if (len <= 0) continue;
                    if (rowsRun && ohHi[i] > ohLo[i]) {
                        int oh = ohLo[i], rows = ohHi[i] - oh;
                        int ip = imgBase + (oh * g.sh - g.ph + i * g.dh) * g.w + lo - g.pw + j * g.dw;
                        int cp = colBase + oh * g.outW + lo;
                        copyRun(img, ip, cols, cp, rows, len, g.outW);
                        continue;
                    }
                    for (int oh = ohLo[i]; oh < ohHi[i]; oh++) {
                        int ih = oh * g.sh - g.ph + i * g.dh;
                        int ip = imgBase + ih * g.w + lo * g.sw - g.pw + j * g.dw;
                        int cp = colBase + oh * g.outW + lo;
                        if (fold) addStrided(cols, cp, img, ip, g.sw, len);
                        else copyStrided(img, ip, g.sw, cols, cp, len);
                    }
                }
            }
        }
    }

    /** First output index o in [0, out] whose input position o·stride + offset is >= 0. */
    private static int validLo(int offset, int stride, int out) {
        return offset >= 0 ? 0 : Math.min(out, Math.floorDiv(-offset + stride - 1, stride));
    }

    /** One past the last output index whose input position o·stride + offset is < in (at least 0). */
    private static int validHi(int offset, int stride, int in, int out) {
        int last = in - 1 - offset;
        return last < 0 ? 0 : Math.min(out, last / stride + 1);
    }

    /**
     * Copies {@code rows} rows of {@code len} valid values, {@code stride} apart in both arrays, as
     * one run, then zeroes what the run carried into the gaps between them (padding positions).
     */
    private static void copyRun(Object src, int sp, Object dst, int dp, int rows, int len, int stride) {
        System.arraycopy(src, sp, dst, dp, (rows - 1) * stride + len);
        int gap = stride - len;
        if (gap == 0) return;
        if (dst instanceof double[] d) {
            for (int r = 0; r < rows - 1; r++) java.util.Arrays.fill(d, dp + r * stride + len, dp + (r + 1) * stride, 0.0);
        } else {
            float[] f = (float[]) dst;
            for (int r = 0; r < rows - 1; r++) java.util.Arrays.fill(f, dp + r * stride + len, dp + (r + 1) * stride, 0.0f);
        }
    }

    /** dst[dp + t] = src[sp + t·step] for t < n. */
    private static void copyStrided(Object src, int sp, int step, Object dst, int dp, int n) {
        if (step == 1) {
            System.arraycopy(src, sp, dst, dp, n);
        } else if (src instanceof double[]) {
            double[] s = (double[]) src, d = (double[]) dst;
            for (int t = 0; t < n; t++) d[dp + t] = s[sp + t * step];
        } else {
            float[] s = (float[]) src, d = (float[]) dst;
            for (int t = 0; t < n; t++) d[dp + t] = s[sp + t * step];
        }
    }

    /** dst[dp + t·step] += src[sp + t] for t < n. */
    private static void addStrided(Object src, int sp, Object dst, int dp, int step, int n) {
        if (src instanceof double[]) {
            double[] s = (double[]) src, d = (double[]) dst;
            if (step == 1) for (int t = 0; t < n; t++) d[dp + t] += s[sp + t];
            else for (int t = 0; t < n; t++) d[dp + t * step] += s[sp + t];
        } else {
            float[] s = (float[]) src, d = (float[]) dst;
            if (step == 1) for (int t = 0; t < n; t++) d[dp + t] += s[sp + t];
            else for (int t = 0; t < n; t++) d[dp + t * step] += s[sp + t];
        }
    }
}
