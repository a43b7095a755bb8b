package dev.motif.autodiff;

import dev.motif.array.NDArray;
import org.junit.jupiter.api.Test;

import java.util.function.BinaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * x^y with a tensor exponent, differentiated up to the third order in any mix of base and
 * exponent, against closed forms on a grid that includes the exponents 0 and 1 (where a base-1
 * substitution guards 0·∞ at a zero base, and must not change anything elsewhere).
 */
class PowDerivativesTest {

    private static final double[] BASES = {0.5, 0.8, 1, 1.7, 2, 3.2};
    private static final double[] EXPONENTS = {-1.5, -1, 0, 0.5, 1, 2, 2.5, 3};

    /** ∂^(i+j) a^y / ∂a^i ∂y^j for i + j <= 3, from the power rule and d/dy a^y = a^y·ln a. */
    private static double closedForm(int i, int j, double a, double y) {
        double l = Math.log(a);
        switch (10 * i + j) {
            case 0: return Math.pow(a, y);
            case 10: return y * Math.pow(a, y - 1);
            case 1: return Math.pow(a, y) * l;
            case 20: return y * (y - 1) * Math.pow(a, y - 2);
            case 11: return Math.pow(a, y - 1) * (1 + y * l);
            case 2: return Math.pow(a, y) * l * l;
            case 30: return y * (y - 1) * (y - 2) * Math.pow(a, y - 3);
            case 21: return Math.pow(a, y - 2) * ((2 * y - 1) + y * (y - 1) * l);
            case 12: return Math.pow(a, y - 1) * l * (2 + y * l);
            case 3: return Math.pow(a, y) * l * l * l;
            default: throw new AssertionError(i + ", " + j);
        }
    }

    /**
     * The derivative of f(a, y) taken in the order the bits of {@code mask} say (bit k set: the
     * k-th derivative is in y), by repeated grad with a graph.
     */
    private static double derivative(BinaryOperator<Tensor> f, double a, double y, int order, int mask) {
        Tensor ta = Tensor.variable(NDArray.scalar(a)), ty = Tensor.variable(NDArray.scalar(y));
        Tensor d = f.apply(ta, ty);
        for (int k = 0; k < order; k++) d = Autodiff.grad(d, (mask >> k & 1) == 1 ? ty : ta, k < order - 1);
        return d.item();
    }

    @Test
    void everyMixedDerivativeUpToThirdOrderMatchesTheClosedForm() {
        for (double a : BASES) {
            for (double y : EXPONENTS) {
                for (int order = 1; order <= 3; order++) {
                    for (int mask = 0; mask < 1 << order; mask++) {
                        int j = Integer.bitCount(mask), i = order - j;
                        double expected = closedForm(i, j, a, y), actual = derivative(Tensor::pow, a, y, order, mask);
                        assertEquals(expected, actual, 1e-11 * Math.max(1, Math.abs(expected)),
                                "d^" + order + "/(da^" + i + " dy^" + j + ") of a^y, order of variables " + Integer.toBinaryString(mask)
                                        + ", at a = " + a + ", y = " + y);
                    }
                }
            }
        }
    }

    @Test
    void theMixedPartialAtExponentZeroIsOneOverTheBase() {
        // ∂²(a^y)/∂a∂y = a^(y−1)·(1 + y·ln a) = 1/a at y = 0: 0.5 at a = 2 (was 1, from a base of 1 substituted wherever y = 0)
        assertEquals(0.5, derivative(Tensor::pow, 2, 0, 2, 0b10), 1e-15);
        assertEquals(0.5, derivative(Tensor::pow, 2, 0, 2, 0b01), 1e-15);
    }

    @Test
    void thirdDerivativeOfXToALinearExponentAcrossExponentOne() {
        // f = x^u, u = 0.5x + 0.3, h = u·ln x: f''' = f·(h'³ + 3h'h'' + h'''), with h' = 0.5 ln x + u/x,
        // h'' = 1/x − u/x², h''' = −1.5/x² + 2u/x³. At x = 1.4 the exponent is exactly 1.
        for (double x : new double[] {0.3, 0.9, 1.2, 1.4, 1.6, 2.5}) {
            double u = 0.5 * x + 0.3, f = Math.pow(x, u);
            double h1 = 0.5 * Math.log(x) + u / x, h2 = 1 / x - u / (x * x), h3 = -1.5 / (x * x) + 2 * u / (x * x * x);
            double expected = f * (h1 * h1 * h1 + 3 * h1 * h2 + h3);
            assertEquals(expected, thirdAt(x), 1e-12 * Math.max(1, Math.abs(expected)), "f''' at x = " + x);
        }
        assertEquals(1.6677134146834252, thirdAt(1.4), 1e-12); // was 1.8106
    }

    private static double thirdAt(double x) {
        Tensor t = Tensor.variable(NDArray.scalar(x));
        Tensor d = t.pow(t.mul(0.5).add(0.3));
        for (int k = 0; k < 3; k++) d = Autodiff.grad(d, t, k < 2);
        return d.item();
    }

    @Test
    void atAZeroBaseTheDerivativesInTheBaseFollowThePowerRule() {
        // 0^y: ∂/∂a = y·0^(y−1) (0 at y = 0, as PyTorch), ∂/∂y = 0 for y >= 0 (0^y is constant there, as PyTorch)
        double[][] firstInA = {{0, 0}, {1, 1}, {2, 0}, {3, 0}};
        for (double[] c : firstInA) {
            assertEquals(c[1], derivative(Tensor::pow, 0, c[0], 1, 0), 0, "d/da at a = 0, y = " + c[0]);
            assertEquals(0, derivative(Tensor::pow, 0, c[0], 1, 1), 0, "d/dy at a = 0, y = " + c[0]);
        }
        // y(y−1)·0^(y−2): 2 at y = 2, 0 at y = 3
        assertEquals(2, derivative(Tensor::pow, 0, 2, 2, 0), 0);
        assertEquals(0, derivative(Tensor::pow, 0, 3, 2, 0), 0);
        assertEquals(6, derivative(Tensor::pow, 0, 3, 3, 0), 0);
    }
}
