package dev.motif.nn;

/**
 * The geometry options of a convolution or locally connected layer, as PyTorch names them:
 * stride, padding (a number, or "same"), dilation, groups, and whether there is a bias.
 * Immutable; each {@code with} method returns a changed copy.
 *
 * <p>2-D layers read the height and width entries; 1-D layers read the width entries only
 * ({@link #stride(int)} and the other one-number forms set both, so they serve either).
 *
 * <pre>{@code
 * ConvOptions o = ConvOptions.DEFAULT.stride(2).padding(1);      // stride 2, padding 1, bias on
 * ConvOptions s = ConvOptions.DEFAULT.samePadding().groups(4);   // output as large as the input
 * }</pre>
 *
 * @param same padding "same" (the output has the input's size; stride 1 only, as in PyTorch);
 *             the padding entries are then ignored
 */
public record ConvOptions(int strideH, int strideW, int paddingH, int paddingW, boolean same,
                          int dilationH, int dilationW, int groups, boolean bias) {

    /** Stride 1, no padding, dilation 1, one group, with bias: PyTorch's defaults. */
    public static final ConvOptions DEFAULT = new ConvOptions(1, 1, 0, 0, false, 1, 1, 1, true);

    public ConvOptions {
        if (strideH <= 0 || strideW <= 0) throw new IllegalArgumentException("ConvOptions: stride must be positive, got " + strideH + "x" + strideW);
        if (paddingH < 0 || paddingW < 0) throw new IllegalArgumentException("ConvOptions: padding must be non-negative, got " + paddingH + "x" + paddingW);
        if (dilationH <= 0 || dilationW <= 0) throw new IllegalArgumentException("ConvOptions: dilation must be positive, got " + dilationH + "x" + dilationW);
        if (groups <= 0) throw new IllegalArgumentException("ConvOptions: groups must be positive, got " + groups);
    }

    /** The same stride along every axis. */
    public ConvOptions stride(int s) {
        return stride(s, s);
    }

    public ConvOptions stride(int sh, int sw) {
        return new ConvOptions(sh, sw, paddingH, paddingW, same, dilationH, dilationW, groups, bias);
    }

    /** The same zero padding on both sides of every axis. */
    public ConvOptions padding(int p) {
        return padding(p, p);
    }

    public ConvOptions padding(int ph, int pw) {
        return new ConvOptions(strideH, strideW, ph, pw, false, dilationH, dilationW, groups, bias);
    }

    /** {@code "same"} or {@code "valid"} (no padding), as PyTorch's string forms. */
    public ConvOptions padding(String mode) {
        return switch (mode) {
            case "same" -> samePadding();
            case "valid" -> padding(0);
            default -> throw new IllegalArgumentException("ConvOptions: padding must be a number, \"same\" or \"valid\", got \"" + mode + "\"");
        };
    }

    /**
     * Pads so that the output has the input's size (stride 1 only). When the dilated kernel's
     * total padding is odd, the extra zero goes after (bottom, right), as in PyTorch.
     */
    public ConvOptions samePadding() {
        return new ConvOptions(strideH, strideW, 0, 0, true, dilationH, dilationW, groups, bias);
    }

    /** The same dilation along every axis. */
    public ConvOptions dilation(int d) {
        return dilation(d, d);
    }

    public ConvOptions dilation(int dh, int dw) {
        return new ConvOptions(strideH, strideW, paddingH, paddingW, same, dh, dw, groups, bias);
    }

    /** Splits the channels into {@code g} independent groups (both channel counts must divide by it). */
    public ConvOptions groups(int g) {
        return new ConvOptions(strideH, strideW, paddingH, paddingW, same, dilationH, dilationW, g, bias);
    }

    public ConvOptions bias(boolean on) {
        return new ConvOptions(strideH, strideW, paddingH, paddingW, same, dilationH, dilationW, groups, on);
    }
}
