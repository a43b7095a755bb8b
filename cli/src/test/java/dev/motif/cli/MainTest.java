package dev.motif.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "tour", "inspect", "count", "train"})
    void everyCommandHasHelpWithAnExample(String command) {
        String[] args = command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"};
        Run r = Run.of(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Usage: motif"), r.out());
        assertTrue(r.out().contains("Example"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void helpCommandShowsASubcommandsHelp() {
        Run r = Run.of("help", "inspect");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Usage: motif inspect"), r.out());
    }

    @Test
    void unknownOptionIsAUsageError() {
        Run r = Run.of("--frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("motif: Unknown option: '--frobnicate'"), r.err());
        assertTrue(r.err().contains("Usage: motif"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void unknownOptionOfASubcommandNamesTheSubcommand() {
        Run r = Run.of("tour", "--sede", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("motif tour: Unknown options: '--sede', '3'"), r.err());
        assertTrue(r.err().contains("Possible solutions: --seed"), r.err());
        assertTrue(r.err().contains("Usage: motif tour"), r.err());
    }

    @Test
    void unknownCommandIsNamedWithASuggestion() {
        Run r = Run.of("tuor");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("motif: unknown command 'tuor'"), r.err());
        assertTrue(r.err().contains("tour"), r.err());
    }

    @Test
    void noCommandIsAUsageError() {
        Run r = Run.of();
        assertEquals(2, r.code());
        assertTrue(r.err().contains("missing command: give one of tour, inspect"), r.err());
    }

    /** Files.createDirectories reports a file in the way with only its path; the message says what it is. */
    @Test
    void aFileInTheWayOfADirectoryIsDescribed() {
        assertEquals("/tmp/x: is a file, expected a directory", Main.describe(new java.nio.file.FileAlreadyExistsException("/tmp/x")));
    }

    @Test
    void badOptionValueIsAUsageError() {
        Run r = Run.of("tour", "--seed", "many");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--seed"), r.err());
    }

    @Test
    void versionNamesTheBuildJavaAndBlas() {
        Run r = Run.of("--version");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("motif "), r.out());
        assertFalse(r.out().startsWith("motif (unknown version)"), r.out());
        assertTrue(r.out().contains("BLAS "), r.out());
    }
}
