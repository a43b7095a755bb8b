package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
import dev.motif.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a block does to its whole tree: freeze, dtype conversion, modes, and ties of a built model. */
class BlockStateTest {
    private static Tensor input(DType dtype, int... shape) {
        return Tensor.constant(Init.normal(new SplittableRandom(99), dtype, 0, 1, shape));
    }

    @Test
    void aFrozenParameterIsUsedAndSavedButNeverStepped() {
        SplittableRandom rng = new SplittableRandom(1);
        Linear a = new Linear(3, 3, DType.F64, rng), b = new Linear(3, 2, DType.F64, rng);
        Sequential model = new Sequential(a, Activation.tanh(), b);
        a.freeze();
        assertTrue(a.weight().isFrozen() && !a.weight().requiresGrad());
        assertEquals(List.of(b.weight(), b.bias()), model.trainableParameters());
        assertEquals(4, model.parameters().size(), "frozen parameters are still the model's");
        NDArray before = a.weight().value().copy();
        SGD opt = SGD.builder(model.parameters()).lr(0.5).build();
        model.forward(input(DType.F64, 4, 3)).sum().backward();
        assertNull(a.weight().grad(), "no gradient reaches a frozen parameter");
        assertTrue(b.weight().grad() != null);
        opt.step();
        assertArrayEquals(before.toDoubleArray(), a.weight().value().toDoubleArray(), 0);
        assertTrue(SharingReport.of(model).toTable().contains("* frozen"), SharingReport.of(model).toTable());
        a.unfreeze();
        assertTrue(a.weight().requiresGrad());
    }

    @Test
    void toConvertsEveryParameterAndBufferInPlaceKeepingTies() {
        SplittableRandom rng = new SplittableRandom(2);
        UntieTest.TiedAutoencoder m = new UntieTest.TiedAutoencoder(rng);
        Sequential model = new Sequential(m, new BatchNorm1d(6, DType.F64));
        Parameter owner = m.encoder.weight();
        Tensor x = input(DType.F64, 5, 6);
        double[] f64 = model.forward(x).value().toDoubleArray();
        Sequential same = model.to(DType.F32);
        assertSame(model, same);
        assertEquals(DType.F32, model.dtype());
        assertSame(owner, m.encoder.weight(), "the same Parameter objects");
        for (NDArray buf : model.buffers()) assertEquals(DType.F32, buf.dtype());
        assertEquals(1, model.parameterUses().stream().filter(u -> u.tie() != null).count(), "the tie is kept");
        assertArrayEquals(f64, model.forward(Tensor.constant(x.value().to(DType.F32))).value().toDoubleArray(), 1e-5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.forward(x));
        assertTrue(e.getMessage().contains("Linear(6 -> 3)") && e.getMessage().contains("F64") && e.getMessage().contains("F32"), e.getMessage());
    }

    @Test
    void dtypeNamesTwoParametersThatDisagree() {
        SplittableRandom rng = new SplittableRandom(3);
        Sequential mixed = new Sequential(new Linear(2, 2, DType.F64, rng), new Linear(2, 2, DType.F32, rng));
        IllegalStateException e = assertThrows(IllegalStateException.class, mixed::dtype);
        assertTrue(e.getMessage().contains("'0.weight' is F64") && e.getMessage().contains("'1.weight' is F32"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Activation.relu().dtype());
    }

    @Test
    void trainAndEvalReturnTheBlocksOwnType() {
        Sequential s = new Sequential(new Dropout(0.5, new SplittableRandom(4)));
        Sequential evaluated = s.eval();
        assertFalse(evaluated.isTraining() || evaluated.layers().get(0).isTraining());
        Linear l = new Linear(2, 2, DType.F64, new SplittableRandom(5)).train(true).freeze();
        assertTrue(l.isTraining() && l.weight().isFrozen());
    }

    @Test
    void tyingASlotOfABuiltModelChecksShapeAndDtypeAndNamesThePath() {
        SplittableRandom rng = new SplittableRandom(6);
        Linear enc = new Linear(4, 2, DType.F64, rng), dec = new Linear(2, 4, DType.F64, rng);
        Sequential model = new Sequential(enc, dec);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.tie("1.weight", enc.weight()));
        assertTrue(e.getMessage().contains("'1.weight' is F64 [4, 2]") && e.getMessage().contains("F64 [2, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.tie("2.weight", Tie.transpose(enc.weight())));
        assertTrue(e.getMessage().contains("no block at '2'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.tie("1", Tie.transpose(enc.weight())));
        assertTrue(e.getMessage().contains("no parameter at '1' (it is a block)"), e.getMessage());
        model.tie("1.weight", Tie.transpose(enc.weight()));
        assertEquals(3, model.parameters().size());
        IllegalStateException read = assertThrows(IllegalStateException.class, dec::weight);
        assertTrue(read.getMessage().contains("slot 'weight' is tied (transpose of parameter 'weight')") && read.getMessage().contains("use(\"weight\")"),
                read.getMessage());
        // an identity tie is plain sharing: the same Parameter at both sites
        Linear other = new Linear(4, 2, DType.F64, rng);
        Sequential twins = new Sequential(enc, other);
        twins.tie("1.weight", Tie.of(enc.weight(), Transform.identity()));
        assertSame(enc.weight(), other.weight());
    }

    @Test
    void transformsCheckTheOwnerAndRebuildFromTheirSpec() {
        assertArrayEquals(new int[] {3, 2}, Transform.transpose().shape(new int[] {2, 3}));
        assertArrayEquals(new int[] {6, 1}, Transform.reshape(-1, 1).shape(new int[] {2, 3}));
        assertArrayEquals(new int[] {3, 4, 2}, Transform.permute(1, 2, 0).shape(new int[] {2, 3, 4}));
        for (Transform t : List.of(Transform.identity(), Transform.transpose(), Transform.permute(1, 0), Transform.reshape(4, -1),
                Transform.gather(new int[] {0, 1, 1, 0}, 2, 2), Transform.transpose().andThen(Transform.reshape(-1)))) {
            assertEquals(t.spec(), Transform.parse(t.spec()).spec());
        }
        assertEquals("gather[2x2](0,1,1,0)", Transform.gather(new int[] {0, 1, 1, 0}, 2, 2).spec());
        Parameter p = new Parameter("p", NDArray.vector(5, 6));
        Tensor g = Tie.of(p, Transform.gather(new int[] {1, 0, 1}, 3)).value();
        assertArrayEquals(new double[] {6, 5, 6}, g.value().toDoubleArray(), 0);
        g.sum().backward();
        assertArrayEquals(new double[] {1, 2}, p.grad().toDoubleArray(), 0, "the gather's gradient is a scatter-add");
        assertMessage(() -> Transform.reshape(4).shape(new int[] {2, 3}), "reshape(4): an owner of [2, 3] has 6 elements, not 4");
        assertMessage(() -> Transform.transpose().shape(new int[] {3}), "transpose: needs an owner of rank >= 2, got [3]");
        assertMessage(() -> Tie.of(p, Transform.gather(new int[] {0, 2}, 2)), "gather: index 2 at position 1 is outside an owner of [2] (2 elements)");
        assertMessage(() -> Transform.parse("rotate(1)"), "transform 'rotate(1)': 'rotate' is not a built-in transform");
        assertMessage(() -> Transform.parse("transpose | reshape(x)"), "transform 'transpose | reshape(x)': 'x' is not a whole number (in 'reshape(x)')");
        assertMessage(() -> Transform.parse("permute(1,0"), "transform 'permute(1,0': no closing ')'");
    }

    private static void assertMessage(Runnable r, String start) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
