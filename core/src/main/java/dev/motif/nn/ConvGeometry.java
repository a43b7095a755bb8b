package dev.motif.nn;

import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;

/**
 * The resolved geometry shared by the convolutions and their untied twins: channels, kernel,
 * stride, padding before and after each axis (they differ only for "same" with an even dilated
 * kernel), dilation and groups. A 1-D layer is the 2-D case with a height of one.
 */
final class ConvGeometry {
    final int spatialRank; // 1 or 2
    final int inC, outC, groups;
    final int kh, kw, sh, sw, dh, dw;
    final int padTop, padBottom, padLeft, padRight;
    final ConvOptions options;

    private ConvGeometry(int spatialRank, int inC, int outC, int kh, int kw, ConvOptions o) {
        this.spatialRank = spatialRank;
        this.inC = inC;
        this.outC = outC;
        this.groups = o.groups();
        this.kh = kh;
        this.kw = kw;
        this.sh = spatialRank == 1 ? 1 : o.strideH();
        this.sw = o.strideW();
        this.dh = spatialRank == 1 ? 1 : o.dilationH();
        this.dw = o.dilationW();
        this.options = o;
        if (o.same()) {
            // PyTorch: total = dilation·(k − 1), split with the odd zero after.
            int th = dh * (kh - 1), tw = dw * (kw - 1);
            padTop = th / 2;
            padBottom = th - th / 2;
            padLeft = tw / 2;
            padRight = tw - tw / 2;
        } else {
            padTop = padBottom = spatialRank == 1 ? 0 : o.paddingH();
            padLeft = padRight = o.paddingW();
        }
    }

    /** Validates and resolves; {@code layer} names the layer kind in errors. */
    static ConvGeometry of(String layer, int spatialRank, int inC, int outC, int kh, int kw, ConvOptions o) {
        if (o == null) throw new IllegalArgumentException(layer + ": options must not be null (use ConvOptions.DEFAULT)");
        if (inC <= 0 || outC <= 0) {
            throw new IllegalArgumentException(layer + ": channel counts must be positive, got in=" + inC + ", out=" + outC);
        }
        if (kh <= 0 || kw <= 0) {
            throw new IllegalArgumentException(layer + ": kernel size must be positive, got " + (spatialRank == 1 ? kw : kh + "x" + kw));
        }
        if (inC % o.groups() != 0 || outC % o.groups() != 0) {
            throw new IllegalArgumentException(layer + ": groups " + o.groups() + " must divide both channel counts, got in=" + inC + ", out=" + outC);
        }
        ConvGeometry g = new ConvGeometry(spatialRank, inC, outC, kh, kw, o);
        if (o.same() && (g.sh != 1 || g.sw != 1)) {
            throw new IllegalArgumentException(layer + ": padding \"same\" needs stride 1 (as in PyTorch), got stride "
                    + (spatialRank == 1 ? String.valueOf(g.sw) : g.sh + "x" + g.sw));
        }
        return g;
    }

    /** Input values one output value of one channel sees: (in / groups)·kh·kw, the fan-in. */
    int fanIn() {
        return inC / groups * kh * kw;
    }

    /** Output spatial extents for input spatial extents (H, W) or (L), or an error naming {@code who}. */
    int[] outputSpatial(String who, int[] inputShape) {
        int expected = spatialRank + 2;
        String layout = spatialRank == 1 ? "(N, C, L)" : "(N, C, H, W)";
        if (inputShape.length != expected) {
            throw new IllegalArgumentException(who + ": input must have shape " + layout + " with C = " + inC + ", got " + Shapes.str(inputShape));
        }
        if (inputShape[1] != inC) {
            throw new IllegalArgumentException(who + ": expects " + inC + " input channels, got " + inputShape[1] + " (input shape "
                    + Shapes.str(inputShape) + ", layout " + layout + ")");
        }
        if (inputShape[0] <= 0) throw new IllegalArgumentException(who + ": batch size must be positive, got input shape " + Shapes.str(inputShape));
        if (spatialRank == 1) {
            return new int[] {extent(who, "length", inputShape[2], kw, sw, padLeft, padRight, dw, inputShape)};
        }
        return new int[] {extent(who, "height", inputShape[2], kh, sh, padTop, padBottom, dh, inputShape),
                extent(who, "width", inputShape[3], kw, sw, padLeft, padRight, dw, inputShape)};
    }

