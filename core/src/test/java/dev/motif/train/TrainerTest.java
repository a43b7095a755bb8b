package dev.motif.train;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
import dev.motif.data.Batches;
import dev.motif.data.FashionMnist;
import dev.motif.data.ImageDataset;
import dev.motif.data.TrainTest;
import dev.motif.nn.Activation;
import dev.motif.nn.Linear;
import dev.motif.nn.Losses;
import dev.motif.nn.Block;
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

/** The trainer against a hand-written training loop, its evaluation against hand-computed values, and a short real run. */
class TrainerTest {
    private static final List<String> ABC = List.of("a", "b", "c");

    /** Records every event, in order. */
    static final class Recorder implements TrainingListener {
        final List<Object> events = new ArrayList<>();

        @Override
        public void epochStart(EpochStart e) {
            events.add(e);
        }

        @Override
        public void batchEnd(BatchEnd e) {
            events.add(e);
        }

        @Override
        public void epochEnd(EpochResult e) {
            events.add(e);
        }
    }

    /** 10 random 1×2×2 images in 3 classes. */
    private static ImageDataset tiny(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[10 * 4];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble(-1, 1);
        int[] l = new int[10];
        for (int i = 0; i < l.length; i++) l[i] = r.nextInt(3);
        return new ImageDataset(NDArray.of(x, 10, 1, 2, 2), l, ABC);
    }

    private static Sequential linear(int in, int out, DType dtype, long seed) {
        return new Sequential(new Flatten(), new Linear(in, out, dtype, new SplittableRandom(seed)));
    }

    @Test
    void fitIsTheLoopWrittenOut() {
        ImageDataset data = tiny(1);
        Sequential byTrainer = linear(4, 3, DType.F64, 5), byHand = linear(4, 3, DType.F64, 5);
        Recorder rec = new Recorder();
        TrainResult r = Trainer.builder(byTrainer, SGD.builder(byTrainer.parameters()).lr(0.3).momentum(0.5).build())
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
        assertNull(r.test());

        // Events: start, 3 batches, end, per epoch; counts and running values add up.
        assertEquals(10, rec.events.size());
        assertEquals(new EpochStart(2, 2, 3, 10), rec.events.get(5));
        BatchEnd second = (BatchEnd) rec.events.get(2), last = (BatchEnd) rec.events.get(8);
        assertEquals(2, second.batch());
        assertEquals(8, second.epochImagesSeen());
        assertEquals(0.8, second.epochFraction(), 1e-15);
        assertEquals(20, last.imagesSeen());
        assertEquals(20, last.totalImages());
        assertEquals(epochLoss[1], last.runningLoss(), 1e-14);
        assertEquals(r.train().accuracy(), last.runningAccuracy(), 0);
        assertEquals(r.history().get(1), rec.events.get(9));
    }

    @Test
    void evaluateMatchesHandComputedLossAndAccuracy() {
        // One pixel per image, Linear(1 -> 3) with w = [1, 0, -1], b = 0: logits [x, 0, -x].
        Sequential m = linear(1, 3, DType.F64, 1);
        Linear l = (Linear) m.layers().get(1);
        l.weight().set(NDArray.of(new double[] {1, 0, -1}, 3, 1));
        l.bias().set(NDArray.zeros(DType.F64, 3));
        ImageDataset d = new ImageDataset(NDArray.of(new double[] {2, 0.5, -1}, 3, 1, 1, 1), new int[] {0, 2, 2}, ABC);
        Trainer t = Trainer.builder(m, SGD.builder(m.parameters()).build()).evalBatchSize(2).build();
        m.train(true);
        Metrics e = t.evaluate(d);
        // loss_i = logsumexp(x, 0, -x) - z[label]; predictions 0, 0, 2: two of three right.
        double l0 = Math.log(Math.exp(2) + 1 + Math.exp(-2)) - 2;
        double l1 = Math.log(Math.exp(0.5) + 1 + Math.exp(-0.5)) + 0.5;
        double l2 = Math.log(Math.exp(-1) + 1 + Math.exp(1)) - 1;
        assertEquals((l0 + l1 + l2) / 3, e.loss(), 1e-14);
        assertEquals(2.0 / 3, e.accuracy(), 1e-15);
        assertEquals(3, e.count());
        assertTrue(m.isTraining(), "evaluate restores the mode");
        assertNull(l.weight().grad(), "evaluate records no graph and leaves no gradient");
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
        TrainResult r = Trainer.builder(m, SGD.builder(m.parameters()).lr(0.5).build()).batchSize(3).epochs(3).seed(seed).build().fit(data);
        return r.history().stream().mapToDouble(h -> h.train().loss()).toArray();
    }

