package dev.motif.lab;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.data.FashionMnist;
import dev.motif.data.PairData;
import dev.motif.data.TripletData;
import dev.motif.nn.Linear;
import dev.motif.nn.Parameter;
import dev.motif.nn.Siamese;
import dev.motif.train.Metrics;
import dev.motif.train.Monitor;
import dev.motif.train.Objective;
import dev.motif.train.Objectives;
import dev.motif.train.ProgressListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairVerificationTest {
    static Report quick;

    /** The tour's version: shipped data, one seed, 3 epochs per arm at a fixed learning rate; a few seconds. */
    @BeforeAll
    static void runQuick() throws Exception {
        quick = new PairVerification().run(new Settings(1, 1, false, true, null), ProgressListener.NONE);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> arm(String name) {
        return (Map<String, Object>) ((Map<String, Object>) quick.data().get("arms")).get(name);
    }

    @SuppressWarnings("unchecked")
    private static double mean(Map<String, Object> arm, String metric) {
        return (double) ((Map<String, Object>) arm.get(metric)).get("mean");
    }

    @Test
    void theArmsAreEachLossWithTheSharedEncoderAndItsTowers() {
        List<PairVerification.Arm> arms = PairVerification.Arm.all();
        assertEquals(List.of("shared contrastive", "untied contrastive", "shared triplet", "untied triplet"), arms.stream().map(PairVerification.Arm::name).toList());
        assertEquals(List.of("shared contrastive", "untied contrastive", "shared triplet", "untied triplet"),
                quick.table().rows().stream().map(r -> r.get(0)).toList());
    }

    @Test
    void anArmsNetworkStartsAsTheSameFunctionSharedOrUntied() {
        Siamese shared = PairVerification.network(new PairVerification.Arm(true, PairVerification.Loss.TRIPLET), 5);
        Siamese towers = PairVerification.network(new PairVerification.Arm(false, PairVerification.Loss.TRIPLET), 5);
        assertTrue(shared.isShared());
        assertFalse(towers.isShared());
        assertEquals(2 * shared.parameterCount(), towers.parameterCount());
        assertEquals(104_608, shared.parameterCount());
        Tensor x = Tensor.constant(Init.normal(new SplittableRandom(6), DType.F32, 0, 1, 3, 1, 28, 28));
        NDArray a = Autodiff.noGrad(() -> shared.embedFirst(x).value()), b = Autodiff.noGrad(() -> towers.embedSecond(x).value());
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), 0.0);
    }

    @Test
    void eachTripletIsAMatchingAndANonMatchingPairWithItsAnchor() {
        // anchors 0, 1, 2; positives 10, 11, 12; negatives 20, 21, 22 (one value per example)
        TripletData t = new TripletData(NDArray.of(new double[] {0, 1, 2}, 3, 1), NDArray.of(new double[] {10, 11, 12}, 3, 1),
                NDArray.of(new double[] {20, 21, 22}, 3, 1));
        PairData p = PairVerification.pairsOf(t);
        assertArrayEquals(new int[] {6, 1}, p.first().shape());
        assertArrayEquals(new double[] {0, 0, 1, 1, 2, 2}, p.first().toDoubleArray(), 0);
        assertArrayEquals(new double[] {10, 20, 11, 21, 12, 22}, p.second().toDoubleArray(), 0);
        assertArrayEquals(new int[] {1, 0, 1, 0, 1, 0}, p.same());
    }

    @Test
    void theTowerGapIsTheMeanDistanceOverTheMeanNorm() {
        // first(x) = x, second(x) = 2x: ‖x − 2x‖ = ‖x‖ against (‖x‖ + 2‖x‖)/2, so the gap is 2/3 whatever x is
        Linear one = new Linear(2, 2, false, DType.F64, new SplittableRandom(1)), two = new Linear(2, 2, false, DType.F64, new SplittableRandom(2));
        one.weight().set(NDArray.of(new double[] {1, 0, 0, 1}, 2, 2));
        two.weight().set(NDArray.of(new double[] {2, 0, 0, 2}, 2, 2));
        NDArray x = NDArray.of(new double[] {3, 4, 1, 0, -2, 5}, 3, 2);
        PairVerification.Gap g = PairVerification.towerGap(Siamese.twoTowers(one, two), x);
        assertEquals(2.0 / 3, g.relative(), 1e-15);
        assertEquals((5 + 1 + Math.sqrt(29)) / 3, g.distance(), 1e-15);   // the mean of ‖x‖
        assertEquals(1.5 * g.distance(), g.norm(), 1e-15);   // the mean of (‖x‖ + 2‖x‖)/2
        assertEquals(0.0, PairVerification.towerGap(new Siamese(one), x).distance(), 0.0);
        Siamese towers = new Siamese(one).untie();
        assertEquals(0.0, PairVerification.towerGap(towers, x).distance(), 0.0, "copies compute the same function");
        Parameter w = towers.secondEncoder().parameters().get(0);
        w.set(w.value().mul(2));
        assertEquals(2.0 / 3, PairVerification.towerGap(towers, x).relative(), 1e-15);
    }

    @Test
    void theTracedReportCountsTheSharedEncodersParametersTwice() {
        NDArray images = Init.normal(new SplittableRandom(3), DType.F32, 0, 1, 2, 1, 28, 28);
        PairVerification.Sharing s = PairVerification.Sharing.of(PairVerification.network(new PairVerification.Arm(true, PairVerification.Loss.CONTRASTIVE), 1), images);
        assertEquals(new PairVerification.Sharing(104_608, 104_608, 2 * 104_608), s);
        PairVerification.Sharing t = PairVerification.Sharing.of(PairVerification.network(new PairVerification.Arm(false, PairVerification.Loss.CONTRASTIVE), 1), images);
        assertEquals(new PairVerification.Sharing(2 * 104_608, 2 * 104_608, 2 * 104_608), t);
    }

    @Test
    void theTripletArmIsJudgedByTheAucOfItsTripletsPairs() {
        Siamese net = PairVerification.network(new PairVerification.Arm(false, PairVerification.Loss.TRIPLET), 2);
        TripletData t = TripletData.sample(FashionMnist.shipped().test().subset(0, 200), 100, new SplittableRandom(4));
        Objective<TripletData> obj = PairVerification.tripletJudgedByAuc(net, 1.0);
        Metrics m = Autodiff.noGrad(() -> obj.evaluate(t, 30));
        Metrics pairs = Autodiff.noGrad(() -> Objectives.pairMetrics(net, PairVerification.pairsOf(t), 30, (e, b) -> 0));
        assertEquals(pairs.get("auc"), m.get("auc"), 0.0);
        assertEquals(Autodiff.noGrad(() -> Objectives.triplet(net, 1.0).evaluate(t, 30)).loss(), m.loss(), 1e-12);
        assertEquals(Monitor.max("auc"), obj.monitor());
    }

    @Test
    void theSharedEncodersArmsAgreeExactlyAndTheTrainedTowersDoNot() {
        for (String loss : List.of("contrastive", "triplet")) {
            assertEquals(0.0, mean(arm("shared " + loss), "towerGap"), 0.0, loss);
            assertTrue(mean(arm("untied " + loss), "towerGap") > 0.01, loss + ": " + arm("untied " + loss));   // measured 0.25 and 0.74
        }
        assertTrue(quick.findings().stream().anyMatch(f -> f.startsWith("The shared encoder's two arms put every test image at distance 0")), quick.findings().toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theQuickRunVerifiesPairsWellAboveChanceWithTheSharingCounted() {
        for (PairVerification.Arm a : PairVerification.Arm.all()) {
            Map<String, Object> arm = arm(a.name());
            double auc = mean(arm, "auc");
            assertTrue(auc > 0.75, a.name() + ": test AUC " + auc);   // chance is 0.5; measured 0.85 to 0.91
            Map<String, Object> sharing = (Map<String, Object>) arm.get("sharing");
            long stored = (long) sharing.get("stored");
            assertEquals(arm.get("parameters"), stored);
            assertEquals(a.shared() ? 2 * stored : stored, (long) sharing.get("used"), a.name());
            assertEquals(stored, (long) sharing.get("registered"), a.name());
        }
        assertTrue(quick.findings().get(0).startsWith("Data: the shipped subset"), quick.findings().get(0));
        assertEquals(4, quick.figure().curves().size());
        assertEquals(PairVerification.QUICK_EPOCHS, quick.figure().curves().get(0).x().length);
    }
}
