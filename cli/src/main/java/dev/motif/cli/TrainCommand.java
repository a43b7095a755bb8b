package dev.motif.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.motif.array.DType;
import dev.motif.data.FashionMnist;
import dev.motif.data.ImageDataset;
import dev.motif.data.Standardization;
import dev.motif.data.TrainTest;
import dev.motif.io.AtomicFile;
import dev.motif.io.Checkpoint;
import dev.motif.io.Json;
import dev.motif.lab.SeedNets;
import dev.motif.nn.Sequential;
import dev.motif.optim.SGD;
import dev.motif.text.Format;
import dev.motif.train.EpochResult;
import dev.motif.train.Metrics;
import dev.motif.train.Objectives;
import dev.motif.train.TrainResult;
import dev.motif.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code motif train --arch conv|local|dense}: trains one of the seed nets ({@link SeedNets}) on
 * Fashion-MNIST with the recipe of {@code bench/peers/torch_train.py} and reports test accuracy,
 * loss, parameters and speed; optionally as JSON and as a checkpoint.
 */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {
                "Trains a seed net on Fashion-MNIST and reports its test accuracy, parameters and speed.",
                "",
                "Architectures (input 1x28x28, 10 classes; the PyTorch peer in bench/peers has the same):",
                "  conv   Conv(1->16, 3x3, pad 1) ReLU MaxPool2 Conv(16->32, 3x3, pad 1) ReLU",
                "         MaxPool2 Linear(1568->10): 20,490 parameters",
                "  local  the same geometry, its own kernel at every position (the conv's",
                "         untied twin): 1,050,570 parameters",
                "  dense  Linear(784->256) ReLU Linear(256->128) ReLU Linear(128->10): 235,146",
                "",
                "Recipe: SGD with momentum, minibatches shuffled by --seed, cross-entropy; pixels scaled to [0, 1] and "
                        + "standardized with the mean and std of the training images used. The training set is the first "
                        + "--train-size training images; the test set is the source's test images (or the first --test-size), "
                        + "evaluated after every epoch.",
                "",
                "Data: --data DIR (the four IDX files, plain or .gz), else Debian's dataset-fashion-mnist in "
                        + FashionMnist.DEBIAN_DIR + " when installed, else the subset shipped with Motif (3,000 training and "
                        + "1,000 test images; also --data shipped). The report says which was used.",
                ""},
        footer = {"", "Examples:",
                "  motif train --arch conv --train-size 10000 --epochs 1 --seed 1",
                "  motif train --arch local --train-size 2000 --epochs 3 --json local.json",
                "  motif train --arch dense --data shipped --save dense.safetensors"})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--arch", required = true, paramLabel = "ARCH", description = "conv, local or dense.")
    String arch;

    @Option(names = "--train-size", paramLabel = "N", description = "Train on the first N training images (default: all).")
    Integer trainSize;

    @Option(names = "--test-size", paramLabel = "N", description = "Test on the first N test images (default: all).")
    Integer testSize;

    @Option(names = "--epochs", defaultValue = "1", paramLabel = "E", description = "Passes over the training images (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the initialisation and the shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX files, or 'shipped' for the subset inside Motif.")
    String data;

    @Option(names = "--batch", defaultValue = "64", paramLabel = "N", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.05", paramLabel = "RATE", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", paramLabel = "M", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--dtype", defaultValue = "F32", paramLabel = "TYPE", description = "F32 or F64 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON: arch, dtype, seed, data {source (shipped, debian or dir), dir, trainSize, testSize}, "
            + "recipe {epochs, batch, lr, momentum}, parameters {unique, untied}, test and train {accuracy, loss, count}, "
            + "imagesPerSecond, seconds, history [{epoch, train, test, seconds, imagesPerSecond}].")
    Path json;

    @Option(names = "--save", paramLabel = "FILE", description = "Save the trained model as a checkpoint (.safetensors).")
    Path save;

    /** Where the images came from, for the report: {@code shipped}, {@code debian} (the default directory) or {@code dir} (--data). */
    record Source(String name, String dir) {}

    @Override
    public Integer call() throws IOException {
        SeedNets.Arch a = usage(() -> SeedNets.Arch.parse(arch));
        DType dt = usage(() -> parseDType(dtype));
        if (epochs <= 0) throw usageError("--epochs must be > 0, got " + epochs);
        if (batch <= 0) throw usageError("--batch must be > 0, got " + batch);
        if (!(lr > 0) || Double.isInfinite(lr)) throw usageError("--lr must be a positive number, got " + lr);
        if (!(momentum >= 0 && momentum < 1)) throw usageError("--momentum must be in [0, 1), got " + momentum);
        if (trainSize != null && trainSize <= 0) throw usageError("--train-size must be > 0, got " + trainSize);
        if (testSize != null && testSize <= 0) throw usageError("--test-size must be > 0, got " + testSize);
        // Checked before training, which a path that cannot be written would otherwise waste.
        String unwritable = save == null ? null : Main.unwritableFile("--save", save);
        if (unwritable == null && json != null) unwritable = Main.unwritableFile("--json", json);
        if (unwritable != null) throw usageError(unwritable);
        Source source;
        if (data != null && !data.equals("shipped") && !Files.isDirectory(Path.of(data))) {
            throw usageError("--data '" + data + "': no such directory (give the directory of the Fashion-MNIST IDX files, or 'shipped')");
        }

        PrintWriter out = spec.commandLine().getOut();
        TrainTest all;
        if ("shipped".equals(data) || data == null && !FashionMnist.isAvailable(FashionMnist.defaultDir())) {
            all = FashionMnist.shipped();
            source = new Source("shipped", null);
        } else {
            Path dir = data == null ? FashionMnist.defaultDir() : Path.of(data);
            all = FashionMnist.load(dir);
            source = new Source(data == null ? "debian" : "dir", dir.toString());
        }
        int nTrain = trainSize == null ? all.train().size() : trainSize, nTest = testSize == null ? all.test().size() : testSize;
        if (nTrain > all.train().size()) {
            throw usageError(String.format(Locale.ROOT, "--train-size %d is more than the %,d training images of the %s", nTrain, all.train().size(), describe(source)));
        }
        if (nTest > all.test().size()) {
            throw usageError(String.format(Locale.ROOT, "--test-size %d is more than the %,d test images of the %s", nTest, all.test().size(), describe(source)));
        }
        // The peer's recipe: the first N training images, standardized with their own statistics.
        ImageDataset train = all.train().subset(0, nTrain), test = all.test().subset(0, nTest);
        Standardization st = Standardization.of(train);
        train = train.standardize(st);
        test = test.standardize(st);

        Sequential model = SeedNets.build(a, dt, new SplittableRandom(seed));
        long unique = model.parameterCount();
        long untied = model.untiedParameterCount(1, 1, 28, 28);
        out.printf(Locale.ROOT, "Data: %s; training on the first %,d of %,d images, testing on %,d%n", describe(source), nTrain,
                all.train().size(), nTest);
        out.printf(Locale.ROOT, "Model: %s, %s, %,d parameters%s%n", a, dt, unique,
                a == SeedNets.Arch.CONV ? String.format(Locale.ROOT, " (its untied twin: %,d)", untied) : "");
        out.printf(Locale.ROOT, "Recipe: %d epoch%s, batch %d, SGD lr %s momentum %s, seed %d%n", epochs, epochs == 1 ? "" : "s", batch,
                num(lr), num(momentum), seed);
        out.flush();

        var trainer = Trainer.builder(model, SGD.builder(model.parameters()).lr(lr).momentum(momentum).build(), Objectives.classification(model))
                .batchSize(batch).epochs(epochs).seed(seed).validation(test, "test").listener(ProgressDisplay.auto(out)).build();
        // A run that diverges throws, naming the step, before anything below writes a result or a checkpoint.
        TrainResult r = trainer.fit(train);
        Metrics t = r.validation();

        out.printf(Locale.ROOT, "test accuracy %.2f%%  test loss %.4f  (%,d images)%n", 100 * t.get("accuracy"), t.loss(), t.count());
        out.printf(Locale.ROOT, "%,d parameters%s; %.0f images/s; %s in all%n", unique,
                a == SeedNets.Arch.CONV ? String.format(Locale.ROOT, " (untied twin %,d)", untied) : "", r.examplesPerSecond(),
                ProgressDisplay.duration(r.seconds()));
        if (json != null) {
            writeJson(json, a, dt, source, nTrain, nTest, unique, untied, r);
            out.println("Wrote " + json);
        }
        if (save != null) {
            Path parent = save.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Checkpoint.save(model, save, Map.of("arch", a.toString(), "dtype", dt.toString(), "seed", Long.toString(seed),
                    "train-size", Integer.toString(nTrain), "epochs", Integer.toString(epochs),
                    "test-accuracy", String.format(Locale.ROOT, "%.4f", t.get("accuracy"))));
            out.println("Saved " + save);
        }
        out.flush();
        return 0;
    }

    private void writeJson(Path file, SeedNets.Arch a, DType dt, Source source, int nTrain, int nTest, long unique, long untied, TrainResult r)
            throws IOException {
        ObjectNode root = Json.object();
        root.put("arch", a.toString());
        root.put("dtype", dt.toString());
        root.put("seed", seed);
        ObjectNode d = root.putObject("data");
        d.put("source", source.name());
        if (source.dir() != null) d.put("dir", source.dir());
        d.put("trainSize", nTrain);
        d.put("testSize", nTest);
        ObjectNode recipe = root.putObject("recipe");
        recipe.put("epochs", epochs);
        recipe.put("batch", batch);
        recipe.put("lr", lr);
        recipe.put("momentum", momentum);
        ObjectNode p = root.putObject("parameters");
        p.put("unique", unique);
        p.put("untied", untied);
        metrics(root.putObject("test"), r.validation());
        metrics(root.putObject("train"), r.train());
        root.put("imagesPerSecond", r.examplesPerSecond());
        root.put("seconds", r.seconds());
        ArrayNode h = root.putArray("history");
        for (EpochResult e : r.history()) {
            ObjectNode n = h.addObject();
            n.put("epoch", e.epoch());
            metrics(n.putObject("train"), e.train());
            if (e.validation() != null) metrics(n.putObject("test"), e.validation());
            n.put("seconds", e.epochSeconds());
            n.put("imagesPerSecond", e.examplesPerSecond());
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        AtomicFile.writeString(file, Json.pretty(root));
    }

    private static void metrics(ObjectNode n, Metrics m) {
        n.put("accuracy", m.get("accuracy"));
        n.put("loss", m.loss());
        n.put("count", m.count());
    }

    private static String describe(Source s) {
        return s.dir() == null ? "Fashion-MNIST subset shipped with Motif" : "Fashion-MNIST in " + s.dir() + (s.name().equals("debian") ? " (Debian's dataset-fashion-mnist)" : "");
    }

    private static String num(double v) {
        return Format.significant(v, 12);
    }

    static DType parseDType(String s) {
        for (DType t : new DType[] {DType.F32, DType.F64}) if (t.name().equalsIgnoreCase(s)) return t;
        throw new IllegalArgumentException("unknown dtype '" + s + "': expected F32 or F64");
    }

    private ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private <T> T usage(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage());
        }
    }
}
