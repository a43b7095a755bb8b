package dev.motif.lab;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.data.LabeledData;
import dev.motif.train.ProgressListener;
import dev.motif.nn.Activation;
import dev.motif.nn.Conv2d;
import dev.motif.nn.GlobalMaxPool;
import dev.motif.nn.Linear;
import dev.motif.nn.Sequential;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * {@code downsides}: a task where the same pattern does not mean the same thing everywhere.
 * Images of {@value #SIZE}×{@value #SIZE} pixels hold one short horizontal bar (1×{@value #BAR}, value 1)
 * on Gaussian noise (sd {@value #NOISE}); the class is whether the bar is in the top half (0) or
 * the bottom half (1). Bars keep two pixels from every edge, so every 3×3 window that touches a
 * bar lies inside the image in both halves.
 *
 * <p>The shared model, Conv2d(1 → {@value #FILTERS}, 3) ReLU GlobalMaxPool Linear({@value #FILTERS} → 2),
 * computes the same features for a bar wherever it is (up to the noise): it is translation
 * invariant by construction. Its untied twin ({@code untie(1, 1, 16, 16)}: one kernel per output
 * position, then the same global pooling and head) can weigh the two halves differently. Both are
 * trained from the same initial kernels at every size. Recipe: F64, SGD momentum 0.9, learning
 * rate 0.05, batch 32, at least 300 steps per run, 1,000 test images. The standard run (sizes 10
 * to 1,000, 3 seeds) takes about a minute on 2 busy cores; the quick run (300 images, one seed) a
 * few seconds.
 */
public final class Downsides implements Experiment {
    public static final int SIZE = 16, BAR = 4, FILTERS = 8, BATCH = 32, MIN_STEPS = 300;
    public static final double NOISE = 0.1, LR = 0.05;

    @Override
    public String name() {
        return "downsides";
    }

    @Override
    public String summary() {
        return "where sharing hurts: a bar means class A on top and class B below; conv+global pool vs its untied twin";
    }

    /** Images (N, 1, 16, 16) in F64, labels (0 = top half, 1 = bottom half), and each bar's row and first column. */
    public record Bars(NDArray x, int[] labels, int[] row, int[] column) {}

    /** {@code n} images, alternating top and bottom, with bars and noise drawn from {@code rng}; {@code noise} may be 0. */
    public static Bars generate(int n, double noise, RandomGenerator rng) {
        double[] d = new double[n * SIZE * SIZE];
        int[] labels = new int[n], row = new int[n], col = new int[n];
        int half = SIZE / 2, rows = half - 4; // rows 2..5 on top, 10..13 below: two pixels from the edges and the middle
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            row[i] = 2 + rng.nextInt(rows) + labels[i] * half;
            col[i] = 2 + rng.nextInt(SIZE - 4 - BAR + 1);
            int base = i * SIZE * SIZE;
            if (noise > 0) for (int p = 0; p < SIZE * SIZE; p++) d[base + p] = noise * rng.nextGaussian();
            for (int c = 0; c < BAR; c++) d[base + row[i] * SIZE + col[i] + c] += 1;
        }
        return new Bars(NDArray.of(d, n, 1, SIZE, SIZE), labels, row, col);
    }

    /** Conv2d(1 → filters, 3) ReLU GlobalMaxPool Linear(filters → 2), in F64. */
    public static Sequential sharedModel(int filters, RandomGenerator rng) {
        return new Sequential(new Conv2d(1, filters, 3, DType.F64, rng), Activation.relu(), new GlobalMaxPool(),
                new Linear(filters, 2, DType.F64, rng));
    }

    static int[] sizes(Settings s) {
        return s.quick() ? new int[] {300} : new int[] {10, 20, 50, 100, 300, 1000};
    }

    @Override
    public Report run(Settings settings, ProgressListener progress) {
        int[] sizes = sizes(settings);
        int testSize = 1000, seeds = settings.seeds();
        Bars test = generate(testSize, NOISE, new SplittableRandom(settings.seed() ^ 0xba55L));
        long total = 0;
        for (int n : sizes) total += 2L * seeds * Training.steps(n, BATCH, Training.epochsFor(n, BATCH, MIN_STEPS));
        Training.Steps counter = new Training.Steps("downsides", total, progress);
        double[][] shared = new double[sizes.length][seeds], untied = new double[sizes.length][seeds];
        long sharedParams = 0, untiedParams = 0;
        for (int si = 0; si < sizes.length; si++) {
            int n = sizes[si], epochs = Training.epochsFor(n, BATCH, MIN_STEPS);
            for (int r = 0; r < seeds; r++) {
                long seed = settings.seed() + r;
                Bars train = generate(n, NOISE, new SplittableRandom(seed * 1_000_003L + n));
                Sequential conv = sharedModel(FILTERS, new SplittableRandom(seed));
                Sequential twin = conv.untie(1, 1, SIZE, SIZE); // same starting kernels, copied before training
                sharedParams = conv.parameterCount();
                untiedParams = twin.parameterCount();
                Training.classifier(conv, new LabeledData(train.x(), train.labels(), 2), epochs, BATCH, Training.sgd(conv, LR), seed, counter);
                Training.classifier(twin, new LabeledData(train.x(), train.labels(), 2), epochs, BATCH, Training.sgd(twin, LR), seed, counter);
                shared[si][r] = Training.accuracy(conv, new LabeledData(test.x(), test.labels(), 2));
                untied[si][r] = Training.accuracy(twin, new LabeledData(test.x(), test.labels(), 2));
            }
        }

        counter.finish(List.of());
        List<List<String>> rows = new ArrayList<>();
        double[] x = new double[sizes.length], ms = new double[sizes.length], ss = new double[sizes.length], mu = new double[sizes.length], su = new double[sizes.length];
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int si = 0; si < sizes.length; si++) {
            int n = sizes[si], steps = Training.steps(n, BATCH, Training.epochsFor(n, BATCH, MIN_STEPS));
            x[si] = n;
            ms[si] = Stats.mean(shared[si]);
            ss[si] = Stats.sd(shared[si]);
            mu[si] = Stats.mean(untied[si]);
            su[si] = Stats.sd(untied[si]);
            rows.add(List.of(String.format(Locale.ROOT, "%,d", n), String.valueOf(steps), Stats.meanSd(shared[si]), Stats.meanSd(untied[si])));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("size", n);
            m.put("steps", steps);
            m.put("conv", shared[si].clone());
            m.put("untied", untied[si].clone());
            runs.add(m);
        }
        Table table = new Table(List.of("training images", "steps", "conv + global max pool accuracy", "untied twin accuracy"), rows);
        Figure figure = new Figure("Top or bottom? A task sharing cannot do", "training images", "test accuracy", true, List.of(
                new Figure.Curve("conv + global max pool (" + sharedParams + " parameters)", x, ms, ss),
                new Figure.Curve("untied twin (" + untiedParams + " parameters)", x, mu, su)));

        int last = sizes.length - 1;
        double sharedMin = Double.MAX_VALUE, sharedMax = -1;
        for (double m : ms) {
            sharedMin = Math.min(sharedMin, m);
            sharedMax = Math.max(sharedMax, m);
        }
        List<String> findings = new ArrayList<>();
        findings.add(String.format(Locale.ROOT, "%d×%d images, one 1×%d bar on noise of sd %.1f; class = top or bottom half (chance 0.5); %,d test images; %d seed(s) per size.",
                SIZE, SIZE, BAR, NOISE, testSize, seeds));
        if (sizes.length == 1) {
            findings.add(String.format(Locale.ROOT, "With %,d training images the shared conv with global max pooling (%,d parameters) scores %.3f test accuracy, its untied twin (%,d parameters) %.3f.",
                    sizes[0], sharedParams, ms[0], untiedParams, mu[0]));
        } else {
            findings.add(String.format(Locale.ROOT, "The shared conv with global max pooling (%,d parameters) scores between %.3f and %.3f mean test accuracy over training sizes %,d to %,d.",
                    sharedParams, sharedMin, sharedMax, sizes[0], sizes[last]));
            findings.add(String.format(Locale.ROOT, "Its untied twin (%,d parameters) scores %.3f with %,d training images and %.3f with %,d.",
                    untiedParams, mu[0], sizes[0], mu[last], sizes[last]));
        }
        int first90 = -1;
        for (int si = 0; si < sizes.length; si++) if (first90 < 0 && mu[si] >= 0.9) first90 = si;
        findings.add(first90 < 0
                ? String.format(Locale.ROOT, "The untied twin does not reach 0.9 mean accuracy up to %,d training images.", sizes[last])
                : String.format(Locale.ROOT, "The untied twin first reaches 0.9 mean accuracy at %,d training images.", sizes[first90]));

        Map<String, Object> data = new LinkedHashMap<>();
        data.put("imageSize", SIZE);
        data.put("barLength", BAR);
        data.put("noise", NOISE);
        data.put("testSize", testSize);
        data.put("convParameters", sharedParams);
        data.put("untiedParameters", untiedParams);
        data.put("runs", runs);
        return new Report(name(), "Downsides of sharing: position decides the class", table, figure, findings, data);
    }
}
