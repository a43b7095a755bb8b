package dev.motif.fit;

/**
 * A model expression that cannot be parsed or compiled: names the 0-based character position and
 * shows the expression with a caret under the failing character.
 *
 * <pre>
 * expected ')' at position 12
 *   A*exp(-t/tau
 *               ^
 * </pre>
 */
public final class ExpressionException extends IllegalArgumentException {
    private final String source;
    private final int position;
    private final String reason;

    /** An error at {@code position} (0-based; {@code source.length()} means the end) of {@code source}. */
    public ExpressionException(String reason, String source, int position) {
        super(format(reason, source, position));
        this.source = source;
        this.position = position;
        this.reason = reason;
    }

    /** The expression as written. */
    public String source() {
        return source;
    }

    /** 0-based character position of the failing character. */
    public int position() {
        return position;
    }

    /** The message without position and caret. */
    public String reason() {
        return reason;
    }

    private static String format(String reason, String source, int position) {
        return reason + " at position " + position + "\n  " + source + "\n  " + " ".repeat(Math.max(0, position)) + "^";
    }
}
