package dev.motif.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.motif.fit.Comparison;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code motif fit} on the examples of the repository (checked against the values
 * examples/make_examples.py made them from), its table, JSON, exit codes and error messages.
 */
class FitCommandTest {
    @TempDir
    Path dir;

    /** The repository root: the working directory, or its parent when Maven runs in the module directory. */
    static Path root() {
        return Files.isDirectory(Path.of("examples", "decay")) ? Path.of(".") : Path.of("..");
    }

    static List<String> decayFiles() {
        Path d = root().resolve("examples/decay");
        return List.of(d.resolve("sample_large.csv").toString(), d.resolve("sample_medium.csv").toString(), d.resolve("sample_small.csv").toString());
    }

    static String[] decayArgs(String... extra) {
        List<String> a = new ArrayList<>();
        a.add("fit");
        a.addAll(decayFiles());
        a.addAll(List.of("--model", "A*exp(-t/tau)+B", "--x", "t", "--y", "counts", "--sigma", "sigma", "--shared", "tau,B", "--local", "A"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    private JsonNode json(Path f) throws IOException {
        return new ObjectMapper().readTree(f.toFile());
    }

    private static void assertNear(double truth, JsonNode estimate, double se) {
        double v = estimate.get("value").asDouble(), e = estimate.get("stderr").asDouble();
        assertTrue(e > 0 && Math.abs(v - truth) <= se * e, "estimate " + v + " ± " + e + " is not within " + se + " stderr of " + truth);
    }

    @Test
    void decayExampleRecoversTheTrueValuesAndComparesConsistently() throws IOException {
        Path j = dir.resolve("decay.json");
        Run r = Run.of(decayArgs("--compare", "--json", j.toString()));
        assertEquals(0, r.code(), r.err() + r.out());
        JsonNode n = json(j);
        // make_examples.py: tau = 2.5, B = 0.3 shared, A = 4, 9, 18
        assertNear(2.5, n.at("/parameters/shared/tau"), 3);
        assertNear(0.3, n.at("/parameters/shared/B"), 3);
        assertNear(4, n.at("/parameters/local/A/sample_small.csv"), 3);
        assertNear(9, n.at("/parameters/local/A/sample_medium.csv"), 3);
        assertNear(18, n.at("/parameters/local/A/sample_large.csv"), 3);
        assertEquals(120 - 5, n.at("/statistics/dof").asLong());

        // the F test from the two chi-squares and dofs, by the formula and by Comparison
        JsonNode c = n.get("compare");
        double chiShared = n.at("/statistics/chi2").asDouble(), chiSep = c.get("chi2Separate").asDouble();
        long df1 = c.get("df1").asLong(), df2 = c.get("df2").asLong();
        assertEquals(4, df1); // tau and B become 3 copies each: 2 more per extra dataset
        assertEquals(120 - 9, df2);
        double f = ((chiShared - chiSep) / df1) / (chiSep / df2);
        assertEquals(f, c.get("F").asDouble(), 1e-9 * f);
        double aicSep = 120 * Math.log(chiSep / 120) + 2 * 9;
        assertEquals(n.at("/statistics/aic").asDouble() - aicSep, c.get("deltaAIC").asDouble(), 1e-9);
        Comparison ref = Comparison.of(chiShared, 115, chiSep, df2, c.get("deltaAIC").asDouble(), Comparison.DEFAULT_ALPHA);
        assertEquals(ref.p(), c.get("p").asDouble(), 1e-12);
        assertEquals(ref.verdict(), c.get("verdict").asText());
        assertEquals(0, c.at("/separate/undetermined").asInt());
        assertFalse(r.out().contains("Note:"), r.out());
        assertTrue(r.out().contains("Verdict: " + ref.verdict()), r.out());
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "(%d, %d) degrees of freedom", df1, df2)), r.out());
    }

