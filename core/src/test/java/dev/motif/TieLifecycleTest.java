package dev.motif;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
import dev.motif.io.Checkpoint;
import dev.motif.nn.Linear;
import dev.motif.nn.Losses;
import dev.motif.nn.Block;
import dev.motif.nn.Parameter;
import dev.motif.nn.ParameterUse;
import dev.motif.optim.Optimizer;
import dev.motif.optim.SGD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A tie lives through training, a checkpoint round trip, and more training: one object, one update a step. */
class TieLifecycleTest {

    /** One Linear used twice in a row: y = L(tanh(L(x))). */
    static final class Twice extends Block {
        final Linear layer;

        Twice(long seed) {
            layer = child("first", new Linear(3, 3, DType.F64, new SplittableRandom(seed)));
            child("second", layer);
        }

        @Override
        public Tensor forward(Tensor x) {
            return layer.forward(layer.forward(x).tanh());
        }
    }

    private static final Tensor X = Tensor.constant(Init.normal(new SplittableRandom(1), DType.F64, 0, 1, 8, 3));
    private static final Tensor Y = Tensor.constant(Init.normal(new SplittableRandom(2), DType.F64, 0, 1, 8, 3));

    private static void train(Block m, Optimizer opt, int steps) {
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            Losses.mse(m.forward(X), Y).backward();
            opt.step();
        }
    }

    private static void assertTied(Block m) {
        List<ParameterUse> uses = m.parameterUses();
        assertEquals(4, uses.size());
        assertEquals(2, m.parameters().size());
        assertSame(uses.get(0).parameter(), uses.get(2).parameter());
        assertSame(uses.get(1).parameter(), uses.get(3).parameter());
    }

    @Test
    void tieSurvivesTrainingAndCheckpointAndKeepsOneUpdatePerStep(@TempDir Path dir) throws Exception {
        Twice model = new Twice(7);
        SGD opt = SGD.builder(model.parameters()).lr(0.05).momentum(0.9).build();
        train(model, opt, 50);
        assertTied(model);

        Path file = dir.resolve("twice.safetensors");
        Checkpoint.save(model, file);
        Twice loaded = new Twice(99);
        Checkpoint.load(loaded, file);
        assertTied(loaded);
        assertEquals(0.0, model.forward(X).value().maxAbsDiff(loaded.forward(X).value()));

        // One plain SGD step on the loaded model moves the shared weight by lr times the SUM of both sites' gradients.
        Parameter w = loaded.layer.weight();
        NDArray before = w.value().copy();
        NDArray biasBefore = loaded.layer.bias().value().copy();
        loaded.zeroGrad();
        Losses.mse(loaded.forward(X), Y).backward();
        NDArray grad = w.grad().copy();
        SGD.builder(loaded.parameters()).lr(0.1).build().step();
        assertEquals(0.0, w.value().maxAbsDiff(before.sub(grad.mul(0.1))), 1e-15);

        // The summed gradient is what the two sites send, each computed with the other held fixed.
        Tensor a = Tensor.variable(before), b = Tensor.variable(before);
        Tensor bias = Tensor.constant(biasBefore);
        Tensor out = X.matmul(a.mT()).add(bias).tanh().matmul(b.mT()).add(bias);
        Tensor loss = Losses.mse(out, Y);
        List<Tensor> g = dev.motif.autodiff.Autodiff.grad(loss, List.of(a, b), false);
        assertEquals(0.0, grad.maxAbsDiff(g.get(0).value().add(g.get(1).value())), 1e-14);
    }
}
