package dev.motif.fit;

import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.RealVector;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresBuilder;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresOptimizer;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LevenbergMarquardtOptimizer;
import org.hipparchus.util.Pair;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The block solver and Hipparchus' (MINPACK-derived) Levenberg-Marquardt find the same minimum
 * and the same standard errors on small problems: a few NIST ones and a global decay fit flattened
 * into one parameter vector for Hipparchus.
 */
class HipparchusAgreementTest {

    /** Hipparchus' optimum of a whole GlobalProblem, its parameters flattened (globals, then locals). */
    private static LeastSquaresOptimizer.Optimum hipparchus(GlobalProblem p, double[] start) {
        int k = p.datasetCount();
        int g = p.globalCount();
        int l = p.localCount();
        int m = 0;
        for (int d = 0; d < k; d++) m += p.pointCount(d);
        int rows = m;
        int n = start.length;
        LeastSquaresBuilder b = new LeastSquaresBuilder()
                .start(start)
                .target(new double[rows]) // residuals come from the problem: model := −r so target − model = r
                .maxEvaluations(100000)
                .maxIterations(100000)
                .model(point -> {
                    double[] x = point.toArray();
                    double[] r = new double[rows];
                    double[] jg = new double[rows * g];
                    double[] jl = new double[rows * l];
                    p.evaluate(0, k, Arrays.copyOfRange(x, 0, g), Arrays.copyOfRange(x, g, n), r, jg, jl);
                    double[][] jac = new double[rows][n];
                    int i = 0;
                    for (int d = 0; d < k; d++) {
                        for (int e = 0; e < p.pointCount(d); e++, i++) {
                            r[i] = -r[i];
                            for (int j = 0; j < g; j++) jac[i][j] = -jg[i * g + j];
                            for (int j = 0; j < l; j++) jac[i][g + d * l + j] = -jl[i * l + j];
                        }
                    }
                    return new Pair<RealVector, org.hipparchus.linear.RealMatrix>(new ArrayRealVector(r, false),
                            new Array2DRowRealMatrix(jac, false));
                });
        LevenbergMarquardtOptimizer opt = new LevenbergMarquardtOptimizer()
                .withCostRelativeTolerance(1e-13)
                .withParameterRelativeTolerance(1e-13)
                .withOrthoTolerance(1e-13);
        return opt.optimize(b.build());
    }

    private static void assertAgree(GlobalProblem p, double[] global, double[] local) {
        FitResult ours = new LevenbergMarquardt().fit(p, global, local);
        assertTrue(ours.converged(), ours.message());
        double[] start = new double[global.length + local.length];
        System.arraycopy(global, 0, start, 0, global.length);
        System.arraycopy(local, 0, start, global.length, local.length);
        LeastSquaresOptimizer.Optimum theirs = hipparchus(p, start);
        double[] x = theirs.getPoint().toArray();
        int n = x.length;
        long dof = ours.degreesOfFreedom();
        double chi2 = theirs.getChiSquare();
        double[] sigma = theirs.getSigma(1e-15).toArray();
        double[] ourValues = new double[n];
        double[] ourErrors = new double[n];
        System.arraycopy(ours.globalValues(), 0, ourValues, 0, global.length);
        System.arraycopy(ours.localValues(), 0, ourValues, global.length, local.length);
        System.arraycopy(ours.globalStderrs(), 0, ourErrors, 0, global.length);
        System.arraycopy(ours.localStderrs(), 0, ourErrors, global.length, local.length);
        for (int i = 0; i < n; i++) {
            assertEquals(x[i], ourValues[i], 1e-6 * Math.abs(x[i]), "parameter " + i);
            // Hipparchus' sigma is sqrt(diag((JᵀJ)⁻¹)); ours is scaled by the reduced chi-square
            double theirError = sigma[i] * Math.sqrt(chi2 / dof);
            assertEquals(theirError, ourErrors[i], 1e-5 * theirError, "standard error " + i);
        }
        assertEquals(chi2, ours.chiSquare(), 1e-10 * chi2);
    }

    @Test
    void sameMinimumOnNistProblems() {
        for (String name : new String[] {"Misra1a", "Chwirut2", "DanWood", "Rat42", "Eckerle4", "MGH09", "Gauss1"}) {
            NistData d = NistData.load(name);
            assertAgree(new NistProblem(d), d.starts()[1], new double[0]);
        }
    }

    @Test
    void sameMinimumOnAGlobalDecayFit() {
        DecayProblem p = DecayProblem.simulate(new double[] {3, 1, 2, 0.5}, 30, 1.3, 0.4, 0.05, false, new SplittableRandom(5));
        assertAgree(p, new double[] {1, 0}, new double[] {1, 1, 1, 1});
        DecayProblem q = DecayProblem.simulate(new double[] {3, 1, 2}, 30, 1.3, 0.4, 0.05, true, new SplittableRandom(6));
        assertAgree(q, new double[] {1}, new double[] {1, 0, 1, 0, 1, 0});
    }
}
