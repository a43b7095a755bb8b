package dev.motif.lab;

import dev.motif.train.ProgressListener;

import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.nn.Block;
import dev.motif.nn.Sequential;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DnaMotifTest {
    static Sequential detector;
    static DnaMotif.Sequences test;

    @BeforeAll
    static void train() {
        // 1,000 sequences, 800 Adam steps: a few seconds; the standard run's largest size.
        detector = DnaMotif.trainDetector(1000, 1);
        test = DnaMotif.generate(1000, DnaMotif.LENGTH, new SplittableRandom(99));
    }

    @Test
    void positivesHoldTheMotifWhereItWasPlantedAndNegativesNowhere() {
        DnaMotif.Sequences s = DnaMotif.generate(400, 30, new SplittableRandom(5));
        for (int i = 0; i < 400; i++) {
            if (s.labels()[i] == 1) assertEquals(DnaMotif.MOTIF, s.text()[i].substring(s.motifAt()[i], s.motifAt()[i] + 7));
            else assertEquals(-1, s.text()[i].indexOf(DnaMotif.MOTIF), s.text()[i]);
        }
        // one-hot: exactly one 1 per position, at the letter's index in ACGT
        NDArray x = DnaMotif.oneHot("GATTACA");
        assertArrayEquals(new int[] {1, 4, 7}, x.shape());
        assertArrayEquals(new double[] {0, 1, 0, 0, 1, 0, 1, /* C */ 0, 0, 0, 0, 0, 1, 0, /* G */ 1, 0, 0, 0, 0, 0, 0, /* T */ 0, 0, 1, 1, 0, 0, 0},
                x.toDoubleArray());
    }

    @Test
    void theTrainedConvDetectorFindsTheMotifInHeldOutSequences() {
        double acc = Training.accuracy(detector, new dev.motif.data.LabeledData(test.x(), test.labels(), 2));
        assertTrue(acc >= 0.99, "held-out accuracy " + acc);
    }

    /** Shifting the input by s shifts the conv's feature map by s, exactly (F64), wherever no window wraps around. */
    @Test
    void theFeatureMapShiftsWithTheInput() {
        Block conv = detector.layers().get(0);
        int s = 13, length = DnaMotif.LENGTH, positions = length - DnaMotif.KERNEL + 1;
        for (int i = 0; i < 4; i++) {
            String seq = test.text()[i];
            String rolled = seq.substring(length - s) + seq.substring(0, length - s); // seq[t] is now at t + s
            NDArray a = featureMap(conv, seq), b = featureMap(conv, rolled);
            int compared = 0;
            for (int f = 0; f < DnaMotif.FILTERS; f++) {
                for (int t = 0; t + s < positions; t++) {
                    assertEquals(a.get(0, f, t), b.get(0, f, t + s), 0.0, "filter " + f + " position " + t);
                    compared++;
                }
            }
            assertEquals(DnaMotif.FILTERS * (positions - s), compared);
        }
    }

    /** A motif alone (no other bases) gives the same pooled features and score wherever it sits, away from the ends. */
    @Test
    void theGlobalMaxScoreDoesNotDependOnWhereTheMotifIs() {
        Block features = new Sequential(detector.layers().get(0), detector.layers().get(1), detector.layers().get(2));
        int margin = DnaMotif.KERNEL - 1;
        NDArray pooled0 = null, logits0 = null;
        for (int p = margin; p + 7 + margin <= DnaMotif.LENGTH; p += 9) {
            String seq = "N".repeat(p) + DnaMotif.MOTIF + "N".repeat(DnaMotif.LENGTH - p - 7);
            NDArray pooled = forward(features, seq), logits = forward(detector, seq);
            if (pooled0 == null) {
                pooled0 = pooled;
                logits0 = logits;
                assertTrue(logits.get(0, 1) > logits.get(0, 0), "the motif alone should be called a positive: " + logits);
            }
            assertArrayEquals(pooled0.toDoubleArray(), pooled.toDoubleArray(), 0.0, "motif at " + p);
            assertArrayEquals(logits0.toDoubleArray(), logits.toDoubleArray(), 0.0, "motif at " + p);
        }
    }

    @Test
    void theQuickRunReportsBothModelsAtEverySize() throws Exception {
        Report r = new DnaMotif().run(new Settings(3, 1, false, true, null), ProgressListener.NONE);
        assertEquals(DnaMotif.sizes(Settings.quickRun(3)).length, r.table().rows().size());
        assertEquals(2, r.figure().curves().size());
        double conv = r.figure().curves().get(0).y()[0], untied = r.figure().curves().get(1).y()[0];
        assertTrue(conv >= 0.99, "conv " + conv);
        assertTrue(untied >= 0 && untied <= 1, "untied " + untied);
        assertTrue(r.findings().get(1).contains(String.format(java.util.Locale.ROOT, "%.3f", conv)), r.findings().toString());
    }

    private static NDArray featureMap(Block conv, String seq) {
        return forward(conv, seq);
    }

    private static NDArray forward(Block m, String seq) {
        return Autodiff.noGrad(() -> m.forward(Tensor.constant(DnaMotif.oneHot(seq))).value());
    }
}
