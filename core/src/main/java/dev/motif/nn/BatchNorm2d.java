package dev.motif.nn;

import dev.motif.array.DType;

/**
 * Batch normalisation of {@code (N, C, H, W)} per channel C, statistics over N, H and W (see
 * {@link BatchNorm} for training and evaluation behaviour).
 */
public final class BatchNorm2d extends BatchNorm {
    /** Weight one, bias zero, running mean zero and running variance one, all of {@code dtype}. */
    public BatchNorm2d(int numFeatures, double eps, double momentum, DType dtype) {
        super(numFeatures, eps, momentum, dtype);
    }

    /** eps 1e-5 and momentum 0.1, PyTorch's defaults. */
    public BatchNorm2d(int numFeatures, DType dtype) {
        this(numFeatures, DEFAULT_EPS, DEFAULT_MOMENTUM, dtype);
    }

    @Override
    boolean acceptsRank(int rank) {
        return rank == 4;
    }

    @Override
    String layouts() {
        return "(N, C, H, W)";
    }

    /** An independent copy, running statistics included. */
    @Override
    public BatchNorm2d untie() {
        return (BatchNorm2d) super.untie();
    }
}
