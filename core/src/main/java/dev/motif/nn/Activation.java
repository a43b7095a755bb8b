package dev.motif.nn;

import dev.motif.autodiff.Tensor;

import java.util.function.UnaryOperator;

/** A parameter-free elementwise function as a module: {@code new Sequential(linear, Activation.relu(), ...)}. */
public final class Activation extends Block {
    private final String name;
    private final UnaryOperator<Tensor> f;

    private Activation(String name, UnaryOperator<Tensor> f) {
        this.name = name;
        this.f = f;
    }

    public static Activation relu() { return new Activation("ReLU", Tensor::relu); }
    public static Activation tanh() { return new Activation("Tanh", Tensor::tanh); }
    public static Activation sigmoid() { return new Activation("Sigmoid", Tensor::sigmoid); }
    public static Activation gelu() { return new Activation("GELU", Tensor::gelu); }
    public static Activation softplus() { return new Activation("Softplus", Tensor::softplus); }
    public static Activation identity() { return new Activation("Identity", x -> x); }

    @Override
    public Tensor forward(Tensor x) {
        return f.apply(x);
    }

    /** Elementwise: the shape passes through. */
    @Override
    public int[] outputShape(int... inputShape) {
        return inputShape.clone();
    }

    @Override
    public String describe() {
        return name;
    }
}
