package dev.motif.fit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV table with a header row, read the RFC 4180 way: fields separated by commas, optionally
 * enclosed in double quotes (then they may contain commas, line breaks and doubled quotes
 * {@code ""}); CRLF or LF line ends; a UTF-8 byte-order mark and blank lines are ignored;
 * unquoted fields are trimmed. Every row must have as many fields as the header.
 */
public final class CsvTable {
    private final String file;
    private final List<String> header;
    private final List<String[]> rows;
    private final int[] lines;
    private final int headerLine;

    private CsvTable(String file, List<String> header, int headerLine, List<String[]> rows, int[] lines) {
        this.file = file;
        this.headerLine = headerLine;
        this.header = List.copyOf(header);
        this.rows = rows;
        this.lines = lines;
    }

    /** Parses {@code text}; {@code file} names it in errors. */
    public static CsvTable parse(String file, String text) throws DataFileException {
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
        List<String[]> records = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int line = 1, recordLine = 1, n = text.length(), i = 0;
        boolean quoted = false, anyContent = false;
        while (i <= n) {
            char c = i < n ? text.charAt(i) : '\n';
            boolean end = i == n;
            if (c == '"' && !anyContent && cur.toString().isBlank()) {
                // a quoted field: read up to the closing quote
                int openLine = line;
                cur.setLength(0);
                i++;
                while (true) {
                    if (i >= n) throw new DataFileException(file, openLine, null, "quoted field opened here is never closed");
                    char q = text.charAt(i);
                    if (q == '"') {
                        if (i + 1 < n && text.charAt(i + 1) == '"') {
                            cur.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (q == '\n') line++;
                    cur.append(q);
                    i++;
                }
                quoted = true;
                anyContent = true;
                // only spaces may follow the closing quote before the separator
                while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i++;
                if (i < n && text.charAt(i) != ',' && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                    throw new DataFileException(file, line, null, "unexpected '" + text.charAt(i) + "' after a closing quote");
                }
                continue;
            }
            if (c == ',' ) {
                fields.add(quoted ? cur.toString() : cur.toString().trim());
                cur.setLength(0);
                quoted = false;
                anyContent = false;
                i++;
                continue;
            }
            if (c == '\r' || c == '\n') {
                boolean blank = fields.isEmpty() && !quoted && cur.toString().isBlank();
                if (!blank) {
                    fields.add(quoted ? cur.toString() : cur.toString().trim());
                    records.add(fields.toArray(new String[0]));
                    starts.add(recordLine);
                }
                fields.clear();
                cur.setLength(0);
                quoted = false;
                anyContent = false;
                if (end) break;
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') i++;
                i++;
                line++;
                recordLine = line;
                continue;
            }
            if (quoted) throw new DataFileException(file, line, null, "unexpected '" + c + "' after a closing quote");
            cur.append(c);
            if (c != ' ' && c != '\t') anyContent = true;
            i++;
        }
        if (records.isEmpty()) throw new DataFileException(file, 0, null, "the file is empty (a header row is needed)");
        String[] head = records.get(0);
        Map<String, Integer> seen = new HashMap<>();
        for (int k = 0; k < head.length; k++) {
            if (head[k].isEmpty()) throw new DataFileException(file, starts.get(0), null, "header field " + (k + 1) + " is empty");
            Integer prev = seen.put(head[k], k);
            if (prev != null) throw new DataFileException(file, starts.get(0), head[k], "column name appears twice (fields " + (prev + 1) + " and " + (k + 1) + ")");
        }
        List<String[]> rows = new ArrayList<>(records.size() - 1);
        int[] lines = new int[records.size() - 1];
        for (int r = 1; r < records.size(); r++) {
            String[] rec = records.get(r);
            if (rec.length != head.length) {
                throw new DataFileException(file, starts.get(r), null, "expected " + head.length + " fields as in the header, got " + rec.length);
            }
            rows.add(rec);
            lines[r - 1] = starts.get(r);
        }
        return new CsvTable(file, List.of(head), starts.get(0), rows, lines);
    }

    public String file() {
        return file;
    }

    public List<String> header() {
        return header;
    }

    public int rowCount() {
        return rows.size();
    }

    /** Field {@code column} of row {@code row} (0-based, not counting the header). */
    public String cell(int row, int column) {
        return rows.get(row)[column];
    }

    /** The 1-based line of the file on which row {@code row} starts. */
    public int line(int row) {
        return lines[row];
    }

    /** Index of a column by exact name, or an error naming the available columns. */
    public int column(String name) throws DataFileException {
        int k = header.indexOf(name);
        if (k < 0) {
            // Only commas separate fields: a file written with ';' (decimal-comma locales) or tabs reads as one column.
            String h = header.size() == 1 ? header.get(0) : "";
            String other = h.contains(";") ? "';'" : h.contains("\t") ? "tabs" : null;
            String hint = other == null ? "" : "; the header is one field: fields must be separated by commas, and this file seems to use " + other;
            throw new DataFileException(file, headerLine, name, "no such column (available: " + String.join(", ", header) + hint + ")");
        }
        return k;
    }
}
