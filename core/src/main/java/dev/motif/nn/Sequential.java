package dev.motif.nn;

import dev.motif.autodiff.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Modules applied one after another; children are named "0", "1", ... The same module given
 * twice is one module used at two sites: its parameters are shared.
 */
public final class Sequential extends Block {
    private final List<Block> layers = new ArrayList<>();

    public Sequential(Block... layers) {
        for (Block m : layers) add(m);
    }

    /** Appends a module. */
    public Sequential add(Block m) {
        child(String.valueOf(layers.size()), m);
        layers.add(m);
        return this;
    }

    public List<Block> layers() {
        return List.copyOf(layers);
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Block m : layers) x = m.forward(x);
        return x;
    }

    /** Each layer untied in turn; a layer that appears at two positions becomes two independent layers. */
    @Override
    public Sequential untie() {
        Sequential s = new Sequential();
        for (Block m : layers) s.add(m.untie());
        return s;
    }

    /**
     * Each layer untied for the shape that reaches it, starting from {@code inputShape} (batch
     * axis first): what a model with convolutions needs, since their twins depend on the input size.
     */
    @Override
    public Sequential untie(int... inputShape) {
        Sequential s = new Sequential();
        int[] shape = inputShape;
        for (Block m : layers) {
            s.add(m.untie(shape));
            shape = m.outputShape(shape);
        }
        return s;
    }

    /** The shape after every layer in turn; an error names the layer that does not fit. */
    @Override
    public int[] outputShape(int... inputShape) {
        int[] shape = inputShape;
        for (Block m : layers) shape = m.outputShape(shape);
        return shape;
    }

    /** The sum of every layer's untied count at the shape that reaches it (a layer used twice counts twice). */
    @Override
    public long untiedParameterCount(int... inputShape) {
        long n = 0;
        int[] shape = inputShape;
        for (Block m : layers) {
            n += m.untiedParameterCount(shape);
            shape = m.outputShape(shape);
        }
        return n;
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("Sequential(");
        for (int i = 0; i < layers.size(); i++) sb.append(i > 0 ? ", " : "").append(layers.get(i).describe());
        return sb.append(")").toString();
    }
}
