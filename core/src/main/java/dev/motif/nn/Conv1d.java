package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.NDArray;

import java.util.random.RandomGenerator;

/**
 * A 1-D convolution over inputs (N, C, L): one kernel, shared by every output position.
 * Weight [out, in/groups, k] and bias [out] in PyTorch's layout and names, initialised as PyTorch
 * does (uniform ±1/√fan_in, fan_in = in/groups·k). Options: the width entries of {@link ConvOptions}.
 */
public final class Conv1d extends ConvLayer {

    public Conv1d(int inChannels, int outChannels, int kernel, ConvOptions options, DType dtype, RandomGenerator rng) {
        super("Conv1d", 1, inChannels, outChannels, 1, kernel, options, dtype, rng);
    }

    /** PyTorch's defaults: stride 1, no padding, one group, bias. */
    public Conv1d(int inChannels, int outChannels, int kernel, DType dtype, RandomGenerator rng) {
        this(inChannels, outChannels, kernel, ConvOptions.DEFAULT, dtype, rng);
    }

    public int kernelSize() {
        return geom.kw;
    }

    /** The locally connected twin for inputs of shape (N, C, L): every position a copy of the kernel and bias. */
    @Override
    public LocallyConnected1d untie(int... inputShape) {
        int[] out = outputShape(inputShape);
        NDArray[] v = untiedValues(new int[] {out[2]});
        LocallyConnected1d lc = new LocallyConnected1d(geom.inC, geom.outC, inputShape[2], geom.kw, geom.options, v[0], v[1]);
        lc.train(isTraining());
        return lc;
    }

    @Override
    public String describe() {
        return "Conv1d(" + geom.describe() + ")";
    }
}
