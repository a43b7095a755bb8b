package dev.motif.lab;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/** The machine's load while an experiment ran, so that a report's times can be read against it. */
final class Load {
    private Load() {}

    /** The system's load average over the last minute, or NaN where the platform has none. */
    static double now() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? Double.NaN : l;
    }

    /** "The run took 12.3 min of wall time on 2 cores; 1-minute load average 3.1 at the start, 4.2 at the end." */
    static String sentence(double seconds, double before, double after) {
        return String.format(Locale.ROOT, "The run took %.1f min of wall time on %d cores; 1-minute load average %.1f at the start and %.1f at the end.",
                seconds / 60, Runtime.getRuntime().availableProcessors(), before, after);
    }
}
