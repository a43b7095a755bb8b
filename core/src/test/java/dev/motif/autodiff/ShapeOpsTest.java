package dev.motif.autodiff;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.motif.autodiff.GradCheck.check;
import static dev.motif.autodiff.GradCheck.checkHvp;
import static dev.motif.autodiff.GradCheck.shape;
import static dev.motif.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** chunk, split, select, squeeze, unsqueeze: values by hand, gradients against finite differences, errors. */
class ShapeOpsTest {

    /** 0, 1, ..., 11 as a (3, 4) tensor. */
    private static Tensor m34() {
        return Tensor.constant(NDArray.arange(DType.F64, 12).reshape(3, 4));
    }

    private static double[] v(Tensor t) {
        return t.value().toDoubleArray();
    }

    private static void assertMentions(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
    }

    @Example
    void splitAndChunkCutAsPyTorchDoes() {
        List<Tensor> s = m34().split(3, 1);
        assertEquals(2, s.size());
        assertArrayEquals(new int[] {3, 3}, s.get(0).shape());
        assertArrayEquals(new double[] {0, 1, 2, 4, 5, 6, 8, 9, 10}, v(s.get(0)), 0);
        assertArrayEquals(new double[] {3, 7, 11}, v(s.get(1)), 0);
        List<Tensor> sizes = m34().split(new int[] {1, 0, 2}, 0);
        assertEquals(List.of(1, 0, 2), sizes.stream().map(t -> t.shape(0)).toList());
        assertArrayEquals(new double[] {4, 5, 6, 7, 8, 9, 10, 11}, v(sizes.get(2)), 0);
        // 5 into 4 chunks: ⌈5/4⌉ = 2, so 2, 2, 1 (three pieces, as torch.chunk)
        Tensor five = Tensor.constant(NDArray.arange(DType.F64, 5));
        assertEquals(List.of(2, 2, 1), five.chunk(4, 0).stream().map(Tensor::size).toList());
        assertEquals(List.of(3, 2), five.chunk(2, -1).stream().map(Tensor::size).toList());
        assertArrayEquals(new double[] {3, 4}, v(five.chunk(2, 0).get(1)), 0);
        assertEquals(List.of(1, 1, 1, 1, 1), five.chunk(9, 0).stream().map(Tensor::size).toList());
    }

    @Example
    void selectSqueezeAndUnsqueeze() {
        assertArrayEquals(new double[] {8, 9, 10, 11}, v(m34().select(0, 2)), 0);
        assertArrayEquals(new double[] {3, 7, 11}, v(m34().select(1, -1)), 0);
        assertArrayEquals(new int[] {4}, m34().select(0, 0).shape());
        Tensor t = Tensor.constant(NDArray.zeros(DType.F64, 1, 3, 1, 2));
        assertArrayEquals(new int[] {3, 2}, t.squeeze().shape());
        assertArrayEquals(new int[] {3, 1, 2}, t.squeeze(0).shape());
        assertArrayEquals(new int[] {1, 3, 2}, t.squeeze(-2).shape());
        assertArrayEquals(new int[] {3, 1, 4}, m34().unsqueeze(1).shape());
        assertArrayEquals(new int[] {3, 4, 1}, m34().unsqueeze(-1).shape());
        assertArrayEquals(new int[] {1, 3, 4}, m34().unsqueeze(-3).shape());
        assertArrayEquals(new double[] {4, 5, 6, 7}, NDArray.arange(DType.F64, 12).reshape(3, 4).select(0, 1).toDoubleArray(), 0);
        assertArrayEquals(new int[] {3, 4}, NDArray.zeros(DType.F32, 3, 1, 4).squeeze(1).shape());
        assertArrayEquals(new int[] {1, 2}, NDArray.zeros(DType.F32, 2).unsqueeze(0).shape());
    }

    @Example
    void badArgumentsNameTheOpTheShapeAndTheAxis() {
        assertMentions(assertThrows(IllegalArgumentException.class, () -> m34().split(new int[] {2, 1}, 1)), "split", "[2, 1]", "add up to 3",
                "axis 1", "[3, 4]");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> m34().split(0, 1)), "split", "positive", "0");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> m34().split(2, 2)), "split", "axis 2", "rank 2");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> m34().chunk(0, 0)), "chunk", "positive");
        assertMentions(assertThrows(IndexOutOfBoundsException.class, () -> m34().select(1, 4)), "select", "index 4", "axis 1", "[3, 4]");
        assertMentions(assertThrows(IndexOutOfBoundsException.class, () -> m34().select(0, -4)), "select", "index -4");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> m34().squeeze(1)), "squeeze", "axis 1", "[3, 4]", "size 4");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> m34().unsqueeze(3)), "unsqueeze", "axis 3", "rank 3");
    }

    @Property(tries = 20)
    void gradientsFirstAndSecondOrder(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
        Random r = new Random(seed);
        int[] s = shape(r, rank, 4);
        int axis = r.nextInt(rank), n = s[axis], size = 1 + r.nextInt(n), index = r.nextInt(n);
        NDArray x = uniform(r, -1, 1, s);
        // pieces weighted differently, so that a piece's gradient landing in the wrong place shows
        GradCheck.Fn splitFn = xs -> {
            List<Tensor> p = xs.get(0).split(size, axis);
            Tensor out = Tensor.scalar(0);
            for (int i = 0; i < p.size(); i++) out = out.add(p.get(i).sin().mul((double) (i + 1)).sum());
            return out.mul(xs.get(0).sum());
        };
        check("split " + Arrays.toString(s) + " by " + size, splitFn, x);
        checkHvp("split", splitFn, seed, x);
        int chunks = 1 + r.nextInt(3);
        GradCheck.Fn chunkFn = xs -> Tensor.concat(axis, xs.get(0).chunk(chunks, axis).stream()
                .map(t -> t.exp().mul(t)).toArray(Tensor[]::new));
        check("chunk", chunkFn, x);
        checkHvp("chunk", chunkFn, seed, x);
        GradCheck.Fn selectFn = xs -> xs.get(0).select(axis, index).square().unsqueeze(0).mul(xs.get(0).squeeze().sum());
        check("select " + axis + ", " + index, selectFn, x);
        checkHvp("select", selectFn, seed, x);
    }
}
