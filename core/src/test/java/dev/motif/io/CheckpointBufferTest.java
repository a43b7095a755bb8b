package dev.motif.io;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
import dev.motif.nn.BatchNorm2d;
import dev.motif.nn.Conv2d;
import dev.motif.nn.Block;
import dev.motif.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Buffers (a batch norm's running statistics) travel with a checkpoint, so evaluation is the same after loading. */
class CheckpointBufferTest {
    @TempDir
    Path dir;

    static Sequential net(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(new Conv2d(2, 3, 3, DType.F64, rng), new BatchNorm2d(3, DType.F64));
    }

    static Tensor input(long seed) {
        return Tensor.constant(Init.normal(new SplittableRandom(seed), DType.F64, 0, 1, 4, 2, 5, 5));
    }

    @Test
    void runningStatisticsAreSavedAndRestored() throws IOException {
        Sequential trained = net(1);
        for (int i = 0; i < 3; i++) trained.forward(input(10 + i)); // training mode updates the running statistics
        trained.eval();
        Path p = dir.resolve("bn.safetensors");
        Checkpoint.save(trained, p);

        SafetensorsFile f = SafetensorsFile.read(p);
        // PyTorch's names, so a state dict's running statistics load by name.
        assertEquals("[\"1.running_mean\",\"1.running_var\"]", f.metadata().get(Checkpoint.BUFFERS_KEY));
        assertTrue(f.contains("1.running_mean") && f.contains("1.running_var"));

        Sequential fresh = net(2);
        fresh.eval();
        Checkpoint.load(fresh, p);
        for (Map.Entry<String, NDArray> b : trained.namedBuffers().entrySet()) {
            assertTrue(b.getValue().contentEquals(fresh.namedBuffers().get(b.getKey())), b.getKey());
        }
        assertArrayEquals(trained.forward(input(99)).value().toDoubleArray(), fresh.forward(input(99)).value().toDoubleArray(), 0);
    }

    @Test
    void aMissingBufferIsNamedAndNothingChanges() throws IOException {
        Path p = dir.resolve("conv-only.safetensors");
        Sequential convOnly = new Sequential(new Conv2d(2, 3, 3, DType.F64, new SplittableRandom(3)), new Block() {});
        Checkpoint.save(convOnly, p);
        Sequential target = net(4);
        List<NDArray> before = target.buffers().stream().map(NDArray::copy).toList();
        NDArray weightBefore = target.parameters().get(0).value();
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(target, p));
        assertTrue(e.getMessage().contains("missing buffer '1."), e.getMessage());
        assertTrue(e.getMessage().contains("missing tensor '1.weight'"), e.getMessage());
        for (int i = 0; i < before.size(); i++) assertTrue(before.get(i).contentEquals(target.buffers().get(i)));
        assertTrue(weightBefore.contentEquals(target.parameters().get(0).value()));
    }
}
