package dev.motif.train;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.data.DataSource;
import dev.motif.nn.Block;
import dev.motif.nn.Linear;
import dev.motif.nn.Losses;
import dev.motif.nn.UncertaintyWeighting;
import dev.motif.optim.Adam;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several heads on one backbone: the combined loss, fixed and uncertainty-based weights, per-head metrics. */
class MultiTaskTest {
    /** x (N, 3), a class in 2 and a real target each. */
    record Batch(NDArray x, int[] cls, NDArray y) implements DataSource<Batch> {
        @Override
        public int size() {
            return cls.length;
        }

        @Override
        public Batch batch(int[] idx) {
            int[] c = new int[idx.length];
            for (int i = 0; i < idx.length; i++) c[i] = cls[idx[i]];
            return new Batch(x.indexSelect(0, idx), c, y.indexSelect(0, idx));
        }
    }

    static final class TwoHeads extends Block {
        final Linear backbone, cls, reg;
        final UncertaintyWeighting weights;

        TwoHeads(SplittableRandom rng) {
            backbone = child("backbone", new Linear(3, 4, DType.F64, rng));
            cls = child("cls", new Linear(4, 2, DType.F64, rng));
            reg = child("reg", new Linear(4, 1, DType.F64, rng));
            weights = child("weights", new UncertaintyWeighting(List.of(true, false), DType.F64));
        }

        Map<String, Tensor> heads(Tensor x) {
            Tensor h = backbone.forward(x).tanh();
            Map<String, Tensor> out = new LinkedHashMap<>();
            out.put("class", cls.forward(h));
            out.put("value", reg.forward(h));
            return out;
        }
    }

    private static Batch data(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        NDArray x = Init.normal(r, DType.F64, 0, 1, n, 3);
        int[] c = new int[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = x.get(i, 0) > 0 ? 1 : 0;
            y[i] = 0.5 * x.get(i, 1) - x.get(i, 2);
        }
        return new Batch(x, c, NDArray.of(y, n, 1));
    }

    private static List<Task<Batch>> tasks() {
        return List.of(Task.classification("class", Batch::cls), Task.regression("value", Batch::y));
    }

    @Test
    void fixedWeightsAddTheWeightedHeadLosses() {
        TwoHeads m = new TwoHeads(new SplittableRandom(1));
        Batch b = data(2, 8);
        Objective<Batch> obj = Objectives.multiTask(m, m::heads, Batch::x, tasks(), Objectives.LossWeights.fixed(0.3, 2.0));
        Map<String, Tensor> h = m.heads(Tensor.constant(b.x()));
        double ce = Losses.crossEntropy(h.get("class"), b.cls()).item(), mse = Losses.mse(h.get("value"), Tensor.constant(b.y())).item();
        Step s = obj.loss(b);
        assertEquals(0.3 * ce + 2.0 * mse, s.loss().item(), 1e-14);
        Metrics e = obj.evaluate(b, 3);
        assertEquals(0.3 * ce + 2.0 * mse, e.loss(), 1e-14);
        assertEquals(ce, e.get("class loss"), 1e-14);
        assertEquals(Math.sqrt(mse), e.get("value rmse"), 1e-14);
        assertEquals(2.0, e.get("value weight"), 0);
        assertTrue(e.get("class accuracy") >= 0 && e.get("class accuracy") <= 1);
    }

    @Test
    void uncertaintyWeightingIsKendallsFormWithItsGradient() {
        UncertaintyWeighting w = new UncertaintyWeighting(List.of(true, false), DType.F64);
        w.logVariance().set(NDArray.vector(0.4, -0.7));
        Tensor l1 = Tensor.variable(NDArray.scalar(1.3)), l2 = Tensor.variable(NDArray.scalar(0.2));
        Tensor total = w.combine(List.of(l1, l2));
        // classification: exp(-s1)·L1 + s1/2; regression: exp(-s2)·L2/2 + s2/2
        assertEquals(Math.exp(-0.4) * 1.3 + 0.2 + 0.5 * Math.exp(0.7) * 0.2 - 0.35, total.item(), 1e-14);
        List<Tensor> g = Autodiff.grad(total, List.of(w.logVariance(), l1, l2), false);
        assertArrayEquals(new double[] {-Math.exp(-0.4) * 1.3 + 0.5, -0.5 * Math.exp(0.7) * 0.2 + 0.5}, g.get(0).value().toDoubleArray(), 1e-14);
        assertEquals(Math.exp(-0.4), g.get(1).item(), 1e-14);
        assertEquals(0.5 * Math.exp(0.7), g.get(2).item(), 1e-14);
        assertEquals(0.5 * Math.exp(0.7), w.weight(1), 1e-14);
    }

    @Test
    void learnedWeightsTrainWithTheModelAndTheModelLearnsBothHeads() {
        TwoHeads m = new TwoHeads(new SplittableRandom(3));
        Batch train = data(4, 200), val = data(5, 100);
        Objective<Batch> obj = Objectives.multiTask(m, m::heads, Batch::x, tasks(), Objectives.LossWeights.uncertainty(m.weights));
        Trainer<Batch> t = Trainer.builder(m, Adam.builder(m.parameters()).lr(0.02).build(), obj).batchSize(20).epochs(40).seed(6).validation(val).build();
        Metrics before = t.evaluate(val);
        TrainResult r = t.fit(train);
        Metrics after = r.validation();
        assertTrue(after.get("class accuracy") > 0.9, after.toString());
        assertTrue(after.get("value rmse") < before.get("value rmse") / 3, before + " -> " + after);
        // The log-variances moved from 0: the weights were learned.
        for (double s : m.weights.logVariance().value().toDoubleArray()) assertTrue(Math.abs(s) > 0.05, "log variance " + s);
        assertEquals(m.weights.weight(1), after.get("value weight"), 1e-12);
    }

    @Test
    void aMissingHeadOrAnUnregisteredWeightingIsNamed() {
        TwoHeads m = new TwoHeads(new SplittableRandom(7));
        Objective<Batch> obj = Objectives.multiTask(m, m::heads, Batch::x, List.of(Task.classification("colour", Batch::cls)), Objectives.LossWeights.fixed(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> obj.loss(data(8, 2)));
        assertTrue(e.getMessage().contains("has no head 'colour'; its heads are [class, value]"), e.getMessage());
        UncertaintyWeighting loose = new UncertaintyWeighting(List.of(true, false), DType.F64);
        e = assertThrows(IllegalArgumentException.class, () -> Objectives.multiTask(m, m::heads, Batch::x, tasks(), Objectives.LossWeights.uncertainty(loose)));
        assertTrue(e.getMessage().contains("register the UncertaintyWeighting"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Objectives.multiTask(m, m::heads, Batch::x, tasks(), Objectives.LossWeights.fixed(1)));
        assertEquals("multiTask: 1 fixed weights for 2 tasks", e.getMessage());
    }
}
