package dev.motif.nn;

import dev.motif.autodiff.Tensor;

/**
 * 2-D max pooling of {@code (N, C, H, W)} over square windows, with PyTorch's semantics
 * ({@code ceil_mode = false}, dilation 1): padding counts as −∞ and may be at most half the
 * kernel. Of several equal maxima in a window the first in row-major order is taken, and the
 * whole gradient of that window goes to it.
 *
 * <pre>{@code
 * Tensor y = new MaxPool2d(2).forward(x);   // (N, C, H, W) -> (N, C, H/2, W/2)
 * }</pre>
 */
public final class MaxPool2d extends Block {
    private final int kernel, stride, padding;

    /** Windows of {@code kernel × kernel}, moved by {@code stride}, on an input padded by {@code padding} on every side. */
    public MaxPool2d(int kernel, int stride, int padding) {
        PoolArgs.check("MaxPool2d", kernel, stride, padding);
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** No padding. */
    public MaxPool2d(int kernel, int stride) {
        this(kernel, stride, 0);
    }

    /** Non-overlapping windows: stride = kernel, no padding. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    @Override
    public Tensor forward(Tensor x) {
        PoolArgs.rank(describe(), x, 4, "(N, C, H, W)");
        return PoolArgs.named(describe(), () -> x.maxPool2d(kernel, kernel, stride, stride, padding, padding));
    }

    @Override
    public int[] outputShape(int... in) {
        PoolArgs.shape(describe(), in, 4, "(N, C, H, W)");
        return new int[] {in[0], in[1], PoolArgs.extent(describe(), "height", in[2], kernel, stride, padding),
                PoolArgs.extent(describe(), "width", in[3], kernel, stride, padding)};
    }

    @Override
    public String describe() {
        return PoolArgs.describe("MaxPool2d", kernel, stride, padding);
    }
}
