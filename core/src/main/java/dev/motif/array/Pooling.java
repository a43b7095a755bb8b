package dev.motif.array;

/**
 * Max and average pooling over 2-D windows. Max pooling also returns the position of every
 * window's maximum, and its gradient is one of two flat-index routings, {@link NDArray#gatherFlat}
 * and its adjoint {@link NDArray#scatterAddFlat}; average pooling is linear, and its gradient is
 * its adjoint {@link #avgPool2dAdjoint}.
 *
 * <p>Geometry is PyTorch's ({@code ceil_mode = false}, dilation 1): an input {@code (N, C, H, W)}
 * gives {@code (N, C, outH, outW)} with {@code out = (in + 2·padding − kernel) / stride + 1}, and
 * padding may be at most half the kernel, which leaves every window at least one real element.
 * For the maximum, padding counts as −∞ (a padded position never wins); for the average it counts
 * as zero, and every window is divided by its full size.
 *
 * <p>The maximum of a window is its first maximal element in row-major window order (a NaN
 * counts as maximal, and the first NaN wins), and the returned index is that element's flat
 * index in the input. Routing the output gradient back through {@link NDArray#scatterAddFlat} sends all
 * of it to that one element per window: away from ties, exactly the derivative of the maximum.
 *
 * <pre>{@code
 * Pooling.MaxPool p = Pooling.maxPool2d(x, 2, 2, 2, 2, 0, 0);   // (N, C, H/2, W/2) and argmax
 * NDArray dx = dy.scatterAddFlat(p.argmax(), x.shape());           // the gradient of a sum against dy
 * }</pre>
 */
public final class Pooling {
    private Pooling() {}

    /** The pooled values and, for each of them, the flat input index it was taken from. */
    public record MaxPool(NDArray values, int[] argmax) {}

    /**
     * Max pooling of {@code x (N, C, H, W)} with a {@code kh×kw} window, strides {@code sh, sw}
     * and −∞ padding {@code ph, pw}.
     */
    public static MaxPool maxPool2d(NDArray x, int kh, int kw, int sh, int sw, int ph, int pw) {
        Geometry g = geometry("maxPool2d", x, kh, kw, sh, sw, ph, pw);
        NDArray out = NDArray.zeros(x.dtype(), g.n, g.c, g.outH, g.outW);
        int[] arg = new int[out.size()];
        boolean tiled = kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0;
        forPlanes(g, x.size(), (p0, p1) -> {
            if (tiled && x.dtype() == DType.F32) tiles2x2F32(x.f32(), out.f32(), arg, p0, p1, g.h, g.w, g.outH, g.outW);
            else if (tiled) tiles2x2F64(x.f64(), out.f64(), arg, p0, p1, g.h, g.w, g.outH, g.outW);
            else general(x, out, arg, p0, p1, g);
        });
        return new MaxPool(out, arg);
    }

    /**
     * Average pooling of {@code x (N, C, H, W)} with zero padding, every window divided by
     * {@code kh·kw} whatever part of it is padding (PyTorch's {@code count_include_pad = true}).
     */
    public static NDArray avgPool2d(NDArray x, int kh, int kw, int sh, int sw, int ph, int pw) {
        Geometry g = geometry("avgPool2d", x, kh, kw, sh, sw, ph, pw);
        NDArray out = NDArray.zeros(x.dtype(), g.n, g.c, g.outH, g.outW);
        forPlanes(g, x.size(), (p0, p1) -> average(x, out, p0, p1, g, false));
        return out;
    }

