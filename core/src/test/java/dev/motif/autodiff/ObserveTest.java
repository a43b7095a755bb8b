package dev.motif.autodiff;

import dev.motif.array.NDArray;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Autodiff.observe sees every op computed in its body, recorded or not, and nothing after. */
class ObserveTest {
    @Test
    void seesEachOpWithItsInputsAndOutput() {
        Tensor x = Tensor.variable(NDArray.vector(1, 2, 3));
        Tensor c = Tensor.constant(NDArray.vector(4, 5, 6));
        List<String> ops = new ArrayList<>();
        List<Tensor[]> inputs = new ArrayList<>();
        Tensor y = Autodiff.observe((op, in, out) -> {
            ops.add(op);
            inputs.add(in);
        }, () -> x.mul(c).sum());
        assertEquals(List.of("mul", "sum"), ops);
        assertSame(x, inputs.get(0)[0]);
        assertSame(c, inputs.get(0)[1]);
        assertEquals(32, y.item());
        x.mul(c);   // outside: unseen
        assertEquals(2, ops.size());
    }

    @Test
    void seesOpsUnderNoGradAndNestedObserversBoth() {
        Tensor x = Tensor.variable(NDArray.vector(1, 2));
        List<String> outer = new ArrayList<>(), inner = new ArrayList<>();
        Autodiff.observe((op, in, out) -> outer.add(op), () -> {
            x.exp();
            return Autodiff.observe((op, in, out) -> inner.add(op), () -> Autodiff.noGrad(() -> x.neg()));
        });
        assertEquals(List.of("exp", "neg"), outer);
        assertEquals(List.of("neg"), inner);
    }
}
