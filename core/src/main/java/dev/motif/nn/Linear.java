package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.Shapes;
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
        outputShape(x.shape());
        Tensor w = use("weight");
        if (x.dtype() != w.dtype()) {
            throw new IllegalArgumentException(describe() + ": input is " + x.dtype() + " " + Shapes.str(x.shape()) + " but the weights are "
                    + w.dtype() + "; convert the input or the model with to()");
        }
        // x·Wᵀ with W read transposed in place: no copy of W forward, none of its gradient backward.
        Tensor y = x.rank() >= 2 ? x.matmul(w, false, true) : x.matmul(w.mT());
        return hasBias ? y.add(use("bias")) : y;
    }

    /** The input's shape with its last extent, which must be {@code in}, replaced by {@code out}. */
    @Override
    public int[] outputShape(int... inputShape) {
        if (inputShape.length == 0 || inputShape[inputShape.length - 1] != in) {
            throw new IllegalArgumentException(describe() + ": input of shape " + Shapes.str(inputShape) + " must end in " + in);
        }
        int[] s = inputShape.clone();
        s[s.length - 1] = out;
        return s;
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    /** An independent copy: a Linear shares nothing across positions. */
    @Override
    public Linear untie() {
        return (Linear) super.untie();
    }

    @Override
    public String describe() {
        return "Linear(" + in + " -> " + out + (hasBias ? "" : ", no bias") + ")";
    }
}
