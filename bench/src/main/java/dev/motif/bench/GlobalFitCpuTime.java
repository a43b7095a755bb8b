package dev.motif.bench;

import dev.motif.fit.FitResult;
import dev.motif.fit.GlobalFit;
import dev.motif.fit.LevenbergMarquardt;
import dev.motif.fit.Models;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * The CPU time of one {@link GlobalFitBench} fit on one thread (parallel evaluation off): on a
 * shared machine the wall time of a fit grows with the other jobs' load, its CPU time much less,
 * so this says what the fit costs.
 *
 * <pre>{@code
 * java -Xmx8g -cp bench/target/benchmarks.jar dev.motif.bench.GlobalFitCpuTime 100000 4   # K, repeats
 * }</pre>
 */
public final class GlobalFitCpuTime {
    private GlobalFitCpuTime() {}

    public static void main(String[] args) {
        int k = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        GlobalFit fit = GlobalFit.of(Models.expressionModel("decay"), GlobalFitBench.data(k, 1), GlobalFitBench.spec());
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        LevenbergMarquardt lm = new LevenbergMarquardt(LevenbergMarquardt.Options.defaults().withParallel(false));
        for (int r = 0; r < repeats; r++) {
            long c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            FitResult res = lm.fit(fit.problem(), fit.initialGlobal(), fit.initialLocal());
            double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9, wall = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "K=%d serial fit: cpu %.2f s, wall %.2f s, %d iterations, %d evaluations, cpu per iteration %.3f s%n",
                    k, cpu, wall, res.iterations(), res.evaluations(), cpu / res.iterations());
        }
    }
}
