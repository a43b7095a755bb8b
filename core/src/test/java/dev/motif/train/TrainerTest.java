package dev.motif.train;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
import dev.motif.data.Batches;
import dev.motif.data.FashionMnist;
import dev.motif.data.ImageDataset;
import dev.motif.data.RegressionData;
import dev.motif.data.TrainTest;
import dev.motif.nn.Linear;
import dev.motif.nn.Losses;
import dev.motif.nn.Sequential;
import dev.motif.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer against a hand-written training loop, its evaluation against hand-computed values, early stopping, divergence, a short real run. */
class TrainerTest {
    private static final List<String> ABC = List.of("a", "b", "c");

    /** Records every event, in order. */
    static final class Recorder implements ProgressListener {
        final List<Object> events = new ArrayList<>();

        @Override
        public void stageStarted(Stage s) {
            events.add(s);
        }

        @Override
        public void stageProgress(StageProgress p) {
            events.add(p);
        }

        @Override
        public void stageEnded(StageEnd e) {
            events.add(e);
        }
    }

    /** 10 random 1×2×2 images in 3 classes. */
    static ImageDataset tiny(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[10 * 4];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble(-1, 1);
        int[] l = new int[10];
        for (int i = 0; i < l.length; i++) l[i] = r.nextInt(3);
        return new ImageDataset(NDArray.of(x, 10, 1, 2, 2), l, ABC);
    }

    static Sequential linear(int in, int out, DType dtype, long seed) {
        return new Sequential(new dev.motif.nn.Flatten(), new Linear(in, out, dtype, new SplittableRandom(seed)));
    }

    private static Trainer.Builder<ImageDataset> classifier(Sequential m, double lr) {
        return Trainer.builder(m, SGD.builder(m.parameters()).lr(lr).build(), Objectives.classification(m));
    }

