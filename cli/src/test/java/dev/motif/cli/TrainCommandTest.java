package dev.motif.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.motif.io.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code motif train} on the shipped subset: a short run of each seed net, its JSON and checkpoint, and bad arguments. */
class TrainCommandTest {
    @TempDir
    Path dir;

    private JsonNode train(String arch, String... extra) throws IOException {
        Path json = dir.resolve(arch + ".json");
        String[] base = {"train", "--arch", arch, "--data", "shipped", "--train-size", "256", "--test-size", "200", "--epochs", "1", "--seed", "3",
                "--json", json.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Run r = Run.of(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Data: Fashion-MNIST subset shipped with Motif; training on the first 256 of 3,000 images, testing on 200"), r.out());
        assertTrue(r.out().contains("epoch 1/1  train loss"), r.out());
        assertTrue(r.out().contains("test accuracy "), r.out());
        return new ObjectMapper().readTree(json.toFile());
    }

    private static void sane(JsonNode j, long parameters) {
        assertEquals(parameters, j.get("parameters").get("unique").asLong());
        double acc = j.get("test").get("accuracy").asDouble();
        assertTrue(acc >= 0 && acc <= 1, "accuracy " + acc);
        // 256 images and 4 SGD steps from ln 10 = 2.30: finite, and not diverged.
        double loss = j.get("test").get("loss").asDouble();
        assertTrue(loss > 0 && loss < 10, "loss " + loss);
        assertEquals(200, j.get("test").get("count").asInt());
        assertEquals(256, j.get("data").get("trainSize").asInt());
        assertEquals("shipped", j.get("data").get("source").asText());
        assertEquals(1, j.get("history").size());
        assertEquals(j.get("test").get("accuracy").asDouble(), j.get("history").get(0).get("test").get("accuracy").asDouble());
        assertTrue(j.get("imagesPerSecond").asDouble() > 0);
        assertEquals(64, j.get("recipe").get("batch").asInt());
        assertEquals(0.05, j.get("recipe").get("lr").asDouble());
        assertEquals(0.9, j.get("recipe").get("momentum").asDouble());
    }

    @Test
    void aRunThatDivergesFailsNamingTheStepAndWritesNothing() {
        Path json = dir.resolve("diverged.json"), ckpt = dir.resolve("diverged.safetensors");
        Run r = Run.of("train", "--arch", "dense", "--data", "shipped", "--train-size", "128", "--test-size", "100", "--epochs", "2",
                "--lr", "1e20", "--json", json.toString(), "--save", ckpt.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().startsWith("motif train: training diverged: ") && r.err().contains("at epoch 1, batch "), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(!Files.exists(json) && !Files.exists(ckpt), "nothing written");
        assertTrue(!r.out().contains("test accuracy"), r.out());
    }

    @Test
    void convTrainsReportsItsTwinAndSavesACheckpoint() throws IOException {
        Path ckpt = dir.resolve("conv.safetensors");
        JsonNode j = train("conv", "--save", ckpt.toString());
        sane(j, 20_490);
        assertEquals(1_050_570, j.get("parameters").get("untied").asLong());
        SafetensorsFile f = SafetensorsFile.read(ckpt);
        assertEquals(6, f.tensors().size());   // two convs and a linear, weight and bias each
        assertEquals("conv", f.metadata().get("arch"));
    }

    @Test
    void localTrains() throws IOException {
        sane(train("local"), 1_050_570);
    }

    @Test
    void denseTrains() throws IOException {
        sane(train("dense"), 235_146);
    }

    @Test
    void badArgumentsAreUsageErrorsNamingTheValue() throws IOException {
        Run big = Run.of("train", "--arch", "conv", "--data", "shipped", "--train-size", "3001");
        assertEquals(2, big.code());
        assertTrue(big.err().startsWith("motif train: --train-size 3001 is more than the 3,000 training images"), big.err());
        Run zero = Run.of("train", "--arch", "conv", "--train-size", "0");
        assertEquals(2, zero.code());
        assertTrue(zero.err().startsWith("motif train: --train-size must be > 0, got 0"), zero.err());
        Run arch = Run.of("train", "--arch", "cnn");
        assertEquals(2, arch.code());
        assertTrue(arch.err().startsWith("motif train: unknown architecture 'cnn': expected conv, local or dense"), arch.err());
        Run dtype = Run.of("train", "--arch", "conv", "--dtype", "F16");
        assertEquals(2, dtype.code());
        assertTrue(dtype.err().startsWith("motif train: unknown dtype 'F16': expected F32 or F64"), dtype.err());
        Run missing = Run.of("train", "--arch", "conv", "--data", dir.resolve("nowhere").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("motif train: --data '" + dir.resolve("nowhere") + "': no such directory"), missing.err());
        // refused before training, not after it
        Run save = Run.of("train", "--arch", "conv", "--data", "shipped", "--save", dir.toString());
        assertEquals(2, save.code());
        assertTrue(save.err().startsWith("motif train: --save " + dir + " is a directory, expected a file"), save.err());
        assertEquals("", save.out());
        Run json = Run.of("train", "--arch", "conv", "--data", "shipped", "--json", dir.toString());
        assertEquals(2, json.code());
        assertTrue(json.err().startsWith("motif train: --json " + dir + " is a directory, expected a file"), json.err());
        Path file = Files.writeString(dir.resolve("taken"), "x");
        Run under = Run.of("train", "--arch", "conv", "--data", "shipped", "--save", file.resolve("m.safetensors").toString());
        assertEquals(2, under.code());
        assertTrue(under.err().startsWith("motif train: --save " + file.resolve("m.safetensors") + " is under " + file + ", which is a file"), under.err());
        assertEquals("", under.out());
    }

    @Test
    void aDirectoryWithoutTheFilesFailsNamingTheFile() {
        Run r = Run.of("train", "--arch", "conv", "--data", dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("motif train: no such file: "), r.err());
        assertTrue(r.err().contains("train-images-idx3-ubyte"), r.err());
    }
}
