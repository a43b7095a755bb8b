package dev.motif.train;

import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.data.Batches;
import dev.motif.data.DataSource;
import dev.motif.nn.Block;
import dev.motif.nn.Parameter;
import dev.motif.optim.GradClip;
import dev.motif.optim.Optimizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The one training loop: minibatches of a {@link DataSource} shuffled by a seed, the loss of an
 * {@link Objective} backpropagated and stepped by an {@link Optimizer}, the validation split
 * evaluated after every epoch, early stopping on a validation metric, progress to a
 * {@link ProgressListener}. Classification, regression, pairs and several heads differ only in
 * the objective.
 *
 * <p>The same model initialisation, optimizer settings and seed give the same numbers. Before
 * the first step every split is checked against the model, so data of the wrong shape fails at
 * once, naming the split. A loss, parameter or validation metric that is not finite stops the
 * run with a {@link TrainingDivergedException} naming the epoch and batch, before anything could
 * save the broken weights. The trainer adds no threads of its own.
 *
 * <pre>{@code
 * TrainTest data = FashionMnist.shipped().standardized();
 * var trainer = Trainer.builder(model, SGD.builder(model.parameters()).lr(0.05).momentum(0.9).build(),
 *                 Objectives.classification(model))
 *         .batchSize(64).epochs(20).seed(7).validation(val).earlyStopping(3).listener(progress).build();
 * TrainResult r = trainer.fit(data.train());
 * System.out.println(trainer.evaluate(data.test()).get("accuracy"));
 * }</pre>
 *
 * @param <B> the type of a batch
 */
public final class Trainer<B> {
    private final Block model;
    private final Optimizer optimizer;
    private final Objective<B> objective;
    private final int batchSize, epochs, evalBatchSize, patience;
    private final long seed;
    private final DataSource<? extends B> validation;
    private final String validationName;
    private final Monitor monitor;
    private final double minDelta, clipNorm;
    private final boolean restoreBest;
    private final ProgressListener listener;

    private Trainer(Builder<B> b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.objective = b.objective;
        this.batchSize = b.batchSize;
        this.epochs = b.epochs;
        this.evalBatchSize = b.evalBatchSize;
        this.patience = b.patience;
        this.seed = b.seed;
        this.validation = b.validation;
        this.validationName = b.validationName;
        this.monitor = b.monitor != null ? b.monitor : b.objective.monitor();
        this.minDelta = b.minDelta;
        this.clipNorm = b.clipNorm;
        this.restoreBest = b.restoreBest;
        this.listener = b.listener;
    }

    /** A builder for training {@code model} with {@code optimizer} on {@code objective}; defaults: batch 64, 1 epoch, seed 0. */
    public static <B> Builder<B> builder(Block model, Optimizer optimizer, Objective<B> objective) {
        return new Builder<>(model, optimizer, objective);
    }

    /** The metric the validation split is judged by. */
    public Monitor monitor() {
        return monitor;
    }