    private static int extent(String who, String axis, int in, int k, int stride, int before, int after, int dil, int[] shape) {
        long span = (long) dil * (k - 1) + 1, padded = (long) in + before + after;
        if (in <= 0 || span > padded) {
            throw new IllegalArgumentException(who + ": kernel " + k + " (dilation " + dil + ", span " + span + ") is larger than the padded input "
                    + axis + " " + padded + " (" + in + " plus padding " + before + "+" + after + "); input shape " + Shapes.str(shape));
        }
        return (int) ((padded - span) / stride + 1);
    }

    /** The full output shape (N, out, ...spatial) for an input shape, validated. */
    int[] outputShape(String who, int[] inputShape) {
        int[] sp = outputSpatial(who, inputShape);
        int[] out = new int[sp.length + 2];
        out[0] = inputShape[0];
        out[1] = outC;
        System.arraycopy(sp, 0, out, 2, sp.length);
        return out;
    }

    /** Windows as columns (N, C·kh·kw, positions), padding applied; asymmetric padding pads the input first. */
    Tensor columns(Tensor x) {
        boolean symmetric = padTop == padBottom && padLeft == padRight;
        if (spatialRank == 1) {
            if (symmetric) return x.im2col1d(kw, sw, padLeft, dw);
            return x.pad(new int[][] {{padLeft, padRight}}, 0).im2col1d(kw, sw, 0, dw);
        }
        if (symmetric) return x.im2col2d(kh, kw, sh, sw, padTop, padLeft, dh, dw);
        return x.pad(new int[][] {{padTop, padBottom}, {padLeft, padRight}}, 0).im2col2d(kh, kw, sh, sw, 0, 0, dh, dw);
    }

    /** The convolution of x with kernel w (PyTorch's layout), without bias; asymmetric padding pads the input first. */
    Tensor convolve(Tensor x, Tensor w) {
        boolean symmetric = padTop == padBottom && padLeft == padRight;
        if (spatialRank == 1) {
            int n = x.shape(0), l = x.shape(2);
            Tensor x2 = (symmetric ? x : x.pad(new int[][] {{padLeft, padRight}}, 0)).reshape(n, inC, 1, -1);
            Tensor y = x2.conv2d(w.reshape(outC, inC / groups, 1, kw), 1, sw, 0, symmetric ? padLeft : 0, 1, dw, groups);
            return y.reshape(n, outC, y.shape(3));
        }
        if (symmetric) return x.conv2d(w, sh, sw, padTop, padLeft, dh, dw, groups);
        return x.pad(new int[][] {{padTop, padBottom}, {padLeft, padRight}}, 0).conv2d(w, sh, sw, 0, 0, dh, dw, groups);
    }

    /** "3 -> 16, 3x3, stride 2, ..." with only the options that differ from PyTorch's defaults. */
    String describe() {
        StringBuilder sb = new StringBuilder().append(inC).append(" -> ").append(outC).append(", ");
        sb.append(spatialRank == 1 ? String.valueOf(kw) : kh + "x" + kw);
        if (sh != 1 || sw != 1) sb.append(", stride ").append(pair(sh, sw));
        if (options.same()) sb.append(", padding same");
        else if (padTop != 0 || padLeft != 0) sb.append(", padding ").append(pair(padTop, padLeft));
        if (dh != 1 || dw != 1) sb.append(", dilation ").append(pair(dh, dw));
        if (groups != 1) sb.append(", groups ").append(groups);
        if (!options.bias()) sb.append(", no bias");
        return sb.toString();
    }

    /** One number when both axes agree (and always in 1-D), "hxw" otherwise. */
    private String pair(int h, int w) {
        return spatialRank == 1 || h == w ? String.valueOf(w) : h + "x" + w;
    }
}
