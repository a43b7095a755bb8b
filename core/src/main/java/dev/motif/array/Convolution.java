package dev.motif.array;

/**
 * 2-D convolution kernels (cross-correlation, as PyTorch's {@code conv2d}) and their two
 * gradients, one image at a time: each image is unfolded into a column buffer the size of one
 * image's windows ({@link Windows}), multiplied by the kernel with BLAS, and the buffer is reused
 * for the next image. Unfolding the whole batch at once would write (and then read back) a column
 * array kh·kw times the size of the input; one image's columns stay in cache.
 *
 * <p>Shapes: input x (N, C, H, W), kernel w (O, C/groups, kh, kw), output (N, O, outH, outW) with
 * {@code out = (in + 2·pad − dilation·(k − 1) − 1) / stride + 1}. Output channel o reads input
 * group o / (O/groups). Padding is zero and the same on both sides of an axis.
 *
 * <p>The three functions are one family: {@link #conv2dInputGrad} and {@link #conv2dWeightGrad}
 * are the adjoints of {@link #conv2d} in x and in w, and each one's gradients are again members of
 * the family, which is what lets the autodiff op differentiate to any order.
 */
public final class Convolution {
    private Convolution() {}

    /** y = conv(x, w): (N, C, H, W) and (O, C/groups, kh, kw) to (N, O, outH, outW). */
    public static NDArray conv2d(NDArray x, NDArray w, int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        String op = "conv2d";
        rank4(op, "input", x);
        rank4(op, "kernel", w);
        sameDtype(op, x, w);
        Windows.Geometry g = geometry(op, x.shape(), w, sh, sw, ph, pw, dh, dw, groups);
        int o = w.shape(0), og = o / groups, cg = g.c() / groups, ck = cg * g.kh() * g.kw(), L = g.outH() * g.outW(), hw = g.h() * g.w();
        NDArray out = NDArray.zeros(x.dtype(), g.n(), o, g.outH(), g.outW());
        boolean direct = pointwise(g);
        Parallel.forChunks(g.n(), imageChunks(g, o), () -> direct ? null : NDArray.zeros(x.dtype(), g.c() * g.kh() * g.kw() * L), (buf, chunk, lo, hi) -> {
            for (int n = lo; n < hi; n++) {
                if (!direct) Windows.runSample(g, Windows.storage(x), n * g.c() * hw, Windows.storage(buf), 0, false);
                for (int gi = 0; gi < groups; gi++) {
                    NDArray cols = direct ? x : buf;
                    int colOff = direct ? (n * g.c() + gi * cg) * hw : gi * ck * L;
                    MatMul.gemm(w, gi * og * ck, false, cols, colOff, false, out, (n * o + gi * og) * L, og, L, ck, false);
                }
            }
        });
        return out;
    }

    /**
     * The gradient of {@link #conv2d} in x: the output gradient (N, O, outH, outW) sent back through
     * the kernel to an (N, C, h, w) image, overlapping windows summed (a transposed convolution).
     */
    public static NDArray conv2dInputGrad(NDArray gy, NDArray w, int h, int wd, int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        String op = "conv2dInputGrad";
        rank4(op, "output gradient", gy);
        rank4(op, "kernel", w);
        int c = w.shape(1) * groups;
        Windows.Geometry g = geometry(op, new int[] {gy.shape(0), c, h, wd}, w, sh, sw, ph, pw, dh, dw, groups);
        checkOutput(op, gy, g, w);
        int o = w.shape(0), og = o / groups, cg = c / groups, ck = cg * g.kh() * g.kw(), L = g.outH() * g.outW(), hw = h * wd;
        NDArray dx = NDArray.zeros(gy.dtype(), g.n(), c, h, wd);
        boolean direct = pointwise(g);
        Parallel.forChunks(g.n(), imageChunks(g, o), () -> direct ? null : NDArray.zeros(gy.dtype(), c * g.kh() * g.kw() * L), (buf, chunk, lo, hi) -> {
            for (int n = lo; n < hi; n++) {
                for (int gi = 0; gi < groups; gi++) {
                    NDArray dst = direct ? dx : buf;
                    int dstOff = direct ? (n * c + gi * cg) * hw : gi * ck * L;
                    MatMul.gemm(w, gi * og * ck, true, gy, (n * o + gi * og) * L, false, dst, dstOff, ck, L, og, false);
                }
                if (!direct) Windows.runSample(g, Windows.storage(dx), n * c * hw, Windows.storage(buf), 0, true);
            }
        });
        return dx;
    }

