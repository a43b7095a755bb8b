package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
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
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * untie(): the same function at the moment of untying (1e-12 in F64), no parameter object kept,
 * every registered site its own copy, for library layers and for custom blocks that write no
 * untie code.
 */
class UntieTest {

    /** Asserts the twin computes the same function, shares no Parameter with the original, and holds one Parameter per site. */
    static void assertUntied(Block original, Block twin, Tensor x) {
        assertArrayEquals(original.forward(x).value().toDoubleArray(), twin.forward(x).value().toDoubleArray(), 1e-12, "same function");
        Set<Parameter> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        kept.addAll(original.parameters());
        for (Parameter p : twin.parameters()) assertTrue(!kept.contains(p), "the twin kept " + p);
        assertEquals(twin.parameterUses().size(), twin.parameters().size(), "every site of the twin has its own parameter");
        for (ParameterUse u : twin.parameterUses()) assertEquals(null, u.tie(), "the twin has no ties");
    }

    private static Tensor input(SplittableRandom rng, int... shape) {
        return Tensor.constant(Init.normal(rng, DType.F64, 0, 1, shape));
    }

    @Test
    void aLayerUsedTwiceInASequentialBecomesTwoLayers() {
        SplittableRandom rng = new SplittableRandom(7);
        Linear shared = new Linear(3, 3, DType.F64, rng);
        Sequential model = new Sequential(shared, Activation.tanh(), shared);
        Sequential untied = model.untie();
        assertEquals(12, model.parameterCount());
        assertEquals(24, untied.parameterCount());
        assertUntied(model, untied, input(rng, 5, 3));

        // Then the two train independently: a change to the untied copy leaves the original alone.
        double before = shared.weight().value().get(0, 0);
        Parameter w = untied.parameters().get(0);
        w.set(w.value().add(1.0));
        assertEquals(before, shared.weight().value().get(0, 0));
    }

    /** A custom model as a user writes it: children kept in fields, read through them in forward. */
    static final class Net extends Block {
        private final Linear encoder, head;
        private final Activation act = Activation.tanh();

        Net(SplittableRandom rng) {
            encoder = child("encoder", new Linear(4, 5, DType.F64, rng));
            head = child("head", new Linear(5, 2, DType.F64, rng));
        }

        @Override
        public Tensor forward(Tensor x) {
            return head.forward(act.forward(encoder.forward(x)));
        }
    }

    @Test
    void aCustomModelWithChildrenInFieldsUntiesWithoutWritingCode() {
        SplittableRandom rng = new SplittableRandom(1);
        Net net = new Net(rng);
        Block twin = net.untie();
        assertTrue(twin instanceof Net);
        Net t = (Net) twin;
        assertSame(t.encoder, t.children().get("encoder"), "the twin's field points at the twin's child");
        assertNotSame(net.encoder, t.encoder);
        assertUntied(net, twin, input(rng, 3, 4));
    }

    /** One parameter in two slots of one block, read through the slots. */
    static final class TwoSlots extends Block {
        TwoSlots(Parameter shared) {
            param("a", shared);
            param("b", shared);
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.mul(use("a")).tanh().mul(use("b"));
        }
    }

    @Test
    void aParameterInTwoSlotsBecomesTwoParameters() {
        SplittableRandom rng = new SplittableRandom(2);
        Parameter p = new Parameter("w", Init.normal(rng, DType.F64, 0, 1, 3));
        TwoSlots m = new TwoSlots(p);
        assertEquals(1, m.parameters().size());
        Block twin = m.untie();
        assertEquals(2, twin.parameters().size());
        assertUntied(m, twin, input(rng, 2, 3));
    }

    /** One child registered at two places and read through its slots: the README's model, written so it unties. */
    static final class SharedLayer extends Block {
        SharedLayer(SplittableRandom rng) {
            Linear layer = child("first", new Linear(4, 4, DType.F64, rng));
            child("second", layer);
            child("head", new Linear(4, 1, DType.F64, rng));
        }

        @Override
        public Tensor forward(Tensor x) {
            Linear first = child("first"), second = child("second"), head = child("head");
            return head.forward(second.forward(first.forward(x).tanh()).tanh());
        }
    }

    @Test
    void aChildRegisteredAtTwoPlacesBecomesTwoChildren() {
        SplittableRandom rng = new SplittableRandom(3);
        SharedLayer m = new SharedLayer(rng);
        assertEquals(25, m.parameterCount());
        Block twin = m.untie();
        assertEquals(45, twin.parameterCount());
        assertNotSame(twin.children().get("first"), twin.children().get("second"));
        assertUntied(m, twin, input(rng, 3, 4));
    }

    /** The same, but the shared child kept in one field: which copy should each call use? */
    static final class SharedField extends Block {
        private final Linear layer;

        SharedField(SplittableRandom rng) {
            layer = child("first", new Linear(2, 2, DType.F64, rng));
            child("second", layer);
        }

        @Override
        public Tensor forward(Tensor x) {
            return layer.forward(layer.forward(x));
        }
    }

