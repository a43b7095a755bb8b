package dev.motif.io;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.io.Nets.TiedNet;
import dev.motif.nn.BatchNorm1d;
import dev.motif.nn.Block;
import dev.motif.nn.Linear;
import dev.motif.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.motif.io.CheckpointTieTest.assertContains;
import static dev.motif.io.CheckpointTieTest.loadFails;
import static dev.motif.io.Nets.site;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files for PyTorch: every site a tensor of its own, and still Motif's alias metadata. */
class PytorchCompatibleSaveTest {
    @TempDir
    Path dir;

    static final Tensor IDS = Tensor.constant(NDArray.oneHot(DType.F32, new int[] {0, 3, 4, 1}, 5));

    private Path savedForTorch(Block m) throws IOException {
        Path p = dir.resolve("torch.safetensors");
        Checkpoint.save(m, p, SaveOptions.pytorchCompatible());
        return p;
    }

    @Test
    void everyNameIsStoredWithItsTransformedValueAndTheTiesAreRecorded() throws IOException {
        TiedNet m = new TiedNet(true, DType.F32);
        SafetensorsFile f = SafetensorsFile.read(savedForTorch(m));
        assertEquals(List.of("decoder.bias", "decoder.weight", "embed.weight", "encoder.bias", "encoder.weight", "head.bias", "head.weight"),
                f.tensors().stream().map(TensorInfo::name).sorted().toList());
        assertEquals("pt", f.metadata().get("format"));
        assertEquals("2", f.metadata().get(Checkpoint.FORMAT_KEY));
        assertEquals(List.of(new Alias("decoder.weight", "encoder.weight", "transpose", true), new Alias("head.weight", "embed.weight", "identity", true)),
                Checkpoint.ties(f));
        assertArrayEquals(m.encoder.weight().value().mT().f32(), f.array("decoder.weight").f32());
        assertArrayEquals(m.embed.weight().value().f32(), f.array("head.weight").f32());
    }

    @Test
    void motifReloadsItTiedIntoTiedAndUntiedModels() throws IOException {
        TiedNet saved = new TiedNet(true, DType.F32);
        Path p = savedForTorch(saved);
        TiedNet tied = new TiedNet(true, DType.F32);
        Nets.fill(tied, 2.5);
        assertTrue(Checkpoint.load(tied, p).isComplete());
        assertEquals(0.0, saved.forward(IDS).value().maxAbsDiff(tied.forward(IDS).value()));

        TiedNet untied = new TiedNet(false, DType.F32);
        LoadReport r = Checkpoint.load(untied, p);
        assertSame(untied.embed.weight(), site(untied, "head.weight").parameter());
        assertSame(untied.encoder.weight(), site(untied, "decoder.weight").tie().owner());
        assertEquals(5, untied.parameters().size());
        assertEquals(0.0, saved.forward(IDS).value().maxAbsDiff(untied.forward(IDS).value()));
        assertContains(r.notes(), "'head.weight' now uses the parameter at 'embed.weight': the file stores them as one tensor",
                "'decoder.weight' is now transpose of 'encoder.weight', as the file records");
    }

    @Test
    void readByNameAloneItIsTheUntiedModel() throws IOException {
        // What a tool that ignores Motif's metadata (PyTorch) sees: one tensor per name.
        TiedNet saved = new TiedNet(true, DType.F32);
        SafetensorsFile f = SafetensorsFile.read(savedForTorch(saved));
        SafetensorsFile.Writer w = SafetensorsFile.writer();
        for (TensorInfo t : f.tensors()) w.add(t.name(), f.array(t.name()));
        Path plain = dir.resolve("plain.safetensors");
        w.write(plain);
        TiedNet untied = new TiedNet(false, DType.F32);
        Checkpoint.load(untied, plain);
        assertEquals(7, untied.parameters().size());
        assertEquals(0.0, saved.forward(IDS).value().maxAbsDiff(untied.forward(IDS).value()));
    }

