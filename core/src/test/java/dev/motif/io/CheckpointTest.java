package dev.motif.io;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.nn.Linear;
import dev.motif.nn.Block;
import dev.motif.nn.Parameter;
import dev.motif.nn.ParameterUse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {
    @TempDir
    Path dir;

    /** A weight used under its own name, at a site inside a child module. */
    static final class Head extends Block {
        Head(Parameter weight, DType dtype, SplittableRandom rng) {
            param("weight", weight);
            param("bias", new Parameter("bias", Init.normal(rng, dtype, 0, 1, 5)));
        }
    }

    /** A tied-embedding shape: embed [5, 3] is also head.weight when tied. */
    static final class TiedNet extends Block {
        TiedNet(boolean tied, DType dtype, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            Parameter embed = param("embed", new Parameter("embed", Init.normal(rng, dtype, 0, 1, 5, 3)));
            child("hidden", new Linear(3, 3, dtype, rng));
            child("head", new Head(tied ? embed : new Parameter("weight", Init.normal(rng, dtype, 0, 1, 5, 3)), dtype, rng));
        }
    }

    /** One encoder in both arms: every parameter of it used at two paths. */
    static final class Siamese extends Block {
        Siamese(boolean shared, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            Linear enc = child("left", new Linear(4, 2, DType.F64, rng));
            child("right", shared ? enc : new Linear(4, 2, DType.F64, rng));
        }
    }

    /** Parameters by path, with a value array per path. */
    static final class Plain extends Block {
        Plain(Map<String, NDArray> params) {
            params.forEach((k, v) -> param(k, new Parameter(k, v)));
        }
    }

    private static Parameter at(Block m, String path) {
        for (ParameterUse u : m.parameterUses()) if (u.path().equals(path)) return u.parameter();
        throw new AssertionError("no path " + path);
    }

    /** Every path's parameter object and a copy of its value, to check a failed load changed nothing. */
    private record Snapshot(List<Parameter> objects, List<NDArray> values) {
        static Snapshot of(Block m) {
            List<Parameter> o = new ArrayList<>();
            List<NDArray> v = new ArrayList<>();
            for (ParameterUse u : m.parameterUses()) {
                o.add(u.parameter());
                v.add(u.parameter().value().copy());
            }
            return new Snapshot(o, v);
        }

        void assertUnchanged(Block m) {
            List<ParameterUse> uses = m.parameterUses();
            assertEquals(objects.size(), uses.size());
            for (int i = 0; i < uses.size(); i++) {
                assertSame(objects.get(i), uses.get(i).parameter(), "identity at " + uses.get(i).path());
                assertTrue(values.get(i).contentEquals(uses.get(i).parameter().value()), "value at " + uses.get(i).path());
            }
        }
    }

    private static void assertSameValues(Block expected, Block actual) {
        List<ParameterUse> e = expected.parameterUses(), a = actual.parameterUses();
        assertEquals(e.size(), a.size());
        for (int i = 0; i < e.size(); i++) {
            assertEquals(e.get(i).path(), a.get(i).path());
            assertTrue(e.get(i).parameter().value().contentEquals(a.get(i).parameter().value()), "value at " + e.get(i).path());
        }
    }

    private CheckpointException loadFails(Block m, Path file, String... fragments) {
        Snapshot before = Snapshot.of(m);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(m, file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
        before.assertUnchanged(m);
        return e;
    }

    // ---------------------------------------------------------------- ties

    @Test
    void tiedParameterIsStoredOnceWithAnAlias() throws IOException {
        Path p = dir.resolve("tied.safetensors");
        Checkpoint.save(new TiedNet(true, DType.F64, 1), p);
        SafetensorsFile f = SafetensorsFile.read(p);
        assertEquals(List.of("embed", "head.bias", "hidden.bias", "hidden.weight"), f.tensors().stream().map(TensorInfo::name).sorted().toList());
        assertEquals("2", f.metadata().get("motif.format"));
        assertEquals("{\"head.weight\":\"embed\"}", f.metadata().get("motif.aliases"));
        assertEquals(Map.of("embed", List.of("head.weight")), Checkpoint.aliases(f));
    }

    @Test
    void loadIntoTheSameArchitectureRestoresValuesAndIdentity() throws IOException {
        Path p = dir.resolve("tied.safetensors");
        TiedNet saved = new TiedNet(true, DType.F64, 1);
        Checkpoint.save(saved, p);
        TiedNet fresh = new TiedNet(true, DType.F64, 2);
        Parameter embed = at(fresh, "embed");
        Checkpoint.load(fresh, p);
        assertSameValues(saved, fresh);
        assertSame(embed, at(fresh, "embed"), "no replacement needed: the fresh model's own tie is kept");
        assertSame(at(fresh, "embed"), at(fresh, "head.weight"));
        assertEquals(4, fresh.parameters().size());
    }

    @Test
    void loadIntoAnUntiedModelTiesIt() throws IOException {
        Path p = dir.resolve("tied.safetensors");
        TiedNet saved = new TiedNet(true, DType.F64, 1);
        Checkpoint.save(saved, p);
        TiedNet untied = new TiedNet(false, DType.F64, 3);
        assertEquals(5, untied.parameters().size());
        Parameter embed = at(untied, "embed");
        Checkpoint.load(untied, p);
        assertSameValues(saved, untied);
        assertSame(embed, at(untied, "embed"), "the owner is the object at the first use path");
        assertSame(embed, at(untied, "head.weight"));
        assertEquals(4, untied.parameters().size());
        assertEquals(saved.parameterCount(), untied.parameterCount());
    }

    @Test
    void sharedChildModuleRoundTrips() throws IOException {
        Path p = dir.resolve("siamese.safetensors");
        Siamese saved = new Siamese(true, 5);
        Checkpoint.save(saved, p);
        SafetensorsFile f = SafetensorsFile.read(p);
        assertEquals(Map.of("left.weight", List.of("right.weight"), "left.bias", List.of("right.bias")), Checkpoint.aliases(f));
        assertEquals(2, f.tensors().size());

        Siamese towers = new Siamese(false, 6);
        Checkpoint.load(towers, p);
        assertSameValues(saved, towers);
        assertSame(at(towers, "left.weight"), at(towers, "right.weight"));
        assertSame(at(towers, "left.bias"), at(towers, "right.bias"));
        assertEquals(2, towers.parameters().size());
    }

    @Test
    void modelTieWithEqualSeparateTensorsLoadsAndDifferentOnesFail() throws IOException {
        TiedNet tied = new TiedNet(true, DType.F64, 1);
        Parameter embed = at(tied, "embed");
        // An untied model saved with equal values at both sites: the tie is consistent with the file.
        TiedNet untied = new TiedNet(false, DType.F64, 2);
        at(untied, "head.weight").set(at(untied, "embed").value().copy());
        Path equal = dir.resolve("equal.safetensors");
        Checkpoint.save(untied, equal);
        Checkpoint.load(tied, equal);
        assertSameValues(untied, tied);
        assertSame(embed, at(tied, "head.weight"));

        TiedNet different = new TiedNet(false, DType.F64, 3);
        Path diff = dir.resolve("different.safetensors");
        Checkpoint.save(different, diff);
        CheckpointException e = loadFails(tied, diff, "the model ties [embed, head.weight]", "[embed, head.weight] whose values differ");
        assertEquals(1, e.problems().size());
    }

    @Test
    void fileTieAcrossDifferentDtypesIsAProblem() throws IOException {
        Map<String, NDArray> params = new java.util.LinkedHashMap<>();
        params.put("a", NDArray.zeros(DType.F64, 2));
        params.put("b", NDArray.zeros(DType.F32, 2));
        Plain m = new Plain(params);
        Path q = dir.resolve("ab.safetensors");
        SafetensorsFile.writer().add("a", NDArray.vector(1, 2)).metadata("motif.format", "1")
                .metadata("motif.aliases", "{\"b\":\"a\"}").write(q);
        loadFails(m, q, "the file stores [a, b] as one tensor", "different dtypes [a (F64), b (F32)]");
    }

    // ---------------------------------------------------------------- values and dtypes

    @Test
    void f32ModelRoundTripsExactly() throws IOException {
        Path p = dir.resolve("f32.safetensors");
        TiedNet saved = new TiedNet(false, DType.F32, 7);
        Checkpoint.save(saved, p);
        assertEquals("F32", SafetensorsFile.read(p).info("embed").dtype());
        assertEquals("{}", SafetensorsFile.read(p).metadata().get("motif.aliases"));
        TiedNet fresh = new TiedNet(false, DType.F32, 8);
        Checkpoint.load(fresh, p);
        assertSameValues(saved, fresh);
        assertEquals(5, fresh.parameters().size(), "no ties invented");
    }

    @Test
    void dtypeIsConvertedToTheParameters() throws IOException {
        Path p = dir.resolve("f64.safetensors");
        TiedNet saved = new TiedNet(true, DType.F64, 1);
        Checkpoint.save(saved, p);
        TiedNet f32 = new TiedNet(true, DType.F32, 2);
        Checkpoint.load(f32, p);
        for (ParameterUse u : f32.parameterUses()) {
            assertEquals(DType.F32, u.parameter().dtype());
            assertTrue(at(saved, u.path()).value().toF32().contentEquals(u.parameter().value()), u.path());
        }
    }

    @Test
    void plainFileFromAnotherToolLoadsByName() throws IOException {
        // As PyTorch's safetensors would write it: no Motif metadata, F32 / F16 / BF16 entries.
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"layer.weight\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,8]},"
                + "\"layer.bias\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]},"
                + "\"scale\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[12,16]}}";
        byte[] data = Raw.concat(Raw.u16(0x3C00, 0xBC00, 0x4000, 0x3800), Raw.u16(0x3F80, 0xC020), Raw.f32(0.25f));
        Path p = Raw.write(dir, "torch.safetensors", Raw.file(header, data));

        final class Layer extends Block {
            Layer() {
                param("weight", new Parameter("weight", NDArray.zeros(DType.F32, 2, 2)));
                param("bias", new Parameter("bias", NDArray.zeros(DType.F64, 2)));
            }
        }
        final class Net extends Block {
            Net() {
                child("layer", new Layer());
                param("scale", new Parameter("scale", NDArray.scalar(DType.F32, 0)));
            }
        }
        Net net = new Net();
        Checkpoint.load(net, p);
        assertArrayEquals(new float[] {1, -1, 2, 0.5f}, at(net, "layer.weight").value().f32());
        assertArrayEquals(new double[] {1, -2.5}, at(net, "layer.bias").value().f64());
        assertEquals(0.25, at(net, "scale").value().item());
    }

    @Test
    void extraMetadataIsKeptAndMotifKeysAreReserved() throws IOException {
        Path p = dir.resolve("meta.safetensors");
        Checkpoint.save(new Siamese(true, 1), p, Map.of("epoch", "12", "note", "after warmup"));
        SafetensorsFile f = SafetensorsFile.read(p);
        assertEquals("12", f.metadata().get("epoch"));
        assertEquals("after warmup", f.metadata().get("note"));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(new Siamese(true, 1), p, Map.of("motif.aliases", "{}")));
        assertEquals("12", SafetensorsFile.read(p).metadata().get("epoch"), "a refused save leaves the file");
    }

    // ---------------------------------------------------------------- failures change nothing

    @Test
    void allMismatchesAreListedInOneException() throws IOException {
        Map<String, NDArray> saved = new java.util.LinkedHashMap<>();
        saved.put("a", NDArray.vector(1, 2, 3));
        saved.put("b", NDArray.zeros(DType.F64, 2, 2));
        saved.put("extra", NDArray.vector(9));
        Path p = dir.resolve("mismatch.safetensors");
        Checkpoint.save(new Plain(saved), p);

        Map<String, NDArray> want = new java.util.LinkedHashMap<>();
        want.put("a", NDArray.vector(0, 0, 0));
        want.put("b", NDArray.zeros(DType.F64, 4));
        want.put("c", NDArray.zeros(DType.F32, 1, 2));
        Plain m = new Plain(want);
        CheckpointException e = loadFails(m, p, "3 problems loading into Plain; the model was not changed",
                "shape mismatch at 'b': model expects [4], file has [2, 2]",
                "missing tensor 'c': the model has a F32 [1, 2] parameter there",
                "unexpected tensor 'extra' (F64 [1])");
        assertEquals(3, e.problems().size());
        assertFalse(e.problems().get(0).contains(p.toString()), "problems are listed without the file name; the message has it once");
    }

    @Test
    void mismatchThroughAnAliasAndUnexpectedAliasesAreReported() throws IOException {
        Path p = dir.resolve("tied.safetensors");
        Checkpoint.save(new TiedNet(true, DType.F64, 1), p);
        Siamese other = new Siamese(false, 1);
        CheckpointException e = loadFails(other, p, "missing tensor 'left.weight'", "unexpected tensor 'embed'",
                "unexpected alias 'head.weight' (of tensor 'embed')");
        assertEquals(4 + 4 + 1, e.problems().size());

        Path q = dir.resolve("alias-shape.safetensors");
        SafetensorsFile.writer().add("a", NDArray.vector(1, 2)).metadata("motif.format", "1")
                .metadata("motif.aliases", "{\"b\":\"a\"}").write(q);
        Map<String, NDArray> params = new java.util.LinkedHashMap<>();
        params.put("a", NDArray.zeros(DType.F64, 2));
        params.put("b", NDArray.zeros(DType.F64, 3));
        loadFails(new Plain(params), q, "shape mismatch at 'b': model expects [3], file has [2] (tensor 'a', through an alias)");
    }

    @Test
    void badFilesChangeNothingInTheModel() throws IOException {
        TiedNet m = new TiedNet(false, DType.F64, 4);
        Path good = dir.resolve("good.safetensors");
        Checkpoint.save(new TiedNet(true, DType.F64, 1), good);
        byte[] bytes = Files.readAllBytes(good);

        List<byte[]> bad = List.of(
                new byte[] {1, 2, 3},                                            // shorter than 8 bytes
                java.util.Arrays.copyOf(bytes, bytes.length - 1),                 // truncated data
                Raw.file("[]", new byte[0]),                                      // header not an object
                Raw.file("{\"embed\":{\"dtype\":\"X\",\"shape\":[5,3],\"data_offsets\":[0,120]}}", new byte[120]),
                Raw.file("{\"__metadata__\":{\"motif.aliases\":\"{\\\"head.weight\\\":\\\"gone\\\"}\"},"
                        + "\"embed\":{\"dtype\":\"F64\",\"shape\":[5,3],\"data_offsets\":[0,120]}}", new byte[120]));
        for (int i = 0; i < bad.size(); i++) loadFails(m, Raw.write(dir, "bad" + i + ".safetensors", bad.get(i)));

        Path missing = dir.resolve("does-not-exist.safetensors");
        Snapshot before = Snapshot.of(m);
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Checkpoint.load(m, missing));
        before.assertUnchanged(m);

        // and the good file still loads afterwards, tying the model
        Checkpoint.load(m, good);
        assertSame(at(m, "embed"), at(m, "head.weight"));
        assertNotSame(at(m, "embed"), at(m, "hidden.weight"));
    }

    @Test
    void failedSaveLeavesTheOldCheckpoint() throws IOException {
        Path p = dir.resolve("model.safetensors");
        TiedNet first = new TiedNet(true, DType.F64, 1);
        Checkpoint.save(first, p);
        byte[] before = Files.readAllBytes(p);
        assertThrows(IOException.class, () -> Checkpoint.save(first, dir.resolve("missing-dir/model.safetensors")));
        assertArrayEquals(before, Files.readAllBytes(p));
        Checkpoint.save(first, p);
        assertArrayEquals(before, Files.readAllBytes(p), "saving the same model again gives the same bytes");
    }
}
