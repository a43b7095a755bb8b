package dev.motif.optim;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
import dev.motif.nn.Linear;
import dev.motif.nn.Block;
import dev.motif.nn.Parameter;
import dev.motif.nn.ParameterUse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.motif.optim.OptimTesting.TOL;
import static dev.motif.optim.OptimTesting.assertValues;
import static dev.motif.optim.OptimTesting.grad;
import static dev.motif.optim.OptimTesting.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A shared parameter is one parameter: listed once, stepped once, with the sum of its uses' gradients. */
class SharingTest {
    /** One parameter registered under two names, as a tied embedding is. */
    static final class Tied extends Block {
        final Parameter w;

        Tied(Parameter w) {
            this.w = param("first", w);
            param("second", w);
        }

        /** loss = Σ w·x1 + Σ w·x2: the first site sees x1, the second x2. */
        Tensor loss(NDArray x1, NDArray x2) {
            Tensor a = param("first").mul(Tensor.constant(x1)).sum();
            Tensor b = param("second").mul(Tensor.constant(x2)).sum();
            return a.add(b);
        }
    }

    private static final NDArray X1 = NDArray.vector(1, 2, -1), X2 = NDArray.vector(0.5, -3, 4);

    @Test
    void aTiedParameterIsListedOnceAndSteppedOnceWithTheSumOfItsGradients() {
        Tied m = new Tied(param("w", 1, 1, 1));
        assertEquals(1, m.parameters().size());
        assertEquals(2, m.parameterUses().size());

        SGD opt = SGD.builder(m.parameters()).lr(0.1).build();
        m.loss(X1, X2).backward();
        // ∂loss/∂w = x1 + x2 = [1.5, -1, 3]: backward summed the two sites
        assertEquals(0, m.w.grad().maxAbsDiff(NDArray.vector(1.5, -1, 3)), TOL);
        opt.step();
        // one step of 0.1 times the summed gradient, not two
        assertValues(m.w, TOL, 1 - 0.15, 1 + 0.1, 1 - 0.3);
    }

    @Test
    void theTieSurvivesAHundredSteps() {
        Parameter w = param("w", 1, 1, 1);
        Tied m = new Tied(w);
        Adam opt = Adam.builder(m.parameters()).lr(0.01).build();
        for (int s = 0; s < 100; s++) {
            opt.zeroGrad();
            m.loss(X1, X2).backward();
            opt.step();
        }
        List<ParameterUse> uses = m.parameterUses();
        assertEquals(2, uses.size());
        assertSame(w, uses.get(0).parameter());
        assertSame(w, uses.get(1).parameter());
        assertEquals(1, m.parameters().size());
        assertEquals(100, opt.stepCount(w), "stepped once per step, not once per use");
        // the gradient sign never changes, so Adam moves each element by ~lr per step
        assertValues(w, 1e-6, 1 - 1.0, 1 + 1.0, 1 - 1.0);
    }

    @Test
    void aParameterListedTwiceIsSteppedOnce() {
        Parameter w = param("w", 1, -1);
        Parameter other = param("other", 5);
        SGD opt = SGD.builder(List.of(w, other, w)).lr(0.1).momentum(0.9).build();
        assertEquals(2, opt.parameters().size());
        assertSame(w, opt.parameters().get(0));
        assertSame(other, opt.parameters().get(1));
        grad(w, 1, 2);
        opt.step();
        assertValues(w, TOL, 0.9, -1.2);
        grad(w, 1, 2);
        opt.step();
        // one buffer: b2 = 0.9·g + g = 1.9·g
        assertValues(w, TOL, 0.9 - 0.19, -1.2 - 0.38);

        Adam adam = Adam.builder(List.of(w, w, w)).build();
        adam.step();
        assertEquals(1, adam.stepCount(w));
    }

    @Test
    void twoLinearLayersTiedByOneParameterAreSteppedOnce() {
        SplittableRandom rng = new SplittableRandom(7);
        Linear a = new Linear(3, 2, false, DType.F64, rng), b = new Linear(3, 2, false, DType.F64, rng);
        b.tie("weight", a.weight());   // tie b's weight to a's: one Parameter, two layers
        Parameter w = a.weight();
        NDArray w0 = w.value().copy();

        // the usual way to build an optimizer over several modules: concatenate their parameters
        List<Parameter> all = new ArrayList<>(a.parameters());
        all.addAll(b.parameters());
        assertEquals(2, all.size());
        SGD opt = SGD.builder(all).lr(0.1).build();
        assertEquals(1, opt.parameters().size());

        NDArray x1 = NDArray.of(new double[] {1, 2, 3, -1, 0, 1}, 2, 3);
        NDArray x2 = NDArray.of(new double[] {0.5, 0.5, -2}, 1, 3);
        Tensor loss = a.forward(Tensor.constant(x1)).sum().add(b.forward(Tensor.constant(x2)).sum());
        loss.backward();
        opt.step();

        // ∂Σ(x·Wᵀ)/∂W[o][i] = Σ_n x[n][i] for every row o: column sums of x1 plus those of x2
        double[] colSum = {1 - 1 + 0.5, 2 + 0 + 0.5, 3 + 1 - 2};
        for (int o = 0; o < 2; o++) {
            for (int i = 0; i < 3; i++) {
                assertEquals(w0.get(o, i) - 0.1 * colSum[i], w.value().get(o, i), TOL, "W[" + o + "][" + i + "]");
            }
        }
        assertSame(a.weight(), b.weight());
    }

    @Test
    void untiedCopiesDivergeWhereTheTiedParameterDoesNot() {
        // the contrast that makes the tied test meaningful: two separate parameters with the same
        // start each get only their own site's gradient
        Parameter p = param("p", 1, 1, 1), q = param("q", 1, 1, 1);
        Tensor loss = p.mul(Tensor.constant(X1)).sum().add(q.mul(Tensor.constant(X2)).sum());
        loss.backward();
        SGD.builder(List.of(p, q)).lr(0.1).build().step();
        assertValues(p, TOL, 0.9, 0.8, 1.1);
        assertValues(q, TOL, 0.95, 1.3, 0.6);
        assertNotEquals(0, p.value().maxAbsDiff(q.value()));
    }
}
