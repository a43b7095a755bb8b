package dev.motif.autodiff;

/**
 * One recorded op: its name, its inputs, their versions (and the output's) when it ran, and the
 * rule that maps the output's gradient to theirs.
 */
final class Node {
    /**
     * A backward rule: the gradients of the inputs (null where one needs none) from the output's
     * gradient {@code g}, given the output itself (exp's gradient is g·out) and the inputs. Written
     * with Tensor ops, so that what it returns can be differentiated again.
     */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Tensor g, Tensor out, Tensor[] in);
    }

    final String op;
    final Tensor[] inputs;
    /** {@link Tensor#version} of each input when the op ran: its backward rule reads the values of that moment. */
    final int[] versions;
    /** The output's version when the op ran: some rules read the output. */
    final int outVersion;
    final Backward backward;

    Node(String op, Tensor[] inputs, Backward backward, int outVersion) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
        this.outVersion = outVersion;
        this.versions = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) versions[i] = inputs[i].version();
    }

    /** Fails, naming the tensor and the op, when an input or the output has changed in place since the op ran. */
    void checkVersions(Tensor out) {
        for (int i = 0; i < inputs.length; i++) {
            int now = inputs[i].version();
            if (now != versions[i]) throw modified("input " + i + " (" + inputs[i].describe() + ")", now, versions[i]);
        }
        if (out.version() != outVersion) throw modified("its output (" + out.describe() + ")", out.version(), outVersion);
    }

    private ModifiedInPlaceException modified(String what, int now, int then) {
        return new ModifiedInPlaceException("backward of " + op + ": " + what + " was modified in place after " + op + " used it (version "
                + now + ", used at version " + then + "); compute the gradient before changing a value the graph needs"
                + " (backward before the optimizer step), or record the graph again");
    }
}
