package dev.motif.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.motif.array.DType;
import dev.motif.io.Checkpoint;
import dev.motif.io.SaveOptions;
import dev.motif.nn.Block;
import dev.motif.nn.Linear;
import dev.motif.nn.Tie;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code motif inspect} on a Motif checkpoint, a plain safetensors file and broken files (reads through dev.motif.io). */
class InspectCommandTest {
    @TempDir
    Path dir;

    /** A Motif checkpoint with a shared layer, written by the tour. */
    private Path checkpoint() {
        Run r = Run.of("tour", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        return dir.resolve("tour.safetensors");
    }

    /** A plain safetensors file as another tool writes it: an F32 [2, 3] tensor and an I64 [2] tensor. */
    private Path plainFile() throws IOException {
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[24,40]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 40).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (int i = 0; i < 6; i++) b.putFloat(i);
        b.putLong(7).putLong(9);
        Path f = dir.resolve("plain.safetensors");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void tableListsTensorsAliasesAndMetadata() {
        Path f = checkpoint();
        Run r = Run.of("inspect", f.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*first\\.weight\\s+F64\\s+\\[4, 4]\\s+128\\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*head\\.bias\\s+F64\\s+\\[1]\\s+8\\n.*"), r.out());
        assertTrue(r.out().contains("4 tensors, 25 values, 200 bytes"), r.out());
        assertTrue(r.out().contains("first.weight <- second.weight"), r.out());
        assertTrue(r.out().contains("first.bias <- second.bias"), r.out());
        assertTrue(r.out().contains("Metadata keys"), r.out());
    }

    @Test
    void jsonHasTheSameContent() throws IOException {
        Path f = checkpoint();
        Run r = Run.of("inspect", "--json", f.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(f.toString(), j.get("file").asText());
        assertEquals(4, j.get("tensors").size());
        JsonNode weight = null;
        for (JsonNode t : j.get("tensors")) if (t.get("name").asText().equals("first.weight")) weight = t;
        assertEquals("F64", weight.get("dtype").asText());
        assertEquals("[4,4]", weight.get("shape").toString());
        assertEquals(128, weight.get("bytes").asLong());
        assertEquals(16, weight.get("elements").asLong());
        assertEquals("[\"second.weight\"]", j.get("aliases").get("first.weight").toString());
        assertTrue(j.get("metadata").size() > 0);
    }

    /** An embedding shared as the head's weight and a decoder tied as the encoder's transpose. */
    private Path tiedCheckpoint(SaveOptions options) throws IOException {
        SplittableRandom rng = new SplittableRandom(1);
        Block model = new Block() {
            {
                child("embed", new Linear(3, 5, DType.F64, rng));
                child("encoder", new Linear(5, 2, DType.F64, rng));
                child("decoder", new Linear(2, 5, DType.F64, rng));
                child("head", new Linear(3, 5, DType.F64, rng));
            }
        };
        model.tie("decoder.weight", Tie.transpose(model.namedParameters().get("encoder.weight")));
        model.tie("head.weight", model.namedParameters().get("embed.weight"));
        Path f = dir.resolve(options.isPytorchCompatible() ? "tied-pt.safetensors" : "tied.safetensors");
        Checkpoint.save(model, f, options);
        return f;
    }

    @Test
    void tiesAreShownWithTheirTransforms() throws IOException {
        Run r = Run.of("inspect", tiedCheckpoint(SaveOptions.defaults()).toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Shared tensors and ties"), r.out());
        assertTrue(r.out().contains("  encoder.weight <- decoder.weight (transpose)\n"), r.out());
        assertTrue(r.out().contains("  embed.weight <- head.weight\n"), r.out());
        assertTrue(r.out().contains("6 tensors, 42 values, 336 bytes"), r.out());

        r = Run.of("inspect", tiedCheckpoint(SaveOptions.pytorchCompatible()).toString());
        assertTrue(r.out().contains("  encoder.weight <- decoder.weight (transpose, stored too)\n"), r.out());
        assertTrue(r.out().contains("  embed.weight <- head.weight (stored too)\n"), r.out());
        assertTrue(r.out().contains("8 tensors, 67 values, 536 bytes"), r.out());
    }

    @Test
    void jsonListsEveryTie() throws IOException {
        Run r = Run.of("inspect", "--json", tiedCheckpoint(SaveOptions.pytorchCompatible()).toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("[{\"path\":\"decoder.weight\",\"owner\":\"encoder.weight\",\"transform\":\"transpose\",\"stored\":true},"
                + "{\"path\":\"head.weight\",\"owner\":\"embed.weight\",\"transform\":\"identity\",\"stored\":true}]", j.get("ties").toString());
        assertEquals("[\"decoder.weight\"]", j.get("aliases").get("encoder.weight").toString());
        assertEquals("pt", j.get("metadata").get("format").asText());
    }

    @Test
    void aTieThatNamesNoStoredTensorIsReported() throws IOException {
        String header = "{\"__metadata__\":{\"motif.format\":\"2\",\"motif.aliases\":\"{\\\"d\\\":{\\\"owner\\\":\\\"gone\\\",\\\"transform\\\":\\\"transpose\\\"}}\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path f = dir.resolve("bad-tie.safetensors");
        Files.write(f, ByteBuffer.allocate(8 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).putFloat(1).array());
        Run r = Run.of("inspect", f.toString());
        assertEquals(1, r.code());
        assertEquals("motif inspect: " + f + ": alias 'd' points at tensor 'gone', which is not in the file", r.err().strip());
    }

    @Test
    void plainFileFromAnotherToolHasNoAliases() throws IOException {
        Path f = plainFile();
        Run r = Run.of("inspect", f.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*w\\s+F32\\s+\\[2, 3]\\s+24\\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*ids\\s+I64\\s+\\[2]\\s+16\\n.*"), r.out());
        assertTrue(r.out().contains("Shared tensors: none"), r.out());
        assertTrue(r.out().contains("  format\n"), r.out());

        JsonNode j = new ObjectMapper().readTree(Run.of("inspect", "--json", f.toString()).out());
        assertEquals(0, j.get("aliases").size());
        assertEquals(0, j.get("ties").size());
        assertEquals("pt", j.get("metadata").get("format").asText());
    }

    @Test
    void badFileIsOneLineNamingTheFileAndExitsOne() throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        Run r = Run.of("inspect", f.toString());
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("motif inspect: " + f), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void debugAddsTheStackTrace() throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        Run r = Run.of("inspect", "--debug", f.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    @Test
    void aDirectoryIsNamed() {
        Run r = Run.of("inspect", dir.toString());
        assertEquals(1, r.code());
        assertEquals("motif inspect: " + dir + ": is a directory, expected a .safetensors file", r.err().strip());
    }

    @Test
    void missingFileSaysSo() {
        Path f = dir.resolve("absent.safetensors");
        Run r = Run.of("inspect", f.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("motif inspect: "), r.err());
        assertTrue(r.err().contains(f.toString()), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
