package dev.motif.fit;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Global structure: K stacked copies of a NIST problem must give the certified answer, with and
 * without per-copy offsets, and the Schur-complement solve must agree with a dense solve of the
 * same normal equations.
 */
class StackedTest {
    private static void assertRelative(double expected, double actual, double tol, String what) {
        assertTrue(Math.abs(actual - expected) <= tol * Math.abs(expected),
                what + ": expected " + expected + ", got " + actual + " (relative " + Math.abs(actual - expected) / Math.abs(expected) + ")");
    }

    @Test
    void copiesWithEverythingSharedGiveTheCertifiedEstimates() {
        for (String name : new String[] {"Misra1a", "Gauss1", "MGH09"}) {
            NistData d = NistData.load(name);
            int k = 7;
            FitResult r = new LevenbergMarquardt().fit(new NistProblem(d, k, null), d.starts()[1], new double[0]);
            assertTrue(r.converged(), r.message());
            int n = d.points();
            int p = d.parameters();
            for (int j = 0; j < p; j++) {
                assertRelative(d.certified()[j], r.globalValue(j), 1e-6, name + " b" + (j + 1));
                // the same curvature K times over and K times the RSS over K·n − p degrees of freedom
                double sd = d.certifiedSd()[j] * Math.sqrt((double) (n - p) / (k * n - p));
                assertRelative(sd, r.globalStderr(j), 1e-3, name + " stderr b" + (j + 1));
            }
            assertRelative(k * d.certifiedRss(), r.chiSquare(), 1e-6, name + " RSS");
            assertEquals((long) k * n - p, r.degreesOfFreedom());
            for (int c = 0; c < k; c++) assertRelative(d.certifiedRss(), r.datasetChiSquare(c), 1e-6, name + " RSS of copy " + c);
        }
    }

    @Test
    void localOffsetsLeaveTheSharedEstimatesUnchanged() {
        // model + c fitted to one copy; then K copies shifted by known offsets, each with its own c_k:
        // the shared estimates must not move, c_k must be c + shift_k, and chi-square K times larger
        NistData d = NistData.load("Chwirut2");
        FitResult one = new LevenbergMarquardt().fit(new NistProblem(d, 1, new double[] {0}), d.starts()[0], new double[1]);
        assertTrue(one.converged(), one.message());
        int k = 6;
        double[] shifts = {0, 3.5, -12.25, 40, 0.125, -7};
        FitResult r = new LevenbergMarquardt().fit(new NistProblem(d, k, shifts), d.starts()[0], new double[k]);
        assertTrue(r.converged(), r.message());
        for (int j = 0; j < d.parameters(); j++) {
            assertRelative(one.globalValue(j), r.globalValue(j), 1e-6, "b" + (j + 1));
        }
        double c = one.localValue(0, 0);
        for (int copy = 0; copy < k; copy++) {
            assertEquals(c + shifts[copy], r.localValue(copy, 0), 1e-6 * (1 + Math.abs(shifts[copy])), "offset of copy " + copy);
            assertTrue(r.localStderr(copy, 0) > 0 && Double.isFinite(r.localStderr(copy, 0)), "stderr of c" + copy);
            assertRelative(one.chiSquare(), r.datasetChiSquare(copy), 1e-8, "chi-square of copy " + copy);
        }
        assertRelative(k * one.chiSquare(), r.chiSquare(), 1e-8, "RSS");
        // the offset is a real extra freedom: the fit is no worse than the certified one without it
        assertTrue(one.chiSquare() <= d.certifiedRss() * (1 + 1e-9));
    }

    @Test
    void sharedInterceptCopiesGiveCertifiedEstimatesWhenOffsetsAreKnown() {
        // with the copies' offsets fixed at their known values (folded into the data, as fixed
        // parameters are), the intercept model ENSO recovers its certified estimates
        NistData d = NistData.load("ENSO");
        FitResult r = new LevenbergMarquardt().fit(new NistProblem(d, 3, null), d.starts()[1], new double[0]);
        for (int j = 0; j < d.parameters(); j++) assertRelative(d.certified()[j], r.globalValue(j), 1e-6, "b" + (j + 1));
    }

    private static NormalEquations equationsAt(GlobalProblem p, double[] g, double[] l, BlockKernels kernels) {
        NormalEquations ne = new NormalEquations(p.datasetCount(), p.globalCount(), p.localCount());
        kernels.accumulate(g, l, ne);
        assertTrue(ne.finite);
        return ne;
    }

    private static double maxRelativeDifference(double[] a, double[] b) {
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            scale = Math.max(scale, Math.abs(b[i]));
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        return diff / scale;
    }

