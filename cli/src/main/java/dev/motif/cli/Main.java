package dev.motif.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The {@code motif} command: a tour of parameter sharing and tools for Motif's files.
 *
 * <p>Exit codes: 0 when the command did its job, 2 for a usage error (with the usage on stderr),
 * 1 for any other failure, with a short message on stderr. {@code --debug} (or the environment
 * variable {@code MOTIF_DEBUG=1}) adds the stack trace.
 */
@Command(name = "motif",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        subcommands = {TourCommand.class, InspectCommand.class, CountCommand.class, TrainCommand.class, LabCommand.class, FitCommand.class, CommandLine.HelpCommand.class},
        usageHelpAutoWidth = true,
        description = {
                "Motif: models whose parameters are shared, made explicit.",
                "",
                "One set of parameters used at many sites (a kernel at every pixel, a cell at every step, an embedding "
                        + "at input and output) receives the sum of the gradients from every site. Motif builds, counts, "
                        + "trains, saves and inspects such sharing.",
                ""},
        footer = {"", "Examples:",
                "  motif tour                        sharing step by step, kernel to checkpoint",
                "  motif count --input 32x32x3 conv:16:3x3 relu maxpool:2 dense:10",
                "                                    per-layer counts: shared, untied, dense",
                "  motif train --arch conv --train-size 10000 --epochs 1 --seed 1",
                "                                    train a seed net on Fashion-MNIST",
                "  motif inspect model.safetensors   a checkpoint's tensors and shared names",
                "  motif lab                         the experiments about sharing",
                "  motif fit DATA... --model EXPR    a global fit with shared parameters (motif help fit)",
                "  motif help inspect                the options of one command"})
public final class Main implements Runnable {
    /** Exit code for a failure that is not a usage error (picocli uses 2 for those). */
    static final int FAILURE = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print the stack trace of a failure (also: environment MOTIF_DEBUG=1).")
    boolean debug;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: give one of " + String.join(", ", spec.subcommands().keySet()));
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(out, err, args));
    }

    /** Runs the command with the given arguments and streams; returns the exit code. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        int code = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The configured command line: error handling and exit codes as documented on this class. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((e, cmd, parseResult) -> failure(e, cmd, debugRequested(parseResult)));
        return cl;
    }

    /** A usage error: what was wrong, suggestions for a misspelt name, then the usage of the command concerned. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        boolean unknownCommand = e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-") && !cmd.getSubcommands().isEmpty();
        String message = unknownCommand ? "unknown command '" + ((UnmatchedArgumentException) e).getUnmatched().get(0) + "'" : e.getMessage();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + message);
        if (e instanceof UnmatchedArgumentException u) UnmatchedArgumentException.printSuggestions(u, err);
        err.println();
        cmd.usage(err, cmd.getColorScheme());
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * Any other failure: one line naming the command and the problem; the stack trace only on
     * request. Bad files and bad arguments carry messages written for users; anything else is
     * reported with its type, as a bug would be.
     */
    static int failure(Exception e, CommandLine cmd, boolean debug) {
        PrintWriter err = cmd.getErr();
        boolean expected = e instanceof IOException || e instanceof UncheckedIOException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException;
        String line = cmd.getCommandSpec().qualifiedName() + ": " + (expected ? describe(e) : "internal error: " + e);
        err.println(debug || expected ? line : line + " (--debug shows the stack trace)");
        if (debug) e.printStackTrace(err);
        err.flush();
        return FAILURE;
    }

    /** A message for a user: the exception's own, or a plain sentence for the JDK's terse file errors. */
    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) e = u.getCause();
        if (e instanceof NoSuchFileException f) return "no such file: " + f.getFile();
        if (e instanceof AccessDeniedException f) return "permission denied: " + f.getFile();
        // Files.createDirectories says only the path when a file stands where a directory is needed.
        if (e instanceof FileAlreadyExistsException f) return f.getFile() + ": is a file, expected a directory";
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** The nearest existing ancestor of {@code target} when it is a file (so {@code target} cannot be created), else null. */
    private static Path fileInTheWay(Path target) {
        for (Path p = target.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) return Files.isDirectory(p) ? null : p;
        }
        return null;
    }

    /**
     * Why the output file given with {@code option} could not be written, or null when it can be:
     * checked before a command's work, so that a bad path does not lose the results after it.
     */
    static String unwritableFile(String option, Path file) {
        if (Files.isDirectory(file)) return option + " " + file + " is a directory, expected a file";
        Path blocker = fileInTheWay(file);
        return blocker == null ? null : option + " " + file + " is under " + blocker + ", which is a file";
    }

    /** As {@link #unwritableFile}, for an output directory, which is created if missing. */
    static String unwritableDirectory(String option, Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) return option + " " + dir + " is a file, expected a directory (it is created if missing)";
        Path blocker = fileInTheWay(dir);
        return blocker == null ? null : option + " " + dir + " is under " + blocker + ", which is a file";
    }

    private static boolean debugRequested(ParseResult parseResult) {
        if ("1".equals(System.getenv("MOTIF_DEBUG"))) return true;
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) return true;
        }
        return false;
    }

    /** {@code motif --version}: the build's version, the Java runtime, and which BLAS is in use. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                    "motif " + version(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                    "BLAS " + dev.motif.array.Blas.describe()};
        }

        static String version() {
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in == null) return "(unknown version)";
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "(unknown version)");
            } catch (IOException e) {
                return "(unknown version)";
            }
        }
    }
}