    /**
     * The adjoint of {@link #avgPool2d}: every value of {@code grad (N, C, outH, outW)} spread
     * evenly, divided by {@code kh·kw}, over its window of an {@code (N, C, h, w)} zero array, sums
     * where windows overlap. It is the gradient of average pooling, and average pooling is its.
     */
    public static NDArray avgPool2dAdjoint(NDArray grad, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw) {
        String op = "avgPool2dAdjoint";
        NDArray.requireFloat(op, grad);
        if (grad.rank() != 4) throw new IllegalArgumentException(op + ": gradient must have shape (N, C, outH, outW), got " + Shapes.str(grad.shape()));
        int[] s = grad.shape();
        Geometry g = geometry(op, new int[] {s[0], s[1], h, w}, kh, kw, sh, sw, ph, pw);
        if (g.outH != s[2] || g.outW != s[3]) {
            throw new IllegalArgumentException(op + ": gradient " + Shapes.str(s) + " does not match the " + g.outH + "x" + g.outW
                    + " output of a " + kh + "x" + kw + " window (stride " + sh + "x" + sw + ", padding " + ph + "x" + pw + ") over " + h + "x" + w);
        }
        NDArray img = NDArray.zeros(grad.dtype(), s[0], s[1], h, w);
        forPlanes(g, img.size(), (p0, p1) -> average(img, grad, p0, p1, g, true));
        return img;
    }

    /** The shape of a pooling and the output extents {@code (in + 2·padding − kernel) / stride + 1}; 1-D is H = 1. */
    private record Geometry(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int outH, int outW) {}

    private static Geometry geometry(String op, NDArray x, int kh, int kw, int sh, int sw, int ph, int pw) {
        NDArray.requireFloat(op, x);
        return geometry(op, x.shape(), kh, kw, sh, sw, ph, pw);
    }

    private static Geometry geometry(String op, int[] s, int kh, int kw, int sh, int sw, int ph, int pw) {
        if (s.length != 4) throw new IllegalArgumentException(op + ": input must have shape (N, C, H, W), got " + Shapes.str(s));
        if (kh <= 0 || kw <= 0) throw new IllegalArgumentException(op + ": kernel size must be positive, got " + kh + "x" + kw);
        if (sh <= 0 || sw <= 0) throw new IllegalArgumentException(op + ": stride must be positive, got " + sh + "x" + sw);
        checkPadding(op, kh, ph, "height");
        checkPadding(op, kw, pw, "width");
        int h = s[2], w = s[3];
        if (kh > h + 2 * ph || kw > w + 2 * pw) {
            throw new IllegalArgumentException(op + ": a " + kh + "x" + kw + " window does not fit the input " + Shapes.str(s)
                    + " padded by " + ph + "x" + pw);
        }
        return new Geometry(s[0], s[1], h, w, kh, kw, sh, sw, ph, pw, (h + 2 * ph - kh) / sh + 1, (w + 2 * pw - kw) / sw + 1);
    }

    /**
     * Runs {@code body} over every (image, channel) plane {@code [p0, p1)}. Planes are independent,
     * so a large input is cut into runs of planes by its size ({@link Parallel}); each run writes
     * only its own planes' outputs.
     */
    private static void forPlanes(Geometry g, int elements, Parallel.Range body) {
        int planes = g.n * g.c;
        Parallel.forRanges(planes, Parallel.chunks(planes, planes == 0 ? 0 : elements / planes, Integer.MAX_VALUE), body);
    }

    private static void checkPadding(String op, int k, int p, String axis) {
        if (k > 0 && p > k / 2) {
            throw new IllegalArgumentException(op + ": padding " + p + " along the " + axis + " must be at most half the kernel size " + k
                    + " (a window would otherwise see only padding)");
        }
    }

