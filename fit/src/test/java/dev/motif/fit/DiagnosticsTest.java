package dev.motif.fit;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How fits end and what the result says about parameters it cannot give an error for. */
class DiagnosticsTest {
    private static double[] grid(int n, double from, double to) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = from + (to - from) * i / (n - 1);
        return x;
    }

    @Test
    void nonConvergenceReturnsTheBestPointAndSaysWhy() {
        NistData d = NistData.load("MGH10");
        CurveProblem p = new CurveProblem(new String[] {"b1", "b2", "b3"}, (b, x, g) -> {
            double e = Math.exp(b[1] / (x + b[2]));
            g[0] = e;
            g[1] = b[0] * e / (x + b[2]);
            g[2] = -b[0] * e * b[1] / ((x + b[2]) * (x + b[2]));
            return b[0] * e;
        }, d.x()[0], d.y());
        int endedOnRejection = 0;
        for (int limit = 30; limit < 60; limit++) {
            p.history.clear();
            FitResult r = new LevenbergMarquardt(LevenbergMarquardt.Options.defaults().withMaxIterations(limit))
                    .fit(p, d.starts()[0], new double[0]);
            assertEquals(FitResult.Status.NOT_CONVERGED, r.status());
            assertEquals(FitResult.Reason.MAX_ITERATIONS, r.reason());
            assertEquals(limit, r.iterations());
            assertTrue(r.message().startsWith("not converged: reached the limit of " + limit + " iterations"), r.message());
            double best = p.history.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double last = p.history.get(p.history.size() - 1);
            // (the solver sums in another order than the history, hence the last-bits tolerance)
            assertEquals(best, r.chiSquare(), 1e-13 * best, "the best chi-square seen is the one returned");
            if (last > best * (1 + 1e-9)) endedOnRejection++;
            double[] check = new double[d.points()];
            p.evaluate(0, 1, r.globalValues(), new double[0], check, null, null);
            double chi2 = 0;
            for (double v : check) chi2 += v * v;
            assertEquals(r.chiSquare(), chi2, 1e-12 * chi2, "the returned values are the point that has that chi-square");
        }
        // the check above means something only if some runs ended on a step worse than the best
        assertTrue(endedOnRejection > 0);

        FitResult e = new LevenbergMarquardt(LevenbergMarquardt.Options.defaults().withMaxEvaluations(10))
                .fit(p, d.starts()[0], new double[0]);
        assertEquals(FitResult.Reason.MAX_EVALUATIONS, e.reason());
        assertEquals(10, e.evaluations());
        assertFalse(e.converged());
    }

    @Test
    void aStepIntoAnUndefinedRegionIsRejectedNotDropped() {
        // y = sqrt(b)·x with b = 0.01: the first Gauss-Newton step from b = 4 lands at b < 0, where
        // the model is NaN; the solver must damp and still reach b = 0.01 using every point
        double[] x = grid(20, 1, 3);
        double[] y = new double[20];
        for (int i = 0; i < 20; i++) y[i] = 0.1 * x[i] + (i % 2 == 0 ? 1e-3 : -1e-3);
        CurveProblem p = new CurveProblem(new String[] {"b"}, (b, xi, g) -> {
            g[0] = xi / (2 * Math.sqrt(b[0]));
            return Math.sqrt(b[0]) * xi;
        }, x, y);
        FitResult r = new LevenbergMarquardt(LevenbergMarquardt.Options.defaults().withInitialLambda(1e-12))
                .fit(p, new double[] {4}, new double[0]);
        assertTrue(p.history.stream().anyMatch(c -> c.isNaN()), "a trial point should have been undefined");
        assertTrue(r.converged(), r.message());
        assertEquals(20, r.pointCount());
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < 20; i++) {
            sxx += x[i] * x[i];
            sxy += x[i] * y[i];
        }
        double slope = sxy / sxx;
        assertEquals(slope * slope, r.globalValue(0), 1e-12);
    }

    @Test
    void boundActiveParametersAreReportedWithoutAnError() {
        // true tau 1.3, lower bound 1.5: tau must end on the bound; A of the dataset whose true
        // amplitude is negative ends on its bound 0
        DecayProblem p = DecayProblem.simulate(new double[] {3, 1, -0.5}, 40, 1.3, 0.4, 0.02, false, new SplittableRandom(9))
                .withTauLower(1.5).withAmplitudeLower(0);
        FitResult r = new LevenbergMarquardt().fit(p, new double[] {2, 0}, new double[] {1, 1, 1});
        assertTrue(r.converged(), r.message());
        assertEquals(1.5, r.globalValue(0), 0.0);
        assertTrue(Double.isNaN(r.globalStderr(0)));
        assertEquals("at lower bound 1.5", r.globalNote(0));
        assertEquals(0.0, r.localValue(2, 0), 0.0);
        assertTrue(Double.isNaN(r.localStderr(2, 0)));
        assertEquals("at lower bound 0.0", r.localNote(2, 0));
        assertTrue(Double.isFinite(r.globalStderr(1)) && r.globalStderr(1) > 0);
        assertTrue(Double.isFinite(r.localStderr(0, 0)) && r.localStderr(0, 0) > 0);
        assertEquals("", r.globalNote(1));
        assertTrue(r.diagnostics().contains("'tau' is at lower bound 1.5: its standard error is not defined"), r.diagnostics().toString());
        assertTrue(r.diagnostics().contains("'A' of dataset 2 ('d2') is at lower bound 0.0: its standard error is not defined"),
                r.diagnostics().toString());
        assertTrue(Double.isNaN(r.globalCorrelation()[0][1]));
        assertEquals(1.0, r.globalCorrelation()[1][1], 0.0);
    }

    @Test
    void estimatesNeverLeaveTheBox() {
        // from a start on the bound, with a first step that would cross it, every evaluated tau
        // stays inside and the interior optimum is still found
        DecayProblem decay = DecayProblem.simulate(new double[] {3, 1}, 40, 1.3, 0.4, 0.02, false, new SplittableRandom(2))
                .withTauLower(0.2);
        java.util.List<Double> taus = new java.util.ArrayList<>();
        GlobalProblem p = new GlobalProblem() {
            @Override public int datasetCount() { return decay.datasetCount(); }
            @Override public int globalCount() { return decay.globalCount(); }
            @Override public int localCount() { return decay.localCount(); }
            @Override public int pointCount(int k) { return decay.pointCount(k); }
            @Override public String globalName(int j) { return decay.globalName(j); }
            @Override public String localName(int j) { return decay.localName(j); }
            @Override public String datasetName(int k) { return decay.datasetName(k); }
            @Override public double globalLower(int j) { return decay.globalLower(j); }
            @Override public double globalUpper(int j) { return decay.globalUpper(j); }
            @Override public double localLower(int j) { return decay.localLower(j); }
            @Override public double localUpper(int j) { return decay.localUpper(j); }
            @Override public void evaluate(int from, int to, double[] g, double[] l, double[] r, double[] jg, double[] jl) {
                synchronized (taus) {
                    taus.add(g[0]);
                }
                decay.evaluate(from, to, g, l, r, jg, jl);
            }
        };
        FitResult r = new LevenbergMarquardt(LevenbergMarquardt.Options.defaults().withInitialLambda(1e-9))
                .fit(p, new double[] {0.2, 3}, new double[] {0.1, 0.1});
        assertTrue(r.converged(), r.message());
        assertTrue(taus.stream().allMatch(t -> t >= 0.2), taus.toString());
        assertTrue(taus.stream().filter(t -> t == 0.2).count() > 1, "some step was projected onto the bound: " + taus);
        assertEquals(1.3, r.globalValue(0), 0.05, "the interior optimum is found from a start on the bound");
        assertEquals("", r.globalNote(0));
        assertTrue(Double.isFinite(r.globalStderr(0)));
    }

    @Test
    void productOfTwoParametersIsNamedUndetermined() {
        double[] x = grid(15, 0, 4);
        double[] y = new double[15];
        for (int i = 0; i < 15; i++) y[i] = 6 * x[i] + 1 + 0.01 * Math.sin(7 * i);
        CurveProblem p = new CurveProblem(new String[] {"a", "b", "c"}, (b, xi, g) -> {
            g[0] = b[1] * xi;
            g[1] = b[0] * xi;
            g[2] = 1;
            return b[0] * b[1] * xi + b[2];
        }, x, y);
        FitResult r = new LevenbergMarquardt().fit(p, new double[] {2, 2, 0}, new double[0]);
        assertTrue(r.converged(), r.message());
        assertEquals(6, r.globalValue(0) * r.globalValue(1), 1e-3);
        for (int j = 0; j < 2; j++) {
            assertTrue(Double.isNaN(r.globalStderr(j)), "stderr of " + r.globalName(j));
            assertTrue(r.globalNote(j).startsWith("undetermined: the data fix only a combination of 'a', 'b'"), r.globalNote(j));
        }
        assertTrue(Double.isFinite(r.globalStderr(2)) && r.globalStderr(2) > 0, "c is determined");
        assertEquals("", r.globalNote(2));
        assertEquals("'a', 'b': undetermined, the data fix only a combination of them; standard errors not defined",
                r.diagnostics().get(0));
    }

    @Test
    void aParameterWithoutEffectIsNamed() {
        double[] x = grid(10, 0, 1);
        double[] y = new double[10];
        for (int i = 0; i < 10; i++) y[i] = 2 * x[i] + 0.01 * Math.cos(5 * i);
        CurveProblem p = new CurveProblem(new String[] {"slope", "unused"}, (b, xi, g) -> {
            g[0] = xi;
            g[1] = 0;
            return b[0] * xi;
        }, x, y);
        FitResult r = new LevenbergMarquardt().fit(p, new double[] {1, 5}, new double[0]);
        assertTrue(r.converged(), r.message());
        assertEquals(5, r.globalValue(1), 0.0);
        assertTrue(Double.isNaN(r.globalStderr(1)));
        assertTrue(r.globalNote(1).startsWith("undetermined: the data do not constrain it"), r.globalNote(1));
        assertTrue(Double.isFinite(r.globalStderr(0)));
    }

    @Test
    void aGlobalDegenerateWithLocalsIsNamedWithThem() {
        // y_k = (g + l_k)·x: only the sums g + l_k are determined
        GlobalProblem p = new GlobalProblem() {
            final double[] x = grid(8, 1, 2);
            @Override public int datasetCount() { return 3; }
            @Override public int globalCount() { return 1; }
            @Override public int localCount() { return 1; }
            @Override public int pointCount(int k) { return 8; }
            @Override public String globalName(int j) { return "g"; }
            @Override public String localName(int j) { return "l"; }
            @Override public String datasetName(int k) { return "s" + k; }
            @Override public double globalLower(int j) { return Double.NEGATIVE_INFINITY; }
            @Override public double globalUpper(int j) { return Double.POSITIVE_INFINITY; }
            @Override public double localLower(int j) { return Double.NEGATIVE_INFINITY; }
            @Override public double localUpper(int j) { return Double.POSITIVE_INFINITY; }
            @Override public void evaluate(int from, int to, double[] global, double[] local, double[] r, double[] jg, double[] jl) {
                int m = 0;
                for (int k = from; k < to; k++) {
                    for (int i = 0; i < 8; i++, m++) {
                        double yk = (k + 1) * x[i] + 0.01 * Math.sin(3 * m + k);
                        r[m] = yk - (global[0] + local[k]) * x[i];
                        if (jg != null) jg[m] = -x[i];
                        if (jl != null) jl[m] = -x[i];
                    }
                }
            }
        };
        FitResult r = new LevenbergMarquardt().fit(p, new double[] {0.5}, new double[] {0, 0, 0});
        assertTrue(r.converged(), r.message());
        for (int k = 0; k < 3; k++) assertEquals(k + 1, r.globalValue(0) + r.localValue(k, 0), 1e-2);
        assertTrue(Double.isNaN(r.globalStderr(0)));
        assertTrue(r.globalNote(0).contains("undetermined"), r.globalNote(0));
        for (int k = 0; k < 3; k++) {
            assertTrue(Double.isNaN(r.localStderr(k, 0)), "stderr of l" + k);
            assertTrue(r.localNote(k, 0).contains("undetermined"), r.localNote(k, 0));
        }
        assertTrue(r.diagnostics().get(0).startsWith("'g' with 'l' of dataset 0 ('s0'), 'l' of dataset 1 ('s1')"),
                r.diagnostics().toString());
    }

    @Test
    void degenerateLocalsAreNamedPerDataset() {
        // y_k = a_k·b_k·x + c: within each dataset only the product a_k·b_k is determined
        double[] x = grid(12, 0, 3);
        GlobalProblem p = new GlobalProblem() {
            @Override public int datasetCount() { return 2; }
            @Override public int globalCount() { return 1; }
            @Override public int localCount() { return 2; }
            @Override public int pointCount(int k) { return 12; }
            @Override public String globalName(int j) { return "c"; }
            @Override public String localName(int j) { return j == 0 ? "a" : "b"; }
            @Override public String datasetName(int k) { return "s" + k; }
            @Override public double globalLower(int j) { return Double.NEGATIVE_INFINITY; }
            @Override public double globalUpper(int j) { return Double.POSITIVE_INFINITY; }
            @Override public double localLower(int j) { return Double.NEGATIVE_INFINITY; }
            @Override public double localUpper(int j) { return Double.POSITIVE_INFINITY; }
            @Override public void evaluate(int from, int to, double[] g, double[] l, double[] r, double[] jg, double[] jl) {
                int m = 0;
                for (int k = from; k < to; k++) {
                    double a = l[2 * k];
                    double b = l[2 * k + 1];
                    for (int i = 0; i < 12; i++, m++) {
                        double y = (k + 2) * x[i] + 0.5 + 0.01 * Math.cos(5 * m);
                        r[m] = y - a * b * x[i] - g[0];
                        if (jg != null) jg[m] = -1;
                        if (jl != null) {
                            jl[2 * m] = -b * x[i];
                            jl[2 * m + 1] = -a * x[i];
                        }
                    }
                }
            }
        };
        FitResult r = new LevenbergMarquardt().fit(p, new double[] {0}, new double[] {1, 1, 1, 1});
        assertTrue(r.converged(), r.message());
        assertTrue(Double.isFinite(r.globalStderr(0)) && r.globalStderr(0) > 0, r.diagnostics().toString());
        for (int k = 0; k < 2; k++) {
            assertEquals(k + 2, r.localValue(k, 0) * r.localValue(k, 1), 1e-2);
            for (int j = 0; j < 2; j++) {
                assertTrue(Double.isNaN(r.localStderr(k, j)));
                assertTrue(r.localNote(k, j).startsWith("undetermined: the data fix only a combination of 'a' of dataset "
                        + k + " ('s" + k + "'), 'b' of dataset " + k), r.localNote(k, j));
            }
        }
        assertEquals(2, r.diagnostics().size(), r.diagnostics().toString());
    }

    @Test
    void noDegreesOfFreedomIsSaid() {
        CurveProblem p = new CurveProblem(new String[] {"a", "b"}, (b, xi, g) -> {
            g[0] = 1;
            g[1] = xi;
            return b[0] + b[1] * xi;
        }, new double[] {1, 2}, new double[] {3, 5.5});
        FitResult r = new LevenbergMarquardt().fit(p, new double[] {0, 0}, new double[0]);
        assertEquals(0, r.degreesOfFreedom());
        assertTrue(Double.isNaN(r.reducedChiSquare()));
        assertTrue(Double.isNaN(r.globalStderr(0)));
        assertEquals("no degrees of freedom to estimate the scatter from", r.globalNote(0));
        assertTrue(r.diagnostics().get(0).startsWith("no degrees of freedom (2 points, 2 free parameters)"), r.diagnostics().toString());
        // with absolute sigmas the errors need no scatter estimate: here sigma = 1, so (JᵀJ)⁻¹
        FitResult abs = new LevenbergMarquardt(LevenbergMarquardt.Options.defaults().withAbsoluteSigma(true))
                .fit(p, new double[] {0, 0}, new double[0]);
        // JᵀJ = [[2, 3], [3, 5]], inverse [[5, -3], [-3, 2]]
        assertEquals(Math.sqrt(5), abs.globalStderr(0), 1e-12);
        assertEquals(Math.sqrt(2), abs.globalStderr(1), 1e-12);
        assertEquals(-3 / Math.sqrt(10), abs.globalCorrelation()[0][1], 1e-12);
    }

    @Test
    void badStartsAreRefusedWithTheParameterOrPointNamed() {
        DecayProblem p = DecayProblem.simulate(new double[] {3, 1}, 10, 1.3, 0.4, 0.02, false, new SplittableRandom(2))
                .withTauLower(0.5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LevenbergMarquardt().fit(p, new double[] {0.1, 0}, new double[] {1, 1}));
        assertTrue(e.getMessage().contains("start value of 'tau' is 0.1, expected a finite value in [0.5, Infinity]"), e.getMessage());
        CurveProblem sqrt = new CurveProblem(new String[] {"b"}, (b, xi, g) -> {
            g[0] = xi / (2 * Math.sqrt(b[0]));
            return Math.sqrt(b[0]) * xi;
        }, grid(5, 1, 2), new double[5]);
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> new LevenbergMarquardt().fit(sqrt, new double[] {-1}, new double[0]));
        assertTrue(f.getMessage().contains("residual of point 0 of dataset 0 ('data') is not finite"), f.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LevenbergMarquardt().fit(p, new double[] {1}, new double[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> new LevenbergMarquardt().fit(p, new double[] {1, 0}, new double[] {1}));
    }

    @Test
    void statisticsFollowTheirDefinitions() {
        DecayProblem p = DecayProblem.simulate(new double[] {3, 1, 2}, 25, 1.3, 0.4, 0.05, false, new SplittableRandom(4));
        FitResult r = new LevenbergMarquardt().fit(p, new double[] {1, 0}, new double[] {1, 1, 1});
        long n = 75;
        int k = 5;
        double chi2 = r.chiSquare();
        assertEquals(n, r.pointCount());
        assertEquals(k, r.parameterCount());
        assertEquals(n - k, r.degreesOfFreedom());
        assertEquals(chi2 / (n - k), r.reducedChiSquare(), 1e-15);
        assertEquals(n * Math.log(chi2 / n) + 2 * k, r.aic(), 1e-12);
        assertEquals(r.aic() + 2.0 * k * (k + 1) / (n - k - 1), r.aicc(), 1e-12);
        assertEquals(n * Math.log(chi2 / n) + Math.log(n) * k, r.bic(), 1e-12);
        double sum = 0;
        for (int d = 0; d < 3; d++) {
            sum += r.datasetChiSquare(d);
            assertEquals(Math.sqrt(r.datasetChiSquare(d) / 25), r.datasetRms(d), 1e-15);
        }
        assertEquals(chi2, sum, 1e-12 * chi2);
        double[][] cov = r.globalCovariance();
        double[][] cor = r.globalCorrelation();
        assertEquals(cov[0][1] / Math.sqrt(cov[0][0] * cov[1][1]), cor[0][1], 1e-14);
        assertEquals(cor[0][1], cor[1][0], 0.0);
        assertEquals(Math.sqrt(cov[0][0]), r.globalStderr(0), 1e-15);
        assertTrue(r.summary().contains("tau"), r.summary());
    }
}
