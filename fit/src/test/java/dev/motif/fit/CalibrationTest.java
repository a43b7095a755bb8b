package dev.motif.fit;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Standard errors mean what they say: over 200 simulated global fits of K = 5 decays with known
 * Gaussian noise, the ±1σ interval of the shared τ covers the true τ in 68% ± 5% of them.
 */
class CalibrationTest {
    static final double TAU = 1.3;
    static final double B = 0.4;
    static final double SIGMA = 0.05;
    static final double[] AMPLITUDES = {3, 1, 2, 0.5, 1.5};

    private static double[] coverage(boolean absoluteSigma) {
        SplittableRandom rng = new SplittableRandom(20261123);
        LevenbergMarquardt lm = new LevenbergMarquardt(LevenbergMarquardt.Options.defaults().withAbsoluteSigma(absoluteSigma));
        int fits = 200;
        int tauCovered = 0;
        int bCovered = 0;
        for (int s = 0; s < fits; s++) {
            DecayProblem p = DecayProblem.simulate(AMPLITUDES, 40, TAU, B, SIGMA, false, rng);
            double[] local = new double[AMPLITUDES.length];
            Arrays.fill(local, 1);
            FitResult r = lm.fit(p, new double[] {1, 0}, local);
            assertTrue(r.converged(), r.message());
            if (Math.abs(r.globalValue(0) - TAU) <= r.globalStderr(0)) tauCovered++;
            if (Math.abs(r.globalValue(1) - B) <= r.globalStderr(1)) bCovered++;
        }
        return new double[] {tauCovered / (double) fits, bCovered / (double) fits};
    }

    @Test
    void oneSigmaIntervalsCoverTheTruthTwoThirdsOfTheTime() {
        double[] scaled = coverage(false);
        assertTrue(Math.abs(scaled[0] - 0.6827) <= 0.05, "tau coverage " + scaled[0]);
        assertTrue(Math.abs(scaled[1] - 0.6827) <= 0.05, "B coverage " + scaled[1]);
    }

    @Test
    void absoluteSigmaIntervalsAreCalibratedToo() {
        // the residuals are divided by the true sigma, so (JᵀJ)⁻¹ unscaled is the covariance
        double[] absolute = coverage(true);
        assertTrue(Math.abs(absolute[0] - 0.6827) <= 0.05, "tau coverage " + absolute[0]);
        assertTrue(Math.abs(absolute[1] - 0.6827) <= 0.05, "B coverage " + absolute[1]);
    }
}
