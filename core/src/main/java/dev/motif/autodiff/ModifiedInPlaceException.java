package dev.motif.autodiff;

/**
 * A backward pass met a value that was changed in place (an optimizer step, {@code Parameter.set},
 * {@code NDArray.assign}) after a recorded op used it; the message names the tensor and the op.
 * Using the new value would give a silently wrong gradient.
 */
public final class ModifiedInPlaceException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ModifiedInPlaceException(String message) {
        super(message);
    }
}
