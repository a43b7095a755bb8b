package dev.motif.array;

import java.util.random.RandomGenerator;

/**
 * Seeded random initialisation. Every method takes the generator explicitly (never a global one),
 * draws one number per element in row-major order, and so gives the same array for the same
 * generator state; an F32 array holds the F64 draws rounded, so both dtypes see the same numbers.
 *
 * <p>The Kaiming and Xavier formulas are PyTorch's ({@code torch.nn.init}):
 * <ul>
 *   <li>{@code kaimingUniform}: U(−b, b) with b = gain·√(3 / fanIn)</li>
 *   <li>{@code kaimingNormal}: N(0, σ²) with σ = gain / √fanIn</li>
 *   <li>{@code xavierUniform}: U(−a, a) with a = gain·√(6 / (fanIn + fanOut))</li>
 *   <li>{@code xavierNormal}: N(0, σ²) with σ = gain·√(2 / (fanIn + fanOut))</li>
 * </ul>
 * The Kaiming default gain is {@link #RELU_GAIN} (√2); the Xavier default is 1. {@link #fanIn} and
 * {@link #fanOut} read the fans off a weight shape as PyTorch does.
 *
 * <pre>{@code
 * RandomGenerator rng = new SplittableRandom(42);
 * NDArray w = Init.kaimingUniform(rng, DType.F32, Init.fanIn(64, 3, 3, 3), 64, 3, 3, 3);
 * }</pre>
 */
public final class Init {
    private Init() {}

    /** The gain for ReLU, √2: it keeps the forward variance when half the units are zeroed. */
    public static final double RELU_GAIN = Math.sqrt(2.0);

    /** The gain for leaky ReLU with the given negative slope, √(2 / (1 + slope²)) (PyTorch's {@code calculate_gain}). */
    public static double leakyReluGain(double negativeSlope) {
        return Math.sqrt(2.0 / (1 + negativeSlope * negativeSlope));
    }

    /** Uniform on [lo, hi) (an F32 draw may round up to hi). */
    public static NDArray uniform(RandomGenerator rng, DType dtype, double lo, double hi, int... shape) {
        if (!(Double.isFinite(lo) && Double.isFinite(hi) && lo <= hi && Double.isFinite(hi - lo))) {
            throw new IllegalArgumentException("uniform: bounds must be finite with lo <= hi, got [" + lo + ", " + hi + ") for shape " + Shapes.str(shape));
        }
        NDArray a = NDArray.zeros(dtype, shape);
        double width = hi - lo;
        if (dtype == DType.F64) {
            double[] x = a.f64();
            for (int i = 0; i < x.length; i++) x[i] = lo + width * rng.nextDouble();
        } else {
            float[] x = a.f32();
            for (int i = 0; i < x.length; i++) x[i] = (float) (lo + width * rng.nextDouble());
        }
        return a;
    }

    /** Normal with the given mean and standard deviation. */
    public static NDArray normal(RandomGenerator rng, DType dtype, double mean, double std, int... shape) {
        if (!(Double.isFinite(mean) && Double.isFinite(std) && std >= 0)) {
            throw new IllegalArgumentException("normal: mean must be finite and std finite and >= 0, got mean " + mean + ", std " + std
                    + " for shape " + Shapes.str(shape));
        }
        NDArray a = NDArray.zeros(dtype, shape);
        if (dtype == DType.F64) {
            double[] x = a.f64();
            for (int i = 0; i < x.length; i++) x[i] = mean + std * rng.nextGaussian();
        } else {
            float[] x = a.f32();
            for (int i = 0; i < x.length; i++) x[i] = (float) (mean + std * rng.nextGaussian());
        }
        return a;
    }

    /** Kaiming (He) uniform with the ReLU gain: U(−b, b), b = √2·√(3 / fanIn) = √(6 / fanIn). */
    public static NDArray kaimingUniform(RandomGenerator rng, DType dtype, int fanIn, int... shape) {
        return kaimingUniform(rng, dtype, fanIn, RELU_GAIN, shape);
    }

    /**
     * Kaiming (He) uniform with an explicit gain: U(−b, b), b = gain·√(3 / fanIn). PyTorch's
     * default for {@code Linear} and {@code Conv} weights is {@code gain = leakyReluGain(√5)},
     * which gives b = 1/√fanIn.
     */
    public static NDArray kaimingUniform(RandomGenerator rng, DType dtype, int fanIn, double gain, int[] shape) {
        checkFan("kaimingUniform", "fanIn", fanIn);
        checkGain("kaimingUniform", gain);
        double b = gain * Math.sqrt(3.0 / fanIn);
        return uniform(rng, dtype, -b, b, shape);
    }

