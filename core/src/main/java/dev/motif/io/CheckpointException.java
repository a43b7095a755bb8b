package dev.motif.io;

import java.nio.file.Path;
import java.util.List;

/**
 * A checkpoint file that cannot be read, or cannot be loaded into a given model. The message
 * names the file and every problem found; {@link #problems()} lists them one by one.
 */
public class CheckpointException extends java.io.IOException {
    private final transient Path file;
    private final List<String> problems;

    /** One problem with a file. */
    public CheckpointException(Path file, String problem) {
        this(file, problem, (Throwable) null);
    }

    /** One problem with a file, caused by another exception. */
    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problems = List.of(problem);
    }

    /** Several problems at once, under a summary line such as "3 problems loading into Net". */
    public CheckpointException(Path file, String summary, List<String> problems) {
        super(file + ": " + summary + lines(problems));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    private static String lines(List<String> problems) {
        StringBuilder sb = new StringBuilder(":");
        for (String p : problems) sb.append("\n  - ").append(p);
        return sb.toString();
    }

    /** The file the problems are about. */
    public Path file() {
        return file;
    }

    /** Each problem as one line, without the file name. */
    public List<String> problems() {
        return problems;
    }
}
