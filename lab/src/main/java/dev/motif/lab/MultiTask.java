package dev.motif.lab;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
import dev.motif.data.Batches;
import dev.motif.data.DataSource;
import dev.motif.data.FashionMnist;
import dev.motif.data.ImageDataset;
import dev.motif.data.TrainTest;
import dev.motif.nn.Activation;
import dev.motif.nn.Block;
import dev.motif.nn.Flatten;
import dev.motif.nn.Linear;
import dev.motif.nn.Sequential;
import dev.motif.nn.UncertaintyWeighting;
import dev.motif.optim.Optimizer;
import dev.motif.train.Metrics;
import dev.motif.train.Monitor;
import dev.motif.train.Objective;
import dev.motif.train.Objectives;
import dev.motif.train.ProgressListener;
import dev.motif.train.Task;
import dev.motif.train.TrainResult;
import dev.motif.train.Trainer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * {@code multitask}: does one backbone under several heads do as well as a model per task?
 * Three tasks on every Fashion-MNIST image: its class (10), its coarse group ({@link #GROUPS}:
 * tops are T-shirt/top, Pullover, Dress, Coat and Shirt; bottoms Trouser; footwear Sandal,
 * Sneaker and Ankle boot; bags Bag) and its ink fraction, the fraction of its 784 pixels whose
 * value in [0, 1] (the byte over 255) is above {@value #INK_THRESHOLD}, a regression target.
 *
 * <p>Arms, at each training-set size: one backbone with three heads trained with fixed loss
 * weights (1, 1, 1 on cross-entropy, cross-entropy and the squared error of the standardized ink
 * fraction), the same with weights learned from each task's uncertainty
 * ({@link UncertaintyWeighting}, Kendall et al. 2018; its log-variances stepped by Adam at
 * {@value #WEIGHTING_LR} whatever the network's rate, or they barely move), and three single-task models, each the
 * same backbone with one head. Backbone: Flatten Linear(784 → {@value #HIDDEN}) ReLU
 * Linear({@value #HIDDEN} → {@value #FEATURES}) ReLU, F32, on standardized pixels; heads are
 * linear. For a seed every arm starts from the same backbone, and every task's head from the same
 * weights (each head has its own generator), so the arms differ only in what they share.
 *
 * <p>Data and budget, the same for every arm: training images are a class-balanced draw by the
 * seed from the training file, minus a fixed validation split of {@value #VALIDATION_PER_CLASS}
 * per class; the ink target is standardized with the whole training file's mean and sd, and its
 * RMSE reported in fraction units. A round is as many passes over the training images as make at
 * least {@value #ROUND_STEPS} steps of batch {@value #BATCH}, so small sets are validated as
 * often, in steps, as large ones. Every model early-stops on the sum of its tasks' validation
 * losses (its own loss, for a single-task model), after {@value #PATIENCE} rounds without
 * improvement, at most {@value #MAX_ROUNDS}, and keeps its best round's weights. Adam at each of
 * {@link #LEARNING_RATES} for the first seed of each size and arm (each single-task model tuned on
 * its own; up to two rates beyond a winning edge), lowest validation loss wins. Test: the whole
 * test set. {@code --full} adds all 58,000 training images outside the validation split. The
 * standard run (sizes 300 to 10,000, 3 seeds, 5 arms) took 4.9 minutes on 2 cores under a load
 * of 1 to 2, and 6.1 minutes under a load of about 5.
 *
 * <p>The quick run (the tour's): the shipped subset, 1,000 training images, Adam at
 * {@value #QUICK_LR} for {@value #QUICK_ROUNDS} rounds: a few seconds.
 */
public final class MultiTask implements Experiment {
    public static final int HIDDEN = 128, FEATURES = 64, BATCH = 64, ROUND_STEPS = 50, PATIENCE = 5, MAX_ROUNDS = 100, VALIDATION_PER_CLASS = 200;
    public static final int QUICK_SIZE = 1000, QUICK_ROUNDS = 4, QUICK_VALIDATION_PER_CLASS = 50;
    public static final double INK_THRESHOLD = 0.5, QUICK_LR = 1e-3;
    /** Adam's rate for the learned log-variances, whatever the network's tuned rate. */
    static final double WEIGHTING_LR = 1e-2;
    static final double[] LEARNING_RATES = Training.ADAM_GRID;
    static final int[] SIZES = {300, 1000, 3000, 10_000}, FULL_SIZES = {300, 1000, 3000, 10_000, 58_000};

    /** The coarse groups, by group label. */
    public static final List<String> GROUPS = List.of("tops", "bottoms", "footwear", "bags");
    /** The group label of each Fashion-MNIST class, by class label ({@link FashionMnist#CLASS_NAMES}). */
    private static final int[] GROUP_OF_CLASS = {0, 1, 0, 0, 0, 2, 0, 2, 3, 2};

    /** The three tasks: names of the heads and of the metrics. */
    public static final String CLASS = "class", GROUP = "group", INK = "ink";
    static final List<String> TASKS = List.of(CLASS, GROUP, INK);

    /** The arms: two multi-task models, and the three single-task models that together are the third arm. */
    public enum Arm {
        FIXED("multi-task fixed", TASKS, false), UNCERTAINTY("multi-task uncertainty", TASKS, true),
        CLASS_ONLY("single-task class", List.of(CLASS), false), GROUP_ONLY("single-task group", List.of(GROUP), false),
        INK_ONLY("single-task ink", List.of(INK), false);

        private final String label;
        private final List<String> tasks;
        private final boolean uncertainty;

        Arm(String label, List<String> tasks, boolean uncertainty) {
            this.label = label;
            this.tasks = tasks;
            this.uncertainty = uncertainty;
        }

        /** The tasks its model has heads for. */
        public List<String> tasks() {
            return tasks;
        }

        /** Whether its loss weights are learned. */
        public boolean uncertainty() {
            return uncertainty;
        }

        /** The single-task arm of a task. */
        public static Arm single(String task) {
            return switch (task) {
                case CLASS -> CLASS_ONLY;
                case GROUP -> GROUP_ONLY;
                case INK -> INK_ONLY;
                default -> throw new IllegalArgumentException("no task '" + task + "'; the tasks are " + TASKS);
            };
        }

        /** "multi-task fixed", "single-task ink": the arm's key in the report. */
        @Override
        public String toString() {
            return label;
        }
    }

    @Override
    public String name() {
        return "multitask";
    }

    @Override
    public String summary() {
        return "one backbone, three heads (class, coarse group, ink) vs three single-task models, fixed and uncertainty loss weights";
    }

    /** The coarse group of a class label: 0 tops, 1 bottoms, 2 footwear, 3 bags. */
    public static int groupOf(int classLabel) {
        if (classLabel < 0 || classLabel >= GROUP_OF_CLASS.length) throw new IllegalArgumentException("groupOf: class " + classLabel + " is not in [0, 10)");
        return GROUP_OF_CLASS[classLabel];
    }

    /**
     * The ink fraction of each image of (N, ...) pixels in [0, 1]: the fraction of its pixels
     * above {@value #INK_THRESHOLD}.
     */
    public static double[] inkFraction(NDArray images) {
        int n = images.shape(0), per = images.size() / n;
        double[] ink = new double[n];
        for (int i = 0; i < n; i++) {
            int count = 0;
            for (int j = 0; j < per; j++) if (images.getFlat(i * per + j) > INK_THRESHOLD) count++;
            ink[i] = (double) count / per;
        }
        return ink;
    }

    /**
     * Images with their three targets.
     *
     * @param images (N, 1, 28, 28), standardized
     * @param labels the class of each
     * @param groups its coarse group
     * @param ink    (N, 1), the standardized ink fraction
     */
    public record Examples(NDArray images, int[] labels, int[] groups, NDArray ink) implements DataSource<Examples> {
        /** The images of {@code standardized} at {@code indices}, with targets from the labels and the raw images' {@code inkFraction}. */
        static Examples of(ImageDataset standardized, double[] inkFraction, int[] indices, double inkMean, double inkSd) {
            int[] labels = new int[indices.length], groups = new int[indices.length];
            double[] z = new double[indices.length];
            for (int i = 0; i < indices.length; i++) {
                labels[i] = standardized.label(indices[i]);
                groups[i] = groupOf(labels[i]);
                z[i] = (inkFraction[indices[i]] - inkMean) / inkSd;
            }
            return new Examples(standardized.images().indexSelect(0, indices), labels, groups, NDArray.of(z, indices.length, 1));
        }

        @Override
        public int size() {
            return labels.length;
        }

        @Override
        public Examples batch(int[] idx) {
            int[] l = new int[idx.length], g = new int[idx.length];
            for (int i = 0; i < idx.length; i++) {
                l[i] = labels[idx[i]];
                g[i] = groups[idx[i]];
            }
            return new Examples(images.indexSelect(0, idx), l, g, ink.indexSelect(0, idx));
        }
    }

    /** A backbone with one linear head per task, and the uncertainty weighting registered with them when the weights are learned. */
    public static final class HeadsNet extends Block {
        private final Sequential backbone;
        private final Map<String, Linear> heads = new LinkedHashMap<>();
        private final UncertaintyWeighting weighting;

        /**
         * The backbone from {@code seed}, and each task's head from a generator of its own (so a
         * task's head starts the same in every model that has it).
         */
        public HeadsNet(List<String> tasks, boolean uncertainty, long seed) {
            RandomGenerator rng = new SplittableRandom(seed);
            backbone = child("backbone", new Sequential(new Flatten(), new Linear(28 * 28, HIDDEN, DType.F32, rng), Activation.relu(),
                    new Linear(HIDDEN, FEATURES, DType.F32, rng), Activation.relu()));
            for (String t : tasks) {
                int outputs = t.equals(CLASS) ? 10 : t.equals(GROUP) ? GROUPS.size() : 1;
                heads.put(t, child(t, new Linear(FEATURES, outputs, DType.F32, new SplittableRandom(seed * 31 + TASKS.indexOf(t) + 1))));
            }
            List<Boolean> classification = tasks.stream().map(t -> !t.equals(INK)).toList();
            weighting = uncertainty ? child("weights", new UncertaintyWeighting(classification, DType.F32)) : null;
        }

        /** Every head's output for a batch of images, by task. */
        public Map<String, Tensor> heads(Tensor x) {
            Tensor h = backbone.forward(x);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, Linear> e : heads.entrySet()) out.put(e.getKey(), e.getValue().forward(h));
            return out;
        }

        /** The shared part: every head reads its features. */
        public Sequential backbone() {
            return backbone;
        }

        /** The learned loss weighting, or null for fixed weights. */
        public UncertaintyWeighting weighting() {
            return weighting;
        }

        @Override
        public String describe() {
            return "HeadsNet(" + backbone.describe() + ", heads " + String.join(", ", heads.keySet()) + (weighting == null ? "" : ", uncertainty weights") + ")";
        }
    }

    /**
     * The objective of a model with heads for {@code arm}'s tasks, adding the metric
     * {@code "task loss"}: the unweighted sum of its tasks' validation losses, what every arm is
     * stopped and tuned on (a learned weighting would otherwise move its own yardstick).
     */
    static Objective<Examples> objective(HeadsNet model, Arm arm) {
        List<Task<Examples>> tasks = new ArrayList<>();
        for (String t : arm.tasks()) {
            tasks.add(switch (t) {
                case CLASS -> Task.classification(CLASS, Examples::labels);
                case GROUP -> Task.classification(GROUP, Examples::groups);
                default -> Task.regression(INK, Examples::ink);
            });
        }
        double[] ones = new double[tasks.size()];
        java.util.Arrays.fill(ones, 1);
        Objective<Examples> inner = Objectives.multiTask(model, model::heads, Examples::images, tasks,
                arm.uncertainty() ? Objectives.LossWeights.uncertainty(model.weighting()) : Objectives.LossWeights.fixed(ones));
        return Training.judgedBy(inner, Monitor.min("task loss"), (m, data, batchSize) -> {
            double sum = 0;
            for (String t : arm.tasks()) sum += m.get(t + " loss");
            return sum;
        });
    }

    /**
     * What one run measured: the validation task loss of the weights kept, the round they are
     * from, the rounds run and whether early stopping ended them, the test metrics by task (accuracy, or the ink RMSE in fraction
     * units), and the learned weight of each task's loss (empty for fixed weights).
     */
    record Outcome(double validationLoss, int keptRound, int rounds, boolean stoppedEarly, Map<String, Double> test, Map<String, Double> weights) {}

    /** What every run uses: the standardized training images and their ink fractions, the split, the validation and test examples. */
    private record Data(ImageDataset train, double[] trainInk, FashionData.Split split, double inkMean, double inkSd, Examples validation, Examples test) {}

    @Override
    public Report run(Settings settings, ProgressListener progress) throws IOException {
        long started = System.nanoTime();
        double loadBefore = Load.now();
        FashionData loaded = FashionData.of(settings);
        TrainTest raw = loaded.data(), data = raw.standardized();
        boolean quick = settings.quick();
        double[] trainInk = inkFraction(raw.train().images()), testInk = inkFraction(raw.test().images());
        double inkMean = Stats.mean(trainInk), inkSd = Stats.sd(trainInk);
        FashionData.Split split = FashionData.validationSplit(data.train(), quick ? QUICK_VALIDATION_PER_CLASS : VALIDATION_PER_CLASS);
        int[] allTest = new int[data.test().size()];
        for (int i = 0; i < allTest.length; i++) allTest[i] = i;
        Data d = new Data(data.train(), trainInk, split, inkMean, inkSd, Examples.of(data.train(), trainInk, split.validation(), inkMean, inkSd),
                Examples.of(data.test(), testInk, allTest, inkMean, inkSd));

        List<Integer> sizeList = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (int n : quick ? new int[] {QUICK_SIZE} : settings.full() ? FULL_SIZES : SIZES) {
            if (n <= split.rest().length) sizeList.add(n);
            else dropped.add(String.format(Locale.ROOT, "%,d", n));
        }
        int[] sizes = sizeList.stream().mapToInt(Integer::intValue).toArray();
        int runsPerArm = quick ? settings.seeds() : LEARNING_RATES.length + Training.EXTENSIONS + settings.seeds() - 1, rounds = quick ? QUICK_ROUNDS : MAX_ROUNDS;
        long total = 0;
        for (int n : sizes) total += (long) Arm.values().length * runsPerArm * rounds * Training.epochsFor(n, BATCH, ROUND_STEPS) * Batches.count(n, BATCH);
        // An upper bound: early stopping ends most runs sooner, and the stage then ends early.
        Training.Steps counter = new Training.Steps("multitask", total, progress);
        List<Map<Arm, Training.Tuned<Outcome>>> results = new ArrayList<>();
        for (int n : sizes) {
            Map<Arm, Training.Tuned<Outcome>> bySize = new LinkedHashMap<>();
            for (Arm arm : Arm.values()) {
                bySize.put(arm, Training.tuned(settings, LEARNING_RATES, QUICK_LR, false, Outcome::validationLoss,
                        (seed, lr) -> train(arm, n, seed, lr, d, rounds, !quick, counter)));
            }
            results.add(bySize);
        }
        counter.finish(List.of());
        double seconds = (System.nanoTime() - started) / 1e9;
        return report(settings, loaded.source(), d, sizes, dropped, results, seconds, loadBefore, Load.now());
    }

    /** Trains one arm's model on {@code n} images for one seed at one learning rate, and measures it on the test set. */
    private static Outcome train(Arm arm, int n, long seed, double lr, Data d, int rounds, boolean stopEarly, ProgressListener counter) {
        HeadsNet model = new HeadsNet(arm.tasks(), arm.uncertainty(), seed);
        Examples train = Examples.of(d.train(), d.trainInk(), d.split().training(d.train(), n / 10, seed), d.inkMean(), d.inkSd());
        Optimizer opt = Training.adam(model, lr);
        // The log-variances at their own rate: at the network's tuned rate (as low as 3e-5) they barely move from their start.
        if (arm.uncertainty()) opt.scaleLr(model.weighting().parameters(), WEIGHTING_LR / lr);
        Trainer<Examples> trainer = Training.tunedRecipe(model, opt, objective(model, arm), BATCH, rounds, seed, d.validation(), stopEarly ? PATIENCE : 0, counter);
        TrainResult r = trainer.fit(Training.rounds(train, Training.epochsFor(n, BATCH, ROUND_STEPS)));
        Metrics test = trainer.evaluate(d.test());
        Map<String, Double> scores = new LinkedHashMap<>(), weights = new LinkedHashMap<>();
        for (String t : arm.tasks()) {
            scores.put(t, t.equals(INK) ? test.get(INK + " rmse") * d.inkSd() : test.get(t + " accuracy"));
            if (arm.uncertainty()) weights.put(t, test.get(t + " weight"));
        }
        return new Outcome(r.validation().get("task loss"), r.restoredBest() ? r.bestEpoch() : r.history().size(), r.history().size(), r.stoppedEarly(), scores, weights);
    }

    /** The metric a task is scored by, as the report names it. */
    static String metric(String task) {
        return task.equals(INK) ? "ink rmse" : task + " accuracy";
    }

    private Report report(Settings settings, String source, Data d, int[] sizes, List<String> dropped, List<Map<Arm, Training.Tuned<Outcome>>> results,
                          double seconds, double loadBefore, double loadAfter) {
        boolean quick = settings.quick();
        HeadsNet mt = new HeadsNet(TASKS, false, 0);
        long separate = 0;
        Map<Arm, Long> params = new LinkedHashMap<>();
        for (Arm arm : Arm.values()) params.put(arm, new HeadsNet(arm.tasks(), arm.uncertainty(), 0).parameterCount());
        for (String t : TASKS) separate += params.get(Arm.single(t));

        List<List<String>> rows = new ArrayList<>();
        List<Map<String, Object>> runs = new ArrayList<>();
        // [arm: fixed, uncertainty, separate][task][size]: means and sds, for the figure and the findings
        double[][][] mean = new double[3][TASKS.size()][sizes.length], sd = new double[3][TASKS.size()][sizes.length];
        double[][][][] seeds = new double[3][TASKS.size()][sizes.length][];
        for (int si = 0; si < sizes.length; si++) {
            Map<Arm, Training.Tuned<Outcome>> r = results.get(si);
            String size = String.format(Locale.ROOT, "%,d", sizes[si]);
            for (int a = 0; a < 3; a++) {
                List<String> row = new ArrayList<>(List.of(size));
                if (a < 2) {
                    Arm arm = a == 0 ? Arm.FIXED : Arm.UNCERTAINTY;
                    row.add(arm.toString());
                    row.add(String.format(Locale.ROOT, "%,d", params.get(arm)));
                    row.add(Training.rate(r.get(arm).lr()));
                } else {
                    row.add("three single-task models");
                    row.add(String.format(Locale.ROOT, "%,d", separate));
                    List<String> lrs = new ArrayList<>();
                    for (String t : TASKS) lrs.add(Training.rate(r.get(Arm.single(t)).lr()));
                    row.add(String.join(" / ", lrs));
                }
                for (int ti = 0; ti < TASKS.size(); ti++) {
                    String t = TASKS.get(ti);
                    Arm arm = a == 0 ? Arm.FIXED : a == 1 ? Arm.UNCERTAINTY : Arm.single(t);
                    double[] v = r.get(arm).each(o -> o.test().get(t));
                    seeds[a][ti][si] = v;
                    mean[a][ti][si] = Stats.mean(v);
                    sd[a][ti][si] = Stats.sd(v);
                    row.add(Stats.meanSd(v));
                }
                rows.add(row);
            }
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("size", sizes[si]);
            run.put("passesPerRound", Training.epochsFor(sizes[si], BATCH, ROUND_STEPS));
            Map<String, Object> arms = new LinkedHashMap<>();
            for (Arm arm : Arm.values()) {
                Training.Tuned<Outcome> t = r.get(arm);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("parameters", params.get(arm));
                m.put("learningRate", t.lr());
                if (t.scores() != null) m.put("validationLossByLearningRate", t.byRate());
                for (String task : arm.tasks()) m.put(metric(task), Stats.summary(t.each(o -> o.test().get(task))));
                m.put("keptRound", t.each(Outcome::keptRound));
                m.put("rounds", t.each(Outcome::rounds));
                if (arm.uncertainty()) {
                    Map<String, Object> w = new LinkedHashMap<>();
                    for (String task : arm.tasks()) w.put(task, t.each(o -> o.weights().get(task)));
                    m.put("learnedWeights", w);
                }
                arms.put(arm.toString(), m);
            }
            run.put("arms", arms);
            runs.add(run);
        }
        Table table = new Table(List.of("training images", "arm", "parameters", "Adam lr", "class accuracy", "group accuracy", "ink RMSE"), rows);
        double[] x = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) x[i] = sizes[i];
        List<Figure.Curve> curves = new ArrayList<>();
        // Legends hold 32 characters: "group, multi-task uncertainty" is the longest name.
        String[] armNames = {"multi-task fixed", "multi-task uncertainty", "single-task"};
        for (int ti = 0; ti < 2; ti++) for (int a = 0; a < 3; a++) curves.add(new Figure.Curve(TASKS.get(ti) + ", " + armNames[a], x, mean[a][ti], sd[a][ti]));
        Figure figure = new Figure("Fashion-MNIST, three tasks: test accuracy vs training images", "training images", "test accuracy", true, curves);

        double baseline = 0;
        for (int i = 0; i < d.test().size(); i++) baseline += d.test().ink().getFlat(i) * d.test().ink().getFlat(i);
        baseline = Math.sqrt(baseline / d.test().size()) * d.inkSd();
        int tops = 0;
        for (int g : d.test().groups()) if (g == 0) tops++;
        List<String> findings = new ArrayList<>();
        findings.add(String.format(Locale.ROOT, "Data: %s; class-balanced training subsets drawn by the seed; validation: %,d held-out training images, "
                        + "the same for every arm; test: all %,d test images; %d seed(s) per size; test metrics mean ± sd over seeds.", source,
                d.validation().size(), d.test().size(), settings.seeds()));
        if (!dropped.isEmpty()) findings.add("Sizes " + String.join(", ", dropped) + " were dropped: the data has only "
                + String.format(Locale.ROOT, "%,d", d.split().rest().length) + " training images outside the validation split.");
        findings.add(String.format(Locale.ROOT, "Tasks: the class (chance 0.1); the group, tops (T-shirt/top, Pullover, Dress, Coat, Shirt), bottoms (Trouser), "
                        + "footwear (Sandal, Sneaker, Ankle boot) or bags (Bag) (the largest group, tops, is %.2f of the test set); the ink fraction, "
                        + "the fraction of the 784 pixels whose value in [0, 1] (byte/255) is above %s: mean %.3f, sd %.3f on the training images, "
                        + "trained as a z-score with those two, RMSE in fraction units; predicting the mean gives a test RMSE of %.4f.",
                (double) tops / d.test().size(), INK_THRESHOLD, d.inkMean(), d.inkSd(), baseline));
        findings.add(String.format(Locale.ROOT, "Models: backbone %s; linear heads. Parameters: multi-task %,d (%,d with the 3 learned log-variances), "
                        + "three single-task models %,d together (%.2f× the multi-task model).", mt.backbone().describe(), params.get(Arm.FIXED),
                params.get(Arm.UNCERTAINTY), separate, (double) separate / params.get(Arm.FIXED)));
        findings.add(String.format(Locale.ROOT, "The uncertainty arm's learned log-variances are stepped by Adam at %s, whatever rate the network was tuned to.",
                Training.rate(WEIGHTING_LR)));
        if (quick) {
            findings.add(String.format(Locale.ROOT, "Quick run: Adam at %s for %d rounds of at least %d steps, not tuned, no early stopping.",
                    Training.rate(QUICK_LR), QUICK_ROUNDS, ROUND_STEPS));
        } else {
            findings.add(String.format(Locale.ROOT, "Recipe: Adam, batch %d, tuned per size and arm on the first seed among %s, the grid extended half a "
                            + "decade beyond a winning edge up to %d times; a round is at least %d steps; early stopping on the validation sum of the model's "
                            + "task losses after %d rounds without improvement, at most %d. Winners: %s.",
                    BATCH, rates(), Training.EXTENSIONS, ROUND_STEPS, PATIENCE, MAX_ROUNDS, winners(sizes, results)));
            int capped = 0, all = 0;
            for (Map<Arm, Training.Tuned<Outcome>> bySize : results) for (Training.Tuned<Outcome> t : bySize.values()) for (Outcome o : t.runs()) {
                all++;
                if (!o.stoppedEarly()) capped++;
            }
            findings.add(capped == 0 ? String.format(Locale.ROOT, "Every one of the %d runs reported stopped early, before the cap of %d rounds.", all, MAX_ROUNDS)
                    : String.format(Locale.ROOT, "%d of the %d runs reported reached the cap of %d rounds without stopping early: not converged by the rule.",
                    capped, all, MAX_ROUNDS));
        }
        for (int si : sizes.length > 1 ? new int[] {0, sizes.length - 1} : new int[] {0}) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "At %,d training images:", sizes[si]));
            for (int ti = 0; ti < TASKS.size(); ti++) {
                sb.append(String.format(Locale.ROOT, " %s %s fixed %.4f, uncertainty %.4f, single-task %.4f;", TASKS.get(ti), ti < 2 ? "accuracy" : "RMSE",
                        mean[0][ti][si], mean[1][ti][si], mean[2][ti][si]));
            }
            findings.add(sb.substring(0, sb.length() - 1) + ".");
        }
        findings.add("Multi-task with fixed weights against the single-task models: " + tally(sizes, seeds, 0, 2) + ".");
        findings.add("Multi-task with uncertainty weights against the single-task models: " + tally(sizes, seeds, 1, 2) + ".");
        findings.add("Uncertainty weights against fixed weights (both multi-task): " + tally(sizes, seeds, 1, 0) + ".");
        Training.Tuned<Outcome> last = results.get(sizes.length - 1).get(Arm.UNCERTAINTY);
        StringBuilder w = new StringBuilder();
        for (String t : TASKS) w.append(w.length() > 0 ? ", " : "").append(t).append(' ').append(String.format(Locale.ROOT, "%.3g", Stats.mean(last.each(o -> o.weights().get(t)))));
        findings.add(String.format(Locale.ROOT, "The learned loss weights c·exp(−s) at %,d images (mean over seeds, at the kept round): %s (they start at 1, 1 and 0.5).",
                sizes[sizes.length - 1], w));
        if (!quick) findings.add(Load.sentence(seconds, loadBefore, loadAfter));

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", source);
        out.put("backbone", mt.backbone().describe());
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String g : GROUPS) groups.put(g, new ArrayList<>());
        for (int c = 0; c < GROUP_OF_CLASS.length; c++) groups.get(GROUPS.get(GROUP_OF_CLASS[c])).add(FashionMnist.CLASS_NAMES.get(c));
        out.put("groups", groups);
        out.put("inkThreshold", INK_THRESHOLD);
        out.put("inkMean", d.inkMean());
        out.put("inkSd", d.inkSd());
        out.put("inkRmseOfTheMean", baseline);
        out.put("validationImages", d.validation().size());
        out.put("testImages", d.test().size());
        out.put("batch", BATCH);
        out.put("learningRates", quick ? new double[] {QUICK_LR} : LEARNING_RATES.clone());
        out.put("roundSteps", ROUND_STEPS);
        out.put("patience", quick ? 0 : PATIENCE);
        out.put("maxRounds", quick ? QUICK_ROUNDS : MAX_ROUNDS);
        out.put("separateParameters", separate);
        out.put("sizes", runs);
        out.put("seconds", seconds);
        return new Report(name(), "Multi-task: one backbone, three heads vs three single-task models", table, figure, findings, out);
    }

    private static String rates() {
        List<String> r = new ArrayList<>();
        for (double lr : LEARNING_RATES) r.add(Training.rate(lr));
        return String.join(", ", r);
    }

    /**
     * Per size, each arm's winning learning rate, and how many lie at the grid's edge:
     * "300: fixed 3e-3, uncertainty 3e-3, class 1e-3, group 3e-3, ink 1e-3; 1,000: …; 2 of 20 at the grid's edge".
     */
    private static String winners(int[] sizes, List<Map<Arm, Training.Tuned<Outcome>>> results) {
        StringBuilder sb = new StringBuilder();
        int edge = 0;
        for (int si = 0; si < sizes.length; si++) {
            sb.append(si > 0 ? "; " : "").append(String.format(Locale.ROOT, "%,d:", sizes[si]));
            for (Arm arm : Arm.values()) {
                String shortName = arm.toString().replace("multi-task ", "").replace("single-task ", "");
                Training.Tuned<Outcome> t = results.get(si).get(arm);
                if (t.atEdge()) edge++;
                sb.append(' ').append(shortName).append(' ').append(Training.rate(t.lr())).append(arm == Arm.INK_ONLY ? "" : ",");
            }
        }
        return sb.append(String.format(Locale.ROOT, "; %d of %d at the grid's edge", edge, sizes.length * Arm.values().length)).toString();
    }

    /**
     * Where arm {@code a} is better, worse or neither than arm {@code b}, over every size and
     * task: better or worse when the difference exceeds twice its standard error over the seeds
     * (accuracy higher, RMSE lower is better).
     */
    static String tally(int[] sizes, double[][][][] seeds, int a, int b) {
        List<String> better = new ArrayList<>(), worse = new ArrayList<>();
        int within = 0;
        boolean spread = true;
        for (int ti = 0; ti < TASKS.size(); ti++) {
            for (int si = 0; si < sizes.length; si++) {
                double[] x = seeds[a][ti][si], y = seeds[b][ti][si];
                spread &= x.length > 1 && y.length > 1;
                double diff = Stats.mean(x) - Stats.mean(y), se = Math.sqrt(Stats.sd(x) * Stats.sd(x) / x.length + Stats.sd(y) * Stats.sd(y) / y.length);
                if (ti == 2) diff = -diff;   // a smaller RMSE is better
                String where = String.format(Locale.ROOT, "%s at %,d (%s %+.4f)", TASKS.get(ti), sizes[si], ti == 2 ? "RMSE" : "accuracy", ti == 2 ? -diff : diff);
                if (x.length > 1 && y.length > 1 && Math.abs(diff) > 2 * se) (diff > 0 ? better : worse).add(where);
                else within++;
            }
        }
        if (!spread) return "one seed, no spread to judge differences by";
        return String.format(Locale.ROOT, "better by more than twice the standard error in %d of %d cases%s, worse in %d%s, within it in %d",
                better.size(), sizes.length * TASKS.size(), better.isEmpty() ? "" : " (" + String.join(", ", better) + ")", worse.size(),
                worse.isEmpty() ? "" : " (" + String.join(", ", worse) + ")", within);
    }
}
