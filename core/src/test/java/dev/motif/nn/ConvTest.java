package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conv1d, Conv2d, their locally connected twins and Flatten against the textbook sum, hand values and shape errors. */
class ConvTest {

    /** Geometries: kernel (h, w), stride, padding, dilation, groups, same padding. */
    record G(int kh, int kw, int stride, int pad, int dil, int groups, boolean same) {
        ConvOptions options(boolean bias) {
            ConvOptions o = ConvOptions.DEFAULT.stride(stride).dilation(dil).groups(groups).bias(bias);
            return same ? o.samePadding() : o.padding(pad);
        }
    }

    static final G[] GEOMETRIES = {
            new G(3, 3, 1, 0, 1, 1, false), new G(3, 2, 2, 1, 1, 1, false), new G(2, 3, 1, 2, 2, 1, false),
            new G(3, 3, 2, 1, 1, 2, false), new G(2, 2, 1, 0, 1, 1, true), new G(3, 3, 1, 0, 2, 2, true), new G(1, 1, 3, 0, 1, 4, false),
            new G(1, 1, 1, 0, 1, 2, false)}; // the last: a pointwise kernel, which needs no unfolding

    private static NDArray random(SplittableRandom r, int... shape) {
        return Init.uniform(r, DType.F64, -1, 1, shape);
    }

