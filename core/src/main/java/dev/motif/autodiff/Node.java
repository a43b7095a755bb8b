package dev.motif.autodiff;

/** One recorded op: its name, its inputs and the rule that maps the output's gradient to theirs. */
final class Node {
    /** Gradients of the inputs (null where an input needs none) from the gradient of the output. */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    final String op;
    final Tensor[] inputs;
    final Backward backward;

    Node(String op, Tensor[] inputs, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }
}
