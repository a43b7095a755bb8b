package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The traced view of sharing: uses counted where they happen, against the registered sites. */
class SharingTracedTest {
    private static Tensor input(long seed, int... shape) {
        return Tensor.constant(Init.normal(new SplittableRandom(seed), DType.F64, 0, 1, shape));
    }

    /** A Siamese pair the PyTorch way: one encoder registered once, called on both inputs. */
    static final class Pair extends Block {
        final Linear encoder;

        Pair(SplittableRandom rng) {
            encoder = child("encoder", new Linear(3, 2, DType.F64, rng));
        }

        Tensor distance(Tensor a, Tensor b) {
            return encoder.forward(a).sub(encoder.forward(b)).square().sum();
        }
    }

    @Test
    void anEncoderRegisteredOnceButCalledTwiceShowsTwoUses() {
        Pair pair = new Pair(new SplittableRandom(1));
        SharingReport registered = SharingReport.of(pair);
        assertEquals(8, registered.nominalCount(), "registration sees no sharing");
        assertTrue(registered.shared().isEmpty());

        SharingReport r = SharingReport.traced(pair, m -> m.distance(input(2, 4, 3), input(3, 4, 3)));
        assertTrue(r.traced());
        assertEquals(8, r.uniqueCount());
        assertEquals(16, r.usedCount());
        SharingReport.Entry w = r.entries().get(0);
        assertEquals("encoder.weight", w.name());
        assertEquals(1, w.sites().size());
        assertEquals(2, w.uses().size());
        assertEquals(List.of("matmul", "matmul"), w.uses().stream().map(SharingReport.Use::op).toList());
        assertEquals(List.of("encoder.weight", "encoder.weight"), w.uses().stream().map(SharingReport.Use::path).toList());
        assertEquals(2, r.shared().size());
        assertEquals(List.of("encoder.weight: registered at 1 site, used 2 times (encoder.weight ×2)",
                "encoder.bias: registered at 1 site, used 2 times (encoder.bias ×2)"), r.disagreements());
        String table = r.toTable();
        assertTrue(table.contains("where registered sites and traced uses disagree") && table.contains("16 (2.00x)"), table);
    }

    /** A cell applied at every step of a sequence. */
    static final class Loop extends Block {
        final Linear cell;
        final int steps;

        Loop(int steps, SplittableRandom rng) {
            this.steps = steps;
            cell = child("cell", new Linear(2, 2, DType.F64, rng));
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor h = x;
            for (int t = 0; t < steps; t++) h = cell.forward(h).tanh();
            return h;
        }
    }

    @Test
    void aCellAppliedAtTwentyStepsIsUsedTwentyTimes() {
        SharingReport r = SharingReport.of(new Loop(20, new SplittableRandom(4)), input(5, 1, 2));
        assertEquals(6, r.uniqueCount());
        assertEquals(6, r.nominalCount());
        assertEquals(120, r.usedCount());
        assertEquals(20.0, r.usedRatio(), 0);
        assertEquals(20, r.entries().get(0).uses().size());
        assertTrue(r.disagreements().get(0).contains("used 20 times (cell.weight ×20)"), r.disagreements().toString());
    }

    @Test
    void aLayerAtTwoPositionsIsCreditedToEachPositionInTurn() {
        SplittableRandom rng = new SplittableRandom(6);
        Linear l = new Linear(3, 3, DType.F64, rng);
        Sequential s = new Sequential(l, Activation.tanh(), l);
        SharingReport r = SharingReport.of(s, input(7, 2, 3));
        assertEquals(List.of("0.weight", "2.weight"), r.entries().get(0).uses().stream().map(SharingReport.Use::path).toList());
        assertTrue(r.disagreements().isEmpty(), r.disagreements().toString());
        assertEquals(r.nominalCount(), r.usedCount());
        assertTrue(r.toTable().contains("registered sites and traced uses agree"), r.toTable());
    }

