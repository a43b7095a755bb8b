package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
import dev.motif.optim.SGD;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conv -> LocallyConnected: the same function at the moment of untying, no parameter kept, then independent training. */
class UntieConvTest {

    private static void assertSameFunction(Block a, Block b, NDArray x, String what) {
        NDArray ya = a.forward(Tensor.constant(x)).value(), yb = b.forward(Tensor.constant(x)).value();
        assertArrayEquals(ya.shape(), yb.shape(), what);
        assertArrayEquals(ya.toDoubleArray(), yb.toDoubleArray(), 1e-12, what);
    }

    private static void assertHoldsNoneOf(Block original, Block untied) {
        Set<Parameter> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        kept.addAll(original.parameters());
        for (Parameter p : untied.parameters()) assertFalse(kept.contains(p), "untie kept " + p);
        assertEquals(untied.parameterUses().size(), untied.parameters().size(), "nothing is shared after untie");
    }

    /** One SGD step on Σ y·w for fixed weights w. */
    private static void step(Block m, NDArray x, NDArray w) {
        SGD sgd = SGD.builder(m.parameters()).lr(0.1).build();
        sgd.zeroGrad();
        m.forward(Tensor.constant(x)).mul(Tensor.constant(w)).sum().backward();
        sgd.step();
    }

    @Property(tries = 40)
    void anUntiedConvolutionComputesTheSameFunction(@ForAll @IntRange(min = 1, max = 2) int rank, @ForAll @IntRange(min = 1, max = 3) int kh,
                                                   @ForAll @IntRange(min = 1, max = 3) int kw, @ForAll @IntRange(min = 1, max = 2) int stride,
                                                   @ForAll @IntRange(min = 0, max = 2) int pad, @ForAll @IntRange(min = 1, max = 2) int dil,
                                                   @ForAll @IntRange(min = 1, max = 3) int groups, @ForAll boolean same,
                                                   @ForAll boolean bias, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ConvOptions o = ConvOptions.DEFAULT.stride(stride).dilation(dil).groups(groups).bias(bias);
        o = same && stride == 1 ? o.samePadding() : o.padding(pad);
        int in = groups * (1 + r.nextInt(2)), out = groups * (1 + r.nextInt(2));
        int h = 3 + r.nextInt(4), w = 3 + r.nextInt(4);
        if ((kh - 1) * dil + 1 > h + 2 * pad || (kw - 1) * dil + 1 > w + 2 * pad) return; // the kernel does not fit
        ConvLayer conv = rank == 2 ? new Conv2d(in, out, kh, kw, o, DType.F64, r) : new Conv1d(in, out, kw, o, DType.F64, r);
        int[] shape = rank == 2 ? new int[] {2, in, h, w} : new int[] {2, in, w};
        Block twin = conv.untie(shape);
        assertSameFunction(conv, twin, Init.uniform(r, DType.F64, -1, 1, shape), conv.describe());
        assertHoldsNoneOf(conv, twin);
        assertEquals(conv.untiedParameterCount(shape), twin.parameterCount(), conv.describe());
    }

    @Test
    void theUntiedTwinThenTrainsIndependently() {
        SplittableRandom r = new SplittableRandom(5);
        Conv2d conv = new Conv2d(2, 4, 3, ConvOptions.DEFAULT.stride(2).padding(1).groups(2), DType.F64, r);
        int[] shape = {3, 2, 6, 5};
        LocallyConnected2d twin = conv.untie(shape);
        NDArray kernelBefore = conv.weight().value().copy();
        NDArray x = Init.uniform(r, DType.F64, -1, 1, shape);
        NDArray w = Init.uniform(r, DType.F64, -1, 1, conv.outputShape(shape));

        step(twin, x, w);
        assertEquals(0, conv.weight().value().maxAbsDiff(kernelBefore), "training the twin leaves the convolution alone");
        step(conv, x, w);
        // The convolution's step is the sum over positions; the twin's is each position's own, so
        // untying the stepped convolution does not give the stepped twin.
        LocallyConnected2d again = conv.untie(shape);
        assertTrue(again.weight().value().maxAbsDiff(twin.weight().value()) > 1e-3);
        // In the twin, positions now hold different kernels (they started as copies).
        NDArray k = twin.weight().value();
        assertTrue(k.slice(0, 0, 1).maxAbsDiff(k.slice(0, 1, 2)) > 1e-3);
        assertTrue(again.weight().value().slice(0, 0, 1).maxAbsDiff(again.weight().value().slice(0, 1, 2)) == 0);
    }

