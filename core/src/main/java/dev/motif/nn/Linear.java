package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.autodiff.Tensor;

import java.util.random.RandomGenerator;

/**
 * y = x·Wᵀ + b, with W of shape [out, in] (PyTorch's layout, so its checkpoints load by name).
 * Initialised as PyTorch does: W and b uniform in ±1/√in.
 */
public final class Linear extends Block {
    private final int in, out;
    private final boolean hasBias;

    public Linear(int in, int out, boolean bias, DType dtype, RandomGenerator rng) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear: sizes must be positive, got in=" + in + ", out=" + out);
        this.in = in;
        this.out = out;
        this.hasBias = bias;
        double bound = 1 / Math.sqrt(in);
        param("weight", new Parameter("weight", Init.uniform(rng, dtype, -bound, bound, out, in)));
        if (bias) param("bias", new Parameter("bias", Init.uniform(rng, dtype, -bound, bound, out)));
    }

    /** A layer with bias. */
    public Linear(int in, int out, DType dtype, RandomGenerator rng) {
        this(in, out, true, dtype, rng);
    }

    public Parameter weight() {
        return param("weight");
    }

    /** The bias, or null for a layer without one. */
    public Parameter bias() {
        return hasBias ? param("bias") : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() == 0 || x.shape(-1) != in) {
            throw new IllegalArgumentException("Linear(" + in + " -> " + out + "): input of shape " + java.util.Arrays.toString(x.shape())
                    + " must end in " + in);
        }
        // x·Wᵀ with W read transposed in place: no copy of W forward, none of its gradient backward.
        Tensor y = x.rank() >= 2 ? x.matmul(weight(), false, true) : x.matmul(weight().mT());
        return hasBias ? y.add(bias()) : y;
    }

    /** An independent copy: a Linear shares nothing across positions, so untying only copies it. */
    @Override
    public Linear untie() {
        Linear copy = new Linear(in, out, hasBias, weight().dtype(), new java.util.SplittableRandom(0));
        copy.weight().set(weight().value().copy());
        if (hasBias) copy.bias().set(bias().value().copy());
        return copy;
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    @Override
    public String describe() {
        return "Linear(" + in + " -> " + out + (hasBias ? "" : ", no bias") + ")";
    }
}