    @Test
    void aTieIsAUseOfItsOwnerAtItsNominalSizeAndTheTransformIsNot() {
        UntieTest.TiedAutoencoder m = new UntieTest.TiedAutoencoder(new SplittableRandom(8));
        SharingReport r = SharingReport.of(m, input(9, 2, 6));
        SharingReport.Entry w = r.entries().get(0);
        assertEquals("encoder.weight", w.name());
        assertEquals(List.of(new SharingReport.Site("encoder.weight", null, 18), new SharingReport.Site("decoder.weight", "transpose", 18)), w.sites());
        // the transpose inside the tie is not a use; the matmul that consumes its result is
        assertEquals(List.of(new SharingReport.Use("matmul", "encoder.weight", null, 18), new SharingReport.Use("matmul", "decoder.weight", "transpose", 18)),
                w.uses());
        assertTrue(r.disagreements().isEmpty(), r.disagreements().toString());
        assertEquals(18 + 3 + 18 + 6, r.nominalCount());
        assertTrue(r.toTable().contains("decoder.weight via transpose"), r.toTable());
        assertTrue(SharingReport.of(m).toTable().contains("encoder.weight, decoder.weight via transpose"), SharingReport.of(m).toTable());
    }

    /** A tie standing for more values than it stores: one filter seen at four orientations. */
    @Test
    void aTieCountsTheNominalSizeItWasDeclaredWith() {
        final class Bank extends Block {
            Bank() {
                Parameter filter = new Parameter("filter", NDArray.vector(1, 2, 3, 4));
                int[] index = new int[16];
                for (int k = 0; k < 4; k++) for (int i = 0; i < 4; i++) index[4 * k + i] = (i + k) % 4;
                param("bank", Tie.of(filter, Transform.gather(index, 4, 4)));
            }

            @Override
            public Tensor forward(Tensor x) {
                return x.matmul(use("bank"));
            }
        }
        SharingReport r = SharingReport.of(new Bank(), input(10, 1, 4));
        assertEquals(4, r.uniqueCount());
        assertEquals(16, r.nominalCount());
        assertEquals(16, r.usedCount());
        assertEquals("bank", r.entries().get(0).name());
    }

    @Test
    void aRegisteredParameterTheForwardNeverUsesIsNamed() {
        final class Spare extends Block {
            Spare() {
                param("used", new Parameter("u", NDArray.vector(1, 2)));
                param("spare", new Parameter("s", NDArray.vector(3)));
            }

            @Override
            public Tensor forward(Tensor x) {
                return x.mul(use("used"));
            }
        }
        SharingReport r = SharingReport.of(new Spare(), input(11, 2));
        assertEquals(List.of("spare: registered at 1 site, not used by the traced forward"), r.disagreements());
    }

    @Test
    void aParameterUsedButNeverRegisteredIsNamed() {
        SharingReport r = SharingReport.of(new UntieTest.Unregistered(), input(12, 2));
        assertEquals(1, r.disagreements().size());
        assertTrue(r.disagreements().get(0).startsWith("parameter 'w' [2] is used (by mul) but not registered in Unregistered"), r.disagreements().toString());
    }

    @Test
    void tracingChangesNoStateAndRestoresEveryMode() {
        SplittableRandom rng = new SplittableRandom(13);
        BatchNorm1d bn = new BatchNorm1d(3, DType.F64);
        Dropout drop = new Dropout(0.5, new SplittableRandom(14));
        Sequential model = new Sequential(new Linear(3, 3, DType.F64, rng), bn, drop);
        drop.eval();   // mixed modes must come back as they were
        double[] mean = bn.runningMean().toDoubleArray();
        SharingReport.of(model, input(15, 1, 3));   // one sample: training mode would even fail
        assertArrayEquals(mean, bn.runningMean().toDoubleArray(), 0);
        assertTrue(model.isTraining() && bn.isTraining());
        assertFalse(drop.isTraining());
        // the dropout generator did not advance: the same masks as a twin generator
        drop.train(true);
        Dropout fresh = new Dropout(0.5, new SplittableRandom(14));
        Tensor x = input(16, 4, 3);
        assertArrayEquals(fresh.forward(x).value().toDoubleArray(), drop.forward(x).value().toDoubleArray(), 0);
    }

    @Test
    void reportsOfTheSameTraceAreEqualValues() {
        Pair a = new Pair(new SplittableRandom(17)), b = new Pair(new SplittableRandom(18));
        Tensor x = input(19, 2, 3);
        assertEquals(SharingReport.traced(a, m -> m.distance(x, x)), SharingReport.traced(b, m -> m.distance(x, x)));
        assertFalse(SharingReport.of(a).equals(SharingReport.traced(a, m -> m.distance(x, x))));
    }
}
