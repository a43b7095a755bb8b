package dev.motif.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How {@link Checkpoint#load(dev.motif.nn.Block, java.nio.file.Path, LoadOptions)} matches a
 * file to a model: how the file's tensor names become model paths, and whether everything must
 * match (strict, the default) or only what matches is loaded.
 *
 * <p>Renaming steps apply to every name of the file (tensors and aliases) in the order they were
 * added; a name that a step does not concern passes unchanged. Options are immutable: each method
 * returns a new instance.
 *
 * <pre>{@code
 * // A state dict saved from a DataParallel model, whose head the model does not have:
 * LoadReport r = Checkpoint.load(model, path, LoadOptions.defaults().stripPrefix("module.").strict(false));
 * System.out.println(r.unexpected());   // [module.fc.weight, module.fc.bias]
 * }</pre>
 */
public final class LoadOptions {
    private static final LoadOptions DEFAULTS = new LoadOptions(true, List.of(), List.of());

    private final boolean strict;
    private final List<Function<String, String>> renames;
    private final List<String> described;

    private LoadOptions(boolean strict, List<Function<String, String>> renames, List<String> described) {
        this.strict = strict;
        this.renames = renames;
        this.described = described;
    }

    /** Strict, names used as they are. */
    public static LoadOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Strict (true, the default): every parameter and buffer of the model must be found and every
     * tensor of the file used, or nothing loads. Not strict: what matches loads, and the
     * {@link LoadReport} lists what was missing and what was not used. Shape, dtype and value
     * disagreements fail in both modes.
     */
    public LoadOptions strict(boolean strict) {
        return new LoadOptions(strict, renames, described);
    }

    /** Removes {@code prefix} from the names that start with it ({@code "module."} of DataParallel, {@code "model."}). */
    public LoadOptions stripPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) throw new IllegalArgumentException("stripPrefix: the prefix must be non-empty, got " + (prefix == null ? "null" : "''"));
        return then(n -> n.startsWith(prefix) ? n.substring(prefix.length()) : n, "stripPrefix(\"" + prefix + "\")");
    }

    /** Renames the names listed in {@code fileToModel} (file name → model path); other names pass unchanged. */
    public LoadOptions rename(Map<String, String> fileToModel) {
        Map<String, String> copy = Map.copyOf(fileToModel);
        return then(n -> copy.getOrDefault(n, n), "rename(" + copy.size() + (copy.size() == 1 ? " name)" : " names)"));
    }

    /** Renames every name through {@code fileToModel}, which returns the model path for a file name. */
    public LoadOptions rename(Function<String, String> fileToModel) {
        if (fileToModel == null) throw new IllegalArgumentException("rename: the function must not be null");
        return then(fileToModel, "rename(function)");
    }

    private LoadOptions then(Function<String, String> step, String description) {
        List<Function<String, String>> r = new ArrayList<>(renames);
        r.add(step);
        List<String> d = new ArrayList<>(described);
        d.add(description);
        return new LoadOptions(strict, List.copyOf(r), List.copyOf(d));
    }

    public boolean isStrict() {
        return strict;
    }

    /** The model path a file name maps to, after every renaming step; null if a step gave none. */
    public String modelPath(String fileName) {
        String n = fileName;
        for (Function<String, String> step : renames) {
            n = step.apply(n);
            if (n == null || n.isEmpty()) return null;
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("LoadOptions.defaults()");
        for (String d : described) sb.append('.').append(d);
        if (!strict) sb.append(".strict(false)");
        return sb.toString();
    }
}
