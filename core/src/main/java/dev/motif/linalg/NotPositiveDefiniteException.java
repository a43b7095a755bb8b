package dev.motif.linalg;

import java.util.Locale;

/**
 * A matrix that had to be symmetric positive definite was not, numerically: the Cholesky pivot
 * at {@link #pivot()} was not positive and finite. An {@link IllegalArgumentException}, because
 * the matrix was the argument; the pivot says where (the leading (k+1)×(k+1) block is the first
 * that is not positive definite), and a larger shift is the usual remedy.
 *
 * <pre>{@code
 * try {
 *     Cholesky.factor(new double[] {1, 2, 2, 1}, 2);
 * } catch (NotPositiveDefiniteException e) {
 *     e.pivot();        // 1
 *     e.pivotValue();   // 1 - 2·2 = -3
 * }
 * }</pre>
 */
public final class NotPositiveDefiniteException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int pivot;
    private final double pivotValue;

    /**
     * @param size       the order of the matrix
     * @param pivot      the index of the first pivot that was not positive and finite
     * @param pivotValue what that pivot came to
     * @param shift      the shift added to the diagonal (0 for none)
     */
    public NotPositiveDefiniteException(int size, int pivot, double pivotValue, double shift) {
        super(String.format(Locale.ROOT, "Cholesky: the %d×%d matrix%s is not positive definite: pivot %d is %s (expected positive and finite)%s",
                size, size, shift == 0 ? "" : " plus " + shift + "·I", pivot, pivotValue,
                Double.isFinite(pivotValue) && pivotValue <= 0 ? "; a large enough shift on the diagonal makes it definite" : ""));
        this.pivot = pivot;
        this.pivotValue = pivotValue;
    }

    /** The index (from 0) of the first pivot that was not positive and finite. */
    public int pivot() {
        return pivot;
    }

    /** The value of that pivot: zero or negative, or not finite. */
    public double pivotValue() {
        return pivotValue;
    }
}
