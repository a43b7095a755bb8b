package dev.motif.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.nn.Block;
import dev.motif.nn.Parameter;
import dev.motif.nn.ParameterUse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Saves a model's parameters and buffers to a safetensors file and loads them back, keeping
 * sharing and ties.
 *
 * <p>Each unique parameter is stored once, under the path of its first site of its own; every
 * other use site is recorded in the header's {@code __metadata__}, as the stored tensor it uses
 * and, for a tie, the transform it sees it through:
 * <pre>{@code
 * "__metadata__": {"motif.format": "2",
 *                  "motif.aliases": "{\"head.weight\":\"embed\",
 *                                     \"decoder.weight\":{\"owner\":\"encoder.weight\",\"transform\":\"transpose\"}}",
 *                  "motif.buffers": "[\"1.running_mean\",\"1.running_var\"]"}
 * }</pre>
 * so the file stays a plain safetensors file (other tools see one tensor per unique parameter),
 * while Motif restores identity and ties. A parameter seen only through ties (a filter bank used
 * in its rotations) is stored under its first tie's path followed by {@value #OWNER_SUFFIX}.
 * Buffers (state a block keeps but does not train, such as a batch norm's running statistics)
 * are stored under their paths, so a model evaluates after loading exactly as it did when saved.
 * {@link SaveOptions#pytorchCompatible()} writes every site as a tensor of its own as well, which
 * PyTorch's {@code load_state_dict(strict=True)} accepts as it is.
 *
 * <p>Loading validates everything first and changes the model only if the whole file fits. It
 * reads Motif's formats 1 and 2 and plain safetensors files from other tools, by name, such as
 * what {@code safetensors.torch.save_file(model.state_dict())} writes: {@link LoadOptions} renames
 * (strips {@code "module."}) and loads what matches when not strict.
 *
 * <pre>{@code
 * Checkpoint.save(model, Path.of("model.safetensors"));
 * Checkpoint.load(freshModel, Path.of("model.safetensors"));   // values, and ties, restored
 * LoadReport r = Checkpoint.load(net, Path.of("torch.safetensors"), LoadOptions.defaults().stripPrefix("module."));
 * }</pre>
 */
public final class Checkpoint {
    /** Metadata key of the format version Motif writes. */
    public static final String FORMAT_KEY = MotifMetadata.FORMAT_KEY;
    /** Metadata key of the alias table: a JSON object {alias path: owner tensor name, or {"owner", "transform"} for a tie}. */
    public static final String ALIASES_KEY = MotifMetadata.ALIASES_KEY;
    /** Metadata key of the buffer list: a JSON array of the paths stored as buffers. */
    public static final String BUFFERS_KEY = MotifMetadata.BUFFERS_KEY;
    /** Appended to the first tie path of a parameter that has no site of its own, to name its stored tensor. */
    public static final String OWNER_SUFFIX = "#owner";
    static final String FORMAT_VERSION = String.valueOf(MotifMetadata.CURRENT_FORMAT);

    private static final ObjectMapper JSON = Json.MAPPER;

    private Checkpoint() {}

    /** Saves every unique parameter once, with the aliases of shared ones and the ties. */
    public static void save(Block model, Path file) throws IOException {
        save(model, file, SaveOptions.defaults());
    }

    /**
     * Saves as {@link #save(Block, Path)} and adds {@code extraMetadata} to the header (keys
     * starting with {@code "motif."} are reserved).
     */
    public static void save(Block model, Path file, Map<String, String> extraMetadata) throws IOException {
        save(model, file, SaveOptions.defaults().metadata(extraMetadata));
    }

    /**
     * Saves with options: Motif's compact layout or a file PyTorch loads as it is.
     *
     * @throws IllegalArgumentException for {@link SaveOptions#pytorchCompatible()} when a tie's
     *         owner has no site of its own, which a state dict has no name for
     */
    public static void save(Block model, Path file, SaveOptions options) throws IOException {
        boolean torch = options.isPytorchCompatible();
        SafetensorsFile.Writer w = SafetensorsFile.writer();
        options.metadata().forEach(w::metadata);
        if (torch && !options.metadata().containsKey("format")) w.metadata("format", "pt"); // what PyTorch's safetensors writer records

        List<ParameterUse> uses = model.parameterUses();
        Set<String> paths = new HashSet<>();
        for (ParameterUse u : uses) paths.add(u.path());
        Map<NDArray, List<String>> buffers = CheckpointLoader.bufferPaths(model);
        for (List<String> ps : buffers.values()) paths.addAll(ps);

        Map<Parameter, String> stored = new IdentityHashMap<>();
        for (ParameterUse u : uses) if (u.tie() == null) stored.putIfAbsent(u.parameter(), u.path());
        for (ParameterUse u : uses) {
            if (stored.containsKey(u.parameter())) continue;
            if (torch) {
                throw new IllegalArgumentException("pytorchCompatible: the parameter behind '" + u.path() + "' (" + u.transform() + " of " + u.parameter()
                        + ") has no slot of its own, so a PyTorch state dict has no name for it; save model.untie() for PyTorch, or save without pytorchCompatible() to keep the tie");
            }
            String name = u.path() + OWNER_SUFFIX;
            if (paths.contains(name)) throw new IllegalArgumentException("save: the owner of the tie at '" + u.path() + "' would be stored as '" + name + "', which is a path of the model");
            stored.put(u.parameter(), name);
        }
        for (Map.Entry<Parameter, String> e : orderedByFirstUse(uses, stored)) w.add(e.getValue(), e.getKey().value());

        ObjectNode aliases = JSON.createObjectNode();
        for (ParameterUse u : uses) {
            String owner = stored.get(u.parameter());
            if (u.tie() == null && u.path().equals(owner)) continue;
            if (u.tie() == null) aliases.put(u.path(), owner);
            else aliases.putObject(u.path()).put("owner", owner).put("transform", u.transform());
            if (torch) w.add(u.path(), u.tie() == null ? u.parameter().value() : Autodiff.noGrad(u.tie()::value).value());
        }
        ArrayNode bufferList = JSON.createArrayNode();
        for (Map.Entry<NDArray, List<String>> b : buffers.entrySet()) {
            for (String path : torch ? b.getValue() : b.getValue().subList(0, 1)) {
                w.add(path, b.getKey());
                bufferList.add(path);
            }
        }
        w.metadata(FORMAT_KEY, FORMAT_VERSION);
        w.metadata(ALIASES_KEY, aliases.toString());
        if (!bufferList.isEmpty()) w.metadata(BUFFERS_KEY, bufferList.toString());
        w.write(file);
    }

    private static List<Map.Entry<Parameter, String>> orderedByFirstUse(List<ParameterUse> uses, Map<Parameter, String> stored) {
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        List<Map.Entry<Parameter, String>> out = new ArrayList<>();
        for (ParameterUse u : uses) if (seen.put(u.parameter(), Boolean.TRUE) == null) out.add(Map.entry(u.parameter(), stored.get(u.parameter())));
        return out;
    }

    /**
     * Owner tensor name → the alias paths recorded for it (shared sites and ties alike), owners in
     * file order; an empty map for a file without aliases (or without Motif metadata).
     */
    public static Map<String, List<String>> aliases(SafetensorsFile f) throws CheckpointException {
        Map<String, List<String>> byOwner = new LinkedHashMap<>();
        List<Alias> table = ties(f);
        for (TensorInfo t : f.tensors()) {
            List<String> names = new ArrayList<>();
            for (Alias a : table) if (a.owner().equals(t.name())) names.add(a.path());
            if (!names.isEmpty()) byOwner.put(t.name(), List.copyOf(names));
        }
        return Collections.unmodifiableMap(byOwner);
    }

    /**
     * Every alias the file records, in the order of its table: each shared site and each tie, with
     * its owner tensor and transform (validated against the file's tensors, not parsed).
     */
    public static List<Alias> ties(SafetensorsFile f) throws CheckpointException {
        return List.copyOf(MotifMetadata.read(f).aliases.values());
    }

    /**
     * Loads a file into a model, strictly: {@code load(model, file, LoadOptions.defaults())}.
     * Every parameter and buffer of the model must be found and every tensor of the file used.
     */
    public static LoadReport load(Block model, Path file) throws IOException {
        return load(model, file, LoadOptions.defaults());
    }

    /**
     * Loads a file into a model. Each use path of the model is matched to the file by name (after
     * the options' renaming), through the alias table or to a stored tensor; values are converted
     * to each parameter's dtype.
     *
     * <ul>
     * <li>Paths the file stores as one tensor end up holding one Parameter object (the one at the
     * first of those paths), so sharing is restored even into a model built without it.</li>
     * <li>A path the file records as a tie loads the owner's value and keeps the model's tie when
     * the model ties it the same way; where the model has a parameter of its own, the site becomes
     * the file's tie ({@link dev.motif.nn.Transform#parse} of the recorded spec).</li>
     * <li>A path the model ties but the file stores as a tensor of its own (PyTorch lists both
     * names of tied weights) loads if the stored value is the tie's value, to the dtypes'
     * rounding; the tie is kept.</li>
     * <li>PyTorch's {@code num_batches_tracked}, beside a batch norm's running statistics, is
     * ignored with a note, in strict mode too.</li>
     * </ul>
     *
     * <p>Everything is checked before anything changes: on a {@link CheckpointException}, which
     * lists every problem found, the model keeps its values and its ties. Without
     * {@link LoadOptions#strict(boolean) strict}, missing and unexpected names are listed in the
     * report instead of failing; shapes, dtypes and values must still agree.
     */
    public static LoadReport load(Block model, Path file, LoadOptions options) throws IOException {
        return new CheckpointLoader(model, SafetensorsFile.read(file), options).run();
    }
}