    @Test
    void anF64ModelTrainsOnF32DataInF64() {
        ImageDataset data = tiny(3).to(DType.F32);
        Sequential m64 = linear(4, 3, DType.F64, 3), m32 = linear(4, 3, DType.F32, 3);
        Trainer t64 = Trainer.builder(m64, SGD.builder(m64.parameters()).lr(0.5).build()).batchSize(5).epochs(2).build();
        Trainer t32 = Trainer.builder(m32, SGD.builder(m32.parameters()).lr(0.5).build()).batchSize(5).epochs(2).build();
        assertEquals(DType.F64, t64.dtype());
        assertEquals(DType.F32, t32.dtype());
        TrainResult r64 = t64.fit(data, data), r32 = t32.fit(data, data);
        assertEquals(DType.F64, m64.parameters().get(0).dtype());
        // Same initial values (the F32 ones rounded), same batches: the runs agree to float precision.
        assertEquals(r64.test().loss(), r32.test().loss(), 1e-5);
        assertNotEquals(r64.test().loss(), r32.test().loss(), "F32 rounding shows somewhere");
    }

    @Test
    void aModelWithTheWrongNumberOfOutputsIsNamed() {
        Sequential m = linear(4, 5, DType.F64, 1);
        Trainer t = Trainer.builder(m, SGD.builder(m.parameters()).build()).batchSize(4).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fit(tiny(1)));
        assertEquals("Trainer: model Sequential(Flatten, Linear(4 -> 5)) gave output of shape [4, 5] for a batch of 4 images; expected logits [4, 3]",
                e.getMessage());
    }

    @Test
    void optionsAreChecked() {
        Sequential m = linear(4, 3, DType.F64, 1);
        SGD opt = SGD.builder(m.parameters()).build();
        assertEquals("Trainer: batch size must be > 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> Trainer.builder(m, opt).batchSize(0).build()).getMessage());
        assertEquals("Trainer: epochs must be > 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> Trainer.builder(m, opt).epochs(-1).build()).getMessage());
        Sequential mixed = new Sequential(new Flatten(), new Linear(4, 3, DType.F64, new SplittableRandom(1)), new Linear(3, 3, DType.F32, new SplittableRandom(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(mixed, SGD.builder(mixed.parameters()).build()).build());
        assertTrue(e.getMessage().startsWith("Trainer: model Sequential(Flatten, Linear(4 -> 3), Linear(3 -> 3)) mixes dtypes: "), e.getMessage());
    }

    @Test
    void testEveryEpochCanBeTurnedOff() {
        ImageDataset data = tiny(4);
        Sequential m = linear(4, 3, DType.F64, 1);
        TrainResult r = Trainer.builder(m, SGD.builder(m.parameters()).lr(0.1).build()).epochs(3).testEveryEpoch(false).build().fit(data, data);
        assertNull(r.history().get(0).test());
        assertNull(r.history().get(1).test());
        assertEquals(r.test(), r.history().get(2).test());
        assertEquals(10, r.test().count());
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
        Trainer t = Trainer.builder(m, SGD.builder(m.parameters()).lr(0.01).momentum(0.9).build()).batchSize(32).epochs(2).seed(3).listener(rec).build();
        Metrics before = t.evaluate(data.test());
        TrainResult r = t.fit(data.train(), data.test());
        assertEquals(0.10, before.accuracy(), 0.07, "an untrained model is near chance");
        assertTrue(r.test().accuracy() > 0.75, "test accuracy " + r.test().accuracy());
        assertTrue(r.test().loss() < before.loss() / 2, "test loss " + before.loss() + " -> " + r.test().loss());
        assertTrue(r.history().get(1).train().loss() < r.history().get(0).train().loss(), "training loss falls from epoch 1 to 2");
        assertEquals(2 * (1 + 94 + 1), rec.events.size());   // 3,000 / 32 = 93 full batches and one of 24
        assertEquals(24, ((BatchEnd) rec.events.get(94)).epochImages() - ((BatchEnd) rec.events.get(93)).epochImagesSeen());
        assertEquals(7850, r.parameters());
        assertTrue(r.imagesPerSecond() > 0 && r.seconds() > 0);
        assertFalse(Double.isNaN(((BatchEnd) rec.events.get(1)).etaSeconds()));
    }
}