    @Test
    void aFieldHoldingAChildOfTwoSitesIsRefusedNamingBoth() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> new SharedField(new SplittableRandom(4)).untie());
        assertTrue(e.getMessage().contains("SharedField.layer") && e.getMessage().contains("[first, second]")
                && e.getMessage().contains("child(name)"), e.getMessage());
    }

    /** A tied autoencoder: the decoder's weight is the encoder's transposed. */
    static final class TiedAutoencoder extends Block {
        final Linear encoder, decoder;

        TiedAutoencoder(SplittableRandom rng) {
            encoder = child("encoder", new Linear(6, 3, DType.F64, rng));
            decoder = child("decoder", new Linear(3, 6, DType.F64, rng));
            tie("decoder.weight", Tie.transpose(encoder.weight()));
        }

        @Override
        public Tensor forward(Tensor x) {
            return decoder.forward(encoder.forward(x).tanh());
        }
    }

    @Test
    void aTieBecomesAParameterHoldingTheTransformedWeight() {
        SplittableRandom rng = new SplittableRandom(5);
        TiedAutoencoder m = new TiedAutoencoder(rng);
        assertEquals(18 + 3 + 6, m.parameterCount());
        Block twin = m.untie();
        assertEquals(18 + 3 + 18 + 6, twin.parameterCount());
        assertUntied(m, twin, input(rng, 4, 6));
        TiedAutoencoder t = (TiedAutoencoder) twin;
        assertArrayEquals(m.encoder.weight().value().transpose(0, 1).toDoubleArray(), t.decoder.weight().value().toDoubleArray(), 0);
        // the two matrices start equal and then move apart
        t.decoder.weight().set(t.decoder.weight().value().add(1.0));
        assertArrayEquals(m.encoder.weight().value().transpose(0, 1).toDoubleArray(), t.encoder.weight().value().transpose(0, 1).toDoubleArray(), 0);
    }

    /** Reads a parameter it never registered. */
    static final class Unregistered extends Block {
        private final Parameter w = new Parameter("w", NDArray.vector(1, 2));

        Unregistered() {
            param("registered", new Parameter("r", NDArray.vector(3, 4)));
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.mul(w).add(use("registered"));
        }
    }

    @Test
    void aFieldHoldingAnUnregisteredParameterIsRefused() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> new Unregistered().untie());
        assertTrue(e.getMessage().contains("Unregistered.w") && e.getMessage().contains("not registered"), e.getMessage());
    }

    /** A convolution inside a custom model: its twin needs the input size, which the model must pass. */
    static final class WithConv extends Block {
        WithConv(SplittableRandom rng) {
            child("conv", new Conv2d(1, 2, 3, DType.F64, rng));
        }

        @Override
        public Tensor forward(Tensor x) {
            return this.<Conv2d>child("conv").forward(x);
        }
    }

    @Test
    void aConvolutionInsideACustomModelSaysWhatToOverride() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> new WithConv(new SplittableRandom(6)).untie());
        assertTrue(e.getMessage().contains("'conv'") && e.getMessage().contains("untie(inputShape)") && e.getMessage().contains("override untie(int...)"),
                e.getMessage());
    }

    @Test
    void aModuleWithoutParametersUntiesToACopyWithItsOwnMode() {
        Activation relu = Activation.relu();
        Block twin = relu.untie();
        assertNotSame(relu, twin);
        assertEquals("ReLU", twin.describe());
        twin.eval();
        assertTrue(relu.isTraining());
    }

    @Test
    void untieKeepsFrozenParametersFrozenAndModesAsTheyWere() {
        SplittableRandom rng = new SplittableRandom(8);
        Net net = new Net(rng);
        net.encoder.freeze();
        net.eval();
        Net twin = (Net) net.untie();
        assertTrue(twin.encoder.weight().isFrozen() && !twin.head.weight().isFrozen());
        assertTrue(!twin.isTraining() && !twin.encoder.isTraining());
    }

    @Test
    void untyingABatchNormModelForAShapeChangesNoStatistics() {
        // Measuring shapes used to run a training-mode forward on zeros, pulling the running statistics towards zero.
        SplittableRandom rng = new SplittableRandom(9);
        BatchNorm2d bn = new BatchNorm2d(2, DType.F64);
        Sequential model = new Sequential(new Conv2d(1, 2, 3, DType.F64, rng), bn, Activation.relu());
        model.forward(input(rng, 8, 1, 6, 6));   // training: statistics move away from (0, 1)
        double[] mean = bn.runningMean().toDoubleArray(), var = bn.runningVar().toDoubleArray();
        Sequential twin = model.untie(1, 1, 6, 6);
        assertArrayEquals(mean, bn.runningMean().toDoubleArray(), 0);
        assertArrayEquals(var, bn.runningVar().toDoubleArray(), 0);
        model.eval();
        twin.eval();
        assertUntied(model, twin, input(rng, 3, 1, 6, 6));
        // BatchNorm1d with one sample in training mode could not even be measured
        assertArrayEquals(new int[] {1, 4}, new Sequential(new Linear(3, 4, DType.F64, rng), new BatchNorm1d(4, DType.F64)).outputShape(1, 3));
    }

    /**
     * Random models with every kind of registered sharing (a layer at two positions, a tie, a
     * parameter in two slots): the twin computes the same function and holds one parameter per site.
     */
    @Property(tries = 40)
    void randomModelsWithSharingUntieToTheSameFunction(@ForAll @IntRange(min = 1, max = 5) int width, @ForAll @IntRange(min = 0, max = 1000) int seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Linear a = new Linear(width, width, DType.F64, rng), b = new Linear(width, width, rng.nextBoolean(), DType.F64, rng);
        if (rng.nextBoolean()) b.tie("weight", Tie.transpose(a.weight()));
        Parameter scale = new Parameter("s", Init.normal(rng, DType.F64, 0, 1, width));
        List<Block> layers = List.of(a, Activation.tanh(), b, new TwoSlots(scale), a, Activation.gelu(), new TwoSlots(scale));
        Sequential model = new Sequential();
        for (Block l : layers) if (rng.nextInt(4) > 0) model.add(l);
        model.add(b);
        Sequential twin = model.untie();
        long sites = model.parameterUses().stream().mapToLong(ParameterUse::nominalSize).sum();
        assertEquals(sites, twin.parameterCount(), "the twin stores what every site stood for");
        assertUntied(model, twin, input(rng, 3, width));
    }
}
