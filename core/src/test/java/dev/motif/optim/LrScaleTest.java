package dev.motif.optim;

import dev.motif.array.NDArray;
import dev.motif.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A group of parameters stepped at a multiple of the learning rate, as a PyTorch parameter group with its own lr. */
class LrScaleTest {
    @Test
    void aScaledGroupStepsAtItsFactorTimesTheRateAndFollowsTheSchedule() {
        Parameter a = new Parameter("a", NDArray.vector(1, 2)), b = new Parameter("b", NDArray.vector(1, 2));
        SGD opt = SGD.builder(List.of(a, b)).lr(0.1).build();
        opt.scaleLr(List.of(b), 10);
        a.setGrad(NDArray.vector(1, -1));
        b.setGrad(NDArray.vector(1, -1));
        opt.step();
        assertArrayEquals(new double[] {0.9, 2.1}, a.value().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {0, 3}, b.value().toDoubleArray(), 1e-15);
        opt.setLr(0.01);
        assertEquals(0.1, opt.lr(b), 1e-15);
        assertEquals(0.01, opt.lr(a), 0);
    }

    @Test
    void adamTakesTheScaledRateInItsFirstStep() {
        // Adam's first step is lr·sign(g) (up to ε): a factor of 5 moves b five times as far.
        Parameter a = new Parameter("a", NDArray.vector(0)), b = new Parameter("b", NDArray.vector(0));
        Adam opt = Adam.builder(List.of(a, b)).lr(0.01).build();
        opt.scaleLr(List.of(b), 5);
        a.setGrad(NDArray.vector(3));
        b.setGrad(NDArray.vector(3));
        opt.step();
        assertEquals(-0.01, a.value().getFlat(0), 1e-9);
        assertEquals(-0.05, b.value().getFlat(0), 1e-9);
    }

    @Test
    void aParameterItDoesNotStepIsRefused() {
        Parameter a = new Parameter("a", NDArray.vector(1)), other = new Parameter("other", NDArray.vector(1));
        SGD opt = SGD.builder(List.of(a)).lr(0.1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.scaleLr(List.of(other), 2));
        assertEquals("SGD: Parameter(other, F64 [1]) is not among the parameters it steps", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> opt.scaleLr(List.of(a), -1));
    }
}
