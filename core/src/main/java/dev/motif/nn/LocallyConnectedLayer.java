package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;

import java.util.random.RandomGenerator;

/**
 * What {@link LocallyConnected1d} and {@link LocallyConnected2d} share: the geometry of a
 * convolution, but one kernel and one bias per output position, so nothing is shared across
 * positions.
 *
 * <p>The forward pass unfolds the input into columns as a convolution does and multiplies each
 * position's column by that position's kernel, as one matrix product batched over positions.
 */
abstract class LocallyConnectedLayer extends Block {
    final ConvGeometry geom;
    final int[] inSpatial;
    final int[] outSpatial;

    /**
     * A layer initialised uniform ±1/√fan_in from {@code rng}, or, when {@code weight} is given
     * (a convolution's untied twin), holding {@code weight} and {@code bias} as they are, with no
     * random numbers drawn.
     */
    LocallyConnectedLayer(String layer, int spatialRank, int in, int out, int[] inSpatial, int kh, int kw, ConvOptions options,
                          DType dtype, RandomGenerator rng, NDArray weight, NDArray bias) {
        geom = ConvGeometry.of(layer, spatialRank, in, out, kh, kw, options);
        if (dtype == null || rng == null && weight == null) throw new IllegalArgumentException(layer + ": dtype and random generator must not be null");
        this.inSpatial = inSpatial.clone();
        int[] probe = new int[inSpatial.length + 2];
        probe[0] = 1;
        probe[1] = in;
        System.arraycopy(inSpatial, 0, probe, 2, inSpatial.length);
        this.outSpatial = geom.outputSpatial(layer + "(" + geom.describe() + ")", probe);
        int positions = Shapes.size(outSpatial);
        // The same bound as the convolution it generalises: uniform ±1/√fan_in.
        double bound = 1 / Math.sqrt(geom.fanIn());
        param("weight", new Parameter("weight", weight != null ? weight : Init.uniform(rng, dtype, -bound, bound, positions, out, geom.fanIn())));
        if (options.bias()) {
            int[] bs = new int[outSpatial.length + 1];
            bs[0] = out;
            System.arraycopy(outSpatial, 0, bs, 1, outSpatial.length);
            param("bias", new Parameter("bias", weight != null ? bias : Init.uniform(rng, dtype, -bound, bound, bs)));
        }
    }

    /**
     * The kernels, [positions, out, (in/groups)·kh·kw]: position p = oh·outW + ow (row-major over
     * the output grid), and within a position, row o is output channel o's kernel flattened as
     * PyTorch flattens [in/groups, kh, kw]; channel o reads input group o / (out/groups).
     */
    public Parameter weight() {
        return param("weight");
    }

    /** The bias, [out, outH, outW] in 2-D and [out, outL] in 1-D, or null for a layer without one. */
    public Parameter bias() {
        return geom.options.bias() ? param("bias") : null;
    }

    public int inChannels() {
        return geom.inC;
    }

    public int outChannels() {
        return geom.outC;
    }

    public ConvOptions options() {
        return geom.options;
    }

    /** The spatial size of the input this layer was built for. */
    public int[] inputSize() {
        return inSpatial.clone();
    }

    /** The spatial size of its output. */
    public int[] outputSize() {
        return outSpatial.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] out = outputShape(x.shape());
        Tensor w = use("weight");
        if (x.dtype() != w.dtype()) {
            throw new IllegalArgumentException(describe() + ": input is " + x.dtype() + " " + Shapes.str(x.shape()) + " but the weights are " + w.dtype()
                    + "; convert the input or the model with to()");
        }
        int n = out[0], o = geom.outC, g = geom.groups, positions = Shapes.size(outSpatial), k = geom.fanIn();
        Tensor cols = geom.columns(x).reshape(n, g, k, positions).permute(3, 1, 2, 0);     // (P, g, K, N)
        Tensor y = w.reshape(positions, g, o / g, k).matmul(cols)                            // (P, g, O/g, N)
                .reshape(positions, o, n).permute(2, 1, 0);                                   // (N, O, P)
        if (geom.options.bias()) y = y.add(use("bias").reshape(o, positions));
        return y.reshape(out);
    }

    @Override
    public int[] outputShape(int... inputShape) {
        int[] out = geom.outputShape(describe(), inputShape);
        for (int i = 0; i < inSpatial.length; i++) {
            if (inputShape[i + 2] != inSpatial[i]) {
                throw new IllegalArgumentException(describe() + ": built for inputs of spatial size " + Shapes.str(inSpatial)
                        + " (one kernel per output position), got input shape " + Shapes.str(inputShape));
            }
        }
        return out;
    }


    /** An independent copy: nothing is shared across positions already. */
    @Override
    public LocallyConnectedLayer untie() {
        return (LocallyConnectedLayer) super.untie();
    }
}
