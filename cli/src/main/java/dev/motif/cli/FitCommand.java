package dev.motif.cli;

import dev.motif.fit.DataReader;
import dev.motif.fit.ExpressionException;
import dev.motif.fit.ExpressionModel;
import dev.motif.fit.GlobalFit;
import dev.motif.fit.LevenbergMarquardt;
import dev.motif.fit.Model;
import dev.motif.fit.Models;
import dev.motif.fit.ParameterSpec;
import dev.motif.io.AtomicFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code motif fit DATA...}: a global fit of one model to several datasets, with parameters
 * shared, local, grouped or fixed; prints the estimates and statistics, and on request compares
 * with the separate fits, writes JSON and an HTML report.
 *
 * <p>Exit codes: 0 fitted and converged, 1 a data or model problem (bad file, too few points, a
 * model not finite at the start), 2 a usage error (options, parameter names, an expression that
 * does not parse), 3 the fit did not converge (the best point reached is still printed and written).
 */
@Command(name = "fit",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {
                "Fits one model to several datasets at once, with parameters shared between them.",
                "",
                "Each file (or each value of the --by column) is a dataset. Every parameter of the model must be "
                        + "named once: shared (one value for all datasets), local (one per dataset), grouped (one per "
                        + "value of a column, --group) or fixed (--fix). A name of the expression that is a column of "
                        + "the files and not a parameter is a covariate (constant within a dataset, e.g. an inhibitor "
                        + "concentration I). Weighted least squares (Levenberg-Marquardt with bounds); standard errors "
                        + "are scaled by the reduced chi-square unless --absolute-sigma.",
                "",
                "Predefined models (--model NAME): decay A*exp(-t/tau) + B; competitive, uncompetitive, mixed "
                        + "(Michaelis-Menten with inhibitor covariate I, variable S); gaussian, lorentzian, hill (variable x).",
                ""},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
                "0:fitted, converged",
                "1:data or model problem (bad file with file, line and column; too few points; model not finite at the start)",
                "2:usage error (options, parameter names, expression syntax)",
                "3:the fit did not converge; the best point reached is printed (and written to --json/--report)"},
        footer = {"", "Examples:",
                "  motif fit examples/decay/*.csv --model 'A*exp(-t/tau)+B' --x t \\",
                "      --y counts --sigma sigma --shared tau,B --local A --compare",
                "  motif fit examples/enzyme/rates.csv --model competitive --x S --y v \\",
                "      --by run --shared Vmax,Km,Ki --report out/enzyme",
                "",
                "JSON (--json FILE; NaN and undefined values are null):",
                "  model: the formula",
                "  datasets: [{name, points, dropped, chi2, rms}]",
                "  parameters: {shared: {P: {value, stderr, note?}},",
                "               local: {P: {DATASET: {value, stderr, note?}}},",
                "               grouped: {P[col=label]: {value, stderr, note?}},",
                "               fixed: {P: value}}",
                "  statistics: {chi2, dof, redchi2, aic, aicc, bic, points, parameters,",
                "               absoluteSigma}",
                "  correlation: {names, matrix} of the shared and grouped parameters",
                "  status: {converged, reason, iterations, evaluations, message}",
                "  compare (with --compare): {F, df1, df2, p, deltaAIC, verdict,",
                "               chi2Shared, chi2Separate, separate: {converged, message,",
                "               undetermined}}",
                "  note: why stderr is null (\"at lower bound 0\", \"undetermined: ...\")"})
public final class FitCommand implements Callable<Integer> {
    /** Exit code of a fit that stopped without converging. */
    static final int NOT_CONVERGED = 3;
    /** Exit code of a usage error (as picocli's). */
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DATA", arity = "1..*", description = "CSV files with a header row; each file is a dataset (or several, with --by).")
    List<Path> files;

    @Option(names = "--model", required = true, paramLabel = "EXPR|NAME",
            description = "The model: an expression such as 'A*exp(-t/tau)+B', or a predefined name (decay, competitive, ...).")
    String model;

    @Option(names = "--x", required = true, split = ",", paramLabel = "COL",
            description = "Column(s) of the independent variable(s); in an expression they are the variables' names.")
    List<String> x;

    @Option(names = "--y", required = true, paramLabel = "COL", description = "Column of the observed values.")
    String y;

