package dev.motif.array;

import java.util.random.RandomGenerator;

/** Seeded random initialisation (placeholder; the arrays branch brings the full version). */
public final class Init {
    private Init() {}

    public static NDArray uniform(RandomGenerator rng, DType dtype, double lo, double hi, int... shape) {
        NDArray a = NDArray.zeros(dtype, shape);
        for (int i = 0; i < a.size(); i++) a.setFlat(i, lo + (hi - lo) * rng.nextDouble());
        return a;
    }

    public static NDArray normal(RandomGenerator rng, DType dtype, double mean, double std, int... shape) {
        NDArray a = NDArray.zeros(dtype, shape);
        for (int i = 0; i < a.size(); i++) a.setFlat(i, mean + std * rng.nextGaussian());
        return a;
    }
}
