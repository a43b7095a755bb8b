package dev.motif.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named measurements over a number of examples: always a {@code "loss"}, and what the objective
 * adds ({@code "accuracy"}, {@code "auc"}, {@code "rmse"}, per-head values of a multi-task model).
 *
 * <pre>{@code
 * Metrics m = trainer.evaluate(test);
 * double acc = m.get("accuracy");
 * }</pre>
 *
 * @param values the measurements by name, in the order the objective gives them
 * @param count  the number of examples measured
 */
public record Metrics(Map<String, Double> values, int count) {
    public Metrics {
        if (!values.containsKey("loss")) throw new IllegalArgumentException("Metrics: a \"loss\" is required, got " + values.keySet());
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The mean loss per example. */
    public double loss() {
        return values.get("loss");
    }

    /** A measurement by name; an IllegalArgumentException listing the names there are. */
    public double get(String name) {
        Double v = values.get(name);
        if (v == null) throw new IllegalArgumentException("no metric '" + name + "'; there are " + values.keySet());
        return v;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The names of the first measurement that is not finite, or null. */
    String firstNonFinite() {
        for (Map.Entry<String, Double> e : values.entrySet()) if (!Double.isFinite(e.getValue())) return e.getKey();
        return null;
    }

    /** Whether a measurement of this name is a fraction in [0, 1], shown as a percentage. */
    public static boolean isFraction(String name) {
        return name.equals("accuracy") || name.endsWith(" accuracy") || name.equals("auc") || name.endsWith(" auc");
    }

    /** The measurements as progress figures, each name after {@code prefix} ("validation loss"). */
    List<Figure> figures(String prefix) {
        return values.entrySet().stream()
                .map(e -> new Figure(prefix + e.getKey(), e.getValue(), isFraction(e.getKey())))
                .toList();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Figure f : figures("")) sb.append(sb.length() > 0 ? ", " : "").append(f);
        return sb.append(" (").append(count).append(" examples)").toString();
    }
}
