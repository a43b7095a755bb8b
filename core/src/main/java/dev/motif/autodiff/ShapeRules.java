package dev.motif.autodiff;

import dev.motif.array.NDArray;

import java.util.Arrays;

import static dev.motif.autodiff.Tensor.constant;

/**
 * Backward rules of the ops that move elements: reshape and permute (undone), concat and pad
 * (sliced back), and the index ops, each the adjoint of another (indexSelect and scatterAdd by
 * slices, gather and scatterAdd by an index tensor, gatherFlat and scatterAddFlat), so that they
 * differentiate to any order. slice, select, split, chunk, squeeze, unsqueeze and stack are
 * compositions of these.
 */
final class ShapeRules {
    private ShapeRules() {}

    static final Node.Backward RESHAPE = (g, out, in) -> new Tensor[] {g.reshape(in[0].shape())};

    /** A permutation whose inverse is {@code inverse}. */
    static Node.Backward permute(int[] inverse) {
        return (g, out, in) -> new Tensor[] {g.permute(inverse)};
    }

    /** A concatenation along {@code axis}: each part gets its slice of the gradient. */
    static Node.Backward concat(int axis) {
        return (g, out, in) -> {
            Tensor[] gs = new Tensor[in.length];
            for (int i = 0, start = 0; i < in.length; i++) {
                int len = in[i].shape(axis);
                gs[i] = g.slice(axis, start, start + len, 1);
                start += len;
            }
            return gs;
        };
    }

    /** Padding of the last {@code widths.length} axes: the gradient of the input is the unpadded middle. */
    static Node.Backward pad(int[][] widths) {
        return (g, out, in) -> {
            int off = in[0].rank() - widths.length;
            Tensor r = g;
            for (int i = 0; i < widths.length; i++) r = r.slice(off + i, widths[i][0], widths[i][0] + in[0].shape(off + i), 1);
            return new Tensor[] {r};
        };
    }

    static Node.Backward indexSelect(int axis, int[] indices) {
        return (g, out, in) -> new Tensor[] {g.scatterAdd(axis, indices, in[0].shape(axis))};
    }

    static Node.Backward scatterAdd(int axis, int[] indices) {
        return (g, out, in) -> new Tensor[] {g.indexSelect(axis, indices)};
    }

    /** gather(axis, index) (inputs: x, index): the gradient scattered into zeros of x's shape. */
    static Node.Backward gather(int axis) {
        return (g, out, in) -> new Tensor[] {constant(NDArray.zeros(in[0].dtype(), in[0].shape())).scatterAdd(axis, in[1], g), null};
    }

    /** scatterAdd(axis, index, src) (inputs: x, index, src): x gets g, src gets g gathered back, zero where src is larger than the index. */
    static Node.Backward scatterAddIndexed(int axis) {
        return (g, out, in) -> new Tensor[] {g, null, in[2].requiresGrad() ? padTo(g.gather(axis, in[1]), in[2].shape()) : null};
    }

    /** {@code t} padded with zeros at the end of each axis up to {@code target}. */
    private static Tensor padTo(Tensor t, int[] target) {
        int[] s = t.shape();
        if (Arrays.equals(s, target)) return t;
        int[][] widths = new int[s.length][];
        for (int i = 0; i < s.length; i++) widths[i] = new int[] {0, target[i] - s[i]};
        return t.pad(widths, 0);
    }

    static Node.Backward gatherFlat(int[] index) {
        return (g, out, in) -> new Tensor[] {scatterAddFlat(g, index, in[0].shape())};
    }

    /** The adjoint of {@link Tensor#gatherFlat}: element k added at flat index {@code index[k]} of a zero tensor of {@code shape}. */
    static Tensor scatterAddFlat(Tensor t, int[] index, int[] shape) {
        return Tensor.record("scatterAddFlat", t.value().scatterAddFlat(index, shape), scatterAddFlatRule(index), t);
    }

    private static Node.Backward scatterAddFlatRule(int[] index) {
        return (g, out, in) -> new Tensor[] {g.gatherFlat(index, in[0].shape())};
    }
}
