package dev.motif.lab;

import java.util.List;

/**
 * What an experiment plots, independent of how it is drawn (the command line draws it as SVG).
 *
 * @param logX whether the x axis is logarithmic (training-set sizes)
 */
public record Figure(String title, String xLabel, String yLabel, boolean logX, List<Curve> curves) {
    public Figure {
        curves = List.copyOf(curves);
    }

    /** One named curve; {@code errors} (half-widths, such as one standard deviation) may be null. */
    public record Curve(String name, double[] x, double[] y, double[] errors) {
        public Curve {
            if (x.length != y.length || (errors != null && errors.length != y.length)) {
                throw new IllegalArgumentException("curve '" + name + "': " + x.length + " x, " + y.length + " y"
                        + (errors == null ? "" : ", " + errors.length + " errors") + " values; they must agree");
            }
            x = x.clone();
            y = y.clone();
            errors = errors == null ? null : errors.clone();
        }
    }
}
