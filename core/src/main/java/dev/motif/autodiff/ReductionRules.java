package dev.motif.autodiff;

import dev.motif.array.NDArray;

import static dev.motif.autodiff.Tensor.constant;

/**
 * Backward rules of the reductions and of broadcasting, which are adjoint pairs: the gradient of
 * a sum is a broadcast, of {@code sumTo} a {@code broadcastTo} and the other way round. mean,
 * variance, logsumexp, softmax and the norms are compositions of these.
 */
final class ReductionRules {
    private ReductionRules() {}

    /** A sum whose reduced axes are 1 in {@code kept}: the gradient is broadcast back over them. */
    static Node.Backward sum(int[] kept) {
        return (g, out, in) -> new Tensor[] {g.reshape(kept).broadcastTo(in[0].shape())};
    }

    static final Node.Backward BROADCAST_TO = (g, out, in) -> new Tensor[] {g.sumTo(in[0].shape())};
    static final Node.Backward SUM_TO = (g, out, in) -> new Tensor[] {g.broadcastTo(in[0].shape())};

    /**
     * A max or min over {@code axes}, whose value with the axes kept as 1 is {@code kept}: the
     * gradient goes to the elements equal to it, split evenly between ties (as PyTorch's amax).
     */
    static Node.Backward extremum(int[] axes, NDArray kept) {
        return (g, out, in) -> {
            NDArray hit = in[0].value().eq(kept);
            Tensor share = constant(hit.div(hit.sum(axes, true)));
            return new Tensor[] {g.reshape(kept.shape()).mul(share)};
        };
    }
}