    @Test
    void fitIsTheLoopWrittenOut() {
        ImageDataset data = tiny(1);
        Sequential byTrainer = linear(4, 3, DType.F64, 5), byHand = linear(4, 3, DType.F64, 5);
        Recorder rec = new Recorder();
        TrainResult r = Trainer.builder(byTrainer, SGD.builder(byTrainer.parameters()).lr(0.3).momentum(0.5).build(), Objectives.classification(byTrainer))
                .batchSize(4).epochs(2).seed(9).listener(rec).build().fit(data);

        // The same steps by hand: one generator seeded once, batches of 4, 4 and 2 per epoch.
        SGD opt = SGD.builder(byHand.parameters()).lr(0.3).momentum(0.5).build();
        SplittableRandom rng = new SplittableRandom(9);
        double[] epochLoss = new double[2];
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int[] idx : Batches.shuffled(10, 4, rng)) {
                ImageDataset b = data.subset(idx);
                opt.zeroGrad();
                Tensor loss = Losses.crossEntropy(byHand.forward(Tensor.constant(b.images())), b.labels());
                loss.backward();
                opt.step();
                epochLoss[epoch] += loss.item() * idx.length / 10;
            }
        }
        for (int k = 0; k < 2; k++) {
            assertArrayEquals(byHand.parameters().get(k).value().f64(), byTrainer.parameters().get(k).value().f64(), 0);
        }
        assertEquals(epochLoss[0], r.history().get(0).train().loss(), 1e-14);
        assertEquals(epochLoss[1], r.train().loss(), 1e-14);
        assertEquals(15, r.parameters());
        assertNull(r.validation());
        assertEquals(2, r.bestEpoch());
        assertFalse(r.stoppedEarly() || r.restoredBest());

        // Events: start, 3 batches, end, per epoch; counts and running values add up.
        assertEquals(10, rec.events.size());
        assertEquals(new Stage("epoch 2/2", 3, "batch"), rec.events.get(5));
        StageProgress second = (StageProgress) rec.events.get(2), last = (StageProgress) rec.events.get(8);
        assertEquals(2, second.done());
        assertEquals(2.0 / 3, second.fraction(), 1e-15);
        assertEquals(Figure.of("loss", epochLoss[1]).toString(), last.figures().get(0).toString());
        assertEquals("accuracy", last.figures().get(1).name());
        assertEquals(r.train().get("accuracy"), last.figures().get(1).value(), 0);
        StageEnd end = (StageEnd) rec.events.get(9);
        assertEquals(List.of("train loss", "train accuracy"), end.figures().stream().map(Figure::name).toList());
    }

    @Test
    void evaluateMatchesHandComputedLossAndAccuracy() {
        // One pixel per image, Linear(1 -> 3) with w = [1, 0, -1], b = 0: logits [x, 0, -x].
        Sequential m = linear(1, 3, DType.F64, 1);
        Linear l = (Linear) m.layers().get(1);
        l.weight().set(NDArray.of(new double[] {1, 0, -1}, 3, 1));
        l.bias().set(NDArray.zeros(DType.F64, 3));
        ImageDataset d = new ImageDataset(NDArray.of(new double[] {2, 0.5, -1}, 3, 1, 1, 1), new int[] {0, 2, 2}, ABC);
        Trainer<ImageDataset> t = classifier(m, 0.1).evalBatchSize(2).build();
        m.train(true);
        Metrics e = t.evaluate(d);
        // loss_i = logsumexp(x, 0, -x) - z[label]; predictions 0, 0, 2: two of three right.
        double l0 = Math.log(Math.exp(2) + 1 + Math.exp(-2)) - 2;
        double l1 = Math.log(Math.exp(0.5) + 1 + Math.exp(-0.5)) + 0.5;
        double l2 = Math.log(Math.exp(-1) + 1 + Math.exp(1)) - 1;
        assertEquals((l0 + l1 + l2) / 3, e.loss(), 1e-14);
        assertEquals(2.0 / 3, e.get("accuracy"), 1e-15);
        assertEquals(3, e.count());
        assertTrue(m.isTraining(), "evaluate restores the mode");
        assertNull(l.weight().grad(), "evaluate records no graph and leaves no gradient");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> e.get("auc"));
        assertEquals("no metric 'auc'; there are [loss, accuracy]", missing.getMessage());
    }

    @Test
    void theSameSeedGivesTheSameRunAndAnotherSeedAnotherRun() {
        ImageDataset data = tiny(2);
        double[] a = run(data, 4), b = run(data, 4), c = run(data, 5);
        assertArrayEquals(a, b, 0);
        assertNotEquals(a[0], c[0]);
    }

    private static double[] run(ImageDataset data, long seed) {
        Sequential m = linear(4, 3, DType.F64, 3);
        TrainResult r = classifier(m, 0.5).batchSize(3).epochs(3).seed(seed).build().fit(data);
        return r.history().stream().mapToDouble(h -> h.train().loss()).toArray();
    }

    @Test
    void anF64ModelTrainsOnF32DataInF64() {
        ImageDataset data = tiny(3).to(DType.F32);
        Sequential m64 = linear(4, 3, DType.F64, 3), m32 = linear(4, 3, DType.F32, 3);
        TrainResult r64 = classifier(m64, 0.5).batchSize(5).epochs(2).validation(data).build().fit(data);
        TrainResult r32 = classifier(m32, 0.5).batchSize(5).epochs(2).validation(data).build().fit(data);
        assertEquals(DType.F64, m64.parameters().get(0).dtype());
        // Same initial values (the F32 ones rounded), same batches: the runs agree to float precision.
        assertEquals(r64.validation().loss(), r32.validation().loss(), 1e-5);
        assertNotEquals(r64.validation().loss(), r32.validation().loss(), "F32 rounding shows somewhere");
    }

    @Test
    void aModelWithTheWrongNumberOfOutputsIsNamedBeforeTraining() {
        Sequential m = linear(4, 5, DType.F64, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classifier(m, 0.1).batchSize(4).build().fit(tiny(1)));
        assertEquals("training set: Sequential(Flatten, Linear(4 -> 5)) gives outputs of shape [1, 5] for inputs [1, 1, 2, 2];"
                + " classifying into 3 classes needs logits [1, 3]", e.getMessage());
    }

    @Test
    void aValidationSetOfTheWrongImageSizeFailsBeforeTheFirstStep() {
        Sequential m = linear(4, 3, DType.F64, 1);
        ImageDataset wrong = new ImageDataset(NDArray.zeros(DType.F64, 3, 1, 3, 3), new int[] {0, 1, 2}, ABC);
        NDArray before = m.parameters().get(0).value().copy();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classifier(m, 0.1).validation(wrong).build().fit(tiny(1)));
        assertTrue(e.getMessage().startsWith("validation set: inputs of shape [1, 3, 3] per example do not fit Sequential(Flatten, Linear(4 -> 3)): Linear(4 -> 3): "),
                e.getMessage());
        assertArrayEquals(before.f64(), m.parameters().get(0).value().f64(), 0, "no step was taken");
    }

    @Test
    void optionsAreChecked() {
        Sequential m = linear(4, 3, DType.F64, 1);
        assertEquals("Trainer: batch size must be > 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> classifier(m, 0.1).batchSize(0).build()).getMessage());
        assertEquals("Trainer: epochs must be > 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> classifier(m, 0.1).epochs(-1).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> classifier(m, 0.1).earlyStopping(2).build()).getMessage()
                .contains("give one with validation(...)"));
        Sequential mixed = new Sequential(new dev.motif.nn.Flatten(), new Linear(4, 3, DType.F64, new SplittableRandom(1)), new Linear(3, 3, DType.F32, new SplittableRandom(1)));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Trainer.builder(mixed, SGD.builder(mixed.parameters()).build(), Objectives.classification(mixed)).build().fit(tiny(1)));
        assertTrue(e.getMessage().startsWith("Sequential(Flatten, Linear(4 -> 3), Linear(3 -> 3)) mixes dtypes: "), e.getMessage());
    }

    @Test
    void aStepThatLeavesAWeightNonFiniteIsWhereTrainingDivergedEvenOnTheLastStep() {
        ImageDataset small = tiny(5);
        ImageDataset data = new ImageDataset(small.images().mul(100.0), small.labels(), ABC);
        Sequential m = linear(4, 3, DType.F64, 1);
        // One step at an absurd rate: the loss before it is finite, the weights after it are not (|lr·g| > 1.8e308).
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> classifier(m, 1e308).batchSize(10).epochs(1).build().fit(data));
        assertEquals(1, e.epoch());
        assertEquals(1, e.batch());
        assertTrue(e.getMessage().contains("the step at epoch 1, batch 1 of 1 left non-finite values in parameter 'weight' [3, 4]"), e.getMessage());
    }

    @Test
    void aNonFiniteLossIsNamedWithItsEpochAndBatch() {
        ImageDataset data = tiny(6);
        Sequential m = linear(4, 3, DType.F64, 1);
        ((Linear) m.layers().get(1)).bias().set(NDArray.vector(Double.NaN, 0, 0));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> classifier(m, 0.1).batchSize(4).build().fit(data));
        assertTrue(e.getMessage().startsWith("training diverged: the loss was NaN at epoch 1, batch 1 of 3"), e.getMessage());
    }

    /** Validation accuracy that rises and then falls: the run stops after `patience` epochs without a gain and keeps the best weights. */
    @Test
    void earlyStoppingStopsAfterPatienceAndPutsTheBestWeightsBack() {
        // Train on labels that contradict the validation labels: validation accuracy peaks early, then falls.
        ImageDataset train = tiny(7);
        int[] flipped = train.labels();
        for (int i = 0; i < flipped.length; i++) flipped[i] = (flipped[i] + 1) % 3;
        ImageDataset contradicting = new ImageDataset(train.images(), flipped, ABC);
        Sequential m = linear(4, 3, DType.F64, 2);
        Recorder rec = new Recorder();
        Trainer<ImageDataset> t = classifier(m, 0.5).batchSize(10).epochs(50).validation(train).earlyStopping(3).listener(rec).build();
        double startAcc = t.evaluate(train).get("accuracy");
        TrainResult r = t.fit(contradicting);
        assertTrue(r.stoppedEarly(), "stopped after " + r.history().size() + " epochs");
        assertTrue(r.history().size() < 50);
        int best = r.bestEpoch();
        assertEquals(best + 3, r.history().size(), "three epochs without improvement after the best one");
        double bestAcc = r.history().get(best - 1).validation().get("accuracy");
        for (EpochResult h : r.history()) assertTrue(h.validation().get("accuracy") <= bestAcc);
        assertTrue(bestAcc >= startAcc);
        assertTrue(r.restoredBest());
        assertEquals(bestAcc, t.evaluate(train).get("accuracy"), 0, "the model holds the best epoch's weights");
        assertEquals(r.validation(), r.history().get(best - 1).validation());
        StageEnd firstEnd = (StageEnd) rec.events.get(2);
        assertEquals(List.of("train loss", "train accuracy", "validation loss", "validation accuracy"), firstEnd.figures().stream().map(Figure::name).toList());
    }

    @Test
    void regressionMeasuresMseRmseAndMae() {
        // y = 2x exactly learnable by Linear(1 -> 1).
        NDArray x = NDArray.of(new double[] {-1, 0, 1, 2}, 4, 1), y = x.mul(2.0);
        RegressionData data = new RegressionData(x, y);
        Linear l = new Linear(1, 1, DType.F64, new SplittableRandom(1));
        l.weight().set(NDArray.of(new double[] {1}, 1, 1));
        l.bias().set(NDArray.vector(0.5));
        Trainer<RegressionData> t = Trainer.builder(l, SGD.builder(l.parameters()).lr(0.1).build(), Objectives.regression(l)).batchSize(4).epochs(300).build();
        Metrics before = t.evaluate(data);
        // predictions x + 0.5 against 2x: errors 1.5, 0.5, -0.5, -1.5
        assertEquals((2.25 + 0.25 + 0.25 + 2.25) / 4, before.loss(), 1e-15);
        assertEquals(Math.sqrt(1.25), before.get("rmse"), 1e-15);
        assertEquals(1.0, before.get("mae"), 1e-15);
        t.fit(data);
        assertTrue(t.evaluate(data).get("rmse") < 1e-6, "learns y = 2x");
        assertEquals(2.0, l.weight().value().getFlat(0), 1e-6);
    }

    /**
     * The shipped Fashion-MNIST subset, 2 epochs of a softmax classifier (Linear 784 → 10) in F32:
     * measured 80.8% test accuracy (chance is 10%), about 1–3 s on a loaded 2-core machine.
     */
    @Test
    void aLinearClassifierLearnsFashionMnistWellAboveChance() {
        TrainTest data = FashionMnist.shipped().standardized();
        Sequential m = linear(784, 10, DType.F32, 1);
        Recorder rec = new Recorder();
        var t = Trainer.builder(m, SGD.builder(m.parameters()).lr(0.01).momentum(0.9).build(), Objectives.classification(m))
                .batchSize(32).epochs(2).seed(3).validation(data.test()).listener(rec).build();
        Metrics before = t.evaluate(data.test());
        TrainResult r = t.fit(data.train());
        assertEquals(0.10, before.get("accuracy"), 0.07, "an untrained model is near chance");
        assertTrue(r.validation().get("accuracy") > 0.75, "test accuracy " + r.validation());
        assertTrue(r.validation().loss() < before.loss() / 2, "test loss " + before.loss() + " -> " + r.validation().loss());
        assertTrue(r.history().get(1).train().loss() < r.history().get(0).train().loss(), "training loss falls from epoch 1 to 2");
        assertEquals(2 * (1 + 94 + 1), rec.events.size());   // 3,000 / 32 = 93 full batches and one of 24
        assertEquals(7850, r.parameters());
        assertTrue(r.examplesPerSecond() > 0 && r.seconds() > 0);
        assertFalse(Double.isNaN(((StageProgress) rec.events.get(1)).etaSeconds()));
    }
}
