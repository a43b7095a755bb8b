package dev.motif.nn;

import dev.motif.autodiff.Tensor;

/**
 * 2-D average pooling of {@code (N, C, H, W)} over square windows, with PyTorch's default
 * semantics ({@code ceil_mode = false}, {@code count_include_pad = true}): padding counts as zero
 * and every window divides by {@code kernel²}, padded positions included.
 *
 * <p>Average pooling is linear; its gradient is its adjoint (an op of the autodiff package, not public),
 * whose gradient is average pooling again, so derivatives of every order are exact.
 */
public final class AvgPool2d extends Block {
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
        return PoolArgs.named(describe(), () -> x.avgPool2d(kernel, kernel, stride, stride, padding, padding));
    }

    @Override
    public int[] outputShape(int... in) {
        PoolArgs.shape(describe(), in, 4, "(N, C, H, W)");
        return new int[] {in[0], in[1], PoolArgs.extent(describe(), "height", in[2], kernel, stride, padding),
                PoolArgs.extent(describe(), "width", in[3], kernel, stride, padding)};
    }

    @Override
    public String describe() {
        return PoolArgs.describe("AvgPool2d", kernel, stride, padding);
    }
}
