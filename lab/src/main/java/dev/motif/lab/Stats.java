package dev.motif.lab;

import java.util.Locale;

/** Summaries over the seeds of an experiment. */
final class Stats {
    private Stats() {}

    /** Mean of the values. */
    static double mean(double[] v) {
        double s = 0;
        for (double d : v) s += d;
        return s / v.length;
    }

    /** Sample standard deviation (n − 1); 0 for a single value. */
    static double sd(double[] v) {
        if (v.length < 2) return 0;
        double m = mean(v), s = 0;
        for (double d : v) s += (d - m) * (d - m);
        return Math.sqrt(s / (v.length - 1));
    }

    /** "0.812 ± 0.011" (one value: no ± part). */
    static String meanSd(double[] v) {
        return v.length < 2 ? String.format(Locale.ROOT, "%.3f", v[0]) : String.format(Locale.ROOT, "%.3f ± %.3f", mean(v), sd(v));
    }
}
