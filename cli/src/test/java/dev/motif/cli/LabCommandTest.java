package dev.motif.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabCommandTest {

    @Test
    void withoutANameItListsTheExperiments() {
        Run r = Run.of("lab");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Experiments (motif lab NAME):"), r.out());
        for (String name : new String[] {"data-efficiency", "dna-motif", "symmetry", "downsides"}) {
            assertTrue(r.out().contains("\n  " + name + " "), name + " missing from " + r.out());
        }
    }

    /** symmetry trains nothing, so the whole command runs in about a second: markdown, no plot, JSON with the exact counts. */
    @Test
    void symmetryWritesItsMarkdownAndJson(@TempDir Path dir) throws Exception {
        Run r = Run.of("lab", "symmetry", "--out", dir.toString(), "--json", dir.resolve("s.json").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("# Symmetry: equivalent solutions by reordering units"), r.out());
        assertTrue(Files.readString(dir.resolve("symmetry.md")).contains("| seeds' example: conv | conv layer | 3 | 6 | 6 | — |"));
        assertFalse(Files.exists(dir.resolve("symmetry.svg")));
        String json = Files.readString(dir.resolve("s.json"));
        assertTrue(json.contains("\"factorial\" : \"12413915592536072670862289047373375038521486354677760000000000\""), json);
    }

    @Test
    void anUnknownExperimentIsAUsageError() {
        Run r = Run.of("lab", "no-such");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no experiment named 'no-such'"), r.err());
    }

    /** An --out that is a file or a --json that is a directory is refused before the experiment runs, not after. */
    @Test
    void unwritableOutputPathsAreUsageErrorsBeforeTheRun(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "x");
        Run r = Run.of("lab", "dna-motif", "--quick", "--out", file.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--out " + file + " is a file, expected a directory"), r.err());
        assertFalse(r.err().contains("dna-motif:"), "the experiment ran: " + r.err());
        r = Run.of("lab", "dna-motif", "--quick", "--out", file.resolve("sub/dir").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--out " + file.resolve("sub/dir") + " is under " + file + ", which is a file"), r.err());
        assertFalse(r.err().contains("dna-motif:"), "the experiment ran: " + r.err());
        r = Run.of("lab", "symmetry", "--out", dir.toString(), "--json", dir.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--json " + dir + " is a directory, expected a file"), r.err());
        r = Run.of("lab", "symmetry", "--out", dir.toString(), "--json", file.resolve("s.json").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--json " + file.resolve("s.json") + " is under " + file + ", which is a file"), r.err());
        assertFalse(Files.exists(dir.resolve("symmetry.md")));
    }

    /** --data that is not a directory, or next to --quick (which would ignore it), is refused before the run. */
    @Test
    void dataThatWouldNotBeUsedIsAUsageError(@TempDir Path dir) {
        Run r = Run.of("lab", "data-efficiency", "--quick", "--data", dir.toString(), "--out", dir.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("motif lab: --quick runs on the data shipped with Motif; --data cannot be combined with it"), r.err());
        r = Run.of("lab", "data-efficiency", "--data", dir.resolve("nowhere").toString(), "--out", dir.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("motif lab: --data " + dir.resolve("nowhere") + ": no such directory"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void zeroSeedsIsAUsageError() {
        Run r = Run.of("lab", "no-such", "--seeds", "0");
        assertEquals(2, r.code());
    }
}