    @Test
    void locallyConnectedLayersUntieToIndependentCopies() {
        SplittableRandom r = new SplittableRandom(6);
        for (LocallyConnectedLayer lc : List.of(
                new LocallyConnected2d(2, 3, 5, 4, 2, ConvOptions.DEFAULT.padding(1), DType.F64, r),
                new LocallyConnected1d(2, 2, 7, 3, ConvOptions.DEFAULT.dilation(2).groups(2).bias(false), DType.F64, r))) {
            LocallyConnectedLayer copy = lc.untie();
            int[] shape = lc instanceof LocallyConnected2d ? new int[] {2, 2, 5, 4} : new int[] {2, 2, 7};
            assertSameFunction(lc, copy, Init.uniform(r, DType.F64, -1, 1, shape), lc.describe());
            assertHoldsNoneOf(lc, copy);
            assertEquals(lc.parameterCount(), copy.parameterCount());
            assertEquals(lc.parameterCount(), lc.untiedParameterCount(shape));
            NDArray before = lc.weight().value().copy();
            step(copy, Init.uniform(r, DType.F64, -1, 1, shape), Init.uniform(r, DType.F64, -1, 1, lc.outputShape(shape)));
            assertEquals(0, lc.weight().value().maxAbsDiff(before));
            assertTrue(copy.weight().value().maxAbsDiff(before) > 1e-3);
        }
    }

    @Test
    void aConvNetUntiesLayerByLayerWhenGivenItsInputShape() {
        SplittableRandom r = new SplittableRandom(7);
        Conv2d shared = new Conv2d(3, 3, 3, ConvOptions.DEFAULT.samePadding(), DType.F64, r);
        Sequential cnn = new Sequential(shared, Activation.relu(), shared, new Doubling(), new Flatten(), new Linear(3 * 8 * 6, 2, DType.F64, r));
        int[] shape = {2, 3, 8, 6};
        Sequential twin = cnn.untie(shape);
        assertSameFunction(cnn, twin, Init.uniform(r, DType.F64, -1, 1, shape), "cnn");
        assertHoldsNoneOf(cnn, twin);
        assertTrue(twin.layers().get(0) instanceof LocallyConnected2d && twin.layers().get(2) instanceof LocallyConnected2d);
        assertTrue(twin.layers().get(0) != twin.layers().get(2), "the shared convolution becomes two layers");
        assertEquals(cnn.untiedParameterCount(shape), twin.parameterCount());
        assertEquals(2 * 48 * (81 + 3) + 290, twin.parameterCount());
        assertArrayEquals(new int[] {2, 2}, cnn.outputShape(shape));

        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, cnn::untie);
        assertTrue(e.getMessage().contains("Conv2d(3 -> 3, 3x3, padding same)") && e.getMessage().contains("untie(inputShape)"), e.getMessage());
    }

    /** A parameter-free module without shape arithmetic, to check that shapes are threaded through modules without arithmetic of their own. */
    static final class Doubling extends Block {
        @Override
        public Tensor forward(Tensor x) {
            return x.mul(2.0);
        }
    }

    @Test
    void outputShapeRunsForwardForModulesWithoutArithmetic() {
        assertArrayEquals(new int[] {4, 3, 5}, new Doubling().outputShape(4, 3, 5));
        Linear linear = new Linear(6, 2, DType.F32, new SplittableRandom(1));
        assertArrayEquals(new int[] {7, 2}, linear.outputShape(7, 6));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> linear.outputShape(7, 5));
        assertTrue(e.getMessage().contains("must end in 6"), e.getMessage());
    }
}
