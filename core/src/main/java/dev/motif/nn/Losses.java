package dev.motif.nn;

import dev.motif.array.NDArray;
import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;

import java.util.Arrays;

/**
 * Loss functions with PyTorch's definitions and its {@code reduction} option, stable for extreme
 * inputs. Every loss is a composition of differentiable ops, so it differentiates to any order.
 * Without a {@link Reduction} argument a loss is averaged ({@link Reduction#MEAN}), as in PyTorch.
 *
 * <pre>{@code
 * Tensor l = Losses.crossEntropy(logits, labels);                        // mean over the rows
 * Tensor s = Losses.huber(prediction, target, 0.5, Reduction.SUM);
 * Tensor perPair = Losses.contrastive(a, b, same, 1.0, Reduction.NONE);  // [N]
 * }</pre>
 */
public final class Losses {
    private Losses() {}

    /** How a loss combines its values, as PyTorch's {@code reduction}. */
    public enum Reduction {
        /** The mean over elements (or rows); for class-weighted losses, divided by the sum of the weights used. */
        MEAN,
        /** The sum. */
        SUM,
        /** No reduction: one value per element, or per row for row-wise losses. */
        NONE
    }

    /** The {@code ignoreIndex} that ignores no label (unlike PyTorch's default of −100, which Motif must be asked for). */
    public static final int NO_IGNORE = Integer.MIN_VALUE;

    /** PyTorch's {@code cosine_embedding_loss} adds this to each squared norm, so a zero vector gives cos = 0, not NaN. */
    public static final double COSINE_EPS = 1e-12;

    /** Added inside the square root of {@link #contrastive}'s distance, so its gradient is finite when two embeddings coincide. */
    public static final double CONTRASTIVE_EPS = 1e-12;

    /** PyTorch's defaults for {@link #tripletMargin}: the 2-norm, with eps 1e-6 added to each difference. */
    public static final double TRIPLET_P = 2, TRIPLET_EPS = 1e-6;

    // ------------------------------------------------------------------ regression

    /** Mean squared error. */
    public static Tensor mse(Tensor prediction, Tensor target) {
        return mse(prediction, target, Reduction.MEAN);
    }

    /** Squared error (p − t)², reduced. */
    public static Tensor mse(Tensor prediction, Tensor target, Reduction reduction) {
        requireSameShape("mse", prediction, target);
        Tensor d = prediction.sub(target);
        return reduce("mse", d.mul(d), reduction);
    }

    /** Mean absolute error. */
    public static Tensor l1(Tensor prediction, Tensor target) {
        return l1(prediction, target, Reduction.MEAN);
    }

    /** Absolute error |p − t|, reduced; its gradient at p = t is 0, as in PyTorch. */
    public static Tensor l1(Tensor prediction, Tensor target, Reduction reduction) {
        requireSameShape("l1", prediction, target);
        return reduce("l1", prediction.sub(target).abs(), reduction);
    }

    /**
     * PyTorch's {@code huber_loss}: with d = p − t, ½d² where |d| &lt; δ and δ·(|d| − ½δ)
     * elsewhere; quadratic near zero, linear with slope δ beyond. Equal to δ times
     * {@link #smoothL1} with β = δ.
     *
     * @param delta δ &gt; 0
     */
    public static Tensor huber(Tensor prediction, Tensor target, double delta, Reduction reduction) {
        requireSameShape("huber", prediction, target);
        if (!(delta > 0) || Double.isInfinite(delta)) throw new IllegalArgumentException("huber: delta must be positive and finite, got " + delta);
        return reduce("huber", huberTerms(prediction.sub(target), delta, 1), reduction);
    }

    /** {@link #huber} averaged. */
    public static Tensor huber(Tensor prediction, Tensor target, double delta) {
        return huber(prediction, target, delta, Reduction.MEAN);
    }

