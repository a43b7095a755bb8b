package dev.motif.lab;

import dev.motif.data.Batches;
import dev.motif.data.DataSource;
import dev.motif.data.Labeled;
import dev.motif.nn.Block;
import dev.motif.optim.Adam;
import dev.motif.optim.Optimizer;
import dev.motif.optim.SGD;
import dev.motif.train.Figure;
import dev.motif.train.Objectives;
import dev.motif.train.ProgressListener;
import dev.motif.train.Stage;
import dev.motif.train.StageEnd;
import dev.motif.train.StageProgress;
import dev.motif.train.Trainer;

import java.util.List;

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
