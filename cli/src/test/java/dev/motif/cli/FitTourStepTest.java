package dev.motif.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tour's fit step: checked estimates and the F test, from the repository or the shipped copy. */
class FitTourStepTest {
    @Test
    void fitsTheDecayExampleAndPrintsACheckedSummary() {
        StringWriter s = new StringWriter();
        FitTourStep.Summary sum = FitTourStep.run(new PrintWriter(s));
        String o = s.toString();
        assertTrue(Math.abs(sum.tau() - 2.5) < 3 * sum.tauStderr(), o);
        assertTrue(Math.abs(sum.background() - 0.3) < 3 * sum.backgroundStderr(), o);
        assertTrue(sum.tauStderr() > 0.005 && sum.tauStderr() < 0.02, o); // 0.0106 with these 120 points
        assertTrue(o.matches("(?s).*τ = 2\\.49\\d\\d ± 0\\.01\\d\\d \\(true 2\\.5, off by 0\\.\\d stderr\\).*"), o);
        assertTrue(o.contains("5 parameters for 120 points"), o);
        assertTrue(o.contains("F = " + String.format(java.util.Locale.ROOT, "%.3f", sum.comparison().f()) + " with (4, 111) dof"), o);
        assertTrue(o.contains(sum.comparison().verdict()), o);
        assertTrue(o.contains("check: both within 4 standard errors"), o);
    }

    @Test
    void shippedCopyEqualsTheRepositoryExamples() throws IOException {
        assertNotNull(FitTourStep.examplesDir(), "run from the repository, examples/decay is found");
        for (String f : FitTourStep.FILES) {
            assertEquals(Files.readString(FitCommandTest.root().resolve("examples/decay").resolve(f)), FitTourStep.resource(f), f);
        }
    }
}
