package dev.motif.autodiff;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the graph is recorded and walked: sharing, noGrad, detach, accumulation, gradOutputs, deep graphs. */
class GraphBehaviourTest {

    private static Tensor var(double... v) {
        return Tensor.variable(NDArray.vector(v));
    }

    private static double[] g(Tensor t) {
        return t.value().toDoubleArray();
    }

    // ------------------------------------------------------------------ sharing

    @Test
    void aSharedInputGetsTheSumOfTheGradientsOfItsUses() {
        Tensor x = var(0.3, -1.2, 2.0);
        // two branches that both use x: f = Σ sin(x) + Σ x³
        Tensor f = x.sin().sum().add(x.pow(3).sum());
        Tensor gBoth = Autodiff.grad(f, x, false);
        Tensor g1 = Autodiff.grad(x.sin().sum(), x, false);
        Tensor g2 = Autodiff.grad(x.pow(3).sum(), x, false);
        assertArrayEquals(g1.value().add(g2.value()).toDoubleArray(), g(gBoth), 1e-15);
        for (int i = 0; i < 3; i++) {
            double xi = x.value().getFlat(i);
            assertEquals(Math.cos(xi) + 3 * xi * xi, gBoth.value().getFlat(i), 1e-14);
        }
    }

    @Test
    void aDiamondSendsBothPathsBack() {
        // y = 2x feeds two branches that join again: f = Σ y·y + Σ exp(y)
        Tensor x = var(0.1, 0.7);
        Tensor y = x.mul(2.0);
        Tensor f = y.mul(y).sum().add(y.exp().sum());
        Tensor gx = Autodiff.grad(f, x, false);
        for (int i = 0; i < 2; i++) {
            double yi = 2 * x.value().getFlat(i);
            assertEquals(2 * (2 * yi + Math.exp(yi)), gx.value().getFlat(i), 1e-14);
        }
    }

    @Test
    void sameOutputListedTwiceSeedsTwice() {
        Tensor x = var(1.5);
        Tensor y = x.mul(x).sum();
        List<Tensor> g = Autodiff.grad(List.of(y, y), null, List.of(x), false);
        assertEquals(2 * 2 * 1.5, g.get(0).value().getFlat(0), 1e-15);
    }

    // ------------------------------------------------------------------ noGrad and detach

