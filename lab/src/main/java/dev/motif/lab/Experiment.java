package dev.motif.lab;

import dev.motif.train.ProgressListener;

import java.io.IOException;

/**
 * An experiment that puts a claim about parameter sharing to the test and reports what it
 * measured, whatever that is. {@code motif lab NAME} runs one and writes its report as a markdown
 * table, a plot and JSON.
 */
public interface Experiment {
    /** The name on the command line, such as {@code data-efficiency}. */
    String name();

    /** One line saying what the experiment asks. */
    String summary();

    /** Runs the experiment; long runs report through {@code progress}. */
    Report run(Settings settings, ProgressListener progress) throws IOException;
}
