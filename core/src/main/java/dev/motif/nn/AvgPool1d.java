package dev.motif.nn;

import dev.motif.autodiff.Tensor;

/**
 * 1-D average pooling of {@code (N, C, L)}, with PyTorch's default semantics
 * ({@code count_include_pad = true}): padding counts as zero and every window divides by
 * {@code kernel}.
 */
public final class AvgPool1d extends Block {
    private final int kernel, stride, padding;

    /** Windows of {@code kernel}, moved by {@code stride}, on an input zero-padded by {@code padding} at both ends. */
    public AvgPool1d(int kernel, int stride, int padding) {
        PoolArgs.check("AvgPool1d", kernel, stride, padding);
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** No padding. */
    public AvgPool1d(int kernel, int stride) {
        this(kernel, stride, 0);
    }

    /** Non-overlapping windows: stride = kernel, no padding. */
    public AvgPool1d(int kernel) {
        this(kernel, kernel, 0);
    }

    @Override
    public Tensor forward(Tensor x) {
        PoolArgs.rank(describe(), x, 3, "(N, C, L)");
        int n = x.shape(0), c = x.shape(1), len = x.shape(2);
        // A sequence is an image of height 1.
        Tensor y = PoolArgs.named(describe(), () -> x.reshape(n, c, 1, len).avgPool2d(1, kernel, 1, stride, 0, padding));
        return y.reshape(n, c, y.shape(3));
    }

    @Override
    public int[] outputShape(int... in) {
        PoolArgs.shape(describe(), in, 3, "(N, C, L)");
        return new int[] {in[0], in[1], PoolArgs.extent(describe(), "length", in[2], kernel, stride, padding)};
    }

    @Override
    public String describe() {
        return PoolArgs.describe("AvgPool1d", kernel, stride, padding);
    }
}
