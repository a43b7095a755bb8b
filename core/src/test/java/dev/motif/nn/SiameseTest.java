package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One encoder in both arms: its gradient is the sum of both arms', it is used twice though registered once, and untie() gives two towers. */
class SiameseTest {
    private static Sequential encoder(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(new Linear(5, 4, DType.F64, rng), Activation.tanh(), new Linear(4, 3, DType.F64, rng));
    }

    private static Tensor input(long seed, int n) {
        return Tensor.constant(Init.normal(new SplittableRandom(seed), DType.F64, 0, 1, n, 5));
    }

    @Test
    void theEncodersGradientIsTheSumOfWhatBothArmsSendBack() {
        Siamese net = new Siamese(encoder(1));
        Tensor a = input(2, 6), b = input(3, 6);
        int[] same = {1, 0, 1, 1, 0, 0};
        Tensor loss = Losses.contrastive(net.forward(a, b).first(), net.forward(a, b).second(), same, 1.5);
        List<Parameter> ps = net.parameters();
        List<Tensor> shared = Autodiff.grad(loss, ps, false);

        // The same loss with each arm on its own copy of the weights: the shared gradient is the sum of the two copies'.
        Sequential left = (Sequential) net.firstEncoder().untie(), right = (Sequential) net.firstEncoder().untie();
        Tensor split = Losses.contrastive(left.forward(a), right.forward(b), same, 1.5);
        assertEquals(loss.item(), split.item(), 1e-15);
        List<Tensor> gl = Autodiff.grad(split, left.parameters(), false), gr = Autodiff.grad(split, right.parameters(), false);
        for (int i = 0; i < ps.size(); i++) {
            assertArrayEquals(gl.get(i).value().add(gr.get(i).value()).toDoubleArray(), shared.get(i).value().toDoubleArray(), 1e-14, ps.get(i).name());
        }
    }

    @Test
    void theTracedReportShowsTheEncoderUsedTwiceAlthoughRegisteredOnce() {
        Siamese net = new Siamese(encoder(4));
        assertEquals(SharingReport.of(net).uniqueCount(), SharingReport.of(net).nominalCount(), "registration: no sharing");
        Tensor a = input(5, 2), b = input(6, 2);
        SharingReport r = SharingReport.traced(net, m -> m.forward(a, b));
        assertEquals(2 * r.uniqueCount(), r.usedCount());
        for (SharingReport.Entry e : r.entries()) {
            assertEquals(1, e.sites().size());
            assertEquals(2, e.uses().size(), e.name());
        }
        assertEquals(4, r.disagreements().size());
        assertTrue(r.disagreements().get(0).startsWith("encoder.0.weight: registered at 1 site, used 2 times"), r.disagreements().toString());
    }

    @Test
    void untieGivesTwoTowersComputingTheSameFunctionThenTrainingApart() {
        Siamese net = new Siamese(encoder(7));
        Siamese towers = net.untie();
        assertTrue(net.isShared());
        assertFalse(towers.isShared());
        assertNotSame(towers.firstEncoder(), towers.secondEncoder());
        assertEquals(2 * net.parameterCount(), towers.parameterCount());
        Tensor a = input(8, 3), b = input(9, 3);
        Siamese.Pair p = net.forward(a, b), q = towers.forward(a, b);
        assertArrayEquals(p.first().value().toDoubleArray(), q.first().value().toDoubleArray(), 1e-12);
        assertArrayEquals(p.second().value().toDoubleArray(), q.second().value().toDoubleArray(), 1e-12);
        assertArrayEquals(p.distance().value().toDoubleArray(), q.distance().value().toDoubleArray(), 1e-12);
        for (Parameter t : towers.parameters()) assertFalse(net.parameters().contains(t));
        SharingReport traced = SharingReport.traced(towers, m -> m.forward(a, b));
        assertTrue(traced.disagreements().isEmpty(), traced.disagreements().toString());
        // a step on one tower moves it away from the other
        Parameter w = towers.firstEncoder().parameters().get(0);
        w.set(w.value().add(0.1));
        assertTrue(towers.embedFirst(a).value().maxAbsDiff(towers.embedSecond(a).value()) > 1e-3);
        assertThrows(IllegalArgumentException.class, () -> Siamese.twoTowers(net.firstEncoder(), net.firstEncoder()));
    }

    @Test
    void aConvolutionalEncoderUntiesForTheInputShape() {
        SplittableRandom rng = new SplittableRandom(10);
        Sequential conv = new Sequential(new Conv2d(1, 2, 3, DType.F64, rng), Activation.relu(), new Flatten());
        Siamese net = new Siamese(conv);
        Siamese towers = net.untie(1, 1, 5, 5);
        assertTrue(towers.firstEncoder() instanceof Sequential s && s.layers().get(0) instanceof LocallyConnected2d);
        Tensor a = Tensor.constant(Init.normal(rng, DType.F64, 0, 1, 2, 1, 5, 5));
        assertArrayEquals(net.embedSecond(a).value().toDoubleArray(), towers.embedSecond(a).value().toDoubleArray(), 1e-12);
    }
}
