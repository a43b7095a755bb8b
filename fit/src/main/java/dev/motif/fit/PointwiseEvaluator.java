package dev.motif.fit;

import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's values at m points and their exact derivatives with respect to per-point parameter
 * columns, from one forward and one backward pass over whole columns.
 *
 * <p>Each parameter that takes a derivative is a column {@code theta_p[i]}, one value per point
 * (gathered from shared, grouped and local values by the caller). Since output i depends only on
 * row i of every input, the gradient of {@code Σ_i f_i} with respect to the column is exactly
 * {@code ∂f_i/∂theta_{p,i}} for every i at once; the Jacobian columns of a fit follow from these
 * by the chain rule of the gather (a sum over the points that use each free parameter).
 *
 * <p>Stateless and thread-safe: concurrent calls share nothing but the model.
 */
public final class PointwiseEvaluator {
    private final Model model;
    private final List<String> inputNames;

    /** An evaluator of {@code model}; inputs come in the order variables, covariates, parameters. */
    public PointwiseEvaluator(Model model) {
        this.model = model;
        List<String> n = new ArrayList<>(model.variables());
        n.addAll(model.covariates());
        n.addAll(model.parameters());
        this.inputNames = List.copyOf(n);
    }

    public Model model() {
        return model;
    }

    /** The input names in the order {@link #evaluate} takes them: variables, covariates, parameters. */
    public List<String> inputNames() {
        return inputNames;
    }

    /**
     * Evaluates the model at m points. {@code inputs[j]} is the column of input j (length m) or a
     * scalar (length 1) shared by all points. {@code wantGrad[j]} asks for d f_i / d input_j[i]
     * (that input must then be a column), written to {@code grads[j]} (length m); grads may be
     * null when nothing is wanted. Returns the m model values.
     */
    public double[] evaluate(int m, double[][] inputs, boolean[] wantGrad, double[][] grads) {
        if (inputs.length != inputNames.size()) {
            throw new IllegalArgumentException("PointwiseEvaluator.evaluate: " + inputs.length + " inputs given, the model takes "
                    + inputNames.size() + " " + inputNames);
        }
        Map<String, Tensor> in = new HashMap<>();
        List<Tensor> vars = new ArrayList<>();
        List<Integer> varIndex = new ArrayList<>();
        for (int j = 0; j < inputs.length; j++) {
            double[] col = inputs[j];
            boolean grad = wantGrad != null && wantGrad[j];
            if (col.length != m && !(col.length == 1 && !grad)) {
                throw new IllegalArgumentException("PointwiseEvaluator.evaluate: input '" + inputNames.get(j) + "' has length " + col.length
                        + ", expected " + m + (grad ? " (a column, since its derivative is wanted)" : " or 1"));
            }
            NDArray v = col.length == 1 && m != 1 ? NDArray.scalar(col[0]) : NDArray.of(col, m);
            Tensor t = grad ? Tensor.variable(v) : Tensor.constant(v);
            if (grad) {
                vars.add(t);
                varIndex.add(j);
            }
            in.put(inputNames.get(j), t);
        }
        Tensor f = vars.isEmpty() ? Autodiff.noGrad(() -> model.apply(in)) : model.apply(in);
        double[] values = columnOf(f, m);
        if (vars.isEmpty()) return values;
        if (!f.requiresGrad()) {
            for (int j : varIndex) Arrays.fill(grads[j], 0, m, 0.0);
            return values;
        }
        // allowUnused: a column the model does not read has a zero derivative
        List<Tensor> g = Autodiff.grad(f.sum(), vars, false, true);
        for (int q = 0; q < vars.size(); q++) {
            int j = varIndex.get(q);
            NDArray gv = g.get(q).value();
            if (gv.size() != m) throw new IllegalStateException("gradient of '" + inputNames.get(j) + "' has " + gv.size() + " values, expected " + m);
            System.arraycopy(gv.f64(), 0, grads[j], 0, m);
        }
        return values;
    }

    /** The model's m values (a scalar result, from a model that uses no column, is repeated). */
    private double[] columnOf(Tensor f, int m) {
        NDArray v = f.value().toF64();
        if (v.size() == m && v.rank() <= 1) return v.rank() == 1 ? v.f64() : new double[] {v.item()};
        if (v.size() == 1) {
            double[] out = new double[m];
            Arrays.fill(out, v.item());
            return out;
        }
        throw new IllegalArgumentException("model '" + model.formula() + "' returned shape " + Arrays.toString(v.shape())
                + " for " + m + " points; it must return one value per point");
    }
}