    /**
     * PyTorch's {@code smooth_l1_loss}: with d = p − t, ½d²/β where |d| &lt; β and |d| − ½β
     * elsewhere; slope 1 beyond β, so it is {@link #huber} divided by β. β = 0 is the L1 loss.
     *
     * @param beta β ≥ 0
     */
    public static Tensor smoothL1(Tensor prediction, Tensor target, double beta, Reduction reduction) {
        requireSameShape("smoothL1", prediction, target);
        if (!(beta >= 0) || Double.isInfinite(beta)) throw new IllegalArgumentException("smoothL1: beta must be non-negative and finite, got " + beta);
        Tensor d = prediction.sub(target);
        // With β = 0 the quadratic branch would divide by zero, and its zero gradient times ∞ is NaN.
        return reduce("smoothL1", beta == 0 ? d.abs() : huberTerms(d, beta, 1 / beta), reduction);
    }

    /** {@link #smoothL1} averaged. */
    public static Tensor smoothL1(Tensor prediction, Tensor target, double beta) {
        return smoothL1(prediction, target, beta, Reduction.MEAN);
    }

    /** scale·(½d² where |d| &lt; k, else k·(|d| − ½k)): Huber with threshold k, times scale. */
    private static Tensor huberTerms(Tensor d, double k, double scale) {
        Tensor a = d.abs();
        Tensor quadratic = d.mul(d).mul(0.5 * scale), linear = a.sub(0.5 * k).mul(k * scale);
        return Tensor.where(a.value().lt(k), quadratic, linear);
    }

    // ------------------------------------------------------------------ classification