    @Option(names = "--sigma", paramLabel = "COL", description = "Column of the standard deviations of y (weights 1/sigma²).")
    String sigma;

    @Option(names = "--absolute-sigma", description = "The sigmas are absolute: standard errors are not scaled by the reduced chi-square.")
    boolean absoluteSigma;

    @Option(names = "--by", paramLabel = "COL", description = "Split each file into datasets by the values of this column.")
    String by;

    @Option(names = "--shared", split = ",", paramLabel = "P", description = "Parameters with one value for all datasets.")
    List<String> shared = new ArrayList<>();

    @Option(names = "--local", split = ",", paramLabel = "P", description = "Parameters with one value per dataset.")
    List<String> local = new ArrayList<>();

    @Option(names = "--group", paramLabel = "P=COL", description = "P takes one value per distinct value of column COL (repeatable).")
    List<String> groups = new ArrayList<>();

    @Option(names = "--fix", paramLabel = "P=V", description = "P is held at V (repeatable).")
    List<String> fixes = new ArrayList<>();

    @Option(names = "--init", paramLabel = "P=V", description = "Start of P (repeatable); P@DATASET=V for one dataset or group.")
    List<String> inits = new ArrayList<>();

    @Option(names = "--bound", paramLabel = "P=LO:HI", description = "Bounds of P, e.g. tau=0:inf (repeatable).")
    List<String> bounds = new ArrayList<>();

    @Option(names = "--drop-nan", description = "Leave out rows with an empty, NaN or infinite used cell (counted in the output) instead of failing.")
    boolean dropNan;

    @Option(names = "--compare", description = "Also fit every dataset separately and test whether sharing is justified (F test, AIC).")
    boolean compare;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON (schema below).")
    Path json;

    @Option(names = "--report", paramLabel = "DIR", description = "Write an HTML report (DIR/index.html) with plots of data, fits and residuals.")
    Path report;

    @Option(names = "--max-iterations", paramLabel = "N", defaultValue = "1000", description = "Most iterations of the solver (default: ${DEFAULT-VALUE}).")
    int maxIterations;

