package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;

import java.util.List;

/**
 * Loss weights learned from each task's uncertainty (Kendall, Gal and Cipolla, CVPR 2018): one
 * log-variance s = log σ² per task, trained with the model, combining the task losses as
 * Σ c·exp(−s)·L + s/2, with c = 1/2 for a regression task (a Gaussian likelihood) and c = 1 for
 * a classification task (a tempered softmax). A task whose loss stays large gets a small weight
 * exp(−s), and the s/2 term keeps every weight from going to zero. Register it in the multi-task
 * model so that its parameter is trained, counted and saved with the rest.
 *
 * <pre>{@code
 * UncertaintyWeighting w = child("weights", new UncertaintyWeighting(List.of(true, true, false), DType.F32));
 * Tensor total = w.combine(List.of(fineLoss, coarseLoss, inkLoss));
 * }</pre>
 */
public final class UncertaintyWeighting extends Block {
    private final boolean[] classification;

    /** One task per entry: true for a classification task, false for a regression task; s starts at 0 (weight c). */
    public UncertaintyWeighting(List<Boolean> classification, DType dtype) {
        if (classification.isEmpty()) throw new IllegalArgumentException("UncertaintyWeighting: needs at least one task");
        this.classification = new boolean[classification.size()];
        for (int i = 0; i < this.classification.length; i++) this.classification[i] = classification.get(i);
        param("log_var", new Parameter("log_var", NDArray.zeros(dtype, this.classification.length)));
    }

    /** The log-variances s, one per task. */
    public Parameter logVariance() {
        return param("log_var");
    }

    public int tasks() {
        return classification.length;
    }

    /** Σ c·exp(−s)·L + s/2 over the tasks' scalar losses, in task order. */
    public Tensor combine(List<Tensor> losses) {
        if (losses.size() != classification.length) {
            throw new IllegalArgumentException(describe() + ": " + losses.size() + " losses for " + classification.length + " tasks");
        }
        Tensor s = use("log_var");
        Tensor total = null;
        for (int i = 0; i < classification.length; i++) {
            Tensor si = s.slice(0, i, i + 1, 1).reshape();
            Tensor term = losses.get(i).mul(si.neg().exp()).mul(classification[i] ? 1.0 : 0.5).add(si.mul(0.5));
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    /** The weight c·exp(−s) task {@code i}'s loss has now. */
    public double weight(int i) {
        return (classification[i] ? 1.0 : 0.5) * Math.exp(-logVariance().value().getFlat(i));
    }

    @Override
    public String describe() {
        return "UncertaintyWeighting(" + classification.length + " tasks)";
    }
}
