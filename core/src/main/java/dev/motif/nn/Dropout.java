package dev.motif.nn;

import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;

import java.util.random.RandomGenerator;

/**
 * Inverted dropout: in training each element is zeroed with probability {@code p} and the rest
 * are scaled by {@code 1/(1 − p)}, so the expected output equals the input; in evaluation it is
 * the identity. The mask comes from the generator given at construction, so a run with the same
 * seed drops the same elements.
 *
 * <pre>{@code
 * Block drop = new Dropout(0.5, new SplittableRandom(42));
 * }</pre>
 */
public final class Dropout extends Block {
    private final double p;
    private final RandomGenerator rng;

    /** Drops with probability {@code p} in [0, 1), drawing masks from {@code rng}. */
    public Dropout(double p, RandomGenerator rng) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        if (rng == null) throw new IllegalArgumentException("Dropout: a random generator is required (pass a seeded one for reproducible runs)");
        this.p = p;
        this.rng = rng;
    }

    public double p() {
        return p;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) return x;
        NDArray mask = NDArray.zeros(x.dtype(), x.shape());
        double scale = 1 / (1 - p);
        for (int i = 0; i < mask.size(); i++) if (rng.nextDouble() >= p) mask.setFlat(i, scale);
        return x.mul(Tensor.constant(mask));
    }

    /** Elementwise: the shape passes through. */
    @Override
    public int[] outputShape(int... inputShape) {
        return inputShape.clone();
    }

    @Override
    public String describe() {
        return "Dropout(" + p + ")";
    }
}
