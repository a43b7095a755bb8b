package dev.motif.lab;

import dev.motif.data.Batches;
import dev.motif.data.DataSource;
import dev.motif.data.Labeled;
import dev.motif.nn.Block;
import dev.motif.optim.Adam;
import dev.motif.optim.Optimizer;
import dev.motif.optim.SGD;
import dev.motif.train.Figure;
import dev.motif.train.Metrics;
import dev.motif.train.Monitor;
import dev.motif.train.Objective;
import dev.motif.train.Objectives;
import dev.motif.train.ProgressListener;
import dev.motif.train.Stage;
import dev.motif.train.StageEnd;
import dev.motif.train.StageProgress;
import dev.motif.train.Step;
import dev.motif.train.Trainer;
import dev.motif.train.TrainingDivergedException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The experiments' training recipes on {@link Trainer}: step budgets, optimizers, a classifier
 * trained and scored, and progress counted across all the runs of an experiment.
 */
final class Training {
    private Training() {}

    /** Optimizer steps for {@code epochs} passes over {@code n} examples in batches of {@code batch}. */
    static int steps(int n, int batch, int epochs) {
        return Batches.count(n, batch) * epochs;
    }

    /**
     * The epochs that give at least {@code minSteps} optimizer steps on {@code n} examples: small
     * training sets are passed over more often, so every size gets about the same number of steps.
     */
    static int epochsFor(int n, int batch, int minSteps) {
        return Math.max(1, (minSteps + Batches.count(n, batch) - 1) / Batches.count(n, batch));
    }

    /** The Adam learning rates an arm is tuned over: a factor of about 3 apart, from 3e-5 to 3e-3. */
    static final double[] ADAM_GRID = {3e-5, 1e-4, 3e-4, 1e-3, 3e-3};

    /** SGD with momentum 0.9 at learning rate {@code lr}, over the model's unique parameters. */
    static Optimizer sgd(Block model, double lr) {
        return SGD.builder(model.parameters()).lr(lr).momentum(0.9).build();
    }

    /** Adam at learning rate {@code lr}, over the model's unique parameters. */
    static Optimizer adam(Block model, double lr) {
        return Adam.builder(model.parameters()).lr(lr).build();
    }

    /** Trains a classifier on {@code data} with softmax cross-entropy, batches shuffled by {@code seed}. */
    static void classifier(Block model, DataSource<? extends Labeled> data, int epochs, int batch, Optimizer opt, long seed, ProgressListener progress) {
        Trainer.builder(model, opt, Objectives.<Labeled>classification(model)).batchSize(batch).epochs(epochs).seed(seed).listener(progress).build()
                .fit(data);
    }

    /** The fraction of {@code data} whose largest logit is at its label, in evaluation mode. */
    static double accuracy(Block model, DataSource<? extends Labeled> data) {
        return Trainer.builder(model, sgd(model, 1), Objectives.<Labeled>classification(model)).build().evaluate(data).get("accuracy");
    }

    /**
     * {@code data} passed over {@code passes} times as one epoch of the trainer (index i is
     * example i mod n), so that a small training set is validated, and early-stopped, once per
     * round of about the same number of steps as a large one, instead of after every few steps.
     */
    static <B> DataSource<B> rounds(DataSource<B> data, int passes) {
        if (passes < 1) throw new IllegalArgumentException("rounds: passes must be >= 1, got " + passes);
        if (passes == 1) return data;
        int n = data.size();
        return new DataSource<>() {
            @Override
            public int size() {
                return n * passes;
            }

            @Override
            public B batch(int[] indices) {
                int[] wrapped = new int[indices.length];
                for (int i = 0; i < indices.length; i++) wrapped[i] = Math.floorMod(indices[i], n);
                return data.batch(wrapped);
            }
        };
    }

    /**
     * A trainer with the tuned experiments' recipe: Adam at {@code lr}, batches of {@code batch}
     * shuffled by {@code seed}, at most {@code epochs} epochs, {@code validation} evaluated after
     * each, and with {@code patience} > 0 early stopping on the objective's monitor, the best
     * epoch's weights restored (0: no early stopping, the last epoch's weights kept).
     */
    static <B> Trainer<B> tunedRecipe(Block model, Objective<B> objective, double lr, int batch, int epochs, long seed, DataSource<? extends B> validation,
                                      int patience, ProgressListener progress) {
        return tunedRecipe(model, adam(model, lr), objective, batch, epochs, seed, validation, patience, progress);
    }

