package dev.motif.io;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How {@link Checkpoint#save(dev.motif.nn.Block, java.nio.file.Path, SaveOptions)} writes a
 * model: Motif's compact layout (each unique parameter once, the other use sites in the alias
 * metadata), or a file that PyTorch's {@code load_state_dict(strict=True)} accepts as it is, and
 * extra metadata strings. Options are immutable: each method returns a new instance.
 *
 * <pre>{@code
 * Checkpoint.save(model, Path.of("for-torch.safetensors"), SaveOptions.pytorchCompatible().metadata("epoch", "12"));
 * }</pre>
 */
public final class SaveOptions {
    private static final SaveOptions DEFAULTS = new SaveOptions(false, Map.of());
    private static final SaveOptions PYTORCH = new SaveOptions(true, Map.of());

    private final boolean pytorchCompatible;
    private final Map<String, String> metadata;

    private SaveOptions(boolean pytorchCompatible, Map<String, String> metadata) {
        this.pytorchCompatible = pytorchCompatible;
        this.metadata = metadata;
    }

    /** Each unique parameter stored once; shared sites and ties recorded as aliases. */
    public static SaveOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Every use site stored as a tensor of its own under its path, as PyTorch's {@code state_dict}
     * lists it: a shared parameter under each name, a tie's transformed value (a tied decoder's
     * weight as the transpose of the encoder's), the buffers of a block used at several places
     * under each place; plus {@code "format": "pt"} and Motif's alias metadata, so that Motif
     * reloads the file tied. A tie whose owner has no slot of its own cannot be written this way
     * (a state dict has no name for the owner): save {@code model.untie()} instead.
     */
    public static SaveOptions pytorchCompatible() {
        return PYTORCH;
    }

    /** Adds a metadata string (keys starting with {@code "motif."} are Motif's own). */
    public SaveOptions metadata(String key, String value) {
        return metadata(Map.of(requireKey(key), value == null ? nullValue(key) : value));
    }

    /** Adds metadata strings (keys starting with {@code "motif."} are Motif's own). */
    public SaveOptions metadata(Map<String, String> extra) {
        Map<String, String> m = new TreeMap<>(metadata);
        for (Map.Entry<String, String> e : extra.entrySet()) {
            if (e.getValue() == null) nullValue(e.getKey());
            m.put(requireKey(e.getKey()), e.getValue());
        }
        return new SaveOptions(pytorchCompatible, Collections.unmodifiableMap(m));
    }

    private static String requireKey(String key) {
        if (key == null || key.isEmpty()) throw new IllegalArgumentException("metadata key must be non-empty");
        if (key.startsWith("motif.")) {
            throw new IllegalArgumentException("metadata key '" + key + "' is reserved: keys starting with 'motif.' are Motif's own");
        }
        return key;
    }

    private static String nullValue(String key) {
        throw new IllegalArgumentException("metadata value of key '" + key + "' must not be null");
    }

    public boolean isPytorchCompatible() {
        return pytorchCompatible;
    }

    /** The extra metadata, by key. */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public String toString() {
        return (pytorchCompatible ? "SaveOptions.pytorchCompatible()" : "SaveOptions.defaults()") + (metadata.isEmpty() ? "" : ".metadata(" + metadata + ")");
    }
}
