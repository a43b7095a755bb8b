package dev.motif.io;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.io.Nets.AutoEncoder;
import dev.motif.io.Nets.TiedNet;
import dev.motif.nn.Activation;
import dev.motif.nn.BatchNorm2d;
import dev.motif.nn.Block;
import dev.motif.nn.Conv2d;
import dev.motif.nn.Flatten;
import dev.motif.nn.Linear;
import dev.motif.nn.Parameter;
import dev.motif.nn.ParameterUse;
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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files as {@code safetensors.torch.save_file(model.state_dict())} writes them: no Motif metadata,
 * PyTorch's names (with "module." from DataParallel), both names of tied weights, and batch
 * norm's num_batches_tracked counter.
 */
class PytorchStateDictTest {
    @TempDir
    Path dir;

    static final Tensor IMAGES = Tensor.constant(Nets.wave(DType.F32, 0.4, 2, 1, 5, 5));

    /** The model's parameters and buffers as a state dict, each name once per site, names prefixed. */
    private Path stateDict(Block m, String prefix, String name, boolean counter) throws IOException {
        SafetensorsFile.Writer w = SafetensorsFile.writer().metadata("format", "pt");
        for (ParameterUse u : m.parameterUses()) {
            w.add(prefix + u.path(), u.tie() == null ? u.parameter().value() : Autodiff.noGrad(u.tie()::value).value());
        }
        for (Map.Entry<String, NDArray> b : m.namedBuffers().entrySet()) w.add(prefix + b.getKey(), b.getValue());
        if (counter) w.addLongs(prefix + "1.num_batches_tracked", new long[] {7});
        Path p = dir.resolve(name);
        w.write(p);
        return p;
    }

    /** The conv net with initial values of its own, with or without its flatten and linear head. */
    private static Sequential freshConvNet(boolean head) {
        SplittableRandom rng = new SplittableRandom(9);
        Sequential net = new Sequential(new Conv2d(1, 2, 3, DType.F32, rng), new BatchNorm2d(2, DType.F32), Activation.relu());
        if (head) net.add(new Flatten()).add(new Linear(18, 3, DType.F32, rng));
        return net.eval();
    }

    private static void assertSameOutput(Block expected, Block actual, Tensor x) {
        assertEquals(0.0, expected.forward(x).value().maxAbsDiff(actual.forward(x).value()));
    }

    @Test
    void dataParallelNamesLoadStrictlyWithThePrefixStrippedAndTheCounterIgnored() throws IOException {
        Sequential source = Nets.convNet(DType.F32);
        Path p = stateDict(source, "module.", "dp.safetensors", true);
        Sequential target = freshConvNet(true);
        LoadReport r = Checkpoint.load(target, p, LoadOptions.defaults().stripPrefix("module."));
        assertSameOutput(source, target, IMAGES);
        assertTrue(r.isComplete(), r.toString());
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias", "1.running_mean", "1.running_var"), r.loaded());
        assertEquals(List.of("ignored '1.num_batches_tracked' (file name 'module.1.num_batches_tracked') (I64 [] = 7): "
                + "PyTorch's count of batch-norm training steps, which Motif's batch norm does not keep"), r.notes());
        assertTrue(source.namedBuffers().get("1.running_var").contentEquals(target.namedBuffers().get("1.running_var")));
    }

    @Test
    void withoutThePrefixAStrictLoadListsEverythingAndSuggestsTheOption() throws IOException {
        Path p = stateDict(Nets.convNet(DType.F32), "module.", "dp.safetensors", true);
        CheckpointException e = loadFails(Nets.convNet(DType.F32), p, LoadOptions.defaults(),
                "try LoadOptions.defaults().stripPrefix(\"module.\")",
                "missing tensor '0.weight': the model has a F32 [2, 1, 3, 3] parameter there",
                "missing buffer '1.running_mean'", "unexpected tensor 'module.4.bias' (F32 [3])",
                "unexpected tensor 'module.1.num_batches_tracked' (I64 [])");
        assertEquals(6 + 2 + 9, e.problems().size(), e.getMessage());
    }

