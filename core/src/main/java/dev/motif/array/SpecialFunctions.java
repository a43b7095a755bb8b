package dev.motif.array;

import org.hipparchus.special.Erf;

/** Scalar special functions used by the kernels. */
public final class SpecialFunctions {
    private SpecialFunctions() {}

    /** 1/√(2π). */
    public static final double INV_SQRT_2PI = 0.3989422804014327;

    /** The error function (Hipparchus' implementation, accurate to about 1e-15). */
    public static double erf(double x) {
        return Erf.erf(x);
    }

    /** Φ(x), the standard normal cumulative distribution, accurate in both tails. */
    public static double normalCdf(double x) {
        return 0.5 * Erf.erfc(-x / Math.sqrt(2));
    }
}
