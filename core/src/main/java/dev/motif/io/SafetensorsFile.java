package dev.motif.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.motif.array.DType;
import dev.motif.array.NDArray;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A safetensors file, read into memory and fully validated, or written through a {@link Writer}.
 *
 * <p>The format: 8 bytes little-endian unsigned header length N; N bytes of UTF-8 JSON mapping
 * each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative
 * to the data section after the header), plus an optional {@code "__metadata__"} object of
 * strings; then the data section, little-endian and row-major. The tensors must cover the data
 * section exactly, without holes or overlaps. A file that breaks any of these rules is refused
 * as a whole with a {@link CheckpointException} naming the file and the tensor.
 *
 * <pre>{@code
 * SafetensorsFile.writer().add("w", NDArray.of(new float[] {1, 2, 3}, 3)).metadata("note", "hi").write(path);
 * SafetensorsFile f = SafetensorsFile.read(path);
 * NDArray w = f.array("w");                      // F32 [3]
 * }</pre>
 *
 * <p>Motif reads F64, F32, F16, BF16, I64, I32, I16, I8, U32, U16, U8 and BOOL, and writes F64,
 * F32 and I64. The whole file is held in memory, one byte array per tensor, so a single tensor is
 * limited to 2 GiB.
 */
public final class SafetensorsFile {
    /** Headers above this size are refused rather than parsed (the reference implementation's limit). */
    static final long MAX_HEADER_BYTES = 100L << 20;
    /** One tensor's bytes live in one Java array. */
    static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 8;
    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON = Json.MAPPER;

    /** The safetensors dtypes Motif reads, with their size in bytes. */
    enum Kind {
        F64(8, true), F32(4, true), F16(2, true), BF16(2, true),
        I64(8, false), I32(4, false), I16(2, false), I8(1, false),
        U32(4, false), U16(2, false), U8(1, false), BOOL(1, false);

        final int bytes;
        final boolean floating;

        Kind(int bytes, boolean floating) {
            this.bytes = bytes;
            this.floating = floating;
        }

        static Kind of(String name) {
            for (Kind k : values()) if (k.name().equals(name)) return k;
            return null;
        }
    }

