package dev.motif.lab;

import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.data.Batches;
import dev.motif.nn.Losses;
import dev.motif.nn.Block;
import dev.motif.optim.Adam;
import dev.motif.optim.Optimizer;
import dev.motif.optim.SGD;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Minibatch training for the synthetic experiments, whose inputs (DNA as (N, 4, L), images as
 * (N, 1, H, W)) are plain arrays: softmax cross-entropy, a given optimizer, batches shuffled by a
 * seed. The Fashion-MNIST experiment uses {@link dev.motif.train.Trainer} instead.
 */
final class Fit {
    private Fit() {}

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

    /** Trains {@code model} on ({@code x}, {@code y}) with {@code opt}; calls {@code afterStep} after every step. */
    static void train(Block model, NDArray x, int[] y, int epochs, int batch, Optimizer opt, long seed, Runnable afterStep) {
        SplittableRandom rng = new SplittableRandom(seed);
        model.train(true);
        for (int e = 0; e < epochs; e++) {
            for (int[] idx : Batches.shuffled(y.length, batch, rng)) {
                opt.zeroGrad();
                Tensor loss = Losses.crossEntropy(model.forward(Tensor.constant(x.indexSelect(0, idx))), pick(y, idx));
                loss.backward();
                opt.step();
                if (!Double.isFinite(loss.item())) throw new IllegalStateException(model.describe() + ": loss became " + loss.item() + " (learning rate " + opt.lr() + ")");
                afterStep.run();
            }
        }
    }

    /** The fraction of examples whose largest logit is at their label. */
    static double accuracy(Block model, NDArray x, int[] y) {
        return Autodiff.noGrad(() -> {
            long correct = 0;
            for (int[] idx : Batches.sequential(y.length, 500)) {
                NDArray predicted = model.forward(Tensor.constant(x.indexSelect(0, idx))).value().argmax(1, false);
                for (int i = 0; i < idx.length; i++) if ((int) predicted.getFlat(i) == y[idx[i]]) correct++;
            }
            return (double) correct / y.length;
        });
    }

    static int[] pick(int[] y, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) out[i] = y[idx[i]];
        return out;
    }

    /** Mean of the values. */
    static double mean(double[] v) {
        double s = 0;
        for (double d : v) s += d;
        return s / v.length;
    }

    /** Sample standard deviation (n − 1); 0 for a single value. */
    static double sd(double[] v) {
        if (v.length < 2) return 0;
        double m = mean(v), s = 0;
        for (double d : v) s += (d - m) * (d - m);
        return Math.sqrt(s / (v.length - 1));
    }

    /** "0.812 ± 0.011" (one value: no ± part). */
    static String meanSd(double[] v) {
        return v.length < 2 ? String.format(java.util.Locale.ROOT, "%.3f", v[0]) : String.format(java.util.Locale.ROOT, "%.3f ± %.3f", mean(v), sd(v));
    }

    static double[] toArray(List<Double> v) {
        double[] a = new double[v.size()];
        for (int i = 0; i < a.length; i++) a[i] = v.get(i);
        return a;
    }
}
