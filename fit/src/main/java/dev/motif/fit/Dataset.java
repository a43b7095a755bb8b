package dev.motif.fit;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One dataset of a fit: its points (one column per model variable, y, optional sigma), its
 * covariates and group labels (constant within the dataset), and where it came from.
 *
 * <p>Arrays are not copied by the accessors; treat them as read-only.
 *
 * @param name       the dataset's name (file name, or the value of the {@code by} column)
 * @param source     the file it was read from (for messages), or a description
 * @param x          {@code x[v][i]}: variable v (in the model's order) at point i
 * @param y          observed values
 * @param sigma      standard deviations of y (weights 1/sigma²), or null for unweighted data
 * @param covariates value of each covariate column
 * @param groups     value of each group column (as written in the file)
 * @param dropped    rows left out because a used cell was empty, NaN or infinite
 * @param lines      the file line of each point (for messages), or null
 */
public record Dataset(String name, String source, double[][] x, double[] y, double[] sigma,
                      Map<String, Double> covariates, Map<String, String> groups, int dropped, int[] lines) {

    public Dataset {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("Dataset: a name is needed");
        if (x == null || x.length == 0) throw new IllegalArgumentException("Dataset '" + name + "': at least one x column is needed");
        for (double[] col : x) {
            if (col.length != y.length) {
                throw new IllegalArgumentException("Dataset '" + name + "': x column has " + col.length + " values, y has " + y.length);
            }
        }
        if (sigma != null && sigma.length != y.length) {
            throw new IllegalArgumentException("Dataset '" + name + "': sigma has " + sigma.length + " values, y has " + y.length);
        }
        if (lines != null && lines.length != y.length) {
            throw new IllegalArgumentException("Dataset '" + name + "': " + lines.length + " line numbers for " + y.length + " points");
        }
        covariates = Map.copyOf(covariates);
        groups = Map.copyOf(groups);
        if (source == null) source = name;
    }

    /** A dataset of one variable, without sigma, covariates or groups (built in code rather than read). */
    public static Dataset of(String name, double[] x, double[] y) {
        return new Dataset(name, name, new double[][] {x}, y, null, Map.of(), Map.of(), 0, null);
    }

    /** The same dataset with standard deviations. */
    public Dataset withSigma(double[] s) {
        return new Dataset(name, source, x, y, s, covariates, groups, dropped, lines);
    }

    /** The same dataset with one more covariate value. */
    public Dataset withCovariate(String column, double value) {
        Map<String, Double> c = new LinkedHashMap<>(covariates);
        c.put(column, value);
        return new Dataset(name, source, x, y, sigma, c, groups, dropped, lines);
    }

    /** The same dataset with one more group label. */
    public Dataset withGroup(String column, String value) {
        Map<String, String> g = new LinkedHashMap<>(groups);
        g.put(column, value);
        return new Dataset(name, source, x, y, sigma, covariates, g, dropped, lines);
    }

    /** Number of points (rows kept). */
    public int pointCount() {
        return y.length;
    }

    /** Where point i came from, for messages: {@code source, line L} or {@code source, point i}. */
    public String where(int i) {
        return source + (lines != null ? ", line " + lines[i] : ", point " + i);
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ", " + y.length + " points" + (sigma != null ? ", sigma" : "") + (covariates.isEmpty() ? "" : ", " + covariates)
                + (groups.isEmpty() ? "" : ", " + groups) + (dropped > 0 ? ", " + dropped + " dropped" : "") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dataset d && name.equals(d.name) && source.equals(d.source) && Arrays.deepEquals(x, d.x)
                && Arrays.equals(y, d.y) && Arrays.equals(sigma, d.sigma) && covariates.equals(d.covariates)
                && groups.equals(d.groups) && dropped == d.dropped && Arrays.equals(lines, d.lines);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(y);
    }
}
