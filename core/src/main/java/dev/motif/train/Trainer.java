package dev.motif.train;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.data.Batches;
import dev.motif.data.ImageDataset;
import dev.motif.nn.Losses;
import dev.motif.nn.Block;
import dev.motif.nn.Parameter;
import dev.motif.optim.Optimizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains a classifier: a {@link Block} that maps images (N, C, H, W) to logits (N, classes),
 * with softmax cross-entropy, minibatches shuffled by a seed, and a given {@link Optimizer}.
 *
 * <p>The images are converted batch by batch to the model's dtype (that of its parameters), so
 * an F32 model trains in F32 and an F64 model in F64 whatever the dataset holds. The same model
 * initialisation, optimizer settings and seed give the same numbers. The trainer adds no threads
 * of its own: the BLAS and batch-parallel kernels under the model use the cores.
 *
 * <pre>{@code
 * TrainTest data = FashionMnist.shipped().standardized();
 * // flatten: any module mapping (N, 1, 28, 28) to (N, 784), e.g. x -> x.reshape(x.shape(0), -1)
 * Block model = new Sequential(flatten, new Linear(784, 10, DType.F32, new SplittableRandom(1)));
 * Trainer trainer = Trainer.builder(model, SGD.builder(model.parameters()).lr(0.1).momentum(0.9).build())
 *         .batchSize(64).epochs(2).seed(7).listener(progress).build();
 * TrainResult r = trainer.fit(data.train(), data.test());
 * System.out.println(r.test().accuracy());
 * }</pre>
 */
