package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.NDArray;

import java.util.random.RandomGenerator;

/**
 * A convolution's untied twin over inputs (N, C, H, W) of one spatial size: the same windows
 * (kernel, stride, padding, dilation, groups), but its own kernel and bias at every output position.
 *
 * <p>Weight [outH·outW, out, (in/groups)·kh·kw] (position p = oh·outW + ow; see {@link #weight()}),
 * bias [out, outH, outW]; both initialised uniform ±1/√fan_in as the convolution is.
 */
public final class LocallyConnected2d extends LocallyConnectedLayer {

    public LocallyConnected2d(int inChannels, int outChannels, int inHeight, int inWidth, int kernelH, int kernelW, ConvOptions options,
                              DType dtype, RandomGenerator rng) {
        super("LocallyConnected2d", 2, inChannels, outChannels, new int[] {inHeight, inWidth}, kernelH, kernelW, options, dtype, rng, null, null);
    }

    /** A convolution's twin holding the given kernels and bias (see {@link Conv2d#untie(int...)}). */
    LocallyConnected2d(int inChannels, int outChannels, int inHeight, int inWidth, int kernelH, int kernelW, ConvOptions options, NDArray weight, NDArray bias) {
        super("LocallyConnected2d", 2, inChannels, outChannels, new int[] {inHeight, inWidth}, kernelH, kernelW, options, weight.dtype(), null, weight, bias);
    }

    /** A square kernel. */
    public LocallyConnected2d(int inChannels, int outChannels, int inHeight, int inWidth, int kernel, ConvOptions options,
                              DType dtype, RandomGenerator rng) {
        this(inChannels, outChannels, inHeight, inWidth, kernel, kernel, options, dtype, rng);
    }

    public int kernelH() {
        return geom.kh;
    }

    public int kernelW() {
        return geom.kw;
    }

    /** An independent copy: nothing is shared across positions already. */
    @Override
    public LocallyConnected2d untie() {
        return (LocallyConnected2d) super.untie();
    }

    @Override
    public String describe() {
        return "LocallyConnected2d(" + geom.describe() + ", input " + inSpatial[0] + "x" + inSpatial[1] + ")";
    }
}
