package dev.motif.nn;

import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;

import java.util.Arrays;

/** Loss functions, each averaged over its elements or rows and stable for extreme inputs. */
public final class Losses {
    private Losses() {}

    /** Mean squared error. */
    public static Tensor mse(Tensor prediction, Tensor target) {
        requireSameShape("mse", prediction, target);
        Tensor d = prediction.sub(target);
        return d.mul(d).mean();
    }

    /**
     * Softmax cross-entropy from logits [N, C] and class labels in [0, C): the mean over rows of
     * logsumexp(z) − z[label], which never exponentiates a large logit.
     */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        if (logits.rank() != 2) throw new IllegalArgumentException("crossEntropy: logits must be [N, C], got " + Shapes.str(logits.shape()));
        if (logits.shape(0) != labels.length) {
            throw new IllegalArgumentException("crossEntropy: " + labels.length + " labels for logits of shape " + Shapes.str(logits.shape()));
        }
        // Gather z[i, label_i] rather than summing z·onehot: a masked logit of -inf times 0 is NaN.
        int c = logits.shape(1);
        int[] flat = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= c) {
                throw new IllegalArgumentException("crossEntropy: label " + labels[i] + " at position " + i + " is not in [0, " + c + ")");
            }
            flat[i] = i * c + labels[i];
        }
        Tensor picked = logits.reshape(-1).indexSelect(0, flat);
        return logits.logsumexp(new int[] {1}, false).sub(picked).mean();
    }

    /**
     * Binary cross-entropy from logits x and targets y in [0, 1]: the mean of
     * softplus(x) − x·y, equal to −y·log σ(x) − (1−y)·log(1−σ(x)) without overflow.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets) {
        requireSameShape("binaryCrossEntropyWithLogits", logits, targets);
        return logits.softplus().sub(logits.mul(targets)).mean();
    }

    private static void requireSameShape(String op, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": prediction " + Shapes.str(a.shape()) + " and target " + Shapes.str(b.shape()) + " differ in shape");
        }
    }
}
