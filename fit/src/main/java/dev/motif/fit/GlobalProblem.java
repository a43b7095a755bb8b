package dev.motif.fit;

/**
 * A weighted least-squares problem over K datasets, in the form the block-sparse solver uses.
 *
 * <p>The free parameters are of two kinds. <b>Global</b> ones (G of them) couple datasets: a
 * parameter shared by all datasets, or shared within a group of datasets. <b>Local</b> ones (L per
 * dataset, the same L for every dataset) belong to one dataset alone. The Jacobian of all
 * residuals is then dense in its G global columns and block-diagonal in its K·L local columns,
 * which is what lets the solver reduce the normal equations by a Schur complement over the local
 * blocks, at a cost linear in K. Fixed parameters are not part of the problem: the code that
 * builds it folds them into the model.
 *
 * <p>Residuals are weighted: {@code r = (y - f) / sigma} (sigma 1 when the data have none), and
 * the Jacobian is {@code d r / d theta}. A model that is not finite at a point writes a
 * non-finite residual; the solver then rejects the step (it never drops the point).
 *
 * <p>Implementations must allow {@link #evaluate} to be called concurrently on disjoint dataset
 * ranges with distinct output arrays.
 */
public interface GlobalProblem {
    /** K, the number of datasets. */
    int datasetCount();

    /** G, the number of free global parameters. */
    int globalCount();

    /** L, the number of free local parameters of each dataset. */
    int localCount();

    /** n_k, the number of points (residuals) of dataset k. */
    int pointCount(int k);

    /** Name of global parameter j, as the user wrote it (for a group-shared one, with its group: {@code k[sample=2]}). */
    String globalName(int j);

    /** Name of local parameter j (the same for every dataset). */
    String localName(int j);

    /** Name of dataset k (a file name, or the value of the {@code --by} column). */
    String datasetName(int k);

    /** Lower and upper bound of global parameter j (infinite when unbounded). */
    double globalLower(int j);

    double globalUpper(int j);

    /** Lower and upper bound of local parameter j of every dataset. */
    double localLower(int j);

    double localUpper(int j);

    /**
     * Residuals and Jacobian of datasets {@code [from, to)}, their points in order. With
     * {@code m} the number of those points and {@code i} counting them from 0, writes
     * {@code r[i]}, {@code jg[i*G + j]} (d r_i / d global_j) and {@code jl[i*L + j]} (d r_i / d
     * local_j of the point's own dataset). {@code local} holds every dataset's local values,
     * dataset k's at {@code local[k*L .. k*L+L)}. {@code jg} or {@code jl} may be null: then only
     * the residuals are wanted.
     */
    void evaluate(int from, int to, double[] global, double[] local, double[] r, double[] jg, double[] jl);
}