    @Test
    void theSeedExample() {
        Conv2d conv = new Conv2d(1, 1, 2, ConvOptions.DEFAULT.bias(false), DType.F64, new SplittableRandom(1));
        conv.weight().set(NDArray.ones(DType.F64, 1, 1, 2, 2));
        Tensor x = Tensor.constant(NDArray.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3));
        NDArray y = conv.forward(x).value();
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
        assertArrayEquals(new double[] {12, 16, 24, 28}, y.toDoubleArray());
        assertNull(conv.bias());
    }

    @Test
    void conv2dIsTheTextbookSum() {
        SplittableRandom r = new SplittableRandom(11);
        for (G g : GEOMETRIES) {
            int in = 4, out = 4;
            Conv2d conv = new Conv2d(in, out, g.kh, g.kw, g.options(true), DType.F64, r);
            NDArray x = random(r, 2, in, 6, 7);
            NDArray w = conv.weight().value(), b = conv.bias().value();
            int[] pads = pads(g);
            NDArray expected = ConvReference.conv(x, out, g.groups, g.kh, g.kw, g.stride, g.stride, pads[0], pads[1], pads[2], pads[3], g.dil, g.dil,
                    (p, o, ci, i, j) -> w.get(o, ci, i, j), (p, o) -> b.get(o));
            NDArray y = conv.forward(Tensor.constant(x)).value();
            assertArrayEquals(expected.shape(), y.shape(), g.toString());
            assertArrayEquals(expected.toDoubleArray(), y.toDoubleArray(), 1e-12, g.toString());
            assertArrayEquals(y.shape(), conv.outputShape(x.shape()), g.toString());
        }
    }

    @Test
    void conv1dIsTheTextbookSum() {
        SplittableRandom r = new SplittableRandom(12);
        for (G g : GEOMETRIES) {
            int in = 4, out = 8;
            Conv1d conv = new Conv1d(in, out, g.kw, g.options(true), DType.F64, r);
            NDArray x = random(r, 3, in, 9);
            NDArray w = conv.weight().value(), b = conv.bias().value();
            int[] pads = pads(new G(1, g.kw, g.stride, g.pad, g.dil, g.groups, g.same));
            NDArray expected = ConvReference.conv(x, out, g.groups, 1, g.kw, 1, g.stride, 0, 0, pads[2], pads[3], 1, g.dil,
                    (p, o, ci, i, j) -> w.get(o, ci, j), (p, o) -> b.get(o));
            NDArray y = conv.forward(Tensor.constant(x)).value();
            assertArrayEquals(expected.shape(), y.shape(), g.toString());
            assertArrayEquals(expected.toDoubleArray(), y.toDoubleArray(), 1e-12, g.toString());
        }
    }

    @Test
    void locallyConnectedLayersAreTheTextbookSumWithAKernelPerPosition() {
        SplittableRandom r = new SplittableRandom(13);
        for (G g : GEOMETRIES) {
            int in = 4, out = 4;
            LocallyConnected2d lc = new LocallyConnected2d(in, out, 6, 7, g.kh, g.kw, g.options(true), DType.F64, r);
            NDArray x = random(r, 2, in, 6, 7);
            NDArray w = lc.weight().value(), b = lc.bias().value();
            int ow = lc.outputSize()[1];
            int[] pads = pads(g);
            NDArray expected = ConvReference.conv(x, out, g.groups, g.kh, g.kw, g.stride, g.stride, pads[0], pads[1], pads[2], pads[3], g.dil, g.dil,
                    (p, o, ci, i, j) -> w.get(p, o, (ci * g.kh + i) * g.kw + j), (p, o) -> b.get(o, p / ow, p % ow));
            NDArray y = lc.forward(Tensor.constant(x)).value();
            assertArrayEquals(expected.shape(), y.shape(), g.toString());
            assertArrayEquals(expected.toDoubleArray(), y.toDoubleArray(), 1e-12, g.toString());

            LocallyConnected1d lc1 = new LocallyConnected1d(in, out, 9, g.kw, g.options(true), DType.F64, r);
            NDArray x1 = random(r, 3, in, 9);
            NDArray w1 = lc1.weight().value(), b1 = lc1.bias().value();
            int[] p1 = pads(new G(1, g.kw, g.stride, g.pad, g.dil, g.groups, g.same));
            NDArray e1 = ConvReference.conv(x1, out, g.groups, 1, g.kw, 1, g.stride, 0, 0, p1[2], p1[3], 1, g.dil,
                    (p, o, ci, i, j) -> w1.get(p, o, ci * g.kw + j), (p, o) -> b1.get(o, p));
            assertArrayEquals(e1.toDoubleArray(), lc1.forward(Tensor.constant(x1)).value().toDoubleArray(), 1e-12, g.toString());
        }
    }

    /** top, bottom, left, right as PyTorch resolves them ("same": the odd zero goes after). */
    private static int[] pads(G g) {
        if (!g.same) return new int[] {g.pad, g.pad, g.pad, g.pad};
        int th = g.dil * (g.kh - 1), tw = g.dil * (g.kw - 1);
        return new int[] {th / 2, th - th / 2, tw / 2, tw - tw / 2};
    }

    @Test
    void parameterShapesFollowPyTorchAndTheDocumentedLayout() {
        SplittableRandom r = new SplittableRandom(3);
        ConvOptions o = ConvOptions.DEFAULT.stride(2).padding(1).groups(2);
        assertArrayEquals(new int[] {16, 2, 3, 5}, new Conv2d(4, 16, 3, 5, o, DType.F64, r).weight().shape());
        assertArrayEquals(new int[] {16, 2, 3}, new Conv1d(4, 16, 3, o, DType.F64, r).weight().shape());
        LocallyConnected2d lc = new LocallyConnected2d(4, 16, 8, 9, 3, 5, o, DType.F64, r);
        assertArrayEquals(new int[] {4, 4}, lc.outputSize());
        assertArrayEquals(new int[] {16, 16, 2 * 3 * 5}, lc.weight().shape());
        assertArrayEquals(new int[] {16, 4, 4}, lc.bias().shape());
        LocallyConnected1d lc1 = new LocallyConnected1d(4, 16, 9, 3, o, DType.F64, r);
        assertArrayEquals(new int[] {5, 16, 6}, lc1.weight().shape());
        assertArrayEquals(new int[] {16, 5}, lc1.bias().shape());
    }

    @Test
    void initialisationIsUniformWithinOneOverRootFanIn() {
        Conv2d conv = new Conv2d(16, 32, 3, ConvOptions.DEFAULT, DType.F64, new SplittableRandom(5));
        double bound = 1 / Math.sqrt(16 * 9), max = 0;
        for (double v : conv.weight().value().toDoubleArray()) max = Math.max(max, Math.abs(v));
        for (double v : conv.bias().value().toDoubleArray()) max = Math.max(max, Math.abs(v));
        assertTrue(max <= bound && max > 0.9 * bound, "largest |value| " + max + " against bound " + bound);
    }

    @Test
    void samePaddingKeepsTheSizeEvenWithAnEvenKernel() {
        Conv2d conv = new Conv2d(2, 3, 4, 2, ConvOptions.DEFAULT.padding("same").dilation(3, 1), DType.F64, new SplittableRandom(2));
        assertArrayEquals(new int[] {5, 3, 7, 6}, conv.forward(Tensor.constant(NDArray.zeros(DType.F64, 5, 2, 7, 6))).shape());
        assertTrue(conv.describe().contains("padding same"), conv.describe());
    }

    @Test
    void float32StaysFloat32() {
        SplittableRandom r = new SplittableRandom(4);
        Conv2d conv = new Conv2d(3, 4, 3, ConvOptions.DEFAULT.padding(1), DType.F32, r);
        Tensor x = Tensor.variable(Init.uniform(r, DType.F32, -1, 1, 2, 3, 5, 5));
        Tensor y = conv.forward(x);
        assertEquals(DType.F32, y.dtype());
        y.sum().backward();
        assertEquals(DType.F32, x.grad().dtype());
        assertEquals(DType.F32, conv.weight().grad().dtype());
        assertEquals(DType.F32, conv.bias().grad().dtype());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(Tensor.constant(NDArray.zeros(DType.F64, 2, 3, 5, 5))));
        assertTrue(e.getMessage().contains("F64") && e.getMessage().contains("F32"), e.getMessage());
    }

    @Test
    void shapeErrorsSayWhatWasExpectedAndWhatCame() {
        SplittableRandom r = new SplittableRandom(6);
        Conv2d conv = new Conv2d(3, 8, 3, ConvOptions.DEFAULT, DType.F64, r);
        String m = message(() -> conv.forward(Tensor.constant(NDArray.zeros(DType.F64, 2, 4, 9, 9))));
        assertTrue(m.contains("Conv2d(3 -> 8, 3x3)") && m.contains("expects 3 input channels, got 4") && m.contains("[2, 4, 9, 9]"), m);
        m = message(() -> conv.forward(Tensor.constant(NDArray.zeros(DType.F64, 3, 9, 9))));
        assertTrue(m.contains("(N, C, H, W)") && m.contains("[3, 9, 9]"), m);
        m = message(() -> conv.outputShape(1, 3, 2, 9));
        assertTrue(m.contains("kernel 3") && m.contains("larger than the padded input height 2") && m.contains("[1, 3, 2, 9]"), m);
        m = message(() -> new Conv1d(3, 8, 5, ConvOptions.DEFAULT.dilation(2).padding(1), DType.F64, r).outputShape(1, 3, 6));
        assertTrue(m.contains("span 9") && m.contains("padded input length 8"), m);
        m = message(() -> new Conv2d(6, 8, 3, ConvOptions.DEFAULT.groups(4), DType.F64, r));
        assertTrue(m.contains("groups 4 must divide both channel counts, got in=6, out=8"), m);
        m = message(() -> new Conv2d(4, 8, 3, ConvOptions.DEFAULT.stride(2).samePadding(), DType.F64, r));
        assertTrue(m.contains("\"same\" needs stride 1") && m.contains("stride 2x2"), m);
        m = message(() -> new LocallyConnected1d(4, 8, 9, 3, ConvOptions.DEFAULT.samePadding().stride(3), DType.F64, r));
        assertTrue(m.contains("LocallyConnected1d") && m.contains("stride 3"), m);
        m = message(() -> ConvOptions.DEFAULT.padding("full"));
        assertTrue(m.contains("\"full\""), m);
        LocallyConnected2d lc = new LocallyConnected2d(3, 2, 5, 5, 3, ConvOptions.DEFAULT, DType.F64, r);
        m = message(() -> lc.forward(Tensor.constant(NDArray.zeros(DType.F64, 1, 3, 6, 5))));
        assertTrue(m.contains("built for inputs of spatial size [5, 5]") && m.contains("[1, 3, 6, 5]"), m);
        m = message(() -> new LocallyConnected2d(3, 2, 2, 5, 3, ConvOptions.DEFAULT, DType.F64, r));
        assertTrue(m.contains("larger than the padded input height 2"), m);
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void flattenKeepsTheBatchAxis() {
        Flatten f = new Flatten();
        NDArray x = NDArray.arange(DType.F64, 2 * 3 * 4 * 5).reshape(2, 3, 4, 5);
        Tensor y = f.forward(Tensor.constant(x));
        assertArrayEquals(new int[] {2, 60}, y.shape());
        assertArrayEquals(x.toDoubleArray(), y.value().toDoubleArray());
        assertArrayEquals(new int[] {7, 1}, f.outputShape(7));
        assertEquals(0, f.parameterCount());
    }

    @Test
    void aConvNetTrainsDownhill() {
        // conv - relu - flatten - linear on a fixed batch: one gradient step lowers the loss.
        SplittableRandom r = new SplittableRandom(8);
        Sequential net = new Sequential(new Conv2d(1, 4, 3, ConvOptions.DEFAULT.padding(1), DType.F64, r), Activation.relu(),
                new Flatten(), new Linear(4 * 6 * 6, 3, DType.F64, r));
        Tensor x = Tensor.constant(random(r, 5, 1, 6, 6));
        int[] labels = {0, 1, 2, 1, 0};
        Tensor loss = Losses.crossEntropy(net.forward(x), labels);
        loss.backward();
        for (Parameter p : net.parameters()) p.set(p.value().sub(p.grad().mul(0.1)));
        double after = Losses.crossEntropy(net.forward(x), labels).item();
        assertTrue(after < loss.item(), "loss " + loss.item() + " -> " + after);
    }
}