    /** Kaiming (He) normal with the ReLU gain: N(0, σ²), σ = √2 / √fanIn. */
    public static NDArray kaimingNormal(RandomGenerator rng, DType dtype, int fanIn, int... shape) {
        return kaimingNormal(rng, dtype, fanIn, RELU_GAIN, shape);
    }

    /** Kaiming (He) normal with an explicit gain: N(0, σ²), σ = gain / √fanIn. */
    public static NDArray kaimingNormal(RandomGenerator rng, DType dtype, int fanIn, double gain, int[] shape) {
        checkFan("kaimingNormal", "fanIn", fanIn);
        checkGain("kaimingNormal", gain);
        return normal(rng, dtype, 0, gain / Math.sqrt(fanIn), shape);
    }

    /** Xavier (Glorot) uniform with gain 1: U(−a, a), a = √(6 / (fanIn + fanOut)). */
    public static NDArray xavierUniform(RandomGenerator rng, DType dtype, int fanIn, int fanOut, int... shape) {
        return xavierUniform(rng, dtype, fanIn, fanOut, 1.0, shape);
    }

    /** Xavier (Glorot) uniform with an explicit gain: U(−a, a), a = gain·√(6 / (fanIn + fanOut)). */
    public static NDArray xavierUniform(RandomGenerator rng, DType dtype, int fanIn, int fanOut, double gain, int[] shape) {
        checkFan("xavierUniform", "fanIn", fanIn);
        checkFan("xavierUniform", "fanOut", fanOut);
        checkGain("xavierUniform", gain);
        double a = gain * Math.sqrt(6.0 / ((double) fanIn + fanOut));
        return uniform(rng, dtype, -a, a, shape);
    }

    /** Xavier (Glorot) normal with gain 1: N(0, σ²), σ = √(2 / (fanIn + fanOut)). */
    public static NDArray xavierNormal(RandomGenerator rng, DType dtype, int fanIn, int fanOut, int... shape) {
        return xavierNormal(rng, dtype, fanIn, fanOut, 1.0, shape);
    }

    /** Xavier (Glorot) normal with an explicit gain: N(0, σ²), σ = gain·√(2 / (fanIn + fanOut)). */
    public static NDArray xavierNormal(RandomGenerator rng, DType dtype, int fanIn, int fanOut, double gain, int[] shape) {
        checkFan("xavierNormal", "fanIn", fanIn);
        checkFan("xavierNormal", "fanOut", fanOut);
        checkGain("xavierNormal", gain);
        return normal(rng, dtype, 0, gain * Math.sqrt(2.0 / ((double) fanIn + fanOut)), shape);
    }

    /**
     * The fan-in of a weight of this shape, as PyTorch computes it: {@code shape[1]} times the
     * receptive field {@code shape[2]·shape[3]·…} (so {@code in} for a Linear weight
     * {@code (out, in)}, {@code in·kh·kw} for a Conv2d weight {@code (out, in, kh, kw)}).
     */
    public static int fanIn(int... shape) {
        return fan("fanIn", shape, 1);
    }

    /** The fan-out of a weight of this shape: {@code shape[0]} times the receptive field. */
    public static int fanOut(int... shape) {
        return fan("fanOut", shape, 0);
    }

    private static int fan(String op, int[] shape, int axis) {
        if (shape.length < 2) {
            throw new IllegalArgumentException(op + ": needs a weight shape of rank >= 2, got " + Shapes.str(shape));
        }
        long f = shape[axis];
        for (int i = 2; i < shape.length; i++) f *= shape[i];
        if (f > Integer.MAX_VALUE || f < 0) throw new IllegalArgumentException(op + ": shape " + Shapes.str(shape) + " is too large or negative");
        return (int) f;
    }

    private static void checkFan(String op, String name, int fan) {
        if (fan <= 0) throw new IllegalArgumentException(op + ": " + name + " must be positive, got " + fan);
    }

    private static void checkGain(String op, double gain) {
        if (!(Double.isFinite(gain) && gain >= 0)) throw new IllegalArgumentException(op + ": gain must be finite and >= 0, got " + gain);
    }
}
