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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SGD against updates worked out by hand. Every test uses p0 = [1, -2] and the gradients
 * g1 = [0.5, -1], g2 = [0.25, 2], g3 = [-1, 0.5], with lr = 0.1.
 */
class SGDTest {
    private static final double[][] G = {{0.5, -1}, {0.25, 2}, {-1, 0.5}};

    /** Runs three steps and returns the parameter after each. */
    private static double[][] run(SGD.Builder b, Parameter p) {
        SGD opt = b.build();
        double[][] out = new double[3][];
        for (int s = 0; s < 3; s++) {
            grad(p, G[s]);
            opt.step();
            out[s] = p.value().toDoubleArray();
        }
        return out;
    }

    private static void assertStep(double[] expected, double[] actual, String what) {
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], TOL, what + "[" + i + "]");
    }

    @Test
    void plainIsGradientDescent() {
        Parameter p = param("w", 1, -2);
        double[][] got = run(SGD.builder(List.of(p)).lr(0.1), p);
        // p -= 0.1·g
        assertStep(new double[] {1 - 0.05, -2 + 0.1}, got[0], "step 1");        // [0.95, -1.9]
        assertStep(new double[] {0.95 - 0.025, -1.9 - 0.2}, got[1], "step 2");   // [0.925, -2.1]
        assertStep(new double[] {0.925 + 0.1, -2.1 - 0.05}, got[2], "step 3");   // [1.025, -2.15]
    }

    @Test
    void f32StepIsTheDoubleUpdateRoundedOncePerStep() {
        // The F32 path updates the floats in place; it must equal the F64 arithmetic with one
        // rounding to float per value and step, for every option that changes the update.
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        int n = 37;
        float[] p0 = new float[n];
        float[][] gs = new float[4][n];
        for (int k = 0; k < n; k++) p0[k] = (float) rng.nextDouble(-2, 2);
        for (float[] g : gs) for (int k = 0; k < n; k++) g[k] = (float) rng.nextDouble(-1, 1);
        double lr = 0.05, mu = 0.9, damp = 0.1;
        // 0: weight decay; 1: Nesterov; 2: dampening; 3: dampening without weight decay (the loop without tests); 4: plain momentum
        for (int variant = 0; variant < 5; variant++) {
            boolean nesterov = variant == 1, damped = variant == 2 || variant == 3;
            double wd = variant >= 3 ? 0 : 0.01;
            Parameter p = param32("w", p0);
            SGD opt = SGD.builder(List.of(p)).lr(lr).momentum(mu).nesterov(nesterov).weightDecay(wd).dampening(damped ? damp : 0).build();
            float[] want = p0.clone();
            double[] buf = new double[n];
            for (int s = 0; s < gs.length; s++) {
                double[] g = new double[n];
                for (int k = 0; k < n; k++) g[k] = gs[s][k];
                grad(p, g);
                opt.step();
                for (int k = 0; k < n; k++) {
                    double d = gs[s][k] + wd * want[k];
                    buf[k] = s == 0 ? d : mu * buf[k] + (1 - (damped ? damp : 0)) * d;
                    d = nesterov ? d + mu * buf[k] : buf[k];
                    want[k] = (float) (want[k] - lr * d);
                }
                assertEquals(DType.F32, p.dtype());
                float[] got = p.value().f32();
                for (int k = 0; k < n; k++) assertEquals(want[k], got[k], 0f, "variant " + variant + ", step " + (s + 1) + ", element " + k);
            }
        }
    }

    @Test
    void momentumStartsTheBufferAtTheFirstGradient() {
        Parameter p = param("w", 1, -2);
        double[][] got = run(SGD.builder(List.of(p)).lr(0.1).momentum(0.9), p);
        // b1 = g1 = [0.5, -1]                        p1 = [1 - 0.05, -2 + 0.1]      = [0.95, -1.9]
        // b2 = 0.9·b1 + g2 = [0.7, 1.1]              p2 = [0.95 - 0.07, -1.9 - 0.11] = [0.88, -2.01]
        // b3 = 0.9·b2 + g3 = [-0.37, 1.49]           p3 = [0.88 + 0.037, -2.01 - 0.149] = [0.917, -2.159]
        assertStep(new double[] {0.95, -1.9}, got[0], "step 1");
        assertStep(new double[] {0.88, -2.01}, got[1], "step 2");
        assertStep(new double[] {0.917, -2.159}, got[2], "step 3");
    }

    @Test
    void nesterovLooksAhead() {
        Parameter p = param("w", 1, -2);
        double[][] got = run(SGD.builder(List.of(p)).lr(0.1).momentum(0.9).nesterov(true), p);
        // b as for momentum; d = g + 0.9·b
        // d1 = [0.5 + 0.45, -1 - 0.9]   = [0.95, -1.9]     p1 = [1 - 0.095, -2 + 0.19]     = [0.905, -1.81]
        // d2 = [0.25 + 0.63, 2 + 0.99]  = [0.88, 2.99]     p2 = [0.905 - 0.088, -1.81 - 0.299] = [0.817, -2.109]
        // d3 = [-1 - 0.333, 0.5 + 1.341] = [-1.333, 1.841] p3 = [0.817 + 0.1333, -2.109 - 0.1841] = [0.9503, -2.2931]
        assertStep(new double[] {0.905, -1.81}, got[0], "step 1");
        assertStep(new double[] {0.817, -2.109}, got[1], "step 2");
        assertStep(new double[] {0.9503, -2.2931}, got[2], "step 3");
    }

    @Test
    void weightDecayAddsL2ToTheGradient() {
        Parameter p = param("w", 1, -2);
        double[][] got = run(SGD.builder(List.of(p)).lr(0.1).weightDecay(0.5), p);
        // d = g + 0.5·p
        // d1 = [0.5 + 0.5, -1 - 1] = [1, -2]                p1 = [0.9, -1.8]
        // d2 = [0.25 + 0.45, 2 - 0.9] = [0.7, 1.1]          p2 = [0.83, -1.91]
        // d3 = [-1 + 0.415, 0.5 - 0.955] = [-0.585, -0.455] p3 = [0.8885, -1.8645]
        assertStep(new double[] {0.9, -1.8}, got[0], "step 1");
        assertStep(new double[] {0.83, -1.91}, got[1], "step 2");
        assertStep(new double[] {0.8885, -1.8645}, got[2], "step 3");
    }

    @Test
    void dampeningScalesNewGradientsButNotTheFirst() {
        Parameter p = param("w", 1, -2);
        double[][] got = run(SGD.builder(List.of(p)).lr(0.1).momentum(0.9).dampening(0.5), p);
        // b1 = g1 = [0.5, -1] (no dampening on the first step, as PyTorch)   p1 = [0.95, -1.9]
        // b2 = 0.9·b1 + 0.5·g2 = [0.45 + 0.125, -0.9 + 1] = [0.575, 0.1]       p2 = [0.8925, -1.91]
        // b3 = 0.9·b2 + 0.5·g3 = [0.5175 - 0.5, 0.09 + 0.25] = [0.0175, 0.34]  p3 = [0.89075, -1.944]
        assertStep(new double[] {0.95, -1.9}, got[0], "step 1");
        assertStep(new double[] {0.8925, -1.91}, got[1], "step 2");
        assertStep(new double[] {0.89075, -1.944}, got[2], "step 3");
    }

    @Test
    void momentumWithWeightDecayPutsTheDecayInTheBuffer() {
        Parameter p = param("w", 2);
        SGD opt = SGD.builder(List.of(p)).lr(0.1).momentum(0.5).weightDecay(0.1).build();
        grad(p, 1);
        opt.step();
        // d1 = 1 + 0.2 = 1.2, b1 = 1.2, p1 = 2 - 0.12 = 1.88
        assertValues(p, TOL, 1.88);
        grad(p, 1);
        opt.step();
        // d2 = 1 + 0.188 = 1.188, b2 = 0.6 + 1.188 = 1.788, p2 = 1.88 - 0.1788 = 1.7012
        assertValues(p, TOL, 1.7012);
    }

    @Test
    void f32ParametersAreUpdatedInPlaceAndStayF32() {
        Parameter p = param32("w", 1, -2);
        NDArray storage = p.value();
        double[][] got = run(SGD.builder(List.of(p)).lr(0.1).momentum(0.9), p);
        assertSame(storage, p.value(), "the update is in place");
        assertEquals(DType.F32, p.dtype());
        double[] expected = {0.917, -2.159};
        for (int i = 0; i < 2; i++) assertEquals((float) expected[i], got[2][i], 1e-6);
    }

    @Test
    void f64ParametersAreUpdatedInPlace() {
        Parameter p = param("w", 1, -2);
        double[] raw = p.value().f64();
        SGD opt = SGD.builder(List.of(p)).lr(0.1).build();
        grad(p, 1, 1);
        opt.step();
        assertEquals(0.9, raw[0], TOL);
    }

    @Test
    void aParameterWithoutGradientKeepsItsMomentumBuffer() {
        Parameter a = param("a", 0), b = param("b", 0);
        SGD opt = SGD.builder(List.of(a, b)).lr(1).momentum(0.5).build();
        grad(a, 1);
        grad(b, 1);
        opt.step();                 // both: buf = 1, p = -1
        a.zeroGrad();
        grad(b, 1);
        opt.step();                 // a skipped entirely; b: buf = 1.5, p = -2.5
        assertValues(a, TOL, -1);
        assertValues(b, TOL, -2.5);
        grad(a, 2);
        opt.step();                 // a: buf = 0.5·1 + 2 = 2.5 (not decayed by the skipped step), p = -3.5
        assertValues(a, TOL, -3.5);
    }

    @Test
    void setLrTakesEffectOnTheNextStep() {
        Parameter p = param("w", 1);
        SGD opt = SGD.builder(List.of(p)).lr(0.1).build();
        assertEquals(0.1, opt.lr());
        opt.setLr(0.5);
        grad(p, 1);
        opt.step();
        assertValues(p, TOL, 0.5);
    }

    @Test
    void zeroGradClearsEveryGradient() {
        Parameter a = param("a", 1), b = param("b", 2);
        SGD opt = SGD.builder(List.of(a, b)).build();
        grad(a, 1);
        grad(b, 1);
        opt.zeroGrad();
        assertEquals(null, a.grad());
        assertEquals(null, b.grad());
    }

    @Test
    void rejectsBadHyperparameters() {
        List<Parameter> ps = List.of(param("w", 1));
        assertMessage("learning rate", () -> SGD.builder(ps).lr(-0.1).build());
        assertMessage("learning rate", () -> SGD.builder(ps).lr(Double.NaN).build());
        assertMessage("momentum", () -> SGD.builder(ps).momentum(-0.9).build());
        assertMessage("dampening", () -> SGD.builder(ps).dampening(-1).build());
        assertMessage("weight decay", () -> SGD.builder(ps).weightDecay(-1e-4).build());
        assertMessage("Nesterov", () -> SGD.builder(ps).nesterov(true).build());
        assertMessage("Nesterov", () -> SGD.builder(ps).momentum(0.9).dampening(0.1).nesterov(true).build());
        assertMessage("empty", () -> SGD.builder(List.of()).build());
        assertMessage("learning rate", () -> SGD.builder(ps).build().setLr(-1));
    }

    static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(fragment), "message '" + x.getMessage() + "' should mention '" + fragment + "'");
    }
}
