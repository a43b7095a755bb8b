package dev.motif.io;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    /** Values whose bits a lossy path would change: signed zero, NaN payloads, subnormals, extremes. */
    private static final double[] TRICKY64 = {0.0, -0.0, Double.longBitsToDouble(0x7ff8_0000_dead_beefL), Double.MIN_VALUE,
            -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Math.PI, 1e-310};
    private static final float[] TRICKY32 = {0f, -0f, Float.intBitsToFloat(0x7fc0_1234), Float.MIN_VALUE,
            -Float.MAX_VALUE, Float.NEGATIVE_INFINITY, (float) Math.E, 1e-40f};

    @Test
    void f64AndF32RoundTripBitForBit() throws IOException {
        Path p = dir.resolve("a.safetensors");
        SafetensorsFile.writer()
                .add("x64", NDArray.of(TRICKY64.clone(), 2, 4))
                .add("x32", NDArray.of(TRICKY32.clone(), 4, 2))
                .write(p);
        SafetensorsFile f = SafetensorsFile.read(p);
        NDArray a = f.array("x64"), b = f.array("x32");
        assertEquals(DType.F64, a.dtype());
        assertEquals(DType.F32, b.dtype());
        assertArrayEquals(new int[] {2, 4}, a.shape());
        assertArrayEquals(new int[] {4, 2}, b.shape());
        for (int i = 0; i < 8; i++) {
            assertEquals(Double.doubleToRawLongBits(TRICKY64[i]), Double.doubleToRawLongBits(a.f64()[i]), "F64 element " + i);
            assertEquals(Float.floatToRawIntBits(TRICKY32[i]), Float.floatToRawIntBits(b.f32()[i]), "F32 element " + i);
        }
        assertEquals("F64", f.info("x64").dtype());
        assertEquals("F32", f.info("x32").dtype());
    }

    @Test
    void longsRoundTripAsI64() throws IOException {
        Path p = dir.resolve("l.safetensors");
        long[] v = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 1L << 53 | 1};
        SafetensorsFile.writer().addLongs("idx", v, 2, 3).addLongs("scalar", new long[] {42}).write(p);
        SafetensorsFile f = SafetensorsFile.read(p);
        assertArrayEquals(v, f.longs("idx"));
        assertEquals("I64", f.info("idx").dtype());
        assertArrayEquals(new long[] {2, 3}, f.info("idx").shape());
        assertArrayEquals(new long[] {}, f.info("scalar").shape());
        assertArrayEquals(new long[] {42}, f.longs("scalar"));
        assertEquals(-1.0, f.array("idx").get(0, 1));
        assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.writer().addLongs("bad", new long[3], 2, 2));
    }

    @Test
    void metadataEmptyShapesAndScalarsRoundTrip() throws IOException {
        Path p = dir.resolve("m.safetensors");
        SafetensorsFile.writer()
                .add("empty", NDArray.zeros(DType.F32, 0, 3))
                .add("scalar", NDArray.scalar(2.5))
                .metadata("b", "two").metadata("a", "ünïcødé \"quoted\"")
                .write(p);
        SafetensorsFile f = SafetensorsFile.read(p);
        assertEquals(Map.of("a", "ünïcødé \"quoted\"", "b", "two"), f.metadata());
        assertEquals(0, f.info("empty").elementCount());
        assertEquals(0, f.info("empty").byteSize());
        assertArrayEquals(new int[] {0, 3}, f.array("empty").shape());
        assertEquals(2.5, f.array("scalar").item());
        assertEquals(1, f.info("scalar").elementCount());

        Path q = dir.resolve("none.safetensors");
        SafetensorsFile.writer().add("w", NDArray.vector(1)).write(q);
        assertEquals(Map.of(), SafetensorsFile.read(q).metadata());
    }

    @Test
    void layoutIsDeterministicPaddedAndAligned() throws IOException {
        Path p1 = dir.resolve("1.safetensors"), p2 = dir.resolve("2.safetensors");
        for (Path p : List.of(p1, p2)) {
            SafetensorsFile.writer()
                    .add("z32", NDArray.of(new float[] {1, 2, 3}, 3))   // 12 bytes: would misalign what follows
                    .add("a64", NDArray.vector(4, 5))
                    .addLongs("m", new long[] {7}, 1)
                    .metadata("k", "v")
                    .write(p);
        }
        byte[] bytes = Files.readAllBytes(p1);
        assertArrayEquals(bytes, Files.readAllBytes(p2), "same content, same bytes");
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, (8 + n) % 8, "data section starts on an 8-byte boundary");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"k\":\"v\"}"), header);
        SafetensorsFile f = SafetensorsFile.read(p1);
        // 8-byte elements first (by name), then 4-byte ones: every tensor aligned to its element size
        assertEquals(List.of("a64", "m", "z32"), f.tensors().stream().map(TensorInfo::name).toList());
        assertEquals(new TensorInfo("a64", "F64", new long[] {2}, 0, 16), f.tensors().get(0));
        assertEquals(new TensorInfo("m", "I64", new long[] {1}, 16, 24), f.tensors().get(1));
        assertEquals(new TensorInfo("z32", "F32", new long[] {3}, 24, 36), f.tensors().get(2));
        assertEquals(p1, f.path());
    }

    @Test
    void fileFromAnotherToolReadsByName() throws IOException {
        // As another tool would write it: no metadata, unsorted keys, several dtypes, spaces after the JSON.
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[16,28]},"
                + "\"f\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[28,34]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[34,42]},"
                + "\"u\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[42,44]},"
                + "\"t\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[44,46]}}    ";
        byte[] data = Raw.concat(
                Raw.f32(1.5f, -2f, 0.1f, 3e38f),
                Raw.u16(0x3C00, 0xC000, 0x3555, 0x7BFF, 0x0001, 0xFC00),  // 1, -2, 0.33325195, 65504, 2^-24, -inf
                Raw.u16(0x3F80, 0xC020, 0x4049),                          // 1, -2.5, 3.140625
                Raw.i32(-7, 123456789),
                new byte[] {(byte) 255, 3},
                new byte[] {1, 0});
        Path p = Raw.write(dir, "other.safetensors", Raw.file(header, data));
        SafetensorsFile f = SafetensorsFile.read(p);
        assertEquals(List.of("f", "h", "b", "i", "u", "t"), f.tensors().stream().map(TensorInfo::name).toList(), "file order is offset order");
        assertTrue(f.metadata().isEmpty());
        assertArrayEquals(new float[] {1.5f, -2f, 0.1f, 3e38f}, f.array("f").f32());
        NDArray h = f.array("h");
        assertEquals(DType.F32, h.dtype());
        assertArrayEquals(new int[] {2, 3}, h.shape());
        assertArrayEquals(new float[] {1f, -2f, 0.33325195f, 65504f, 0x1p-24f, Float.NEGATIVE_INFINITY}, h.f32());
        assertArrayEquals(new float[] {1f, -2.5f, 3.140625f}, f.array("b").f32());
        assertArrayEquals(new long[] {-7, 123456789}, f.longs("i"));
        assertArrayEquals(new double[] {-7, 123456789}, f.array("i").f64());
        assertArrayEquals(new long[] {255, 3}, f.longs("u"));
        assertArrayEquals(new long[] {1, 0}, f.longs("t"));
        assertEquals(Checkpoint.aliases(f), Map.of());
    }

    @Test
    void halfPrecisionDecodesEveryClassOfValue() {
        assertEquals(0f, SafetensorsFile.halfToFloat(0x0000));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(SafetensorsFile.halfToFloat(0x8000)));
        assertEquals(0x3ffp-24f, SafetensorsFile.halfToFloat(0x03FF), "largest subnormal");
        assertEquals(0x1p-14f, SafetensorsFile.halfToFloat(0x0400), "smallest normal");
        assertEquals(-0x1p-24f, SafetensorsFile.halfToFloat(0x8001));
        assertEquals(Float.POSITIVE_INFINITY, SafetensorsFile.halfToFloat(0x7C00));
        assertTrue(Float.isNaN(SafetensorsFile.halfToFloat(0x7E00)));
        // every finite half is sign * (1 + m/1024) * 2^(e-15) for normals
        for (int e = 1; e < 31; e++) {
            for (int m = 0; m < 1024; m += 37) {
                assertEquals((float) ((1 + m / 1024.0) * Math.pow(2, e - 15)), SafetensorsFile.halfToFloat(e << 10 | m));
            }
        }
    }

    @Test
    void infoOfAnUnknownNameListsTheNames() throws IOException {
        Path p = dir.resolve("n.safetensors");
        SafetensorsFile.writer().add("alpha", NDArray.vector(1)).add("beta", NDArray.vector(2)).write(p);
        SafetensorsFile f = SafetensorsFile.read(p);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.array("gamma"));
        assertTrue(e.getMessage().contains("'gamma'") && e.getMessage().contains("alpha, beta"), e.getMessage());
        IllegalArgumentException l = assertThrows(IllegalArgumentException.class, () -> f.longs("alpha"));
        assertTrue(l.getMessage().contains("F64, not an integer type"), l.getMessage());
    }

    @Test
    void writerRefusesBadNames() {
        SafetensorsFile.Writer w = SafetensorsFile.writer().add("a", NDArray.vector(1));
        assertThrows(IllegalArgumentException.class, () -> w.add("a", NDArray.vector(2)));
        assertThrows(IllegalArgumentException.class, () -> w.add("__metadata__", NDArray.vector(2)));
        assertThrows(IllegalArgumentException.class, () -> w.add("", NDArray.vector(2)));
    }

    // ---------------------------------------------------------------- atomic writes

    private Path oldFile() throws IOException {
        Path p = dir.resolve("keep.safetensors");
        SafetensorsFile.writer().add("w", NDArray.vector(1, 2, 3)).write(p);
        return p;
    }

    private List<String> dirListing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(q -> q.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void failureBeforeTheRenameLeavesTheOldFileAndNoTemporary() throws IOException {
        Path p = oldFile();
        byte[] before = Files.readAllBytes(p);
        SafetensorsFile.Writer w = SafetensorsFile.writer().add("w", NDArray.vector(9, 9, 9, 9));
        w.hook = (step, temp) -> {
            assertTrue(Files.exists(temp) && temp.getParent().equals(p.toAbsolutePath().getParent()), "temporary sits next to the target");
            if (step.equals("sync")) throw new IOException("disk full (simulated)");
        };
        IOException e = assertThrows(IOException.class, () -> w.write(p));
        assertEquals("disk full (simulated)", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals(List.of("keep.safetensors"), dirListing());

        w.hook = (step, temp) -> {
            if (step.equals("sync")) throw new UncheckedIOException(new IOException("crash before rename (simulated)"));
        };
        assertThrows(UncheckedIOException.class, () -> w.write(p));
        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals(List.of("keep.safetensors"), dirListing());

        w.hook = null;
        w.write(p);
        assertArrayEquals(new double[] {9, 9, 9, 9}, SafetensorsFile.read(p).array("w").f64(), "replaced once the write succeeds");
        assertEquals(List.of("keep.safetensors"), dirListing());
    }

    @Test
    void missingDirectoryFailsAndCreatesNothing() throws IOException {
        Path p = oldFile();
        byte[] before = Files.readAllBytes(p);
        Path target = dir.resolve("no/such/dir/x.safetensors");
        IOException e = assertThrows(IOException.class, () -> SafetensorsFile.writer().add("w", NDArray.vector(1)).write(target));
        assertTrue(e.getMessage().contains("x.safetensors"), e.getMessage());
        assertFalse(Files.exists(target));
        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals(List.of("keep.safetensors"), dirListing());
    }

    @Test
    void aFailureMidDataLeavesTheOldFile() throws IOException {
        Path p = oldFile();
        byte[] before = Files.readAllBytes(p);
        SafetensorsFile.Writer w = SafetensorsFile.writer().add("a", NDArray.vector(1, 2)).add("b", NDArray.vector(3, 4));
        w.hook = (step, temp) -> {
            if (step.equals("a")) {
                assertTrue(Files.size(temp) > 8, "part of the data reached the temporary");
                throw new IOException("I/O error after tensor 'a' (simulated)");
            }
        };
        IOException e = assertThrows(IOException.class, () -> w.write(p));
        assertTrue(e.getMessage().contains("after tensor 'a'"));
        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals(List.of("keep.safetensors"), dirListing());
    }

    @Test
    void aNewFileGetsTheUsualPermissionsAndARewrittenOneKeepsItsOwn() throws IOException {
        Assumptions.assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "POSIX permissions");
        Path plain = Files.createFile(dir.resolve("plain.txt")); // what the umask gives any new file
        Path p = dir.resolve("new.safetensors");
        SafetensorsFile.writer().add("w", NDArray.vector(1)).write(p);
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(p));

        Set<PosixFilePermission> groupReadable = PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(p, groupReadable);
        SafetensorsFile.writer().add("w", NDArray.vector(2)).write(p);
        assertEquals(groupReadable, Files.getPosixFilePermissions(p));
        assertEquals(2.0, SafetensorsFile.read(p).array("w").f64()[0]);
    }
}
