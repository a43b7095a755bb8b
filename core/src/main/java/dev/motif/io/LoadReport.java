package dev.motif.io;

import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link Checkpoint#load} did: the model paths it loaded, the model's parameters and
 * buffers it did not find in the file ({@code missing}, by model path), the file's tensors and
 * aliases it did not use ({@code unexpected}, by their names in the file), and notes on what it
 * accepted or decided on the way (a PyTorch batch-norm counter ignored, a tie restored, a stored
 * copy of a tie checked). A strict load returns only complete reports.
 *
 * <pre>{@code
 * LoadReport r = Checkpoint.load(model, path, LoadOptions.defaults().strict(false));
 * if (!r.missing().isEmpty()) System.err.println("not in the file: " + r.missing());
 * }</pre>
 */
public record LoadReport(Path file, List<String> loaded, List<String> missing, List<String> unexpected, List<String> notes) {
    public LoadReport {
        loaded = List.copyOf(loaded);
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        notes = List.copyOf(notes);
    }

    /** Whether every parameter and buffer was found and every tensor used. */
    public boolean isComplete() {
        return missing.isEmpty() && unexpected.isEmpty();
    }

    /** A few lines for a person: counts, then the missing and unexpected names and the notes. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(file).append(": loaded ").append(loaded.size()).append(loaded.size() == 1 ? " path" : " paths");
        if (!missing.isEmpty()) sb.append("\n  missing (kept as they were): ").append(String.join(", ", missing));
        if (!unexpected.isEmpty()) sb.append("\n  unexpected (not used): ").append(String.join(", ", unexpected));
        for (String n : notes) sb.append("\n  note: ").append(n);
        return sb.toString();
    }
}
