package dev.motif.fit;

import java.util.List;

/**
 * The fast path of a global fit of an {@link ExpressionModel}: dataset by dataset, block by block
 * of {@link ExpressionKernel#BLOCK} points on the model's tape, with reverse-mode derivatives and
 * no allocation per block.
 */
final class KernelEvaluator implements ModelEvaluator {
    private final ExpressionKernel kernel;
    private final List<Dataset> datasets;
    private final ParameterLayout layout;
    private final int[] offsets;
    private final int covariateCount;

    KernelEvaluator(ExpressionModel model, List<Dataset> datasets, ParameterLayout layout, int[] offsets) {
        this.kernel = new ExpressionKernel(model);
        this.datasets = datasets;
        this.layout = layout;
        this.offsets = offsets;
        this.covariateCount = model.covariates().size();
    }

    @Override
    public void evaluate(int from, int to, double[] global, double[] local, double[] r, double[] jg, double[] jl) {
        boolean derivs = jg != null || jl != null;
        ExpressionKernel.Workspace ws = kernel.newWorkspace();
        double[][] d = new double[layout.parameters().size()][];
        for (int k = from; k < to; k++) {
            Dataset ds = datasets.get(k);
            double[] scalars = layout.scalars(k, global, local);
            int n = ds.pointCount();
            int base = offsets[k] - offsets[from];
            for (int s = 0; s < n; s += ExpressionKernel.BLOCK) {
                int nb = Math.min(ExpressionKernel.BLOCK, n - s);
                kernel.run(ws, ds.x(), s, nb, scalars, derivs);
                for (int p = 0; p < d.length; p++) {
                    d[p] = derivs && layout.role(p) != ParameterLayout.Role.FIXED ? ws.derivative(covariateCount + p) : null;
                }
                layout.writeRows(k, ds, s, nb, base + s, ws.values(), d, 0, r, jg, jl);
            }
        }
    }

    @Override
    public Predictor predictor() {
        ExpressionKernel.Workspace ws = kernel.newWorkspace();
        return (k, x, global, local) -> {
            int n = x[0].length;
            double[] scalars = layout.scalars(k, global, local);
            double[] out = new double[n];
            for (int s = 0; s < n; s += ExpressionKernel.BLOCK) {
                int nb = Math.min(ExpressionKernel.BLOCK, n - s);
                kernel.run(ws, x, s, nb, scalars, false);
                System.arraycopy(ws.values(), 0, out, s, nb);
            }
            return out;
        };
    }
}
