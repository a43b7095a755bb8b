package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.NDArray;

import java.util.random.RandomGenerator;

/**
 * A 1-D convolution's untied twin over inputs (N, C, L) of one length: the same windows, but its
 * own kernel and bias at every output position. Weight [outL, out, (in/groups)·k] (see
 * {@link #weight()}), bias [out, outL]; both initialised uniform ±1/√fan_in.
 */
public final class LocallyConnected1d extends LocallyConnectedLayer {

    public LocallyConnected1d(int inChannels, int outChannels, int inLength, int kernel, ConvOptions options, DType dtype, RandomGenerator rng) {
        super("LocallyConnected1d", 1, inChannels, outChannels, new int[] {inLength}, 1, kernel, options, dtype, rng, null, null);
    }

    /** A convolution's twin holding the given kernels and bias (see {@link Conv1d#untie(int...)}). */
    LocallyConnected1d(int inChannels, int outChannels, int inLength, int kernel, ConvOptions options, NDArray weight, NDArray bias) {
        super("LocallyConnected1d", 1, inChannels, outChannels, new int[] {inLength}, 1, kernel, options, weight.dtype(), null, weight, bias);
    }

    public int kernelSize() {
        return geom.kw;
    }

    /** An independent copy: nothing is shared across positions already. */
    @Override
    public LocallyConnected1d untie() {
        return (LocallyConnected1d) super.untie();
    }

    @Override
    public String describe() {
        return "LocallyConnected1d(" + geom.describe() + ", input length " + inSpatial[0] + ")";
    }
}
