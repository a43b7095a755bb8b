package dev.motif.nn;

import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.OpObserver;
import dev.motif.autodiff.Tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What one traced forward consumed: every op that took a parameter, or a tie's weight, as an
 * input, with the block and slot it was last read through. {@link SharingReport} turns the raw
 * uses into paths. Only one trace runs per thread at a time; when none runs, blocks and ties pay
 * one volatile read per slot access.
 */
final class Trace implements OpObserver {
    /** One op that consumed a parameter, directly ({@code tie} null) or through a tie. */
    record RawUse(String op, Parameter parameter, Tie tie, Block reader, String slot) {}

    private record Read(Block block, String slot) {}

    private static final ThreadLocal<Trace> CURRENT = new ThreadLocal<>();
    private static volatile int active;

    private final Map<Tensor, Tie> tieOutputs = new IdentityHashMap<>();
    private final Map<Tensor, Read> reads = new IdentityHashMap<>();
    private final List<RawUse> uses = new ArrayList<>();
    private int inTransform;

    /** Runs {@code body} recording every use of a parameter in it. */
    static List<RawUse> record(Runnable body) {
        if (CURRENT.get() != null) throw new IllegalStateException("a sharing trace is already running on this thread");
        Trace t = new Trace();
        CURRENT.set(t);
        synchronized (Trace.class) {
            active++;
        }
        try {
            Autodiff.observe(t, (Supplier<Void>) () -> {
                body.run();
                return null;
            });
        } finally {
            synchronized (Trace.class) {
                active--;
            }
            CURRENT.remove();
        }
        return List.copyOf(t.uses);
    }

    private static Trace current() {
        return active > 0 ? CURRENT.get() : null;
    }

    /** A block read a slot's value (a parameter, or a tie's weight) to use it. */
    static void read(Block block, String slot, Tensor value) {
        Trace t = current();
        if (t != null) t.reads.put(value, new Read(block, slot));
    }

    /** A tie's weight, computed from its owner; the transform's own ops are not uses, the ops that consume its result are. */
    static Tensor applyTie(Tie tie) {
        Trace t = current();
        if (t == null) return tie.transform().apply(tie.owner());
        t.inTransform++;
        Tensor out;
        try {
            out = tie.transform().apply(tie.owner());
        } finally {
            t.inTransform--;
        }
        if (out != tie.owner()) t.tieOutputs.put(out, tie);
        return out;
    }

    @Override
    public void op(String op, Tensor[] inputs, Tensor output) {
        if (inTransform > 0) return;
        for (int i = 0; i < inputs.length; i++) {
            Tensor in = inputs[i];
            boolean repeated = false;
            for (int j = 0; j < i; j++) repeated |= inputs[j] == in;   // x·x uses x once, in one op
            if (repeated) continue;
            Tie tie = tieOutputs.get(in);
            Parameter p = tie != null ? tie.owner() : in instanceof Parameter q ? q : null;
            if (p == null) continue;
            Read r = reads.get(in);
            uses.add(new RawUse(op, p, tie, r == null ? null : r.block(), r == null ? null : r.slot()));
        }
    }
}
