package dev.motif.autodiff;

import dev.motif.array.Convolution;
import dev.motif.array.Pooling;
import dev.motif.array.Windows;

/**
 * Backward rules of the products and windowed ops: matmul, convolution, im2col and pooling. Each
 * of the linear ones has its adjoint as its gradient, and the adjoint's gradient is again a member
 * of the family, so they differentiate to any order; the adjoints themselves are here, not in
 * Tensor's API.
 */
final class ProductRules {
    private ProductRules() {}

    /** C = op(A)·op(B): for each of the four cases, dA and dB in the stored layouts of A and B, without copying a transpose. */
    static Node.Backward matmul(boolean ta, boolean tb) {
        return (g, out, in) -> {
            Tensor a = in[0], o = in[1];
            return new Tensor[] {
                    a.requiresGrad() ? (ta ? (tb ? o.matmul(g, true, true) : o.matmul(g, false, true))
                                         : (tb ? g.matmul(o, false, false) : g.matmul(o, false, true))).sumTo(a.shape()) : null,
                    o.requiresGrad() ? (tb ? (ta ? g.matmul(a, true, true) : g.matmul(a, true, false))
                                         : (ta ? a.matmul(g, false, false) : a.matmul(g, true, false))).sumTo(o.shape()) : null};
        };
    }

    /** The geometry shared by a convolution and its two gradients. */
    record Conv(int sh, int sw, int ph, int pw, int dh, int dw, int groups) {}

    /** conv2d(x, w): the input gradient is a transposed convolution, the kernel's a sum over images and positions. */
    static Node.Backward conv2d(Conv c) {
        return (g, out, in) -> {
            Tensor x = in[0], w = in[1];
            return new Tensor[] {
                    x.requiresGrad() ? conv2dInputGrad(g, w, x.shape(2), x.shape(3), c) : null,
                    w.requiresGrad() ? conv2dWeightGrad(x, g, w.shape(2), w.shape(3), c) : null};
        };
    }

    /** The gradient of conv2d in its input: {@code gy} (N, O, outH, outW) back to (N, C, h, wd). */
    static Tensor conv2dInputGrad(Tensor gy, Tensor w, int h, int wd, Conv c) {
        Tensor.sameDtype("conv2dInputGrad", gy, w);
        return Tensor.record("conv2dInputGrad", Convolution.conv2dInputGrad(gy.value(), w.value(), h, wd, c.sh, c.sw, c.ph, c.pw, c.dh, c.dw, c.groups),
                inputGrad(c), gy, w);
    }

    /** Linear in gy and in w: <ḡ, inputGrad(gy, w)> = <conv2d(ḡ, w), gy> = <weightGrad(ḡ, gy), w>. */
    private static Node.Backward inputGrad(Conv c) {
        return (g, out, in) -> {
            Tensor gy = in[0], w = in[1];
            return new Tensor[] {
                    gy.requiresGrad() ? g.conv2d(w, c.sh, c.sw, c.ph, c.pw, c.dh, c.dw, c.groups) : null,
                    w.requiresGrad() ? conv2dWeightGrad(g, gy, w.shape(2), w.shape(3), c) : null};
        };
    }

    /** The gradient of conv2d in its kernel: (O, C/groups, kh, kw), summed over images and positions. */
    static Tensor conv2dWeightGrad(Tensor x, Tensor gy, int kh, int kw, Conv c) {
        Tensor.sameDtype("conv2dWeightGrad", x, gy);
        return Tensor.record("conv2dWeightGrad", Convolution.conv2dWeightGrad(x.value(), gy.value(), kh, kw, c.sh, c.sw, c.ph, c.pw, c.dh, c.dw, c.groups),
                weightGrad(c), x, gy);
    }

    /** <ḡ, weightGrad(x, gy)> = <inputGrad(gy, ḡ), x> = <conv2d(x, ḡ), gy>. */
    private static Node.Backward weightGrad(Conv c) {
        return (g, out, in) -> {
            Tensor x = in[0], gy = in[1];
            return new Tensor[] {
                    x.requiresGrad() ? conv2dInputGrad(gy, g, x.shape(2), x.shape(3), c) : null,
                    gy.requiresGrad() ? x.conv2d(g, c.sh, c.sw, c.ph, c.pw, c.dh, c.dw, c.groups) : null};
        };
    }

    /** The window geometry of im2col2d and col2im2d. */
    record Window(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {}

    /** im2col2d: the gradient folds the columns back, summing what every window position sends. */
    static Node.Backward im2col2d(Window k) {
        return (g, out, in) -> new Tensor[] {col2im2d(g, in[0].shape(2), in[0].shape(3), k)};
    }

    /**
     * im2col1d gives the columns im2col2d gives for a height-1 image, so its gradient is the 2-D
     * adjoint reshaped back to (N, C, L): no 1-D adjoint of its own is needed.
     */
    static Node.Backward im2col1d(Window k) {
        return (g, out, in) -> new Tensor[] {col2im2d(g, 1, in[0].shape(2), k).reshape(in[0].shape())};
    }

    /** The adjoint of im2col2d: columns back to an (N, C, h, w) image, overlaps summed; its gradient is im2col2d. */
    static Tensor col2im2d(Tensor cols, int h, int w, Window k) {
        return Tensor.record("col2im2d", Windows.col2im2d(cols.value(), h, w, k.kh, k.kw, k.sh, k.sw, k.ph, k.pw, k.dh, k.dw),
                (g, out, in) -> new Tensor[] {g.im2col2d(k.kh, k.kw, k.sh, k.sw, k.ph, k.pw, k.dh, k.dw)}, cols);
    }

    /** The geometry of a 2-D pooling. */
    record Pool(int kh, int kw, int sh, int sw, int ph, int pw) {}

    /** Max pooling: each window's gradient to its first maximal element, linear in the gradient (exact second derivatives away from ties). */
    static Node.Backward maxPool2d(int[] argmax) {
        return (g, out, in) -> new Tensor[] {ShapeRules.scatterAddFlat(g, argmax, in[0].shape())};
    }

    /** Average pooling is linear: its gradient is its adjoint. */
    static Node.Backward avgPool2d(Pool p) {
        return (g, out, in) -> new Tensor[] {avgPool2dAdjoint(g, in[0].shape(2), in[0].shape(3), p)};
    }

    /** The adjoint of average pooling: each value spread evenly over its window of an (N, C, h, w) tensor, overlaps summed; its gradient is the pooling. */
    static Tensor avgPool2dAdjoint(Tensor t, int h, int w, Pool p) {
        return Tensor.record("avgPool2dAdjoint", Pooling.avgPool2dAdjoint(t.value(), h, w, p.kh, p.kw, p.sh, p.sw, p.ph, p.pw),
                (g, out, in) -> new Tensor[] {g.avgPool2d(p.kh, p.kw, p.sh, p.sw, p.ph, p.pw)}, t);
    }
}
