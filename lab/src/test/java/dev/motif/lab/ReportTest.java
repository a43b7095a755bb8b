package dev.motif.lab;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    @Test
    void markdownTableEscapesPipesAndKeepsColumns() {
        Table t = new Table(List.of("model", "accuracy"), List.of(List.of("conv|shared", "0.81 ± 0.01")));
        assertEquals("| model | accuracy |\n|---|---|\n| conv\\|shared | 0.81 ± 0.01 |\n", t.toMarkdown());
    }

    @Test
    void aRaggedRowIsRefusedWithItsIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Table(List.of("a", "b"), List.of(List.of("1", "2"), List.of("3"))));
        assertEquals("table row 1 has 1 cells, the header has 2", e.getMessage());
    }

    @Test
    void reportMarkdownHasTitleTableFindingsAndPlotLink() {
        Figure f = new Figure("acc", "n", "accuracy", true, List.of(new Figure.Curve("conv", new double[] {1, 2}, new double[] {0.5, 0.6}, null)));
        Report r = new Report("x", "X", new Table(List.of("a"), List.of(List.of("1"))), f, List.of("it holds"), Map.of("k", 1));
        String md = r.toMarkdown("x.svg");
        assertTrue(md.startsWith("# X\n\n| a |"), md);
        assertTrue(md.contains("- it holds\n"), md);
        assertTrue(md.endsWith("![acc](x.svg)\n"), md);
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new Settings(1, 0, false, false, null));
        assertThrows(IllegalArgumentException.class, () -> new Settings(1, 2, true, true, null));
    }

    @Test
    void anUnknownExperimentListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Experiments.named("no-such"));
        assertTrue(e.getMessage().startsWith("no experiment named 'no-such'; known:"), e.getMessage());
    }
}
