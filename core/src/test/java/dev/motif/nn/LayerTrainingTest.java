package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.optim.Adam;
import dev.motif.optim.Optimizer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A small model with every new layer trains, and evaluates with its running statistics afterwards. */
class LayerTrainingTest {

    @Test
    void aModelWithNormalisationDropoutAndPoolingTrains() {
        SplittableRandom rng = new SplittableRandom(3);
        DType dt = DType.F32;
        // Inputs (N, 2, 8) whose target is the mean over the sequence of sin of the first channel.
        NDArray x = Init.uniform(rng, dt, -2, 2, 128, 2, 8);
        NDArray target = x.slice(1, 0, 1).sin().mean(new int[] {1, 2}, false).reshape(128, 1);
        BatchNorm1d bn = new BatchNorm1d(2, dt);
        Sequential model = new Sequential(bn, new AvgPool1d(2), new MaxPool1d(3, 1, 1), new Flat(), new Linear(8, 32, dt, rng),
                new LayerNorm(dt, 32), Activation.tanh(), new Dropout(0.1, rng), new Linear(32, 1, dt, rng));
        Optimizer opt = Adam.builder(model.parameters()).lr(0.01).build();
        Tensor xt = Tensor.constant(x), yt = Tensor.constant(target);
        double first = Double.NaN, last = Double.NaN;
        for (int step = 0; step < 150; step++) {
            opt.zeroGrad();
            Tensor loss = Losses.mse(model.forward(xt), yt);
            loss.backward();
            opt.step();
            if (step == 0) first = loss.item();
            last = loss.item();
        }
        assertTrue(last < 0.2 * first, "loss went from " + first + " to " + last);
        model.eval();
        double eval = Autodiff.noGrad(() -> Losses.mse(model.forward(xt), yt).item());
        assertTrue(eval < 0.3 * first, "evaluation loss " + eval + " against a first training loss of " + first);
        // The input is uniform in ±2 (mean 0, variance 4/3): the running estimates have converged towards that.
        assertTrue(Math.abs(bn.runningMean().getFlat(0)) < 0.2 && Math.abs(bn.runningVar().getFlat(0) - 4 / 3.0) < 0.2,
                bn.runningMean() + " " + bn.runningVar());
    }

    /** (N, C, L) to (N, C·L). */
    private static final class Flat extends Block {
        @Override
        public Tensor forward(Tensor x) {
            return x.reshape(x.shape(0), -1);
        }
    }
}
