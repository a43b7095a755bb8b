package dev.motif.io;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.io.Nets.AutoEncoder;
import dev.motif.nn.Block;
import dev.motif.nn.Linear;
import dev.motif.nn.Parameter;
import dev.motif.nn.ParameterUse;
import dev.motif.nn.Tie;
import dev.motif.nn.Transform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.motif.io.Nets.site;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ties with transforms through a checkpoint: recorded with their spec, restored, or checked against stored values. */
class CheckpointTieTest {
    @TempDir
    Path dir;

    static final Tensor X = Tensor.constant(Nets.wave(DType.F64, 0.2, 6, 4));

    /** Every site's parameter, tie and value, to check that a failed load changed nothing. */
    record Snapshot(List<Parameter> params, List<Tie> ties, List<NDArray> values) {
        static Snapshot of(Block m) {
            List<Parameter> p = new ArrayList<>();
            List<Tie> t = new ArrayList<>();
            List<NDArray> v = new ArrayList<>();
            for (ParameterUse u : m.parameterUses()) {
                p.add(u.parameter());
                t.add(u.tie());
                v.add(u.parameter().value().copy());
            }
            return new Snapshot(p, t, v);
        }

        void assertUnchanged(Block m) {
            List<ParameterUse> uses = m.parameterUses();
            assertEquals(params.size(), uses.size());
            for (int i = 0; i < uses.size(); i++) {
                assertSame(params.get(i), uses.get(i).parameter(), "identity at " + uses.get(i).path());
                assertSame(ties.get(i), uses.get(i).tie(), "tie at " + uses.get(i).path());
                assertTrue(values.get(i).contentEquals(uses.get(i).parameter().value()), "value at " + uses.get(i).path());
            }
        }
    }

