package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.array.Shapes;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of a model (a module, in PyTorch's word): it registers its parameters, ties and child
 * blocks explicitly, by name. It is called {@code Block} rather than {@code Module} because
 * {@code java.lang.Module} is imported implicitly everywhere, so {@code import dev.motif.nn.*}
 * made every use of {@code Module} ambiguous, a compile error.
 *
 * <p>A block's {@code forward} takes and returns what the model needs: one tensor for a layer
 * in a {@link Sequential}, {@code (x, state)} for a recurrent cell, a pair for a Siamese net,
 * several outputs for heads. Only one-input blocks implement {@link #forward(Tensor)}; others
 * define their own methods.
 *
 * <p>Sharing is using one object at several sites. Registered: the same {@link Parameter} in
 * two slots, the same child in two places, or a {@link Tie} (a weight that is a function of a
 * parameter, such as its transpose). Used: a child registered once but called on both inputs
 * of a pair, or a cell called at every time step. {@link #parameters()} lists each unique
 * parameter once, in registration order; {@link #parameterUses()} lists every registered
 * (path, parameter) pair; {@link SharingReport#traced} counts the uses of one forward.
 *
 * <p>In {@code forward} a block reads its weights through {@link #use(String)} (or accessors
 * built on it), which gives a parameter as it is and a tie's transformed weight, so a slot that
 * is tied later, or restored tied by a checkpoint, is seen at once.
 *
 * <p>State that is not trained, such as a batch norm's running statistics, is registered as a
 * buffer ({@link #buffer(String, NDArray)}) and listed by {@link #namedBuffers()}, never among
 * the parameters.
 *
 * <pre>{@code
 * class Twice extends Block {
 *     final Linear layer = child("layer", new Linear(4, 4, DType.F64, rng));
 *     public Tensor forward(Tensor x) { return layer.forward(layer.forward(x)); }  // one layer, used twice
 * }
 * }</pre>
 */
public abstract class Block implements Cloneable {
    /** Inputs larger than this are not run by the default {@link #outputShape}: a layer must compute its shape. */
    static final long PROBE_LIMIT = 1L << 24;

    /** Parameters, ties and children in registration order: values are Parameter, Tie or Block. */
    private LinkedHashMap<String, Object> slots = new LinkedHashMap<>();
    /** State that is not trained (running statistics), kept apart so that no optimizer sees it. */
    private LinkedHashMap<String, NDArray> buffers = new LinkedHashMap<>();
    private boolean training = true;

    // ---------------------------------------------------------------- registration

    /** Registers a parameter under a local name and returns it. */
    protected final Parameter param(String name, Parameter p) {
        register(name, p);
        return p;
    }

    /** Registers a child block under a local name and returns it. */
    protected final <M extends Block> M child(String name, M m) {
        if (m == this) throw new IllegalArgumentException(describe() + ": a block cannot be its own child ('" + name + "')");
        register(name, m);
        return m;
    }

    /**
     * Registers a tie under a local name: the slot's weight is {@code t}'s transform of its
     * owner. An identity tie is the owner itself, so it registers the owner as a parameter.
     */
    protected final Tie param(String name, Tie t) {
        if (t == null) throw new IllegalArgumentException(describe() + ": slot '" + name + "' registered with a null tie");
        register(name, isIdentity(t) ? t.owner() : t);
        return t;
    }

    /**
     * Registers a buffer, state the block keeps and updates itself rather than trains (the
     * running mean of a batch norm), and returns it. Buffers are listed by {@link #namedBuffers()},
     * apart from parameters, so optimizers never see them. The owner updates a buffer in place
     * ({@link NDArray#assign}), so an array obtained from {@link #namedBuffers()} stays current.
     */
    protected final NDArray buffer(String name, NDArray initial) {
        register(name, initial);
        return initial;
    }

    private void register(String name, Object o) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(describe() + ": slot name must be non-empty and contain no '.', got '" + name + "'");
        }
        if (o == null) throw new IllegalArgumentException(describe() + ": slot '" + name + "' registered with null");
        if (slots.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalArgumentException(describe() + ": slot '" + name + "' is already registered");
        }
        if (o instanceof NDArray a) buffers.put(name, a);
        else slots.put(name, o);
    }

    private static boolean isIdentity(Tie t) {
        return t.transform().spec().equals("identity");
    }

    // ---------------------------------------------------------------- reading slots

    /** The parameter registered here under a local name; an error if the slot holds a tie (read it with {@link #use}). */
    protected final Parameter param(String name) {
        Object o = slots.get(name);
        if (o instanceof Parameter p) {
            Trace.read(this, name, p);
            return p;
        }
        if (o instanceof Tie t) {
            throw new IllegalStateException(describe() + ": slot '" + name + "' is tied (" + t.transform().spec() + " of parameter '" + t.owner().name()
                    + "'), not a parameter of its own; read its weight with use(\"" + name + "\")");
        }
        throw new IllegalArgumentException(describe() + " has no parameter '" + name + "'");
    }

    /**
     * The weight in a slot, as {@code forward} uses it: the parameter itself, or a tie's
     * transform of its owner, computed now (so its gradient reaches the owner).
     */
    protected final Tensor use(String name) {
        Object o = slots.get(name);
        if (o instanceof Parameter p) {
            Trace.read(this, name, p);
            return p;
        }
        if (o instanceof Tie t) {
            Tensor w = t.value();
            Trace.read(this, name, w);
            return w;
        }
        throw new IllegalArgumentException(describe() + " has no parameter or tie '" + name + "'");
    }

    /** Whether the slot holds a tie rather than a parameter of its own. */
    protected final boolean isTied(String name) {
        return slots.get(name) instanceof Tie;
    }

    /** The tie in a slot, or null when the slot holds a parameter of its own. */
    protected final Tie tieAt(String name) {
        Object o = slots.get(name);
        if (o == null) throw new IllegalArgumentException(describe() + " has no parameter or tie '" + name + "'");
        return o instanceof Tie t ? t : null;
    }

    /** The child registered here under a local name. */
    @SuppressWarnings("unchecked")
    protected final <M extends Block> M child(String name) {
        Object o = slots.get(name);
        if (!(o instanceof Block)) throw new IllegalArgumentException(describe() + " has no child '" + name + "'");
        return (M) o;
    }

    /** The buffer registered here under a local name. */
    protected final NDArray buffer(String name) {
        NDArray b = buffers.get(name);
        if (b == null) throw new IllegalArgumentException(describe() + " has no buffer '" + name + "'");
        return b;
    }

    // ---------------------------------------------------------------- tying an existing model

    /**
     * Puts {@code owner} itself in the parameter slot at a dotted path, so the two sites share
     * one Parameter: how a user ties two layers of a built model (the owner must have the slot's
     * shape and dtype).
     *
     * <pre>{@code
     * model.tie("decoder.bias", model.encoderBias());
     * }</pre>
     */
    public final void tie(String path, Parameter owner) {
        if (owner == null) throw new IllegalArgumentException("tie: owner must not be null");
        Slot s = slotAt(path);
        requireFits("tie", path, s.current(), owner.dtype(), owner.shape());
        s.block.slots.put(s.name, owner);
    }

    /**
     * Puts a tie in the parameter slot at a dotted path: from then on that site uses the tie's
     * transform of its owner (which must give the slot's shape and dtype).
     *
     * <pre>{@code
     * autoencoder.tie("decoder.weight", Tie.transpose(autoencoder.encoder().weight()));
     * }</pre>
     */
    public final void tie(String path, Tie tie) {
        if (tie == null) throw new IllegalArgumentException("tie: tie must not be null");
        if (isIdentity(tie)) {
            tie(path, tie.owner());
            return;
        }
        Slot s = slotAt(path);
        requireFits("tie", path, s.current(), tie.dtype(), tie.shape());
        s.block.slots.put(s.name, tie);
    }

    private record Slot(Block block, String name) {
        Object current() {
            return block.slots.get(name);
        }
    }

    private Slot slotAt(String path) {
        if (path == null || path.isEmpty()) throw new IllegalArgumentException("tie: an empty path");
        Block b = this;
        String[] parts = path.split("\\.", -1);
        for (int i = 0; i < parts.length - 1; i++) {
            Object o = b.slots.get(parts[i]);
            if (!(o instanceof Block c)) {
                throw new IllegalArgumentException("tie: " + describe() + " has no block at '" + String.join(".", Arrays.copyOf(parts, i + 1)) + "' (path '" + path + "')");
            }
            b = c;
        }
        String name = parts[parts.length - 1];
        Object o = b.slots.get(name);
        if (!(o instanceof Parameter) && !(o instanceof Tie)) {
            throw new IllegalArgumentException("tie: " + describe() + " has no parameter at '" + path + "'"
                    + (o instanceof Block ? " (it is a block)" : ""));
        }
        return new Slot(b, name);
    }

    private static void requireFits(String op, String path, Object slot, DType dtype, int[] shape) {
        DType d = slot instanceof Parameter p ? p.dtype() : ((Tie) slot).dtype();
        int[] s = slot instanceof Parameter p ? p.shape() : ((Tie) slot).shape();
        if (d != dtype || !Arrays.equals(s, shape)) {
            throw new IllegalArgumentException(op + ": '" + path + "' is " + d + " " + Shapes.str(s) + ", what was given is " + dtype + " " + Shapes.str(shape));
        }
    }

    // ---------------------------------------------------------------- views of the tree

    /** Applies the block to one input; blocks with other signatures define their own methods. */
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException(describe() + " does not take a single input; use its own methods");
    }

    /** Each unique parameter once, in registration order (depth first); a tie's owner counts as a parameter. */
    public final List<Parameter> parameters() {
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        List<Parameter> out = new ArrayList<>();
        for (ParameterUse u : parameterUses()) if (seen.put(u.parameter(), Boolean.TRUE) == null) out.add(u.parameter());
        return out;
    }

    /** The unique parameters that are not frozen: what an optimizer should step. */
    public final List<Parameter> trainableParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : parameters()) if (!p.isFrozen()) out.add(p);
        return out;
    }

    /**
     * Every registered site of a parameter, with its dotted path: a parameter in a slot, or a tie
     * of it (with the tie); a shared parameter appears once per site.
     */
    public final List<ParameterUse> parameterUses() {
        List<ParameterUse> out = new ArrayList<>();
        collect("", out, new IdentityHashMap<>());
        return out;
    }

    /**
     * Each unique parameter under one path: that of its first site in a slot of its own, or, for
     * an owner seen only through ties, its first tie's path.
     */
    public final Map<String, Parameter> namedParameters() {
        Map<Parameter, String> direct = new IdentityHashMap<>(), viaTie = new IdentityHashMap<>();
        for (ParameterUse u : parameterUses()) (u.tie() == null ? direct : viaTie).putIfAbsent(u.parameter(), u.path());
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (Parameter p : parameters()) out.put(direct.containsKey(p) ? direct.get(p) : viaTie.get(p), p);
        return out;
    }

    private void collect(String prefix, List<ParameterUse> out, Map<Block, Boolean> onPath) {
        if (onPath.put(this, Boolean.TRUE) != null) {
            throw new IllegalStateException("block cycle: " + describe() + " at '" + prefix + "' contains itself");
        }
        for (Map.Entry<String, Object> e : slots.entrySet()) {
            String path = join(prefix, e.getKey());
            Object v = e.getValue();
            if (v instanceof Parameter p) out.add(new ParameterUse(path, p, null));
            else if (v instanceof Tie t) out.add(new ParameterUse(path, t.owner(), t));
            else ((Block) v).collect(path, out, onPath);
        }
        onPath.remove(this);
    }

    /** Direct children with their local names, in registration order. */
    public final Map<String, Block> children() {
        Map<String, Block> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : slots.entrySet()) if (e.getValue() instanceof Block m) out.put(e.getKey(), m);
        return out;
    }

    /** Every block of the tree under every path it is registered at, this one at {@code ""}, depth first. */
    final Map<Block, List<String>> blockPaths() {
        Map<Block, List<String>> out = new IdentityHashMap<>();
        walkBlocks("", out, new IdentityHashMap<>());
        return out;
    }

    private void walkBlocks(String prefix, Map<Block, List<String>> out, Map<Block, Boolean> onPath) {
        if (onPath.put(this, Boolean.TRUE) != null) throw new IllegalStateException("block cycle: " + describe() + " at '" + prefix + "' contains itself");
        out.computeIfAbsent(this, k -> new ArrayList<>()).add(prefix);
        for (Map.Entry<String, Object> e : slots.entrySet()) if (e.getValue() instanceof Block b) b.walkBlocks(join(prefix, e.getKey()), out, onPath);
        onPath.remove(this);
    }

    /** Each unique block of the tree once, this one first. */
    private List<Block> uniqueBlocks() {
        List<Block> order = new ArrayList<>();
        collectBlocks(order, new IdentityHashMap<>());
        return order;
    }

    private void collectBlocks(List<Block> order, Map<Block, Boolean> seen) {
        if (seen.put(this, Boolean.TRUE) != null) return;
        order.add(this);
        for (Object v : slots.values()) if (v instanceof Block b) b.collectBlocks(order, seen);
    }

    /**
     * Every buffer of this block and its descendants under its dotted path (a block's own
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
        for (Map.Entry<String, NDArray> e : buffers.entrySet()) out.put(join(prefix, e.getKey()), e.getValue());
        for (Map.Entry<String, Object> e : slots.entrySet()) {
            if (e.getValue() instanceof Block m) m.collectBuffers(join(prefix, e.getKey()), out, seen);
        }
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /** Clears the gradient of every parameter. */
    public final void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }

    /** Total number of unique trainable values (frozen ones included: they are stored). */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) n += p.size();
        return n;
    }

    // ---------------------------------------------------------------- state of the whole model

    /**
     * Switches this block and its descendants to training (true) or evaluation (false)
     * behaviour, and returns this block as its own type ({@code Net n = net.train(false)}).
     */
    @SuppressWarnings("unchecked")
    public final <B extends Block> B train(boolean on) {
        for (Block b : uniqueBlocks()) b.training = on;
        return (B) this;
    }

    /** {@code train(false)}: evaluation behaviour (dropout off, batch norm on its running statistics); returns this block as its own type. */
    public final <B extends Block> B eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Sets this block's own mode only (restoring modes after a probe or a trace). */
    final void setTraining(boolean on) {
        training = on;
    }

    /**
     * Freezes every parameter of the tree: still used and still saved, but given no gradient and
     * so never stepped by an optimizer. Returns this block as its own type.
     */
    @SuppressWarnings("unchecked")
    public final <B extends Block> B freeze() {
        for (Parameter p : parameters()) p.freeze();
        return (B) this;
    }

    /** Unfreezes every parameter of the tree; returns this block as its own type. */
    @SuppressWarnings("unchecked")
    public final <B extends Block> B unfreeze() {
        for (Parameter p : parameters()) p.unfreeze();
        return (B) this;
    }

    /**
     * Converts every parameter and buffer of the tree to {@code dtype}, in place: the same
     * Parameter objects (so ties and sharing stay) with converted values. Build optimizers after
     * converting; their state is kept in the old dtype. Returns this block as its own type.
     */
    @SuppressWarnings("unchecked")
    public final <B extends Block> B to(DType dtype) {
        if (dtype == null) throw new IllegalArgumentException("to: dtype must not be null");
        for (Parameter p : parameters()) p.convert(dtype);
        for (Block b : uniqueBlocks()) b.buffers.replaceAll((name, a) -> a.dtype() == dtype ? a : a.to(dtype));
        return (B) this;
    }

    /**
     * The dtype the block computes in, that of its parameters; an IllegalStateException naming
     * two parameters when they differ, or when the block has none.
     */
    public final DType dtype() {
        Map<String, Parameter> named = namedParameters();
        if (named.isEmpty()) throw new IllegalStateException(describe() + " has no parameters, so no dtype of its own");
        Map.Entry<String, Parameter> first = named.entrySet().iterator().next();
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            if (e.getValue().dtype() != first.getValue().dtype()) {
                throw new IllegalStateException(describe() + " mixes dtypes: '" + first.getKey() + "' is " + first.getValue().dtype() + ", '" + e.getKey()
                        + "' is " + e.getValue().dtype() + "; convert the model with to(dtype)");
            }
        }
        return first.getValue().dtype();
    }

    // ---------------------------------------------------------------- untie

    /**
     * The unshared counterpart of this block: it computes the same function at the moment of
     * untying, holds none of this block's parameter objects (values are copied, no random
     * numbers drawn), and gives every registered site its own copy, so that it then trains
     * independently. A parameter in two slots becomes two parameters, a child registered at two
     * places becomes two children, a tie becomes a parameter holding the transformed weight; a
     * child is untied by its own {@code untie()}, so a convolution inside becomes a locally
     * connected layer.
     *
     * <p>The default is structural and serves any block: it copies the block and re-points the
     * copy's fields that hold one of its registered children, parameters or buffers at their
     * copies (so {@code forward} code written against fields works on the twin). It refuses,
     * naming the field, what it cannot copy faithfully: a field holding an object registered at
     * several sites (which site would each call use?), a tie kept in a field instead of read
     * through {@link #use}, a child whose twin is of another class than the field's type, or a
     * parameter or block that is not registered here. Blocks whose twin is another kind of layer
     * (a convolution, a recurrent layer) override it.
     *
     * <p>A child registered once but used at several places in {@code forward} (a Siamese
     * encoder called on both inputs) is one site, so its twin is still used at both places; the
     * traced {@link SharingReport} shows such uses. A block built that way overrides untie() to
     * give each use its own copy.
     */
    public Block untie() {
        Block twin = shallowCopy();
        for (Map.Entry<String, Object> e : slots.entrySet()) {
            Object v = e.getValue();
            Object copy;
            if (v instanceof Parameter p) copy = copyOf(p);
            else if (v instanceof Tie t) copy = materialized(t);
            else copy = untieChild(e.getKey(), (Block) v);
            twin.slots.put(e.getKey(), copy);
        }
        for (Map.Entry<String, NDArray> e : buffers.entrySet()) twin.buffers.put(e.getKey(), e.getValue().copy());
        new FieldRemap(this, twin).run();
        return twin;
    }

    /**
     * The unshared counterpart for inputs of one shape (batch axis first): what {@link #untie()}
     * gives, for blocks whose twin depends on the input's size. A convolution computes a function
     * of any image size, but its locally connected twin has one kernel per output position, so it
     * needs the input's spatial size. The default ignores the shape and calls {@link #untie()}.
     */
    public Block untie(int... inputShape) {
        return untie();
    }

    private Block untieChild(String name, Block child) {
        try {
            return child.untie();
        } catch (UnsupportedOperationException | IllegalStateException e) {
            throw new UnsupportedOperationException(describe() + ".untie(): the child at '" + name + "' cannot be untied this way: " + e.getMessage()
                    + (e instanceof UnsupportedOperationException && child instanceof ConvLayer
                    ? "; override untie(int...) in " + getClass().getSimpleName() + " to untie each child for the shape that reaches it" : ""), e);
        }
    }

    /** A fresh copy of a parameter's value under its name, frozen if it was. */
    static Parameter copyOf(Parameter p) {
        Parameter q = new Parameter(p.name(), p.value().copy());
        if (p.isFrozen()) q.freeze();
        return q;
    }

    /** A tie's current weight as a parameter of its own. */
    static Parameter materialized(Tie t) {
        Parameter q = new Parameter(t.owner().name(), Autodiff.noGrad(t::value).value().copy());
        if (t.owner().isFrozen()) q.freeze();
        return q;
    }

    /** A copy of this object with the same field values and its own (empty) slot and buffer tables. */
    final Block shallowCopy() {
        Block b;
        try {
            b = (Block) super.clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError("Block is Cloneable", e);
        }
        b.slots = new LinkedHashMap<>();
        b.buffers = new LinkedHashMap<>();
        return b;
    }

    /**
     * Re-points the fields of a structural twin that hold registered objects of the original at
     * their copies, walking the classes between the block's own and Block.
     */
    private static final class FieldRemap {
        private final Block original, twin;
        /** Each registered object of the original's tree (blocks, parameters, ties, buffers) under every path it has. */
        private final Map<Object, List<String>> pathsOf = new IdentityHashMap<>();
        /** The twin's objects by path. */
        private final Map<String, Object> twinAt = new LinkedHashMap<>();

        FieldRemap(Block original, Block twin) {
            this.original = original;
            this.twin = twin;
            index(original, "", pathsOf, null, new IdentityHashMap<>());
            index(twin, "", null, twinAt, new IdentityHashMap<>());
        }

        private static void index(Block b, String prefix, Map<Object, List<String>> paths, Map<String, Object> byPath, Map<Block, Boolean> onPath) {
            if (onPath.put(b, Boolean.TRUE) != null) return;
            for (Map.Entry<String, Object> e : b.slots.entrySet()) put(e.getValue(), join(prefix, e.getKey()), paths, byPath);
            for (Map.Entry<String, NDArray> e : b.buffers.entrySet()) put(e.getValue(), join(prefix, e.getKey()), paths, byPath);
            for (Map.Entry<String, Object> e : b.slots.entrySet()) {
                if (e.getValue() instanceof Block c) index(c, join(prefix, e.getKey()), paths, byPath, onPath);
            }
            onPath.remove(b);
        }

        private static void put(Object o, String path, Map<Object, List<String>> paths, Map<String, Object> byPath) {
            if (paths != null) paths.computeIfAbsent(o, k -> new ArrayList<>()).add(path);
            if (byPath != null) byPath.put(path, o);
        }

        void run() {
            for (Class<?> c = original.getClass(); c != Block.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive() || f.isSynthetic() && f.getName().startsWith("this$")) continue;
                    try {
                        f.setAccessible(true);
                    } catch (InaccessibleObjectException e) {
                        throw new UnsupportedOperationException(where(f) + ": untie() cannot read the field (" + e.getMessage()
                                + "); open the package to dev.motif.core or override untie()", e);
                    }
                    Object v;
                    try {
                        v = f.get(original);
                    } catch (IllegalAccessException e) {
                        throw new UnsupportedOperationException(where(f) + ": untie() cannot read the field; override untie()", e);
                    }
                    Object mapped = map(f, v);
                    if (mapped == v) continue;
                    try {
                        f.set(twin, mapped);
                    } catch (IllegalAccessException | IllegalArgumentException e) {
                        throw new UnsupportedOperationException(where(f) + ": untie() cannot set the field on the twin (" + e.getMessage() + "); override untie()", e);
                    }
                }
            }
        }

        private String where(Field f) {
            return f.getDeclaringClass().getSimpleName() + "." + f.getName();
        }

        private Object map(Field f, Object v) {
            if (v == null) return null;
            if (v == original) return twin;
            if (v instanceof Block || v instanceof Parameter || v instanceof Tie) return mapRegistered(f, v, f.getType());
            if (v instanceof NDArray) return pathsOf.containsKey(v) ? mapRegistered(f, v, f.getType()) : v;
            if (v instanceof List<?> list && containsRegistered(list)) {
                List<Object> out = new ArrayList<>(list.size());
                for (Object o : list) out.add(o instanceof Block || o instanceof Parameter || o instanceof Tie ? mapRegistered(f, o, Object.class) : o);
                return out;
            }
            if (v instanceof Object[] array && containsRegistered(Arrays.asList(array))) {
                Object[] out = (Object[]) Array.newInstance(array.getClass().getComponentType(), array.length);
                for (int i = 0; i < array.length; i++) {
                    Object o = array[i];
                    out[i] = o instanceof Block || o instanceof Parameter || o instanceof Tie ? mapRegistered(f, o, array.getClass().getComponentType()) : o;
                }
                return out;
            }
            if (v instanceof Collection<?> coll && containsRegistered(coll) || v instanceof Map<?, ?> m && (containsRegistered(m.keySet()) || containsRegistered(m.values()))) {
                throw new UnsupportedOperationException(where(f) + " holds blocks or parameters in a " + v.getClass().getSimpleName()
                        + ", which untie() does not copy (only fields, lists and arrays); override untie()");
            }
            return v;
        }

        private static boolean containsRegistered(Collection<?> c) {
            for (Object o : c) if (o instanceof Block || o instanceof Parameter || o instanceof Tie) return true;
            return false;
        }

        private Object mapRegistered(Field f, Object v, Class<?> declared) {
            List<String> paths = pathsOf.get(v);
            String what = v instanceof Block b ? b.describe() : v.toString();
            // A block with nothing to copy (an activation kept in a field) computes the same in both.
            if (paths == null && v instanceof Block b && b.parameters().isEmpty() && b.namedBuffers().isEmpty()) return v;
            if (paths == null) {
                throw new UnsupportedOperationException(where(f) + " holds " + what + ", which is not registered in " + original.describe()
                        + ", so its untied twin would still use it; register it (param/child) or override untie()");
            }
            if (paths.size() > 1) {
                throw new UnsupportedOperationException(where(f) + " holds " + what + ", registered at " + paths.size() + " sites " + paths
                        + ", so untie() cannot tell which copy the field should use; read each site through child(name)/use(name), or override untie()");
            }
            if (v instanceof Tie) {
                throw new UnsupportedOperationException(where(f) + " holds the tie at '" + paths.get(0) + "', which the twin replaces by a parameter of its own; "
                        + "read the weight through use(\"" + paths.get(0) + "\") instead of keeping the tie in a field");
            }
            Object t = twinAt.get(paths.get(0));
            if (t == null) {
                throw new UnsupportedOperationException(where(f) + " holds " + what + " at '" + paths.get(0) + "', which the twin does not have "
                        + "(a child above it was untied into another kind of block); override untie()");
            }
            if (!declared.isInstance(t)) {
                throw new UnsupportedOperationException(where(f) + " is declared " + declared.getSimpleName() + ", but the untied twin of " + what
                        + " is a " + t.getClass().getSimpleName() + "; declare the field as Block, or override untie()");
            }
            return t;
        }
    }

    // ---------------------------------------------------------------- shapes and counts

    /**
     * The shape of the output for an input of the given shape (batch axis first), or an
     * IllegalArgumentException naming the block when the input does not fit. Layers compute it
     * from their geometry without touching data. The default, for blocks that do not, runs
     * {@link #forward} once on zeros in evaluation mode without recording a graph, so no state
     * changes (batch statistics, dropout's generator), and refuses inputs too large for that.
     */
    public int[] outputShape(int... inputShape) {
        long n = 1;
        for (int e : inputShape) {
            if (e <= 0) throw new IllegalArgumentException(describe() + ": input shape " + Shapes.str(inputShape) + " has a non-positive extent");
            n *= e;
            if (n > PROBE_LIMIT) {
                throw new IllegalArgumentException(describe() + ": input shape " + Shapes.str(inputShape) + " is too large to find the output shape by running "
                        + getClass().getSimpleName() + " (it computes no shape of its own: override outputShape(int...))");
            }
        }
        List<Parameter> ps = parameters();
        DType dtype = ps.isEmpty() ? DType.F64 : ps.get(0).dtype();
        Tensor zeros = Tensor.constant(NDArray.zeros(dtype, inputShape));
        Map<Block, Boolean> modes = new IdentityHashMap<>();
        for (Block b : uniqueBlocks()) modes.put(b, b.training);
        train(false);
        try {
            return Autodiff.noGrad(() -> forward(zeros)).shape();
        } finally {
            for (Map.Entry<Block, Boolean> e : modes.entrySet()) e.getKey().training = e.getValue();
        }
    }

    /**
     * How many values this block's unshared twin would hold for inputs of the given shape (batch
     * axis first): the size of {@code untie(inputShape)} without building it. The default counts
     * every registered site of every parameter, a tie at its nominal size ({@link SharingReport}'s
     * nominal count), which is right for blocks that share nothing across positions; a
     * convolution, which uses its kernel at every output position, overrides it.
     */
    public long untiedParameterCount(int... inputShape) {
        long n = 0;
        for (ParameterUse u : parameterUses()) n += u.nominalSize();
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
