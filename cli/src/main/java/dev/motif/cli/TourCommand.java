package dev.motif.cli;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.io.Checkpoint;
import dev.motif.io.SafetensorsFile;
import dev.motif.lab.DataEfficiency;
import dev.motif.lab.DnaMotif;
import dev.motif.lab.Downsides;
import dev.motif.lab.Experiment;
import dev.motif.lab.MultiTask;
import dev.motif.lab.PairVerification;
import dev.motif.lab.Report;
import dev.motif.lab.Settings;
import dev.motif.lab.Symmetry;
import dev.motif.nn.Block;
import dev.motif.nn.Linear;
import dev.motif.nn.Losses;
import dev.motif.nn.Parameter;
import dev.motif.nn.ParameterUse;
import dev.motif.nn.SharingReport;
import dev.motif.optim.SGD;
import dev.motif.text.Format;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;

/**
 * {@code motif tour}: parameter sharing in a few steps, each under its own heading, each checking
 * what it shows. A step is a static method taking what it needs and printing to {@code out}, so a
 * new step is one method and one line in {@link #call()}.
 */
@Command(name = "tour",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {
                "Walks through parameter sharing in eleven steps, checking each claim as it goes.",
                "",
                "1. One 2x2 kernel used at the four positions of a 3x3 image, and the gradient it collects from them.",
                "2. A small model that uses one Linear layer twice, trained with plain gradient descent.",
                "3. Its sharing report: registered sites and the uses traced from one forward, against the unique count;",
                "   and its untied twin, every site its own copy, computing the same outputs.",
                "4. A checkpoint saved and loaded into a fresh model: same outputs, tie restored.",
                "5-10. The quick versions of the six experiments of motif lab (one seed, small sizes, shipped or",
                "     synthetic data): data-efficiency, dna-motif, symmetry, downsides, siamese (one encoder in both arms",
                "     of a pair network vs two towers; its two arms are checked to agree exactly) and multitask (one",
                "     backbone under three heads vs three single-task models). They report what they measure;",
                "     motif lab NAME runs the full versions.",
                "11. Sharing across experiments: three decay curves fitted at once with one lifetime and background",
                "   (motif fit on examples/decay), checked against the values the data were made from, and tested",
                "   against separate fits.",
                "",
                "Takes under a minute on 2 cores; exits 1 if a check fails.",
                ""},
        footer = {"", "Examples:",
                "  motif tour",
                "  motif tour --seed 7 --out /tmp/tour",
                "  motif inspect /tmp/tour/tour.safetensors"})