    /**
     * Softmax cross-entropy from logits [N, C] and class labels in [0, C): the mean over rows of
     * logsumexp(z) − z[label], which never exponentiates a large logit.
     */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        return crossEntropy(logits, labels, null, NO_IGNORE, Reduction.MEAN);
    }

    /** {@link #crossEntropy(Tensor, int[])} with the labels as an I32 tensor [N] (what a PyTorch user passes). */
    public static Tensor crossEntropy(Tensor logits, Tensor labels) {
        return crossEntropy(logits, labelsOf("crossEntropy", labels));
    }

    /** {@link #nll(Tensor, int[])} with the labels as an I32 tensor [N]. */
    public static Tensor nll(Tensor logProbabilities, Tensor labels) {
        return nll(logProbabilities, labelsOf("nll", labels));
    }

    /** The values of an I32 label tensor of rank 1, checked. */
    private static int[] labelsOf(String loss, Tensor labels) {
        if (labels.dtype() != dev.motif.array.DType.I32 || labels.rank() != 1) {
            throw new IllegalArgumentException(loss + ": labels must be an I32 tensor [N] (NDArray.ofInts), got " + labels.dtype() + " " + Shapes.str(labels.shape()));
        }
        return labels.value().i32().clone();
    }

    /** {@link #crossEntropy(Tensor, int[])} with a reduction: {@link Reduction#NONE} gives one value per row, [N]. */
    public static Tensor crossEntropy(Tensor logits, int[] labels, Reduction reduction) {
        return crossEntropy(logits, labels, null, NO_IGNORE, reduction);
    }

    /**
     * Cross-entropy with PyTorch's class weights and {@code ignore_index}: equal to
     * {@link #nll} of {@code logits.logSoftmax(1)} with the same options, computed as
     * logsumexp(z) − z[label] per row.
     */
    public static Tensor crossEntropy(Tensor logits, int[] labels, Tensor classWeights, int ignoreIndex, Reduction reduction) {
        return classLoss("crossEntropy", true, logits, labels, classWeights, ignoreIndex, reduction);
    }

    /** Negative log-likelihood from log-probabilities [N, C] (for instance a log-softmax) and labels in [0, C), averaged. */
    public static Tensor nll(Tensor logProbabilities, int[] labels) {
        return nll(logProbabilities, labels, null, NO_IGNORE, Reduction.MEAN);
    }

    /** {@link #nll(Tensor, int[])} with a reduction. */
    public static Tensor nll(Tensor logProbabilities, int[] labels, Reduction reduction) {
        return nll(logProbabilities, labels, null, NO_IGNORE, reduction);
    }

    /**
     * PyTorch's {@code nll_loss}: row i contributes −w[yᵢ]·logp[i, yᵢ]. Rows whose label equals
     * {@code ignoreIndex} contribute nothing (0 under {@link Reduction#NONE}) and their labels are
     * not checked. {@link Reduction#MEAN} divides by the sum of w[yᵢ] over the rows that count (so
     * it is NaN when every row is ignored, as in PyTorch).
     *
     * <pre>{@code
     * Tensor l = Losses.nll(logits.logSoftmax(1), labels, Tensor.constant(NDArray.vector(1, 2, 0.5)), -100, Reduction.MEAN);
     * }</pre>
     *
     * @param classWeights [C] in the dtype of the scores, or null for weight one everywhere
     * @param ignoreIndex  a label to skip (PyTorch uses −100), or {@link #NO_IGNORE}
     */
    public static Tensor nll(Tensor logProbabilities, int[] labels, Tensor classWeights, int ignoreIndex, Reduction reduction) {
        return classLoss("nll", false, logProbabilities, labels, classWeights, ignoreIndex, reduction);
    }

    private static Tensor classLoss(String loss, boolean fromLogits, Tensor scores, int[] labels, Tensor classWeights, int ignoreIndex, Reduction reduction) {
        requireReduction(loss, reduction);
        String what = fromLogits ? "logits" : "log-probabilities";
        if (scores.rank() != 2) throw new IllegalArgumentException(loss + ": " + what + " must be [N, C], got " + Shapes.str(scores.shape()));
        int n = scores.shape(0), c = scores.shape(1);
        if (labels.length != n) {
            throw new IllegalArgumentException(loss + ": " + labels.length + " labels for " + what + " of shape " + Shapes.str(scores.shape()));
        }
        if (classWeights != null && (classWeights.rank() != 1 || classWeights.shape(0) != c || classWeights.dtype() != scores.dtype())) {
            throw new IllegalArgumentException(loss + ": class weights must be " + scores.dtype() + " [" + c + "] for " + what + " of shape "
                    + Shapes.str(scores.shape()) + ", got " + classWeights.dtype() + " " + Shapes.str(classWeights.shape()));
        }
        int[] rows = new int[n], classes = new int[n], flat = new int[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (ignoreIndex != NO_IGNORE && labels[i] == ignoreIndex) continue;
            if (labels[i] < 0 || labels[i] >= c) {
                throw new IllegalArgumentException(loss + ": label " + labels[i] + " at position " + i + " is not in [0, " + c + ") (" + what + " "
                        + Shapes.str(scores.shape()) + (ignoreIndex != NO_IGNORE ? ", ignoreIndex " + ignoreIndex : "") + ")");
            }
            rows[k] = i;
            classes[k] = labels[i];
            flat[k++] = i * c + labels[i];
        }
        boolean all = k == n;
        rows = Arrays.copyOf(rows, k);
        classes = Arrays.copyOf(classes, k);
        // Gather s[i, label_i] rather than summing s·onehot: a masked score of -inf times 0 is NaN.
        Tensor picked = scores.reshape(-1).indexSelect(0, Arrays.copyOf(flat, k));
        Tensor perRow = fromLogits
                ? (all ? scores : scores.indexSelect(0, rows)).logsumexp(new int[] {1}, false).sub(picked)
                : picked.neg();
        Tensor w = classWeights == null ? null : classWeights.indexSelect(0, classes);
        if (w != null) perRow = perRow.mul(w);
        return switch (reduction) {
            case NONE -> all ? perRow : perRow.scatterAdd(0, rows, n);
            case SUM -> perRow.sum();
            case MEAN -> w == null ? perRow.mean() : perRow.sum().div(w.sum());
        };
    }

    /**
     * Binary cross-entropy from logits x and targets y in [0, 1]: the mean of
     * softplus(x) − x·y, equal to −y·log σ(x) − (1−y)·log(1−σ(x)) without overflow.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets) {
        return binaryCrossEntropyWithLogits(logits, targets, Reduction.MEAN);
    }

    /** {@link #binaryCrossEntropyWithLogits(Tensor, Tensor)} per element, reduced. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction) {
        requireSameShape("binaryCrossEntropyWithLogits", logits, targets);
        return reduce("binaryCrossEntropyWithLogits", logits.softplus().sub(logits.mul(targets)), reduction);
    }

    // ------------------------------------------------------------------ embeddings: pairs and triplets

    /**
     * PyTorch's {@code cosine_embedding_loss} for rows of x1, x2 [N, D] and targets ±1: with
     * cos = x1·x2 / √((|x1|² + ε)(|x2|² + ε)), ε = {@link #COSINE_EPS}, row i gives 1 − cos for
     * target 1 (pull together) and max(0, cos − margin) for target −1 (push apart). Unlike
     * PyTorch, a target other than ±1 is an error rather than a silent zero; and exactly at
     * cos = margin the gradient is 0 where PyTorch's clamp passes 1.
     */
    public static Tensor cosineEmbedding(Tensor x1, Tensor x2, int[] targets, double margin, Reduction reduction) {
        String loss = "cosineEmbedding";
        requireRows(loss, reduction, targets, "x1", x1, "x2", x2);
        if (!Double.isFinite(margin)) throw new IllegalArgumentException(loss + ": margin must be finite, got " + margin);
        NDArray together = mask(loss, targets, 1, -1, x1);
        int[] rows = {1};
        Tensor cos = x1.mul(x2).sum(rows, false).div(x1.mul(x1).sum(rows, false).add(COSINE_EPS).mul(x2.mul(x2).sum(rows, false).add(COSINE_EPS)).sqrt());
        return reduce(loss, Tensor.where(together, cos.neg().add(1), cos.sub(margin).relu()), reduction);
    }

    /** {@link #cosineEmbedding(Tensor, Tensor, int[], double, Reduction)} averaged. */
    public static Tensor cosineEmbedding(Tensor x1, Tensor x2, int[] targets, double margin) {
        return cosineEmbedding(x1, x2, targets, margin, Reduction.MEAN);
    }

    /**
     * The contrastive loss of Hadsell, Chopra and LeCun (2006) for pairs of embeddings x1, x2
     * [N, D]: with d = √(|x1 − x2|² + ε), ε = {@link #CONTRASTIVE_EPS}, pair i gives
     * <pre>    yᵢ·d² + (1 − yᵢ)·max(0, margin − d)²</pre>
     * where <b>yᵢ = 1 means "same"</b> (the pair is pulled together) and yᵢ = 0 "different"
     * (pushed at least {@code margin} apart). The paper writes Y = 0 for similar pairs and halves
     * both terms; this is its form with the labels of a "same" flag, without the ½. PyTorch has no
     * such loss. The ε keeps the gradient of d finite where x1 = x2 (there d = 10⁻⁶).
     *
     * <pre>{@code
     * Tensor l = Losses.contrastive(encoder.forward(a), encoder.forward(b), same, 1.0);  // one encoder, both arms
     * }</pre>
     *
     * @param same   1 for a matching pair, 0 otherwise, one per row
     * @param margin how far apart different pairs are pushed, ≥ 0
     */
    public static Tensor contrastive(Tensor x1, Tensor x2, int[] same, double margin, Reduction reduction) {
        String loss = "contrastive";
        requireRows(loss, reduction, same, "x1", x1, "x2", x2);
        if (!(margin >= 0) || Double.isInfinite(margin)) throw new IllegalArgumentException(loss + ": margin must be non-negative and finite, got " + margin);
        NDArray together = mask(loss, same, 1, 0, x1);
        Tensor diff = x1.sub(x2);
        Tensor squared = diff.mul(diff).sum(new int[] {1}, false).add(CONTRASTIVE_EPS);
        Tensor shortfall = squared.sqrt().neg().add(margin).relu();
        return reduce(loss, Tensor.where(together, squared, shortfall.mul(shortfall)), reduction);
    }

    /** {@link #contrastive(Tensor, Tensor, int[], double, Reduction)} averaged. */
    public static Tensor contrastive(Tensor x1, Tensor x2, int[] same, double margin) {
        return contrastive(x1, x2, same, margin, Reduction.MEAN);
    }

    /**
     * PyTorch's {@code triplet_margin_loss} for rows of anchor, positive and negative [N, D]:
     * max(0, margin + d(a, p) − d(a, n)), with d(x, y) = ‖x − y + eps‖_p (PyTorch's
     * {@code pairwise_distance}: eps is added to every component of the difference). With
     * {@code swap}, d(a, n) is replaced by min(d(a, n), d(p, n)) (Balntas et al. 2016), a tie
     * sending half the gradient each way. Exactly at the hinge the gradient is 0 where PyTorch's
     * clamp passes 1.
     *
     * @param p the norm's order, > 0 (2: Euclidean)
     */
    public static Tensor tripletMargin(Tensor anchor, Tensor positive, Tensor negative, double margin, double p, double eps, boolean swap,
                                       Reduction reduction) {
        String loss = "tripletMargin";
        requireRows(loss, reduction, null, "anchor", anchor, "positive", positive);
        requireRows(loss, reduction, null, "anchor", anchor, "negative", negative);
        if (!Double.isFinite(margin)) throw new IllegalArgumentException(loss + ": margin must be finite, got " + margin);
        if (!(p > 0) || Double.isInfinite(p)) throw new IllegalArgumentException(loss + ": norm order p must be positive and finite, got " + p);
        if (!(eps >= 0) || Double.isInfinite(eps)) throw new IllegalArgumentException(loss + ": eps must be non-negative and finite, got " + eps);
        Tensor toNegative = distance(anchor, negative, p, eps);
        if (swap) toNegative = toNegative.minimum(distance(positive, negative, p, eps));
        return reduce(loss, distance(anchor, positive, p, eps).sub(toNegative).add(margin).relu(), reduction);
    }

    /** {@link #tripletMargin(Tensor, Tensor, Tensor, double, double, double, boolean, Reduction)} with PyTorch's defaults: the 2-norm, eps 1e-6, no swap, averaged. */
    public static Tensor tripletMargin(Tensor anchor, Tensor positive, Tensor negative, double margin) {
        return tripletMargin(anchor, positive, negative, margin, TRIPLET_P, TRIPLET_EPS, false, Reduction.MEAN);
    }

    /** ‖x − y + eps‖_p of each row. */
    private static Tensor distance(Tensor x, Tensor y, double p, double eps) {
        Tensor d = x.sub(y).add(eps);
        int[] rows = {1};
        if (p == 2) return d.mul(d).sum(rows, false).sqrt();
        if (p == 1) return d.abs().sum(rows, false);
        return d.abs().pow(p).sum(rows, false).pow(1 / p);
    }

    // ------------------------------------------------------------------ checks and reduction

    private static Tensor reduce(String loss, Tensor values, Reduction reduction) {
        requireReduction(loss, reduction);
        return switch (reduction) {
            case MEAN -> values.mean();
            case SUM -> values.sum();
            case NONE -> values;
        };
    }

    private static void requireReduction(String loss, Reduction reduction) {
        if (reduction == null) throw new IllegalArgumentException(loss + ": reduction must not be null (MEAN, SUM or NONE)");
    }

    private static void requireSameShape(String loss, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(loss + ": prediction " + Shapes.str(a.shape()) + " and target " + Shapes.str(b.shape()) + " differ in shape");
        }
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(loss + ": prediction is " + a.dtype() + " and target " + b.dtype() + " (shape " + Shapes.str(a.shape())
                    + "); convert one with to()");
        }
    }

    /** Two [N, D] tensors of one shape and dtype, and (when given) one label per row. */
    private static void requireRows(String loss, Reduction reduction, int[] labels, String nameA, Tensor a, String nameB, Tensor b) {
        requireReduction(loss, reduction);
        if (a.rank() != 2 || !Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(loss + ": " + nameA + " and " + nameB + " must both be [N, D], got " + Shapes.str(a.shape()) + " and "
                    + Shapes.str(b.shape()));
        }
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(loss + ": " + nameA + " is " + a.dtype() + " and " + nameB + " " + b.dtype() + "; convert one with to()");
        }
        if (labels != null && labels.length != a.shape(0)) {
            throw new IllegalArgumentException(loss + ": " + labels.length + " labels for " + nameA + " of shape " + Shapes.str(a.shape()));
        }
    }

    /** 1 where a label is {@code yes}, 0 where it is {@code no}, in the dtype of {@code like}; any other label is an error naming its position. */
    private static NDArray mask(String loss, int[] labels, int yes, int no, Tensor like) {
        NDArray m = NDArray.zeros(like.dtype(), labels.length);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != yes && labels[i] != no) {
                throw new IllegalArgumentException(loss + ": label " + labels[i] + " at position " + i + " must be " + yes + " or " + no + " (inputs "
                        + Shapes.str(like.shape()) + ")");
            }
            if (labels[i] == yes) m.setFlat(i, 1);
        }
        return m;
    }
}
