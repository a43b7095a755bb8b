package dev.motif.io;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.io.Nets.TiedNet;
import dev.motif.nn.Block;
import dev.motif.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import static dev.motif.io.CheckpointTieTest.assertContains;
import static dev.motif.io.Nets.site;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PyTorch round trips of bench/peers/torch_checkpoint.py, checked without PyTorch through the
 * files it read and wrote (src/test/resources/dev/motif/io/torch):
 * <ul>
 * <li>motif-*.safetensors: written here with {@link SaveOptions#pytorchCompatible()}; the script
 * loads them into the same nets in torch with {@code load_state_dict(strict=True)} and compares
 * the outputs with motif-io.safetensors, Motif's outputs on the same inputs;</li>
 * <li>torch-*.safetensors: the script's state dicts (a DataParallel net with batch-norm
 * statistics and its step counter; a tied net under "model." with both names of each tie) and
 * torch-io.safetensors, PyTorch's inputs and outputs, which Motif must reproduce here.</li>
 * </ul>
 * Run with {@code -Dmotif.writeFixtures=DIR} to write Motif's files into DIR instead of checking them.
 */
class TorchFixtureTest {
    /** What F32 arithmetic in another order (PyTorch's kernels against Motif's) may change in these small nets. */
    static final double F32_TOLERANCE = 2e-6;

    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Path.of(Objects.requireNonNull(TorchFixtureTest.class.getResource("torch/" + name), "fixture " + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static NDArray convInput() {
        return Nets.wave(DType.F32, 0.4, 2, 1, 5, 5);
    }

    static NDArray tiedInput() {
        return NDArray.oneHot(DType.F32, new int[] {0, 3, 4, 1}, 5);
    }

    private static NDArray output(Block m, NDArray x) {
        return Autodiff.noGrad(() -> m.forward(Tensor.constant(x))).value();
    }

    private static void assertClose(NDArray expected, NDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        assertTrue(expected.maxAbsDiff(actual) < F32_TOLERANCE, what + ": max |difference| " + expected.maxAbsDiff(actual));
    }

    // ---------------------------------------------------------------- Motif writes, PyTorch reads

    @Test
    void motifsFilesForPytorchAreWhatThisMotifWrites() throws IOException {
        String target = System.getProperty("motif.writeFixtures");
        Path out = target == null ? dir : Files.createDirectories(Path.of(target));
        Sequential conv = Nets.convNet(DType.F32);
        TiedNet tied = new TiedNet(true, DType.F32);
        Checkpoint.save(conv, out.resolve("motif-convnet.safetensors"), SaveOptions.pytorchCompatible());
        Checkpoint.save(tied, out.resolve("motif-tied.safetensors"), SaveOptions.pytorchCompatible());
        NDArray convY = output(conv, convInput()), tiedY = output(tied, tiedInput());
        if (target != null) {
            SafetensorsFile.writer().add("convnet.x", convInput()).add("convnet.y", convY).add("tied.x", tiedInput()).add("tied.y", tiedY)
                    .write(out.resolve("motif-io.safetensors"));
            return;
        }
        for (String name : List.of("motif-convnet.safetensors", "motif-tied.safetensors")) {
            assertArrayEquals(Files.readAllBytes(fixture(name)), Files.readAllBytes(out.resolve(name)),
                    name + " changed: rerun the PyTorch check (bench/README.md, 'Checkpoints and PyTorch') and commit the new fixtures");
        }
        SafetensorsFile io = SafetensorsFile.read(fixture("motif-io.safetensors"));
        assertTrue(io.array("convnet.x").contentEquals(convInput()) && io.array("tied.x").contentEquals(tiedInput()));
        assertClose(io.array("convnet.y"), convY, "conv net output against the one PyTorch checked");
        assertClose(io.array("tied.y"), tiedY, "tied net output against the one PyTorch checked");
    }

    // ---------------------------------------------------------------- PyTorch writes, Motif reads

    @Test
    void aDataParallelStateDictWithBatchNormStatisticsLoadsAndComputesWhatPytorchComputed() throws IOException {
        Sequential net = Nets.convNet(DType.F32);
        LoadReport r = Checkpoint.load(net, fixture("torch-convnet.safetensors"), LoadOptions.defaults().stripPrefix("module."));
        assertTrue(r.isComplete(), r.toString());
        assertEquals(List.of("ignored '1.num_batches_tracked' (file name 'module.1.num_batches_tracked') (I64 [] = 3): "
                + "PyTorch's count of batch-norm training steps, which Motif's batch norm does not keep"), r.notes());
        SafetensorsFile io = SafetensorsFile.read(fixture("torch-io.safetensors"));
        assertClose(io.array("convnet.y"), output(net, io.array("convnet.x")), "Motif's output against PyTorch's");
        assertTrue(net.namedBuffers().get("1.running_var").maxAbsDiff(NDArray.ones(DType.F32, 2)) > 1e-3, "PyTorch's trained statistics, not the defaults");

        Sequential trunk = new Sequential(net.layers().get(0), net.layers().get(1));
        r = Checkpoint.load(trunk, fixture("torch-convnet.safetensors"), LoadOptions.defaults().stripPrefix("module.").strict(false));
        assertEquals(List.of("module.4.bias", "module.4.weight"), r.unexpected());
    }

    @Test
    void aTiedStateDictWithBothNamesLoadsTiedAndComputesWhatPytorchComputed() throws IOException {
        Path file = fixture("torch-tied.safetensors");
        SafetensorsFile f = SafetensorsFile.read(file);
        assertTrue(f.contains("model.head.weight") && f.contains("model.decoder.weight") && f.metadata().get(Checkpoint.ALIASES_KEY) == null,
                "a plain state dict with both names of each tie: " + f.tensors());
        SafetensorsFile io = SafetensorsFile.read(fixture("torch-io.safetensors"));

        TiedNet tied = new TiedNet(true, DType.F32);
        LoadReport r = Checkpoint.load(tied, file, LoadOptions.defaults().stripPrefix("model."));
        assertSame(tied.embed.weight(), site(tied, "head.weight").parameter());
        assertSame(tied.encoder.weight(), site(tied, "decoder.weight").tie().owner());
        assertContains(r.notes(), "'head.weight' (file name 'model.head.weight') is stored as a separate tensor; it equals 'embed.weight'",
                "'decoder.weight' is stored as a separate tensor; it equals the model's tie (transpose of 'encoder.weight')");
        assertClose(io.array("tied.y"), output(tied, io.array("tied.x")), "tied Motif net against PyTorch");

        TiedNet untied = new TiedNet(false, DType.F32);
        Checkpoint.load(untied, file, LoadOptions.defaults().stripPrefix("model."));
        assertEquals(7, untied.parameters().size(), "by name, an untied model stays untied");
        assertClose(io.array("tied.y"), output(untied, io.array("tied.x")), "untied Motif net against PyTorch");
    }
}
