package dev.motif.autodiff;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static dev.motif.autodiff.GradCheck.check;
import static dev.motif.autodiff.GradCheck.checkHvp;
import static dev.motif.autodiff.GradCheck.shape;
import static dev.motif.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gather and scatterAdd with an I32 index tensor: PyTorch's documented examples, adjointness, gradients, errors. */
class GatherScatterTest {

    private static Tensor ints(int[] v, int... shape) {
        return Tensor.constant(NDArray.ofInts(v, shape));
    }

    private static void assertMentions(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
    }

    @Example
    void gatherAsInPyTorchsDocumentation() {
        // torch.gather(torch.tensor([[1, 2], [3, 4]]), 1, torch.tensor([[0, 0], [1, 0]])) = [[1, 1], [4, 3]]
        Tensor t = Tensor.constant(NDArray.of(new double[] {1, 2, 3, 4}, 2, 2));
        assertArrayEquals(new double[] {1, 1, 4, 3}, t.gather(1, ints(new int[] {0, 0, 1, 0}, 2, 2)).value().toDoubleArray(), 0);
        assertArrayEquals(new double[] {3, 2, 1, 2}, t.gather(0, ints(new int[] {1, 0, 0, 0}, 2, 2)).value().toDoubleArray(), 0);
        // an index smaller than the input along the other axis, and repeats
        Tensor picked = t.gather(1, ints(new int[] {1, 1, 1}, 1, 3));
        assertArrayEquals(new int[] {1, 3}, picked.shape());
        assertArrayEquals(new double[] {2, 2, 2}, picked.value().toDoubleArray(), 0);
        // labels of I32 gather too (an index kernel)
        assertArrayEquals(new int[] {5, 7}, NDArray.ofInts(new int[] {5, 6, 7, 8}, 2, 2).gather(1, NDArray.ofInts(new int[] {0, 0}, 2, 1)).i32());
    }

    @Example
    void scatterAddAsInPyTorchsDocumentation() {
        Tensor src = Tensor.constant(NDArray.ones(DType.F64, 2, 5)), zeros = Tensor.constant(NDArray.zeros(DType.F64, 3, 5));
        // an index of one row uses the first row of src only
        assertArrayEquals(new double[] {1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0},
                zeros.scatterAdd(0, ints(new int[] {0, 1, 2, 0, 0}, 1, 5), src).value().toDoubleArray(), 0);
        assertArrayEquals(new double[] {2, 0, 0, 1, 1, 0, 2, 0, 0, 0, 0, 0, 2, 1, 1},
                zeros.scatterAdd(0, ints(new int[] {0, 1, 2, 0, 0, 0, 1, 2, 2, 2}, 2, 5), src).value().toDoubleArray(), 0);
        // onto a non-zero array, along the last axis
        Tensor base = Tensor.constant(NDArray.of(new double[] {10, 20, 30}, 1, 3));
        Tensor v = Tensor.constant(NDArray.of(new double[] {1, 2, 4}, 1, 3));
        assertArrayEquals(new double[] {10, 27, 30}, base.scatterAdd(1, ints(new int[] {1, 1, 1}, 1, 3), v).value().toDoubleArray(), 0);
    }

    /** An index for gather from / scatter into shape s along axis: any size along axis, at most s elsewhere. */
    private static Tensor randomIndex(Random r, int[] s, int axis) {
        int[] is = s.clone();
        for (int d = 0; d < s.length; d++) is[d] = d == axis ? 1 + r.nextInt(5) : 1 + r.nextInt(s[d]);
        int n = 1;
        for (int e : is) n *= e;
        int[] v = new int[n];
        for (int k = 0; k < n; k++) v[k] = r.nextInt(s[axis]);
        return ints(v, is);
    }

    @Property(tries = 20)
    void adjointAndGradientsFirstAndSecondOrder(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
        Random r = new Random(seed);
        int[] s = shape(r, rank, 4);
        int axis = r.nextInt(rank);
        Tensor index = randomIndex(r, s, axis);
        // <gather(x), y> = <x, scatterAdd(0, y)>
        NDArray x = uniform(r, -1, 1, s), y = uniform(r, -1, 1, index.shape());
        double left = x.gather(axis, index.value()).mul(y).sum().item();
        double right = NDArray.zeros(DType.F64, s).scatterAdd(axis, index.value(), y).mul(x).sum().item();
        assertEquals(left, right, 1e-12);
        GradCheck.Fn gather = xs -> xs.get(0).gather(axis, index).sin().mul(xs.get(0).sum());
        check("gather", gather, uniform(r, -1, 1, s));
        checkHvp("gather", gather, seed, uniform(r, -1, 1, s));
        // src may be larger than the index: the rest of it gets a zero gradient
        int[] srcShape = index.shape();
        for (int d = 0; d < srcShape.length; d++) srcShape[d] += r.nextInt(2);
        GradCheck.Fn scatter = xs -> xs.get(0).scatterAdd(axis, index, xs.get(1)).square().mul(xs.get(1).sum());
        check("scatterAdd", scatter, uniform(r, -1, 1, s), uniform(r, -1, 1, srcShape));
        checkHvp("scatterAdd", scatter, seed, uniform(r, -1, 1, s), uniform(r, -1, 1, srcShape));
    }

    @Example
    void badIndicesNameTheOpTheShapeAndThePosition() {
        Tensor t = Tensor.constant(NDArray.zeros(DType.F64, 2, 3));
        assertMentions(assertThrows(IndexOutOfBoundsException.class, () -> t.gather(1, ints(new int[] {0, 1, 3, 0}, 2, 2))),
                "gather", "index 3", "position [1, 0]", "axis 1", "size 3", "[2, 3]");
        assertMentions(assertThrows(IndexOutOfBoundsException.class, () -> t.gather(0, ints(new int[] {-1}, 1, 1))), "index -1", "position [0, 0]");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> t.gather(1, ints(new int[] {0, 1}, 2))), "gather", "[2]", "rank", "[2, 3]");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> t.gather(1, ints(new int[] {0, 0, 0}, 3, 1))), "larger", "axis 0");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> t.gather(1, Tensor.constant(NDArray.zeros(DType.F64, 2, 1)))),
                "gather", "must be I32", "F64", "to(I32)");
        Tensor src = Tensor.constant(NDArray.ones(DType.F64, 1, 2));
        assertMentions(assertThrows(IllegalArgumentException.class, () -> t.scatterAdd(0, ints(new int[] {0, 0, 0}, 1, 3), src)),
                "scatterAdd", "larger", "source [1, 2]", "axis 1");
        assertMentions(assertThrows(IndexOutOfBoundsException.class, () -> t.scatterAdd(0, ints(new int[] {0, 2}, 1, 2), src)),
                "scatterAdd", "index 2", "position [0, 1]", "axis 0");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> t.scatterAdd(0, ints(new int[] {0, 0}, 1, 2), src.to(DType.F32))),
                "scatterAdd", "F64", "F32");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> t.gather(2, ints(new int[] {0}, 1, 1))), "gather", "axis 2");
    }
}
