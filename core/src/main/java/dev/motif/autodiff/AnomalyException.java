package dev.motif.autodiff;

/** A non-finite value appeared while anomaly detection was on; the message names the op and shapes. */
public final class AnomalyException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    public AnomalyException(String message) {
        super(message);
    }
}
