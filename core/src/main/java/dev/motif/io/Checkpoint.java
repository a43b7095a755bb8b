package dev.motif.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.nn.Block;
import dev.motif.nn.Parameter;
import dev.motif.nn.ParameterUse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Saves a model's parameters to a safetensors file and loads them back, keeping ties.
 *
 * <p>Each unique parameter is stored once, under the path of its first use; every other use site
 * is recorded as an alias of that tensor in the header's {@code __metadata__}:
 * <pre>{@code
 * "__metadata__": {"motif.format": "1",
 *                  "motif.aliases": "{\"decoder.weight\":\"encoder.weight\"}"}
 * }</pre>
 * so the file stays a plain safetensors file (other tools see one tensor per unique parameter)
 * Buffers (state a module keeps but does not train, such as a batch norm's running statistics)
 * are stored as tensors under their paths too, and listed in {@code motif.buffers}, so a model
 * evaluates after loading exactly as it did when saved.
 * while Motif can restore identity. Loading validates everything first and changes the model only
 * if the whole file fits; files from other tools, without Motif metadata, load by name.
 *
 * <pre>{@code
 * Checkpoint.save(model, Path.of("model.safetensors"));
 * Checkpoint.load(freshModel, Path.of("model.safetensors"));   // values, and ties, restored
 * }</pre>
 */
public final class Checkpoint {
    /** Metadata key of the format version Motif writes. */
    public static final String FORMAT_KEY = "motif.format";
    /** Metadata key of the alias table: a JSON object {alias path: owner tensor name}. */
    public static final String ALIASES_KEY = "motif.aliases";
    /** Metadata key of the buffer list: a JSON array of the paths stored as buffers. */
    public static final String BUFFERS_KEY = "motif.buffers";
    static final String FORMAT_VERSION = "1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {}

    /** Saves every unique parameter once, with the aliases of shared ones. */
    public static void save(Block model, Path file) throws IOException {
        save(model, file, Map.of());
    }

    /**
     * Saves as {@link #save(Block, Path)} and adds {@code extraMetadata} to the header (keys
     * starting with {@code "motif."} are reserved).
     */
    public static void save(Block model, Path file, Map<String, String> extraMetadata) throws IOException {
        SafetensorsFile.Writer w = SafetensorsFile.writer();
        for (Map.Entry<String, String> e : extraMetadata.entrySet()) {
            if (e.getKey().startsWith("motif.")) {
                throw new IllegalArgumentException("metadata key '" + e.getKey() + "' is reserved: keys starting with 'motif.' are Motif's own");
            }
            w.metadata(e.getKey(), e.getValue());
        }
        Map<Parameter, String> owners = new IdentityHashMap<>();
        ObjectNode aliases = JSON.createObjectNode();
        for (ParameterUse u : model.parameterUses()) {
            String owner = owners.putIfAbsent(u.parameter(), u.path());
            if (owner == null) w.add(u.path(), u.parameter().value());
            else aliases.put(u.path(), owner);
        }
        com.fasterxml.jackson.databind.node.ArrayNode buffers = JSON.createArrayNode();
        for (Map.Entry<String, NDArray> b : model.namedBuffers().entrySet()) {
            w.add(b.getKey(), b.getValue());
            buffers.add(b.getKey());
        }
        w.metadata(FORMAT_KEY, FORMAT_VERSION);
        w.metadata(ALIASES_KEY, aliases.toString());
        if (!buffers.isEmpty()) w.metadata(BUFFERS_KEY, buffers.toString());
        w.write(file);
    }

    /**
     * Owner tensor name → the alias paths recorded for it, owners in file order; an empty map for
     * a file without aliases (or without Motif metadata).
     */
    public static Map<String, List<String>> aliases(SafetensorsFile f) throws CheckpointException {
        Map<String, List<String>> byOwner = new LinkedHashMap<>();
        Map<String, String> table = aliasTable(f);
        for (TensorInfo t : f.tensors()) {
            List<String> names = new ArrayList<>();
            for (Map.Entry<String, String> e : table.entrySet()) if (e.getValue().equals(t.name())) names.add(e.getKey());
            if (!names.isEmpty()) byOwner.put(t.name(), List.copyOf(names));
        }
        return Collections.unmodifiableMap(byOwner);
    }

    /** Alias path → owner tensor name, validated against the file's tensors. */
    private static Map<String, String> aliasTable(SafetensorsFile f) throws CheckpointException {
        Map<String, String> meta = f.metadata();
        String version = meta.get(FORMAT_KEY);
        if (version != null && !version.equals(FORMAT_VERSION)) {
            throw new CheckpointException(f.path(), FORMAT_KEY + " is '" + version + "'; this Motif reads format " + FORMAT_VERSION);
        }
        String text = meta.get(ALIASES_KEY);
        Map<String, String> table = new LinkedHashMap<>();
        if (text == null) return table;
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(f.path(), "metadata '" + ALIASES_KEY + "' is not valid JSON: " + SafetensorsFile.jsonProblem(e), e);
        }
        if (node == null || !node.isObject()) {
            throw new CheckpointException(f.path(), "metadata '" + ALIASES_KEY + "' is not a JSON object {alias: tensor}: " + text);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String alias = e.getKey();
            if (!e.getValue().isTextual()) {
                throw new CheckpointException(f.path(), "alias '" + alias + "' in '" + ALIASES_KEY + "' maps to " + e.getValue() + ", not a tensor name");
            }
            String owner = e.getValue().textValue();
            if (!f.contains(owner)) {
                throw new CheckpointException(f.path(), "alias '" + alias + "' points at tensor '" + owner + "', which is not in the file");
            }
            if (f.contains(alias)) {
                throw new CheckpointException(f.path(), "alias '" + alias + "' (of tensor '" + owner + "') is also the name of a stored tensor");
            }
            table.put(alias, owner);
        }
        return table;
    }

    /**
     * Loads a file into a model: every use path of the model must resolve to a stored tensor of
     * the same shape (by name, or through the alias table), and every stored tensor and alias
     * must be used. Values are converted to each parameter's dtype. Paths the file declares as
     * one tensor end up holding one Parameter object (the one at the first of those paths), so
     * ties are restored even into a model built without them; paths the model ties but the file
     * stores as separate tensors must hold equal values.
     *
     * <p>Everything is checked before anything changes: on a {@link CheckpointException}, which
     * lists every problem found, the model keeps its values and its ties.
     */
    public static void load(Block model, Path file) throws IOException {
        SafetensorsFile f = SafetensorsFile.read(file);
        Map<String, String> aliasToOwner = aliasTable(f);
        List<ParameterUse> uses = model.parameterUses();
        List<String> problems = new ArrayList<>();

        // 1. Resolve every use path to a stored tensor of the right shape.
        String[] tensorOf = new String[uses.size()];
        Set<String> usedTensors = new HashSet<>();
        Set<String> modelPaths = new HashSet<>();
        for (int i = 0; i < uses.size(); i++) {
            ParameterUse u = uses.get(i);
            Parameter p = u.parameter();
            modelPaths.add(u.path());
            String t = f.contains(u.path()) ? u.path() : aliasToOwner.get(u.path());
            if (t == null) {
                problems.add("missing tensor '" + u.path() + "': the model has a " + p.dtype() + " " + Arrays.toString(p.shape())
                        + " parameter there, the file has no tensor or alias of that name");
                continue;
            }
            usedTensors.add(t);
            long[] found = f.info(t).shape();
            if (!Arrays.equals(found, Arrays.stream(p.shape()).asLongStream().toArray())) {
                problems.add("shape mismatch at '" + u.path() + "': model expects " + Arrays.toString(p.shape()) + ", file has "
                        + Arrays.toString(found) + (t.equals(u.path()) ? "" : " (tensor '" + t + "', through an alias)"));
                continue;
            }
            tensorOf[i] = t;
        }
        // Buffers load by path: same shape, converted to the buffer's dtype, copied in place.
        List<Runnable> bufferActions = new ArrayList<>();
        for (Map.Entry<String, NDArray> b : model.namedBuffers().entrySet()) {
            String path = b.getKey();
            NDArray target = b.getValue();
            if (!f.contains(path)) {
                problems.add("missing buffer '" + path + "': the model keeps a " + target.dtype() + " " + Arrays.toString(target.shape())
                        + " buffer there (state such as running statistics), the file has no tensor of that name");
                continue;
            }
            usedTensors.add(path);
            long[] found = f.info(path).shape();
            if (!Arrays.equals(found, Arrays.stream(target.shape()).asLongStream().toArray())) {
                problems.add("shape mismatch at buffer '" + path + "': model expects " + Arrays.toString(target.shape()) + ", file has " + Arrays.toString(found));
                continue;
            }
            NDArray value = convert(f.array(path), target.dtype());
            bufferActions.add(() -> target.assign(value));
        }
        for (TensorInfo t : f.tensors()) {
            if (!usedTensors.contains(t.name())) {
                problems.add("unexpected tensor '" + t.name() + "' (" + t.dtype() + " " + Arrays.toString(t.shape())
                        + "): the model has no parameter or buffer at that path");
            }
        }
        for (Map.Entry<String, String> e : aliasToOwner.entrySet()) {
            if (!modelPaths.contains(e.getKey())) {
                problems.add("unexpected alias '" + e.getKey() + "' (of tensor '" + e.getValue() + "'): the model has no parameter at that path");
            }
        }

        // 2. Group use sites that must end up as one Parameter: tied in the model, or one tensor in the file.
        int[] parent = new int[uses.size()];
        for (int i = 0; i < parent.length; i++) parent[i] = i;
        Map<Parameter, Integer> firstUseOfParam = new IdentityHashMap<>();
        Map<String, Integer> firstUseOfTensor = new HashMap<>();
        for (int i = 0; i < uses.size(); i++) {
            if (tensorOf[i] == null) continue;
            Integer sameParam = firstUseOfParam.putIfAbsent(uses.get(i).parameter(), i);
            if (sameParam != null) union(parent, i, sameParam);
            Integer sameTensor = firstUseOfTensor.putIfAbsent(tensorOf[i], i);
            if (sameTensor != null) union(parent, i, sameTensor);
        }
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < uses.size(); i++) if (tensorOf[i] != null) groups.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(i);

        // 3. Plan each group: one owner object, one value; check the group is consistent.
        List<Runnable> actions = new ArrayList<>();
        for (List<Integer> g : groups.values()) {
            Parameter owner = uses.get(g.get(0)).parameter();
            List<String> paths = new ArrayList<>();
            boolean dtypesAgree = true;
            for (int i : g) {
                paths.add(uses.get(i).path());
                dtypesAgree &= uses.get(i).parameter().dtype() == owner.dtype();
            }
            if (!dtypesAgree) {
                List<String> described = new ArrayList<>();
                for (int i : g) described.add(uses.get(i).path() + " (" + uses.get(i).parameter().dtype() + ")");
                problems.add("the file stores " + paths + " as one tensor, but the model's parameters there have different dtypes "
                        + described + ", so they cannot be tied");
                continue;
            }
            Map<String, NDArray> values = new LinkedHashMap<>();
            for (int i : g) values.computeIfAbsent(tensorOf[i], t -> convert(f.array(t), owner.dtype()));
            NDArray value = values.values().iterator().next();
            List<String> differing = new ArrayList<>();
            for (Map.Entry<String, NDArray> e : values.entrySet()) if (!e.getValue().contentEquals(value)) differing.add(e.getKey());
            if (!differing.isEmpty()) {
                problems.add("the model ties " + paths + " (one parameter), but the file stores them as separate tensors "
                        + values.keySet() + " whose values differ (" + differing + " differ from '" + values.keySet().iterator().next() + "')");
                continue;
            }
            for (int i : g) {
                if (uses.get(i).parameter() != owner) {
                    String path = uses.get(i).path();
                    actions.add(() -> model.tie(path, owner));
                }
            }
            actions.add(() -> owner.set(value));
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException(file, problems.size() + (problems.size() == 1 ? " problem" : " problems") + " loading into "
                    + model.describe() + "; the model was not changed", problems);
        }

        // 4. Only now change the model; every check that could fail has been made.
        for (Runnable a : actions) a.run();
        for (Runnable a : bufferActions) a.run();
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) i = parent[i] = parent[parent[i]];
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a), rb = find(parent, b);
        if (ra != rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }

    private static NDArray convert(NDArray a, DType dtype) {
        return a.dtype() == dtype ? a : a.to(dtype);
    }
}
