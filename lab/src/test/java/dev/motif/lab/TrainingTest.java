package dev.motif.lab;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.data.DataSource;
import dev.motif.data.FashionMnist;
import dev.motif.data.ImageDataset;
import dev.motif.data.LabeledData;
import dev.motif.nn.Linear;
import dev.motif.train.ProgressListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared pieces of the experiments: rounds, learning-rate tuning over seeds, the validation split, the comparison of arms. */
class TrainingTest {
    /** A run's outcome for the fake runs below: which seed and rate made it, and its validation score. */
    record Run(long seed, double lr, double score) {}

    @Test
    void aRoundPassesOverTheDataSeveralTimes() {
        LabeledData d = new LabeledData(NDArray.of(new double[] {10, 11, 12}, 3, 1), new int[] {0, 1, 0}, 2);
        DataSource<LabeledData> r = Training.rounds(d, 4);
        assertEquals(12, r.size());
        LabeledData b = r.batch(new int[] {0, 4, 11});
        assertArrayEquals(new double[] {10, 11, 12}, b.inputs().toDoubleArray(), 0);
        assertArrayEquals(new int[] {0, 1, 0}, b.labels());
        assertSame(d, Training.rounds(d, 1));
        assertThrows(IllegalArgumentException.class, () -> Training.rounds(d, 0));
    }

    @Test
    void theFirstSeedTriesEveryRateAndTheOthersTrainAtTheWinner() {
        List<Run> calls = new ArrayList<>();
        double[] grid = {1e-4, 1e-3, 1e-2};
        // higher is better; 1e-3 scores best
        Training.Tuned<Run> t = Training.tuned(new Settings(5, 3, false, false, null), grid, 0.5, true, Run::score, (seed, lr) -> {
            Run r = new Run(seed, lr, lr == 1e-3 ? 0.9 : 0.8);
            calls.add(r);
            return r;
        });
        assertEquals(1e-3, t.lr());
        assertEquals(List.of(new Run(5, 1e-4, 0.8), new Run(5, 1e-3, 0.9), new Run(5, 1e-2, 0.8), new Run(6, 1e-3, 0.9), new Run(7, 1e-3, 0.9)), calls);
        assertEquals(List.of(calls.get(1), calls.get(3), calls.get(4)), t.runs(), "the first seed's winning run is kept, not trained again");
        assertArrayEquals(new double[] {0.8, 0.9, 0.8}, t.scores(), 0);
        assertArrayEquals(new double[] {5, 6, 7}, t.each(Run::seed), 0);
        assertEquals("1e-4: 0.8000, 1e-3: 0.9000, 1e-2: 0.8000", t.scoresText());
        assertTrue(!t.atEdge(), "1e-3 is inside the grid");
    }

    @Test
    void lowerIsBetterForALossAndADivergedRateCannotWin() {
        double[] grid = {1e-3, 3e-3, 1e-2};
        Training.Tuned<Run> t = Training.tuned(new Settings(1, 1, false, false, null), grid, 0.5, false, Run::score, (seed, lr) -> {
            if (lr == 1e-2) diverge();
            return new Run(seed, lr, lr == 1e-3 ? Double.NaN : 0.4);
        });
        assertEquals(3e-3, t.lr());
        assertTrue(!t.atEdge(), "3e-3 is inside the grid, even where its neighbours diverged");
        assertEquals(1, t.runs().size());
        assertEquals("1e-3: diverged, 3e-3: 0.4000, 1e-2: diverged", t.scoresText());
        assertNull(t.byRate().get(2).get("validation"));
        assertThrows(IllegalStateException.class, () -> Training.tuned(new Settings(1, 1, false, false, null), grid, 0.5, true, Run::score,
                (seed, lr) -> new Run(seed, lr, Double.NaN)));
    }

    /** A real divergence, as the trainer reports it: a loss that is not finite (here from an input that is not). */
    private static void diverge() {
        LabeledData d = new LabeledData(NDArray.of(new double[] {1, Double.NaN}, 2, 1), new int[] {0, 1}, 2);
        Linear m = new Linear(1, 2, DType.F64, new SplittableRandom(1));
        Training.classifier(m, d, 1, 2, Training.sgd(m, 0.1), 1, ProgressListener.NONE);
    }

