package dev.motif.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The one configured JSON mapper Motif reads and writes with: a repeated key or text after the
 * document is an error when reading (a safetensors header, metadata), and a NaN or infinity is
 * written as {@code null}, since JSON has no such numbers (Jackson would write the string
 * {@code "NaN"}, which a reader takes for text).
 *
 * <pre>{@code
 * ObjectNode root = Json.object();
 * root.put("loss", 0.25);
 * AtomicFile.writeString(path, Json.pretty(root));
 * }</pre>
 */
public final class Json {
    private Json() {}

    /** The mapper; share it, it is thread-safe once configured. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .registerModule(new SimpleModule("non-finite as null")
                    .addSerializer(Double.class, new NonFinite<>(Double.class))
                    .addSerializer(double.class, new NonFinite<>(double.class))
                    .addSerializer(Float.class, new NonFinite<>(Float.class))
                    .addSerializer(float.class, new NonFinite<>(float.class)));

    /** A new empty object node. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A value (a tree, a map, a record) as indented JSON ending in a newline, non-finite numbers as null. */
    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(finite(MAPPER.valueToTree(value))) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Json.pretty: " + e.getOriginalMessage(), e);
        }
    }

    /** A value as JSON on one line, non-finite numbers as null. */
    public static String compact(Object value) {
        try {
            return MAPPER.writeValueAsString(finite(MAPPER.valueToTree(value)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Json.compact: " + e.getOriginalMessage(), e);
        }
    }

    /** The tree with every NaN or infinite number replaced by null (trees are written as they are, past any serializer). */
    private static JsonNode finite(JsonNode n) {
        if (n.isNumber() && (n.isDouble() || n.isFloat()) && !Double.isFinite(n.doubleValue())) return NullNode.getInstance();
        if (n instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(finite(e.getValue()));
            }
        } else if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) a.set(i, finite(a.get(i)));
        }
        return n;
    }

    private static final class NonFinite<T extends Number> extends StdSerializer<T> {
        NonFinite(Class<T> type) {
            super(type);
        }

        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            double v = value.doubleValue();
            if (!Double.isFinite(v)) gen.writeNull();
            else if (value instanceof Float f) gen.writeNumber(f);
            else gen.writeNumber(v);
        }
    }
}
