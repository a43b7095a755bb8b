package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token lookups from I32 index tensors: rows, summed gradients of repeated tokens, the padding row, a tied output projection. */
class EmbeddingTest {
    private static Embedding table(int padding) {
        Embedding e = new Embedding(4, 2, padding, DType.F64, new SplittableRandom(1));
        e.weight().set(NDArray.of(new double[] {0, 1, 2, 3, 4, 5, 6, 7}, 4, 2));
        return e;
    }

    private static Tensor tokens(int[] v, int... shape) {
        return Tensor.constant(NDArray.ofInts(v, shape));
    }

    @Test
    void looksUpRowsForIndicesOfAnyShapeAndSumsTheGradientsOfARepeatedToken() {
        Embedding e = table(Embedding.NO_PADDING);
        Tensor y = e.forward(tokens(new int[] {3, 1, 3, 0}, 2, 2));
        assertArrayEquals(new int[] {2, 2, 2}, y.shape());
        assertArrayEquals(new double[] {6, 7, 2, 3, 6, 7, 0, 1}, y.value().toDoubleArray(), 0);
        // d/dW of Σ c·y with c = 1, 2, ..., 8: row 3 gets (1,2) + (5,6), row 1 (3,4), row 0 (7,8), row 2 nothing
        Tensor c = Tensor.constant(NDArray.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2));
        y.mul(c).sum().backward();
        assertArrayEquals(new double[] {7, 8, 3, 4, 0, 0, 6, 8}, e.weight().grad().toDoubleArray(), 0);
    }

    @Test
    void thePaddingRowStartsAtZeroShowsItsValueAndGetsNoGradient() {
        Embedding fresh = new Embedding(5, 3, 2, DType.F64, new SplittableRandom(2));
        assertArrayEquals(new double[] {0, 0, 0}, fresh.weight().value().indexSelect(0, new int[] {2}).toDoubleArray(), 0);
        Embedding e = table(1);
        Tensor y = e.forward(tokens(new int[] {1, 2, 1}, 3));
        assertArrayEquals(new double[] {2, 3, 4, 5, 2, 3}, y.value().toDoubleArray(), 0);
        y.sum().backward();
        assertArrayEquals(new double[] {0, 0, 0, 0, 1, 1, 0, 0}, e.weight().grad().toDoubleArray(), 0);
    }

    @Test
    void indicesMustBeI32AndInRange() {
        Embedding e = table(Embedding.NO_PADDING);
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> e.forward(Tensor.constant(NDArray.vector(1, 2))));
        assertEquals("Embedding(4, 2): indices must be an I32 tensor (NDArray.ofInts), got F64 [2]", a.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> e.forward(tokens(new int[] {0, 4}, 1, 2)));
        assertEquals("Embedding(4, 2): index 4 at flat position 1 of [1, 2] is not in [0, 4)", b.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Embedding(4, 2, 4, DType.F64, new SplittableRandom(1)));
    }

    /** Tokens to logits with the output projection tied to the table: logits = h·Eᵀ, one Parameter. */
    static final class TiedLanguageModel extends Block {
        final Embedding embed;
        final Linear head;

        TiedLanguageModel(SplittableRandom rng) {
            embed = child("embed", new Embedding(6, 3, DType.F64, rng));
            head = child("head", new Linear(3, 6, false, DType.F64, rng));
            head.tie("weight", embed.weight());   // Linear's weight is [out, in] = [6, 3], the table's shape
        }

        @Override
        public Tensor forward(Tensor tokens) {
            return head.forward(embed.forward(tokens).tanh());
        }
    }

    @Test
    void aTiedOutputProjectionIsOneParameterWhoseGradientSumsBothUses() {
        TiedLanguageModel m = new TiedLanguageModel(new SplittableRandom(3));
        assertEquals(1, m.parameters().size());
        Tensor toks = tokens(new int[] {1, 4, 4, 0}, 4);
        int[] next = {4, 4, 0, 5};
        Tensor loss = Losses.crossEntropy(m.forward(toks), Tensor.constant(NDArray.ofInts(next, 4)));
        loss.backward();
        // the same computed with two separate copies of the table: the tied gradient is their sum
        Tensor lookup = Tensor.variable(m.embed.weight().value()), proj = Tensor.variable(m.embed.weight().value());
        Tensor untied = Losses.crossEntropy(lookup.indexSelect(0, new int[] {1, 4, 4, 0}).tanh().matmul(proj.mT()), next);
        var g = dev.motif.autodiff.Autodiff.grad(untied, java.util.List.of(lookup, proj), false);
        assertEquals(loss.item(), untied.item(), 1e-15);
        assertArrayEquals(g.get(0).value().add(g.get(1).value()).toDoubleArray(), m.embed.weight().grad().toDoubleArray(), 1e-15);
        // untie gives two matrices that start equal
        TiedLanguageModel twin = (TiedLanguageModel) m.untie();
        assertEquals(2, twin.parameters().size());
        assertArrayEquals(twin.embed.weight().value().toDoubleArray(), twin.head.weight().value().toDoubleArray(), 0);
        assertArrayEquals(m.forward(toks).value().toDoubleArray(), twin.forward(toks).value().toDoubleArray(), 1e-12);
        SharingReport r = SharingReport.of(m, toks);
        assertEquals(36, r.nominalCount());
        assertEquals(36, r.usedCount());
        assertTrue(r.disagreements().isEmpty(), r.disagreements().toString());
    }

    @Test
    void labelTensorsMustBeI32OfRankOne() {
        Tensor logits = Tensor.constant(NDArray.zeros(DType.F64, 2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, Tensor.constant(NDArray.vector(0, 1))));
        assertEquals("crossEntropy: labels must be an I32 tensor [N] (NDArray.ofInts), got F64 [2]", e.getMessage());
        assertEquals(Math.log(3), Losses.crossEntropy(logits, Tensor.constant(NDArray.ofInts(new int[] {0, 2}, 2))).item(), 1e-15);
    }
}
