package dev.motif.fit;

import dev.motif.autodiff.Tensor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A {@link Model} given by an {@link Expression}: the caller names the variables and the
 * covariates, and every other name of the expression is a parameter (in order of first appearance).
 *
 * <pre>{@code
 * Model m = ExpressionModel.parse("Vmax*S/(Km*(1 + I/Ki) + S)", List.of("S"), List.of("I"));
 * m.parameters();   // [Vmax, Km, Ki]
 * }</pre>
 */
public final class ExpressionModel implements Model {
    private final Expression expression;
    private final List<String> variables;
    private final List<String> covariates;
    private final List<String> parameters;

    private ExpressionModel(Expression expression, List<String> variables, List<String> covariates) {
        this.expression = expression;
        this.variables = List.copyOf(variables);
        this.covariates = List.copyOf(covariates);
        List<String> names = expression.names();
        for (String v : variables) {
            if (!names.contains(v)) {
                throw new IllegalArgumentException("model '" + expression + "' does not use the variable '" + v + "' (it uses " + names + ")");
            }
        }
        for (String c : covariates) {
            if (!names.contains(c)) {
                throw new IllegalArgumentException("model '" + expression + "' does not use the covariate '" + c + "' (it uses " + names + ")");
            }
        }
        List<String> p = new ArrayList<>();
        for (String n : names) if (!variables.contains(n) && !covariates.contains(n)) p.add(n);
        this.parameters = List.copyOf(p);
        Model.checkDisjoint("ExpressionModel", variables, covariates, parameters);
    }

    /** Parses {@code source}; throws {@link ExpressionException} for a syntax error, IllegalArgumentException for unused variables. */
    public static ExpressionModel parse(String source, List<String> variables, List<String> covariates) {
        return new ExpressionModel(Expression.parse(source), variables, covariates);
    }

    /**
     * Parses {@code source} for data with the given columns: a name of the expression that is a
     * data column, neither a variable nor named in {@code parameterNames} (the parameter spec),
     * is a covariate. For a command line without a covariate option: {@code I} in
     * {@code Vmax*S/(Km*(1 + I/Ki) + S)} becomes a covariate when the files have a column {@code I}.
     */
    public static ExpressionModel parse(String source, List<String> variables, Collection<String> columns, Collection<String> parameterNames) {
        Expression e = Expression.parse(source);
        List<String> cov = new ArrayList<>();
        for (String n : e.names()) {
            if (!variables.contains(n) && columns.contains(n) && !parameterNames.contains(n)) cov.add(n);
        }
        return new ExpressionModel(e, variables, cov);
    }

    /** A model from an already parsed expression. */
    public static ExpressionModel of(Expression expression, List<String> variables, List<String> covariates) {
        return new ExpressionModel(expression, variables, covariates);
    }

    public Expression expression() {
        return expression;
    }

    @Override public List<String> variables() { return variables; }
    @Override public List<String> covariates() { return covariates; }
    @Override public List<String> parameters() { return parameters; }
    @Override public String formula() { return expression.source(); }

    @Override
    public Tensor apply(Map<String, Tensor> inputs) {
        return expression.tensor(inputs::get);
    }

    @Override
    public String toString() {
        return expression.source();
    }
}
