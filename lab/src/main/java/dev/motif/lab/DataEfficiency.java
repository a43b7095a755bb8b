package dev.motif.lab;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.data.FashionMnist;
import dev.motif.data.ImageDataset;
import dev.motif.data.TrainTest;
import dev.motif.nn.Sequential;
import dev.motif.optim.SGD;
import dev.motif.train.Trainer;
import dev.motif.train.Objectives;
import dev.motif.train.ProgressListener;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code data-efficiency}: how many Fashion-MNIST training images each model needs. Three
 * models from {@link SeedNets}: the conv net, its untied twin ({@code conv.untie(1, 1, 28, 28)}: the
 * same starting kernels, copied to every position and trained unshared) and the dense net.
 *
 * <p>Recipe, as {@code motif train}: F32, standardized pixels, SGD momentum 0.9, learning rate
 * 0.05, batch 64. Budget: every model at a given size takes the same number of optimizer steps,
 * {@code epochs = max(1, ceil(200 / batches per epoch))}, so at least 200 steps at every size
 * (200 at 100 and 300 images, 208 at 1,000, 235 at 3,000, 314 at 10,000, 938 at 60,000). The
 * training subset of size n is a class-balanced draw (n/10 per class) with the run's seed; the test
 * set is a fixed class-balanced subset of 2,000 test images. Data: {@code --data}, else Debian's
 * {@value FashionMnist#DEBIAN_DIR}, else the 3,000 shipped training images (sizes above 3,000
 * dropped). The standard run (sizes 100 to 10,000, 3 seeds) took 10.4 minutes on 2 cores under
 * light load (23 minutes under a load of about 10; the same numbers both times); {@code --full}
 * adds 60,000 images, 938 steps per model and seed, which about doubles it.
 *
 * <p>The twin's kernels start as copies of the conv's, but each position's kernel receives only
 * its own position's share of the gradient the shared kernel sums, so at the same learning rate
 * they move much less; the report measures how far each model's first layer moved.
 *
 * <p>The quick run (the tour's): shipped data, sizes 100 and 300, 20 steps each, 500 test images: about 15 s.
 */
public final class DataEfficiency implements Experiment {
    public static final int BATCH = 64, MIN_STEPS = 200, QUICK_STEPS = 20, TEST_SIZE = 2000, QUICK_TEST_SIZE = 500;
    public static final double LR = 0.05;
    static final String[] MODELS = {"conv", "untied conv", "dense"};

    @Override
    public String name() {
        return "data-efficiency";
    }

    @Override
    public String summary() {
        return "test accuracy vs training-set size: conv vs its untied twin vs dense, on Fashion-MNIST";
    }

    /**
     * The training-set size at which a curve first reaches {@code target}, interpolated linearly
     * in log size between the two measured sizes around it; the first size if it starts at or above
     * the target; NaN if it never reaches it.
     */
    public static double sizeToReach(int[] sizes, double[] accuracy, double target) {
        for (int i = 0; i < sizes.length; i++) {
            if (accuracy[i] >= target) {
                if (i == 0) return sizes[0];
                double f = (target - accuracy[i - 1]) / (accuracy[i] - accuracy[i - 1]);
                return Math.exp(Math.log(sizes[i - 1]) + f * (Math.log(sizes[i]) - Math.log(sizes[i - 1])));
            }
        }
        return Double.NaN;
    }

    @Override
    public Report run(Settings settings, ProgressListener progress) throws IOException {
        FashionData loaded = FashionData.of(settings);
        String source = loaded.source();
        TrainTest data = loaded.data();
        data = data.standardized();
        List<Integer> sizeList = new ArrayList<>();
        for (int n : settings.quick() ? new int[] {100, 300} : settings.full() ? new int[] {100, 300, 1000, 3000, 10000, 60000} : new int[] {100, 300, 1000, 3000, 10000}) {
            if (n <= data.train().size()) sizeList.add(n);
        }
        List<String> dropped = new ArrayList<>();
        for (int n : settings.full() ? new int[] {10000, 60000} : new int[] {10000}) if (!settings.quick() && n > data.train().size()) dropped.add(String.format(Locale.ROOT, "%,d", n));
        int[] sizes = sizeList.stream().mapToInt(Integer::intValue).toArray();
        int minSteps = settings.quick() ? QUICK_STEPS : MIN_STEPS, testSize = Math.min(data.test().size(), settings.quick() ? QUICK_TEST_SIZE : TEST_SIZE);
        ImageDataset test = data.test().subset(ImageDataset.balancedIndices(data.test().labels(), 10, testSize / 10, new SplittableRandom(0)));
        int seeds = settings.seeds();

        long total = 0;
        for (int n : sizes) total += 3L * seeds * Training.steps(n, BATCH, Training.epochsFor(n, BATCH, minSteps));
        Training.Steps counter = new Training.Steps("data-efficiency", total, progress);
        double[][][] acc = new double[3][sizes.length][seeds], moved = new double[3][sizes.length][seeds];
        long[] params = new long[3];
        for (int si = 0; si < sizes.length; si++) {
            int n = sizes[si], epochs = Training.epochsFor(n, BATCH, minSteps);
            for (int r = 0; r < seeds; r++) {
                long seed = settings.seed() + r;
                ImageDataset train = data.train().subset(ImageDataset.balancedIndices(data.train().labels(), 10, n / 10, new SplittableRandom(seed)));
                Sequential conv = SeedNets.conv(DType.F32, new SplittableRandom(seed));
                Sequential[] models = {conv, conv.untie(1, 1, 28, 28), SeedNets.dense(DType.F32, new SplittableRandom(seed))};
                for (int m = 0; m < 3; m++) {
                    params[m] = models[m].parameterCount();
                    // How far training moves the first layer (for the twin: every position's own kernel) from where it started.
                    NDArray start = models[m].parameters().get(0).value().copy();
                    var t = Trainer.builder(models[m], SGD.builder(models[m].parameters()).lr(LR).momentum(0.9).build(), Objectives.classification(models[m]))
                            .batchSize(BATCH).epochs(epochs).seed(seed).listener(counter).build();
                    t.fit(train);
                    acc[m][si][r] = t.evaluate(test).get("accuracy");
                    moved[m][si][r] = norm(models[m].parameters().get(0).value().sub(start)) / norm(start);
                }
            }
        }

        counter.finish(List.of());
        double[][] mean = new double[3][sizes.length], sd = new double[3][sizes.length];
        double[] x = new double[sizes.length];
        List<List<String>> rows = new ArrayList<>();
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int si = 0; si < sizes.length; si++) {
            x[si] = sizes[si];
            int steps = Training.steps(sizes[si], BATCH, Training.epochsFor(sizes[si], BATCH, minSteps));
            List<String> row = new ArrayList<>(List.of(String.format(Locale.ROOT, "%,d", sizes[si]), String.valueOf(steps)));
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("size", sizes[si]);
            run.put("steps", steps);
            for (int m = 0; m < 3; m++) {
                mean[m][si] = Stats.mean(acc[m][si]);
                sd[m][si] = Stats.sd(acc[m][si]);
                row.add(Stats.meanSd(acc[m][si]));
                run.put(MODELS[m], acc[m][si].clone());
                run.put(MODELS[m] + " first-layer change", moved[m][si].clone());
            }
            rows.add(row);
            runs.add(run);
        }
        Table table = new Table(List.of("training images", "steps", "conv", "untied conv", "dense"), rows);
        List<Figure.Curve> curves = new ArrayList<>();
        for (int m = 0; m < 3; m++) curves.add(new Figure.Curve(String.format(Locale.ROOT, "%s (%,d parameters)", MODELS[m], params[m]), x, mean[m], sd[m]));
        Figure figure = new Figure("Fashion-MNIST: test accuracy vs training images", "training images", "test accuracy", true, curves);

        List<String> findings = new ArrayList<>();
        findings.add(String.format(Locale.ROOT, "Data: %s; class-balanced training subsets; %,d fixed test images; %d seed(s) per size; test accuracy mean ± sd over seeds.",
                source, testSize, seeds));
        if (!dropped.isEmpty()) findings.add("Sizes " + String.join(", ", dropped) + " were dropped: the data has only "
                + String.format(Locale.ROOT, "%,d", data.train().size()) + " training images.");
        double target = mean[0][0];
        Map<String, Object> reach = new LinkedHashMap<>();
        for (int m = 1; m < 3; m++) {
            double n = sizeToReach(sizes, mean[m], target);
            reach.put(MODELS[m], Double.isNaN(n) ? null : n);
            if (Double.isNaN(n)) {
                findings.add(String.format(Locale.ROOT, "The %s does not reach the conv's accuracy at %,d images (%.3f) up to %,d images (best %.3f).",
                        MODELS[m], sizes[0], target, sizes[sizes.length - 1], max(mean[m])));
            } else if (n <= sizes[0]) {
                findings.add(String.format(Locale.ROOT, "The %s already matches the conv's accuracy at %,d images (%.3f): %.3f.", MODELS[m], sizes[0], target, mean[m][0]));
            } else {
                findings.add(String.format(Locale.ROOT, "The %s first matches the conv's accuracy at %,d images (%.3f) at about %,.0f images (%.1f× the data, log-interpolated).",
                        MODELS[m], sizes[0], target, n, n / sizes[0]));
            }
        }
        int last = sizes.length - 1;
        findings.add(String.format(Locale.ROOT, "At %,d images: conv %.3f, untied conv %.3f, dense %.3f.", sizes[last], mean[0][last], mean[1][last], mean[2][last]));
        findings.add(String.format(Locale.ROOT, "Relative change of the first layer's weights in training, ‖W − W₀‖/‖W₀‖, at %,d and %,d images: conv %.3g and %.3g, untied conv %.3g and %.3g, dense %.3g and %.3g.",
                sizes[0], sizes[last], Stats.mean(moved[0][0]), Stats.mean(moved[0][last]), Stats.mean(moved[1][0]), Stats.mean(moved[1][last]),
                Stats.mean(moved[2][0]), Stats.mean(moved[2][last])));

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", source);
        out.put("testSize", testSize);
        out.put("batch", BATCH);
        out.put("learningRate", LR);
        out.put("minSteps", minSteps);
        out.put("parameters", Map.of("conv", params[0], "untied conv", params[1], "dense", params[2]));
        out.put("runs", runs);
        out.put("sizeToMatchConvAtSmallest", reach);
        return new Report(name(), "Data efficiency: conv vs untied conv vs dense", table, figure, findings, out);
    }

    private static double norm(NDArray a) {
        double s = 0;
        for (double v : a.toDoubleArray()) s += v * v;
        return Math.sqrt(s);
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double d : v) m = Math.max(m, d);
        return m;
    }
}
