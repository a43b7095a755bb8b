package dev.motif.nn;

import dev.motif.array.DType;

/**
 * Batch normalisation of {@code (N, C)} or {@code (N, C, L)} per channel C (see
 * {@link BatchNorm} for training and evaluation behaviour).
 *
 * <pre>{@code
 * BatchNorm1d bn = new BatchNorm1d(64, DType.F32);   // eps 1e-5, momentum 0.1, as PyTorch
 * Tensor y = bn.forward(x);                           // training: batch statistics
 * bn.eval();                                          // evaluation: running statistics
 * }</pre>
 */
public final class BatchNorm1d extends BatchNorm {
    /** Weight one, bias zero, running mean zero and running variance one, all of {@code dtype}. */
    public BatchNorm1d(int numFeatures, double eps, double momentum, DType dtype) {
        super(numFeatures, eps, momentum, dtype);
    }

    /** eps 1e-5 and momentum 0.1, PyTorch's defaults. */
    public BatchNorm1d(int numFeatures, DType dtype) {
        this(numFeatures, DEFAULT_EPS, DEFAULT_MOMENTUM, dtype);
    }

    @Override
    boolean acceptsRank(int rank) {
        return rank == 2 || rank == 3;
    }

    @Override
    String layouts() {
        return "(N, C) or (N, C, L)";
    }

    /** An independent copy, running statistics included. */
    @Override
    public BatchNorm1d untie() {
        return (BatchNorm1d) super.untie();
    }
}
