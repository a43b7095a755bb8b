package dev.motif.lab;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

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

    /** Mean, sd and every seed's value, for the JSON: {@code {"mean": …, "sd": …, "seeds": […]}}. */
    static Map<String, Object> summary(double[] v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", mean(v));
        m.put("sd", sd(v));
        m.put("seeds", v.clone());
        return m;
    }

    /**
     * How two arms' values over seeds compare, in words: the difference of the means and
     * whether it exceeds twice its standard error (√(s₁²/n₁ + s₂²/n₂)), the seeds' own spread.
     * With one seed there is no spread to judge by, and the sentence says so.
     */
    static String compare(String a, double[] x, String b, double[] y) {
        double diff = mean(x) - mean(y);
        if (x.length < 2 || y.length < 2) return String.format(Locale.ROOT, "%s − %s = %+.3f (one seed: no spread to judge it by)", a, b, diff);
        double se = Math.sqrt(sd(x) * sd(x) / x.length + sd(y) * sd(y) / y.length);
        return String.format(Locale.ROOT, "%s − %s = %+.3f, %s twice its standard error over the seeds (%.3f)", a, b, diff,
                Math.abs(diff) > 2 * se ? "more than" : "within", 2 * se);
    }
}
