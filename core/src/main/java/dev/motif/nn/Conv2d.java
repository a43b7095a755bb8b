package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.array.Shapes;

import java.util.random.RandomGenerator;

/**
 * A 2-D convolution over inputs (N, C, H, W): one kernel, shared by every output position.
 * Weight [out, in/groups, kh, kw] and bias [out] in PyTorch's layout and names, initialised as
 * PyTorch does (uniform ±1/√fan_in, fan_in = in/groups·kh·kw).
 *
 * <pre>{@code
 * Conv2d conv = new Conv2d(3, 16, 3, ConvOptions.DEFAULT.padding(1), DType.F32, new SplittableRandom(1));
 * Tensor y = conv.forward(x);                        // (N, 3, 32, 32) -> (N, 16, 32, 32)
 * LocallyConnected2d twin = conv.untie(1, 3, 32, 32); // the same function, a kernel per position
 * }</pre>
 */
public final class Conv2d extends ConvLayer {

    public Conv2d(int inChannels, int outChannels, int kernelH, int kernelW, ConvOptions options, DType dtype, RandomGenerator rng) {
        super("Conv2d", 2, inChannels, outChannels, kernelH, kernelW, options, dtype, rng);
    }

    /** A square kernel. */
    public Conv2d(int inChannels, int outChannels, int kernel, ConvOptions options, DType dtype, RandomGenerator rng) {
        this(inChannels, outChannels, kernel, kernel, options, dtype, rng);
    }

    /** A square kernel with PyTorch's defaults: stride 1, no padding, one group, bias. */
    public Conv2d(int inChannels, int outChannels, int kernel, DType dtype, RandomGenerator rng) {
        this(inChannels, outChannels, kernel, kernel, ConvOptions.DEFAULT, dtype, rng);
    }

    public int kernelH() {
        return geom.kh;
    }

    public int kernelW() {
        return geom.kw;
    }

    /** The locally connected twin for inputs of shape (N, C, H, W): every position a copy of the kernel and bias. */
    @Override
    public LocallyConnected2d untie(int... inputShape) {
        int[] out = outputShape(inputShape);
        NDArray[] v = untiedValues(new int[] {out[2], out[3]});
        LocallyConnected2d lc = new LocallyConnected2d(geom.inC, geom.outC, inputShape[2], inputShape[3], geom.kh, geom.kw, geom.options, v[0], v[1]);
        lc.train(isTraining());
        return lc;
    }

    @Override
    public String describe() {
        return "Conv2d(" + geom.describe() + ")";
    }
}