    private final Path path;
    private final List<TensorInfo> tensors;
    private final Map<String, TensorInfo> byName;
    private final Map<String, byte[]> data;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, List<TensorInfo> tensors, Map<String, byte[]> data, Map<String, String> metadata) {
        this.path = path;
        this.tensors = List.copyOf(tensors);
        this.byName = new HashMap<>();
        for (TensorInfo t : tensors) byName.put(t.name(), t);
        this.data = data;
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    // ---------------------------------------------------------------- reading

    /** Reads a whole file and validates header, layout and sizes; nothing is read lazily later. */
    public static SafetensorsFile read(Path file) throws CheckpointException, IOException {
        // The JDK's read error for a directory ("Is a directory") does not say which path it was.
        if (Files.isDirectory(file)) throw new CheckpointException(file, "is a directory, expected a .safetensors file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new CheckpointException(file, "file has " + size + " bytes, fewer than the 8 of the header length; not a safetensors file");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file, "header length");
            long n = lenBuf.getLong(0);
            if (n < 0 || n > size - 8) {
                throw new CheckpointException(file, "header length " + Long.toUnsignedString(n) + " is larger than the rest of the file ("
                        + (size - 8) + " bytes); not a safetensors file, or truncated");
            }
            if (n > MAX_HEADER_BYTES) {
                throw new CheckpointException(file, "header length " + n + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
            readFully(ch, headerBuf, 8, file, "header");
            JsonNode header = parseHeader(file, headerBuf.array());
            Map<String, String> metadata = new LinkedHashMap<>();
            List<TensorInfo> tensors = parseEntries(file, header, metadata);
            long dataSize = size - 8 - n;
            checkLayout(file, tensors, dataSize);
            Map<String, byte[]> data = new HashMap<>();
            long base = 8 + n;
            for (TensorInfo t : tensors) {
                ByteBuffer b = ByteBuffer.allocate((int) t.byteSize());
                readFully(ch, b, base + t.begin(), file, "data of tensor '" + t.name() + "'");
                data.put(t.name(), b.array());
            }
            return new SafetensorsFile(file, tensors, data, metadata);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos, Path file, String what) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) throw new CheckpointException(file, "file ends in the " + what + " (truncated while reading)");
        }
    }

    private static JsonNode parseHeader(Path file, byte[] bytes) throws CheckpointException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file, "header is not valid UTF-8", e);
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file, "header is not valid JSON: " + jsonProblem(e), e);
        }
        if (node == null || node.isMissingNode()) throw new CheckpointException(file, "header is empty; expected a JSON object");
        if (!node.isObject()) {
            throw new CheckpointException(file, "header is a JSON " + node.getNodeType().toString().toLowerCase() + ", expected an object");
        }
        return node;
    }

    /** Jackson's message without its boilerplate about the (redacted) source, plus where it happened. */
    static String jsonProblem(JsonProcessingException e) {
        String m = String.valueOf(e.getOriginalMessage()).replaceAll("\\[Source: [^;]*; ", "[");
        return e.getLocation() == null ? m : m + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static List<TensorInfo> parseEntries(Path file, JsonNode header, Map<String, String> metadata) throws CheckpointException {
        List<TensorInfo> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals(METADATA_KEY)) {
                parseMetadata(file, v, metadata);
                continue;
            }
            if (!v.isObject()) throw new CheckpointException(file, "entry of tensor '" + name + "' is not a JSON object");
            JsonNode dt = v.get("dtype"), sh = v.get("shape"), off = v.get("data_offsets");
            String tn = "tensor '" + name + "'";
            if (dt == null) throw new CheckpointException(file, tn + " has no \"dtype\"");
            if (sh == null) throw new CheckpointException(file, tn + " has no \"shape\"");
            if (off == null) throw new CheckpointException(file, tn + " has no \"data_offsets\"");
            if (!dt.isTextual()) throw new CheckpointException(file, "\"dtype\" of " + tn + " is not a string: " + dt);
            Kind kind = Kind.of(dt.textValue());
            if (kind == null) {
                throw new CheckpointException(file, "dtype '" + dt.textValue() + "' of " + tn + " is not one Motif reads (it reads "
                        + Arrays.toString(Kind.values()) + ")");
            }
            if (!sh.isArray()) throw new CheckpointException(file, "\"shape\" of " + tn + " is not an array: " + sh);
            long[] shape = new long[sh.size()];
            long count = 1;
            boolean overflow = false;
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = sh.get(i);
                if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0 || d.longValue() > Integer.MAX_VALUE) {
                    throw new CheckpointException(file, "\"shape\" of " + tn + " is " + sh + "; each extent must be an integer in [0, "
                            + Integer.MAX_VALUE + "]");
                }
                shape[i] = d.longValue();
                try {
                    count = Math.multiplyExact(count, shape[i]);
                } catch (ArithmeticException e2) {
                    overflow = true; // refused below even if a later extent is zero
                }
            }
            if (overflow || count > MAX_TENSOR_BYTES / kind.bytes) {
                throw new CheckpointException(file, tn + " of shape " + sh + " is too large (Motif reads tensors up to "
                        + MAX_TENSOR_BYTES + " bytes)");
            }
            if (!off.isArray() || off.size() != 2) {
                throw new CheckpointException(file, "\"data_offsets\" of " + tn + " is " + off + "; expected [begin, end]");
            }
            long[] be = new long[2];
            for (int i = 0; i < 2; i++) {
                JsonNode d = off.get(i);
                if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
                    throw new CheckpointException(file, "\"data_offsets\" of " + tn + " is " + off + "; offsets must be non-negative integers");
                }
                be[i] = d.longValue();
            }
            if (be[1] < be[0]) throw new CheckpointException(file, "\"data_offsets\" of " + tn + " is " + off + ": end before begin");
            long expected = count * kind.bytes;
            if (be[1] - be[0] != expected) {
                throw new CheckpointException(file, tn + " spans " + (be[1] - be[0]) + " bytes " + off + ", but " + kind + " of shape " + sh
                        + " needs " + count + " x " + kind.bytes + " = " + expected);
            }
            out.add(new TensorInfo(name, kind.name(), shape, be[0], be[1]));
        }
        out.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end).thenComparing(TensorInfo::name));
        return out;
    }

    private static void parseMetadata(Path file, JsonNode v, Map<String, String> metadata) throws CheckpointException {
        if (v.isNull()) return;
        if (!v.isObject()) throw new CheckpointException(file, "\"" + METADATA_KEY + "\" is not a JSON object of strings: " + v);
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw new CheckpointException(file, "\"" + METADATA_KEY + "\" value of key '" + m.getKey() + "' is not a string: " + m.getValue());
            }
            metadata.put(m.getKey(), m.getValue().textValue());
        }
    }

    /** Tensors sorted by offset must tile [0, dataSize) exactly. */
    private static void checkLayout(Path file, List<TensorInfo> sorted, long dataSize) throws CheckpointException {
        long at = 0;
        TensorInfo prev = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < at) {
                throw new CheckpointException(file, "tensor '" + t.name() + "' [" + t.begin() + ", " + t.end() + ") overlaps tensor '"
                        + prev.name() + "' [" + prev.begin() + ", " + prev.end() + ")");
            }
            if (t.begin() > at) {
                throw new CheckpointException(file, "bytes [" + at + ", " + t.begin() + ") of the data section belong to no tensor (a hole before tensor '"
                        + t.name() + "')");
            }
            at = t.end();
            prev = t;
        }
        if (at > dataSize) {
            throw new CheckpointException(file, "data section has " + dataSize + " bytes but the tensors need " + at
                    + (prev != null ? " (tensor '" + prev.name() + "' ends at " + prev.end() + ")" : "") + "; the file is truncated");
        }
        if (at < dataSize) {
            throw new CheckpointException(file, "data section has " + dataSize + " bytes but the tensors cover only " + at
                    + "; " + (dataSize - at) + " bytes at the end belong to no tensor");
        }
    }

    // ---------------------------------------------------------------- access

    /** The file this was read from. */
    public Path path() {
        return path;
    }

    /** Every tensor, in file order (by offset). */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    /** The {@code __metadata__} strings, in file order; empty if the file has none. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Whether the file holds a tensor of this name. */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** The entry of one tensor, or an {@link IllegalArgumentException} listing the names there are. */
    public TensorInfo info(String name) {
        TensorInfo t = byName.get(name);
        if (t == null) {
            StringBuilder names = new StringBuilder();
            int shown = 0;
            for (TensorInfo u : tensors) {
                if (shown == 30) {
                    names.append(", ... (").append(tensors.size() - shown).append(" more)");
                    break;
                }
                names.append(shown++ == 0 ? "" : ", ").append(u.name());
            }
            throw new IllegalArgumentException(path + " has no tensor '" + name + "'; it has " + (tensors.isEmpty() ? "none" : names));
        }
        return t;
    }

    /**
     * One tensor as an array: F64 stays F64; F32, F16 and BF16 become F32 (exactly); integer and
     * BOOL tensors become F64 (exact up to 2^53).
     */
    public NDArray array(String name) {
        TensorInfo t = info(name);
        Kind k = Kind.valueOf(t.dtype());
        ByteBuffer b = ByteBuffer.wrap(data.get(name)).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) t.elementCount();
        int[] shape = intShape(t);
        switch (k) {
            case F64: {
                double[] v = new double[n];
                b.asDoubleBuffer().get(v);
                return NDArray.of(v, shape);
            }
            case F32: {
                float[] v = new float[n];
                b.asFloatBuffer().get(v);
                return NDArray.of(v, shape);
            }
            case F16: {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = halfToFloat(b.getShort(2 * i) & 0xffff);
                return NDArray.of(v, shape);
            }
            case BF16: {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
                return NDArray.of(v, shape);
            }
            default: {
                long[] l = decodeLongs(k, b, n);
                double[] v = new double[n];
                for (int i = 0; i < n; i++) v[i] = l[i];
                return NDArray.of(v, shape);
            }
        }
    }

    /** One integer (or BOOL, as 0/1) tensor as longs; floating-point tensors are refused. */
    public long[] longs(String name) {
        TensorInfo t = info(name);
        Kind k = Kind.valueOf(t.dtype());
        if (k.floating) {
            throw new IllegalArgumentException(path + ": tensor '" + name + "' is " + k + ", not an integer type; read it with array()");
        }
        return decodeLongs(k, ByteBuffer.wrap(data.get(name)).order(ByteOrder.LITTLE_ENDIAN), (int) t.elementCount());
    }

    private static long[] decodeLongs(Kind k, ByteBuffer b, int n) {
        long[] v = new long[n];
        switch (k) {
            case I64: b.asLongBuffer().get(v); break;
            case I32: for (int i = 0; i < n; i++) v[i] = b.getInt(4 * i); break;
            case U32: for (int i = 0; i < n; i++) v[i] = b.getInt(4 * i) & 0xffffffffL; break;
            case I16: for (int i = 0; i < n; i++) v[i] = b.getShort(2 * i); break;
            case U16: for (int i = 0; i < n; i++) v[i] = b.getShort(2 * i) & 0xffff; break;
            case I8: for (int i = 0; i < n; i++) v[i] = b.get(i); break;
            case U8: for (int i = 0; i < n; i++) v[i] = b.get(i) & 0xff; break;
            case BOOL: for (int i = 0; i < n; i++) v[i] = b.get(i) != 0 ? 1 : 0; break;
            default: throw new AssertionError(k);
        }
        return v;
    }

    private static int[] intShape(TensorInfo t) {
        long[] s = t.shape();
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) out[i] = (int) s[i]; // extents were checked to fit when reading
        return out;
    }

    /** IEEE half precision to single, exactly (Float.float16ToFloat arrives only in Java 20). */
    static float halfToFloat(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            float v = mant * 0x1p-24f; // zero or subnormal
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    // ---------------------------------------------------------------- writing

    /** A builder of named tensors and metadata, written in one atomic step. */
    public static Writer writer() {
        return new Writer();
    }

    /**
     * Collects named tensors and metadata strings, then writes them atomically.
     *
     * <p>Layout (deterministic, so equal content gives byte-identical files): the header lists
     * {@code __metadata__} first (keys sorted) and then the tensors in data order; the header is
     * padded with spaces so the data section starts at a multiple of 8 bytes; tensors are laid
     * out by element size, largest first, then by name, so each one is aligned to its element
     * size. Arrays are not copied: their values are read when {@link #write} runs.
     */
    public static final class Writer {
        /** A hook for tests to fail a write part way: after each tensor's data, and after the sync ("sync"). */
        interface Hook {
            void after(String step, Path temp) throws IOException;
        }

        private record Entry(String name, Kind kind, long[] shape, NDArray array, long[] longs) {
            long bytes() {
                long n = 1;
                for (long s : shape) n *= s;
                return n * kind.bytes;
            }
        }

        private final Map<String, Entry> entries = new LinkedHashMap<>();
        private final Map<String, String> metadata = new TreeMap<>();
        Hook hook;

        private Writer() {}

        /** Adds an F64 or F32 array, stored in its own dtype. */
        public Writer add(String name, NDArray a) {
            if (a == null) throw new IllegalArgumentException("add: array for tensor '" + name + "' is null");
            long[] shape = Arrays.stream(a.shape()).asLongStream().toArray();
            put(new Entry(name, a.dtype() == DType.F64 ? Kind.F64 : Kind.F32, shape, a, null));
            return this;
        }

        /** Adds an I64 tensor of the given shape (row-major data, not copied). */
        public Writer addLongs(String name, long[] data, long... shape) {
            if (data == null) throw new IllegalArgumentException("addLongs: data for tensor '" + name + "' is null");
            long n = 1;
            for (long s : shape) {
                if (s < 0 || s > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("addLongs: tensor '" + name + "' has shape " + Arrays.toString(shape) + " with an extent outside [0, 2^31)");
                }
                n *= s;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("addLongs: " + data.length + " values do not fill shape " + Arrays.toString(shape) + " of tensor '" + name + "'");
            }
            put(new Entry(name, Kind.I64, shape.clone(), null, data));
            return this;
        }

        private void put(Entry e) {
            if (e.name == null || e.name.isEmpty()) throw new IllegalArgumentException("a tensor needs a non-empty name");
            if (e.name.equals(METADATA_KEY)) throw new IllegalArgumentException("'" + METADATA_KEY + "' is reserved for metadata, not a tensor name");
            if (entries.containsKey(e.name)) throw new IllegalArgumentException("tensor '" + e.name + "' is already added");
            entries.put(e.name, e);
        }

        /** Adds one {@code __metadata__} string (a later value for the same key replaces it). */
        public Writer metadata(String key, String value) {
            if (key == null || value == null) throw new IllegalArgumentException("metadata key and value must not be null (key '" + key + "')");
            metadata.put(key, value);
            return this;
        }

        /**
         * Writes the file atomically: to a temporary file in the same directory, synced, then
         * renamed over the target. On any failure the target is left as it was and the
         * temporary file is removed.
         */
        public void write(Path file) throws IOException {
            List<Entry> order = new ArrayList<>(entries.values());
            order.sort(Comparator.comparingInt((Entry e) -> -e.kind.bytes).thenComparing(Entry::name));
            byte[] header = header(order);
            AtomicFile.write(file, (ch, temp) -> {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
                writeFully(ch, len);
                writeFully(ch, ByteBuffer.wrap(header));
                for (Entry e : order) {
                    writeData(ch, e);
                    if (hook != null) hook.after(e.name, temp);
                }
                if (hook != null) hook.after("sync", temp);
            });
        }

        private byte[] header(List<Entry> order) {
            ObjectNode root = JSON.createObjectNode();
            if (!metadata.isEmpty()) {
                ObjectNode m = root.putObject(METADATA_KEY);
                metadata.forEach(m::put);
            }
            long at = 0;
            for (Entry e : order) {
                ObjectNode t = root.putObject(e.name);
                t.put("dtype", e.kind.name());
                ArrayNode s = t.putArray("shape");
                for (long x : e.shape) s.add(x);
                long end = at + e.bytes();
                t.putArray("data_offsets").add(at).add(end);
                at = end;
            }
            byte[] json;
            try {
                json = JSON.writeValueAsBytes(root);
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("cannot serialise a safetensors header", ex);
            }
            int padded = (int) ((8 - (8 + json.length) % 8) % 8);
            byte[] out = Arrays.copyOf(json, json.length + padded);
            Arrays.fill(out, json.length, out.length, (byte) ' ');
            return out;
        }

        private static void writeData(FileChannel ch, Entry e) throws IOException {
            int n = (int) (e.bytes() / e.kind.bytes);
            int chunk = Math.max(1, (1 << 20) / e.kind.bytes);
            ByteBuffer buf = ByteBuffer.allocate(Math.min(n, chunk) * e.kind.bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i += chunk) {
                int m = Math.min(chunk, n - i);
                buf.clear();
                switch (e.kind) {
                    case F64: buf.asDoubleBuffer().put(e.array.f64(), i, m); break;
                    case F32: buf.asFloatBuffer().put(e.array.f32(), i, m); break;
                    case I64: buf.asLongBuffer().put(e.longs, i, m); break;
                    default: throw new AssertionError(e.kind);
                }
                buf.limit(m * e.kind.bytes);
                writeFully(ch, buf);
            }
        }

        private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
            while (b.hasRemaining()) ch.write(b);
        }
    }
}
