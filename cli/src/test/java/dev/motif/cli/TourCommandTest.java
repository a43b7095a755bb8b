package dev.motif.cli;

import dev.motif.array.NDArray;
import dev.motif.lab.PairVerification;
import dev.motif.lab.Report;
import dev.motif.lab.Symmetry;
import dev.motif.lab.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TourCommandTest {
    @Test
    void seedExampleGivesTheKnownOutputAndSumsTheKernelsGradient() {
        StringWriter text = new StringWriter();
        TourCommand.Convolution c = TourCommand.oneKernelFourPositions(new PrintWriter(text, true));
        assertArrayEquals(new int[] {2, 2}, c.output().shape());
        assertArrayEquals(new double[] {12, 16, 24, 28}, c.output().toDoubleArray());
        // d sum(output) / d kernel = the sum of the four 2x2 windows of [[1,2,3],[4,5,6],[7,8,9]]
        assertArrayEquals(new double[] {1 + 2 + 4 + 5, 2 + 3 + 5 + 6, 4 + 5 + 7 + 8, 5 + 6 + 8 + 9}, c.kernelGradient().toDoubleArray());
        assertTrue(text.toString().contains("position (1,1): window [[5, 6], [8, 9]] . kernel = 28"), text.toString());
    }

    @Test
    void trainingReducesTheLossAndIsReproducible() {
        PrintWriter quiet = new PrintWriter(new StringWriter());
        TourCommand.Trained a = TourCommand.trainSharedLayerNet(5, 50, 0.1, quiet);
        TourCommand.Trained b = TourCommand.trainSharedLayerNet(5, 50, 0.1, quiet);
        assertTrue(a.lastLoss() < a.firstLoss(), a.firstLoss() + " -> " + a.lastLoss());
        assertEquals(a.lastLoss(), b.lastLoss(), 0.0);
    }

    @Test
    void gridPrintsNestedRows() {
        assertEquals("[[1, 2.500], [-3, 4]]", TourCommand.grid(NDArray.of(new double[] {1, 2.5, -3, 4}, 2, 2)));
    }

    /**
     * Runs the whole tour but the lab steps (lab's tests run their experiments' quick versions),
     * checkpoint included (needs dev.motif.io at run time).
     */
    @Test
    void anOutThatIsAFileIsAUsageErrorBeforeAnyStep(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        Run r = Run.of("tour", "--out", file.toString(), "--no-lab");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("motif tour: --out " + file + " is a file, expected a directory"), r.err());
        assertEquals("", r.out());
        r = Run.of("tour", "--out", file.resolve("sub").toString(), "--no-lab");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("motif tour: --out " + file.resolve("sub") + " is under " + file + ", which is a file"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void wholeTourPassesItsChecksAndKeepsTheCheckpointInOut(@TempDir Path dir) {
        Run r = Run.of("tour", "--seed", "11", "--out", dir.toString(), "--no-lab");
        assertEquals(0, r.code(), r.err());
        for (int step = 1; step <= 4; step++) assertTrue(r.out().contains("Step " + step + ": "), r.out());
        // Without the lab's four steps, the global fit is step 5.
        assertTrue(r.out().contains("Step 5: Sharing across experiments: a global fit"), r.out());
        assertFalse(r.out().contains("Step 6: "), r.out());
        assertTrue(r.out().contains("check: both within 4 standard errors of the values the data were made from"), r.out());
        assertTrue(r.out().contains("output [[12, 16], [24, 28]]"), r.out());
        assertTrue(r.out().contains("if every registered site had its own copy: 45 (1.80x)"), r.out());
        assertTrue(r.out().contains("registered sites and traced uses agree"), r.out());
        assertTrue(r.out().contains("untie(): a twin with every site its own copy, 45 parameters, max |output difference| = 0"), r.out());
        assertTrue(r.out().contains("checkpoint round trip: OK"), r.out());
        assertTrue(Files.isRegularFile(dir.resolve("tour.safetensors")));
    }

    /** A lab step prints the experiment's table and findings, indented (symmetry: the one that takes no training). */
    @Test
    void aLabStepPrintsTheTableAndFindings() throws Exception {
        StringWriter text = new StringWriter();
        Report r = TourCommand.experimentStep(new Symmetry(), 3, new PrintWriter(text, true));
        String out = text.toString();
        assertTrue(out.contains("  | network | layer | K |"), out);
        assertTrue(out.contains("  | seeds' example: conv | conv layer | 3 | 6 | 6 | — |"), out);
        assertTrue(out.contains("  - Seeds' example: a dense layer of 48 hidden units has 48! = 12413915592536072670862289047373375038521486354677760000000000"), out);
        assertTrue(out.contains("the full version: motif lab symmetry"), out);
        assertEquals("symmetry", r.experiment());
    }

    /** The siamese step's checks pass on its quick run, and fail where the shared encoder's arms disagree or the sharing is miscounted. */
    @Test
    void theSiameseStepChecksWhatIsCertain() throws Exception {
        StringWriter text = new StringWriter();
        Report r = TourCommand.experimentStep(new PairVerification(), 3, new PrintWriter(text, true));
        TourCommand.checkSiamese(r);
        assertTrue(text.toString().contains("  | shared contrastive | 104,608 | 1e-3 (fixed) |"), text.toString());
        assertTrue(text.toString().contains("the full version: motif lab siamese"), text.toString());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TourCommand.checkSiamese(siameseReport(true, 0.1, 10, 20)));
        assertTrue(e.getMessage().contains("shared contrastive: the shared encoder's two arms put one image 0.1 apart"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> TourCommand.checkSiamese(siameseReport(true, 0, 10, 10)));
        assertTrue(e.getMessage().contains("should count the encoder's 10 values twice, got 10"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> TourCommand.checkSiamese(siameseReport(false, 0, 20, 20)));
        assertTrue(e.getMessage().contains("the trained towers should differ (gap 0.0)"), e.getMessage());
        TourCommand.checkSiamese(siameseReport(false, 0.2, 20, 20));
    }

    /** A report holding one arm, as the siamese experiment writes it. */
    private static Report siameseReport(boolean shared, double gap, long stored, long used) {
        Map<String, Object> arm = Map.of("shared", shared, "towerGap", Map.of("mean", gap), "sharing", Map.of("stored", stored, "registered", stored, "used", used));
        return new Report("siamese", "t", new Table(List.of("a"), List.of()), null, List.of(),
                Map.of("arms", Map.of(shared ? "shared contrastive" : "untied contrastive", arm)));
    }
}