    /**
     * Trains for up to the configured epochs, evaluating the validation split (if any) after
     * each; stops early when the monitored metric has not improved for {@code patience} epochs
     * (if early stopping is on), and then, if asked, puts the best epoch's weights back. Leaves
     * the model in training mode.
     */
    public TrainResult fit(DataSource<? extends B> train) {
        if (train.size() == 0) throw new IllegalArgumentException("Trainer.fit: the training set is empty");
        objective.check(train, "training set");
        if (validation != null) {
            if (validation.size() == 0) throw new IllegalArgumentException("Trainer.fit: the " + validationName + " set is empty");
            objective.check(validation, validationName + " set");
        }
        // One generator for the whole run: epoch k's shuffle is the k-th draw, so a seed fixes them all.
        SplittableRandom rng = new SplittableRandom(seed);
        long start = System.nanoTime(), trainNanos = 0, seen = 0, total = (long) epochs * train.size();
        List<EpochResult> history = new ArrayList<>();
        List<Parameter> params = model.parameters();
        double best = Double.NaN;
        int bestEpoch = 0, sinceBest = 0;
        Snapshot bestWeights = null;
        boolean stopped = false;
        for (int epoch = 1; epoch <= epochs && !stopped; epoch++) {
            long epochStart = System.nanoTime(), epochTrainNanos = 0;
            List<int[]> batches = Batches.shuffled(train.size(), batchSize, rng);
            String stage = "epoch " + epoch + "/" + epochs;
            listener.stageStarted(new Stage(stage, batches.size(), "batch"));
            model.train(true);
            double lossSum = 0;
            Map<String, Double> sums = new LinkedHashMap<>();
            int epochSeen = 0;
            for (int b = 0; b < batches.size(); b++) {
                long t0 = System.nanoTime();
                optimizer.zeroGrad();
                Step s = objective.loss(train.batch(batches.get(b)));
                double l = s.loss().item();
                if (!Double.isFinite(l)) {
                    throw new TrainingDivergedException("training diverged: the loss was " + l + " at epoch " + epoch + ", batch " + (b + 1) + " of "
                            + batches.size() + " (learning rate " + optimizer.lr() + " too large?)", epoch, b + 1);
                }
                s.loss().backward();
                if (clipNorm > 0) GradClip.clipNorm(params, clipNorm);
                optimizer.step();
                requireFinite(params, epoch, b + 1, batches.size());
                long dt = System.nanoTime() - t0;
                trainNanos += dt;
                epochTrainNanos += dt;
                lossSum += l * s.examples();
                for (Map.Entry<String, Double> e : s.sums().entrySet()) sums.merge(e.getKey(), e.getValue(), Double::sum);
                epochSeen += s.examples();
                seen += s.examples();
                double rate = rate(seen, trainNanos);
                listener.stageProgress(new StageProgress(stage, b + 1, batches.size(), "batch", running(lossSum, sums, epochSeen).figures(""),
                        seconds(System.nanoTime() - start), rate, "ex/s", rate > 0 ? (total - seen) / rate : Double.NaN));
            }
            Metrics trainMetrics = running(lossSum, sums, epochSeen);
            Metrics val = null;
            if (validation != null) {
                val = evaluate(validation);
                String bad = val.firstNonFinite();
                if (bad != null) {
                    throw new TrainingDivergedException("training diverged: the " + validationName + " " + bad + " was " + val.get(bad) + " after epoch " + epoch,
                            epoch, 0);
                }
                double v = val.get(monitor.metric());
                if (monitor.improves(v, best, minDelta)) {
                    best = v;
                    bestEpoch = epoch;
                    sinceBest = 0;
                    if (restoreBest) bestWeights = Snapshot.of(model);
                } else if (patience > 0 && ++sinceBest >= patience) {
                    stopped = epoch < epochs;
                }
            } else {
                bestEpoch = epoch;
            }
            long now = System.nanoTime();
            EpochResult r = new EpochResult(epoch, epochs, trainMetrics, val, seconds(now - epochStart), seconds(now - start), rate(epochSeen, epochTrainNanos));
            history.add(r);
            List<Figure> figures = new ArrayList<>(trainMetrics.figures("train "));
            if (val != null) figures.addAll(val.figures(validationName + " "));
            listener.stageEnded(new StageEnd(stage, figures, r.epochSeconds(), r.examplesPerSecond(), "ex/s"));
            if (stopped) break;
        }
        boolean restored = bestWeights != null && bestEpoch != history.size();
        if (restored) bestWeights.restore();
        model.train(true);
        return new TrainResult(history, bestEpoch, stopped, restored, model.parameterCount(), rate(seen, trainNanos), seconds(System.nanoTime() - start));
    }

    /**
     * The objective's metrics on {@code data}: in evaluation mode, without recording the graph,
     * in batches. The model's modes are restored afterwards.
     */
    public Metrics evaluate(DataSource<? extends B> data) {
        if (data.size() == 0) throw new IllegalArgumentException("Trainer.evaluate: the dataset is empty");
        boolean wasTraining = model.isTraining();
        model.eval();
        try {
            return Autodiff.noGrad(() -> objective.evaluate(data, evalBatchSize));
        } finally {
            model.train(wasTraining);
        }
    }

    private static Metrics running(double lossSum, Map<String, Double> sums, int seen) {
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("loss", lossSum / seen);
        for (Map.Entry<String, Double> e : sums.entrySet()) v.put(e.getKey(), e.getValue() / seen);
        return new Metrics(v, seen);
    }

    /** A step that leaves a weight non-finite is where training diverged, even when the loss before it was finite. */
    private void requireFinite(List<Parameter> params, int epoch, int batch, int batches) {
        for (Parameter p : params) {
            if (!p.value().allFinite()) {
                throw new TrainingDivergedException("training diverged: the step at epoch " + epoch + ", batch " + batch + " of " + batches
                        + " left non-finite values in parameter '" + p.name() + "' " + java.util.Arrays.toString(p.shape())
                        + " (learning rate " + optimizer.lr() + " too large?)", epoch, batch);
            }
        }
    }

    /** The values of every parameter and buffer, to put back later. */
    private record Snapshot(Map<Parameter, NDArray> params, Map<NDArray, NDArray> buffers) {
        static Snapshot of(Block model) {
            Map<Parameter, NDArray> p = new java.util.IdentityHashMap<>();
            for (Parameter q : model.parameters()) p.put(q, q.value().copy());
            Map<NDArray, NDArray> b = new java.util.IdentityHashMap<>();
            for (NDArray a : model.buffers()) b.put(a, a.copy());
            return new Snapshot(p, b);
        }

