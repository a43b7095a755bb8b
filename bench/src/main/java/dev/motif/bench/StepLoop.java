package dev.motif.bench;

import java.util.Locale;

/**
 * Runs {@link TrainBench}'s step (or {@link ConvBench}'s forward-backward) in a plain loop for a
 * given time and prints the median step time, so a profiler can be attached to a process that
 * does nothing else:
 *
 * <pre>
 * java -XX:StartFlightRecording=filename=train.jfr,settings=profile -cp bench/target/benchmarks.jar \
 *      dev.motif.bench.StepLoop train conv F32 20
 * java -cp bench/target/benchmarks.jar dev.motif.bench.StepLoop conv - F64 10
 * </pre>
 *
 * Arguments: {@code train ARCH DTYPE SECONDS} or {@code conv - DTYPE SECONDS}; the first third of
 * the time is warm-up and is not reported.
 */
public final class StepLoop {
    private StepLoop() {}

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) {
        if (args.length != 4) throw new IllegalArgumentException("StepLoop: expected train|conv ARCH DTYPE SECONDS, got " + args.length + " arguments");
        double seconds = Double.parseDouble(args[3]);
        Runnable step;
        if (args[0].equals("train")) {
            TrainBench b = new TrainBench();
            b.arch = args[1];
            b.dtype = args[2];
            b.setup();
            step = b::step;
        } else if (args[0].equals("conv")) {
            ConvBench b = new ConvBench();
            b.dtype = args[2];
            b.setup();
            step = b::forwardBackward;
        } else {
            throw new IllegalArgumentException("StepLoop: first argument must be train or conv, got " + args[0]);
        }
        long warmEnd = System.nanoTime() + (long) (seconds / 3 * 1e9), end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < warmEnd) step.run();
        long[] t = new long[1 << 16];
        int n = 0;
        // CPU time of the whole process (every thread: ForkJoin workers and BLAS threads, spinning included),
        // which a loaded machine disturbs much less than the wall-clock time.
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        while (System.nanoTime() < end && n < t.length) {
            long t0 = System.nanoTime();
            step.run();
            t[n++] = System.nanoTime() - t0;
        }
        double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / n;
        double sum = 0;
        for (int i = 0; i < n; i++) sum += t[i];
        double mean = sum / n / 1e6;
        java.util.Arrays.sort(t, 0, n);
        double med = t[n / 2] / 1e6;
        System.out.printf(Locale.ROOT, "%s %s %s: median %.3f ms/step over %d steps (p25 %.3f, p75 %.3f, mean %.3f); %.0f images/s; process CPU %.3f ms/step%n",
                args[0], args[1], args[2], med, n, t[n / 4] / 1e6, t[3 * n / 4] / 1e6, mean, 64 / med * 1e3, cpuMs);
    }
}
