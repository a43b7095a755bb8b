package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;

import java.util.random.RandomGenerator;

/**
 * What {@link Conv1d} and {@link Conv2d} share: one kernel used at every output position.
 *
 * <p>The forward pass is {@link Tensor#conv2d} (a 1-D input is an image of height one): each
 * image's windows are unfolded into columns and multiplied by the kernel with BLAS; in the
 * gradient the kernel receives the sum of what every position sends back.
 */
abstract class ConvLayer extends Block {
    final ConvGeometry geom;

    ConvLayer(String layer, int spatialRank, int in, int out, int kh, int kw, ConvOptions options, DType dtype, RandomGenerator rng) {
        geom = ConvGeometry.of(layer, spatialRank, in, out, kh, kw, options);
        if (dtype == null || rng == null) throw new IllegalArgumentException(layer + ": dtype and random generator must not be null");
        // PyTorch's default (kaiming_uniform with a = √5) comes to uniform ±1/√fan_in, for the bias too.
        double bound = 1 / Math.sqrt(geom.fanIn());
        int[] shape = spatialRank == 1 ? new int[] {out, in / geom.groups, kw} : new int[] {out, in / geom.groups, kh, kw};
        param("weight", new Parameter("weight", Init.uniform(rng, dtype, -bound, bound, shape)));
        if (options.bias()) param("bias", new Parameter("bias", Init.uniform(rng, dtype, -bound, bound, out)));
    }

    /** The kernel, [out, in/groups, kh, kw] in 2-D and [out, in/groups, k] in 1-D (PyTorch's layout). */
    public Parameter weight() {
        return param("weight");
    }

    /** The bias [out], or null for a layer without one. */
    public Parameter bias() {
        return geom.options.bias() ? param("bias") : null;
    }

    public int inChannels() {
        return geom.inC;
    }

    public int outChannels() {
        return geom.outC;
    }

    /** The options as given ("same" padding is resolved as {@link ConvOptions#samePadding()} says). */
    public ConvOptions options() {
        return geom.options;
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] out = geom.outputShape(describe(), x.shape());
        Tensor w = use("weight");
        if (x.dtype() != w.dtype()) {
            throw new IllegalArgumentException(describe() + ": input is " + x.dtype() + " " + Shapes.str(x.shape()) + " but the weights are " + w.dtype()
                    + "; convert the input or the model with to()");
        }
        int o = geom.outC;
        Tensor y = geom.convolve(x, w);
        if (geom.options.bias()) y = y.add(use("bias").reshape(geom.spatialRank == 1 ? new int[] {o, 1} : new int[] {o, 1, 1}));
        return y.reshape(out);
    }

    @Override
    public int[] outputShape(int... inputShape) {
        return geom.outputShape(describe(), inputShape);
    }

    /** Positions × (kernel + bias): the locally connected twin's size, each position its own kernel and bias. */
    @Override
    public long untiedParameterCount(int... inputShape) {
        int[] out = outputShape(inputShape);
        long positions = Shapes.size(out) / ((long) out[0] * out[1]);
        return positions * parameterCount();
    }

    /** A convolution works on any input size, but its twin does not: say which untie to call. */
    @Override
    public Block untie() {
        String layout = geom.spatialRank == 1 ? "(N, C, L)" : "(N, C, H, W)";
        throw new UnsupportedOperationException(describe() + ": the untied twin has one kernel per output position, so it needs the input size; call untie(inputShape) with a shape "
                + layout + " (Sequential.untie(inputShape) passes it to each layer)");
    }

    /**
     * The locally connected twin for inputs of this shape: every output position holds a copy of
     * the kernel, and of the bias, so it computes the same function until either is trained.
     */
    @Override
    public abstract LocallyConnectedLayer untie(int... inputShape);

    /** The kernel as [positions, out, in/groups·k...] with every position a copy, and the bias as [out, ...spatial]. */
    NDArray[] untiedValues(int[] outSpatial) {
        int positions = Shapes.size(outSpatial), o = geom.outC;
        NDArray w = dev.motif.autodiff.Autodiff.noGrad(() -> use("weight")).value().reshape(o, -1);
        NDArray kernel = w.reshape(1, o, w.shape(1)).broadcastTo(positions, o, w.shape(1)); // broadcastTo copies
        NDArray b = null;
        if (geom.options.bias()) {
            int[] bs = new int[outSpatial.length + 1];
            bs[0] = o;
            System.arraycopy(outSpatial, 0, bs, 1, outSpatial.length);
            b = dev.motif.autodiff.Autodiff.noGrad(() -> use("bias")).value().reshape(o, 1).broadcastTo(o, positions).reshape(bs);
        }
        return new NDArray[] {kernel, b};
    }
}
