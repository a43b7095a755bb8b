package dev.motif.train;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.data.LabeledData;
import dev.motif.data.PairData;
import dev.motif.data.TripletData;
import dev.motif.nn.Linear;
import dev.motif.nn.Siamese;
import dev.motif.optim.Adam;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pairs and triplets: the AUC against hand counts, the samplers, and Siamese training that learns to verify. */
class PairObjectivesTest {
    @Test
    void aucCountsPositiveNegativeOrderingsWithTiesAsHalves() {
        assertEquals(1.0, Auc.of(new double[] {0.9, 0.2, 0.6}, new int[] {1, 0, 1}), 0);
        assertEquals(0.0, Auc.of(new double[] {0.1, 0.8, 0.2}, new int[] {1, 0, 1}), 0);
        // positives 0.5, 0.3; negatives 0.5, 0.1: pairs (0.5>0.5 tie = ½, 0.5>0.1 = 1, 0.3<0.5 = 0, 0.3>0.1 = 1) → 2.5/4
        assertEquals(0.625, Auc.of(new double[] {0.5, 0.3, 0.5, 0.1}, new int[] {1, 1, 0, 0}), 1e-15);
        assertEquals(0.5, Auc.of(new double[] {1, 1, 1, 1}, new int[] {1, 0, 1, 0}), 0);
        assertEquals("Auc: needs positives and negatives, got 2 and 0", assertThrows(IllegalArgumentException.class,
                () -> Auc.of(new double[] {1, 2}, new int[] {1, 1})).getMessage());
        assertEquals("Auc: label 2 at position 1 is not 0 or 1", assertThrows(IllegalArgumentException.class,
                () -> Auc.of(new double[] {1, 2}, new int[] {1, 2})).getMessage());
    }

    /** Three well separated classes in 4 dimensions. */
    private static LabeledData clusters(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n * 4];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 4; j++) x[4 * i + j] = (j == y[i] ? 3 : 0) + r.nextGaussian();
        }
        return new LabeledData(NDArray.of(x, n, 4), y, 3);
    }

    @Test
    void pairsAreHalfMatchingAndTheSameForTheSameSeed() {
        LabeledData d = clusters(1, 30);
        PairData p = PairData.sample(d, 40, new SplittableRandom(2)), q = PairData.sample(d, 40, new SplittableRandom(2));
        assertArrayEquals(p.first().toDoubleArray(), q.first().toDoubleArray(), 0);
        int same = 0;
        for (int s : p.same()) same += s;
        assertEquals(20, same);
        TripletData t = TripletData.sample(d, 10, new SplittableRandom(3));
        assertEquals(10, t.size());
        assertThrows(IllegalArgumentException.class, () -> PairData.sample(new LabeledData(NDArray.zeros(DType.F64, 2, 1), new int[] {0, 0}, 1), 2, new SplittableRandom(1)));
    }

    @Test
    void contrastiveTrainingLearnsToVerifyPairs() {
        LabeledData train = clusters(4, 150), val = clusters(5, 90);
        Siamese net = new Siamese(new Linear(4, 2, DType.F64, new SplittableRandom(6)));
        PairData pairs = PairData.sample(train, 600, new SplittableRandom(7)), held = PairData.sample(val, 300, new SplittableRandom(8));
        Objective<PairData> obj = Objectives.contrastive(net, 2.0);
        var t = Trainer.builder(net, Adam.builder(net.parameters()).lr(0.02).build(), obj).batchSize(30).epochs(15).seed(9).validation(held).build();
        double before = t.evaluate(held).get("auc");
        TrainResult r = t.fit(pairs);
        Metrics after = r.validation();
        assertTrue(after.get("auc") > 0.9 && after.get("auc") > before + 0.05, before + " -> " + after);
        assertTrue(after.get("distance same") < after.get("distance other"), after.toString());
        assertEquals(Monitor.max("auc"), t.monitor());
    }

    @Test
    void tripletTrainingOrdersPositivesBeforeNegatives() {
        LabeledData train = clusters(10, 150), val = clusters(11, 90);
        Siamese net = new Siamese(new Linear(4, 2, DType.F64, new SplittableRandom(12))).untie();   // two towers train too
        TripletData triplets = TripletData.sample(train, 600, new SplittableRandom(13)), held = TripletData.sample(val, 300, new SplittableRandom(14));
        var t = Trainer.builder(net, Adam.builder(net.parameters()).lr(0.02).build(), Objectives.triplet(net, 1.0)).batchSize(30).epochs(15).seed(15)
                .validation(held).build();
        Metrics after = t.fit(triplets).validation();
        assertTrue(after.get("triplet accuracy") > 0.95, after.toString());
    }

    @Test
    void anEncoderThatGivesNoVectorIsNamedBeforeTraining() {
        Siamese net = new Siamese(dev.motif.nn.Activation.identity());
        PairData p = PairData.sample(new LabeledData(NDArray.zeros(DType.F64, 4, 2, 3), new int[] {0, 1, 0, 1}, 2), 4, new SplittableRandom(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Objectives.contrastive(net, 1).check(p, "training set"));
        assertEquals("training set: the encoder Identity gives outputs of shape [1, 2, 3] for inputs [1, 2, 3]; an embedding needs shape [1, D]", e.getMessage());
    }
}
