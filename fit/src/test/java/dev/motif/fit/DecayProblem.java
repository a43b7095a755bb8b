package dev.motif.fit;

import java.util.random.RandomGenerator;

/**
 * Simulated decays y = A_k·exp(−t/τ) + B + noise over K datasets, with exact derivatives. A is
 * local (one per dataset); τ is global; B is global, or local as well when {@code localB}. The
 * data are drawn with Gaussian noise of known sigma from a passed generator.
 */
final class DecayProblem implements GlobalProblem {
    final int datasets;
    final int points;
    final boolean localB;
    final double sigma;
    final double[] t;
    final double[] y;
    private double tauLower = Double.NEGATIVE_INFINITY;
    private double aLower = Double.NEGATIVE_INFINITY;

    DecayProblem(int datasets, int points, boolean localB, double sigma, double[] y) {
        this.datasets = datasets;
        this.points = points;
        this.localB = localB;
        this.sigma = sigma;
        this.y = y;
        t = new double[points];
        for (int i = 0; i < points; i++) t[i] = 5.0 * i / (points - 1);
    }

    /** Data drawn around A_k = amplitudes[k], tau, B with noise sigma. */
    static DecayProblem simulate(double[] amplitudes, int points, double tau, double b, double sigma,
                                 boolean localB, RandomGenerator rng) {
        int k = amplitudes.length;
        DecayProblem shape = new DecayProblem(k, points, localB, sigma, new double[k * points]);
        for (int d = 0; d < k; d++) {
            for (int i = 0; i < points; i++) {
                shape.y[d * points + i] = amplitudes[d] * Math.exp(-shape.t[i] / tau) + b + sigma * rng.nextGaussian();
            }
        }
        return shape;
    }

    DecayProblem withTauLower(double lo) {
        tauLower = lo;
        return this;
    }

    DecayProblem withAmplitudeLower(double lo) {
        aLower = lo;
        return this;
    }

    @Override public int datasetCount() { return datasets; }
    @Override public int globalCount() { return localB ? 1 : 2; }
    @Override public int localCount() { return localB ? 2 : 1; }
    @Override public int pointCount(int k) { return points; }
    @Override public String globalName(int j) { return j == 0 ? "tau" : "B"; }
    @Override public String localName(int j) { return j == 0 ? "A" : "B"; }
    @Override public String datasetName(int k) { return "d" + k; }
    @Override public double globalLower(int j) { return j == 0 ? tauLower : Double.NEGATIVE_INFINITY; }
    @Override public double globalUpper(int j) { return Double.POSITIVE_INFINITY; }
    @Override public double localLower(int j) { return j == 0 ? aLower : Double.NEGATIVE_INFINITY; }
    @Override public double localUpper(int j) { return Double.POSITIVE_INFINITY; }

    @Override
    public void evaluate(int from, int to, double[] global, double[] local, double[] r, double[] jg, double[] jl) {
        int g = globalCount();
        int l = localCount();
        double tau = global[0];
        int m = 0;
        for (int k = from; k < to; k++) {
            double a = local[k * l];
            double b = localB ? local[k * l + 1] : global[1];
            for (int i = 0; i < points; i++, m++) {
                double e = Math.exp(-t[i] / tau);
                r[m] = (y[k * points + i] - a * e - b) / sigma;
                if (jg != null) {
                    jg[m * g] = -a * e * t[i] / (tau * tau) / sigma;
                    if (!localB) jg[m * g + 1] = -1 / sigma;
                }
                if (jl != null) {
                    jl[m * l] = -e / sigma;
                    if (localB) jl[m * l + 1] = -1 / sigma;
                }
            }
        }
    }
}
