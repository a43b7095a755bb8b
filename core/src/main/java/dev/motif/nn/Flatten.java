package dev.motif.nn;

import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;

/** Keeps the batch axis and flattens the rest: (N, d1, d2, ...) to (N, d1·d2·...), as between a convolution and a Linear. */
public final class Flatten extends Block {

    @Override
    public Tensor forward(Tensor x) {
        return x.reshape(outputShape(x.shape()));
    }

    @Override
    public int[] outputShape(int... inputShape) {
        if (inputShape.length < 1) throw new IllegalArgumentException("Flatten: input needs a batch axis, got shape " + Shapes.str(inputShape));
        long rest = 1;
        for (int i = 1; i < inputShape.length; i++) rest *= inputShape[i];
        if (rest > Integer.MAX_VALUE) throw new IllegalArgumentException("Flatten: " + Shapes.str(inputShape) + " has too many values per example");
        return new int[] {inputShape[0], (int) rest};
    }

    @Override
    public String describe() {
        return "Flatten";
    }
}
