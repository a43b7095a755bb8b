package dev.motif.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What Motif's keys in a file's {@code __metadata__} say: the format version and the alias
 * table, validated against the file's tensors (names as the file has them).
 *
 * <p>Format 1 records every use site of a shared parameter as {@code "alias": "owner"}, without
 * transforms (it wrote a tie's site that way too, so a format-1 alias says which parameter a site
 * uses, not how). Format 2 writes {@code "alias": "owner"} for a site that uses the owner as it
 * is and {@code "alias": {"owner": "encoder.weight", "transform": "transpose"}} for a tie, and
 * allows an alias's own value to be stored under its name as well (a file written for PyTorch).
 */
final class MotifMetadata {
    static final String FORMAT_KEY = "motif.format";
    static final String ALIASES_KEY = "motif.aliases";
    static final String BUFFERS_KEY = "motif.buffers";
    static final int CURRENT_FORMAT = 2;

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final Set<String> TIE_FIELDS = Set.of("owner", "transform");

    /** 0 for a file without Motif metadata. */
    final int format;
    /** By alias path, in the table's order. */
    final Map<String, Alias> aliases;

    private MotifMetadata(int format, Map<String, Alias> aliases) {
        this.format = format;
        this.aliases = aliases;
    }

    /** Whether a format-1 alias, which says which tensor a site uses but not through which transform. */
    boolean transformUnknown() {
        return format == 1;
    }

    static MotifMetadata read(SafetensorsFile f) throws CheckpointException {
        Map<String, String> meta = f.metadata();
        String version = meta.get(FORMAT_KEY);
        int format;
        if (version == null) format = meta.containsKey(ALIASES_KEY) ? 1 : 0;
        else if (version.equals("1")) format = 1;
        else if (version.equals("2")) format = 2;
        else throw new CheckpointException(f.path(), FORMAT_KEY + " is '" + version + "'; this Motif reads formats 1 and 2");

        Map<String, Alias> table = new LinkedHashMap<>();
        String text = meta.get(ALIASES_KEY);
        if (text == null) return new MotifMetadata(format, table);
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
            Alias a = entry(f, format, e.getKey(), e.getValue());
            table.put(a.path(), a);
        }
        for (Alias a : table.values()) {
            Alias chained = table.get(a.owner());
            if (chained != null) {
                throw new CheckpointException(f.path(), "alias '" + a.path() + "' points at '" + a.owner() + "', which is itself an alias (of '"
                        + chained.owner() + "'); an alias must name the stored owner");
            }
        }
        return new MotifMetadata(format, table);
    }

    private static Alias entry(SafetensorsFile f, int format, String alias, JsonNode v) throws CheckpointException {
        String owner, transform;
        if (v.isTextual()) {
            owner = v.textValue();
            transform = Alias.IDENTITY;
        } else if (format >= 2 && v.isObject()) {
            for (Iterator<String> names = v.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!TIE_FIELDS.contains(name)) {
                    throw new CheckpointException(f.path(), "alias '" + alias + "' in '" + ALIASES_KEY + "' has a field '" + name
                            + "'; a tie has only \"owner\" and \"transform\": " + v);
                }
            }
            JsonNode o = v.get("owner"), t = v.get("transform");
            if (o == null || !o.isTextual() || t == null || !t.isTextual()) {
                throw new CheckpointException(f.path(), "alias '" + alias + "' in '" + ALIASES_KEY + "' is " + v
                        + "; a tie needs a string \"owner\" (a tensor name) and a string \"transform\"");
            }
            owner = o.textValue();
            transform = t.textValue().strip();
        } else {
            throw new CheckpointException(f.path(), "alias '" + alias + "' in '" + ALIASES_KEY + "' maps to " + v + ", not a tensor name"
                    + (format >= 2 ? " or {\"owner\": tensor, \"transform\": spec}" : ""));
        }
        if (owner.equals(alias)) {
            throw new CheckpointException(f.path(), "alias '" + alias + "' points at itself, also the name of a stored tensor");
        }
        if (!f.contains(owner)) {
            throw new CheckpointException(f.path(), "alias '" + alias + "' points at tensor '" + owner + "', which is not in the file");
        }
        boolean stored = f.contains(alias);
        if (stored && format < 2) {
            throw new CheckpointException(f.path(), "alias '" + alias + "' (of tensor '" + owner + "') is also the name of a stored tensor"
                    + " (format " + format + " stores each shared tensor once)");
        }
        return new Alias(alias, owner, transform, stored);
    }
}
