package dev.motif.autodiff;

/**
 * Sees every differentiable op as it is computed on this thread, recorded or not (under
 * {@link Autodiff#noGrad} too): what {@code SharingReport} uses to count which ops consumed a
 * parameter. Installed for the length of a body by {@link Autodiff#observe}.
 */
@FunctionalInterface
public interface OpObserver {
    /**
     * @param op     the op's name, as {@link Tensor#op()} gives it
     * @param inputs the tensors it consumed (do not modify the array)
     * @param output what it produced
     */
    void op(String op, Tensor[] inputs, Tensor output);
}
