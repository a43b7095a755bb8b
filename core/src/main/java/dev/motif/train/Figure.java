package dev.motif.train;

import dev.motif.text.Format;

import java.util.Locale;

/**
 * A named number in a progress report: {@code loss 0.4471}, {@code acc 84.3%}, {@code χ² 31.20}.
 *
 * @param name    short, as shown
 * @param value   the number (a fraction in [0, 1] when {@code percent})
 * @param percent whether it is shown as a percentage
 */
public record Figure(String name, double value, boolean percent) {
    public Figure {
        if (name == null) throw new IllegalArgumentException("Figure: name must not be null");
    }

    /** A plain number. */
    public static Figure of(String name, double value) {
        return new Figure(name, value, false);
    }

    /** A fraction shown as a percentage. */
    public static Figure percent(String name, double fraction) {
        return new Figure(name, fraction, true);
    }

    /** The value as shown: four decimals for moderate numbers, four significant digits otherwise. */
    public String formattedValue() {
        if (percent) return Format.percent(value, 1);
        double a = Math.abs(value);
        if (!Double.isFinite(value)) return String.valueOf(value);
        return a == 0 || (a >= 1e-3 && a < 1e5) ? String.format(Locale.ROOT, "%.4f", value) : String.format(Locale.ROOT, "%.4g", value);
    }

    /** {@code name value}, as a progress line shows it. */
    @Override
    public String toString() {
        return name + " " + formattedValue();
    }
}
