package dev.motif.nn;

import dev.motif.array.Windows;
import dev.motif.autodiff.Tensor;

/**
 * 2-D average pooling of {@code (N, C, H, W)} over square windows, with PyTorch's default
 * semantics ({@code ceil_mode = false}, {@code count_include_pad = true}): padding counts as zero
 * and every window divides by {@code kernel²}, padded positions included.
 *
 * <p>It is the mean over the window axis of {@link Tensor#im2col2d}, so every derivative comes
 * from ops that are already differentiable to any order.
 */
public final class AvgPool2d extends Module {
    private final int kernel, stride, padding;

    /** Windows of {@code kernel × kernel}, moved by {@code stride}, on an input zero-padded by {@code padding} on every side. */
    public AvgPool2d(int kernel, int stride, int padding) {
        PoolArgs.check("AvgPool2d", kernel, stride, padding);
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** No padding. */
    public AvgPool2d(int kernel, int stride) {
        this(kernel, stride, 0);
    }

    /** Non-overlapping windows: stride = kernel, no padding. */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    @Override
    public Tensor forward(Tensor x) {
        PoolArgs.rank(describe(), x, 4, "(N, C, H, W)");
        int n = x.shape(0), c = x.shape(1);
        Tensor cols = PoolArgs.named(describe(), () -> x.im2col2d(kernel, kernel, stride, stride, padding, padding, 1, 1)); // (N, C·k·k, outH·outW)
        int outH = Windows.outputSize(x.shape(2), kernel, stride, padding, 1);
        int outW = Windows.outputSize(x.shape(3), kernel, stride, padding, 1);
        return cols.reshape(n, c, kernel * kernel, outH * outW).mean(new int[] {2}, false).reshape(n, c, outH, outW);
    }

    @Override
    public String describe() {
        return PoolArgs.describe("AvgPool2d", kernel, stride, padding);
    }
}
