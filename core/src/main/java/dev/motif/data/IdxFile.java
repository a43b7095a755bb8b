package dev.motif.data;

import dev.motif.io.AtomicFile;
import dev.motif.text.Format;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * One array in the IDX format of MNIST and Fashion-MNIST: a magic number {@code 0x0000TTRR}
 * (two zero bytes, the element type code TT, the rank RR), RR big-endian 32-bit dimensions, then
 * the elements in row-major order, big-endian. Files may be gzipped; that is detected from the
 * gzip magic bytes {@code 1f 8b}, never from the file name.
 *
 * <p>The elements are kept as the file's raw bytes, so 60,000 Fashion-MNIST images take 47 MB
 * rather than the 376 MB of doubles; {@link #get(int)} decodes one element.
 *
 * <pre>{@code
 * IdxFile images = IdxFile.read(Path.of("train-images-idx3-ubyte.gz"));
 * images.require(IdxType.UNSIGNED_BYTE, 3);   // magic 0x00000803
 * int n = images.dims()[0];
 * }</pre>
 */
public final class IdxFile {
    private final String source;
    private final IdxType type;
    private final int[] dims;
    private final byte[] data;

    private IdxFile(String source, IdxType type, int[] dims, byte[] data) {
        this.source = source;
        this.type = type;
        this.dims = dims;
        this.data = data;
    }

    /**
     * An array from its raw big-endian element bytes; {@code source} names it in messages.
     *
     * @throws IllegalArgumentException if the byte count does not match the dimensions
     */
    public static IdxFile of(String source, IdxType type, int[] dims, byte[] data) {
        if (dims.length < 1 || dims.length > 255) throw new IllegalArgumentException("IdxFile.of: rank must be in [1, 255], got " + dims.length);
        long n = dataBytes(type, dims);
        if (n < 0) throw new IllegalArgumentException("IdxFile.of: dimensions " + Arrays.toString(dims) + " must be >= 0 and fit in 2^31-1 bytes");
        if (n != data.length) {
            throw new IllegalArgumentException("IdxFile.of: " + type + " array of dimensions " + Arrays.toString(dims) + " needs " + n
                    + " bytes, got " + data.length);
        }
        return new IdxFile(source, type, dims.clone(), data);
    }

    /** Reads a plain or gzipped IDX file, entirely, or throws without returning anything partial. */
    public static IdxFile read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads a plain or gzipped IDX stream to its end; {@code source} names it in messages. The
     * stream is not closed.
     *
     * @throws DataFormatException if the content is not a complete, well-formed IDX array
     */
    public static IdxFile read(InputStream raw, String source) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read(), b1 = buffered.read();
        buffered.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        try {
            return parse(gzip ? new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16) : buffered, source, gzip);
        } catch (ZipException e) {
            throw new DataFormatException(source, "corrupt gzip stream: " + e.getMessage(), e);
        } catch (EOFException e) {
            // GZIPInputStream reports a stream cut inside its deflate data as an EOFException.
            throw new DataFormatException(source, "truncated gzip stream: " + e.getMessage(), e);
        }
    }

    private static IdxFile parse(InputStream in, String source, boolean gzip) throws IOException {
        String what = gzip ? " (after gunzip)" : "";
        byte[] head = in.readNBytes(4);
        if (head.length < 4) {
            throw new DataFormatException(source, "truncated file: expected at least 4 bytes for the magic number, found " + head.length + what);
        }
        int magic = ByteBuffer.wrap(head).getInt();
        if (head[0] != 0 || head[1] != 0) {
            throw new DataFormatException(source, String.format(java.util.Locale.ROOT, "wrong magic number: expected 0x0000TTRR (two zero bytes, a type code, the rank), found 0x%08X", magic));
        }
        IdxType type = IdxType.ofCode(head[2] & 0xFF);
        if (type == null) {
            throw new DataFormatException(source, Format.of("unsupported dtype code 0x%02X in magic number 0x%08X (supported: %s)",
                    head[2] & 0xFF, magic, supported()));
        }
        int rank = head[3] & 0xFF;
        if (rank == 0) throw new DataFormatException(source, Format.of("rank 0 in magic number 0x%08X: an IDX array needs at least one dimension", magic));
        long headerBytes = 4 + 4L * rank;
        byte[] dimBytes = in.readNBytes(4 * rank);
        if (dimBytes.length < 4 * rank) {
            throw new DataFormatException(source, "truncated file: expected " + headerBytes + " header bytes for rank " + rank + ", found " + (4 + dimBytes.length) + what);
        }
        int[] dims = new int[rank];
        ByteBuffer db = ByteBuffer.wrap(dimBytes);
        for (int i = 0; i < rank; i++) {
            dims[i] = db.getInt();
            if (dims[i] < 0) throw new DataFormatException(source, "dimension " + i + " is negative (" + dims[i] + ")");
        }
        long n = dataBytes(type, dims);
        if (n < 0) {
            throw new DataFormatException(source, "dimensions " + Arrays.toString(dims) + " of " + type + " need more than 2^31-1 bytes of data");
        }
        byte[] data = new byte[(int) n];
        int got = in.readNBytes(data, 0, data.length);
        if (got < n) {
            throw new DataFormatException(source, "truncated file: expected " + (headerBytes + n) + " bytes for " + type + " dimensions "
                    + Arrays.toString(dims) + ", found " + (headerBytes + got) + what);
        }
        long extra = 0;
        byte[] rest = new byte[1 << 13];
        for (int k; (k = in.read(rest)) > 0; ) extra += k;
        if (extra > 0) {
            throw new DataFormatException(source, "expected " + (headerBytes + n) + " bytes for " + type + " dimensions " + Arrays.toString(dims)
                    + ", found " + (headerBytes + n + extra) + " (trailing data)" + what);
        }
        return new IdxFile(source, type, dims, data);
    }

    private static String supported() {
        StringBuilder sb = new StringBuilder();
        for (IdxType t : IdxType.values()) sb.append(sb.length() == 0 ? "" : ", ").append(Format.of("0x%02X %s", t.code(), t));
        return sb.toString();
    }

    /** Bytes of element data for these dimensions, or -1 if a dimension is negative or the total exceeds an array. */
    private static long dataBytes(IdxType type, int[] dims) {
        long n = type.bytes();
        for (int d : dims) {
            if (d < 0) return -1;
            n *= d;
            if (n > Integer.MAX_VALUE - 16) return -1;
        }
        return n;
    }

    /**
     * Checks the magic number against what a reader expects, such as unsigned bytes of rank 3
     * for images.
     *
     * @throws DataFormatException naming the file, the expected and the found magic number
     */
    public IdxFile require(IdxType expectedType, int expectedRank) throws DataFormatException {
        if (type != expectedType || dims.length != expectedRank) {
            throw new DataFormatException(source, String.format(java.util.Locale.ROOT, "wrong magic number: expected 0x%08X (%s, rank %d), found 0x%08X (%s, rank %d)",
                    expectedType.magic(expectedRank), expectedType, expectedRank, magic(), type, dims.length));
        }
        return this;
    }

    /** Writes this array, gzipped or plain, atomically ({@link AtomicFile}): a failed write leaves no partial file. */
    public void write(Path file, boolean gzip) throws IOException {
        AtomicFile.write(file, (ch, temp) -> {
            try (OutputStream raw = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                 OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw) {
                ByteBuffer header = ByteBuffer.allocate(4 + 4 * dims.length);
                header.putInt(magic());
                for (int d : dims) header.putInt(d);
                out.write(header.array());
                out.write(data);
            }
        });
    }

    /** The rows at {@code indices} along the first dimension, in that order (a subset of images or labels). */
    public IdxFile select(int[] indices) {
        int rowBytes = data.length / Math.max(1, dims[0]);
        if (dims[0] == 0) rowBytes = 0;
        byte[] out = new byte[indices.length * rowBytes];
        for (int i = 0; i < indices.length; i++) {
            int r = indices[i];
            if (r < 0 || r >= dims[0]) {
                throw new IllegalArgumentException("IdxFile.select: index " + r + " at position " + i + " is not in [0, " + dims[0] + ") for " + source);
            }
            System.arraycopy(data, r * rowBytes, out, i * rowBytes, rowBytes);
        }
        int[] d = dims.clone();
        d[0] = indices.length;
        return new IdxFile(source, type, d, out);
    }

    /** Element {@code i} in row-major order, decoded from its big-endian bytes. */
    public double get(int i) {
        int o = i * type.bytes();
        return switch (type) {
            case UNSIGNED_BYTE -> data[o] & 0xFF;
            case SIGNED_BYTE -> data[o];
            case SHORT -> (short) (((data[o] & 0xFF) << 8) | (data[o + 1] & 0xFF));
            case INT -> intAt(o);
            case FLOAT -> Float.intBitsToFloat(intAt(o));
            case DOUBLE -> Double.longBitsToDouble(((long) intAt(o) << 32) | (intAt(o + 4) & 0xFFFFFFFFL));
        };
    }

    private int intAt(int o) {
        return ((data[o] & 0xFF) << 24) | ((data[o + 1] & 0xFF) << 16) | ((data[o + 2] & 0xFF) << 8) | (data[o + 3] & 0xFF);
    }

    /** The file or resource this array came from, as messages name it. */
    public String source() {
        return source;
    }

    public IdxType type() {
        return type;
    }

    /** The dimensions (a copy). */
    public int[] dims() {
        return dims.clone();
    }

    /** Number of rows: the first dimension (images, labels). */
    public int count() {
        return dims[0];
    }

    /** Number of elements. */
    public int size() {
        return data.length / type.bytes();
    }

    /** The magic number {@code 0x0000TTRR} this array is written with. */
    public int magic() {
        return type.magic(dims.length);
    }

    /** The raw big-endian element bytes (shared, not copied: do not modify). */
    byte[] rawData() {
        return data;
    }

    @Override
    public String toString() {
        return "IdxFile(" + source + ", " + type + " " + Arrays.toString(dims) + ")";
    }
}