    /**
     * The common case, 2×2 windows with stride 2 and no padding: each output reads two adjacent
     * pairs of two input rows, with no bounds tests. The maximum is a tournament (first pair,
     * second pair, then the two winners) of strict comparisons, so a tie goes to the earlier
     * element in row-major order, as in {@link #general}.
     *
     * <p>On real data which element wins is a coin toss, and a branch per comparison would
     * mispredict half the time (five times slower, measured). So the floats are compared as
     * order-preserving integer keys ({@link #key}) and the winner chosen with sign masks, without
     * a branch. A window with a NaN (its sum is NaN) is redone by {@link #window2x2} so that the
     * first NaN wins.
     */
    private static void tiles2x2F32(float[] in, float[] o, int[] arg, int p0, int p1, int h, int w, int outH, int outW) {
        int q = p0 * outH * outW;
        for (int p = p0; p < p1; p++) {
            int base = p * h * w;
            for (int oh = 0; oh < outH; oh++) {
                int r0 = base + 2 * oh * w, r1 = r0 + w;
                for (int ow = 0; ow < outW; ow++, q++) {
                    int i = r0 + 2 * ow, j = r1 + 2 * ow;
                    float a = in[i], b = in[i + 1], c = in[j], d = in[j + 1];
                    int ka = key(a), kb = key(b), kc = key(c), kd = key(d);
                    int top = (int) (((long) ka - kb) >> 63);    // -1 where b > a, else 0
                    int bottom = (int) (((long) kc - kd) >> 63); // -1 where d > c
                    int kTop = (kb & top) | (ka & ~top), kBottom = (kd & bottom) | (kc & ~bottom);
                    int down = (int) (((long) kTop - kBottom) >> 63); // -1 where the bottom pair's winner is larger
                    int at = ((j - bottom) & down) | ((i - top) & ~down);
                    o[q] = in[at];
                    arg[q] = at;
                    float sum = a + b + c + d;
                    if (sum != sum) arg[q] = window2x2(in, i, j, o, q);
                }
            }
        }
    }

