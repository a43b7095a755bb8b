package dev.motif.nn;

import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;

import java.util.function.Supplier;

/** The checks every pooling layer shares: positive kernel and stride, padding in [0, kernel/2], input rank. */
final class PoolArgs {
    private PoolArgs() {}

    static void check(String layer, int kernel, int stride, int padding) {
        if (kernel <= 0) throw new IllegalArgumentException(layer + ": kernel size must be positive, got " + kernel);
        if (stride <= 0) throw new IllegalArgumentException(layer + ": stride must be positive, got " + stride);
        if (padding < 0 || padding > kernel / 2) {
            throw new IllegalArgumentException(layer + ": padding must be in [0, kernel/2] = [0, " + kernel / 2 + "], got " + padding);
        }
    }

    static void rank(String layer, Tensor x, int rank, String layout) {
        if (x.rank() != rank) {
            throw new IllegalArgumentException(layer + ": input must have shape " + layout + ", got " + Shapes.str(x.shape()));
        }
    }

    /** Runs a kernel call, putting the layer's name in front of a geometry error (an input smaller than the window). */
    static Tensor named(String layer, Supplier<Tensor> op) {
        try {
            return op.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(layer + ": " + e.getMessage(), e);
        }
    }

    /** The pooled extent ⌊(in + 2·padding − kernel) / stride⌋ + 1, or an error naming the layer when the window does not fit. */
    static int extent(String layer, String axis, int in, int kernel, int stride, int padding) {
        long span = (long) in + 2L * padding;
        if (span < kernel) {
            throw new IllegalArgumentException(layer + ": input " + axis + " " + in + " (padded " + span + ") is smaller than the window " + kernel);
        }
        return (int) ((span - kernel) / stride + 1);
    }

    /** The input shape checked for rank, with positive extents. */
    static void shape(String layer, int[] shape, int rank, String layout) {
        if (shape.length != rank) throw new IllegalArgumentException(layer + ": input must have shape " + layout + ", got " + Shapes.str(shape));
        for (int e : shape) if (e <= 0) throw new IllegalArgumentException(layer + ": input shape " + Shapes.str(shape) + " has a non-positive extent");
    }

    static String describe(String name, int kernel, int stride, int padding) {
        return name + "(" + kernel + (stride != kernel ? ", stride " + stride : "") + (padding != 0 ? ", padding " + padding : "") + ")";
    }
}
