package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;

/**
 * Layer normalisation over the trailing axes {@code normalizedShape}, as PyTorch's: each slice
 * is shifted to mean zero and scaled to (biased) variance one, then multiplied by an elementwise
 * weight and shifted by an elementwise bias, both of shape {@code normalizedShape}. It behaves the
 * same in training and evaluation.
 *
 * <pre>{@code
 * LayerNorm ln = new LayerNorm(DType.F32, 512);   // over the last axis of (batch, tokens, 512)
 * }</pre>
 */
public final class LayerNorm extends Block {
    /** PyTorch's default. */
    public static final double DEFAULT_EPS = 1e-5;

    private final int[] shape;
    private final double eps;

    /** Weight one and bias zero of shape {@code normalizedShape}, in {@code dtype}. */
    public LayerNorm(int[] normalizedShape, double eps, DType dtype) {
        if (normalizedShape.length == 0) throw new IllegalArgumentException("LayerNorm: the normalised shape must have at least one axis");
        for (int d : normalizedShape) {
            if (d <= 0) throw new IllegalArgumentException("LayerNorm: normalised shape " + Shapes.str(normalizedShape) + " must have positive extents");
        }
        if (!(eps > 0) || Double.isInfinite(eps)) throw new IllegalArgumentException("LayerNorm: eps must be positive and finite, got " + eps);
        this.shape = normalizedShape.clone();
        this.eps = eps;
        param("weight", new Parameter("weight", NDArray.ones(dtype, shape)));
        param("bias", new Parameter("bias", NDArray.zeros(dtype, shape)));
    }

    /** eps 1e-5, PyTorch's default. */
    public LayerNorm(DType dtype, int... normalizedShape) {
        this(normalizedShape, DEFAULT_EPS, dtype);
    }

    public Parameter weight() {
        return param("weight");
    }

    public Parameter bias() {
        return param("bias");
    }

    /** The trailing shape normalised over (a copy). */
    public int[] normalizedShape() {
        return shape.clone();
    }

    public double eps() {
        return eps;
    }

    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        Tensor w = use("weight"), b = use("bias");
        if (x.dtype() != w.dtype()) {
            throw new IllegalArgumentException(describe() + ": input is " + x.dtype() + " " + Shapes.str(x.shape()) + ", the layer is "
                    + w.dtype() + "; convert the input or the model with to()");
        }
        return Normalization.layerNorm(x, shape, w, b, eps);
    }

    /** The input's shape, which must end in the normalised shape. */
    @Override
    public int[] outputShape(int... in) {
        int k = shape.length, r = in.length;
        if (r < k || !java.util.Arrays.equals(java.util.Arrays.copyOfRange(in, r - k, r), shape)) {
            throw new IllegalArgumentException(describe() + ": input of shape " + Shapes.str(in) + " must end in " + Shapes.str(shape));
        }
        return in.clone();
    }

    /** An independent copy: layer norm shares nothing across positions. */
    @Override
    public LayerNorm untie() {
        return (LayerNorm) super.untie();
    }

    @Override
    public String describe() {
        return "LayerNorm(" + Shapes.str(shape) + ")";
    }
}