public final class TourCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
            description = "Seed of every random draw: initial weights and data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Directory for the checkpoint tour.safetensors, kept afterwards (default: a temporary directory, removed at the end).")
    Path outDir;

    // Hidden: the tests run the lab steps' experiments in lab, and the whole tour without them stays fast.
    @Option(names = "--no-lab", hidden = true, description = "Skips steps 5-10 (the lab's experiments).")
    boolean noLab;

    private PrintWriter out;
    private int steps;

    @Override
    public Integer call() throws IOException {
        // Checked first: otherwise the tour runs its first steps and then stops on the checkpoint with only the path as message.
        String unwritable = outDir == null ? null : Main.unwritableDirectory("--out", outDir);
        if (unwritable != null) throw new ParameterException(spec.commandLine(), unwritable);
        out = spec.commandLine().getOut();
        long start = System.nanoTime();

        heading("One kernel, four positions");
        oneKernelFourPositions(out);

        heading("Training a model that uses one layer twice");
        Trained trained = trainSharedLayerNet(seed, 300, 0.1, out);

        heading("What the model shares");
        whatTheModelShares(trained, out);

        heading("Checkpoint round trip");
        Path dir = outDir != null ? Files.createDirectories(outDir) : Files.createTempDirectory("motif-tour");
        Path file = dir.resolve("tour.safetensors");
        try {
            checkpointRoundTrip(trained, file, seed, out);
        } finally {
            if (outDir == null) removeQuietly(dir);
        }
        out.println(outDir != null
                ? "  look inside with: motif inspect " + file
                : "  (written to a temporary directory and removed; --out DIR keeps it for motif inspect)");

        if (!noLab) labSteps();

        heading("Sharing across experiments: a global fit");
        FitTourStep.run(out);
        out.printf(Locale.ROOT, "%nTour finished in %.1f s.%n", (System.nanoTime() - start) / 1e9);
        return 0;
    }

    /** Steps 5-10: the quick versions of the lab's six experiments. */
    private void labSteps() throws IOException {
        heading("Data efficiency: conv, its untied twin, dense (quick)");
        experimentStep(new DataEfficiency(), seed, out);

        heading("A DNA motif found anywhere (quick)");
        experimentStep(new DnaMotif(), seed, out);

        heading("Equivalent solutions: reordering units and filters");
        Report symmetry = experimentStep(new Symmetry(), seed, out);
        checkSymmetry(symmetry);

        heading("Where sharing hurts: position decides the class (quick)");
        experimentStep(new Downsides(), seed, out);

        heading("One encoder in both arms of a pair, or two towers (quick)");
        Report siamese = experimentStep(new PairVerification(), seed, out);
        checkSiamese(siamese);

        heading("One backbone under three heads, or a model per task (quick)");
        experimentStep(new MultiTask(), seed, out);
    }

    private void heading(String title) {
        String line = "Step " + (++steps) + ": " + title;
        out.println();
        out.println(line);
        out.println("-".repeat(line.length()));
    }

    // ---------------------------------------------------------------- step: one kernel, four positions

    /** The output of the seed example and the gradient its one kernel received. */
    record Convolution(NDArray output, NDArray kernelGradient) {}

    /**
     * The seed example: the 3x3 image [[1,2,3],[4,5,6],[7,8,9]] and one 2x2 all-ones kernel,
     * applied at each of the four positions by a plain loop, give [[12,16],[24,28]]. The gradient
     * of the sum of the outputs with respect to the kernel is the sum of the four windows: each
     * use sends its share back to the one tensor.
     */
    static Convolution oneKernelFourPositions(PrintWriter out) {
        Tensor image = Tensor.constant(NDArray.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3));
        Tensor kernel = Tensor.variable(NDArray.ones(DType.F64, 2, 2));
        out.println("  image  " + grid(image.value()));
        out.println("  kernel " + grid(kernel.value()) + "   (one tensor, used at four positions)");

        Tensor[] dots = new Tensor[4];
        NDArray windowSum = NDArray.zeros(DType.F64, 2, 2);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                Tensor window = image.slice(0, i, i + 2, 1).slice(1, j, j + 2, 1);
                Tensor dot = window.mul(kernel).sum();
                out.printf(Locale.ROOT, "  position (%d,%d): window %s . kernel = %s%n", i, j, grid(window.value()), num(dot.item()));
                dots[2 * i + j] = dot;
                windowSum = windowSum.add(window.value());
            }
        }
        Tensor output = Tensor.stack(0, dots).reshape(2, 2);
        out.println("  output " + grid(output.value()));
        NDArray expected = NDArray.of(new double[] {12, 16, 24, 28}, 2, 2);
        check(output.value().contentEquals(expected), "the output " + grid(output.value()) + " should be " + grid(expected));

        output.sum().backward();
        out.println("  gradient of sum(output) at the kernel " + grid(kernel.grad()) + " = the sum of the four windows");
        check(kernel.grad().contentEquals(windowSum), "the kernel's gradient " + grid(kernel.grad()) + " should be the sum of the windows " + grid(windowSum));
        return new Convolution(output.value(), kernel.grad());
    }

    // ---------------------------------------------------------------- step: training with a shared layer

    /**
     * y = head(tanh(layer(tanh(layer(x))))): one Linear layer registered at two sites ("first"
     * and "second") and used at both, so its weight and bias are shared, then an unshared head.
     * It reads each site through its slot, so untie() can give each site its own copy.
     */
    static final class SharedLayerNet extends Block {
        SharedLayerNet(RandomGenerator rng) {
            Linear layer = child("first", new Linear(4, 4, DType.F64, rng));
            child("second", layer);
            child("head", new Linear(4, 1, DType.F64, rng));
        }

        @Override
        public Tensor forward(Tensor x) {
            Linear first = child("first"), second = child("second"), head = child("head");
            return head.forward(second.forward(first.forward(x).tanh()).tanh());
        }

        @Override
        public String describe() {
            return "SharedLayerNet(" + children().get("first").describe() + " used twice, " + children().get("head").describe() + " head)";
        }
    }

    /** A trained model, the inputs it was trained on, and its loss before and after. */
    record Trained(SharedLayerNet model, Tensor inputs, double firstLoss, double lastLoss) {}

    /**
     * Fits a {@link SharedLayerNet} to a teacher of the same form (other weights) on 64 Gaussian
     * inputs with SGD and momentum: the optimizer steps each unique parameter once, by the
     * gradient summed over its sites.
     */
    static Trained trainSharedLayerNet(long seed, int iterations, double lr, PrintWriter out) {
        RandomGenerator rng = new SplittableRandom(seed);
        SharedLayerNet teacher = new SharedLayerNet(rng);
        Tensor x = Tensor.constant(Init.normal(rng, DType.F64, 0, 1, 64, 4));
        Tensor y = Autodiff.noGrad(() -> teacher.forward(x)).detach();
        SharedLayerNet model = new SharedLayerNet(rng);
        out.println("  model: " + model.describe());
        out.println("  data: 64 inputs x ~ N(0, 1)^4, targets from a teacher network of the same form (seed " + seed + ")");
        out.printf(Locale.ROOT, "  SGD with momentum 0.9, learning rate %s, %d full-batch steps%n", lr, iterations);
        // parameters() lists the shared layer's weight once: one update a step, with the sum of both sites' gradients.
        SGD opt = SGD.builder(model.parameters()).lr(lr).momentum(0.9).build();

        double first = Double.NaN, last = Double.NaN;
        for (int it = 0; it <= iterations; it++) {
            opt.zeroGrad();
            Tensor loss = Losses.mse(model.forward(x), y);
            last = loss.item();
            if (it == 0) first = last;
            if (it % 100 == 0 || it == iterations) out.printf(Locale.ROOT, "  step %4d  loss %.6f%n", it, last);
            if (it == iterations) break;
            loss.backward();
            opt.step();
        }
        check(last < first, "training should reduce the loss, but it went from " + first + " to " + last);
        out.printf(Locale.ROOT, "  loss fell from %.6f to %.6f%n", first, last);
        return new Trained(model, x, first, last);
    }

    // ---------------------------------------------------------------- step: what the model shares

    /**
     * The sharing report, registered sites against the uses traced from one forward on the
     * training inputs, and the untied twin: every site its own copy, the same outputs.
     */
    static SharingReport whatTheModelShares(Trained trained, PrintWriter out) {
        SharedLayerNet model = trained.model();
        SharingReport r = SharingReport.of(model, trained.inputs());
        for (String line : r.toTable().split("\n")) out.println("  " + line);
        check(r.uniqueCount() == 25 && r.nominalCount() == 45 && r.usedCount() == 45,
                "the report should count 25 unique values standing for 45, got " + r.uniqueCount() + ", " + r.nominalCount() + " and " + r.usedCount());
        Block twin = model.untie();
        double diff = maxAbsDiff(model, twin, trained.inputs());
        out.printf(Locale.ROOT, "  untie(): a twin with every site its own copy, %,d parameters, max |output difference| = %s%n", twin.parameterCount(), num(diff));
        check(twin.parameterCount() == 45 && diff <= 1e-12, "the untied twin should hold 45 values and compute the same outputs, got "
                + twin.parameterCount() + " and a difference of " + diff);
        return r;
    }

    // ---------------------------------------------------------------- step: checkpoint round trip

    /**
     * Saves the trained model, loads the file into a freshly built model with other initial
     * values, and checks that both give identical outputs and that the shared layer's sites hold
     * one object again.
     */
    static void checkpointRoundTrip(Trained trained, Path file, long seed, PrintWriter out) throws IOException {
        SharedLayerNet model = trained.model();
        Tensor x = trained.inputs();
        Checkpoint.save(model, file);
        SafetensorsFile saved = SafetensorsFile.read(file);
        out.printf(Locale.ROOT, "  saved %s (%,d bytes): %d tensors for %d use sites%n", file, Files.size(file), saved.tensors().size(),
                model.parameterUses().size());
        for (Map.Entry<String, List<String>> a : Checkpoint.aliases(saved).entrySet()) {
            out.println("    " + a.getKey() + " stored once, also used as " + String.join(", ", a.getValue()));
        }

        SharedLayerNet fresh = new SharedLayerNet(new SplittableRandom(~seed));
        out.printf(Locale.ROOT, "  fresh model before loading: max |output difference| = %.3g%n", maxAbsDiff(model, fresh, x));
        Checkpoint.load(fresh, file);
        double diff = maxAbsDiff(model, fresh, x);
        out.printf(Locale.ROOT, "  after loading:              max |output difference| = %s%n", num(diff));
        check(diff == 0, "outputs after loading differ from the saved model's by up to " + diff);

        for (String name : List.of("weight", "bias")) {
            boolean same = parameterAt(fresh, "first." + name) == parameterAt(fresh, "second." + name);
            out.println("  first." + name + " and second." + name + " are one object: " + same);
            check(same, "after loading, first." + name + " and second." + name + " are different objects: the tie was lost");
        }
        out.println("  checkpoint round trip: OK");
    }

    // ---------------------------------------------------------------- steps: the lab's experiments, quick

    /**
     * Runs an experiment's quick version (one seed, small sizes, shipped or synthetic data) and
     * prints its table and findings, indented; the numbers are whatever it measured.
     */
    static Report experimentStep(Experiment experiment, long seed, PrintWriter out) throws IOException {
        out.println("  " + experiment.summary());
        out.flush();
        long t0 = System.nanoTime();
        Report r = experiment.run(new Settings(seed, 1, false, true, null), dev.motif.train.ProgressListener.NONE);
        for (String line : r.table().toMarkdown().split("\n")) out.println("  " + line);
        for (String f : r.findings()) out.println("  - " + f);
        out.printf(Locale.ROOT, "  (%.1f s; the full version: motif lab %s)%n", (System.nanoTime() - t0) / 1e9, experiment.name());
        out.flush();
        return r;
    }

    /** A permutation of hidden units that moves the outputs by more than rounding is a bug. */
    @SuppressWarnings("unchecked")
    private static void checkSymmetry(Report r) {
        for (Map<String, Object> layer : (List<Map<String, Object>>) r.data().get("layers")) {
            Object d = layer.get("maxAbsOutputChange");
            if (d != null) check((double) d <= 1e-12, "permuting " + layer.get("network") + " " + layer.get("layer") + " moved the outputs by " + d);
        }
    }

    /**
     * What is certain whatever the training did: the shared encoder's two arms embed an image
     * identically and its parameters are used twice per pair; the trained towers do not agree.
     */
    @SuppressWarnings("unchecked")
    static void checkSiamese(Report r) {
        Map<String, Object> arms = (Map<String, Object>) r.data().get("arms");
        for (Map.Entry<String, Object> e : arms.entrySet()) {
            Map<String, Object> arm = (Map<String, Object>) e.getValue();
            double gap = (double) ((Map<String, Object>) arm.get("towerGap")).get("mean");
            Map<String, Object> sharing = (Map<String, Object>) arm.get("sharing");
            long stored = (long) sharing.get("stored"), used = (long) sharing.get("used");
            if ((boolean) arm.get("shared")) {
                check(gap == 0, e.getKey() + ": the shared encoder's two arms put one image " + gap + " apart; one function embeds both");
                check(used == 2 * stored, e.getKey() + ": the traced report should count the encoder's " + stored + " values twice, got " + used);
            } else {
                check(gap > 0 && used == stored, e.getKey() + ": the trained towers should differ (gap " + gap + ") and each be used once (" + used + " of " + stored + ")");
            }
        }
    }

    /** Removes the tour's temporary directory; a leftover must not hide the error that may be on its way out. */
    private static void removeQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    private static double maxAbsDiff(Block a, Block b, Tensor x) {
        return Autodiff.noGrad(() -> a.forward(x).value().maxAbsDiff(b.forward(x).value()));
    }

    private static Parameter parameterAt(Block m, String path) {
        for (ParameterUse u : m.parameterUses()) if (u.path().equals(path)) return u.parameter();
        throw new IllegalArgumentException(m.describe() + " has no parameter at '" + path + "'");
    }

    // ---------------------------------------------------------------- helpers

    /** A failed check of the tour: a bug in Motif, reported as such. */
    private static void check(boolean ok, String what) {
        if (!ok) throw new IllegalStateException("tour check failed: " + what);
    }

    /** A rank-2 array as nested rows: [[1, 2], [4, 5]]. */
    static String grid(NDArray a) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < a.shape(0); i++) {
            sb.append(i > 0 ? ", [" : "[");
            for (int j = 0; j < a.shape(1); j++) sb.append(j > 0 ? ", " : "").append(num(a.get(i, j)));
            sb.append(']');
        }
        return sb.append(']').toString();
    }

    private static String num(double v) {
        return Format.compact(v);
    }
}
