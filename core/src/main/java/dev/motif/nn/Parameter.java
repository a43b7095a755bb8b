package dev.motif.nn;

import dev.motif.array.NDArray;
import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;

import java.util.Arrays;

/**
 * A named, trainable leaf with identity. Sharing a parameter means using this same object at
 * several sites (never copies kept in sync): its gradient is then the sum over the sites, and an
 * optimizer updates it once per step.
 */
public final class Parameter extends Tensor {
    private final String name;
    private boolean frozen;

    public Parameter(String name, NDArray value) {
        super(value, true);
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a parameter needs a non-empty name");
        this.name = name;
    }

    /** The name given at creation (a module path names each use site). */
    public String name() {
        return name;
    }

    /**
     * Replaces the value (same shape and dtype), as optimizers and checkpoint loading do. Outputs
     * computed before keep their values, but backward rules read this parameter when they run
     * (the gradient with respect to its partner in a product is the parameter's value), so a
     * backward pass through a graph recorded before the change fails, naming this parameter:
     * backpropagate before changing a parameter, as an optimizer step after backward does.
     */
    public void set(NDArray v) {
        if (!Arrays.equals(v.shape(), value().shape()) || v.dtype() != value().dtype()) {
            throw new IllegalArgumentException("parameter '" + name + "': cannot set a " + v.dtype() + " " + Shapes.str(v.shape())
                    + " value into a " + value().dtype() + " " + Shapes.str(value().shape()) + " parameter");
        }
        replaceValue(v);
    }

    /**
     * Stops training this parameter: it is still used and saved, but ops record no gradient for
     * it, so backward leaves it alone and an optimizer never steps it.
     */
    public Parameter freeze() {
        frozen = true;
        zeroGrad();
        return this;
    }

    /** Trains this parameter again. */
    public Parameter unfreeze() {
        frozen = false;
        return this;
    }

    public boolean isFrozen() {
        return frozen;
    }

    /** False while frozen. */
    @Override
    public boolean requiresGrad() {
        return !frozen;
    }

    /** The value converted to another dtype, in place of the old one (what {@code Block.to} does). */
    void convert(dev.motif.array.DType dtype) {
        if (dtype != value().dtype()) {
            replaceValue(value().to(dtype));
            zeroGrad();
        }
    }

    /** Sets the accumulated gradient (for optimizers that rescale it, such as clipping). */
    public void setGrad(NDArray g) {
        if (g != null && !Arrays.equals(g.shape(), value().shape())) {
            throw new IllegalArgumentException("parameter '" + name + "': gradient of shape " + Shapes.str(g.shape())
                    + " for a parameter of shape " + Shapes.str(value().shape()));
        }
        zeroGrad();
        if (g != null) accumulateGrad(g);
    }

    @Override
    public String describe() { return toString(); }

    @Override
    public String toString() {
        return "Parameter(" + name + ", " + value().dtype() + " " + Shapes.str(value().shape()) + (frozen ? ", frozen" : "") + ")";
    }
}