    /**
     * An int that orders as the float does (for non-NaN values): the bits of a non-negative float
     * already do, a negative one's magnitude bits are flipped. Adding +0 first turns −0 into +0,
     * so that the two zeros, equal as floats, stay a tie.
     */
    private static int key(float x) {
        int bits = Float.floatToRawIntBits(x + 0.0f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /** As {@link #tiles2x2F32}, with 64-bit keys: the same branch-free tournament for F64. */
    private static void tiles2x2F64(double[] in, double[] o, int[] arg, int p0, int p1, int h, int w, int outH, int outW) {
        int q = p0 * outH * outW;
        for (int p = p0; p < p1; p++) {
            int base = p * h * w;
            for (int oh = 0; oh < outH; oh++) {
                int r0 = base + 2 * oh * w, r1 = r0 + w;
                for (int ow = 0; ow < outW; ow++, q++) {
                    int i = r0 + 2 * ow, j = r1 + 2 * ow;
                    double a = in[i], b = in[i + 1], c = in[j], d = in[j + 1];
                    long ka = key(a), kb = key(b), kc = key(c), kd = key(d);
                    long top = less(ka, kb), bottom = less(kc, kd);
                    long kTop = (kb & top) | (ka & ~top), kBottom = (kd & bottom) | (kc & ~bottom);
                    int down = (int) less(kTop, kBottom);
                    int at = ((j - (int) bottom) & down) | ((i - (int) top) & ~down);
                    o[q] = in[at];
                    arg[q] = at;
                    double sum = a + b + c + d;
                    if (sum != sum) arg[q] = window2x2(in, i, j, o, q);
                }
            }
        }
    }

    /** {@link #key(float)} for doubles. */
    private static long key(double x) {
        long bits = Double.doubleToRawLongBits(x + 0.0);
        return bits ^ ((bits >> 63) & 0x7fffffffffffffffL);
    }

    /** -1 where a < b, else 0, without a branch; the subtraction's overflow is corrected for. */
    private static long less(long a, long b) {
        long diff = a - b;
        return (diff ^ ((a ^ b) & (diff ^ a))) >> 63;
    }

    /** The rare 2×2 window whose sum is NaN (a NaN, or +∞ with −∞), element by element: writes its maximum, returns its index. */
    private static int window2x2(Object in, int i, int j, Object o, int q) {
        int[] at = {i, i + 1, j, j + 1};
        int best = at[0];
        double m = get(in, best);
        for (int k = 1; k < 4 && m == m; k++) {
            double v = get(in, at[k]);
            if (!(v <= m)) {
                m = v;
                best = at[k];
            }
        }
        if (o instanceof float[] f) f[q] = (float) m;
        else ((double[]) o)[q] = m;
        return best;
    }

    private static double get(Object a, int i) {
        return a instanceof float[] f ? f[i] : ((double[]) a)[i];
    }

    /** Any window, stride and padding: each window is clipped to the input, which is how −∞ padding never wins. */
    private static void general(NDArray x, NDArray out, int[] arg, int p0, int p1, Geometry g) {
        double[] d = x.dtype() == DType.F64 ? x.f64() : null;
        float[] f = d == null ? x.f32() : null;
        int h = g.h, w = g.w;
        int q = p0 * g.outH * g.outW;
        for (int p = p0; p < p1; p++) {
            int base = p * h * w;
            for (int oh = 0; oh < g.outH; oh++) {
                int h0 = Math.max(oh * g.sh - g.ph, 0), h1 = Math.min(oh * g.sh - g.ph + g.kh, h);
                for (int ow = 0; ow < g.outW; ow++, q++) {
                    int w0 = Math.max(ow * g.sw - g.pw, 0), w1 = Math.min(ow * g.sw - g.pw + g.kw, w);
                    int at = base + h0 * w + w0;
                    double m = d != null ? d[at] : f[at];
                    scan:
                    for (int i = h0; i < h1; i++) {
                        for (int j = w0; j < w1; j++) {
                            int k = base + i * w + j;
                            double v = d != null ? d[k] : f[k];
                            if (m != m) break scan;
                            if (!(v <= m)) {
                                m = v;
                                at = k;
                            }
                        }
                    }
                    out.setFlat(q, m);
                    arg[q] = at;
                }
            }
        }
    }

    /**
     * Average pooling over the planes {@code [p0, p1)}: each window, clipped to the image (zero
     * padding adds nothing), summed and divided by {@code kh·kw} into {@code cols}; or, with
     * {@code spread}, each value of {@code cols} divided by {@code kh·kw} and added over its window
     * of {@code img}. Sums of F32 windows are taken in double.
     */
    private static void average(NDArray img, NDArray cols, int p0, int p1, Geometry g, boolean spread) {
        boolean f64 = img.dtype() == DType.F64;
        double[] di = f64 ? img.f64() : null, dc = f64 ? cols.f64() : null;
        float[] fi = f64 ? null : img.f32(), fc = f64 ? null : cols.f32();
        double scale = 1.0 / (g.kh * g.kw);
        int h = g.h, w = g.w;
        int q = p0 * g.outH * g.outW;
        for (int p = p0; p < p1; p++) {
            int base = p * h * w;
            for (int oh = 0; oh < g.outH; oh++) {
                int h0 = Math.max(oh * g.sh - g.ph, 0), h1 = Math.min(oh * g.sh - g.ph + g.kh, h);
                for (int ow = 0; ow < g.outW; ow++, q++) {
                    int w0 = Math.max(ow * g.sw - g.pw, 0), w1 = Math.min(ow * g.sw - g.pw + g.kw, w);
                    if (spread) {
                        double v = (f64 ? dc[q] : fc[q]) * scale;
                        for (int i = h0; i < h1; i++) {
                            int row = base + i * w;
                            if (f64) for (int j = w0; j < w1; j++) di[row + j] += v;
                            else for (int j = w0; j < w1; j++) fi[row + j] += (float) v;
                        }
                    } else {
                        double sum = 0;
                        for (int i = h0; i < h1; i++) {
                            int row = base + i * w;
                            if (f64) for (int j = w0; j < w1; j++) sum += di[row + j];
                            else for (int j = w0; j < w1; j++) sum += fi[row + j];
                        }
                        if (f64) dc[q] = sum * scale;
                        else fc[q] = (float) (sum * scale);
                    }
                }
            }
        }
    }
}
