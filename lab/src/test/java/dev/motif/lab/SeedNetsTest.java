package dev.motif.lab;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.autodiff.Tensor;
import dev.motif.nn.Sequential;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SeedNetsTest {

    @Test
    void parameterCountsAreThoseOfThePyTorchPeer() {
        // The counts bench/peers/torch_train.py prints for the same architectures.
        assertEquals(20_490, SeedNets.conv(DType.F32, new SplittableRandom(1)).parameterCount());
        assertEquals(1_050_570, SeedNets.local(DType.F32, new SplittableRandom(1)).parameterCount());
        assertEquals(235_146, SeedNets.dense(DType.F32, new SplittableRandom(1)).parameterCount());
    }

    @Test
    void theConvsUntiedTwinHasTheLocalArchitectureAndTheSameFunction() {
        Sequential conv = SeedNets.conv(DType.F64, new SplittableRandom(3));
        Sequential twin = conv.untie(1, 1, 28, 28);
        assertEquals(1_050_570, twin.parameterCount());
        Tensor x = Tensor.constant(Init.normal(new SplittableRandom(4), DType.F64, 0, 1, 2, 1, 28, 28));
        assertArrayEquals(conv.forward(x).value().toDoubleArray(), twin.forward(x).value().toDoubleArray(), 1e-12);
    }

    @Test
    void everyArchitectureMapsABatchToTenLogits() {
        for (SeedNets.Arch a : SeedNets.Arch.values()) {
            Sequential m = SeedNets.build(a, DType.F32, new SplittableRandom(2));
            assertArrayEquals(new int[] {3, 10}, m.outputShape(3, 1, 28, 28), a.toString());
        }
    }

    @Test
    void architecturesParseByNameAndRefuseOthers() {
        assertEquals(SeedNets.Arch.LOCAL, SeedNets.Arch.parse("Local"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SeedNets.Arch.parse("mlp"));
        assertEquals("unknown architecture 'mlp': expected conv, local or dense", e.getMessage());
    }
}