    @Test
    void schurStepEqualsDenseStep() {
        DecayProblem decay = DecayProblem.simulate(new double[] {3, 1, 2.5, 0.7, 4, 1.8}, 30, 1.3, 0.4, 0.05, true,
                new SplittableRandom(7));
        NistData d = NistData.load("Misra1b");
        GlobalProblem[] problems = {decay, new NistProblem(d, 4, new double[] {0, 1, -2, 5})};
        double[][] globals = {{2.0}, d.starts()[0]};
        double[][] locals = {{2, 0.1, 2, 0.1, 2, 0.1, 2, 0.1, 2, 0.1, 2, 0.1}, {0.5, 0.5, 0.5, 0.5}};
        for (int c = 0; c < problems.length; c++) {
            GlobalProblem p = problems[c];
            BlockKernels kernels = new BlockKernels(p, true);
            NormalEquations ne = equationsAt(p, globals[c], locals[c], kernels);
            int n = p.globalCount() + p.datasetCount() * p.localCount();
            double[] d2 = new double[n];
            for (int i = 0; i < n; i++) d2[i] = ne.diagonal(i);
            for (double lambda : new double[] {1e-8, 1e-3, 1, 100}) {
                for (int pattern = 0; pattern < 3; pattern++) {
                    boolean[] fixed = new boolean[n];
                    if (pattern == 1) fixed[0] = true;
                    if (pattern == 2) {
                        fixed[n - 1] = true;
                        fixed[p.globalCount() + 1] = true;
                    }
                    double[] sg = new double[p.globalCount()];
                    double[] sl = new double[n - p.globalCount()];
                    double[] dg = new double[p.globalCount()];
                    double[] dl = new double[n - p.globalCount()];
                    assertTrue(kernels.solveSchur(ne, lambda, d2, fixed, sg, sl));
                    assertTrue(BlockKernels.solveDense(ne, lambda, d2, fixed, dg, dl));
                    double[] schur = concat(sg, sl);
                    double[] dense = concat(dg, dl);
                    double diff = maxRelativeDifference(schur, dense);
                    assertTrue(diff <= 1e-10, "problem " + c + ", lambda " + lambda + ", pattern " + pattern + ": " + diff);
                    for (int i = 0; i < n; i++) if (fixed[i]) assertEquals(0.0, Math.abs(schur[i]));
                }
            }
        }
    }

    @Test
    void schurFitEqualsDenseFit() {
        DecayProblem decay = DecayProblem.simulate(new double[] {3, 1, 2.5, 0.7}, 40, 1.3, 0.4, 0.05, true,
                new SplittableRandom(11));
        double[] local = {1, 0, 1, 0, 1, 0, 1, 0};
        FitResult schur = new LevenbergMarquardt().fit(decay, new double[] {0.5}, local);
        FitResult dense = new LevenbergMarquardt(LevenbergMarquardt.Options.defaults(), true).fit(decay, new double[] {0.5}, local);
        assertTrue(schur.converged() && dense.converged(), schur.message() + " / " + dense.message());
        assertTrue(maxRelativeDifference(schur.globalValues(), dense.globalValues()) <= 1e-10);
        assertTrue(maxRelativeDifference(schur.localValues(), dense.localValues()) <= 1e-10);
        assertEquals(dense.chiSquare(), schur.chiSquare(), 1e-10 * dense.chiSquare());
    }

    @Test
    void parallelAndSequentialAgreeExactly() {
        DecayProblem decay = DecayProblem.simulate(new double[300], 20, 1.3, 0.4, 0.05, false, new SplittableRandom(3));
        double[] local = new double[300];
        java.util.Arrays.fill(local, 0.5);
        FitResult par = new LevenbergMarquardt().fit(decay, new double[] {1, 0}, local);
        FitResult seq = new LevenbergMarquardt(LevenbergMarquardt.Options.defaults().withParallel(false))
                .fit(decay, new double[] {1, 0}, local);
        // the partition and the order of the partial sums do not depend on threads
        assertEquals(seq.chiSquare(), par.chiSquare(), 0.0);
        assertEquals(seq.globalValue(0), par.globalValue(0), 0.0);
        assertEquals(seq.iterations(), par.iterations());
    }

    @Test
    void decayJacobianMatchesCentralDifferences() {
        DecayProblem shared = DecayProblem.simulate(new double[] {3, 1}, 10, 1.3, 0.4, 0.05, false, new SplittableRandom(1));
        JacobianCheck.assertJacobian(shared, new double[] {1.1, 0.3}, new double[] {2, 1.5}, 1e-6);
        DecayProblem local = DecayProblem.simulate(new double[] {3, 1}, 10, 1.3, 0.4, 0.05, true, new SplittableRandom(1));
        JacobianCheck.assertJacobian(local, new double[] {1.1}, new double[] {2, 0.3, 1.5, 0.2}, 1e-6);
        NistData r = NistData.load("Roszman1");
        JacobianCheck.assertJacobian(new NistProblem(r, 2, new double[] {0, 1}), r.starts()[0], new double[] {0.1, 0.2}, 1e-5);
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = new double[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
