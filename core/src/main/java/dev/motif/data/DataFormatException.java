package dev.motif.data;

import java.io.IOException;

/**
 * A data file that cannot be read as what it claims to be: wrong magic number, unsupported
 * element type, truncated content, image and label files that disagree, labels out of range.
 * The message names the file (or both files) and what was expected against what was found.
 */
public class DataFormatException extends IOException {
    private final String source;

    /** A problem with one file or resource, named by {@code source}. */
    public DataFormatException(String source, String problem) {
        this(source, problem, null);
    }

    /** A problem with one file or resource, caused by another exception. */
    public DataFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
    }

    /** The file or resource the problem is about (for two files, both names). */
    public String source() {
        return source;
    }
}