    /** As above with a given optimizer (one that steps some parameters at their own rate). */
    static <B> Trainer<B> tunedRecipe(Block model, Optimizer optimizer, Objective<B> objective, int batch, int epochs, long seed,
                                      DataSource<? extends B> validation, int patience, ProgressListener progress) {
        Trainer.Builder<B> b = Trainer.builder(model, optimizer, objective).batchSize(batch).epochs(epochs).seed(seed).validation(validation)
                .listener(progress);
        if (patience > 0) b.earlyStopping(patience);
        return b.build();
    }

    /** A validation metric computed from an objective's own metrics and the data they were measured on. */
    @FunctionalInterface
    interface Measure<B> {
        double of(Metrics metrics, DataSource<? extends B> data, int batchSize);
    }

    /**
     * {@code objective} with one more metric in its evaluation, {@code monitor.metric()} computed
     * by {@code measure}, and that metric as the one early stopping watches: how an experiment
     * judges every arm by the same yardstick when their objectives differ.
     */
    static <B> Objective<B> judgedBy(Objective<B> objective, Monitor monitor, Measure<B> measure) {
        return new Objective<>() {
            @Override
            public Step loss(B batch) {
                return objective.loss(batch);
            }

            @Override
            public Metrics evaluate(DataSource<? extends B> data, int batchSize) {
                Metrics m = objective.evaluate(data, batchSize);
                Map<String, Double> v = new LinkedHashMap<>(m.values());
                v.put(monitor.metric(), measure.of(m, data, batchSize));
                return new Metrics(v, m.count());
            }

            @Override
            public void check(DataSource<? extends B> data, String split) {
                objective.check(data, split);
            }

            @Override
            public Monitor monitor() {
                return monitor;
            }
        };
    }

    /** One training run with a seed and a learning rate, giving an outcome of type {@code R}. */
    @FunctionalInterface
    interface Run<R> {
        R train(long seed, double lr);
    }

    /** How many times a grid is extended beyond an edge that won, one step a time. */
    static final int EXTENSIONS = 2;

    /**
     * The runs of one arm over the seeds of {@code settings}, with its learning rate tuned:
     * the first seed is trained at every rate of {@code grid} and the one with the best
     * validation score wins (its run is the first seed's result, not trained again); the other
     * seeds train at the winner. When the winner is the grid's smallest or largest rate, the
     * first seed also tries the next rate beyond it, half a decade on (1e-5 after 3e-5), up to
     * {@value #EXTENSIONS} times, so that the winner is bracketed where the budget allows. The
     * quick run skips the tuning and trains every seed at {@code quickLr}. A rate at which the
     * first seed diverges scores NaN and cannot win.
     *
     * @param higherIsBetter whether a larger validation score is better (an AUC) or a smaller (a loss)
     */
    static <R> Tuned<R> tuned(Settings settings, double[] grid, double quickLr, boolean higherIsBetter, ToDoubleFunction<R> validation, Run<R> run) {
        List<R> runs = new ArrayList<>();
        if (settings.quick()) {
            for (int r = 0; r < settings.seeds(); r++) runs.add(run.train(settings.seed() + r, quickLr));
            return new Tuned<>(quickLr, grid.clone(), null, runs);
        }
        TreeMap<Double, Double> scores = new TreeMap<>();
        R best = null;
        double lr = Double.NaN;
        double[] next = grid.clone();
        for (int extensions = 0; ; extensions++) {
            for (double rate : next) {
                R r;
                double score;
                try {
                    r = run.train(settings.seed(), rate);
                    score = validation.applyAsDouble(r);
                } catch (TrainingDivergedException e) {
                    // A rate too large for the arm is a result of the tuning, not a failure of the experiment.
                    r = null;
                    score = Double.NaN;
                }
                scores.put(rate, score);
                // NaN never wins: a diverged or broken run must not be chosen by a comparison that is always false.
                if (!Double.isNaN(score) && (best == null || (higherIsBetter ? score > validation.applyAsDouble(best) : score < validation.applyAsDouble(best)))) {
                    best = r;
                    lr = rate;
                }
            }
            if (best == null) throw new IllegalStateException("no learning rate of " + scores.keySet() + " gave a finite validation score");
            boolean low = lr == scores.firstKey(), high = lr == scores.lastKey();
            if (extensions == EXTENSIONS || !(low || high)) break;
            next = new double[] {beyond(lr, low ? -1 : 1)};
        }
        runs.add(best);
        for (int r = 1; r < settings.seeds(); r++) runs.add(run.train(settings.seed() + r, lr));
        return new Tuned<>(lr, scores.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                scores.values().stream().mapToDouble(Double::doubleValue).toArray(), runs);
    }

