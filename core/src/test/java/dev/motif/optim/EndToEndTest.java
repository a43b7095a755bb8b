package dev.motif.optim;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
import dev.motif.nn.Linear;
import dev.motif.nn.Losses;
import dev.motif.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small training runs: every optimizer fits a Linear layer to a linear target, and minimises a quadratic. */
class EndToEndTest {
    private static final double[] TRUE_W = {1.5, -2, 0.5};
    private static final double TRUE_B = 0.3;

    /** Fits Linear(3 → 1) to y = x·w* + b* by full-batch MSE and returns the final loss. */
    private static double fitLinear(DType dtype, Function<List<Parameter>, Optimizer> make, int steps) {
        SplittableRandom rng = new SplittableRandom(42);
        NDArray x = Init.normal(rng, dtype, 0, 1, 64, 3);
        NDArray y = x.matmul(NDArray.of(TRUE_W.clone(), 3, 1).to(dtype)).add(TRUE_B);
        Linear layer = new Linear(3, 1, dtype, rng);
        Optimizer opt = make.apply(layer.parameters());
        Tensor xt = Tensor.constant(x), yt = Tensor.constant(y);
        double first = Double.NaN, last = Double.NaN;
        for (int s = 0; s < steps; s++) {
            opt.zeroGrad();
            Tensor loss = Losses.mse(layer.forward(xt), yt);
            loss.backward();
            opt.step();
            last = loss.item();
            if (s == 0) first = last;
        }
        assertTrue(first > 0.5, "the start is far from the target (loss " + first + ")");
        return last;
    }

    @Test
    void sgdFitsALinearTarget() {
        double loss = fitLinear(DType.F64, ps -> SGD.builder(ps).lr(0.1).build(), 300);
        assertTrue(loss < 1e-8, "SGD final loss " + loss);
    }

    @Test
    void sgdNesterovFitsALinearTarget() {
        double loss = fitLinear(DType.F64, ps -> SGD.builder(ps).lr(0.05).momentum(0.9).nesterov(true).build(), 300);
        assertTrue(loss < 1e-8, "SGD Nesterov final loss " + loss);
    }

    @Test
    void adamFitsALinearTarget() {
        double loss = fitLinear(DType.F64, ps -> Adam.builder(ps).lr(0.05).build(), 500);
        assertTrue(loss < 1e-6, "Adam final loss " + loss);
    }

    @Test
    void adamWFitsALinearTarget() {
        // decoupled decay pulls the weights slightly towards zero, so the floor is not exactly zero
        double loss = fitLinear(DType.F64, ps -> AdamW.builder(ps).lr(0.05).weightDecay(1e-4).build(), 500);
        assertTrue(loss < 1e-4, "AdamW final loss " + loss);
    }

    @Test
    void f32TrainingWorks() {
        double loss = fitLinear(DType.F32, ps -> Adam.builder(ps).lr(0.05).amsgrad(true).build(), 500);
        assertTrue(loss < 1e-4, "Adam F32 final loss " + loss);
    }

    @Test
    void clippedScheduledAdamMinimisesAQuadratic() {
        // f(p) = Σ (p − c)², with clipping and a warmed-up cosine schedule in the loop
        NDArray c = NDArray.vector(3, -1, 0.25, 10);
        Parameter p = new Parameter("p", NDArray.zeros(DType.F64, 4));
        Adam opt = Adam.builder(List.of(p)).build();
        int steps = 400;
        Scheduler sched = new Scheduler(opt, new CosineAnnealing(0.5, steps, 1e-3, 20));
        double firstNorm = Double.NaN;
        for (int s = 0; s < steps; s++) {
            opt.zeroGrad();
            Tensor d = p.sub(Tensor.constant(c));
            d.mul(d).sum().backward();
            double norm = GradClip.clipNorm(opt.parameters(), 1.0);
            if (s == 0) firstNorm = norm;
            opt.step();
            sched.step();
        }
        assertEquals(2 * Math.sqrt(9 + 1 + 0.0625 + 100), firstNorm, 1e-12);
        assertEquals(0, p.value().maxAbsDiff(c), 1e-3);
        assertEquals(1e-3, opt.lr(), 1e-15);
    }
}
