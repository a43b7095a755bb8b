package dev.motif.nn;

import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;

/** The mean over every axis after the channel axis: {@code (N, C, ...)} to {@code (N, C)}. */
public final class GlobalAvgPool extends Block {
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() < 3 || x.size() == 0) {
            throw new IllegalArgumentException("GlobalAvgPool: input must have shape (N, C, ...) with at least one non-empty axis after C, got "
                    + Shapes.str(x.shape()));
        }
        int n = x.shape(0), c = x.shape(1);
        return x.reshape(n, c, -1).mean(new int[] {2}, false);
    }

    @Override
    public int[] outputShape(int... in) {
        if (in.length < 3) {
            throw new IllegalArgumentException("GlobalAvgPool: input must have shape (N, C, ...) with at least one axis after C, got " + Shapes.str(in));
        }
        for (int e : in) if (e <= 0) throw new IllegalArgumentException("GlobalAvgPool: input shape " + Shapes.str(in) + " has a non-positive extent");
        return new int[] {in[0], in[1]};
    }

    @Override
    public String describe() {
        return "GlobalAvgPool";
    }
}
