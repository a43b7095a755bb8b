package dev.motif.text;

import java.util.Locale;

/**
 * Numbers as Motif prints them, the same whatever the default locale ({@code String.format} with
 * a German default writes 1,5 for 1.5 and 25.000 for 25,000): the one place for the formats of
 * tables, reports, progress lines and messages.
 *
 * <pre>{@code
 * Format.grouped(1_050_570);     // "1,050,570"
 * Format.compact(12.0);          // "12"
 * Format.significant(0.0300, 6); // "0.03"
 * }</pre>
 */
public final class Format {
    private Format() {}

    /** {@code String.format} in {@link Locale#ROOT}. */
    public static String of(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    /** A count with thousands separators: 1,050,570. */
    public static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A whole number as one (12, not 12.0), anything else to four significant digits; NaN and infinities by name. */
    public static String compact(double v) {
        if (!Double.isFinite(v)) return String.valueOf(v);
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.4g", v);
    }

    /** {@code digits} significant digits with trailing zeros dropped: 0.03, 1.5e-07, 12. */
    public static String significant(double v, int digits) {
        if (!Double.isFinite(v)) return String.valueOf(v);
        String s = String.format(Locale.ROOT, "%." + digits + "g", v);
        return s.replaceAll("(\\.\\d*?)0+(?=$|e)", "$1").replaceAll("\\.(?=$|e)", "");
    }

    /** A fraction as a percentage with {@code decimals} decimals: 84.3%. */
    public static String percent(double fraction, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f%%", 100 * fraction);
    }

    /** m:ss below an hour, h:mm:ss above, {@code --:--} when unknown. */
    public static String duration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) return "--:--";
        long s = Math.round(seconds);
        return s < 3600 ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60) : String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