    @Test
    void enzymeExampleWithCovariateRecoversTheTrueValues() throws IOException {
        Path rates = root().resolve("examples/enzyme/rates.csv");
        for (String model : List.of("Vmax*S/(Km*(1+I/Ki)+S)", "competitive")) {
            Path j = dir.resolve("enzyme.json");
            Run r = Run.of("fit", rates.toString(), "--model", model, "--x", "S", "--y", "v", "--by", "run",
                    "--shared", "Vmax,Km,Ki", "--json", j.toString());
            assertEquals(0, r.code(), r.err());
            JsonNode n = json(j);
            // make_examples.py: Vmax = 12, Km = 4, Ki = 6 shared over I = 0, 5, 10, 20
            assertNear(12, n.at("/parameters/shared/Vmax"), 3);
            assertNear(4, n.at("/parameters/shared/Km"), 3);
            assertNear(6, n.at("/parameters/shared/Ki"), 3);
            assertEquals(4, n.get("datasets").size());
            assertEquals("1", n.at("/datasets/0/name").asText());
            assertEquals(10, n.at("/datasets/0/points").asInt());
        }
        // fitted alone, a dataset at one inhibitor concentration fixes only Km·(1 + I/Ki): Ki at I = 0,
        // and one of Km, Ki at each other I, are undetermined, and the comparison says so
        Path j = dir.resolve("compare.json");
        Run r = Run.of("fit", rates.toString(), "--model", "competitive", "--x", "S", "--y", "v", "--by", "run",
                "--shared", "Vmax,Km,Ki", "--compare", "--json", j.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(7, json(j).at("/compare/separate/undetermined").asInt());
        assertTrue(r.out().contains("Note: 7 parameters of the separate fits are undetermined"), r.out());
    }

    @Test
    void aQuickFitShowsNoProgress() {
        Run r = Run.of(decayArgs("--compare"));
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
    }

    @Test
    void progressGoesToStderrAndLeavesTheTableAlone() {
        Run quiet = Run.of(decayArgs("--compare"));
        FitCommand cmd = new FitCommand();
        cmd.progressAfterSeconds = 0;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = decayArgs("--compare");
        int code = new CommandLine(cmd).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(Arrays.copyOfRange(args, 1, args.length));
        assertEquals(0, code, err.toString());
        assertEquals(quiet.out(), out.toString());
        // not a terminal: plain lines, the first report and each stage's end (the next report is due 10 s later)
        List<String> lines = err.toString().lines().toList();
        assertEquals(3, lines.size(), err.toString());
        assertTrue(lines.get(0).matches("fit  iteration 1  χ² \\S+  λ \\S+  \\d+ it/s"), lines.get(0));
        assertTrue(lines.get(1).matches("fit  χ² 88\\.57\\d\\d  \\d+\\.\\d s  \\d+ it/s"), lines.get(1));
        assertTrue(lines.get(2).matches("separate fits  χ² 80\\.46\\d\\d  \\d+\\.\\d s  \\d+ it/s"), lines.get(2));
    }

    @Test
    void tableShowsParametersStatisticsAndCorrelation() {
        Run r = Run.of(decayArgs());
        assertEquals(0, r.code(), r.err());
        String o = r.out();
        assertTrue(o.contains("Data: 3 datasets, 120 points\n"), o);
        assertTrue(o.contains("Status: converged after "), o);
        assertTrue(o.matches("(?s).*\\n  tau\\s+2\\.49\\d* ± 0\\.0106\\d?\\s+0\\.4\\d%\\n.*"), o);
        assertTrue(o.matches("(?s).*\\n    sample_small\\.csv\\s+3\\.99\\d* ± 0\\.0298\\s+0\\.7\\d%\\n.*"), o);
        assertTrue(o.contains("degrees of freedom 115 (120 points - 5 free parameters)"), o);
        assertTrue(o.matches("(?s).*AIC -?\\d.*, AICc -?\\d.*, BIC -?\\d.*"), o);
        assertTrue(o.matches("(?s).*\\n    sample_large\\.csv\\s+40\\s+0\\s+[\\d.]+\\s+[\\d.]+\\n.*"), o);
        // tau and B of a decay are anticorrelated (a longer lifetime needs a lower background)
        assertTrue(o.matches("(?s).*Correlation of the shared parameters\\n.*\\n  tau\\s+1\\.000\\s+-0\\.\\d{3}\\n.*"), o);
        assertFalse(o.contains("NaN"), o);
        assertFalse(o.contains("Shared or separate"), o);
    }

    @Test
    void jsonHasTheDocumentedFields() throws IOException {
        Path j = dir.resolve("sub/out.json");
        Run r = Run.of(decayArgs("--json", j.toString()));
        assertEquals(0, r.code(), r.err());
        JsonNode n = json(j);
        assertEquals("A*exp(-t/tau)+B", n.get("model").asText());
        for (String k : List.of("name", "points", "dropped", "chi2", "rms")) assertTrue(n.at("/datasets/0").has(k), k);
        for (String k : List.of("chi2", "dof", "redchi2", "aic", "aicc", "bic")) assertTrue(n.at("/statistics/" + k).isNumber(), k);
        for (String k : List.of("converged", "reason", "iterations", "evaluations", "message")) assertTrue(n.get("status").has(k), k);
        assertTrue(n.at("/status/converged").asBoolean());
        assertEquals(List.of("tau", "B"), List.of(n.at("/correlation/names/0").asText(), n.at("/correlation/names/1").asText()));
        assertEquals(1.0, n.at("/correlation/matrix/0/0").asDouble());
        assertEquals(n.at("/correlation/matrix/0/1").asDouble(), n.at("/correlation/matrix/1/0").asDouble(), 1e-12);
        assertEquals(3, n.at("/parameters/local/A").size());
        assertFalse(n.has("compare"));
        // chi-square is the sum over the datasets, rms is sqrt(chi2/points)
        double sum = 0;
        for (JsonNode d : n.get("datasets")) {
            sum += d.get("chi2").asDouble();
            assertEquals(Math.sqrt(d.get("chi2").asDouble() / d.get("points").asInt()), d.get("rms").asDouble(), 1e-12);
        }
        assertEquals(n.at("/statistics/chi2").asDouble(), sum, 1e-9);
    }

    @Test
    void aFitStoppedByTheIterationLimitExitsWith3AndPrintsTheBestPoint() throws IOException {
        Path j = dir.resolve("stopped.json");
        Run r = Run.of(decayArgs("--max-iterations", "1", "--json", j.toString()));
        assertEquals(FitCommand.NOT_CONVERGED, r.code(), r.err());
        assertTrue(r.out().contains("Status: NOT CONVERGED after 1 iterations"), r.out());
        assertTrue(r.out().contains("reached the limit of 1 iterations"), r.out());
        assertTrue(r.out().contains("Shared parameters"), r.out());
        assertTrue(r.err().startsWith("motif fit: not converged: reached the limit of 1 iterations"), r.err());
        JsonNode n = json(j);
        assertFalse(n.at("/status/converged").asBoolean());
        assertEquals("MAX_ITERATIONS", n.at("/status/reason").asText());
        assertTrue(n.at("/parameters/shared/tau/value").isNumber());
    }

    @Test
    void unknownAndUnassignedParametersAreUsageErrorsListingTheModelsParameters() {
        Run r = Run.of(decayArgs("--shared", "C"));
        assertEquals(2, r.code(), r.out());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.contains("'C' is not a parameter: the model 'A*exp(-t/tau)+B' has the parameters A, tau, B"), r.err());

        List<String> args = new ArrayList<>(List.of(decayArgs()));
        int i = args.indexOf("--local");
        args.remove(i);
        args.remove(i);
        r = Run.of(args.toArray(new String[0]));
        assertEquals(2, r.code());
        assertTrue(r.err().lines().findFirst().orElse("").contains("parameter A is neither --shared, --local, --group nor --fix: the model"), r.err());

        r = Run.of(decayArgs("--bound", "tau=5:1"));
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("motif fit: "), r.err());
    }

    @Test
    void missingYAndBadExpressionAreUsageErrors() {
        List<String> args = new ArrayList<>(List.of(decayArgs()));
        int i = args.indexOf("--y");
        args.remove(i);
        args.remove(i);
        Run r = Run.of(args.toArray(new String[0]));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Missing required option: '--y=COL'"), r.err());

        r = Run.of("fit", decayFiles().get(0), "--model", "A*exp(-t/tau", "--x", "t", "--y", "counts", "--shared", "tau", "--local", "A");
        assertEquals(2, r.code());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("motif fit: --model: ") && first.contains("of 'A*exp(-t/tau'"), r.err());
    }

    @Test
    void aBadCellIsReportedWithFileLineAndColumn() throws IOException {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "t,counts\n0,1.5\n1,abc\n2,0.5\n");
        Run r = Run.of("fit", f.toString(), "--model", "decay", "--x", "t", "--y", "counts", "--shared", "tau,B", "--local", "A");
        assertEquals(1, r.code(), r.out());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.contains(f.toString()) && first.contains("line 3") && first.contains("column 'counts'"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());

        // --drop-nan leaves an empty cell out and counts it
        Path g = dir.resolve("gap.csv");
        StringBuilder csv = new StringBuilder("t,counts\n");
        for (int k = 0; k < 12; k++) csv.append(k * 0.5).append(',').append(k == 4 ? "" : String.valueOf(2 * Math.exp(-k * 0.5 / 1.5) + 0.1 + 0.001 * ((k * 7) % 5 - 2))).append('\n');
        Files.writeString(g, csv.toString());
        r = Run.of("fit", g.toString(), "--model", "decay", "--x", "t", "--y", "counts", "--shared", "tau,B", "--local", "A", "--drop-nan");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Data: 1 dataset, 11 points, 1 rows dropped as NaN"), r.out());
    }

    @Test
    void aMissingFileIsADataError() {
        Path f = dir.resolve("nope.csv");
        Run r = Run.of("fit", f.toString(), "--model", "Vmax*S/(Km*(1+I/Ki)+S)", "--x", "S", "--y", "v", "--shared", "Vmax,Km,Ki");
        assertEquals(1, r.code(), r.err());
        assertEquals("motif fit: no such file: " + f, r.err().strip());
    }

    @Test
    void aDirectoryAsDataIsNamed() {
        Run r = Run.of("fit", dir.toString(), "--model", "decay", "--x", "t", "--y", "counts", "--shared", "tau,B", "--local", "A");
        assertEquals(1, r.code(), r.err());
        assertEquals("motif fit: " + dir + ": is a directory, expected a CSV file", r.err().strip());
    }

    /** A --report that is a file or a --json that is a directory is refused before the fit, with nothing written. */
    @Test
    void unwritableOutputPathsAreUsageErrorsBeforeTheFit() throws IOException {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        Run r = Run.of(decayArgs("--report", file.toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("motif fit: --report " + file + " is a file, expected a directory"), r.err());
        assertEquals("", r.out());
        r = Run.of(decayArgs("--json", dir.toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("motif fit: --json " + dir + " is a directory, expected a file"), r.err());
        assertEquals("x", Files.readString(file));
        // a file in the way of the parent directory: named before the fit
        r = Run.of(decayArgs("--json", file.resolve("out.json").toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("motif fit: --json " + file.resolve("out.json") + " is under " + file + ", which is a file"), r.err());
        r = Run.of(decayArgs("--report", file.resolve("a/b").toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("motif fit: --report " + file.resolve("a/b") + " is under " + file + ", which is a file"), r.err());
        assertEquals("", r.out());
    }

    /** Options that contradict each other are usage errors found before the data are read, not data errors or a fit of y against itself. */
    @Test
    void contradictoryOptionsAreUsageErrors() {
        Run r = Run.of(decayArgs("--bound", "tau=0:1", "--init", "tau=5"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("motif fit: --init tau=5.0 is outside its --bound 0:1\n"), r.err());
        r = Run.of(decayArgs("--bound", "A=0:1", "--init", "A@sample_small.csv=-2"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("motif fit: --init A@sample_small.csv=-2.0 is outside its --bound 0:1\n"), r.err());
        r = Run.of("fit", decayFiles().get(0), "--model", "A*exp(-t/tau)+B", "--x", "t", "--y", "t", "--shared", "tau,B", "--local", "A");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("motif fit: --y t is also an --x column"), r.err());
        r = Run.of("fit", decayFiles().get(0), "--model", "A*exp(-t/tau)+B", "--x", "t,t", "--y", "counts", "--shared", "tau,B", "--local", "A");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("motif fit: --x names a column twice: t,t\n"), r.err());
        r = Run.of(decayArgs("--init", "tau@sample_small.csv=2"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("motif fit: --init tau@...: 'tau' is shared, so it has one start (--init tau=VALUE)"), r.err());
        r = Run.of("fit", decayFiles().get(0), "--model", "A*exp(-t/tau)+B", "--x", "t", "--y", "counts", "--shared", "B", "--local", "A",
                "--fix", "tau=2", "--bound", "tau=0:5");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("motif fit: --bound tau: 'tau' is fixed (--fix)"), r.err());
        r = Run.of("fit", decayFiles().get(0), "--model", "A*exp(-t/tau)+B", "--x", "t", "--y", "counts", "--shared", "B", "--local", "A",
                "--fix", "tau=2", "--init", "tau=3");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("motif fit: --init tau: 'tau' is fixed (--fix), which gives its value"), r.err());
    }

    /** With one dataset the separate fit is the global fit: --compare says why there is no test, in the table and the JSON. */
    @Test
    void compareWithOneDatasetSaysWhyThereIsNoTest() throws IOException {
        Path j = dir.resolve("one.json");
        Run r = Run.of("fit", decayFiles().get(2), "--model", "A*exp(-t/tau)+B", "--x", "t", "--y", "counts", "--shared", "tau,B", "--local", "A",
                "--compare", "--json", j.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\n  one dataset, so nothing is shared between datasets and there is no separate model to compare with\n"), r.out());
        assertFalse(r.out().contains("Comparison.of"), r.out());
        assertTrue(json(j).at("/compare/note").asText().startsWith("one dataset"), json(j).toString());
    }

    @Test
    void aParameterAtItsBoundSaysSoInsteadOfNaN() throws IOException {
        // B bounded to [0.5, 1], above its true 0.3: the fit ends on the lower bound
        Path j = dir.resolve("bound.json");
        Run r = Run.of(decayArgs("--bound", "B=0.5:1", "--init", "B=0.6", "--json", j.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*\\n  B\\s+0\\.5 ± -\\s+\\(no standard error: at lower bound 0\\.5\\)\\n.*"), r.out());
        assertFalse(r.out().contains("NaN"), r.out());
        JsonNode b = json(j).at("/parameters/shared/B");
        assertEquals(0.5, b.get("value").asDouble());
        assertTrue(b.get("stderr").isNull());
        assertTrue(b.get("note").asText().contains("bound"), b.toString());
    }

    @Test
    void helpDocumentsExitCodesAndJson() {
        Run r = Run.of("fit", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("3   the fit did not converge"), r.out());
        for (String k : List.of("datasets: [{name, points, dropped, chi2, rms}]", "statistics: {chi2, dof, redchi2, aic, aicc, bic", "compare (with --compare): {F, df1, df2, p, deltaAIC, verdict")) {
            assertTrue(r.out().contains(k), k);
        }
        assertTrue(Run.of("--help").out().contains("motif fit DATA"));
    }

    @Test
    void groupedParameterTakesOneValuePerLabel() throws IOException {
        // two labels of column "iso": tau differs between them, B shared, A local
        Path f = dir.resolve("iso.csv");
        StringBuilder csv = new StringBuilder("run,iso,t,y\n");
        Map<String, double[]> runs = Map.of("r1", new double[] {1, 2.0, 3}, "r2", new double[] {1, 2.0, 5}, "r3", new double[] {2, 0.7, 4});
        for (String run : List.of("r1", "r2", "r3")) {
            double[] p = runs.get(run);
            for (int i = 0; i < 30; i++) {
                double t = i * 0.2, wiggle = 0.002 * ((i * 5 + run.hashCode()) % 7 - 3);
                csv.append(run).append(',').append((int) p[0]).append(',').append(t).append(',').append(p[2] * Math.exp(-t / p[1]) + 0.25 + wiggle).append('\n');
            }
        }
        Files.writeString(f, csv.toString());
        Path j = dir.resolve("iso.json");
        Run r = Run.of("fit", f.toString(), "--model", "decay", "--x", "t", "--y", "y", "--by", "run", "--shared", "B", "--local", "A",
                "--group", "tau=iso", "--init", "tau=1.5", "--json", j.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Grouped parameters"), r.out());
        JsonNode g = json(j).at("/parameters/grouped");
        assertEquals(2.0, g.at("/tau[iso=1]/value").asDouble(), 0.01);
        assertEquals(0.7, g.at("/tau[iso=2]/value").asDouble(), 0.01);
        assertEquals(0.25, json(j).at("/parameters/shared/B/value").asDouble(), 0.01);
    }
}
