package dev.motif.fit;

import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A NIST problem as a {@link GlobalProblem}: K copies of its data, the p model parameters global
 * (shared by all copies). With {@code shifts} non-null, copy k's responses are shifted by
 * {@code shifts[k]} and each copy gets one local parameter c (model + c), so the shared estimates
 * stay the certified ones and c_k should come out as shifts[k]. The Jacobian comes from autodiff:
 * each parameter is fed as a vector of the points' length holding copies of its value, so one
 * backward pass of Σf gives every row of the Jacobian at once.
 */
final class NistProblem implements GlobalProblem {
    final NistData data;
    private final NistModels.Model model;
    private final int copies;
    private final double[] shifts;
    private final double[] response;
    private final double[] lower;
    private final double[] upper;

    NistProblem(NistData data, int copies, double[] shifts) {
        this.data = data;
        this.model = NistModels.MODELS.get(data.name());
        if (model == null && !data.name().equals("Roszman1")) throw new IllegalArgumentException("no model for " + data.name());
        this.copies = copies;
        this.shifts = shifts;
        response = data.y().clone();
        if (NistModels.logResponse(data.name())) {
            for (int i = 0; i < response.length; i++) response[i] = Math.log(response[i]);
        }
        lower = new double[data.parameters()];
        upper = new double[data.parameters()];
        java.util.Arrays.fill(lower, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(upper, Double.POSITIVE_INFINITY);
    }

    NistProblem(NistData data) {
        this(data, 1, null);
    }

    /** The same problem with bounds on the global parameters. */
    NistProblem bounded(double[] lo, double[] hi) {
        NistProblem p = new NistProblem(data, copies, shifts);
        System.arraycopy(lo, 0, p.lower, 0, lo.length);
        System.arraycopy(hi, 0, p.upper, 0, hi.length);
        return p;
    }

    @Override public int datasetCount() { return copies; }
    @Override public int globalCount() { return data.parameters(); }
    @Override public int localCount() { return shifts == null ? 0 : 1; }
    @Override public int pointCount(int k) { return data.points(); }
    @Override public String globalName(int j) { return "b" + (j + 1); }
    @Override public String localName(int j) { return "c"; }
    @Override public String datasetName(int k) { return data.name() + "#" + k; }
    @Override public double globalLower(int j) { return lower[j]; }
    @Override public double globalUpper(int j) { return upper[j]; }
    @Override public double localLower(int j) { return Double.NEGATIVE_INFINITY; }
    @Override public double localUpper(int j) { return Double.POSITIVE_INFINITY; }

    @Override
    public void evaluate(int from, int to, double[] global, double[] local, double[] r, double[] jg, double[] jl) {
        int n = data.points();
        int p = data.parameters();
        double[] f = new double[n];
        double[] df = new double[n * p];
        modelAndJacobian(global, f, df);
        for (int k = from; k < to; k++) {
            int base = (k - from) * n;
            double shift = shifts == null ? 0 : shifts[k];
            double c = shifts == null ? 0 : local[k];
            for (int i = 0; i < n; i++) {
                r[base + i] = response[i] + shift - f[i] - c;
                if (jg != null) for (int j = 0; j < p; j++) jg[(base + i) * p + j] = -df[i * p + j];
                if (jl != null && shifts != null) jl[base + i] = -1;
            }
        }
    }

    /** f and df/db (row-major n×p) at b. */
    void modelAndJacobian(double[] b, double[] f, double[] df) {
        int n = data.points();
        int p = data.parameters();
        if (model == null) {
            roszman1(b, f, df);
            return;
        }
        List<Tensor> bs = new ArrayList<>();
        Tensor[] bv = new Tensor[p];
        for (int j = 0; j < p; j++) {
            bv[j] = Tensor.variable(NDArray.full(dev.motif.array.DType.F64, b[j], n));
            bs.add(bv[j]);
        }
        Tensor[] xs = new Tensor[data.x().length];
        for (int c = 0; c < xs.length; c++) xs[c] = Tensor.constant(NDArray.vector(data.x()[c].clone()));
        Tensor out = model.f(bv, xs);
        double[] fv = out.value().toDoubleArray();
        System.arraycopy(fv, 0, f, 0, n);
        List<Tensor> grads = Autodiff.grad(out.sum(), bs, false);
        for (int j = 0; j < p; j++) {
            double[] g = grads.get(j).value().toDoubleArray();
            for (int i = 0; i < n; i++) df[i * p + j] = g[i];
        }
    }

    /** y = b1 − b2·x − arctan(b3/(x − b4))/π with its exact derivatives. */
    private void roszman1(double[] b, double[] f, double[] df) {
        double[] x = data.x()[0];
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - b[3];
            double u = b[2] / d;
            double datan = 1 / (1 + u * u) / Math.PI;
            f[i] = b[0] - b[1] * x[i] - Math.atan(u) / Math.PI;
            df[i * 4] = 1;
            df[i * 4 + 1] = -x[i];
            df[i * 4 + 2] = -datan / d;
            df[i * 4 + 3] = -datan * b[2] / (d * d);
        }
    }
}
