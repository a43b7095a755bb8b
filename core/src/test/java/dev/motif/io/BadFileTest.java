package dev.motif.io;

import dev.motif.array.NDArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way a file can be broken is refused with a message naming the file, the tensor and the problem. */
class BadFileTest {
    @TempDir
    Path dir;

    /** Reads a file that must be refused; checks the message names the file and contains each fragment. */
    private CheckpointException refused(byte[] bytes, String... fragments) throws IOException {
        Path p = Raw.write(dir, "bad.safetensors", bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsFile.read(p));
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
        assertEquals(p, e.file());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
        return e;
    }

    private CheckpointException refused(String header, byte[] data, String... fragments) throws IOException {
        return refused(Raw.file(header, data), fragments);
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    @Test
    void fileShorterThanTheLengthField() throws IOException {
        refused(new byte[] {1, 0, 0, 0, 0}, "has 5 bytes", "fewer than the 8");
        refused(new byte[0], "has 0 bytes");
    }

    @Test
    void headerLengthLargerThanTheFile() throws IOException {
        byte[] b = Raw.file("{}", new byte[0]);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1000);
        refused(b, "header length 1000 is larger than the rest of the file (2 bytes)");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1);
        refused(b, "header length 18446744073709551615");
    }

    @Test
    void headerNotUtf8() throws IOException {
        refused(Raw.file(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}, new byte[0]), "not valid UTF-8");
    }

    @Test
    void headerNotJson() throws IOException {
        CheckpointException e = refused("{\"w\": {\"dtype\": \"F32\"", new byte[0], "not valid JSON", "(line 1, column ");
        assertFalse(e.getMessage().contains("Source"), e.getMessage());
        refused("", new byte[0], "header is empty");
        refused("{} {}", new byte[0], "not valid JSON");
        refused("{\"a\":{},\"a\":{}}", new byte[0], "not valid JSON", "Duplicate field 'a'");
    }

    @Test
    void headerNotAnObject() throws IOException {
        refused("[1, 2]", new byte[0], "header is a JSON array, expected an object");
        refused("\"w\"", new byte[0], "expected an object");
        refused("{\"w\": [1]}", new byte[0], "entry of tensor 'w' is not a JSON object");
    }

    @Test
    void entryMissingAField() throws IOException {
        refused("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", Raw.f32(1), "tensor 'w' has no \"dtype\"");
        refused("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", Raw.f32(1), "tensor 'w' has no \"shape\"");
        refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", Raw.f32(1), "tensor 'w' has no \"data_offsets\"");
        refused("{\"w\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", Raw.f32(1), "\"dtype\" of tensor 'w' is not a string");
    }

    @Test
    void unknownDtype() throws IOException {
        refused("{" + entry("w", "X", "[1]", 0, 4) + "}", Raw.f32(1), "dtype 'X' of tensor 'w' is not one Motif reads");
        refused("{" + entry("w", "F8_E4M3", "[4]", 0, 4) + "}", Raw.f32(1), "dtype 'F8_E4M3' of tensor 'w'");
    }

    @Test
    void negativeOrOversizedShape() throws IOException {
        refused("{" + entry("w", "F32", "[-1]", 0, 4) + "}", Raw.f32(1), "\"shape\" of tensor 'w' is [-1]");
        refused("{" + entry("w", "F32", "[1.5]", 0, 4) + "}", Raw.f32(1), "\"shape\" of tensor 'w'");
        refused("{" + entry("w", "F32", "{}", 0, 4) + "}", Raw.f32(1), "\"shape\" of tensor 'w' is not an array");
        refused("{" + entry("w", "F32", "[2147483648]", 0, 4) + "}", Raw.f32(1), "\"shape\" of tensor 'w'", "[0, 2147483647]");
        refused("{" + entry("w", "F32", "[2147483647,2147483647,2147483647,0]", 0, 0) + "}", new byte[0], "tensor 'w'", "too large");
        refused("{" + entry("w", "F64", "[65536,65536]", 0, 4) + "}", Raw.f32(1), "tensor 'w'", "too large");
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        refused("{" + entry("w", "F32", "[1]", -4, 0) + "}", Raw.f32(1), "\"data_offsets\" of tensor 'w'", "non-negative");
        refused("{" + entry("w", "F32", "[1]", 4, 0) + "}", Raw.f32(1), "\"data_offsets\" of tensor 'w'", "end before begin");
        refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", Raw.f32(1), "\"data_offsets\" of tensor 'w'", "[begin, end]");
        // offsets past the end of the data section
        refused("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("w", "F32", "[1]", 4, 8) + "}", Raw.f32(1),
                "data section has 4 bytes but the tensors need 8", "tensor 'w'");
    }

    @Test
    void overlappingTensors() throws IOException {
        refused("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", Raw.f32(1, 2, 3),
                "tensor 'b' [4, 12) overlaps tensor 'a' [0, 8)");
        refused("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 0, 4) + "}", Raw.f32(1), "overlaps");
    }

    @Test
    void holesInTheData() throws IOException {
        refused("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", Raw.f32(1, 2, 3),
                "bytes [4, 8) of the data section belong to no tensor (a hole before tensor 'b')");
        refused("{" + entry("a", "F32", "[1]", 4, 8) + "}", Raw.f32(1, 2), "bytes [0, 4)", "tensor 'a'");
        refused("{" + entry("a", "F32", "[1]", 0, 4) + "}", Raw.f32(1, 2), "4 bytes at the end belong to no tensor");
    }

    @Test
    void byteSpanNotMatchingShapeAndDtype() throws IOException {
        refused("{" + entry("w", "F32", "[3]", 0, 8) + "}", Raw.f32(1, 2), "tensor 'w' spans 8 bytes", "F32 of shape [3] needs 3 x 4 = 12");
        refused("{" + entry("w", "BF16", "[2,2]", 0, 4) + "}", Raw.f32(1), "tensor 'w' spans 4 bytes", "needs 4 x 2 = 8");
    }

    @Test
    void truncatedData() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafetensorsFile.writer().add("a", NDArray.vector(1, 2)).add("w", NDArray.vector(3, 4, 5)).write(good);
        byte[] all = Files.readAllBytes(good);
        refused(Arrays.copyOf(all, all.length - 3), "data section has 37 bytes but the tensors need 40", "tensor 'w'", "truncated");
    }

    @Test
    void badMetadata() throws IOException {
        String w = entry("w", "F32", "[1]", 0, 4);
        refused("{\"__metadata__\":{\"k\":1}," + w + "}", Raw.f32(1), "\"__metadata__\" value of key 'k' is not a string");
        refused("{\"__metadata__\":{\"k\":{\"x\":\"y\"}}," + w + "}", Raw.f32(1), "key 'k' is not a string");
        refused("{\"__metadata__\":[\"k\"]," + w + "}", Raw.f32(1), "\"__metadata__\" is not a JSON object of strings");
    }

    @Test
    void aDirectoryIsNamed() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsFile.read(dir));
        assertEquals(dir + ": is a directory, expected a .safetensors file", e.getMessage());
    }

    @Test
    void headerPaddedWithSpacesIsFine() throws IOException {
        Path p = Raw.write(dir, "ok.safetensors", Raw.file("{" + entry("w", "F32", "[1]", 0, 4) + "}       ", Raw.f32(7)));
        assertEquals(7f, SafetensorsFile.read(p).array("w").f32()[0]);
        Path empty = Raw.write(dir, "empty.safetensors", Raw.file("{}", new byte[0]));
        assertTrue(SafetensorsFile.read(empty).tensors().isEmpty());
    }

    // ---------------------------------------------------------------- Motif metadata

    private SafetensorsFile motifFile(String aliases, String format) throws IOException {
        String header = "{\"__metadata__\":{\"motif.format\":\"" + format + "\",\"motif.aliases\":" + aliases + "},"
                + entry("a", "F32", "[1]", 0, 4) + "}";
        return SafetensorsFile.read(Raw.write(dir, "motif.safetensors", Raw.file(header, Raw.f32(1))));
    }

    private void aliasesRefused(SafetensorsFile f, String... fragments) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.aliases(f));
        assertTrue(e.getMessage().startsWith(f.path() + ": "), e.getMessage());
        for (String s : fragments) assertTrue(e.getMessage().contains(s), "'" + s + "' not in: " + e.getMessage());
    }

    @Test
    void aliasTablePointingAtAMissingTensor() throws IOException {
        aliasesRefused(motifFile("\"{\\\"b\\\":\\\"nope\\\"}\"", "1"), "alias 'b' points at tensor 'nope', which is not in the file");
    }

    @Test
    void malformedAliasTables() throws IOException {
        aliasesRefused(motifFile("\"{not json\"", "1"), "'motif.aliases' is not valid JSON");
        aliasesRefused(motifFile("\"[1]\"", "1"), "'motif.aliases' is not a JSON object");
        aliasesRefused(motifFile("\"{\\\"b\\\":3}\"", "1"), "alias 'b'", "not a tensor name");
        aliasesRefused(motifFile("\"{\\\"a\\\":\\\"a\\\"}\"", "1"), "alias 'a'", "also the name of a stored tensor");
        aliasesRefused(motifFile("\"{}\"", "3"), "motif.format is '3'", "reads formats 1 and 2");
        assertEquals(java.util.Map.of(), Checkpoint.aliases(motifFile("\"{}\"", "1")));
    }

    @Test
    void malformedTiesInFormatTwo() throws IOException {
        aliasesRefused(motifFile("\"{\\\"b\\\":{\\\"owner\\\":\\\"a\\\",\\\"transfrom\\\":\\\"transpose\\\"}}\"", "2"),
                "alias 'b'", "has a field 'transfrom'; a tie has only \"owner\" and \"transform\"");
        aliasesRefused(motifFile("\"{\\\"b\\\":{\\\"owner\\\":\\\"a\\\"}}\"", "2"), "alias 'b'", "a tie needs a string \"owner\" (a tensor name) and a string \"transform\"");
        aliasesRefused(motifFile("\"{\\\"b\\\":{\\\"owner\\\":\\\"a\\\",\\\"transform\\\":\\\"transpose\\\"}}\"", "1"), "alias 'b'", "not a tensor name");
        aliasesRefused(motifFile("\"{\\\"b\\\":\\\"a\\\",\\\"c\\\":\\\"b\\\"}\"", "2"), "alias 'c' points at tensor 'b', which is not in the file");
        assertEquals(java.util.List.of(new Alias("b", "a", "transpose", false)),
                Checkpoint.ties(motifFile("\"{\\\"b\\\":{\\\"owner\\\":\\\"a\\\",\\\"transform\\\":\\\"transpose\\\"}}\"", "2")));
    }

    @Test
    void anAliasThatIsAlsoStoredNeedsFormatTwo() throws IOException {
        String header = "{\"__metadata__\":{\"motif.format\":\"%s\",\"motif.aliases\":\"{\\\"b\\\":\\\"a\\\",\\\"c\\\":\\\"b\\\"}\"},"
                + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 4, 8) + "}";
        SafetensorsFile v1 = SafetensorsFile.read(Raw.write(dir, "v1.safetensors", Raw.file(String.format(header, "1"), Raw.f32(1, 1))));
        aliasesRefused(v1, "alias 'b' (of tensor 'a') is also the name of a stored tensor (format 1 stores each shared tensor once)");
        SafetensorsFile v2 = SafetensorsFile.read(Raw.write(dir, "v2.safetensors", Raw.file(String.format(header, "2"), Raw.f32(1, 1))));
        aliasesRefused(v2, "alias 'c' points at 'b', which is itself an alias (of 'a'); an alias must name the stored owner");
    }
}
