package dev.motif.autodiff;

import dev.motif.array.NDArray;
import dev.motif.array.SpecialFunctions;

import static dev.motif.autodiff.Tensor.constant;

/**
 * Backward rules of the elementwise ops, one entry per op; each maps the output's gradient g (and
 * the output, and the inputs) to the inputs' gradients with Tensor ops, so they differentiate
 * again. Broadcasting is undone with {@code sumTo}. Everything else elementwise (sub, square,
 * reciprocal, rsub, rdiv, clamp, maximum, minimum, gelu) is a composition of these.
 */
final class ElementwiseRules {
    private ElementwiseRules() {}

    static final Node.Backward ADD = (g, out, in) -> new Tensor[] {g.sumTo(in[0].shape()), g.sumTo(in[1].shape())};
    static final Node.Backward NEG = (g, out, in) -> new Tensor[] {g.neg()};

    static final Node.Backward MUL = (g, out, in) -> new Tensor[] {
            in[0].requiresGrad() ? g.mul(in[1]).sumTo(in[0].shape()) : null,
            in[1].requiresGrad() ? g.mul(in[0]).sumTo(in[1].shape()) : null};

    static final Node.Backward DIV = (g, out, in) -> {
        Tensor ga = g.div(in[1]);
        return new Tensor[] {ga.sumTo(in[0].shape()), in[1].requiresGrad() ? ga.mul(in[0]).div(in[1]).neg().sumTo(in[1].shape()) : null};
    };

    /** x^p for a constant p ≠ 0: p·x^(p−1). */
    static Node.Backward pow(double p) {
        return (g, out, in) -> new Tensor[] {g.mul(in[0].pow(p - 1).mul(p))};
    }

    /** x⁰ is constant: its derivative is 0 everywhere (p·x^(p−1) would be 0·∞ = NaN at x = 0). */
    static final Node.Backward POW_ZERO = (g, out, in) -> new Tensor[] {g.mul(0.0)};

    /**
     * x^y: y·x^(y−1) and x^y·log x. At a zero base, as PyTorch: d/dx is 0 where y = 0, and d/dy is 0
     * where y >= 0 (0^y is constant there).
     */
    static final Node.Backward POW = (g, out, in) -> {
        Tensor a = in[0], y = in[1];
        NDArray zeroBase = a.value().eq(0.0);
        return new Tensor[] {
                a.requiresGrad() ? g.mul(y).mul(baseOneWhere(a, zeroBase.mul(y.value().eq(0.0))).pow(y.sub(1.0))).sumTo(a.shape()) : null,
                y.requiresGrad() ? g.mul(out).mul(baseOneWhere(a, zeroBase.mul(y.value().ge(0.0))).log()).sumTo(y.shape()) : null};
    };

    /**
     * {@code a} with 1 substituted where {@code mask} is set: evaluating y·x^(y−1) or log x there
     * would give 0·∞ = NaN where the true derivative is 0. With a substituted constant every higher
     * derivative stays finite too (a masked where after the fact would still send 0·∞ back). The
     * mask must hold only where the base is 0: elsewhere the substitution would drop the base's
     * part of the higher derivatives (∂²/∂x∂y of x^y at y = 0 is 1/x, not 1).
     */
    private static Tensor baseOneWhere(Tensor a, NDArray mask) {
        if (mask.sum().item() == 0) return a;
        return Tensor.where(mask, constant(NDArray.scalar(a.dtype(), 1)), a);
    }

    static final Node.Backward EXP = (g, out, in) -> new Tensor[] {g.mul(out)};
    static final Node.Backward LOG = (g, out, in) -> new Tensor[] {g.div(in[0])};
    static final Node.Backward LOG1P = (g, out, in) -> new Tensor[] {g.div(in[0].add(1.0))};
    static final Node.Backward SQRT = (g, out, in) -> new Tensor[] {g.div(out.mul(2.0))};
    static final Node.Backward SIN = (g, out, in) -> new Tensor[] {g.mul(in[0].cos())};
    static final Node.Backward COS = (g, out, in) -> new Tensor[] {g.mul(in[0].sin()).neg()};
    static final Node.Backward TANH = (g, out, in) -> new Tensor[] {g.mul(out.mul(out).neg().add(1.0))};
    static final Node.Backward SIGMOID = (g, out, in) -> new Tensor[] {g.mul(out.mul(out.neg().add(1.0)))};
    static final Node.Backward SOFTPLUS = (g, out, in) -> new Tensor[] {g.mul(in[0].sigmoid())};
    static final Node.Backward ABS = (g, out, in) -> new Tensor[] {g.mul(constant(in[0].value().sign()))};
    static final Node.Backward NORMAL_CDF = (g, out, in) ->
            new Tensor[] {g.mul(in[0].mul(in[0]).mul(-0.5).exp().mul(SpecialFunctions.INV_SQRT_2PI))};
    static final Node.Backward ERF = (g, out, in) -> new Tensor[] {g.mul(in[0].mul(in[0]).neg().exp().mul(2 / Math.sqrt(Math.PI)))};

    /**
     * ReLU: g where x > 0, as one fused op rather than the composition g·[x > 0], because it was
     * measured faster: on the seed CNN's step the comparison through the generic binary kernel
     * alone took 6–16 ms for the first layer's 802,816 elements, and with the product that
     * followed it was a third of the step's Java samples; the fused op is one branch-free pass
     * (bench/README.md, 2026-11-23).
     */
    static final Node.Backward RELU = (g, out, in) -> new Tensor[] {reluGrad(g, in[0])};

    /** g where x > 0, else +0 (x is the ReLU's input). Linear in g, so its own rule is itself with the same x; x gets nothing. */
    static Tensor reluGrad(Tensor g, Tensor x) {
        return Tensor.record("reluGrad", g.value().wherePositive(x.value()), RELU_GRAD, g, x);
    }

    private static final Node.Backward RELU_GRAD = (g, out, in) -> new Tensor[] {reluGrad(g, in[1]), null};

    /** A choice by a constant condition: the gradient goes to the side that was chosen. */
    static Node.Backward where(NDArray cond) {
        return (g, out, in) -> {
            Tensor zero = constant(NDArray.zeros(g.dtype()));
            return new Tensor[] {Tensor.where(cond, g, zero).sumTo(in[0].shape()), Tensor.where(cond, zero, g).sumTo(in[1].shape())};
        };
    }

    /** A conversion between float dtypes: the gradient converts back. */
    static final Node.Backward TO = (g, out, in) -> new Tensor[] {g.to(in[0].dtype())};
}
