/**
 * Small dense linear algebra shared by the fit, the optimisers and the science code:
 * {@link dev.motif.linalg.Cholesky} factorizations and solves (in place, with a diagonal shift,
 * failing with the pivot named rather than with NaNs), {@link dev.motif.linalg.Gram} matrices
 * {@code JᵀWJ}, and {@link dev.motif.linalg.BlockArrow} systems solved by
 * {@link dev.motif.linalg.SchurComplement} at a cost linear in the number of blocks.
 *
 * <p>Matrices are row-major {@code double[]}s with their sizes passed alongside: these kernels
 * sit inside solvers' inner loops, over many small blocks or one large matrix, where a wrapper
 * object per block would cost more than the arithmetic. Sums run in a fixed order, so results do
 * not depend on tiling, threads or scheduling.
 */
package dev.motif.linalg;