    @Test
    void aNonStrictLoadLoadsWhatMatchesAndReportsTheRest() throws IOException {
        Sequential source = Nets.convNet(DType.F32);
        Path p = stateDict(source, "model.", "lightning.safetensors", true);

        // The model lacks the head: its tensors are unexpected, the rest loads.
        Sequential trunk = freshConvNet(false);
        LoadReport r = Checkpoint.load(trunk, p, LoadOptions.defaults().stripPrefix("model.").strict(false));
        assertEquals(List.of("model.4.bias", "model.4.weight"), r.unexpected(), "in file order");
        assertEquals(List.of(), r.missing());
        assertFalse(r.isComplete());
        assertTrue(source.parameters().get(0).value().contentEquals(trunk.parameters().get(0).value()));

        // The model has a layer more: its parameters are missing and keep their values.
        Sequential longer = Nets.convNet(DType.F32);
        longer.add(new Linear(3, 2, DType.F32, new SplittableRandom(3)));
        NDArray before = site(longer, "5.weight").parameter().value().copy();
        r = Checkpoint.load(longer, p, LoadOptions.defaults().stripPrefix("model.").strict(false));
        assertEquals(List.of("5.weight", "5.bias"), r.missing());
        assertEquals(List.of(), r.unexpected());
        assertTrue(before.contentEquals(site(longer, "5.weight").parameter().value()));
        assertTrue(r.toString().contains("missing (kept as they were): 5.weight, 5.bias"), r.toString());

        // Strict, the same file fails and names both.
        loadFails(Nets.convNet(DType.F32).add(new Linear(3, 2, DType.F32, new SplittableRandom(3))), p,
                LoadOptions.defaults().stripPrefix("model."), "missing tensor '5.weight'", "missing tensor '5.bias'");
    }

    @Test
    void shapesMustAgreeEvenWhenNotStrict() throws IOException {
        Path p = stateDict(Nets.convNet(DType.F32), "", "plain.safetensors", false);
        Sequential wider = new Sequential(new Conv2d(1, 3, 3, DType.F32, new SplittableRandom(9)));
        loadFails(wider, p, LoadOptions.defaults().strict(false), "shape mismatch at '0.weight': model expects [3, 1, 3, 3], file has [2, 1, 3, 3]",
                "shape mismatch at '0.bias'");
    }

    @Test
    void renamingByMapAndByFunction() throws IOException {
        Sequential source = Nets.convNet(DType.F32);
        SafetensorsFile.Writer w = SafetensorsFile.writer();
        w.add("features.conv.weight", source.parameters().get(0).value()).add("features.conv.bias", source.parameters().get(1).value());
        w.add("bn.weight", source.parameters().get(2).value()).add("bn.bias", source.parameters().get(3).value());
        w.add("bn.running_mean", source.namedBuffers().get("1.running_mean")).add("bn.running_var", source.namedBuffers().get("1.running_var"));
        w.add("fc.weight", source.parameters().get(4).value()).add("fc.bias", source.parameters().get(5).value());
        Path p = dir.resolve("renamed.safetensors");
        w.write(p);
        Sequential target = Nets.convNet(DType.F32);
        Nets.fill(target, 2.0);
        LoadReport r = Checkpoint.load(target, p, LoadOptions.defaults().stripPrefix("features.")
                .rename(Map.of("conv.weight", "0.weight", "conv.bias", "0.bias"))
                .rename(n -> n.replace("bn.", "1.").replace("fc.", "4.")));
        assertSameOutput(source, target, IMAGES);
        assertEquals(8, r.loaded().size());

        CheckpointException e = loadFails(target, p, LoadOptions.defaults().rename(n -> n.startsWith("bn.") ? "x" : n), "tensors '");
        assertTrue(e.getMessage().contains("both become 'x' after LoadOptions.defaults().rename(function)"), e.getMessage());
        loadFails(target, p, LoadOptions.defaults().rename(n -> n.startsWith("fc.") ? null : n),
                "the renaming LoadOptions.defaults().rename(function) gives no model path for tensor 'fc.");
    }