    /** Seconds a fit runs before its progress shows (tests set it to 0). */
    double progressAfterSeconds = DelayedProgress.DEFAULT_SECONDS;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Model m;
        ParameterSpec ps;
        // The JDK's read error for a directory ("Is a directory") does not say which path it was.
        for (Path f : files) if (Files.isDirectory(f)) throw new IOException(f + ": is a directory, expected a CSV file");
        try {
            if (maxIterations < 1) throw new IllegalArgumentException("--max-iterations must be at least 1, got " + maxIterations);
            // Checked before the fit, so a path that cannot be written is not found only after the work is done.
            String unwritable = json == null ? null : Main.unwritableFile("--json", json);
            if (unwritable == null && report != null) unwritable = Main.unwritableDirectory("--report", report);
            if (unwritable != null) throw new IllegalArgumentException(unwritable);
            if (new LinkedHashSet<>(x).size() < x.size()) throw new IllegalArgumentException("--x names a column twice: " + String.join(",", x));
            if (x.contains(y)) throw new IllegalArgumentException("--y " + y + " is also an --x column; the observed values must be another column");
            ps = parameterSpec();
            checkStarts(ps);
            m = model(ps);
            checkNames(m, ps);
        } catch (IllegalArgumentException e) {
            err.println("motif fit: " + oneLine(e));
            err.println("(motif fit --help lists the options)");
            err.flush();
            return USAGE;
        }
        GlobalFit fit;
        try {
            fit = GlobalFit.read(m, ps, files, x, y, sigma, by, dropNan);
        } catch (ExpressionException e) {
            throw new IllegalArgumentException(oneLine(e), e);
        }
        // Progress goes to stderr, and only for a fit that takes a while, so stdout stays the table.
        LevenbergMarquardt.Options options = LevenbergMarquardt.Options.defaults()
                .withMaxIterations(maxIterations).withAbsoluteSigma(absoluteSigma)
                .withProgress(new DelayedProgress(ProgressDisplay.auto(err), progressAfterSeconds));
        FitOutcome outcome = FitOutcome.run(fit, options, compare);
        out.print(outcome.table());
        out.flush();
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            AtomicFile.writeString(json, outcome.json());
            out.println("JSON written to " + json);
        }
        if (report != null) {
            Path index = FitHtmlReport.write(outcome, report, y);
            out.println("Report written to " + index);
        }
        out.flush();
        if (!outcome.result().converged()) {
            err.println("motif fit: " + outcome.result().message() + " (try better starting values with --init, bounds with --bound, or more --max-iterations)");
            err.flush();
            return NOT_CONVERGED;
        }
        return 0;
    }

    private ParameterSpec parameterSpec() {
        ParameterSpec.Builder b = ParameterSpec.builder().shared(shared).local(local);
        for (String g : groups) b.parseGroup(g);
        for (String f : fixes) b.parseFix(f);
        for (String i : inits) b.parseInit(i);
        for (String bd : bounds) b.parseBound(bd);
        return b.build();
    }

    /** A predefined model by name, or the expression with the files' columns that are not parameters as covariates. */
    private Model model(ParameterSpec ps) throws IOException {
        ExpressionModel predefined = Models.expressionModel(model.trim());
        if (predefined != null) {
            if (predefined.variables().size() != x.size()) {
                throw new IllegalArgumentException("the model '" + model + "' has the variable(s) " + predefined.variables() + " but --x gives "
                        + x.size() + " column(s) " + x);
            }
            return predefined;
        }
        Set<String> columns = new LinkedHashSet<>();
        for (Path f : files) columns.addAll(DataReader.columns(f));
        try {
            return ExpressionModel.parse(model, x, columns, ps.named());
        } catch (ExpressionException e) {
            throw new IllegalArgumentException("--model: " + oneLine(e), e);
        }
    }

    /** Every name given is a parameter of the model and every parameter is named: a usage error otherwise. */
    private static void checkNames(Model m, ParameterSpec ps) {
        List<String> params = m.parameters();
        String list = "the model '" + m.formula() + "' has the parameters " + String.join(", ", params)
                + (m.covariates().isEmpty() ? "" : " (covariates " + String.join(", ", m.covariates()) + ")");
        Set<String> given = new LinkedHashSet<>(ps.named());
        given.addAll(ps.init().keySet());
        given.addAll(ps.initAt().keySet());
        given.addAll(ps.bounds().keySet());
        for (String n : given) {
            if (!params.contains(n)) throw new IllegalArgumentException("'" + n + "' is not a parameter: " + list);
        }
        // Conflicts between options, found here so they are usage errors (GlobalFit finds them too, after reading the data).
        for (String n : ps.fixed().keySet()) {
            if (ps.bounds().containsKey(n)) throw new IllegalArgumentException("--bound " + n + ": '" + n + "' is fixed (--fix); a bound applies to fitted parameters only");
            if (ps.init().containsKey(n) || ps.initAt().containsKey(n)) {
                throw new IllegalArgumentException("--init " + n + ": '" + n + "' is fixed (--fix), which gives its value");
            }
        }
        for (String n : ps.initAt().keySet()) {
            if (ps.shared().contains(n)) {
                throw new IllegalArgumentException("--init " + n + "@...: '" + n + "' is shared, so it has one start (--init " + n
                        + "=VALUE); a start per dataset or group applies to local and grouped parameters");
            }
        }
        List<String> missing = new ArrayList<>();
        for (String p : params) if (!ps.named().contains(p)) missing.add(p);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("parameter" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " neither --shared, --local, --group nor --fix: " + list);
        }
    }

    /** Every start given is inside its bound: an option conflict, so a usage error before the data are read. */
    private static void checkStarts(ParameterSpec ps) {
        for (var e : ps.init().entrySet()) checkStart(e.getKey(), e.getValue(), ps.bound(e.getKey()));
        for (var e : ps.initAt().entrySet()) {
            for (var at : e.getValue().entrySet()) checkStart(e.getKey() + "@" + at.getKey(), at.getValue(), ps.bound(e.getKey()));
        }
    }

    private static void checkStart(String what, double v, ParameterSpec.Bound b) {
        if (!b.contains(v)) throw new IllegalArgumentException("--init " + what + "=" + v + " is outside its --bound " + b);
    }

    /** A message on one line: an expression error keeps its position but loses the caret drawing. */
    static String oneLine(Exception e) {
        if (e instanceof ExpressionException x) return x.reason() + " at position " + x.position() + " of '" + x.source() + "'";
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return msg.replaceAll("\\s*\\R\\s*", " ");
    }
}
