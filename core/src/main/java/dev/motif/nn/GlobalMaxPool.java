package dev.motif.nn;

import dev.motif.array.NDArray;
import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;

/**
 * The maximum over every axis after the channel axis: {@code (N, C, ...)} to {@code (N, C)}. Of
 * several equal maxima the first in row-major order is taken and gets the whole gradient, as in
 * {@link MaxPool2d}.
 */
public final class GlobalMaxPool extends Block {
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() < 3 || x.size() == 0) {
            throw new IllegalArgumentException("GlobalMaxPool: input must have shape (N, C, ...) with at least one non-empty axis after C, got "
                    + Shapes.str(x.shape()));
        }
        int n = x.shape(0), c = x.shape(1), rest = x.size() / (n * c);
        NDArray first = x.value().reshape(n * c, rest).argmax(1, false);
        int[] at = new int[n * c];
        for (int p = 0; p < at.length; p++) at[p] = p * rest + (int) first.getFlat(p);
        return x.gatherFlat(at, n, c);
    }

    @Override
    public int[] outputShape(int... in) {
        if (in.length < 3) {
            throw new IllegalArgumentException("GlobalMaxPool: input must have shape (N, C, ...) with at least one axis after C, got " + Shapes.str(in));
        }
        for (int e : in) if (e <= 0) throw new IllegalArgumentException("GlobalMaxPool: input shape " + Shapes.str(in) + " has a non-positive extent");
        return new int[] {in[0], in[1]};
    }

    @Override
    public String describe() {
        return "GlobalMaxPool";
    }
}
