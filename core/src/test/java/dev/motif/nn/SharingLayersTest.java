package dev.motif.nn;

import dev.motif.array.DType;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-layer counts: shared, untied and fully connected, with the seeds' numbers. */
class SharingLayersTest {
    final SplittableRandom rng = new SplittableRandom(1);

    @Test
    void aFullyConnectedLayerFromA32x32ImageToOneOutputHas1025Parameters() {
        SharingReport.Layers t = SharingReport.layers(new Sequential(new Flatten(), new Linear(1024, 1, DType.F32, rng)), 1, 32, 32);
        SharingReport.Layer linear = t.layers().get(1);
        assertEquals(1025, linear.uniqueParams());
        assertEquals(1025, linear.untiedParams());
        assertEquals(1025, linear.denseParams());
        assertArrayEquals(new int[] {1024}, linear.inputShape());
        assertArrayEquals(new int[] {1}, linear.outputShape());
        assertEquals(0, t.layers().get(0).denseParams());
        assertEquals(1025, t.uniqueTotal());
    }

    @Test
    void a3x3ConvolutionToOneChannelHas10() {
        SharingReport.Layers t = SharingReport.layers(new Sequential(new Conv2d(1, 1, 3, ConvOptions.DEFAULT.padding(1), DType.F32, rng)), 1, 32, 32);
        SharingReport.Layer conv = t.layers().get(0);
        assertEquals(10, conv.uniqueParams());
        assertEquals(1024 * 10, conv.untiedParams(), "a kernel and a bias at each of the 1,024 positions");
        assertEquals(1024L * 1024 + 1024, conv.denseParams());
    }

    @Test
    void a3x3ConvolutionFrom3To16ChannelsHas448() {
        assertEquals(448, new Conv2d(3, 16, 3, DType.F32, rng).parameterCount());
        SharingReport.Layer conv = SharingReport.layers(new Sequential(new Conv2d(3, 16, 3, DType.F32, rng)), 3, 32, 32).layers().get(0);
        assertEquals(448, conv.uniqueParams());
        assertEquals(30L * 30 * 448, conv.untiedParams());
    }

    @Test
    void aFullyConnectedMapFrom32x32x3To32x32x3Has9437184WeightsPlus3072Biases() {
        SharingReport.Layer conv = SharingReport.layers(new Sequential(new Conv2d(3, 3, 3, ConvOptions.DEFAULT.samePadding(), DType.F32, rng)), 3, 32, 32)
                .layers().get(0);
        assertArrayEquals(new int[] {3, 32, 32}, conv.outputShape());
        assertEquals(9_437_184L + 3_072L, conv.denseParams());
        assertEquals(84, conv.uniqueParams());
    }

    @Test
    void theSeedCnnTableAndItsTotals() {
        SplittableRandom r = new SplittableRandom(2);
        Conv2d shared = new Conv2d(16, 16, 3, ConvOptions.DEFAULT.padding(1), DType.F32, r);
        Sequential cnn = new Sequential(new Conv2d(1, 16, 3, ConvOptions.DEFAULT.padding(1), DType.F32, r), Activation.relu(),
                shared, shared, new Flatten(), new Linear(16 * 28 * 28, 10, DType.F32, r));
        SharingReport.Layers t = SharingReport.layers(cnn, 1, 28, 28);
        assertEquals(6, t.layers().size());
        assertEquals(160 + 2320 + 0 + 125_450, t.uniqueTotal(), "the shared convolution counts once");
        assertEquals(cnn.parameterCount(), t.uniqueTotal());
        assertEquals(784L * 160 + 2 * 784L * 2320 + 125_450, t.untiedTotal());
        assertEquals(cnn.untiedParameterCount(1, 1, 28, 28), t.untiedTotal());
        long d1 = 784L * 12544 + 12544, d2 = 12544L * 12544 + 12544, d3 = 12544L * 10 + 10;
        assertEquals(d1 + 2 * d2 + d3, t.denseTotal());
        assertEquals(0, t.layers().get(3).uniqueParams());
        assertEquals(2320, t.layers().get(3).untiedParams() / 784);
        String table = t.toTable();
        assertTrue(table.contains("Conv2d(16 -> 16, 3x3, padding 1)") && table.contains("[16, 28, 28]") && table.contains("127,930") && table.contains("3,888,650")
                && table.contains("total"), table);
    }
}
