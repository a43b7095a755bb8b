package dev.motif.bench;

import dev.motif.fit.Dataset;
import dev.motif.fit.FitResult;
import dev.motif.fit.GlobalFit;
import dev.motif.fit.GlobalProblem;
import dev.motif.fit.LevenbergMarquardt;
import dev.motif.fit.Models;
import dev.motif.fit.ParameterSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One full global fit of K decay curves {@code y = A_k·exp(−t/τ) + B} (τ and B shared, A_k
 * local), 200 points each on t ∈ [0, 5]: the work {@code bench/peers/lmfit_global.py} times in
 * lmfit. Data as there: τ = 1.3, B = 0.2, A_k ~ U(1, 3), Gaussian noise σ = 0.02, drawn from a
 * seeded {@link SplittableRandom} (the same distributions, not the same numbers); start τ = 1,
 * B = 0, A_k = 1, no bounds, the solver's default options (parallel evaluation on the common pool).
 *
 * <p>Score: seconds per fit (single shot; the data and the {@link GlobalFit} are built in setup).
 * Each trial prints the solver's iterations and evaluations and the estimates once, so the time per
 * iteration can be read off.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
public class GlobalFitBench {
    static final int POINTS = 200;
    static final double TAU = 1.3, B = 0.2, NOISE = 0.02, T_MAX = 5.0;

    @Param({"10", "100", "300", "1000", "10000", "100000"})
    public int K;

    @Param({"1"})
    public long seed;

    private GlobalProblem problem;
    private double[] startGlobal, startLocal;
    private FitResult last;

    @Setup(Level.Trial)
    public void setUp() {
        GlobalFit fit = GlobalFit.of(Models.expressionModel("decay"), data(K, seed), spec());
        problem = fit.problem();
        startGlobal = fit.initialGlobal();
        startLocal = fit.initialLocal();
    }

    /** K seeded datasets of the decay model with noise. */
    static List<Dataset> data(int k, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] t = new double[POINTS];
        for (int i = 0; i < POINTS; i++) t[i] = T_MAX * i / (POINTS - 1);
        double[] amp = new double[k];
        for (int j = 0; j < k; j++) amp[j] = rng.nextDouble(1.0, 3.0);
        List<Dataset> out = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            double[] y = new double[POINTS];
            for (int i = 0; i < POINTS; i++) y[i] = amp[j] * Math.exp(-t[i] / TAU) + B + NOISE * gaussian(rng);
            out.add(Dataset.of("d" + j, t, y));
        }
        return out;
    }

    /** A standard normal deviate (Box–Muller; SplittableRandom has no nextGaussian on Java 17). */
    private static double gaussian(SplittableRandom rng) {
        double u = 1.0 - rng.nextDouble(), v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    static ParameterSpec spec() {
        return ParameterSpec.builder().shared("tau", "B").local("A").init("tau", 1).init("B", 0).init("A", 1).build();
    }

    @Benchmark
    public FitResult fit() {
        last = new LevenbergMarquardt().fit(problem, startGlobal, startLocal);
        return last;
    }

    @TearDown(Level.Trial)
    public void report() {
        if (last == null) return;
        System.out.printf(Locale.ROOT, "%nGlobalFitBench K=%d: %d iterations, %d evaluations, %s; tau = %.5f ± %.2g, B = %.5f ± %.2g%n",
                K, last.iterations(), last.evaluations(), last.reason(), last.globalValue(0), last.globalStderr(0),
                last.globalValue(1), last.globalStderr(1));
    }
}