    static CheckpointException loadFails(Block m, Path file, LoadOptions options, String... fragments) {
        Snapshot before = Snapshot.of(m);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(m, file, options));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
        before.assertUnchanged(m);
        return e;
    }

    static void assertContains(List<String> lines, String... fragments) {
        for (String f : fragments) assertTrue(lines.stream().anyMatch(l -> l.contains(f)), "'" + f + "' in none of " + lines);
    }

    private static void assertTransposeTie(Block m, Parameter owner) {
        ParameterUse d = site(m, "decoder.weight");
        assertEquals("transpose", d.transform());
        assertSame(owner, d.tie().owner());
        assertSame(owner, site(m, "encoder.weight").parameter());
    }

    private Path saved(Block m, String name) throws IOException {
        Path p = dir.resolve(name);
        Checkpoint.save(m, p);
        return p;
    }

    // ---------------------------------------------------------------- saving

    @Test
    void aTieIsRecordedWithItsOwnersStoredNameAndItsTransform() throws IOException {
        SafetensorsFile f = SafetensorsFile.read(saved(new AutoEncoder(true, 4, 3, DType.F64, 1), "ae.safetensors"));
        assertEquals(List.of("decoder.bias", "encoder.bias", "encoder.weight"), f.tensors().stream().map(TensorInfo::name).sorted().toList());
        assertEquals("2", f.metadata().get(Checkpoint.FORMAT_KEY));
        assertEquals("{\"decoder.weight\":{\"owner\":\"encoder.weight\",\"transform\":\"transpose\"}}", f.metadata().get(Checkpoint.ALIASES_KEY));
        assertEquals(List.of(new Alias("decoder.weight", "encoder.weight", "transpose", false)), Checkpoint.ties(f));
        assertEquals(Map.of("encoder.weight", List.of("decoder.weight")), Checkpoint.aliases(f));
    }

    // ---------------------------------------------------------------- loading

    @Test
    void intoAModelWithTheSameTieTheOwnerIsLoadedAndTheTieKept() throws IOException {
        AutoEncoder saved = new AutoEncoder(true, 4, 3, DType.F64, 1);
        Path p = saved(saved, "ae.safetensors");
        AutoEncoder fresh = new AutoEncoder(true, 4, 3, DType.F64, 2);
        Parameter owner = fresh.encoder.weight();
        Tie tie = site(fresh, "decoder.weight").tie();
        LoadReport r = Checkpoint.load(fresh, p);
        assertSame(tie, site(fresh, "decoder.weight").tie(), "the model's own tie object stays");
        assertTransposeTie(fresh, owner);
        assertTrue(saved.encoder.weight().value().contentEquals(owner.value()));
        assertEquals(0.0, saved.forward(X).value().maxAbsDiff(fresh.forward(X).value()));
        assertEquals(List.of("encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias"), r.loaded());
        assertTrue(r.isComplete(), r.toString());
    }

    @Test
    void intoAModelWithAParameterOfItsOwnTheTieIsRestored() throws IOException {
        AutoEncoder saved = new AutoEncoder(true, 4, 3, DType.F64, 1);
        Path p = saved(saved, "ae.safetensors");
        AutoEncoder untied = new AutoEncoder(false, 4, 3, DType.F64, 3);
        assertEquals(4, untied.parameters().size());
        LoadReport r = Checkpoint.load(untied, p);
        assertTransposeTie(untied, untied.encoder.weight());
        assertEquals(3, untied.parameters().size());
        assertEquals(0.0, saved.forward(X).value().maxAbsDiff(untied.forward(X).value()));
        assertContains(r.notes(), "'decoder.weight' is now transpose of 'encoder.weight', as the file records");
    }

    @Test
    void aSquareTransposeTieIsNotRestoredAsSharing() throws IOException {
        // Format 1 wrote this tie as a plain alias: a square weight then came back as the encoder's weight itself.
        AutoEncoder saved = new AutoEncoder(true, 3, 3, DType.F64, 1);
        AutoEncoder untied = new AutoEncoder(false, 3, 3, DType.F64, 4);
        Checkpoint.load(untied, saved(saved, "square.safetensors"));
        NDArray w = saved.encoder.weight().value();
        assertArrayEquals(w.mT().f64(), tieValue(untied, "decoder.weight").f64(), 0);
        assertTrue(w.maxAbsDiff(w.mT()) > 0.1, "the test needs a weight that is not symmetric");
        assertEquals(0.0, saved.forward(Tensor.constant(Nets.wave(DType.F64, 1, 2, 3))).value()
                .maxAbsDiff(untied.forward(Tensor.constant(Nets.wave(DType.F64, 1, 2, 3))).value()));
    }

    private static NDArray tieValue(Block m, String path) {
        Tie t = site(m, path).tie();
        return Autodiff.noGrad(t::value).value();
    }

    @Test
    void aFormatOneFileWithATieStillLoads() throws IOException {
        AutoEncoder saved = new AutoEncoder(true, 4, 3, DType.F64, 1);
        // What Motif wrote before format 2: the tie's site as a plain alias of its owner.
        Path p = dir.resolve("v1.safetensors");
        SafetensorsFile.writer().add("encoder.weight", saved.encoder.weight().value()).add("encoder.bias", saved.encoder.bias().value())
                .add("decoder.bias", saved.decoder.bias().value()).metadata("motif.format", "1")
                .metadata("motif.aliases", "{\"decoder.weight\":\"encoder.weight\"}").write(p);
        AutoEncoder fresh = new AutoEncoder(true, 4, 3, DType.F64, 5);
        Checkpoint.load(fresh, p);
        assertTransposeTie(fresh, fresh.encoder.weight());
        assertEquals(0.0, saved.forward(X).value().maxAbsDiff(fresh.forward(X).value()));
    }

    private Path withAlias(String aliasJson) throws IOException {
        AutoEncoder m = new AutoEncoder(false, 4, 3, DType.F64, 1);
        Path p = dir.resolve("hand.safetensors");
        SafetensorsFile.writer().add("encoder.weight", m.encoder.weight().value()).add("encoder.bias", m.encoder.bias().value())
                .add("decoder.bias", m.decoder.bias().value()).metadata("motif.format", "2").metadata("motif.aliases", aliasJson).write(p);
        return p;
    }

    @Test
    void aTransformThisMotifCannotRebuildIsANamedProblem() throws IOException {
        Path p = withAlias("{\"decoder.weight\":{\"owner\":\"encoder.weight\",\"transform\":\"rotate(90)\"}}");
        CheckpointException e = loadFails(new AutoEncoder(false, 4, 3, DType.F64, 2), p, LoadOptions.defaults(),
                "the file ties 'decoder.weight' as 'rotate(90)' of tensor 'encoder.weight', which this Motif cannot rebuild",
                "'rotate' is not a built-in transform");
        assertEquals(1, e.problems().size(), e.getMessage());
        // A model that ties the site the same way does not need to rebuild it: its own transform is used.
        Block custom = new AutoEncoder(false, 4, 3, DType.F64, 2);
        Transform rotate = new Transform() {
            public Tensor apply(Tensor owner) { return owner.mT(); }
            public int[] shape(int[] s) { return new int[] {s[1], s[0]}; }
            public String spec() { return "rotate(90)"; }
        };
        custom.tie("decoder.weight", Tie.of(site(custom, "encoder.weight").parameter(), rotate));
        Checkpoint.load(custom, p);
        assertSame(rotate, site(custom, "decoder.weight").tie().transform());
    }

    @Test
    void aTransformWhoseShapeDoesNotFitIsANamedProblem() throws IOException {
        loadFails(new AutoEncoder(false, 4, 3, DType.F64, 2), withAlias("{\"decoder.weight\":{\"owner\":\"encoder.weight\",\"transform\":\"reshape(12)\"}}"),
                LoadOptions.defaults(), "shape mismatch at 'decoder.weight': model expects [4, 3], file has [12] (reshape(12) of tensor 'encoder.weight' [3, 4])");
        loadFails(new AutoEncoder(false, 4, 3, DType.F64, 2), withAlias("{\"decoder.weight\":{\"owner\":\"encoder.weight\",\"transform\":\"permute(0,1,2)\"}}"),
                LoadOptions.defaults(), "the file ties 'decoder.weight' as permute(0,1,2) of tensor 'encoder.weight' [3, 4], which does not fit",
                "an owner of rank 2");
    }

    @Test
    void aModelTieLoadsFromASeparateTensorOnlyIfItHoldsTheTransformedValue() throws IOException {
        AutoEncoder untied = new AutoEncoder(false, 4, 3, DType.F64, 1);
        untied.decoder.weight().set(untied.encoder.weight().value().mT());
        AutoEncoder tied = new AutoEncoder(true, 4, 3, DType.F64, 2);
        Tie tie = site(tied, "decoder.weight").tie();
        LoadReport r = Checkpoint.load(tied, saved(untied, "equal.safetensors"));
        assertSame(tie, site(tied, "decoder.weight").tie());
        assertEquals(0.0, untied.forward(X).value().maxAbsDiff(tied.forward(X).value()));
        assertContains(r.notes(), "'decoder.weight' is stored as a separate tensor; it equals the model's tie (transpose of 'encoder.weight'), which is kept");

        NDArray w = untied.decoder.weight().value().copy();
        w.setFlat(5, w.getFlat(5) + 1e-3); // element [1, 2] of a [4, 3] weight
        untied.decoder.weight().set(w);
        CheckpointException e = loadFails(tied, saved(untied, "off.safetensors"), LoadOptions.defaults(),
                "the model ties 'decoder.weight' as transpose of 'encoder.weight', but the file stores 'decoder.weight' as a separate tensor",
                "whose values differ from the tie's by up to 0.001", "(at [1, 2]: ");
        assertEquals(1, e.problems().size());
    }

    @Test
    void storedValuesAreComparedToTheirDtypesRounding() throws IOException {
        AutoEncoder m = new AutoEncoder(false, 4, 3, DType.F64, 1);
        NDArray transposed = m.encoder.weight().value().mT();
        Path p = dir.resolve("f32-copy.safetensors");
        // The decoder's copy stored in F32, the owner in F64: they agree to F32's rounding.
        SafetensorsFile.writer().add("encoder.weight", m.encoder.weight().value()).add("encoder.bias", m.encoder.bias().value())
                .add("decoder.weight", transposed.toF32()).add("decoder.bias", m.decoder.bias().value()).write(p);
        assertTrue(transposed.maxAbsDiff(transposed.toF32().toF64()) > 0, "F32 rounding must change the values for this test");
        Checkpoint.load(new AutoEncoder(true, 4, 3, DType.F64, 2), p);

        NDArray off = transposed.copy();
        off.setFlat(0, off.getFlat(0) * (1 + 1e-5)); // well above F32's rounding (6e-8)
        SafetensorsFile.writer().add("encoder.weight", m.encoder.weight().value()).add("encoder.bias", m.encoder.bias().value())
                .add("decoder.weight", off.toF32()).add("decoder.bias", m.decoder.bias().value()).write(p);
        loadFails(new AutoEncoder(true, 4, 3, DType.F64, 2), p, LoadOptions.defaults(), "whose values differ from the tie's", "(at [0, 0]: ");
    }

    @Test
    void anEquivalentTransformUnderAnotherSpecIsCheckedByValue() throws IOException {
        Path p = saved(new AutoEncoder(true, 4, 3, DType.F64, 1), "ae.safetensors");
        AutoEncoder permuted = new AutoEncoder(false, 4, 3, DType.F64, 2);
        permuted.tie("decoder.weight", Tie.of(permuted.encoder.weight(), Transform.permute(1, 0)));
        LoadReport r = Checkpoint.load(permuted, p);
        assertEquals("permute(1,0)", site(permuted, "decoder.weight").transform());
        assertContains(r.notes(), "'decoder.weight' is stored as transpose of 'encoder.weight'; it equals the model's tie (permute(1,0) of 'encoder.weight')");

        AutoEncoder reshaped = new AutoEncoder(false, 4, 3, DType.F64, 2);
        reshaped.tie("decoder.weight", Tie.of(reshaped.encoder.weight(), Transform.reshape(4, 3)));
        loadFails(reshaped, p, LoadOptions.defaults(), "the model ties 'decoder.weight' as reshape(4,3) of 'encoder.weight', but the file stores 'decoder.weight' as transpose of 'encoder.weight'");
    }

    // ---------------------------------------------------------------- an owner with no slot of its own

    /** A 2×2 symmetric weight gathered from three free values: its owner is seen only through the tie. */
    static final class Symmetric extends Block {
        final Linear layer;

        Symmetric(boolean tied, long seed) {
            layer = child("layer", new Linear(2, 2, DType.F64, new SplittableRandom(seed)));
            if (tied) {
                Parameter free = new Parameter("free", NDArray.vector(0.5, -1.25, 2.0));
                tie("layer.weight", Tie.of(free, Transform.gather(new int[] {0, 1, 1, 2}, 2, 2)));
            }
        }

        @Override
        public Tensor forward(Tensor x) {
            return layer.forward(x);
        }
    }

    @Test
    void anOwnerSeenOnlyThroughTiesIsStoredUnderItsFirstTiePathAndRestored() throws IOException {
        Symmetric saved = new Symmetric(true, 1);
        Path p = saved(saved, "sym.safetensors");
        SafetensorsFile f = SafetensorsFile.read(p);
        assertArrayEquals(new double[] {0.5, -1.25, 2.0}, f.array("layer.weight#owner").f64());
        assertEquals(List.of(new Alias("layer.weight", "layer.weight#owner", "gather[2x2](0,1,1,2)", false)), Checkpoint.ties(f));

        Symmetric plain = new Symmetric(false, 2);
        LoadReport r = Checkpoint.load(plain, p);
        ParameterUse u = site(plain, "layer.weight");
        assertEquals("gather[2x2](0,1,1,2)", u.transform());
        assertArrayEquals(new double[] {0.5, -1.25, 2.0}, u.parameter().value().f64());
        assertEquals(3 + 2, plain.parameterCount());
        Tensor x = Tensor.constant(Nets.wave(DType.F64, 0, 3, 2));
        assertEquals(0.0, saved.forward(x).value().maxAbsDiff(plain.forward(x).value()));
        assertContains(r.notes(), "'layer.weight' is now gather[2x2](0,1,1,2) of a parameter holding tensor 'layer.weight#owner'");

        Symmetric again = new Symmetric(true, 3);
        Checkpoint.load(again, p);
        assertEquals(0.0, saved.forward(x).value().maxAbsDiff(again.forward(x).value()));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.save(saved, dir.resolve("torch.safetensors"), SaveOptions.pytorchCompatible()));
        assertTrue(e.getMessage().contains("the parameter behind 'layer.weight' (gather[2x2](0,1,1,2) of Parameter(free"), e.getMessage());
        assertTrue(e.getMessage().contains("save model.untie() for PyTorch"), e.getMessage());
        assertNull(site(saved.untie(), "layer.weight").tie());
    }

    @Test
    void aSharedParameterTheFileTurnsPartlyIntoATieIsAProblem() throws IOException {
        // The model shares one parameter at both sites; the file says one is the other's transpose.
        AutoEncoder shared = new AutoEncoder(false, 3, 3, DType.F64, 2);
        shared.tie("decoder.weight", shared.encoder.weight());
        loadFails(shared, saved(new AutoEncoder(true, 3, 3, DType.F64, 1), "ae.safetensors"), LoadOptions.defaults(),
                "the model shares one parameter at [encoder.weight, decoder.weight], but the file records 'encoder.weight' as a tensor of its own, "
                        + "'decoder.weight' as transpose of 'encoder.weight'");
    }

    /** The autoencoder as a child "model" of a training wrapper: every name gains "model.". */
    static final class Wrapped extends Block {
        final AutoEncoder model;

        Wrapped(boolean tied, long seed) {
            model = child("model", new AutoEncoder(tied, 4, 3, DType.F64, seed));
        }
    }

    @Test
    void renamingAppliesToTheAliasTableToo() throws IOException {
        Wrapped saved = new Wrapped(true, 1);
        Path p = saved(saved, "wrapped.safetensors");
        assertEquals("{\"model.decoder.weight\":{\"owner\":\"model.encoder.weight\",\"transform\":\"transpose\"}}",
                SafetensorsFile.read(p).metadata().get(Checkpoint.ALIASES_KEY));
        AutoEncoder bare = new AutoEncoder(false, 4, 3, DType.F64, 2);
        LoadReport r = Checkpoint.load(bare, p, LoadOptions.defaults().stripPrefix("model."));
        assertTransposeTie(bare, bare.encoder.weight());
        assertEquals(0.0, saved.model.forward(X).value().maxAbsDiff(bare.forward(X).value()));
        assertTrue(r.isComplete());

        CheckpointException e = loadFails(new AutoEncoder(false, 4, 3, DType.F64, 2), p, LoadOptions.defaults(),
                "unexpected alias 'model.decoder.weight' (of tensor 'model.encoder.weight')", "try LoadOptions.defaults().stripPrefix(\"model.\")");
        assertEquals(4 + 3 + 1, e.problems().size(), e.getMessage());
        r = Checkpoint.load(new AutoEncoder(false, 4, 3, DType.F64, 2), p, LoadOptions.defaults().strict(false));
        assertEquals(List.of("encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias"), r.missing());
        assertEquals(List.of("model.decoder.bias", "model.encoder.bias", "model.encoder.weight", "model.decoder.weight"), r.unexpected());
    }

    @Test
    void theHintSuggestsAPrefixForTheFileWhenTheModelHasOne() throws IOException {
        Path p = saved(new AutoEncoder(true, 4, 3, DType.F64, 1), "ae.safetensors");
        loadFails(new Wrapped(true, 2), p, LoadOptions.defaults(), "try LoadOptions.defaults().rename(n -> \"model.\" + n)");
        Wrapped w = new Wrapped(true, 2);
        Checkpoint.load(w, p, LoadOptions.defaults().rename(n -> "model." + n));
        assertEquals("transpose", site(w, "model.decoder.weight").transform());
        assertEquals("LoadOptions.defaults().stripPrefix(\"module.\").rename(1 name).strict(false)",
                LoadOptions.defaults().stripPrefix("module.").rename(Map.of("a", "b")).strict(false).toString());
    }
}