    @Test
    void aCopyChangedBehindTheMetadataIsNamed() throws IOException {
        SafetensorsFile f = SafetensorsFile.read(savedForTorch(new TiedNet(true, DType.F32)));
        SafetensorsFile.Writer w = SafetensorsFile.writer();
        for (TensorInfo t : f.tensors()) {
            NDArray a = f.array(t.name());
            if (t.name().equals("decoder.weight")) a.setFlat(2, a.getFlat(2) + 0.25);
            w.add(t.name(), a);
        }
        f.metadata().forEach(w::metadata);
        Path p = dir.resolve("edited.safetensors");
        w.write(p);
        CheckpointException e = loadFails(new TiedNet(true, DType.F32), p, LoadOptions.defaults(),
                "the file's own copy of 'decoder.weight' differs from transpose of 'encoder.weight', as the file records it, by up to 0.25 (at [0, 2]: ",
                "the file contradicts itself");
        assertEquals(1, e.problems().size(), e.getMessage());
    }

    @Test
    void userMetadataIsKeptAndFormatIsTheirsIfGiven() throws IOException {
        Path p = dir.resolve("meta.safetensors");
        Checkpoint.save(new TiedNet(true, DType.F32), p, SaveOptions.pytorchCompatible().metadata("format", "motif-pt").metadata(Map.of("epoch", "3")));
        SafetensorsFile f = SafetensorsFile.read(p);
        assertEquals("motif-pt", f.metadata().get("format"));
        assertEquals("3", f.metadata().get("epoch"));
    }

    /** One Linear + BatchNorm1d in both arms: PyTorch's state dict lists the shared block's buffers under both paths. */
    static final class Siamese extends Block {
        Siamese(boolean shared, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            Sequential arm = child("left", new Sequential(new Linear(3, 2, DType.F64, rng), new BatchNorm1d(2, DType.F64)));
            child("right", shared ? arm : new Sequential(new Linear(3, 2, DType.F64, rng), new BatchNorm1d(2, DType.F64)));
        }

        Tensor pair(Tensor a, Tensor b) {
            return children().get("left").forward(a).sub(children().get("right").forward(b));
        }
    }

    @Test
    void aSharedBlocksBuffersAreStoredUnderEveryPath() throws IOException {
        Siamese saved = new Siamese(true, 1);
        for (int i = 0; i < 3; i++) saved.pair(Tensor.constant(Nets.wave(DType.F64, i, 4, 3)), Tensor.constant(Nets.wave(DType.F64, i + 9, 4, 3)));
        saved.eval();
        Path p = savedForTorch(saved);
        SafetensorsFile f = SafetensorsFile.read(p);
        assertTrue(f.contains("right.1.running_mean") && f.contains("left.1.running_var"), f.tensors().toString());
        assertEquals("[\"left.1.running_mean\",\"right.1.running_mean\",\"left.1.running_var\",\"right.1.running_var\"]", f.metadata().get(Checkpoint.BUFFERS_KEY));
        assertTrue(f.array("right.1.running_mean").contentEquals(saved.namedBuffers().get("left.1.running_mean")));
        assertTrue(saved.namedBuffers().get("left.1.running_mean").maxAbsDiff(NDArray.zeros(DType.F64, 2)) > 0.01, "trained statistics");

        Tensor a = Tensor.constant(Nets.wave(DType.F64, 0.5, 2, 3)), b = Tensor.constant(Nets.wave(DType.F64, 4, 2, 3));
        Siamese shared = new Siamese(true, 2).eval();
        assertTrue(Checkpoint.load(shared, p).isComplete());
        assertEquals(0.0, Autodiff.noGrad(() -> saved.pair(a, b)).value().maxAbsDiff(Autodiff.noGrad(() -> shared.pair(a, b)).value()));

        Siamese towers = new Siamese(false, 3).eval();
        Checkpoint.load(towers, p);
        assertEquals(4, towers.parameters().size(), "the arms share their parameters again, as the file records");
        assertSame(site(towers, "left.0.weight").parameter(), site(towers, "right.0.weight").parameter());
        assertTrue(towers.namedBuffers().get("right.1.running_var").contentEquals(saved.namedBuffers().get("left.1.running_var")));
        assertEquals(0.0, Autodiff.noGrad(() -> saved.pair(a, b)).value().maxAbsDiff(Autodiff.noGrad(() -> towers.pair(a, b)).value()));

        // Motif's own layout stores the shared buffers once; the shared model finds them there.
        Path compact = dir.resolve("compact.safetensors");
        Checkpoint.save(saved, compact);
        assertEquals("[\"left.1.running_mean\",\"left.1.running_var\"]", SafetensorsFile.read(compact).metadata().get(Checkpoint.BUFFERS_KEY));
        assertTrue(Checkpoint.load(new Siamese(true, 4).eval(), compact).isComplete());
    }
}
