package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;

import java.util.random.RandomGenerator;

/**
 * A lookup table of {@code num} vectors of size {@code dim}: integer indices (an I32 tensor of
 * any shape) to their rows, shape + [dim]. Weight [num, dim] initialised N(0, 1) as PyTorch's;
 * a token used at several positions gets the sum of their gradients. With a padding index that
 * row starts at zero and receives no gradient, so it stays what it is (PyTorch's padding_idx).
 *
 * <pre>{@code
 * Embedding emb = new Embedding(1000, 64, DType.F32, rng);
 * Tensor tokens = Tensor.constant(NDArray.ofInts(new int[] {5, 17, 5}, 1, 3));
 * Tensor x = emb.forward(tokens);                  // (1, 3, 64)
 * }</pre>
 */
public final class Embedding extends Block {
    /** No padding index. */
    public static final int NO_PADDING = -1;

    private final int num, dim, paddingIndex;

    /** A table without a padding index. */
    public Embedding(int num, int dim, DType dtype, RandomGenerator rng) {
        this(num, dim, NO_PADDING, dtype, rng);
    }

    /** A table whose row {@code paddingIndex} (in [0, num), or {@link #NO_PADDING}) is zero and never trained. */
    public Embedding(int num, int dim, int paddingIndex, DType dtype, RandomGenerator rng) {
        if (num <= 0 || dim <= 0) throw new IllegalArgumentException("Embedding: sizes must be positive, got num=" + num + ", dim=" + dim);
        if (paddingIndex != NO_PADDING && (paddingIndex < 0 || paddingIndex >= num)) {
            throw new IllegalArgumentException("Embedding: padding index " + paddingIndex + " is not in [0, " + num + ")");
        }
        if (dtype == null || !dtype.isFloat() || rng == null) throw new IllegalArgumentException("Embedding: a floating dtype and a random generator are required");
        this.num = num;
        this.dim = dim;
        this.paddingIndex = paddingIndex;
        NDArray w = Init.normal(rng, dtype, 0, 1, num, dim);
        if (paddingIndex != NO_PADDING) for (int j = 0; j < dim; j++) w.setFlat(paddingIndex * dim + j, 0);
        param("weight", new Parameter("weight", w));
    }

    /** The table, [num, dim]. */
    public Parameter weight() {
        return param("weight");
    }

    public int numEmbeddings() {
        return num;
    }

    public int embeddingDim() {
        return dim;
    }

    /** The padding index, or {@link #NO_PADDING}. */
    public int paddingIndex() {
        return paddingIndex;
    }

    /** The rows of {@code indices}, an I32 tensor of any shape: shape + [dim]. */
    @Override
    public Tensor forward(Tensor indices) {
        if (indices.dtype() != DType.I32) {
            throw new IllegalArgumentException(describe() + ": indices must be an I32 tensor (NDArray.ofInts), got " + indices.dtype() + " " + Shapes.str(indices.shape()));
        }
        int[] idx = indices.value().i32();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= num) {
                throw new IllegalArgumentException(describe() + ": index " + idx[i] + " at flat position " + i + " of " + Shapes.str(indices.shape())
                        + " is not in [0, " + num + ")");
            }
        }
        Tensor w = use("weight");
        Tensor rows = w.indexSelect(0, idx);
        if (paddingIndex != NO_PADDING) {
            // Padding positions take the row as a constant: its value shows, its gradient is dropped.
            NDArray isPad = NDArray.zeros(w.dtype(), idx.length, 1);
            boolean any = false;
            for (int i = 0; i < idx.length; i++) {
                if (idx[i] == paddingIndex) {
                    isPad.setFlat(i, 1);
                    any = true;
                }
            }
            if (any) rows = Tensor.where(isPad, Tensor.constant(w.value().indexSelect(0, new int[] {paddingIndex})), rows);
        }
        return rows.reshape(outputShape(indices.shape()));
    }

    /** The indices' shape with the embedding size appended. */
    @Override
    public int[] outputShape(int... inputShape) {
        int[] s = java.util.Arrays.copyOf(inputShape, inputShape.length + 1);
        s[inputShape.length] = dim;
        return s;
    }

    /** An independent copy. */
    @Override
    public Embedding untie() {
        return (Embedding) super.untie();
    }

    @Override
    public String describe() {
        return "Embedding(" + num + ", " + dim + (paddingIndex != NO_PADDING ? ", padding " + paddingIndex : "") + ")";
    }
}
