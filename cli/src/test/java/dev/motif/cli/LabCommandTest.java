package dev.motif.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabCommandTest {

    @Test
    void withoutANameItListsTheExperiments() {
        Run r = Run.of("lab");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Experiments (motif lab NAME):"), r.out());
    }

    @Test
    void anUnknownExperimentIsAUsageError() {
        Run r = Run.of("lab", "no-such");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no experiment named 'no-such'"), r.err());
    }

    @Test
    void zeroSeedsIsAUsageError() {
        Run r = Run.of("lab", "no-such", "--seeds", "0");
        assertEquals(2, r.code());
    }
}
