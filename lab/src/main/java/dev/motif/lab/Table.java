package dev.motif.lab;

import java.util.ArrayList;
import java.util.List;

/** A table of text cells with a header, rendered as markdown. */
public record Table(List<String> header, List<List<String>> rows) {
    public Table {
        header = List.copyOf(header);
        List<List<String>> copy = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).size() != header.size()) {
                throw new IllegalArgumentException("table row " + i + " has " + rows.get(i).size() + " cells, the header has " + header.size());
            }
            copy.add(List.copyOf(rows.get(i)));
        }
        rows = List.copyOf(copy);
    }

    /** A GitHub-flavoured markdown table; '|' in a cell is escaped. */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        row(sb, header);
        sb.append('|');
        for (int i = 0; i < header.size(); i++) sb.append("---|");
        sb.append('\n');
        for (List<String> r : rows) row(sb, r);
        return sb.toString();
    }

    private static void row(StringBuilder sb, List<String> cells) {
        sb.append('|');
        for (String c : cells) sb.append(' ').append(c.replace("|", "\\|")).append(" |");
        sb.append('\n');
    }
}
