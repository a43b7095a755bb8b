package dev.motif.autodiff;

import dev.motif.array.NDArray;
import dev.motif.array.Shapes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reverse-mode differentiation over the graph that {@link Tensor} ops record.
 *
 * <p>Gradients accumulate: a tensor used at several places receives the sum of what each use
 * sends back. That sum is exactly what makes a shared parameter correct.
 */
public final class Autodiff {
    private Autodiff() {}

    private static final Tensor[] NO_INPUTS = new Tensor[0];
    private static final ThreadLocal<boolean[]> GRAD_ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});
    private static final ThreadLocal<boolean[]> ANOMALY = ThreadLocal.withInitial(() -> new boolean[] {false});
    /** The node whose backward rule is running on this thread (null outside backward), so anomalies can name it. */
    private static final ThreadLocal<Node[]> IN_BACKWARD = ThreadLocal.withInitial(() -> new Node[1]);

    /** Whether ops on this thread record the graph. */
    public static boolean isGradEnabled() {
        return GRAD_ENABLED.get()[0];
    }

    /** Runs {@code body} without recording the graph (evaluation, optimizer steps). */
    public static <T> T noGrad(Supplier<T> body) {
        boolean[] flag = GRAD_ENABLED.get();
        boolean was = flag[0];
        flag[0] = false;
        try {
            return body.get();
        } finally {
            flag[0] = was;
        }
    }

    /** Runs {@code body} without recording the graph. */
    public static void noGrad(Runnable body) {
        noGrad(() -> {
            body.run();
            return null;
        });
    }

    /** Observers installed by {@link #observe}, innermost last, per thread; a count first so ops pay one read when there are none. */
    private static volatile int observers;
    private static final ThreadLocal<ArrayDeque<OpObserver>> OBSERVERS = ThreadLocal.withInitial(ArrayDeque::new);

    /**
     * Runs {@code body} calling {@code observer} for every op computed on this thread meanwhile
     * (nested observers all see each op). The ops inside backward rules are seen too when
     * backward runs inside the body.
     */
    public static <T> T observe(OpObserver observer, Supplier<T> body) {
        if (observer == null) throw new IllegalArgumentException("observe: observer must not be null");
        ArrayDeque<OpObserver> stack = OBSERVERS.get();
        synchronized (Autodiff.class) {
            observers++;
        }
        stack.addLast(observer);
        try {
            return body.get();
        } finally {
            stack.removeLastOccurrence(observer);
            synchronized (Autodiff.class) {
                observers--;
            }
        }
    }

    static boolean observing() {
        return observers > 0 && !OBSERVERS.get().isEmpty();
    }

    static void observed(String op, Tensor[] inputs, Tensor output) {
        for (OpObserver o : OBSERVERS.get()) o.op(op, inputs, output);
    }

    static boolean anomalyDetection() {
        return ANOMALY.get()[0];
    }

    /**
     * Runs {@code body} checking every op's output, forward and backward: the first non-finite
     * value throws an {@link AnomalyException} naming the op and its input shapes.
     */
    public static <T> T detectAnomaly(Supplier<T> body) {
        boolean[] flag = ANOMALY.get();
        boolean was = flag[0];
        flag[0] = true;
        try {
            return body.get();
        } finally {
            flag[0] = was;
        }
    }

    /** {@link #detectAnomaly(Supplier)} for a body with no result. */
    public static void detectAnomaly(Runnable body) {
        detectAnomaly(() -> {
            body.run();
            return null;
        });
    }

    static void checkFinite(String op, NDArray out, Tensor[] inputs) {
        if (out.allFinite()) return;
        StringBuilder shapes = new StringBuilder();
        boolean inputsFinite = true;
        for (int i = 0; i < inputs.length; i++) {
            if (i > 0) shapes.append(", ");
            shapes.append(Shapes.str(inputs[i].value().shape()));
            inputsFinite &= inputs[i].value().allFinite();
        }
        int at = 0;
        while (Double.isFinite(out.getFlat(at))) at++;
        // Backward rules are written with ops, so the failing op is usually a div or mul inside
        // some backward rule; name that rule too, as the op the user wrote.
        Node running = IN_BACKWARD.get()[0];
        String where = running == null ? "" : "backward of " + running.op + " (input shapes [" + inputShapes(running) + "]): ";
        throw new AnomalyException(where + op + " produced " + out.getFlat(at) + " at flat index " + at + " of its output "
                + Shapes.str(out.shape()) + " from input shapes [" + shapes + "]"
                + (inputsFinite ? " (all inputs finite)" : " (an input was already non-finite)"));
    }

    /** Gradient of a scalar {@code output} with respect to one input it depends on. */
    public static Tensor grad(Tensor output, Tensor input, boolean createGraph) {
        return grad(List.of(output), null, List.of(input), createGraph).get(0);
    }

    /** Gradients of a scalar {@code output} with respect to each input; every input must be used. */
    public static List<Tensor> grad(Tensor output, List<? extends Tensor> inputs, boolean createGraph) {
        return grad(List.of(output), null, inputs, createGraph);
    }

    /** {@link #grad(List, List, List, boolean, boolean)} of a scalar output: zeros for unused inputs when {@code allowUnused}. */
    public static List<Tensor> grad(Tensor output, List<? extends Tensor> inputs, boolean createGraph, boolean allowUnused) {
        return grad(List.of(output), null, inputs, createGraph, allowUnused);
    }

    /** {@link #grad(List, List, List, boolean, boolean)} where every input must be used. */
    public static List<Tensor> grad(List<? extends Tensor> outputs, List<? extends Tensor> gradOutputs,
                                    List<? extends Tensor> inputs, boolean createGraph) {
        return grad(outputs, gradOutputs, inputs, createGraph, false);
    }

    /**
     * Vector-Jacobian products: Σₖ gradOutputsₖ·∂outputsₖ/∂input for each input. With null
     * gradOutputs every output must be a scalar and is seeded with one. With {@code createGraph}
     * the results are recorded, so they can be differentiated again (Hessian-vector products,
     * forces, PDE residuals).
     *
     * <p>An input the outputs do not depend on through the recorded graph (unused, constant,
     * detached, or computed under {@link #noGrad}) is an error naming its position and shape, as
     * PyTorch's {@code allow_unused = False}: usually a model that forgot a parameter. With
     * {@code allowUnused} such an input gets zeros of its shape and dtype instead (PyTorch would
     * give None), which is the right Jacobian column when a parameter really does not enter.
     *
     * <pre>{@code
     * List<Tensor> g = Autodiff.grad(List.of(loss), null, List.of(w, unusedBias), false, true); // g.get(1) is zeros
     * }</pre>
     */
    public static List<Tensor> grad(List<? extends Tensor> outputs, List<? extends Tensor> gradOutputs,
                                    List<? extends Tensor> inputs, boolean createGraph, boolean allowUnused) {
        if (gradOutputs != null && gradOutputs.size() != outputs.size()) {
            throw new IllegalArgumentException("grad: " + gradOutputs.size() + " gradOutputs for " + outputs.size() + " outputs");
        }
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        for (int i = 0; i < outputs.size(); i++) {
            Tensor y = outputs.get(i);
            Tensor seed;
            if (gradOutputs == null) {
                if (y.size() != 1) {
                    throw new IllegalArgumentException("grad: output " + i + " has shape " + Shapes.str(y.shape())
                            + "; give gradOutputs for a non-scalar output");
                }
                seed = Tensor.constant(NDArray.ones(y.dtype(), y.shape()));
            } else {
                seed = gradOutputs.get(i);
                if (!Arrays.equals(seed.shape(), y.shape())) {
                    throw new IllegalArgumentException("grad: gradOutput " + i + " has shape " + Shapes.str(seed.shape())
                            + " but output " + i + " has shape " + Shapes.str(y.shape()));
                }
                if (seed.dtype() != y.dtype()) {
                    throw new IllegalArgumentException("grad: gradOutput " + i + " is " + seed.dtype() + " but output " + i + " is " + y.dtype());
                }
            }
            accumulate(grads, y, seed);
        }
        Map<Tensor, Boolean> wanted = new IdentityHashMap<>();
        for (Tensor x : inputs) wanted.put(x, Boolean.TRUE);
        List<Tensor> order = topologicalOrder(outputs, wanted);
        propagate(order, grads, createGraph);
        List<Tensor> out = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Tensor x = inputs.get(i), g = grads.get(x);
            if (g == null && !allowUnused) throw unused(i, x);
            if (g == null) g = Tensor.constant(NDArray.zeros(x.dtype(), x.shape()));
            else if (!createGraph) g = g.detach();
            out.add(g);
        }
        return out;
    }

    private static IllegalArgumentException unused(int i, Tensor x) {
        String why = x.requiresGrad() ? "is not used by the outputs (no recorded op leads from it to them)"
                : "does not require a gradient (a constant, a detached or frozen tensor, or one computed under noGrad)";
        return new IllegalArgumentException("grad: input " + i + " (" + x.describe() + ") " + why
                + "; pass allowUnused = true to get zeros for it");
    }

    /** Backpropagates from a scalar into {@code grad} of every leaf that requires one. */
    public static void backward(Tensor output) {
        if (output.size() != 1) {
            throw new IllegalArgumentException("backward: output has shape " + Shapes.str(output.shape()) + "; it must be a scalar");
        }
        if (!output.requiresGrad()) {
            throw new IllegalStateException("backward: the output does not depend on anything that requires a gradient"
                    + " (was it computed under noGrad, or from constants only?)");
        }
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(output, Tensor.constant(NDArray.ones(output.dtype(), output.shape())));
        List<Tensor> order = topologicalOrder(List.of(output), null);
        propagate(order, grads, false);
        for (Tensor t : order) {
            if (t.node == null && t.requiresGrad()) {
                Tensor g = grads.get(t);
                if (g != null) t.accumulateGrad(g.value());
            }
        }
    }

    private static void accumulate(Map<Tensor, Tensor> grads, Tensor t, Tensor g) {
        Tensor prev = grads.get(t);
        grads.put(t, prev == null ? g : prev.add(g));
    }

    /**
     * Runs the backward rules in reverse topological order, so that each tensor's gradient is
     * complete (every use has added its part) before it is passed on to its inputs.
     */
    private static void propagate(List<Tensor> order, Map<Tensor, Tensor> grads, boolean createGraph) {
        Map<Tensor, Boolean> leads = new IdentityHashMap<>(order.size() * 2);
        for (Tensor t : order) leads.put(t, Boolean.TRUE);
        boolean[] flag = GRAD_ENABLED.get();
        boolean was = flag[0];
        flag[0] = createGraph;
        try {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                if (t.node == null) continue;
                Tensor g = grads.get(t);
                if (g == null) continue;
                Tensor[] gi = applyBackward(t, g);
                Tensor[] ins = t.node.inputs;
                for (int k = 0; k < ins.length; k++) {
                    if (gi[k] == null || !ins[k].requiresGrad() || !leads.containsKey(ins[k])) continue;
                    if (anomalyDetection()) checkGradient(t.node, k, gi[k]);
                    accumulate(grads, ins[k], gi[k]);
                }
            }
        } finally {
            flag[0] = was;
        }
    }

    private static Tensor[] applyBackward(Tensor out, Tensor g) {
        Node node = out.node;
        node.checkVersions(out);
        Node[] running = IN_BACKWARD.get();
        Node outer = running[0];
        running[0] = node;
        try {
            return node.backward.apply(g, out, node.inputs);
        } finally {
            running[0] = outer;
        }
    }

    private static void checkGradient(Node node, int k, Tensor g) {
        if (g.value().allFinite()) return;
        throw new AnomalyException("backward of " + node.op + " produced a non-finite gradient for input " + k
                + " (input shapes [" + inputShapes(node) + "])");
    }

    private static String inputShapes(Node node) {
        StringBuilder shapes = new StringBuilder();
        for (int i = 0; i < node.inputs.length; i++) {
            if (i > 0) shapes.append(", ");
            shapes.append(Shapes.str(node.inputs[i].shape()));
        }
        return shapes.toString();
    }

    /**
     * Tensors reachable from the outputs through recorded nodes, every tensor after all of its
     * inputs. With {@code wanted} given, only tensors on a path to one of them are kept (a wanted
     * tensor may itself depend on another wanted tensor). Iterative, so a graph of a million steps does not overflow the stack.
     */
    private static List<Tensor> topologicalOrder(List<? extends Tensor> outputs, Map<Tensor, Boolean> wanted) {
        Map<Tensor, Boolean> leads = new IdentityHashMap<>(); // visited; value: leads to a wanted tensor
        List<Tensor> order = new ArrayList<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        for (Tensor root : outputs) {
            if (leads.containsKey(root)) continue;
            stack.push(new Object[] {root, 0});
            leads.put(root, Boolean.FALSE);
            while (!stack.isEmpty()) {
                Object[] frame = stack.peek();
                Tensor t = (Tensor) frame[0];
                int next = (Integer) frame[1];
                Tensor[] ins = t.node == null ? NO_INPUTS : t.node.inputs;
                if (next < ins.length) {
                    frame[1] = next + 1;
                    Tensor in = ins[next];
                    if (in.requiresGrad() && !leads.containsKey(in)) {
                        leads.put(in, Boolean.FALSE);
                        stack.push(new Object[] {in, 0});
                    }
                    continue;
                }
                stack.pop();
                boolean l = wanted == null || wanted.containsKey(t);
                for (Tensor in : ins) l |= leads.getOrDefault(in, Boolean.FALSE) && in.requiresGrad();
                leads.put(t, l);
                if (l) order.add(t);
            }
        }
        return order;
    }
}
