package dev.motif.optim;

import dev.motif.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.motif.optim.OptimTesting.TOL;
import static dev.motif.optim.OptimTesting.assertValues;
import static dev.motif.optim.OptimTesting.grad;
import static dev.motif.optim.OptimTesting.param;
import static dev.motif.optim.SGDTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Schedules against their closed forms, and a Scheduler driving an optimizer. */
class ScheduleTest {
    @Test
    void stepLrDecaysEveryStepSizeSteps() {
        StepLR s = new StepLR(0.1, 3, 0.5);
        double[] expected = {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125};
        for (int t = 0; t < expected.length; t++) assertEquals(expected[t], s.lr(t), TOL, "t=" + t);
    }

    @Test
    void cosineFollowsTheHalfCosineThenStaysAtEtaMin() {
        CosineAnnealing s = new CosineAnnealing(0.1, 10, 0.01);
        assertEquals(0.1, s.lr(0), TOL);
        assertEquals(0.055, s.lr(5), TOL);                                  // halfway: the mean of the ends
        assertEquals(0.01 + 0.09 * (1 + Math.cos(Math.PI * 0.2)) / 2, s.lr(2), TOL);
        assertEquals(0.01 + 0.09 * (1 + Math.cos(Math.PI * 0.9)) / 2, s.lr(9), TOL);
        assertEquals(0.01, s.lr(10), TOL);
        assertEquals(0.01, s.lr(37), TOL);
        // symmetric about the midpoint: lr(t) + lr(tMax − t) = baseLr + etaMin
        for (int t = 0; t <= 10; t++) assertEquals(0.11, s.lr(t) + s.lr(10 - t), TOL, "t=" + t);
    }

    @Test
    void cosineWithLinearWarmup() {
        CosineAnnealing s = new CosineAnnealing(0.1, 14, 0.01, 4);
        assertEquals(0.025, s.lr(0), TOL);
        assertEquals(0.05, s.lr(1), TOL);
        assertEquals(0.075, s.lr(2), TOL);
        assertEquals(0.1, s.lr(3), TOL);
        assertEquals(0.1, s.lr(4), TOL);          // the cosine starts at its top
        assertEquals(0.055, s.lr(9), TOL);        // halfway through the 10 cosine steps
        assertEquals(0.01, s.lr(14), TOL);
    }

    @Test
    void constantScheduleAndLambdas() {
        assertEquals(0.3, LrSchedule.constant(0.3).lr(1000));
        LrSchedule inverse = t -> 1.0 / (t + 1);
        assertEquals(0.25, inverse.lr(3));
    }

    @Test
    void schedulerSetsTheRateOfEachStep() {
        Parameter p = param("w", 0);
        SGD opt = SGD.builder(List.of(p)).lr(123).build();
        Scheduler sched = new Scheduler(opt, new StepLR(1, 2, 0.1));
        assertEquals(1, opt.lr(), TOL, "set at construction, replacing the builder's rate");
        double expectedW = 0;
        double[] rates = {1, 1, 0.1, 0.1, 0.01};
        for (int t = 0; t < rates.length; t++) {
            assertEquals(t, sched.currentStep());
            assertEquals(rates[t], opt.lr(), TOL, "t=" + t);
            grad(p, 1);
            opt.step();
            expectedW -= rates[t];
            sched.step();
        }
        assertValues(p, TOL, expectedW);   // -(1 + 1 + 0.1 + 0.1 + 0.01) = -2.21
        assertEquals(-2.21, expectedW, TOL);
    }

    @Test
    void schedulerResumesAtAStep() {
        SGD opt = SGD.builder(List.of(param("w", 0))).build();
        Scheduler sched = new Scheduler(opt, new CosineAnnealing(0.1, 10, 0), 5);
        assertEquals(0.05, opt.lr(), TOL);
        assertEquals(new CosineAnnealing(0.1, 10, 0).lr(6), sched.step(), TOL);
    }

    @Test
    void rejectsBadArguments() {
        assertMessage("stepSize", () -> new StepLR(0.1, 0, 0.5));
        assertMessage("gamma", () -> new StepLR(0.1, 1, -0.5));
        assertMessage("learning rate", () -> new StepLR(-0.1, 1, 0.5));
        assertMessage("tMax", () -> new CosineAnnealing(0.1, 0, 0));
        assertMessage("etaMin", () -> new CosineAnnealing(0.1, 10, -1));
        assertMessage("warmupSteps", () -> new CosineAnnealing(0.1, 10, 0, 10));
        assertMessage("step", () -> new StepLR(0.1, 1, 0.5).lr(-1));
        assertMessage("learning rate", () -> LrSchedule.constant(-1));
        SGD opt = SGD.builder(List.of(param("w", 0))).build();
        assertMessage("step", () -> new Scheduler(opt, LrSchedule.constant(0.1), -1));
        // a schedule that produces a negative rate is caught where it is applied
        assertMessage("learning rate", () -> new Scheduler(opt, t -> -1));
    }
}
