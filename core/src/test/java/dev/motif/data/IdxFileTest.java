package dev.motif.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IDX files written and read back, plain and gzipped, and every malformed file refused with a message naming it. */
class IdxFileTest {
    @TempDir
    Path dir;

    /** The bytes of an IDX file: magic, dims, data. */
    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) b.putInt(d);
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(plain);
        }
        return bos.toByteArray();
    }

    private Path file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private DataFormatException fails(Path p) {
        return assertThrows(DataFormatException.class, () -> IdxFile.read(p));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void unsignedBytesRoundTrip(boolean gzip) throws IOException {
        byte[] px = new byte[2 * 3 * 4];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 11);   // up to 253: exercises the unsigned range
        IdxFile a = IdxFile.of("mem", IdxType.UNSIGNED_BYTE, new int[] {2, 3, 4}, px);
        // The name says nothing about the content: a gzipped file without .gz and a plain one with it.
        Path p = dir.resolve(gzip ? "images-no-suffix" : "images.gz");
        a.write(p, gzip);
        byte[] onDisk = Files.readAllBytes(p);
        assertEquals(gzip, (onDisk[0] & 0xFF) == 0x1f && (onDisk[1] & 0xFF) == 0x8b);
        IdxFile b = IdxFile.read(p);
        assertEquals(IdxType.UNSIGNED_BYTE, b.type());
        assertArrayEquals(new int[] {2, 3, 4}, b.dims());
        assertEquals(0x00000803, b.magic());
        assertEquals(2, b.count());
        assertEquals(253.0, b.get(23));
        assertEquals(11.0 * 5, b.get(5));
        if (!gzip) assertArrayEquals(idx(0x0803, new int[] {2, 3, 4}, px), onDisk);
    }

    @Test
    void everyElementTypeDecodesBigEndian() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 * 3);
        b.putDouble(-1.5).putDouble(2.25e-300).putDouble(Double.MAX_VALUE);
        IdxFile d = IdxFile.read(file("d", idx(0x0E01, new int[] {3}, b.array())));
        assertEquals(-1.5, d.get(0));
        assertEquals(2.25e-300, d.get(1));
        assertEquals(Double.MAX_VALUE, d.get(2));

        ByteBuffer f = ByteBuffer.allocate(8).putFloat(0.1f).putFloat(-3e38f);
        IdxFile fl = IdxFile.read(file("f", idx(0x0D01, new int[] {2}, f.array())));
        assertEquals(0.1f, fl.get(0));
        assertEquals(-3e38f, fl.get(1));

        ByteBuffer i = ByteBuffer.allocate(8).putInt(-123456789).putInt(Integer.MAX_VALUE);
        IdxFile in = IdxFile.read(file("i", idx(0x0C01, new int[] {2}, i.array())));
        assertEquals(-123456789.0, in.get(0));
        assertEquals(Integer.MAX_VALUE, in.get(1));

        ByteBuffer s = ByteBuffer.allocate(4).putShort((short) -2).putShort((short) 300);
        IdxFile sh = IdxFile.read(file("s", idx(0x0B02, new int[] {1, 2}, s.array())));
        assertEquals(-2.0, sh.get(0));
        assertEquals(300.0, sh.get(1));
        assertArrayEquals(new int[] {1, 2}, sh.dims());

        IdxFile sb = IdxFile.read(file("b", idx(0x0901, new int[] {2}, new byte[] {(byte) 0xFF, 127})));
        assertEquals(-1.0, sb.get(0));
        assertEquals(127.0, sb.get(1));
    }

    @Test
    void selectTakesRowsInTheGivenOrder() {
        byte[] px = {1, 2, 3, 4, 5, 6};
        IdxFile a = IdxFile.of("mem", IdxType.UNSIGNED_BYTE, new int[] {3, 2}, px);
        IdxFile s = a.select(new int[] {2, 0, 2});
        assertArrayEquals(new int[] {3, 2}, s.dims());
        double[] got = new double[6];
        for (int i = 0; i < 6; i++) got[i] = s.get(i);
        assertArrayEquals(new double[] {5, 6, 1, 2, 5, 6}, got);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.select(new int[] {0, 3}));
        assertEquals("IdxFile.select: index 3 at position 1 is not in [0, 3) for mem", e.getMessage());
    }

    @Test
    void wrongMagicNumberSaysExpectedAndFound() throws IOException {
        Path p = file("bad-magic", idx(0x12340803, new int[] {1, 1, 1}, new byte[1]));
        assertEquals(p + ": wrong magic number: expected 0x0000TTRR (two zero bytes, a type code, the rank), found 0x12340803", fails(p).getMessage());
    }

    @Test
    void requireNamesTheExpectedAndFoundMagic() throws IOException {
        Path p = file("labels-not-images", idx(0x0801, new int[] {2}, new byte[2]));
        IdxFile f = IdxFile.read(p);
        DataFormatException e = assertThrows(DataFormatException.class, () -> f.require(IdxType.UNSIGNED_BYTE, 3));
        assertEquals(p + ": wrong magic number: expected 0x00000803 (unsigned byte, rank 3), found 0x00000801 (unsigned byte, rank 1)", e.getMessage());
        assertEquals(p.toString(), e.source());
    }

    @Test
    void unsupportedDtypeCode() throws IOException {
        Path p = file("dtype", idx(0x0A01, new int[] {1}, new byte[1]));
        assertEquals(p + ": unsupported dtype code 0x0A in magic number 0x00000A01 (supported: 0x08 unsigned byte, 0x09 signed byte, "
                + "0x0B short, 0x0C int, 0x0D float, 0x0E double)", fails(p).getMessage());
    }

    @Test
    void rankZeroIsRefused() throws IOException {
        Path p = file("rank0", idx(0x0800, new int[0], new byte[1]));
        assertEquals(p + ": rank 0 in magic number 0x00000800: an IDX array needs at least one dimension", fails(p).getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncatedDataSaysExpectedAndFoundBytes(boolean gzip) throws IOException {
        byte[] full = idx(0x0803, new int[] {3, 2, 2}, new byte[12]);
        byte[] cut = Arrays.copyOf(full, full.length - 5);   // 16 header + 7 of 12 data bytes
        Path p = file("cut", gzip ? gzip(cut) : cut);
        assertEquals(p + ": truncated file: expected 28 bytes for unsigned byte dimensions [3, 2, 2], found 23" + (gzip ? " (after gunzip)" : ""),
                fails(p).getMessage());
    }

    @Test
    void truncatedHeaders() throws IOException {
        Path two = file("two-bytes", new byte[] {0, 0});
        assertEquals(two + ": truncated file: expected at least 4 bytes for the magic number, found 2", fails(two).getMessage());
        Path dims = file("half-dims", Arrays.copyOf(idx(0x0803, new int[] {3, 2, 2}, new byte[0]), 10));
        assertEquals(dims + ": truncated file: expected 16 header bytes for rank 3, found 10", fails(dims).getMessage());
        Path empty = file("empty", new byte[0]);
        assertEquals(empty + ": truncated file: expected at least 4 bytes for the magic number, found 0", fails(empty).getMessage());
    }

    @Test
    void trailingDataIsAnError() throws IOException {
        Path p = file("long", idx(0x0801, new int[] {2}, new byte[5]));
        assertEquals(p + ": expected 10 bytes for unsigned byte dimensions [2], found 13 (trailing data)", fails(p).getMessage());
    }

    @Test
    void negativeDimension() throws IOException {
        Path p = file("neg", idx(0x0802, new int[] {2, -1}, new byte[0]));
        assertEquals(p + ": dimension 1 is negative (-1)", fails(p).getMessage());
    }

    @Test
    void gzipCutInTheMiddleIsReportedAsTruncated() throws IOException {
        byte[] z = gzip(idx(0x0803, new int[] {10, 28, 28}, new byte[7840]));
        Path p = file("cut.gz", Arrays.copyOf(z, z.length / 2));
        DataFormatException e = fails(p);
        assertTrue(e.getMessage().startsWith(p + ": truncated"), e.getMessage());
    }

    @Test
    void corruptGzipIsReported() throws IOException {
        byte[] z = gzip(idx(0x0801, new int[] {4}, new byte[4]));
        z[2] = 7;   // compression method 7 instead of 8 (deflate)
        Path p = file("corrupt.gz", z);
        DataFormatException e = fails(p);
        assertEquals(p + ": corrupt gzip stream: Unsupported compression method", e.getMessage());
    }

    @Test
    void streamsAreNamedByTheirSource() {
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> IdxFile.read(new ByteArrayInputStream(new byte[] {0, 0, 8}), "classpath:/x"));
        assertEquals("classpath:/x: truncated file: expected at least 4 bytes for the magic number, found 3", e.getMessage());
    }

    @Test
    void ofChecksTheByteCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IdxFile.of("m", IdxType.INT, new int[] {2, 2}, new byte[15]));
        assertEquals("IdxFile.of: int array of dimensions [2, 2] needs 16 bytes, got 15", e.getMessage());
    }
}
