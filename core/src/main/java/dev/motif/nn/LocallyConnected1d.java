package dev.motif.nn;

import dev.motif.array.DType;

import java.util.random.RandomGenerator;

/**
 * A 1-D convolution's untied twin over inputs (N, C, L) of one length: the same windows, but its
 * own kernel and bias at every output position. Weight [outL, out, (in/groups)·k] (see
 * {@link #weight()}), bias [out, outL]; both initialised uniform ±1/√fan_in.
 */
public final class LocallyConnected1d extends LocallyConnectedLayer {

    public LocallyConnected1d(int inChannels, int outChannels, int inLength, int kernel, ConvOptions options, DType dtype, RandomGenerator rng) {
        super("LocallyConnected1d", 1, inChannels, outChannels, new int[] {inLength}, 1, kernel, options, dtype, rng);
    }

    public int kernelSize() {
        return geom.kw;
    }

    @Override
    public LocallyConnected1d untie() {
        return copyInto(new LocallyConnected1d(geom.inC, geom.outC, inSpatial[0], geom.kw, geom.options, weight().dtype(),
                new java.util.SplittableRandom(0)));
    }

    @Override
    public String describe() {
        return "LocallyConnected1d(" + geom.describe() + ", input length " + inSpatial[0] + ")";
    }
}
