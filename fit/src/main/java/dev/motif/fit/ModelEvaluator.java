package dev.motif.fit;

import java.util.List;

/**
 * How a {@link GlobalFit} computes its model: residuals and Jacobian rows of a range of datasets
 * for the solver, and model values at given points for predictions. Two implementations: an
 * {@link ExpressionModel} runs on its tape ({@link KernelEvaluator}), any other {@link Model} on
 * Tensors ({@link TensorEvaluator}); both give exact Jacobians.
 *
 * <p>Implementations are immutable; {@link #evaluate} may run concurrently on disjoint dataset
 * ranges, and each thread that predicts takes its own {@link #predictor()}.
 */
interface ModelEvaluator {
    /**
     * Residuals {@code (y − f)/sigma} and Jacobian rows of datasets {@code [from, to)}, as
     * {@link GlobalProblem#evaluate} specifies (arguments already checked).
     */
    void evaluate(int from, int to, double[] global, double[] local, double[] r, double[] jg, double[] jl);

    /** A predictor with its own scratch space, to be used by one thread. */
    Predictor predictor();

    /** Model values for one dataset's parameters. */
    @FunctionalInterface
    interface Predictor {
        /** The model at the points {@code x[v][i]} (variables in the model's order, columns of equal length) with dataset k's parameters. */
        double[] predict(int k, double[][] x, double[] global, double[] local);
    }

    /** The tape for an expression model, Tensors for any other. */
    static ModelEvaluator of(Model model, List<Dataset> datasets, ParameterLayout layout, int[] offsets) {
        return model instanceof ExpressionModel em
                ? new KernelEvaluator(em, datasets, layout, offsets)
                : new TensorEvaluator(model, datasets, layout, offsets);
    }
}
