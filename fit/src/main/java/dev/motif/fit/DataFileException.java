package dev.motif.fit;

import java.io.IOException;

/**
 * A data file that cannot be used as it is: names the file, the 1-based line (0 when the problem
 * is not one line's) and the column (null when not one column's).
 */
public final class DataFileException extends IOException {
    private final String file;
    private final int line;
    private final String column;
    private final String reason;

    public DataFileException(String file, int line, String column, String reason) {
        super(file + (line > 0 ? ", line " + line : "") + (column != null ? ", column '" + column + "'" : "") + ": " + oneLine(reason));
        this.file = file;
        this.line = line;
        this.column = column;
        this.reason = oneLine(reason);
    }

    /** A quoted cell may hold line breaks; they are written as the two characters backslash, n, so the message stays one line. */
    private static String oneLine(String s) {
        return s.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\r");
    }

    /** The file (or dataset source) as given. */
    public String file() {
        return file;
    }

    /** 1-based line number, 0 when none applies. */
    public int line() {
        return line;
    }

    /** Column name, or null. */
    public String column() {
        return column;
    }

    /** The message without file, line and column. */
    public String reason() {
        return reason;
    }
}