    /** The rate half a decade below ({@code direction} −1) or above (+1) {@code rate}, to one significant digit: 3e-5 → 1e-5 → 3e-6. */
    static double beyond(double rate, int direction) {
        double exponent = Math.round((Math.log10(rate) + 0.5 * direction) * 2) / 2.0;
        return new java.math.BigDecimal(Math.pow(10, exponent)).round(new java.math.MathContext(1)).doubleValue();
    }

    /**
     * An arm's runs: the learning rate they used, the rates tried for it in increasing order
     * (the grid and any extension) and the first seed's validation score at each (null for the
     * quick run, which is not tuned), and one outcome per seed.
     */
    record Tuned<R>(double lr, double[] grid, double[] scores, List<R> runs) {
        Tuned {
            runs = List.copyOf(runs);
        }

        /** A value of every seed's outcome, in seed order. */
        double[] each(ToDoubleFunction<R> f) {
            return runs.stream().mapToDouble(f).toArray();
        }

        /** Whether the winner is the smallest or largest rate tried, extensions included, so that one beyond it might have done better. */
        boolean atEdge() {
            return scores != null && (lr == grid[0] || lr == grid[grid.length - 1]);
        }

        /** The grid's validation scores as "3e-4: 0.912, 1e-3: 0.934, 3e-3: diverged". */
        String scoresText() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < grid.length; i++) {
                sb.append(i > 0 ? ", " : "").append(rate(grid[i])).append(": ")
                        .append(Double.isNaN(scores[i]) ? "diverged" : String.format(Locale.ROOT, "%.4f", scores[i]));
            }
            return sb.toString();
        }

        /** The grid's validation scores for the JSON: one {@code {"lr": …, "validation": …}} per rate (null where it diverged). */
        List<Map<String, Object>> byRate() {
            List<Map<String, Object>> out = new ArrayList<>();
            for (int i = 0; i < grid.length; i++) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("lr", grid[i]);
                m.put("validation", Double.isNaN(scores[i]) ? null : scores[i]);
                out.add(m);
            }
            return out;
        }
    }

    /** A learning rate as people write it: 3e-4, 1e-3, 0.05. */
    static String rate(double lr) {
        String s = String.format(Locale.ROOT, "%.0e", lr).replace("e-0", "e-").replace("e+00", "");
        return Math.abs(Double.parseDouble(s) - lr) < 1e-12 * lr ? s : String.valueOf(lr);
    }

    /**
     * Counts the training steps of every run of an experiment as one stage: each trainer's step
     * advances it, and {@link #finish} ends it.
     */
    static final class Steps implements ProgressListener {
        private final String stage;
        private final long total;
        private final ProgressListener out;
        private final long start = System.nanoTime();
        private long done;

        Steps(String stage, long total, ProgressListener out) {
            this.stage = stage;
            this.total = total;
            this.out = out;
            out.stageStarted(new Stage(stage, total, "step"));
        }

        @Override
        public void stageProgress(StageProgress p) {
            done++;
            double elapsed = (System.nanoTime() - start) / 1e9, rate = elapsed > 0 ? done / elapsed : Double.NaN;
            out.stageProgress(new StageProgress(stage, done, total, "step", p.figures(), elapsed, rate, "step/s",
                    rate > 0 ? (total - done) / rate : Double.NaN));
        }

        void finish(List<Figure> figures) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            out.stageEnded(new StageEnd(stage, figures, elapsed, elapsed > 0 ? done / elapsed : Double.NaN, "step/s"));
        }
    }
}
