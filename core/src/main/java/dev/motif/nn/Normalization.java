package dev.motif.nn;

import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;

import java.util.Arrays;

/**
 * Batch and layer normalisation as functions of tensors, the computations inside
 * {@link BatchNorm1d}, {@link BatchNorm2d} and {@link LayerNorm}. They are compositions of
 * differentiable ops, so every order of derivative comes for free, with respect to the input and
 * to the affine weight and bias alike.
 *
 * <pre>{@code
 * Tensor y = Normalization.layerNorm(x, new int[] {64}, gamma, beta, 1e-5);
 * }</pre>
 */
public final class Normalization {
    private Normalization() {}

    /**
     * (x − mean) / √(var + eps) · weight + bias, with the mean and the biased variance of each
     * channel (axis 1) taken over every other axis of {@code x (N, C, ...)}: what a batch norm
     * computes in training. Weight and bias have shape {@code (C)}; either may be null.
     */
    public static Tensor batchNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        if (x.rank() < 2) throw new IllegalArgumentException("batchNorm: input must have shape (N, C, ...), got " + Shapes.str(x.shape()));
        int[] axes = batchAxes(x.rank());
        Tensor dev = x.sub(x.mean(axes, true));
        Tensor var = dev.mul(dev).mean(axes, true);
        return affine(dev.div(var.add(eps).sqrt()), weight, bias, channelShape(x.shape(1), x.rank()));
    }

    /**
     * Normalises over the trailing axes given by {@code normalizedShape} (mean and biased
     * variance of each slice), then scales by {@code weight} and shifts by {@code bias}, both of
     * shape {@code normalizedShape} (either may be null).
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        int k = normalizedShape.length, r = x.rank();
        if (k == 0 || r < k || !Arrays.equals(Arrays.copyOfRange(x.shape(), r - k, r), normalizedShape)) {
            throw new IllegalArgumentException("layerNorm: input of shape " + Shapes.str(x.shape()) + " must end in the normalised shape "
                    + Shapes.str(normalizedShape));
        }
        int[] axes = new int[k];
        for (int i = 0; i < k; i++) axes[i] = r - k + i;
        Tensor dev = x.sub(x.mean(axes, true));
        Tensor var = dev.mul(dev).mean(axes, true);
        return affine(dev.div(var.add(eps).sqrt()), weight, bias, normalizedShape);
    }

    static Tensor affine(Tensor xhat, Tensor weight, Tensor bias, int[] shape) {
        Tensor y = xhat;
        if (weight != null) y = y.mul(weight.reshape(shape));
        if (bias != null) y = y.add(bias.reshape(shape));
        return y;
    }

    /** Every axis but the channel axis 1. */
    static int[] batchAxes(int rank) {
        int[] axes = new int[rank - 1];
        axes[0] = 0;
        for (int i = 2; i < rank; i++) axes[i - 1] = i;
        return axes;
    }

    /** {@code (1, C, 1, ...)}: a per-channel vector that broadcasts against {@code (N, C, ...)}. */
    static int[] channelShape(int c, int rank) {
        int[] s = new int[rank];
        Arrays.fill(s, 1);
        s[1] = c;
        return s;
    }
}
