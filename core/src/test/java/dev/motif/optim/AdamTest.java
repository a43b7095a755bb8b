package dev.motif.optim;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.motif.optim.OptimTesting.TOL;
import static dev.motif.optim.OptimTesting.assertValues;
import static dev.motif.optim.OptimTesting.grad;
import static dev.motif.optim.OptimTesting.param;
import static dev.motif.optim.OptimTesting.param32;
import static dev.motif.optim.SGDTest.assertMessage;
import static java.lang.Math.sqrt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Adam and AdamW against updates worked out by hand, on a one-element parameter p0 = 1 with
 * gradients 0.5, -1, 2 and lr = 0.1, β₁ = 0.9, β₂ = 0.999, ε = 1e-8. Each step is written out:
 * m, v, then p -= lr/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε).
 */
class AdamTest {
    private static final double[] G = {0.5, -1, 2};
    private static final double EPS = 1e-8;

    @Test
    void adamWithoutWeightDecay() {
        Parameter p = param("w", 1);
        Adam opt = Adam.builder(List.of(p)).lr(0.1).build();
        double[] got = steps(opt, p);

        double m1 = 0.1 * 0.5, v1 = 0.001 * 0.25;                    // m = 0.05, v = 0.00025
        double p1 = 1 - 0.1 / (1 - 0.9) * m1 / (sqrt(v1) / sqrt(1 - 0.999) + EPS);
        double m2 = 0.9 * m1 + 0.1 * -1, v2 = 0.999 * v1 + 0.001 * 1;
        double p2 = p1 - 0.1 / (1 - 0.81) * m2 / (sqrt(v2) / sqrt(1 - 0.998001) + EPS);
        double m3 = 0.9 * m2 + 0.1 * 2, v3 = 0.999 * v2 + 0.001 * 4;
        double p3 = p2 - 0.1 / (1 - 0.729) * m3 / (sqrt(v3) / sqrt(1 - 0.997002999) + EPS);

        // the first Adam step moves by about lr·sign(g): a sanity check on the formula itself
        assertEquals(0.9, p1, 1e-6);
        assertEquals(p1, got[0], TOL);
        assertEquals(p2, got[1], TOL);
        assertEquals(p3, got[2], TOL);
        assertEquals(3, opt.stepCount(p));
    }

    @Test
    void adamWeightDecayGoesThroughTheGradient() {
        Parameter p = param("w", 1);
        double[] got = steps(Adam.builder(List.of(p)).lr(0.1).weightDecay(0.5).build(), p);

        double g1 = 0.5 + 0.5 * 1;                                   // g + λ·p = 1
        double m1 = 0.1 * g1, v1 = 0.001 * g1 * g1;
        double p1 = 1 - 1.0 * m1 / (sqrt(v1) / sqrt(0.001) + EPS);  // lr/(1 − 0.9) = 1
        double g2 = -1 + 0.5 * p1;
        double m2 = 0.9 * m1 + 0.1 * g2, v2 = 0.999 * v1 + 0.001 * g2 * g2;
        double p2 = p1 - 0.1 / 0.19 * m2 / (sqrt(v2) / sqrt(0.001999) + EPS);
        double g3 = 2 + 0.5 * p2;
        double m3 = 0.9 * m2 + 0.1 * g3, v3 = 0.999 * v2 + 0.001 * g3 * g3;
        double p3 = p2 - 0.1 / 0.271 * m3 / (sqrt(v3) / sqrt(0.002997001) + EPS);

        assertEquals(p1, got[0], TOL);
        assertEquals(p2, got[1], TOL);
        assertEquals(p3, got[2], TOL);
    }

    @Test
    void adamWDecaysTheParameterBeforeTheMoments() {
        Parameter p = param("w", 1);
        double[] got = steps(AdamW.builder(List.of(p)).lr(0.1).weightDecay(0.5).build(), p);

        // p ← p·(1 − 0.1·0.5) = 0.95·p, then Adam on the raw gradient
        double m1 = 0.1 * 0.5, v1 = 0.001 * 0.25;
        double p1 = 0.95 * 1 - 1.0 * m1 / (sqrt(v1) / sqrt(0.001) + EPS);
        double m2 = 0.9 * m1 + 0.1 * -1, v2 = 0.999 * v1 + 0.001 * 1;
        double p2 = 0.95 * p1 - 0.1 / 0.19 * m2 / (sqrt(v2) / sqrt(0.001999) + EPS);
        double m3 = 0.9 * m2 + 0.1 * 2, v3 = 0.999 * v2 + 0.001 * 4;
        double p3 = 0.95 * p2 - 0.1 / 0.271 * m3 / (sqrt(v3) / sqrt(0.002997001) + EPS);

        assertEquals(p1, got[0], TOL);
        assertEquals(p2, got[1], TOL);
        assertEquals(p3, got[2], TOL);
    }

