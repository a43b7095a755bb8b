package dev.motif.autodiff;

/** One recorded op: its name, its inputs, their versions when it ran, and the rule that maps the output's gradient to theirs. */
final class Node {
    /** Gradients of the inputs (null where an input needs none) from the gradient of the output. */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    final String op;
    final Tensor[] inputs;
    /** {@link Tensor#version} of each input when the op ran: its backward rule reads the values of that moment. */
    final int[] versions;
    final Backward backward;

    Node(String op, Tensor[] inputs, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
        this.versions = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) versions[i] = inputs[i].version();
    }

    /** Fails, naming the input and the op, when an input's value has changed in place since the op ran. */
    void checkVersions() {
        for (int i = 0; i < inputs.length; i++) {
            int now = inputs[i].version();
            if (now != versions[i]) {
                throw new ModifiedInPlaceException("backward of " + op + ": input " + i + " (" + inputs[i].describe() + ") was modified in place after "
                        + op + " used it (version " + now + ", used at version " + versions[i] + "); compute the gradient before changing"
                        + " a value the graph needs (backward before the optimizer step), or record the graph again");
            }
        }
    }
}
