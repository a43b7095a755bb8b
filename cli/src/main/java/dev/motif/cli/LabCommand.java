package dev.motif.cli;

import dev.motif.io.AtomicFile;
import dev.motif.io.Json;
import dev.motif.lab.Experiment;
import dev.motif.lab.Experiments;
import dev.motif.lab.Figure;
import dev.motif.lab.Report;
import dev.motif.lab.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code motif lab NAME}: runs one of the experiments about sharing and writes its report: a
 * markdown table and findings on stdout and in {@code OUT/NAME.md}, a plot in
 * {@code OUT/NAME.svg}, and with {@code --json} the raw numbers.
 */
@Command(name = "lab",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {
                "Runs an experiment that tests a claim about parameter sharing, and reports what it measured.",
                "",
                "Without NAME, lists the experiments. Each run prints a markdown table and its findings, and writes "
                        + "OUT/NAME.md and OUT/NAME.svg (a plot). Every configuration is repeated over --seeds seeds "
                        + "(seed, seed+1, ...), so the same command gives the same numbers.",
                "",
                "siamese and multitask tune every arm's learning rate on a validation split of the training images "
                        + "(the first seed, Adam 3e-5 to 3e-3) and stop each run early on it; --quick trains at one fixed rate.",
                ""},
        footer = {"", "Examples:",
                "  motif lab                                  list the experiments",
                "  motif lab data-efficiency --seeds 3        conv vs its untied twin vs dense",
                "  motif lab siamese                          one encoder in both arms vs two towers",
                "  motif lab multitask --json mt.json         one backbone, three heads vs three models",
                "  motif lab dna-motif --json dna.json --out results"})
public final class LabCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "The experiment; omit it to list them.")
    String name;

    @Option(names = "--seed", defaultValue = "1", description = "First seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--seeds", defaultValue = "3", description = "Repetitions per configuration (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--full", description = "The long version (data-efficiency: up to all 60,000 training images; siamese: every training "
            + "image outside the validation split, 100,000 pairs; multitask: adds 58,000 training images).")
    boolean full;

    @Option(names = "--quick", description = "The short version the tour runs, on the data shipped with Motif.")
    boolean quick;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX files (default: Debian's dataset-fashion-mnist, else the shipped subset).")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "out/lab", description = "Where NAME.md and NAME.svg go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report's numbers as JSON.")
    Path json;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        if (name == null) {
            o.println("Experiments (motif lab NAME):");
            for (Experiment e : Experiments.all()) o.printf(Locale.ROOT, "  %-18s %s%n", e.name(), e.summary());
            o.flush();
            return 0;
        }
        Experiment experiment;
        Settings settings;
        try {
            experiment = Experiments.named(name);
            settings = new Settings(seed, seeds, full, quick, data);
            // --quick always uses the shipped data: a --data next to it would be silently ignored.
            if (quick && data != null) throw new IllegalArgumentException("--quick runs on the data shipped with Motif; --data cannot be combined with it");
            if (data != null && !Files.isDirectory(data)) {
                throw new IllegalArgumentException("--data " + data + ": no such directory (give the directory of the Fashion-MNIST IDX files)");
            }
            // Checked before the run: a path that cannot be written would otherwise lose minutes of results.
            String unwritable = Main.unwritableDirectory("--out", out);
            if (unwritable == null && json != null) unwritable = Main.unwritableFile("--json", json);
            if (unwritable != null) throw new IllegalArgumentException(unwritable);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Report report = experiment.run(settings, ProgressDisplay.auto(spec.commandLine().getErr()));
        String plot = report.figure() == null ? null : experiment.name() + ".svg";
        String markdown = report.toMarkdown(plot);
        Files.createDirectories(out);
        if (plot != null) AtomicFile.writeString(out.resolve(plot), svg(report.figure()));
        AtomicFile.writeString(out.resolve(experiment.name() + ".md"), markdown);
        if (json != null) writeJson(json, report);
        o.print(markdown);
        o.println();
        o.println("Wrote " + out.resolve(experiment.name() + ".md") + (plot == null ? "" : " and " + out.resolve(plot))
                + (json == null ? "" : "; JSON in " + json));
        o.flush();
        return 0;
    }

    /** The figure drawn as SVG. */
    static String svg(Figure f) {
        SvgPlot p = new SvgPlot(f.title(), f.xLabel(), f.yLabel());
        if (f.logX()) p.logX();
        for (Figure.Curve c : f.curves()) {
            SvgPlot.Series s = SvgPlot.Series.line(c.name(), c.x(), c.y());
            p.add(c.errors() == null ? s : s.withErrors(c.errors()));
        }
        return p.toSvg();
    }

    static void writeJson(Path file, Report report) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("experiment", report.experiment());
        root.put("title", report.title());
        root.put("header", report.table().header());
        root.put("rows", report.table().rows());
        root.put("findings", report.findings());
        root.put("data", report.data());
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        AtomicFile.writeString(file, Json.pretty(root));
    }
}
