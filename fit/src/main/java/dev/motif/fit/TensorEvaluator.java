package dev.motif.fit;

import dev.motif.autodiff.Autodiff;

import java.util.Arrays;
import java.util.List;

/**
 * The path of a global fit of any {@link Model}: chunks of whole datasets laid out as columns,
 * one forward and one backward pass per chunk through a {@link PointwiseEvaluator}.
 */
final class TensorEvaluator implements ModelEvaluator {
    /** Points per chunk: big enough that per-op overhead vanishes, small enough to stay a few MB. */
    static final int CHUNK = 1 << 16;

    private final Model model;
    private final PointwiseEvaluator pointwise;
    private final List<Dataset> datasets;
    private final ParameterLayout layout;
    private final int[] offsets;

    TensorEvaluator(Model model, List<Dataset> datasets, ParameterLayout layout, int[] offsets) {
        this.model = model;
        this.pointwise = new PointwiseEvaluator(model);
        this.datasets = datasets;
        this.layout = layout;
        this.offsets = offsets;
    }

    @Override
    public void evaluate(int from, int to, double[] global, double[] local, double[] r, double[] jg, double[] jl) {
        boolean derivs = jg != null || jl != null;
        int nv = model.variables().size();
        int nc = model.covariates().size();
        int P = layout.parameters().size();
        int k0 = from;
        while (k0 < to) {
            int k1 = k0 + 1;
            while (k1 < to && offsets[k1 + 1] - offsets[k0] <= CHUNK) k1++;
            int m = offsets[k1] - offsets[k0];
            double[][] in = new double[nv + nc + P][];
            boolean[] want = new boolean[in.length];
            for (int v = 0; v < nv; v++) in[v] = new double[m];
            for (int j = nv; j < in.length; j++) {
                boolean fixed = j >= nv + nc && layout.role(j - nv - nc) == ParameterLayout.Role.FIXED;
                in[j] = fixed ? new double[] {layout.fixedValue(j - nv - nc)} : new double[m];
                want[j] = derivs && j >= nv + nc && !fixed;
            }
            for (int k = k0; k < k1; k++) {
                Dataset ds = datasets.get(k);
                int at = offsets[k] - offsets[k0];
                int n = ds.pointCount();
                for (int v = 0; v < nv; v++) System.arraycopy(ds.x()[v], 0, in[v], at, n);
                double[] s = layout.scalars(k, global, local);
                for (int j = 0; j < s.length; j++) if (in[nv + j].length == m) Arrays.fill(in[nv + j], at, at + n, s[j]);
            }
            double[][] g = derivs ? new double[in.length][] : null;
            if (derivs) for (int j = 0; j < in.length; j++) if (want[j]) g[j] = new double[m];
            double[] f = pointwise.evaluate(m, in, derivs ? want : null, g);
            double[][] d = new double[P][];
            for (int k = k0; k < k1; k++) {
                int at = offsets[k] - offsets[k0];
                if (derivs) for (int p = 0; p < P; p++) d[p] = g[nv + nc + p];
                layout.writeRows(k, datasets.get(k), 0, datasets.get(k).pointCount(), offsets[k] - offsets[from], f, d, at, r, jg, jl);
            }
            k0 = k1;
        }
    }

    @Override
    public Predictor predictor() {
        return (k, x, global, local) -> {
            int n = x[0].length;
            if (n == 0) return new double[0];
            double[] scalars = layout.scalars(k, global, local);
            double[][] in = new double[x.length + scalars.length][];
            for (int v = 0; v < x.length; v++) in[v] = x[v];
            for (int j = 0; j < scalars.length; j++) in[x.length + j] = new double[] {scalars[j]};
            return Autodiff.noGrad(() -> pointwise.evaluate(n, in, null, null)).clone();
        };
    }
}
