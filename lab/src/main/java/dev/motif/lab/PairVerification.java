package dev.motif.lab;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.data.Batches;
import dev.motif.data.DataSource;
import dev.motif.data.ImageDataset;
import dev.motif.data.PairData;
import dev.motif.data.TrainTest;
import dev.motif.data.TripletData;
import dev.motif.nn.Activation;
import dev.motif.nn.Flatten;
import dev.motif.nn.Linear;
import dev.motif.nn.Sequential;
import dev.motif.nn.SharingReport;
import dev.motif.nn.Siamese;
import dev.motif.train.Metrics;
import dev.motif.train.Monitor;
import dev.motif.train.Objective;
import dev.motif.train.Objectives;
import dev.motif.train.ProgressListener;
import dev.motif.train.TrainResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * {@code siamese}: do the two arms of a pair network need to share their encoder? Pair
 * verification on Fashion-MNIST: a pair is "same" when both images have the same class, and a
 * network scores a pair by the distance between its two embeddings (the ROC AUC of −distance on
 * held-out pairs). Four arms: one encoder in both arms of the pair ({@link Siamese}) or its
 * untied twin, two towers that start as copies of it ({@link Siamese#untie()}), each trained
 * with the contrastive loss on pairs and with the triplet loss on triplets (anchor through the
 * first tower, positive and negative through the second, as a pair is scored).
 *
 * <p>Encoder: Flatten Linear(784 → {@value #HIDDEN}) ReLU Linear({@value #HIDDEN} → {@value #EMBEDDING}),
 * F32, on standardized pixels: 104,608 parameters, twice that for the towers. An MLP on the
 * pixels because an epoch of 40,000 pairs then takes about a second on 2 cores, so four arms, a
 * learning-rate grid and three seeds fit in minutes (the standard run took 6.1 minutes on 2
 * cores under a load of 1 to 3); and because untying it changes
 * one thing only, the sharing across the two arms (a conv encoder's towers would be untied, by
 * {@code untie(shape)}, into locally connected layers too).
 *
 * <p>Data and budget, the same for every arm: the training images of a seed are
 * {@value #TRAIN_PER_CLASS} per class drawn by the seed from the training file, minus a fixed
 * validation split of {@value #VALIDATION_PER_CLASS} per class; from them {@value #PAIRS} pairs
 * (half matching) or {@value #PAIRS}/2 triplets, the same number of comparisons (a triplet is a
 * matching and a non-matching pair with one anchor). Validation: {@value #VALIDATION_PER_CLASS}·10
 * triplets of the validation images, scored by every arm as their two pairs each, so all four
 * are tuned and stopped on the same pairs. Test: {@value #TEST_PAIRS} pairs of the test images.
 * Adam at each of {@link #LEARNING_RATES} for the first seed (and up to two rates beyond a winning edge), the best validation AUC wins; batch
 * {@value #BATCH}; margin {@value #MARGIN} for both losses; early stopping when the validation
 * AUC has not improved for {@value #PATIENCE} epochs, at most {@value #MAX_EPOCHS}, the best
 * epoch's weights restored. {@code --full}: all the training images but the validation split,
 * {@value #FULL_PAIRS} pairs.
 *
 * <p>Besides the AUC the report measures, on test images, how far the two arms embed the same
 * image apart (0 for the shared encoder, by construction, and checked), and the traced sharing
 * report: the shared encoder registered once, used twice.
 *
 * <p>The quick run (the tour's): the shipped subset, 2,000 pairs or 1,000 triplets, Adam at
 * {@value #QUICK_LR} for {@value #QUICK_EPOCHS} epochs, 1,000 test pairs: a few seconds.
 */
public final class PairVerification implements Experiment {
    public static final int HIDDEN = 128, EMBEDDING = 32, BATCH = 64, PATIENCE = 4, MAX_EPOCHS = 100;
    public static final int TRAIN_PER_CLASS = 2000, VALIDATION_PER_CLASS = 200, PAIRS = 40_000, FULL_PAIRS = 100_000, TEST_PAIRS = 10_000, GAP_IMAGES = 2000;
    public static final int QUICK_VALIDATION_PER_CLASS = 50, QUICK_PAIRS = 2000, QUICK_EPOCHS = 3, QUICK_TEST_PAIRS = 1000;
    public static final double MARGIN = 1.0, QUICK_LR = 1e-3;
    static final double[] LEARNING_RATES = Training.ADAM_GRID;

    /** The loss an arm trains with. */
    public enum Loss {
        CONTRASTIVE, TRIPLET;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One arm: one encoder in both arms of the pair, or two towers, trained with one loss. */
    public record Arm(boolean shared, Loss loss) {
        /** "shared contrastive", "untied triplet": the arm's key in the report. */
        public String name() {
            return (shared ? "shared" : "untied") + " " + loss;
        }

        /** The four arms, in the report's order: each loss with the shared encoder, then its towers. */
        public static List<Arm> all() {
            return List.of(new Arm(true, Loss.CONTRASTIVE), new Arm(false, Loss.CONTRASTIVE), new Arm(true, Loss.TRIPLET), new Arm(false, Loss.TRIPLET));
        }
    }

    @Override
    public String name() {
        return "siamese";
    }

    @Override
    public String summary() {
        return "pair verification on Fashion-MNIST: one encoder in both arms vs two towers, contrastive and triplet losses";
    }

    /** The encoder: Flatten Linear(784 → 128) ReLU Linear(128 → 32), F32. */
    public static Sequential encoder(RandomGenerator rng) {
        return new Sequential(new Flatten(), new Linear(28 * 28, HIDDEN, DType.F32, rng), Activation.relu(), new Linear(HIDDEN, EMBEDDING, DType.F32, rng));
    }

    /** The arm's network for a seed: the same initial encoder for both forms, shared or untied into two towers that start as its copies. */
    public static Siamese network(Arm arm, long seed) {
        Siamese net = new Siamese(encoder(new SplittableRandom(seed)));
        return arm.shared() ? net : net.untie();
    }

    /**
     * Each triplet as two pairs, (anchor, positive) matching and (anchor, negative) not, at
     * positions 2i and 2i + 1: what a triplet asks, in the form a pair network is scored on.
     */
    public static PairData pairsOf(TripletData t) {
        int n = t.size();
        int[] shape = t.anchor().shape().clone();
        shape[0] = 2 * n;
        NDArray first = NDArray.stack(1, t.anchor(), t.anchor()).reshape(shape), second = NDArray.stack(1, t.positive(), t.negative()).reshape(shape);
        int[] same = new int[2 * n];
        for (int i = 0; i < n; i++) same[2 * i] = 1;
        return new PairData(first, second, same);
    }

    /**
     * How far the two arms embed the same images apart: the mean of ‖first(x) − second(x)‖ over
     * the images, and the mean embedding norm, (‖first(x)‖ + ‖second(x)‖)/2; both distances are 0
     * for a shared encoder, which computes both the same way.
     */
    public record Gap(double distance, double norm) {
        /** The distance relative to the embeddings' size. */
        public double relative() {
            return distance / norm;
        }
    }

    /** {@link Gap} of the two arms over {@code images}. */
    public static Gap towerGap(Siamese net, NDArray images) {
        NDArray a = embed(net, images, true), b = embed(net, images, false);
        double gap = 0, size = 0;
        int n = a.shape(0);
        for (int i = 0; i < n; i++) {
            double d = 0, na = 0, nb = 0;
            for (int j = 0; j < a.shape(1); j++) {
                double x = a.get(i, j), y = b.get(i, j);
                d += (x - y) * (x - y);
                na += x * x;
                nb += y * y;
            }
            gap += Math.sqrt(d);
            size += (Math.sqrt(na) + Math.sqrt(nb)) / 2;
        }
        return new Gap(gap / n, size / n);
    }

    private static NDArray embed(Siamese net, NDArray images, boolean first) {
        return Autodiff.noGrad(() -> {
            Tensor x = Tensor.constant(images.to(net.dtype()));
            return (first ? net.embedFirst(x) : net.embedSecond(x)).value();
        });
    }

    /**
     * The traced sharing report's totals for one forward of a pair: values stored, values if
     * every registered site had its own copy, values if every use had its own.
     */
    public record Sharing(long stored, long registered, long used) {
        static Sharing of(Siamese net, NDArray pairOfImages) {
            Tensor a = Tensor.constant(pairOfImages.slice(0, 0, 1).to(net.dtype())), b = Tensor.constant(pairOfImages.slice(0, 1, 2).to(net.dtype()));
            SharingReport r = SharingReport.traced(net, m -> m.forward(a, b));
            return new Sharing(r.uniqueCount(), r.nominalCount(), r.usedCount());
        }
    }

    /**
     * What one run of an arm measured.
     *
     * @param validationAuc the validation AUC of the weights kept (the best epoch's when stopped early)
     * @param curve         the validation AUC after every epoch
     * @param keptEpoch     the epoch whose weights were kept (the best one when stopped early, else the last)
     * @param epochs        the epochs run
     * @param stoppedEarly  whether early stopping ended it before the cap of epochs
     * @param testAuc       AUC on the test pairs
     * @param sameDistance  mean embedding distance of matching test pairs
     * @param otherDistance and of the others
     * @param towerGap      {@link #towerGap} on test images, relative to the embeddings' norm
     * @param towerDistance and in distance
     */
    record Outcome(double validationAuc, double[] curve, int keptEpoch, int epochs, boolean stoppedEarly, double testAuc, double sameDistance, double otherDistance, double towerGap,
                   double towerDistance) {}

    /** What every run of an experiment uses: training images to draw from, validation triplets and their pairs, test pairs and images. */
    private record Data(ImageDataset train, FashionData.Split split, int perClass, int pairs, TripletData validation, PairData validationPairs,
                        PairData test, NDArray gapImages) {}

    @Override
    public Report run(Settings settings, ProgressListener progress) throws IOException {
        long started = System.nanoTime();
        double loadBefore = Load.now();
        FashionData loaded = FashionData.of(settings);
        TrainTest data = loaded.data().standardized();
        boolean quick = settings.quick();
        int valPerClass = quick ? QUICK_VALIDATION_PER_CLASS : VALIDATION_PER_CLASS;
        FashionData.Split split = FashionData.validationSplit(data.train(), valPerClass);
        int left = split.rest().length / 10;   // balanced files: images per class outside the validation split
        int perClass = quick || settings.full() ? left : Math.min(TRAIN_PER_CLASS, left);
        int pairs = quick ? QUICK_PAIRS : settings.full() ? FULL_PAIRS : PAIRS;
        ImageDataset valImages = data.train().subset(split.validation());
        TripletData validation = TripletData.sample(valImages, valImages.size(), new SplittableRandom(1));
        ImageDataset testImages = data.test();
        Data d = new Data(data.train(), split, perClass, pairs, validation, pairsOf(validation),
                PairData.sample(testImages, quick ? QUICK_TEST_PAIRS : TEST_PAIRS, new SplittableRandom(2)),
                testImages.subset(0, Math.min(GAP_IMAGES, testImages.size())).images());

        int runsPerArm = quick ? settings.seeds() : LEARNING_RATES.length + Training.EXTENSIONS + settings.seeds() - 1, epochs = quick ? QUICK_EPOCHS : MAX_EPOCHS;
        long total = 0;
        for (Arm arm : Arm.all()) total += (long) runsPerArm * epochs * Batches.count(arm.loss() == Loss.CONTRASTIVE ? pairs : pairs / 2, BATCH);
        // An upper bound: early stopping ends most runs sooner, and the stage then ends early.
        Training.Steps counter = new Training.Steps("siamese", total, progress);
        Map<Arm, Training.Tuned<Outcome>> results = new LinkedHashMap<>();
        Map<Arm, Sharing> sharing = new LinkedHashMap<>();
        Map<Arm, Long> params = new LinkedHashMap<>();
        for (Arm arm : Arm.all()) {
            results.put(arm, Training.tuned(settings, LEARNING_RATES, QUICK_LR, true, Outcome::validationAuc,
                    (seed, lr) -> train(arm, seed, lr, d, epochs, !quick, counter)));
            Siamese net = network(arm, settings.seed());
            params.put(arm, net.parameterCount());
            sharing.put(arm, Sharing.of(net, d.gapImages().slice(0, 0, 2)));
        }
        counter.finish(List.of());
        double seconds = (System.nanoTime() - started) / 1e9;
        return report(settings, loaded.source(), d, results, sharing, params, seconds, loadBefore, Load.now());
    }

    /** Trains one arm for one seed at one learning rate and measures it. */
    private static Outcome train(Arm arm, long seed, double lr, Data d, int epochs, boolean stopEarly, ProgressListener counter) {
        Siamese net = network(arm, seed);
        ImageDataset images = d.train().subset(d.split().training(d.train(), d.perClass(), seed));
        // Pairs and triplets drawn from the seed's images by the seed: both losses see the same images.
        SplittableRandom draw = new SplittableRandom(seed * 1_000_003L + 7);
        TrainResult r = arm.loss() == Loss.CONTRASTIVE
                ? fit(net, Objectives.contrastive(net, MARGIN), PairData.sample(images, d.pairs(), draw), d.validationPairs(), seed, lr, epochs, stopEarly, counter)
                : fit(net, tripletJudgedByAuc(net, MARGIN), TripletData.sample(images, d.pairs() / 2, draw), d.validation(), seed, lr, epochs, stopEarly, counter);
        double[] curve = r.history().stream().mapToDouble(e -> e.validation().get("auc")).toArray();
        Metrics test = Autodiff.noGrad(() -> Objectives.pairMetrics(net, d.test(), 500, (e, b) -> 0));
        int kept = r.restoredBest() ? r.bestEpoch() : r.history().size();
        Gap gap = towerGap(net, d.gapImages());
        return new Outcome(r.validation().get("auc"), curve, kept, r.history().size(), r.stoppedEarly(), test.get("auc"), test.get("distance same"),
                test.get("distance other"), gap.relative(), gap.distance());
    }

    private static <B> TrainResult fit(Siamese net, Objective<B> objective, DataSource<B> train, DataSource<B> validation, long seed, double lr, int epochs,
                                       boolean stopEarly, ProgressListener counter) {
        return Training.tunedRecipe(net, objective, lr, BATCH, epochs, seed, validation, stopEarly ? PATIENCE : 0, counter).fit(train);
    }

    /**
     * The triplet loss to train on, judged on held-out triplets by the AUC of their two pairs
     * each ({@link #pairsOf}): the same pairs, and the same measure, the contrastive arms are
     * tuned and stopped on. The loss reported is the triplet loss.
     */
    static Objective<TripletData> tripletJudgedByAuc(Siamese net, double margin) {
        return Training.judgedBy(Objectives.triplet(net, margin), Monitor.max("auc"), (m, data, batchSize) -> {
            int[] all = new int[data.size()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            // The pairs' own loss is not what this arm minimises; the triplet loss is what the metrics report.
            return Objectives.pairMetrics(net, pairsOf(data.batch(all)), batchSize, (e, b) -> 0).get("auc");
        });
    }

    private Report report(Settings settings, String source, Data d, Map<Arm, Training.Tuned<Outcome>> results, Map<Arm, Sharing> sharing,
                          Map<Arm, Long> params, double seconds, double loadBefore, double loadAfter) {
        boolean quick = settings.quick();
        List<List<String>> rows = new ArrayList<>();
        List<Figure.Curve> curves = new ArrayList<>();
        Map<String, Object> arms = new LinkedHashMap<>();
        for (Arm arm : Arm.all()) {
            Training.Tuned<Outcome> t = results.get(arm);
            double[] auc = t.each(Outcome::testAuc), gap = t.each(Outcome::towerGap), kept = t.each(Outcome::keptEpoch), run = t.each(Outcome::epochs);
            Sharing s = sharing.get(arm);
            rows.add(List.of(arm.name(), String.format(Locale.ROOT, "%,d", params.get(arm)), Training.rate(t.lr()) + (quick ? " (fixed)" : ""),
                    epochs(kept, run), Stats.meanSd(auc), arm.shared() ? gapOfShared(gap) : Stats.meanSd(gap),
                    String.format(Locale.ROOT, "%,d / %,d", s.stored(), s.used())));
            double[] curve = t.runs().get(0).curve(), epochs = new double[curve.length];
            for (int i = 0; i < curve.length; i++) epochs[i] = i + 1;
            curves.add(new Figure.Curve(arm.name() + " (lr " + Training.rate(t.lr()) + ")", epochs, curve, null));

            Map<String, Object> a = new LinkedHashMap<>();
            a.put("shared", arm.shared());
            a.put("loss", arm.loss().toString());
            a.put("parameters", params.get(arm));
            a.put("learningRate", t.lr());
            if (t.scores() != null) a.put("validationAucByLearningRate", t.byRate());
            a.put("auc", Stats.summary(auc));
            a.put("towerGap", Stats.summary(gap));
            a.put("towerDistance", Stats.summary(t.each(Outcome::towerDistance)));
            a.put("keptEpoch", kept);
            a.put("epochs", run);
            a.put("testDistanceSame", t.each(Outcome::sameDistance));
            a.put("testDistanceOther", t.each(Outcome::otherDistance));
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("stored", s.stored());
            counts.put("registered", s.registered());
            counts.put("used", s.used());
            a.put("sharing", counts);
            arms.put(arm.name(), a);
        }
        Table table = new Table(List.of("arm", "parameters", "Adam lr", "epochs kept/run (per seed)", "test AUC", "tower gap", "stored / used values (traced)"), rows);
        Figure figure = new Figure("Pair verification: validation AUC per epoch (first seed, its learning rate)", "epoch", "validation AUC", false, curves);

        List<String> findings = new ArrayList<>();
        int trainImages = d.perClass() * 10;
        findings.add(String.format(Locale.ROOT, "Data: %s; per seed %,d training images (class-balanced), %,d pairs or %,d triplets drawn from them; "
                        + "validation: %,d triplets (%,d pairs) of %,d held-out training images, the same for every arm; test: %,d pairs of test images; "
                        + "%d seed(s); test AUC mean ± sd over seeds.", source, trainImages, d.pairs(), d.pairs() / 2, d.validation().size(),
                d.validationPairs().size(), d.split().validation().length, d.test().size(), settings.seeds()));
        Sharing shared = sharing.get(Arm.all().get(0)), towers = sharing.get(Arm.all().get(1));
        findings.add(String.format(Locale.ROOT, "Encoder: %s, %,d parameters; the two towers hold %,d. Traced sharing report of one pair's forward: "
                        + "the shared encoder stores %,d values, is registered once (%,d) and used twice (%,d, each parameter used 2 times); "
                        + "the towers store %,d, each used once (%,d).",
                encoder(new SplittableRandom(0)).describe(), shared.stored(), towers.stored(), shared.stored(), shared.registered(), shared.used(),
                towers.stored(), towers.used()));
        if (quick) {
            findings.add(String.format(Locale.ROOT, "Quick run: Adam at %s for %d epochs, not tuned, no early stopping.", Training.rate(QUICK_LR), QUICK_EPOCHS));
        } else {
            StringBuilder won = new StringBuilder();
            for (Arm arm : Arm.all()) {
                Training.Tuned<Outcome> t = results.get(arm);
                won.append(won.length() > 0 ? "; " : "").append(arm.name()).append(' ').append(Training.rate(t.lr()))
                        .append(t.atEdge() ? ", at the grid's edge" : "").append(" (validation AUC ").append(t.scoresText()).append(')');
            }
            findings.add(String.format(Locale.ROOT, "Learning rates (Adam, batch %d, margin %s, tuned on the first seed's validation AUC, the grid "
                    + "extended half a decade beyond a winning edge up to %d times; early stopping after %d epochs without improvement, at most %d): %s.",
                    BATCH, MARGIN, Training.EXTENSIONS, PATIENCE, MAX_EPOCHS, won));
            int capped = 0, all = 0;
            for (Training.Tuned<Outcome> t : results.values()) for (Outcome o : t.runs()) {
                all++;
                if (!o.stoppedEarly()) capped++;
            }
            findings.add(capped == 0 ? String.format(Locale.ROOT, "Every one of the %d runs reported stopped early, before the cap of %d epochs.", all, MAX_EPOCHS)
                    : String.format(Locale.ROOT, "%d of the %d runs reported reached the cap of %d epochs without stopping early: not converged by the rule.",
                    capped, all, MAX_EPOCHS));
        }
        for (Loss loss : Loss.values()) {
            double[] s = results.get(new Arm(true, loss)).each(Outcome::testAuc), u = results.get(new Arm(false, loss)).each(Outcome::testAuc);
            findings.add(String.format(Locale.ROOT, "%s loss: shared encoder %s, two towers %s test AUC; %s.", capitalized(loss.toString()), Stats.meanSd(s),
                    Stats.meanSd(u), Stats.compare("the shared encoder", s, "the towers", u)));
        }
        for (Loss loss : Loss.values()) {
            Training.Tuned<Outcome> u = results.get(new Arm(false, loss));
            findings.add(String.format(Locale.ROOT, "%s loss: the untied towers put one test image %s of an embedding's size apart "
                            + "(mean ‖first(x) − second(x)‖ over mean ‖embedding‖, %,d test images), a distance of %.3f, where matching test pairs are "
                            + "%.3f apart on average and others %.3f.", capitalized(loss.toString()), Stats.meanSd(u.each(Outcome::towerGap)), d.gapImages().shape(0),
                    Stats.mean(u.each(Outcome::towerDistance)), Stats.mean(u.each(Outcome::sameDistance)), Stats.mean(u.each(Outcome::otherDistance))));
        }
        boolean zero = true;
        for (Arm arm : Arm.all()) if (arm.shared()) for (double g : results.get(arm).each(Outcome::towerGap)) zero &= g == 0;
        findings.add(zero ? "The shared encoder's two arms put every test image at distance 0 from itself in every seed: measured, as it must be, since one function embeds both."
                : "The shared encoder's two arms gave a nonzero distance for one image: a bug, since one function embeds both.");
        if (!quick) findings.add(Load.sentence(seconds, loadBefore, loadAfter));

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", source);
        out.put("encoder", encoder(new SplittableRandom(0)).describe());
        out.put("trainingImages", trainImages);
        out.put("trainingPairs", d.pairs());
        out.put("trainingTriplets", d.pairs() / 2);
        out.put("validationPairs", d.validationPairs().size());
        out.put("testPairs", d.test().size());
        out.put("batch", BATCH);
        out.put("margin", MARGIN);
        out.put("learningRates", quick ? new double[] {QUICK_LR} : LEARNING_RATES.clone());
        out.put("patience", quick ? 0 : PATIENCE);
        out.put("maxEpochs", quick ? QUICK_EPOCHS : MAX_EPOCHS);
        out.put("arms", arms);
        out.put("seconds", seconds);
        return new Report(name(), "Pair verification: one encoder in both arms vs two towers", table, figure, findings, out);
    }

    /** The shared encoder's gap, which is 0 unless something is broken: said as "0" when every seed measured exactly 0. */
    private static String gapOfShared(double[] gap) {
        for (double g : gap) if (g != 0) return Stats.meanSd(gap);
        return "0 (exactly)";
    }

    /** "9/12, 14/17": per seed, the epoch whose weights were kept and the epochs run. */
    static String epochs(double[] kept, double[] run) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < kept.length; i++) sb.append(i > 0 ? ", " : "").append((long) kept[i]).append('/').append((long) run[i]);
        return sb.toString();
    }

    private static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
