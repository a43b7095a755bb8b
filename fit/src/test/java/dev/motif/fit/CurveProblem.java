package dev.motif.fit;

import java.util.Arrays;

/** One dataset, y = f(b, x), every parameter global, with hand-written derivatives and optional bounds. */
final class CurveProblem implements GlobalProblem {
    /** f(b, x), writing df/db into grad. */
    @FunctionalInterface
    interface Curve {
        double f(double[] b, double x, double[] grad);
    }

    final String[] names;
    final Curve curve;
    final double[] x;
    final double[] y;
    final double[] lower;
    final double[] upper;
    /** Σr² of every full evaluation, in order (for tests that look at the path). */
    final java.util.List<Double> history = new java.util.ArrayList<>();

    CurveProblem(String[] names, Curve curve, double[] x, double[] y) {
        this.names = names;
        this.curve = curve;
        this.x = x;
        this.y = y;
        lower = new double[names.length];
        upper = new double[names.length];
        Arrays.fill(lower, Double.NEGATIVE_INFINITY);
        Arrays.fill(upper, Double.POSITIVE_INFINITY);
    }

    CurveProblem bound(int j, double lo, double hi) {
        lower[j] = lo;
        upper[j] = hi;
        return this;
    }

    @Override public int datasetCount() { return 1; }
    @Override public int globalCount() { return names.length; }
    @Override public int localCount() { return 0; }
    @Override public int pointCount(int k) { return x.length; }
    @Override public String globalName(int j) { return names[j]; }
    @Override public String localName(int j) { throw new IndexOutOfBoundsException(); }
    @Override public String datasetName(int k) { return "data"; }
    @Override public double globalLower(int j) { return lower[j]; }
    @Override public double globalUpper(int j) { return upper[j]; }
    @Override public double localLower(int j) { throw new IndexOutOfBoundsException(); }
    @Override public double localUpper(int j) { throw new IndexOutOfBoundsException(); }

    @Override
    public void evaluate(int from, int to, double[] global, double[] local, double[] r, double[] jg, double[] jl) {
        int p = names.length;
        double[] grad = new double[p];
        double chi2 = 0;
        for (int i = 0; i < x.length; i++) {
            r[i] = y[i] - curve.f(global, x[i], grad);
            chi2 += r[i] * r[i];
            if (jg != null) for (int j = 0; j < p; j++) jg[i * p + j] = -grad[j];
        }
        synchronized (history) {
            history.add(chi2);
        }
    }
}
