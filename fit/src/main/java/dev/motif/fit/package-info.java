/**
 * Global fitting: one model, many datasets, parameters shared across datasets, shared within
 * groups, local to one dataset, or fixed.
 *
 * <p>The pieces, in the order a command line uses them:
 * <ol>
 * <li>{@link dev.motif.fit.Expression} / {@link dev.motif.fit.ExpressionModel}: a model written as
 *     a formula ({@code A*exp(-t/tau) + B}), or any {@link dev.motif.fit.Model} written in Java on
 *     Tensors; {@link dev.motif.fit.Models} has the usual ones.
 * <li>{@link dev.motif.fit.ParameterSpec}: shared, local, grouped and fixed parameters, starts, bounds.
 * <li>{@link dev.motif.fit.DataReader}: CSV files into {@link dev.motif.fit.Dataset}s, columns chosen
 *     by {@link dev.motif.fit.DataColumns}, every error a {@link dev.motif.fit.DataFileException}
 *     with file, line and column.
 * <li>{@link dev.motif.fit.GlobalFit}: checks all of it together and offers the
 *     {@link dev.motif.fit.GlobalProblem} (residuals and exact Jacobian, global columns dense,
 *     local ones block-diagonal) that the block-sparse solver minimises; {@code untie()} gives the
 *     separate fits as one problem, for comparison.
 * </ol>
 */
package dev.motif.fit;
