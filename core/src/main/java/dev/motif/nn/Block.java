package dev.motif.nn;

import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of a model (a module, in PyTorch's word): it registers its parameters and child
 * blocks explicitly, by name. It is called {@code Block} rather than {@code Module} because
 * {@code java.lang.Module} is imported implicitly everywhere, so {@code import dev.motif.nn.*}
 * made every use of {@code Module} ambiguous, a compile error.
 *
 * <p>Sharing is registration of the same object twice: the same {@link Parameter} under two
 * names (tied embeddings), or the same child module in two places (a Siamese encoder, an RNN
 * cell at every step). {@link #parameters()} lists each unique parameter once, in registration
 * order; {@link #parameterUses()} lists every (path, parameter) pair, shared ones repeatedly.
 *
 * <p>A module reads its parameters through {@link #param(String)} (or accessors built on it, as
 * {@code Linear.weight()} is) rather than caching them in fields: {@link #replaceParameter}, which
 * a checkpoint uses to restore a tie, changes the slot, and only a read through the slot sees it.
 *
 * <p>State that is not trained, such as a batch norm's running statistics, is registered as a
 * buffer ({@link #buffer(String, NDArray)}) and listed by {@link #namedBuffers()}, never among
 * the parameters.
 *
 * <pre>{@code
 * class Twice extends Block {
 *     final Linear layer = child("layer", new Linear(4, 4, DType.F64, rng));
 *     Twice() { child("again", layer); }       // the same layer at a second site
 *     public Tensor forward(Tensor x) { return layer.forward(layer.forward(x)); }
 * }
 * }</pre>
 */
public abstract class Block {
    /** Parameters and children in registration order: values are Parameter or Block. */
    private final LinkedHashMap<String, Object> slots = new LinkedHashMap<>();
    /** State that is not trained (running statistics), kept apart so that no optimizer sees it. */
    private final LinkedHashMap<String, NDArray> buffers = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a parameter under a local name and returns it. */
    protected final Parameter param(String name, Parameter p) {
        register(name, p);
        return p;
    }

    /** Registers a child module under a local name and returns it. */
    protected final <M extends Block> M child(String name, M m) {
        if (m == this) throw new IllegalArgumentException(getClass().getSimpleName() + ": a module cannot be its own child ('" + name + "')");
        register(name, m);
        return m;
    }

    private void register(String name, Object o) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": slot name must be non-empty and contain no '.', got '" + name + "'");
        }
        if (o == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": slot '" + name + "' registered with null");
        if (slots.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": slot '" + name + "' is already registered");
        }
        if (o instanceof NDArray a) buffers.put(name, a);
        else slots.put(name, o);
    }

    /**
     * Registers a buffer, state the module keeps and updates itself rather than trains (the
     * running mean of a batch norm), and returns it. Buffers are listed by {@link #namedBuffers()},
     * apart from parameters, so optimizers never see them. The owner updates a buffer in place
     * ({@link NDArray#assign}), so an array obtained from {@link #namedBuffers()} stays current.
     */
    protected final NDArray buffer(String name, NDArray initial) {
        register(name, initial);
        return initial;
    }

    /** The buffer registered here under a local name. */
    protected final NDArray buffer(String name) {
        NDArray b = buffers.get(name);
        if (b == null) throw new IllegalArgumentException(getClass().getSimpleName() + " has no buffer '" + name + "'");
        return b;
    }

    /**
     * Every buffer of this module and its descendants under its dotted path (a module's own
     * buffers first, then its children's in registration order); a child used at several sites
     * is listed once, under its first path.
     */
    public final Map<String, NDArray> namedBuffers() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        collectBuffers("", out, new IdentityHashMap<>());
        return out;
    }

    /** The arrays of {@link #namedBuffers()}. */
    public final List<NDArray> buffers() {
        return new ArrayList<>(namedBuffers().values());
    }

    private void collectBuffers(String prefix, Map<String, NDArray> out, Map<Block, Boolean> seen) {
        if (seen.put(this, Boolean.TRUE) != null) return;
        for (Map.Entry<String, NDArray> e : buffers.entrySet()) out.put(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue());
        for (Map.Entry<String, Object> e : slots.entrySet()) {
            if (e.getValue() instanceof Block m) m.collectBuffers(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), out, seen);
        }
    }

    /** The parameter registered here under a local name. */
    protected final Parameter param(String name) {
        Object o = slots.get(name);
        if (!(o instanceof Parameter)) throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter '" + name + "'");
        return (Parameter) o;
    }

    /** Applies the module to one input. Modules with other signatures provide their own methods. */
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not take a single input; use its own methods");
    }

    /** Each unique parameter once, in registration order (depth first). */
    public final List<Parameter> parameters() {
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        List<Parameter> out = new ArrayList<>();
        for (ParameterUse u : parameterUses()) if (seen.put(u.parameter(), Boolean.TRUE) == null) out.add(u.parameter());
        return out;
    }

    /** Every site a parameter is used at, with its dotted path; a shared parameter appears once per site. */
    public final List<ParameterUse> parameterUses() {
        List<ParameterUse> out = new ArrayList<>();
        collect("", out, new IdentityHashMap<>());
        return out;
    }

    /** Each unique parameter under the path of its first use site. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        for (ParameterUse u : parameterUses()) if (seen.put(u.parameter(), Boolean.TRUE) == null) out.put(u.path(), u.parameter());
        return out;
    }

    private void collect(String prefix, List<ParameterUse> out, Map<Block, Boolean> onPath) {
        if (onPath.put(this, Boolean.TRUE) != null) {
            throw new IllegalStateException("module cycle: " + getClass().getSimpleName() + " at '" + prefix + "' contains itself");
        }
        for (Map.Entry<String, Object> e : slots.entrySet()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue() instanceof Parameter p) out.add(new ParameterUse(path, p));
            else ((Block) e.getValue()).collect(path, out, onPath);
        }
        onPath.remove(this);
    }

    /** Direct children with their local names, in registration order. */
    public final Map<String, Block> children() {
        Map<String, Block> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : slots.entrySet()) if (e.getValue() instanceof Block m) out.put(e.getKey(), m);
        return out;
    }

    /**
     * Puts {@code p} at a dotted path in place of what is there (same shape and dtype): how a
     * checkpoint restores a tie. A module reads its parameters through {@link #param(String)}, so
     * the new object is what it uses from then on.
     */
    public final void replaceParameter(String path, Parameter p) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            Object old = slots.get(path);
            if (!(old instanceof Parameter q)) throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter '" + path + "'");
            if (!java.util.Arrays.equals(q.shape(), p.shape()) || q.dtype() != p.dtype()) {
                throw new IllegalArgumentException("replaceParameter: '" + path + "' is " + q.dtype() + " " + java.util.Arrays.toString(q.shape())
                        + ", the replacement is " + p.dtype() + " " + java.util.Arrays.toString(p.shape()));
            }
            slots.put(path, p);
            return;
        }
        Object child = slots.get(path.substring(0, dot));
        if (!(child instanceof Block m)) throw new IllegalArgumentException(getClass().getSimpleName() + " has no child '" + path.substring(0, dot) + "'");
        m.replaceParameter(path.substring(dot + 1), p);
    }

    /** Clears the gradient of every parameter. */
    public final void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }

    /** Total number of unique trainable values. */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) n += p.size();
        return n;
    }

    /** Switches this module and its children to training (true) or evaluation (false) behaviour. */
    public Block train(boolean on) {
        training = on;
        for (Block m : children().values()) m.train(on);
        return this;
    }

    /** {@code train(false)}. */
    public final Block eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /**
     * The unshared counterpart of this module: it computes the same function at the moment of
     * untying, holds none of this module's parameter objects (values are copied), and gives every
     * use site of a shared parameter its own copy, so that it then trains independently. A
     * convolution becomes a locally connected layer, a module used at two sites becomes two
     * modules. Applied to a whole model, it unties every sharing layer in it. A module whose twin
     * depends on the input's size (a convolution) needs {@link #untie(int...)} instead.
     *
     * <p>The default serves modules without parameters (activations, pooling, reshapes), which
     * have nothing to copy and return themselves; a module with parameters must override it.
     */
    public Block untie() {
        if (parameters().isEmpty()) return this;
        throw new UnsupportedOperationException(describe() + " (" + getClass().getName()
                + ") has parameters but does not implement untie(); override it to return its unshared counterpart");
    }

    /**
     * The unshared counterpart for inputs of one shape (batch axis first): what {@link #untie()}
     * gives, for modules whose twin depends on the input's size. A convolution computes a function
     * of any image size, but its locally connected twin has one kernel per output position, so it
     * needs the input's spatial size. The default ignores the shape and calls {@link #untie()}.
     */
    public Block untie(int... inputShape) {
        return untie();
    }

    /**
     * The shape of the output for an input of the given shape (batch axis first), or an
     * IllegalArgumentException naming the module when the input does not fit. The default runs
     * {@link #forward} on zeros without recording a graph; layers override it with arithmetic.
     */
    public int[] outputShape(int... inputShape) {
        for (int e : inputShape) {
            if (e <= 0) throw new IllegalArgumentException(describe() + ": input shape " + dev.motif.array.Shapes.str(inputShape) + " has a non-positive extent");
        }
        List<Parameter> ps = parameters();
        dev.motif.array.DType dtype = ps.isEmpty() ? dev.motif.array.DType.F64 : ps.get(0).dtype();
        Tensor zeros = Tensor.constant(dev.motif.array.NDArray.zeros(dtype, inputShape));
        return dev.motif.autodiff.Autodiff.noGrad(() -> forward(zeros)).shape();
    }

    /**
     * How many values this module's unshared twin would hold for inputs of the given shape (batch
     * axis first): the size of {@code untie(inputShape)} without building it. The default counts
     * every use site of every parameter ({@link SharingReport}'s nominal count), which is right
     * for modules that share nothing across positions; a convolution, which uses its kernel at
     * every output position, overrides it.
     */
    public long untiedParameterCount(int... inputShape) {
        long n = 0;
        for (ParameterUse u : parameterUses()) n += u.parameter().size();
        return n;
    }

    /** A one-line description for reports, such as {@code Linear(4 -> 2)}. */
    public String describe() {
        return getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return describe();
    }
}