    /**
     * The gradient of {@link #conv2d} in w: Σ over images and positions of the output gradient times
     * the window it saw, shape (O, C/groups, kh, kw). Every position adds into the one shared kernel.
     */
    public static NDArray conv2dWeightGrad(NDArray x, NDArray gy, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        String op = "conv2dWeightGrad";
        rank4(op, "input", x);
        rank4(op, "output gradient", gy);
        sameDtype(op, x, gy);
        if (groups <= 0 || x.shape(1) % groups != 0 || gy.shape(1) % groups != 0) {
            throw new IllegalArgumentException(op + ": groups " + groups + " must divide the input's " + x.shape(1) + " and the output's "
                    + gy.shape(1) + " channels");
        }
        int o = gy.shape(1), c = x.shape(1), cg = c / groups, og = o / groups;
        NDArray dwt = NDArray.zeros(x.dtype(), o, cg, kh, kw);
        Windows.Geometry g = geometry(op, x.shape(), dwt, sh, sw, ph, pw, dh, dw, groups);
        checkOutput(op, gy, g, dwt);
        int ck = cg * kh * kw, L = g.outH() * g.outW(), hw = g.h() * g.w();
        boolean direct = pointwise(g);
        // Each chunk of images sums into its own kernel-sized partial, and the partials are added in
        // chunk order: the chunks depend on the batch and kernel sizes only, so the sum's rounding
        // is the same on any number of cores. The partials cap the chunk count at a few MB of them.
        int chunks = Math.max(1, Math.min(imageChunks(g, o), PARTIALS_BUDGET / dwt.size()));
        NDArray[] partials = new NDArray[chunks];
        Parallel.forChunks(g.n(), chunks, () -> direct ? null : NDArray.zeros(x.dtype(), c * kh * kw * L), (buf, chunk, lo, hi) -> {
            NDArray acc = NDArray.zeros(x.dtype(), dwt.shape());
            for (int n = lo; n < hi; n++) {
                if (!direct) Windows.runSample(g, Windows.storage(x), n * c * hw, Windows.storage(buf), 0, false);
                for (int gi = 0; gi < groups; gi++) {
                    NDArray cols = direct ? x : buf;
                    int colOff = direct ? (n * c + gi * cg) * hw : gi * ck * L;
                    MatMul.gemm(gy, (n * o + gi * og) * L, false, cols, colOff, true, acc, gi * og * ck, og, ck, L, true);
                }
            }
            partials[chunk] = acc;
        });
        NDArray sum = partials[0];
        for (int i = 1; i < partials.length; i++) sum = sum.add(partials[i]);
        return sum;
    }

    /** At most this many chunks of a batch: enough to keep 16 cores busy, few enough partials to add. */
    private static final int MAX_IMAGE_CHUNKS = 16;

    /** The weight gradient's partials (one kernel each) may hold this many elements in all. */
    private static final int PARTIALS_BUDGET = 1 << 22;

    /**
     * How many chunks a batch is cut into ({@link Parallel}): by the batch size and the
     * multiply-adds per image only, so small convolutions stay on the calling thread.
     */
    private static int imageChunks(Windows.Geometry g, int outChannels) {
        long perImage = (long) outChannels * g.outH() * g.outW() * g.c() * g.kh() * g.kw(); // groups ignored: an upper bound
        return Parallel.chunks(g.n(), perImage, MAX_IMAGE_CHUNKS);
    }

    /** A 1x1 kernel with stride 1 and no padding: the columns are the image itself, so no unfolding. */
    private static boolean pointwise(Windows.Geometry g) {
        return g.kh() == 1 && g.kw() == 1 && g.sh() == 1 && g.sw() == 1 && g.ph() == 0 && g.pw() == 0;
    }

    private static void sameDtype(String op, NDArray a, NDArray b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtypes " + a.dtype() + " and " + b.dtype() + " differ (shapes " + Shapes.str(a.shape())
                    + " and " + Shapes.str(b.shape()) + "); convert one with to()");
        }
    }

    private static void rank4(String op, String what, NDArray a) {
        NDArray.requireFloat(op, a);
        if (a.rank() != 4) throw new IllegalArgumentException(op + ": " + what + " must have rank 4, got shape " + Shapes.str(a.shape()));
    }

    private static Windows.Geometry geometry(String op, int[] xs, NDArray w, int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        int[] ws = w.shape();
        if (groups <= 0 || ws[0] % groups != 0) {
            throw new IllegalArgumentException(op + ": groups " + groups + " must divide the kernel's " + ws[0] + " output channels (kernel " + Shapes.str(ws) + ")");
        }
        if (xs[1] != ws[1] * groups) {
            throw new IllegalArgumentException(op + ": input " + Shapes.str(xs) + " has " + xs[1] + " channels, the kernel " + Shapes.str(ws)
                    + " with " + groups + " group(s) expects " + ws[1] * groups);
        }
        return Windows.geometry(op, xs[0], xs[1], xs[2], xs[3], ws[2], ws[3], sh, sw, ph, pw, dh, dw, xs);
    }

    private static void checkOutput(String op, NDArray gy, Windows.Geometry g, NDArray w) {
        int[] expected = {g.n(), w.shape(0), g.outH(), g.outW()};
        if (!java.util.Arrays.equals(gy.shape(), expected)) {
            throw new IllegalArgumentException(op + ": output gradient " + Shapes.str(gy.shape()) + " does not match the convolution's output "
                    + Shapes.str(expected));
        }
        if (gy.dtype() != w.dtype()) {
            throw new IllegalArgumentException(op + ": dtypes " + gy.dtype() + " and " + w.dtype() + " differ; convert one with to()");
        }
    }
}
