package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;

/**
 * A weight that is a function of a free parameter: an owner, a {@link Transform}, and the
 * nominal size the tie stands for. The transpose of an embedding used as an output projection,
 * the rotated copies of one filter, the per-dataset vectors gathered from shared and local
 * values: each is one stored Parameter seen through a transform.
 *
 * <p>A block registers a tie in a parameter slot ({@code param("weight", Tie.transpose(encoder.weight()))}),
 * or ties a slot of an existing model ({@code model.tie("decoder.weight", tie)}), and reads it in
 * {@code forward} through {@code use("weight")}, which applies the transform there, so the
 * owner's gradient is the sum of what every copy sends back. The sharing report counts the tie
 * at its nominal size, checkpoints record it in their alias metadata, and {@code untie()} gives
 * the slot a Parameter of its own holding the transformed values.
 *
 * <pre>{@code
 * Linear encoder = new Linear(8, 3, DType.F64, rng), decoder = new Linear(3, 8, DType.F64, rng);
 * decoder.tie("weight", Tie.transpose(encoder.weight()));   // decoder.weight = encoder.weightᵀ
 * }</pre>
 */
public final class Tie {
    private final Parameter owner;
    private final Transform transform;
    private final int[] shape;
    private final long nominalSize;

    private Tie(Parameter owner, Transform transform, long nominalSize) {
        if (owner == null || transform == null) throw new IllegalArgumentException("Tie: owner and transform must not be null");
        this.owner = owner;
        this.transform = transform;
        this.shape = transform.shape(owner.shape());
        if (nominalSize <= 0) throw new IllegalArgumentException("Tie of " + owner + " through " + transform.spec() + ": nominal size must be positive, got " + nominalSize);
        this.nominalSize = nominalSize;
    }

    /** A tie through {@code transform}, standing for as many values as the transformed weight has. */
    public static Tie of(Parameter owner, Transform transform) {
        return new Tie(owner, transform, Shapes.size(transform.shape(owner.shape())));
    }

    /**
     * A tie standing for {@code nominalSize} values, when that differs from the size of the
     * transformed weight (a filter bank expanded on the fly at each of several orientations).
     */
    public static Tie of(Parameter owner, Transform transform, long nominalSize) {
        return new Tie(owner, transform, nominalSize);
    }

    /** The owner with its last two axes swapped. */
    public static Tie transpose(Parameter owner) {
        return of(owner, Transform.transpose());
    }

    public Parameter owner() {
        return owner;
    }

    public Transform transform() {
        return transform;
    }

    /** The shape of the tied weight. */
    public int[] shape() {
        return shape.clone();
    }

    public DType dtype() {
        return owner.dtype();
    }

    /** How many values the tie stands for: what an untied twin stores in its place. */
    public long nominalSize() {
        return nominalSize;
    }

    /** The same transform of another owner (of a shape the transform accepts). */
    public Tie withOwner(Parameter other) {
        return new Tie(other, transform, nominalSize);
    }

    /** The tied weight, computed from the owner now (recorded, so its gradient reaches the owner). */
    public Tensor value() {
        return Trace.applyTie(this);
    }

    @Override
    public String toString() {
        return "Tie(" + transform.spec() + " of " + owner + ")";
    }
}
