package dev.motif.fit;

import dev.motif.autodiff.Tensor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A model function {@code f(variables; covariates, parameters)} evaluated elementwise on tensors.
 *
 * <p>{@link #apply} receives one tensor per name: a column of m points (shape {@code [m]}) or a
 * scalar (shape {@code []}), and must return the m model values, computed with {@link Tensor} ops
 * only, so that the fit gets exact derivatives. Each output element must depend only on the same
 * row of every input (no sums over points): the fit reads all per-point derivatives from one
 * backward pass.
 *
 * <pre>{@code
 * Model decay = Model.of("A*exp(-t/tau)+B", List.of("t"), List.of(), List.of("A", "tau", "B"),
 *         in -> in.get("A").mul(in.get("t").div(in.get("tau")).neg().exp()).add(in.get("B")));
 * }</pre>
 */
public interface Model {
    /** Independent variables, read from the data's x columns (e.g. {@code t}). */
    List<String> variables();

    /** Covariates: data columns that are constant within each dataset (e.g. an inhibitor concentration {@code I}). */
    List<String> covariates();

    /** Parameters, in a fixed order (shared, local, grouped or fixed according to a {@link ParameterSpec}). */
    List<String> parameters();

    /** The model's values for the given inputs, one tensor per name of the three lists. */
    Tensor apply(Map<String, Tensor> inputs);

    /** A human-readable formula, for reports. */
    String formula();

    /** A model from a Java function of tensors; the three name lists must be disjoint. */
    static Model of(String formula, List<String> variables, List<String> covariates, List<String> parameters,
                    Function<Map<String, Tensor>, Tensor> f) {
        checkDisjoint("Model.of", variables, covariates, parameters);
        List<String> v = List.copyOf(variables), c = List.copyOf(covariates), p = List.copyOf(parameters);
        return new Model() {
            @Override public List<String> variables() { return v; }
            @Override public List<String> covariates() { return c; }
            @Override public List<String> parameters() { return p; }
            @Override public Tensor apply(Map<String, Tensor> inputs) { return f.apply(inputs); }
            @Override public String formula() { return formula; }
            @Override public String toString() { return formula; }
        };
    }

    /** Throws when a name occurs twice across the lists. */
    static void checkDisjoint(String op, List<String> variables, List<String> covariates, List<String> parameters) {
        Set<String> seen = new HashSet<>();
        List<String> all = new ArrayList<>(variables);
        all.addAll(covariates);
        all.addAll(parameters);
        for (String n : all) {
            if (!seen.add(n)) {
                throw new IllegalArgumentException(op + ": name '" + n + "' occurs twice among variables " + variables
                        + ", covariates " + covariates + " and parameters " + parameters);
            }
        }
        if (variables.isEmpty()) throw new IllegalArgumentException(op + ": a model needs at least one variable");
    }
}
