package dev.motif.fit;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The extra-sum-of-squares F test between a shared and a separate fit of the same decays. */
class ComparisonTest {
    /** The same decays with every parameter local: A_k, tau_k, B_k. */
    private static GlobalProblem separate(DecayProblem d) {
        return new GlobalProblem() {
            @Override public int datasetCount() { return d.datasets; }
            @Override public int globalCount() { return 0; }
            @Override public int localCount() { return 3; }
            @Override public int pointCount(int k) { return d.points; }
            @Override public String globalName(int j) { throw new IndexOutOfBoundsException(); }
            @Override public String localName(int j) { return new String[] {"A", "tau", "B"}[j]; }
            @Override public String datasetName(int k) { return d.datasetName(k); }
            @Override public double globalLower(int j) { throw new IndexOutOfBoundsException(); }
            @Override public double globalUpper(int j) { throw new IndexOutOfBoundsException(); }
            @Override public double localLower(int j) { return Double.NEGATIVE_INFINITY; }
            @Override public double localUpper(int j) { return Double.POSITIVE_INFINITY; }
            @Override public void evaluate(int from, int to, double[] g, double[] l, double[] r, double[] jg, double[] jl) {
                int m = 0;
                for (int k = from; k < to; k++) {
                    double a = l[3 * k];
                    double tau = l[3 * k + 1];
                    double b = l[3 * k + 2];
                    for (int i = 0; i < d.points; i++, m++) {
                        double e = Math.exp(-d.t[i] / tau);
                        r[m] = (d.y[k * d.points + i] - a * e - b) / d.sigma;
                        if (jl != null) {
                            jl[3 * m] = -e / d.sigma;
                            jl[3 * m + 1] = -a * e * d.t[i] / (tau * tau) / d.sigma;
                            jl[3 * m + 2] = -1 / d.sigma;
                        }
                    }
                }
            }
        };
    }

    private static Comparison compare(DecayProblem d) {
        int k = d.datasets;
        double[] local = new double[k];
        Arrays.fill(local, 1);
        FitResult shared = new LevenbergMarquardt().fit(d, new double[] {1, 0}, local);
        double[] sep = new double[3 * k];
        for (int i = 0; i < k; i++) {
            sep[3 * i] = 1;
            sep[3 * i + 1] = 1;
        }
        FitResult separate = new LevenbergMarquardt().fit(separate(d), new double[0], sep);
        assertTrue(shared.converged() && separate.converged());
        Comparison c = Comparison.of(shared, separate);
        assertEquals(shared.chiSquare(), c.chiSquareShared(), 0.0);
        assertEquals(shared.degreesOfFreedom(), c.dofShared());
        assertEquals(separate.degreesOfFreedom(), c.dofSeparate());
        assertEquals(2L * (k - 1), c.dofShared() - c.dofSeparate());
        double f = ((shared.chiSquare() - separate.chiSquare()) / (2 * (k - 1))) / (separate.chiSquare() / separate.degreesOfFreedom());
        assertEquals(f, c.f(), 1e-12 * f);
        assertEquals(shared.aic() - separate.aic(), c.deltaAic(), 1e-12);
        return c;
    }

    @Test
    void sharingIsSupportedWhenTheDatasetsShareTauAndB() {
        DecayProblem d = DecayProblem.simulate(new double[] {3, 1, 2, 0.5, 1.5}, 40, 1.3, 0.4, 0.05, false, new SplittableRandom(8));
        Comparison c = compare(d);
        assertTrue(c.sharingSupported(), c.verdict());
        assertTrue(c.deltaAic() < 0, c.verdict());
        assertTrue(c.verdict().startsWith("sharing is supported: p = "), c.verdict());
        assertTrue(c.verdict().endsWith("favours the shared model"), c.verdict());
    }

    @Test
    void sharingIsRejectedWhenTauDiffers() {
        // dataset 2 decays with tau 1.6 instead of 1.3
        DecayProblem d = DecayProblem.simulate(new double[] {3, 1, 2}, 40, 1.3, 0.4, 0.02, false, new SplittableRandom(8));
        SplittableRandom rng = new SplittableRandom(9);
        for (int i = 0; i < 40; i++) d.y[2 * 40 + i] = 2 * Math.exp(-d.t[i] / 1.6) + 0.4 + 0.02 * rng.nextGaussian();
        Comparison c = compare(d);
        assertFalse(c.sharingSupported(), c.verdict());
        assertTrue(c.p() < 1e-6, c.verdict());
        assertTrue(c.verdict().startsWith("sharing is rejected: p = "), c.verdict());
        assertTrue(c.verdict().contains("favours the separate model"), c.verdict());
    }

    @Test
    void pValueMatchesTheClosedFormForTwoNumeratorDegrees() {
        // for F(2, d2) the survival function is (1 + 2F/d2)^(-d2/2)
        Comparison c = Comparison.of(130.0, 52, 100.0, 50, -1.0, 0.05);
        double f = (30.0 / 2) / (100.0 / 50);
        assertEquals(f, c.f(), 1e-14);
        assertEquals(Math.pow(1 + 2 * f / 50, -25), c.p(), 1e-12);
        assertEquals("sharing is rejected: p = 0.0014 < 0.05, ΔAIC = -1.0 favours the shared model (the criteria disagree)",
                c.verdict());
        Comparison ok = Comparison.of(102.0, 52, 100.0, 50, -5.2, 0.05);
        assertEquals(Math.pow(1 + 2 * ok.f() / 50, -25), ok.p(), 1e-12);
        assertEquals("sharing is supported: p = 0.61, ΔAIC = -5.2 favours the shared model", ok.verdict());
    }

    @Test
    void edgeCases() {
        // a separate fit stuck in a worse minimum gives no evidence against sharing
        Comparison worse = Comparison.of(100.0, 52, 110.0, 50, -3, 0.05);
        assertEquals(0.0, worse.f());
        assertEquals(1.0, worse.p());
        Comparison exact = Comparison.of(1.0, 52, 0.0, 50, 10, 0.05);
        assertEquals(0.0, exact.p());
        assertThrows(IllegalArgumentException.class, () -> Comparison.of(100.0, 50, 90.0, 50, 0, 0.05));
        assertThrows(IllegalArgumentException.class, () -> Comparison.of(100.0, 52, 90.0, 0, 0, 0.05));
        assertThrows(IllegalArgumentException.class, () -> Comparison.of(Double.NaN, 52, 90.0, 50, 0, 0.05));
        assertThrows(IllegalArgumentException.class, () -> Comparison.of(100.0, 52, 90.0, 50, 0, 1.5));
    }
}