    @Test
    void theCounterIsIgnoredOnlyBesideABatchNorm() throws IOException {
        Path p = dir.resolve("counter.safetensors");
        AutoEncoder m = new AutoEncoder(false, 4, 3, DType.F64, 1);
        SafetensorsFile.Writer w = SafetensorsFile.writer();
        for (ParameterUse u : m.parameterUses()) w.add(u.path(), u.parameter().value());
        w.addLongs("encoder.num_batches_tracked", new long[] {3}).write(p);
        loadFails(new AutoEncoder(false, 4, 3, DType.F64, 2), p, LoadOptions.defaults(), "unexpected tensor 'encoder.num_batches_tracked' (I64 [])");
    }

    // ---------------------------------------------------------------- both names of a tie

    @Test
    void bothNamesOfTiedWeightsLoadTiedAfterTheirValuesAreChecked() throws IOException {
        TiedNet source = new TiedNet(true, DType.F32);
        Path p = stateDict(source, "", "tied.safetensors", false);
        SafetensorsFile f = SafetensorsFile.read(p);
        assertTrue(f.contains("head.weight") && f.contains("decoder.weight"), "state_dict lists every name");

        TiedNet target = new TiedNet(true, DType.F32);
        Nets.fill(target, 1.7);
        Parameter embed = target.embed.weight(), encoder = target.encoder.weight();
        LoadReport r = Checkpoint.load(target, p);
        assertSame(embed, site(target, "head.weight").parameter());
        assertSame(encoder, site(target, "decoder.weight").tie().owner());
        assertEquals(5, target.parameters().size(), "embed, encoder weight and bias, decoder bias, head bias");
        Tensor ids = Tensor.constant(NDArray.oneHot(DType.F32, new int[] {0, 3, 4}, 5));
        assertSameOutput(source, target, ids);
        assertContains(r.notes(), "'head.weight' is stored as a separate tensor; it equals 'embed.weight', the parameter the model shares there, which stays shared",
                "'decoder.weight' is stored as a separate tensor; it equals the model's tie (transpose of 'encoder.weight'), which is kept");
        assertTrue(r.isComplete());
    }

    @Test
    void bothNamesWithDifferentValuesAreAProblem() throws IOException {
        TiedNet untied = new TiedNet(false, DType.F32); // head.weight and decoder.weight have values of their own
        Path p = stateDict(untied, "", "untied.safetensors", false);
        CheckpointException e = loadFails(new TiedNet(true, DType.F32), p, LoadOptions.defaults(),
                "the model ties 'decoder.weight' as transpose of 'encoder.weight', but the file stores 'decoder.weight' as a separate tensor",
                "the model ties [embed.weight, head.weight] (one parameter), but the file stores them as separate tensors [embed.weight, head.weight] whose values differ");
        assertEquals(2, e.problems().size(), e.getMessage());
        // Loaded into the untied model, they are simply its parameters.
        TiedNet target = new TiedNet(false, DType.F32);
        Nets.fill(target, 1.1);
        Checkpoint.load(target, p);
        assertSameOutput(untied, target, Tensor.constant(NDArray.oneHot(DType.F32, new int[] {1, 2}, 5)));
    }

    @Test
    void oneNameOfTiedWeightsIsEnoughForATiedModel() throws IOException {
        // What safetensors' save_model writes: shared tensors once.
        TiedNet source = new TiedNet(true, DType.F32);
        SafetensorsFile.Writer w = SafetensorsFile.writer();
        for (ParameterUse u : source.parameterUses()) if (u.tie() == null && !u.path().equals("head.weight")) w.add(u.path(), u.parameter().value());
        Path p = dir.resolve("dedup.safetensors");
        w.write(p);
        TiedNet target = new TiedNet(true, DType.F32);
        Nets.fill(target, 0.9);
        LoadReport r = Checkpoint.load(target, p);
        assertSameOutput(source, target, Tensor.constant(NDArray.oneHot(DType.F32, new int[] {4, 0}, 5)));
        assertContains(r.notes(), "'head.weight' is not in the file; the model's parameter there is the one loaded at 'embed.weight'",
                "'decoder.weight' is not in the file; the model's transpose tie there is of the parameter loaded at 'encoder.weight'");
        loadFails(new TiedNet(false, DType.F32), p, LoadOptions.defaults(), "missing tensor 'decoder.weight'", "missing tensor 'head.weight'");
    }
}