public final class Trainer {
    private final Block model;
    private final Optimizer optimizer;
    private final int batchSize, epochs, evalBatchSize;
    private final long seed;
    private final boolean testEveryEpoch;
    private final TrainingListener listener;
    private final DType dtype;

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.batchSize = b.batchSize;
        this.epochs = b.epochs;
        this.evalBatchSize = b.evalBatchSize;
        this.seed = b.seed;
        this.testEveryEpoch = b.testEveryEpoch;
        this.listener = b.listener;
        this.dtype = dtypeOf(model);
    }

    /** A builder for training {@code model} with {@code optimizer}; defaults: batch 64, 1 epoch, seed 0. */
    public static Builder builder(Block model, Optimizer optimizer) {
        return new Builder(model, optimizer);
    }

    private static DType dtypeOf(Block model) {
        List<Parameter> ps = model.parameters();
        if (ps.isEmpty()) throw new IllegalArgumentException("Trainer: model " + model.describe() + " has no parameters to train");
        DType d = ps.get(0).dtype();
        for (Parameter p : ps) {
            if (p.dtype() != d) {
                throw new IllegalArgumentException("Trainer: model " + model.describe() + " mixes dtypes: " + ps.get(0) + " is " + d + ", " + p + " is " + p.dtype());
            }
        }
        return d;
    }

    /** The dtype the model computes in, that of its parameters. */
    public DType dtype() {
        return dtype;
    }

    /** Trains for the configured epochs without a test set. */
    public TrainResult fit(ImageDataset train) {
        return fit(train, null);
    }

    /**
     * Trains for the configured epochs; evaluates {@code test} (may be null) after every epoch,
     * or after the last one only when so configured. Leaves the model in training mode.
     */
    public TrainResult fit(ImageDataset train, ImageDataset test) {
        if (train.size() == 0) throw new IllegalArgumentException("Trainer.fit: the training set is empty");
        if (test != null && test.classes() != train.classes()) {
            throw new IllegalArgumentException("Trainer.fit: training set has " + train.classes() + " classes, test set " + test.classes());
        }
        // One generator for the whole run: epoch k's shuffle is the k-th draw, so a seed fixes them all.
        SplittableRandom rng = new SplittableRandom(seed);
        long start = System.nanoTime(), trainNanos = 0, seen = 0, total = (long) epochs * train.size();
        List<EpochResult> history = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long epochStart = System.nanoTime(), epochTrainNanos = 0;
            List<int[]> batches = Batches.shuffled(train.size(), batchSize, rng);
            listener.epochStart(new EpochStart(epoch, epochs, batches.size(), train.size()));
            model.train(true);
            double lossSum = 0;
            long correct = 0;
            int epochSeen = 0;
            for (int b = 0; b < batches.size(); b++) {
                long t0 = System.nanoTime();
                ImageDataset batch = train.subset(batches.get(b));
                optimizer.zeroGrad();
                Tensor logits = model.forward(Tensor.constant(batch.images().to(dtype)));
                checkLogits(logits, batch);
                Tensor loss = Losses.crossEntropy(logits, batch.labels());
                loss.backward();
                optimizer.step();
                double l = loss.item();
                if (!Double.isFinite(l)) {
                    throw new IllegalStateException("Trainer: loss became " + l + " at epoch " + epoch + ", batch " + (b + 1)
                            + " (learning rate " + optimizer.lr() + " too large?)");
                }
                long dt = System.nanoTime() - t0;
                trainNanos += dt;
                epochTrainNanos += dt;
                lossSum += l * batch.size();
                correct += correct(logits.value(), batch);
                epochSeen += batch.size();
                seen += batch.size();
                listener.batchEnd(new BatchEnd(epoch, epochs, b + 1, batches.size(), epochSeen, train.size(),
                        lossSum / epochSeen, (double) correct / epochSeen, seen, total, seconds(System.nanoTime() - start), rate(seen, trainNanos)));
            }
            Metrics trainMetrics = new Metrics(lossSum / epochSeen, (double) correct / epochSeen, epochSeen);
            Metrics testMetrics = test != null && (testEveryEpoch || epoch == epochs) ? evaluate(test) : null;
            long now = System.nanoTime();
            EpochResult r = new EpochResult(epoch, epochs, trainMetrics, testMetrics, seconds(now - epochStart), seconds(now - start),
                    rate(epochSeen, epochTrainNanos));
            history.add(r);
            listener.epochEnd(r);
        }
        model.train(true);
        EpochResult last = history.get(history.size() - 1);
        return new TrainResult(last.train(), last.test(), history, model.parameterCount(), rate(seen, trainNanos), seconds(System.nanoTime() - start));
    }

    /**
     * Mean loss and accuracy of the model on {@code data}: in evaluation mode, without recording
     * the graph, in batches. The model's mode is restored afterwards.
     */
    public Metrics evaluate(ImageDataset data) {
        if (data.size() == 0) throw new IllegalArgumentException("Trainer.evaluate: the dataset is empty");
        boolean wasTraining = model.isTraining();
        model.eval();
        try {
            return Autodiff.noGrad(() -> {
                double lossSum = 0;
                long correct = 0;
                for (int[] idx : Batches.sequential(data.size(), evalBatchSize)) {
                    ImageDataset batch = data.subset(idx);
                    Tensor logits = model.forward(Tensor.constant(batch.images().to(dtype)));
                    checkLogits(logits, batch);
                    lossSum += Losses.crossEntropy(logits, batch.labels()).item() * batch.size();
                    correct += correct(logits.value(), batch);
                }
                return new Metrics(lossSum / data.size(), (double) correct / data.size(), data.size());
            });
        } finally {
            model.train(wasTraining);
        }
    }

    private void checkLogits(Tensor logits, ImageDataset batch) {
        if (logits.rank() != 2 || logits.shape(0) != batch.size() || logits.shape(1) != batch.classes()) {
            throw new IllegalArgumentException("Trainer: model " + model.describe() + " gave output of shape " + Arrays.toString(logits.shape())
                    + " for a batch of " + batch.size() + " images; expected logits [" + batch.size() + ", " + batch.classes() + "]");
        }
    }

    private static long correct(NDArray logits, ImageDataset batch) {
        NDArray predicted = logits.argmax(1, false);
        long c = 0;
        for (int i = 0; i < batch.size(); i++) if ((int) predicted.getFlat(i) == batch.label(i)) c++;
        return c;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double rate(long images, long nanos) {
        return nanos > 0 ? images / seconds(nanos) : 0;
    }

    /** Options for a {@link Trainer}; {@link #build()} validates them. */
    public static final class Builder {
        private final Block model;
        private final Optimizer optimizer;
        private int batchSize = 64, epochs = 1, evalBatchSize = 500;
        private long seed;
        private boolean testEveryEpoch = true;
        private TrainingListener listener = TrainingListener.NONE;

        private Builder(Block model, Optimizer optimizer) {
            if (model == null || optimizer == null) throw new IllegalArgumentException("Trainer: model and optimizer must not be null");
            this.model = model;
            this.optimizer = optimizer;
        }

        /** Images per training step (the last batch of an epoch may be smaller). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Passes over the training set. */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Seed of the minibatch shuffling. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Images per evaluation batch (memory only: the result does not depend on it beyond rounding); default 500. */
        public Builder evalBatchSize(int evalBatchSize) {
            this.evalBatchSize = evalBatchSize;
            return this;
        }

        /** Whether the test set is evaluated after every epoch (default) or only after the last. */
        public Builder testEveryEpoch(boolean on) {
            this.testEveryEpoch = on;
            return this;
        }

        /** Who hears about progress; default none. */
        public Builder listener(TrainingListener listener) {
            this.listener = listener == null ? TrainingListener.NONE : listener;
            return this;
        }

        public Trainer build() {
            if (batchSize <= 0) throw new IllegalArgumentException("Trainer: batch size must be > 0, got " + batchSize);
            if (epochs <= 0) throw new IllegalArgumentException("Trainer: epochs must be > 0, got " + epochs);
            if (evalBatchSize <= 0) throw new IllegalArgumentException("Trainer: evaluation batch size must be > 0, got " + evalBatchSize);
            return new Trainer(this);
        }
    }
}