        void restore() {
            for (Map.Entry<Parameter, NDArray> e : params.entrySet()) e.getKey().set(e.getValue());
            for (Map.Entry<NDArray, NDArray> e : buffers.entrySet()) e.getKey().assign(e.getValue());
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double rate(long examples, long nanos) {
        return nanos > 0 ? examples / seconds(nanos) : 0;
    }

    /** Options for a {@link Trainer}; {@link #build()} validates them. */
    public static final class Builder<B> {
        private final Block model;
        private final Optimizer optimizer;
        private final Objective<B> objective;
        private int batchSize = 64, epochs = 1, evalBatchSize = 500, patience;
        private long seed;
        private DataSource<? extends B> validation;
        private String validationName = "validation";
        private Monitor monitor;
        private double minDelta, clipNorm;
        private boolean restoreBest;
        private ProgressListener listener = ProgressListener.NONE;

        private Builder(Block model, Optimizer optimizer, Objective<B> objective) {
            if (model == null || optimizer == null || objective == null) {
                throw new IllegalArgumentException("Trainer: model, optimizer and objective must not be null");
            }
            this.model = model;
            this.optimizer = optimizer;
            this.objective = objective;
        }

        /** Examples per training step (the last batch of an epoch may be smaller). */
        public Builder<B> batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Passes over the training set, at most (early stopping may end the run sooner). */
        public Builder<B> epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Seed of the minibatch shuffling. */
        public Builder<B> seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Examples per evaluation batch (memory only: the result does not depend on it beyond rounding); default 500. */
        public Builder<B> evalBatchSize(int evalBatchSize) {
            this.evalBatchSize = evalBatchSize;
            return this;
        }

        /** A held-out split evaluated after every epoch: what early stopping and {@link #restoreBest} judge by. */
        public Builder<B> validation(DataSource<? extends B> validation) {
            this.validation = validation;
            return this;
        }

        /** As {@link #validation(DataSource)}, calling the split {@code name} in progress and messages (e.g. "test"). */
        public Builder<B> validation(DataSource<? extends B> validation, String name) {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("Trainer: a split needs a name");
            this.validationName = name;
            return validation(validation);
        }

        /** The validation metric to judge by (default: the objective's, e.g. the loss). */
        public Builder<B> monitor(Monitor monitor) {
            this.monitor = monitor;
            return this;
        }

        /**
         * Stops when the monitored validation metric has not improved by more than
         * {@code minDelta} for {@code patience} epochs in a row, and puts the best epoch's
         * weights back (turn that off with {@link #restoreBest(boolean)}).
         */
        public Builder<B> earlyStopping(int patience, double minDelta) {
            this.patience = patience;
            this.minDelta = minDelta;
            this.restoreBest = true;
            return this;
        }

        /** {@link #earlyStopping(int, double)} with no minimum improvement. */
        public Builder<B> earlyStopping(int patience) {
            return earlyStopping(patience, 0);
        }

        /** Whether the weights of the best validation epoch are put back at the end. */
        public Builder<B> restoreBest(boolean on) {
            this.restoreBest = on;
            return this;
        }

        /** Rescales the gradients of every step to a total norm of at most {@code maxNorm} (0: off). */
        public Builder<B> clipGradNorm(double maxNorm) {
            this.clipNorm = maxNorm;
            return this;
        }

        /** Who hears about progress; default none. */
        public Builder<B> listener(ProgressListener listener) {
            this.listener = listener == null ? ProgressListener.NONE : listener;
            return this;
        }

        public Trainer<B> build() {
            if (batchSize <= 0) throw new IllegalArgumentException("Trainer: batch size must be > 0, got " + batchSize);
            if (epochs <= 0) throw new IllegalArgumentException("Trainer: epochs must be > 0, got " + epochs);
            if (evalBatchSize <= 0) throw new IllegalArgumentException("Trainer: evaluation batch size must be > 0, got " + evalBatchSize);
            if (patience < 0) throw new IllegalArgumentException("Trainer: patience must be >= 0, got " + patience);
            if (!(minDelta >= 0)) throw new IllegalArgumentException("Trainer: minDelta must be >= 0, got " + minDelta);
            if (!(clipNorm >= 0)) throw new IllegalArgumentException("Trainer: the gradient norm bound must be >= 0, got " + clipNorm);
            if ((patience > 0 || restoreBest || monitor != null) && validation == null) {
                throw new IllegalArgumentException("Trainer: early stopping, restoreBest and monitor judge a validation split; give one with validation(...)");
            }
            if (model.parameters().isEmpty()) throw new IllegalArgumentException("Trainer: model " + model.describe() + " has no parameters to train");
            return new Trainer<>(this);
        }
    }
}
