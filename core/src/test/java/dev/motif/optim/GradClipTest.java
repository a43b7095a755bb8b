package dev.motif.optim;

import dev.motif.array.DType;
import dev.motif.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.motif.optim.OptimTesting.TOL;
import static dev.motif.optim.OptimTesting.grad;
import static dev.motif.optim.OptimTesting.param;
import static dev.motif.optim.OptimTesting.param32;
import static dev.motif.optim.SGDTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clipping against closed forms: gradients [3, 0] and [4] have global L2 norm 5, max-norm 4, L1 norm 7. */
class GradClipTest {
    private static void assertGrad(Parameter p, double... expected) {
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], p.grad().getFlat(i), TOL, p.name() + ".grad[" + i + "]");
    }

    @Test
    void clipNormScalesByMaxNormOverNormPlusEps() {
        Parameter a = param("a", 0, 0), b = param("b", 0);
        grad(a, 3, 0);
        grad(b, 4);
        double norm = GradClip.clipNorm(List.of(a, b), 1);
        assertEquals(5, norm, TOL);
        double c = 1 / (5 + 1e-6);
        assertGrad(a, 3 * c, 0);
        assertGrad(b, 4 * c);
        assertEquals(1, GradClip.gradNorm(List.of(a, b), 2), 1e-6);
    }

    @Test
    void clipNormLeavesSmallGradientsAlone() {
        Parameter a = param("a", 0, 0), b = param("b", 0);
        grad(a, 3, 0);
        grad(b, 4);
        var before = a.grad();
        assertEquals(5, GradClip.clipNorm(List.of(a, b), 10), TOL);
        assertSame(before, a.grad());
        assertGrad(b, 4);
    }

    @Test
    void aSharedParameterCountsOnceInTheNorm() {
        Parameter a = param("a", 0, 0), b = param("b", 0);
        grad(a, 3, 0);
        grad(b, 4);
        // listed twice, a would make the norm √(9 + 9 + 16) if counted per listing
        assertEquals(5, GradClip.clipNorm(List.of(a, b, a), 2.5), TOL);
        double c = 2.5 / (5 + 1e-6);
        assertGrad(a, 3 * c, 0);   // scaled once, not twice
        assertGrad(b, 4 * c);
    }

    @Test
    void otherNormsAndMissingGradients() {
        Parameter a = param("a", 0, 0), b = param("b", 0), none = param("none", 0);
        grad(a, 3, 0);
        grad(b, -4);
        assertEquals(4, GradClip.gradNorm(List.of(a, b, none), Double.POSITIVE_INFINITY), TOL);
        assertEquals(7, GradClip.gradNorm(List.of(a, b, none), 1), TOL);
        assertEquals(Math.cbrt(27 + 64), GradClip.gradNorm(List.of(a, b), 3), TOL);
        assertEquals(4, GradClip.clipNorm(List.of(a, b, none), 2, Double.POSITIVE_INFINITY), TOL);
        assertGrad(b, -4 * 2 / (4 + 1e-6));
        assertNull(none.grad());
        assertEquals(0, GradClip.clipNorm(List.of(none), 1));
    }

    @Test
    void aNonFiniteNormIsReturnedAndChangesNothing() {
        Parameter a = param("a", 0, 0);
        grad(a, Double.NaN, 1);
        assertTrue(Double.isNaN(GradClip.clipNorm(List.of(a), 1)));
        assertEquals(1, a.grad().getFlat(1));
        grad(a, Double.POSITIVE_INFINITY, 1);
        assertEquals(Double.POSITIVE_INFINITY, GradClip.clipNorm(List.of(a), 1));
        assertEquals(1, a.grad().getFlat(1));
    }

    @Test
    void clipValueClampsEachElement() {
        Parameter a = param("a", 0, 0, 0), f = param32("f", 0, 0);
        grad(a, -3, 0.5, 2);
        grad(f, 7, -0.25);
        GradClip.clipValue(List.of(a, f, a), 1);
        assertGrad(a, -1, 0.5, 1);
        assertGrad(f, 1, -0.25);
        assertEquals(DType.F32, f.grad().dtype());
    }

    @Test
    void rejectsBadArguments() {
        List<Parameter> ps = List.of(param("w", 1));
        assertMessage("maxNorm", () -> GradClip.clipNorm(ps, -1));
        assertMessage("normType", () -> GradClip.clipNorm(ps, 1, 0));
        assertMessage("clipValue", () -> GradClip.clipValue(ps, Double.NaN));
    }
}
