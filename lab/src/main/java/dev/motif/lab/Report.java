package dev.motif.lab;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an experiment found: a table, an optional figure, findings in plain sentences with their
 * numbers, and the raw data for {@code --json} (maps, lists, strings, numbers and arrays only).
 */
public record Report(String experiment, String title, Table table, Figure figure, List<String> findings, Map<String, Object> data) {
    public Report {
        findings = List.copyOf(findings);
        data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** The report as a markdown document: title, table, findings, and a link to the plot when there is one. */
    public String toMarkdown(String plotFile) {
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n").append(table.toMarkdown());
        if (!findings.isEmpty()) {
            sb.append('\n');
            for (String f : findings) sb.append("- ").append(f).append('\n');
        }
        if (figure != null && plotFile != null) sb.append("\n![").append(figure.title()).append("](").append(plotFile).append(")\n");
        return sb.toString();
    }
}