    @Test
    void adamWWithoutDecayIsAdam() {
        Parameter a = param("a", 1, -3), b = param("b", 1, -3);
        Adam adam = Adam.builder(List.of(a)).lr(0.05).betas(0.8, 0.99).eps(1e-6).build();
        AdamW adamW = AdamW.builder(List.of(b)).lr(0.05).betas(0.8, 0.99).eps(1e-6).weightDecay(0).build();
        for (int s = 0; s < 5; s++) {
            grad(a, s - 2, 1.5 * s);
            grad(b, s - 2, 1.5 * s);
            adam.step();
            adamW.step();
        }
        assertEquals(0, a.value().maxAbsDiff(b.value()));
    }

    @Test
    void amsgradDividesByTheLargestSecondMomentSoFar() {
        Parameter p = param("w", 0);
        Adam opt = Adam.builder(List.of(p)).lr(0.1).betas(0.5, 0.5).eps(0).amsgrad(true).build();
        grad(p, 4);
        opt.step();
        // m1 = 2, v1 = 8, v̂ = 8; p1 = -0.1/0.5 · 2 / (√8/√0.5) = -0.2·2/4 = -0.1
        assertValues(p, TOL, -0.1);
        grad(p, 0);
        opt.step();
        // m2 = 1, v2 = 4 but v̂ stays 8; p2 = -0.1 - 0.1/0.75 · 1 / (√8/√0.75)
        assertValues(p, TOL, -0.1 - 0.1 / 0.75 / (sqrt(8) / sqrt(0.75)));
    }

    @Test
    void aParameterWithoutGradientKeepsItsStepCount() {
        Parameter a = param("a", 1), b = param("b", 1);
        Adam opt = Adam.builder(List.of(a, b)).lr(0.1).build();
        grad(a, 0.5);
        opt.step();
        grad(a, 0.5);
        opt.step();
        assertValues(b, 0, 1);
        assertEquals(2, opt.stepCount(a));
        assertEquals(0, opt.stepCount(b));
        // b's first step is a genuine first step: bias correction with t = 1, so it moves by lr·g/(|g| + ε)
        grad(b, -3);
        opt.step();
        assertValues(b, TOL, 1 + 0.1 * 3 / (3 + EPS));
        assertEquals(1, opt.stepCount(b));
    }

    @Test
    void f32ParametersMatchF64ToSinglePrecision() {
        Parameter p64 = param("w", 1, -2), p32 = param32("w", 1, -2);
        NDArray storage = p32.value();
        AdamW o64 = AdamW.builder(List.of(p64)).lr(0.1).build(), o32 = AdamW.builder(List.of(p32)).lr(0.1).build();
        for (int s = 0; s < 3; s++) {
            grad(p64, G[s], -G[s]);
            grad(p32, G[s], -G[s]);
            o64.step();
            o32.step();
        }
        assertSame(storage, p32.value());
        assertEquals(DType.F32, p32.dtype());
        assertEquals(0, p32.value().toF64().maxAbsDiff(p64.value()), 1e-6);
    }

    @Test
    void rejectsBadHyperparameters() {
        List<Parameter> ps = List.of(param("w", 1));
        assertMessage("learning rate", () -> Adam.builder(ps).lr(-1e-3).build());
        assertMessage("beta1", () -> Adam.builder(ps).betas(1.0, 0.999).build());
        assertMessage("beta1", () -> Adam.builder(ps).betas(-0.1, 0.999).build());
        assertMessage("beta2", () -> AdamW.builder(ps).betas(0.9, 1.5).build());
        assertMessage("eps", () -> Adam.builder(ps).eps(-1e-8).build());
        assertMessage("weight decay", () -> AdamW.builder(ps).weightDecay(-0.01).build());
        assertMessage("AdamW", () -> AdamW.builder(ps).weightDecay(Double.NaN).build());
    }

    @Test
    void defaultsAreTorchDefaults() {
        List<Parameter> ps = List.of(param("w", 1));
        Adam adam = Adam.builder(ps).build();
        AdamW adamW = AdamW.builder(ps).build();
        assertEquals(1e-3, adam.lr());
        assertEquals(0.9, adam.beta1());
        assertEquals(0.999, adam.beta2());
        assertEquals(1e-8, adam.eps());
        assertEquals(0, adam.weightDecay());
        assertEquals(1e-2, adamW.weightDecay());
    }

    private static double[] steps(Optimizer opt, Parameter p) {
        double[] out = new double[G.length];
        for (int s = 0; s < G.length; s++) {
            grad(p, G[s]);
            opt.step();
            out[s] = p.value().getFlat(0);
        }
        return out;
    }
}