    @Test
    void noGradRecordsNothing() {
        Tensor x = var(1, 2);
        Tensor y = Autodiff.noGrad(() -> x.exp().mul(x).sum());
        assertFalse(y.requiresGrad());
        assertFalse(y.hasGraph());
        assertEquals("leaf", y.op());
        assertEquals(Math.exp(1) + 2 * Math.exp(2), y.item(), 1e-12);
        assertTrue(Autodiff.isGradEnabled(), "recording is back on after noGrad");
        Autodiff.noGrad(() -> assertFalse(Autodiff.isGradEnabled()));
        assertThrows(IllegalStateException.class, y::backward);
        // an input the result does not depend on (through the graph) is an error for grad, or zeros when allowed
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Autodiff.grad(y, x, false));
        assertTrue(e.getMessage().contains("input 0") && e.getMessage().contains("allowUnused"), e.getMessage());
        assertArrayEquals(new double[] {0, 0}, g(Autodiff.grad(y, List.of(x), false, true).get(0)), 0);
    }

    @Test
    void noGradRestoresTheFlagAfterAnException() {
        assertThrows(IllegalStateException.class, () -> Autodiff.noGrad(() -> {
            throw new IllegalStateException("boom");
        }));
        assertTrue(Autodiff.isGradEnabled());
    }

    @Test
    void nestedNoGradKeepsRecordingOff() {
        Autodiff.noGrad(() -> {
            Autodiff.noGrad(() -> {});
            assertFalse(Autodiff.isGradEnabled());
        });
    }

    @Test
    void detachCutsTheGraph() {
        Tensor x = var(0.5, 1.5);
        Tensor d = x.mul(x).detach();
        assertFalse(d.requiresGrad());
        assertFalse(d.hasGraph());
        // f = Σ x·detach(x²): gradient x², not 3x²
        Tensor gx = Autodiff.grad(x.mul(d).sum(), x, false);
        assertArrayEquals(new double[] {0.25, 2.25}, g(gx), 1e-15);
    }

    @Test
    void constantsOnlyGiveAConstant() {
        Tensor c = Tensor.constant(NDArray.vector(1, 2)).exp().sum();
        assertFalse(c.requiresGrad());
        assertFalse(c.hasGraph());
    }

    // ------------------------------------------------------------------ backward()

    @Test
    void backwardAccumulatesAcrossCalls() {
        Tensor x = var(1, -2, 3);
        x.mul(x).sum().backward();
        assertArrayEquals(new double[] {2, -4, 6}, x.grad().toDoubleArray(), 0);
        x.sin().sum().backward();
        assertArrayEquals(new double[] {2 + Math.cos(1), -4 + Math.cos(-2), 6 + Math.cos(3)}, x.grad().toDoubleArray(), 1e-15);
        x.zeroGrad();
        assertNull(x.grad());
        x.sum().backward();
        assertArrayEquals(new double[] {1, 1, 1}, x.grad().toDoubleArray(), 0);
    }

    @Test
    void backwardFillsOnlyLeavesAndNeedsAScalar() {
        Tensor x = var(1, 2);
        Tensor y = x.mul(3.0);
        y.sum().backward();
        assertNull(y.grad(), "an intermediate keeps no grad");
        assertArrayEquals(new double[] {3, 3}, x.grad().toDoubleArray(), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void backwardDoesNotTouchTheGradOfAnUnusedLeaf() {
        Tensor x = var(1, 2), unused = var(5);
        x.sum().backward();
        assertNull(unused.grad());
    }

    @Test
    void theGradArrayIsNotAliasedWithTheGraph() {
        // the first accumulated gradient must be a copy: later writes to it cannot corrupt anything
        Tensor x = var(1, 2);
        x.sum().backward();
        NDArray first = x.grad();
        x.sum().backward();
        assertArrayEquals(new double[] {1, 1}, first.toDoubleArray(), 0, "the first grad array was changed in place");
        assertArrayEquals(new double[] {2, 2}, x.grad().toDoubleArray(), 0);
    }

    // ------------------------------------------------------------------ grad()

    @Test
    void gradOfAnInputTheOutputDoesNotDependOnIsAnErrorUnlessAllowed() {
        Tensor x = var(1, 2), z = Tensor.variable(NDArray.zeros(DType.F64, 2, 3));
        Tensor y = x.square().sum();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Autodiff.grad(y, List.of(x, z), false));
        for (String part : new String[] {"grad: input 1", "F64 [2, 3]", "not used", "allowUnused"}) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
        List<Tensor> gs = Autodiff.grad(y, List.of(x, z), false, true);
        assertArrayEquals(new double[] {2, 4}, g(gs.get(0)), 0);
        assertArrayEquals(new int[] {2, 3}, gs.get(1).shape());
        assertArrayEquals(new double[6], g(gs.get(1)), 0);
        // also for a constant input and with createGraph
        Tensor c = Tensor.constant(NDArray.vector(4, 5));
        e = assertThrows(IllegalArgumentException.class, () -> Autodiff.grad(x.mul(c).sum(), List.of(c), true));
        assertTrue(e.getMessage().contains("input 0") && e.getMessage().contains("does not require a gradient"), e.getMessage());
        List<Tensor> gc = Autodiff.grad(x.mul(c).sum(), List.of(c), true, true);
        assertArrayEquals(new double[] {0, 0}, g(gc.get(0)), 0);
    }

    @Test
    void gradOutputsGiveVectorJacobianProducts() {
        Tensor x = var(0.2, 0.4, 0.6);
        Tensor y = x.exp(); // Jacobian diag(exp x)
        Tensor v = Tensor.constant(NDArray.vector(1, -2, 3));
        Tensor vjp = Autodiff.grad(List.of(y), List.of(v), List.of(x), false).get(0);
        for (int i = 0; i < 3; i++) assertEquals(v.value().getFlat(i) * Math.exp(x.value().getFlat(i)), vjp.value().getFlat(i), 1e-15);
        // a matrix output: y = A x, the VJP is Aᵀ v
        Tensor a = Tensor.constant(NDArray.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
        Tensor w = Tensor.constant(NDArray.vector(1, 10));
        Tensor gx = Autodiff.grad(List.of(a.matmul(x)), List.of(w), List.of(x), false).get(0);
        assertArrayEquals(new double[] {41, 52, 63}, g(gx), 1e-12);
        // two outputs sum their contributions
        Tensor two = Autodiff.grad(List.of(y, x.mul(2.0)), List.of(v, v), List.of(x), false).get(0);
        for (int i = 0; i < 3; i++) {
            assertEquals(v.value().getFlat(i) * (Math.exp(x.value().getFlat(i)) + 2), two.value().getFlat(i), 1e-14);
        }
    }

    @Test
    void nonScalarOutputWithoutGradOutputsIsAnError() {
        Tensor x = var(1, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Autodiff.grad(x.exp(), x, false));
        assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("gradOutputs"), e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> Autodiff.grad(List.of(x.exp()), List.of(Tensor.constant(NDArray.vector(1, 2, 3))), List.of(x), false));
        assertTrue(e2.getMessage().contains("[3]") && e2.getMessage().contains("[2]"), e2.getMessage());
        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class,
                () -> Autodiff.grad(List.of(x.exp()), List.of(Tensor.constant(NDArray.of(new float[] {1, 2}, 2))), List.of(x), false));
        assertTrue(e3.getMessage().contains("F32") && e3.getMessage().contains("F64"), e3.getMessage());
        IllegalArgumentException e4 = assertThrows(IllegalArgumentException.class,
                () -> Autodiff.grad(List.of(x.exp(), x.sin()), List.of(Tensor.constant(NDArray.vector(1, 2))), List.of(x), false));
        assertTrue(e4.getMessage().contains("1 gradOutputs for 2 outputs"), e4.getMessage());
    }

    @Test
    void anIntermediateAsAnInputAlongsideTheLeafItFlowsFrom() {
        // y = x², f = Σ y·x. As inputs: ∂f/∂y = x (x held fixed), df/dx = y + 2x·x = 3x² (through y too).
        Tensor x = var(0.5, -1.5);
        Tensor y = x.mul(x);
        Tensor f = y.mul(x).sum();
        List<Tensor> gs = Autodiff.grad(f, List.of(y, x), false);
        assertArrayEquals(new double[] {0.5, -1.5}, g(gs.get(0)), 0);
        assertArrayEquals(new double[] {0.75, 6.75}, g(gs.get(1)), 1e-15);
        // the same in the other order, and with a graph
        List<Tensor> gs2 = Autodiff.grad(f, List.of(x, y), true);
        assertArrayEquals(new double[] {0.75, 6.75}, g(gs2.get(0)), 1e-15);
        assertArrayEquals(new double[] {0.5, -1.5}, g(gs2.get(1)), 0);
        // ∂f/∂y = x, whose own derivative in x is 1
        assertArrayEquals(new double[] {1, 1}, g(Autodiff.grad(gs2.get(1).sum(), x, false)), 0);
    }

    @Test
    void gradWithRespectToTheOutputItselfIsOne() {
        Tensor x = var(3);
        Tensor y = x.mul(2.0).sum();
        assertEquals(1, Autodiff.grad(y, y, false).item(), 0);
        assertEquals(1, Autodiff.grad(x.sum(), x, false).item(), 0);
    }

    @Test
    void gradLeavesLeafGradsAlone() {
        Tensor x = var(1, 2);
        Autodiff.grad(x.square().sum(), x, false);
        assertNull(x.grad(), "grad() returns gradients; only backward() accumulates into leaves");
    }

    @Test
    void gradOfAGradDoesNotNeedTheFirstGraphTwice() {
        // a graph may be walked several times (no buffers are freed)
        Tensor x = var(0.3);
        Tensor f = x.sin().sum();
        Tensor g1 = Autodiff.grad(f, x, false);
        Tensor g2 = Autodiff.grad(f, x, false);
        assertArrayEquals(g(g1), g(g2), 0);
        f.backward();
        f.backward();
        assertEquals(2 * Math.cos(0.3), x.grad().getFlat(0), 1e-15);
    }

    @Test
    void opNamesAreRecorded() {
        Tensor x = var(1, 2);
        assertEquals("leaf", x.op());
        assertEquals("exp", x.exp().op());
        assertEquals("matmul", Tensor.variable(NDArray.zeros(DType.F64, 2, 2)).matmul(Tensor.variable(NDArray.zeros(DType.F64, 2, 2))).op());
        assertSame(x, x.reshape(2), "a reshape to the same shape is the tensor itself");
    }

    // ------------------------------------------------------------------ deep graphs

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aChainOfAHundredThousandOpsBackpropagatesWithoutStackOverflow() {
        int n = 100_000;
        Tensor x = var(0.5);
        Tensor y = x;
        for (int i = 0; i < n; i++) y = (i % 2 == 0) ? y.mul(1.00001) : y.add(0.001);
        Tensor loss = y.sum();
        loss.backward();
        assertEquals(Math.pow(1.00001, n / 2), x.grad().getFlat(0), 1e-9);
        Tensor g = Autodiff.grad(loss, x, true); // the gradient's own graph is as deep
        assertEquals(Math.pow(1.00001, n / 2), g.item(), 1e-9);
        // the chain is linear: its gradient is a constant, unused by x, so zeros only when asked for
        assertEquals(0, Autodiff.grad(g.sum(), List.of(x), false, true).get(0).item(), 0);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aDeepChainOfNonlinearOpsHasTheRightSecondDerivative() {
        // y = sin applied 20,000 times; check d²y/dx² by double backward against finite differences of the first derivative
        int n = 20_000;
        java.util.function.DoubleUnaryOperator first = at -> {
            Tensor x = var(at);
            Tensor y = x;
            for (int i = 0; i < n; i++) y = y.sin();
            return Autodiff.grad(y.sum(), x, false).item();
        };
        Tensor x = var(0.8);
        Tensor y = x;
        for (int i = 0; i < n; i++) y = y.sin();
        Tensor g = Autodiff.grad(y.sum(), x, true);
        double h2 = Autodiff.grad(g.sum(), x, false).item();
        double h = 1e-5;
        double fd = (first.applyAsDouble(0.8 + h) - first.applyAsDouble(0.8 - h)) / (2 * h);
        GradCheck.assertClose("second derivative of sin∘…∘sin", fd, h2, 1e-6);
    }
}
