package dev.motif.autodiff;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.List;
import java.util.Random;

import static dev.motif.autodiff.GradCheck.awayFromZero;
import static dev.motif.autodiff.GradCheck.check;
import static dev.motif.autodiff.GradCheck.checkHvp;
import static dev.motif.autodiff.GradCheck.shape;
import static dev.motif.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** clamp, norm, rsub and rdiv: values by hand, gradients (PyTorch's where not differentiable) and finite differences. */
class ClampNormTest {

    private static Tensor var(double... v) {
        return Tensor.variable(NDArray.vector(v));
    }

    private static double[] grad(Tensor y, Tensor x) {
        return Autodiff.grad(y, x, false).value().toDoubleArray();
    }

    // ------------------------------------------------------------------ clamp

    @Example
    void clampLimitsEitherOrBothSidesAndPassesTheGradientInsideTheBoundsIncluded() {
        Tensor x = var(-2, -1, 0, 1, 2, Double.NaN);
        assertArrayEquals(new double[] {-1, -1, 0, 1, 1, Double.NaN}, x.clamp(-1.0, 1.0).value().toDoubleArray(), 0);
        assertArrayEquals(new double[] {0, 0, 0, 1, 2, Double.NaN}, x.clampMin(0).value().toDoubleArray(), 0);
        assertArrayEquals(new double[] {-2, -1, 0, 0.5, 0.5, Double.NaN}, x.clamp(null, 0.5).value().toDoubleArray(), 0);
        // PyTorch: grad · (min <= x <= max), so 1 at the bounds themselves, 0 outside and at NaN
        assertArrayEquals(new double[] {0, 1, 1, 1, 0, 0}, grad(x.clamp(-1.0, 1.0).sum(), x), 0);
        // min > max: max everywhere (NaN stays NaN), gradient 0 everywhere (as PyTorch)
        assertArrayEquals(new double[] {0, 0, 0, 0, 0, Double.NaN}, x.clamp(2.0, 0.0).value().toDoubleArray(), 0);
        assertArrayEquals(new double[6], grad(x.clamp(2.0, 0.0).sum(), x), 0);
        assertArrayEquals(new float[] {-0.5f, 0.25f}, NDArray.of(new float[] {-3, 0.25f}, 2).clamp(-0.5, 7).f32(), 0);
    }

    @Example
    void clampRefusesNoBoundAndNaNBounds() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> var(1).clamp(null, null)).getMessage().startsWith("clamp: give min, max"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> var(1).clamp(Double.NaN, 1.0)).getMessage().contains("NaN"));
    }

    @Property(tries = 20)
    void clampGradientsAgainstFiniteDifferences(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
        Random r = new Random(seed);
        NDArray x = uniform(r, -2, 2, shape(r, rank, 4));
        // bounds away from every element, so that no difference step crosses one
        for (int k = 0; k < x.size(); k++) if (Math.abs(Math.abs(x.getFlat(k)) - 0.7) < 0.01) x.setFlat(k, 0.0);
        GradCheck.Fn f = xs -> xs.get(0).clamp(-0.7, 0.7).mul(xs.get(0)).sin();
        check("clamp", f, x);
        checkHvp("clamp", f, seed, x);
    }

    // ------------------------------------------------------------------ norm

    @Example
    void normValuesForEachP() {
        Tensor x = var(3, -4, 0);
        assertEquals(5, x.norm().item(), 1e-15);
        assertEquals(7, x.norm(1, null, false).item(), 0);
        assertEquals(4, x.norm(Double.POSITIVE_INFINITY, null, false).item(), 0);
        assertEquals(2, x.norm(0, null, false).item(), 0);
        assertEquals(Math.cbrt(91), x.norm(3, null, false).item(), 1e-14);
        assertEquals(Math.pow(Math.sqrt(3) + 2, 2), x.norm(0.5, null, false).item(), 1e-14);
        Tensor m = Tensor.constant(NDArray.of(new double[] {3, 4, 0, 6, 8, 0}, 2, 3));
        Tensor rows = m.norm(2, new int[] {1}, true);
        assertArrayEquals(new int[] {2, 1}, rows.shape());
        assertArrayEquals(new double[] {5, 10}, rows.value().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {Math.sqrt(45), Math.sqrt(80), 0}, m.norm(2, new int[] {0}, false).value().toDoubleArray(), 1e-15);
        assertArrayEquals(new int[] {3}, m.norm(2, new int[] {0}, false).shape());
    }

    @Example
    void normGradientsWhereTheNormIsNotDifferentiableArePyTorchs() {
        // a zero norm: 0 (p >= 1)
        Tensor z = var(0, 0, 0);
        for (double p : new double[] {1, 1.5, 2, 3, Double.POSITIVE_INFINITY}) {
            assertArrayEquals(new double[3], grad(z.norm(p, null, false), z), 0, "p = " + p);
        }
        // a zero element of a non-zero vector: 0 for every p, p < 1 included (where the derivative is infinite)
        Tensor x = var(3, -4, 0);
        assertArrayEquals(new double[] {0.6, -0.8, 0}, grad(x.norm(), x), 1e-15);
        assertArrayEquals(new double[] {1, -1, 0}, grad(x.norm(1, null, false), x), 0);
        double n3 = Math.cbrt(91);
        assertArrayEquals(new double[] {9 / (n3 * n3), -16 / (n3 * n3), 0}, grad(x.norm(3, null, false), x), 1e-14);
        double s = Math.sqrt(3) + 2; // ‖x‖_0.5 = s², d/dx_i = sgn(x_i)·|x_i|^(-1/2)·s
        assertArrayEquals(new double[] {s / Math.sqrt(3), -s / 2, 0}, grad(x.norm(0.5, null, false), x), 1e-14);
        // the count of non-zeros is flat
        assertArrayEquals(new double[3], grad(x.norm(0, null, false), x), 0);
        // infinity: the tied maxima share the gradient
        Tensor t = var(-2, 1, 2);
        assertArrayEquals(new double[] {-0.5, 0, 0.5}, grad(t.norm(Double.POSITIVE_INFINITY, null, false), t), 0);
        // and the second derivative at a zero norm stays finite
        Tensor g = Autodiff.grad(z.norm(), z, true);
        assertTrue(Autodiff.grad(g.sum(), List.of(z), false, true).get(0).value().allFinite());
    }

    @Example
    void normRefusesANegativeOrNaNP() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> var(1).norm(-1, null, false)).getMessage().contains("norm: p must be >= 0"));
        assertThrows(IllegalArgumentException.class, () -> var(1).norm(Double.NaN, null, false));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> var(1).norm(2, new int[] {1}, false)).getMessage().contains("axis 1"));
    }

    @Property(tries = 20)
    void normGradientsFirstAndSecondOrder(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
        Random r = new Random(seed);
        int[] s = shape(r, rank, 4);
        int axis = r.nextInt(rank);
        boolean keep = r.nextBoolean();
        for (double p : new double[] {0.5, 1, 1.5, 2, 3}) {
            NDArray x = awayFromZero(r, 0.2, 2, s);
            GradCheck.Fn f = xs -> xs.get(0).norm(p, new int[] {axis}, keep).sin();
            check("norm " + p, f, x);
            checkHvp("norm " + p, f, seed, x);
        }
        NDArray distinct = GradCheck.distinct(r, 0.1, s);
        GradCheck.Fn inf = xs -> xs.get(0).norm(Double.POSITIVE_INFINITY, new int[] {axis}, keep).square();
        check("norm inf", inf, distinct);
        checkHvp("norm inf", inf, seed, distinct);
    }

    // ------------------------------------------------------------------ scalar on the left

    @Example
    void rsubAndRdivPutTheScalarOnTheLeft() {
        Tensor x = var(1, 2, 4);
        assertArrayEquals(new double[] {0, -1, -3}, x.rsub(1.0).value().toDoubleArray(), 0);
        assertArrayEquals(new double[] {2, 1, 0.5}, x.rdiv(2.0).value().toDoubleArray(), 0);
        assertArrayEquals(new double[] {-1, -1, -1}, grad(x.rsub(1.0).sum(), x), 0);
        assertArrayEquals(new double[] {-2, -0.5, -0.125}, grad(x.rdiv(2.0).sum(), x), 0);
        assertArrayEquals(new double[] {0, -1, -3}, NDArray.vector(1, 2, 4).rsub(1).toDoubleArray(), 0);
        assertArrayEquals(new float[] {2, 1, 0.5f}, NDArray.of(new float[] {1, 2, 4}, 3).rdiv(2).f32(), 0);
        assertEquals(DType.F32, Tensor.constant(NDArray.of(new float[] {1}, 1)).rsub(1.0).dtype());
    }

    @Property(tries = 10)
    void rsubAndRdivGradients(@ForAll long seed) {
        Random r = new Random(seed);
        NDArray x = awayFromZero(r, 0.3, 2, shape(r, 2, 3));
        GradCheck.Fn f = xs -> xs.get(0).rdiv(2.0).mul(xs.get(0).rsub(1.0));
        check("rdiv·rsub", f, x);
        checkHvp("rdiv·rsub", f, seed, x);
    }
}