    @Test
    void theQuickRunTrainsEverySeedAtTheFixedRate() {
        Training.Tuned<Run> t = Training.tuned(new Settings(3, 2, false, true, null), new double[] {1, 2}, 0.5, true, Run::score, (seed, lr) -> new Run(seed, lr, 0));
        assertEquals(List.of(new Run(3, 0.5, 0), new Run(4, 0.5, 0)), t.runs());
        assertNull(t.scores());
        assertTrue(!t.atEdge(), "an untuned rate is at no grid's edge");
    }

    @Test
    void aWinnerAtTheGridsEdgeIsBracketedByTryingBeyondIt() {
        List<Double> tried = new ArrayList<>();
        // the best rate is 0.3: the grid's edge 1 wins, then 0.3 beyond it, then 0.1 loses and brackets it
        Training.Tuned<Run> t = Training.tuned(new Settings(3, 2, false, false, null), new double[] {1, 2, 3}, 0.5, true, Run::score, (seed, lr) -> {
            tried.add(lr);
            return new Run(seed, lr, -Math.abs(Math.log(lr / 0.3)));
        });
        assertEquals(List.of(1.0, 2.0, 3.0, 0.3, 0.1, 0.3), tried);
        assertEquals(0.3, t.lr());
        assertArrayEquals(new double[] {0.1, 0.3, 1, 2, 3}, t.grid(), 0);
        assertTrue(!t.atEdge(), "bracketed");
        // an ever smaller rate doing better: two steps beyond the edge at most, and then the winner is still at the edge
        Training.Tuned<Run> edge = Training.tuned(new Settings(3, 1, false, false, null), new double[] {1, 2, 3}, 0.5, true, Run::score,
                (seed, lr) -> new Run(seed, lr, -lr));
        assertEquals(0.1, edge.lr());
        assertArrayEquals(new double[] {0.1, 0.3, 1, 2, 3}, edge.grid(), 0);
        assertTrue(edge.atEdge(), "the smallest rate tried won");
        assertEquals(1e-5, Training.beyond(3e-5, -1));
        assertEquals(3e-6, Training.beyond(1e-5, -1));
        assertEquals(1e-2, Training.beyond(3e-3, 1));
    }

    @Test
    void learningRatesReadAsPeopleWriteThem() {
        assertEquals("3e-4", Training.rate(3e-4));
        assertEquals("1e-3", Training.rate(0.001));
        assertEquals("0.0025", Training.rate(0.0025));
    }

    @Test
    void theValidationSplitIsBalancedFixedAndDisjointFromEveryTrainingSet() {
        ImageDataset train = FashionMnist.shipped().train();
        FashionData.Split s = FashionData.validationSplit(train, 20), again = FashionData.validationSplit(train, 20);
        assertArrayEquals(s.validation(), again.validation());
        assertEquals(200, s.validation().length);
        assertEquals(train.size() - 200, s.rest().length);
        assertArrayEquals(new int[] {20, 20, 20, 20, 20, 20, 20, 20, 20, 20}, train.subset(s.validation()).classCounts());
        boolean[] held = new boolean[train.size()];
        for (int i : s.validation()) held[i] = true;
        int[] picked = s.training(train, 30, 9);
        assertEquals(300, picked.length);
        for (int i : picked) assertTrue(!held[i], "training image " + i + " is in the validation split");
        assertArrayEquals(new int[] {30, 30, 30, 30, 30, 30, 30, 30, 30, 30}, train.subset(picked).classCounts());
        assertArrayEquals(picked, s.training(train, 30, 9));
        assertTrue(!java.util.Arrays.equals(picked, s.training(train, 30, 10)), "another seed draws other images");
    }

    @Test
    void armsAreComparedAgainstTwiceTheStandardErrorOfTheirDifference() {
        // difference 0.1; standard error √(0.01²/3 + 0.01²/3) = 0.0082
        assertEquals("a − b = +0.100, more than twice its standard error over the seeds (0.016)",
                Stats.compare("a", new double[] {0.89, 0.9, 0.91}, "b", new double[] {0.79, 0.8, 0.81}));
        assertEquals("a − b = +0.010, within twice its standard error over the seeds (0.324)",
                Stats.compare("a", new double[] {0.7, 0.9, 0.93}, "b", new double[] {0.6, 0.8, 1.1}));
        assertEquals("a − b = -0.100 (one seed: no spread to judge it by)", Stats.compare("a", new double[] {0.8}, "b", new double[] {0.9}));
    }
}
