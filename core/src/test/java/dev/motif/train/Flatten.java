package dev.motif.train;

import dev.motif.autodiff.Tensor;
import dev.motif.nn.Block;

/** (N, C, H, W) → (N, C·H·W), so a Linear layer can classify images in these tests. */
final class Flatten extends Block {
    @Override
    public Tensor forward(Tensor x) {
        return x.reshape(x.shape(0), -1);
    }
}
