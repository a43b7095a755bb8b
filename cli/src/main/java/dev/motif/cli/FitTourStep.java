package dev.motif.cli;

import dev.motif.fit.Comparison;
import dev.motif.fit.DataColumns;
import dev.motif.fit.DataReader;
import dev.motif.fit.Dataset;
import dev.motif.fit.FitResult;
import dev.motif.fit.GlobalFit;
import dev.motif.fit.LevenbergMarquardt;
import dev.motif.fit.Models;
import dev.motif.fit.ParameterSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tour's global-fit step: the decay example (one isotope, three sample sizes; lifetime τ and
 * background B shared, amplitude A per sample) fitted as {@code motif fit} does, with the
 * comparison against separate fits, checked against the values the data were made from.
 *
 * <p>Reads {@code examples/decay/} when run from the repository (or a module directory in it),
 * otherwise the copy shipped in the jar, so the tour runs anywhere.
 */
public final class FitTourStep {
    /** The values examples/make_examples.py made the decay data from. */
    static final double TRUE_TAU = 2.5, TRUE_B = 0.3;
    /** How many standard errors an estimate may be from the truth before the check fails. */
    static final double TOLERANCE_SE = 4;
    static final List<String> FILES = List.of("sample_small.csv", "sample_medium.csv", "sample_large.csv");

    private FitTourStep() {}

    /** What the step found: the shared estimates with their standard errors, and the comparison. */
    public record Summary(double tau, double tauStderr, double background, double backgroundStderr, Comparison comparison, String source) {}

    /**
     * Fits the example, prints a short summary to {@code out} and returns it.
     *
     * @throws IllegalStateException if the fit does not converge or misses the true values by
     *                               more than {@value #TOLERANCE_SE} standard errors
     */
    public static Summary run(PrintWriter out) {
        DataColumns cols = DataColumns.of(List.of("t"), "counts").withSigma("sigma");
        List<Dataset> data = new ArrayList<>();
        Path dir = examplesDir();
        try {
            for (String f : FILES) {
                String text = dir != null ? Files.readString(dir.resolve(f), StandardCharsets.UTF_8) : resource(f);
                data.addAll(DataReader.parse(f, text, cols));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ParameterSpec spec = ParameterSpec.builder().shared("tau", "B").local("A").build();
        GlobalFit fit = GlobalFit.of(Models.expressionModel("decay"), data, spec);
        FitOutcome o = FitOutcome.run(fit, LevenbergMarquardt.Options.defaults(), true);
        FitResult r = o.result();
        if (!r.converged()) throw new IllegalStateException("fit tour step: the decay fit did not converge: " + r.message());
        double tau = r.globalValue(0), tauSe = r.globalStderr(0), b = r.globalValue(1), bSe = r.globalStderr(1);
        String source = dir != null ? dir.toString() : "the copy in motif.jar";
        out.println("Global fit: three decay curves (" + source + "), y = A·exp(−t/τ) + B,");
        out.println("  τ and B shared, one amplitude A per sample: " + r.parameterCount() + " parameters for " + r.pointCount() + " points.");
        out.printf(Locale.ROOT, "  τ = %.4f ± %.4f (true %.1f, off by %.1f stderr)%n", tau, tauSe, TRUE_TAU, Math.abs(tau - TRUE_TAU) / tauSe);
        out.printf(Locale.ROOT, "  B = %.4f ± %.4f (true %.1f, off by %.1f stderr)%n", b, bSe, TRUE_B, Math.abs(b - TRUE_B) / bSe);
        out.printf(Locale.ROOT, "  reduced chi-square %.3f after %d iterations%n", r.reducedChiSquare(), r.iterations());
        Comparison c = o.comparison();
        if (c == null) throw new IllegalStateException("fit tour step: no comparison: " + o.compareNote());
        out.printf(Locale.ROOT, "  separate fits (each sample its own τ and B): F = %.3f with (%d, %d) dof, p = %s%n",
                c.f(), c.dofShared() - c.dofSeparate(), c.dofSeparate(), FitOutcome.pValue(c.p()));
        out.println("  " + c.verdict());
        if (!c.sharingSupported()) {
            // The data were made with one τ and B, so this is a false alarm; say so rather than let it stand as a finding.
            out.printf(Locale.ROOT, "  (these data were made with one τ and B for all samples: at level %.2f the test rejects a true sharing%n"
                    + "   in one dataset of %.0f, and this is one of them; examples/README.md says more)%n", c.alpha(), 1 / c.alpha());
        }
        if (!(Math.abs(tau - TRUE_TAU) <= TOLERANCE_SE * tauSe) || !(Math.abs(b - TRUE_B) <= TOLERANCE_SE * bSe)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "fit tour step: estimates τ = %.4f ± %.4f, B = %.4f ± %.4f are more than %.0f "
                    + "standard errors from the true %.1f and %.1f", tau, tauSe, b, bSe, TOLERANCE_SE, TRUE_TAU, TRUE_B));
        }
        out.println("  check: both within " + (int) TOLERANCE_SE + " standard errors of the values the data were made from");
        out.flush();
        return new Summary(tau, tauSe, b, bSe, c, source);
    }

    /** examples/decay of the repository, seen from its root or from a module directory; null when absent. */
    static Path examplesDir() {
        for (String base : new String[] {"examples/decay", "../examples/decay"}) {
            Path p = Path.of(base);
            boolean all = true;
            for (String f : FILES) all &= Files.isRegularFile(p.resolve(f));
            if (all) return p.normalize();
        }
        return null;
    }

    static String resource(String file) throws IOException {
        try (InputStream in = FitTourStep.class.getResourceAsStream("examples/decay/" + file)) {
            if (in == null) throw new IOException("fit tour step: resource examples/decay/" + file + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
