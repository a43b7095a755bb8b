package dev.motif.autodiff;

import dev.motif.array.NDArray;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checkers themselves catch wrong backward rules (a checker that never fails proves nothing). */
class GradCheckSelfTest {

    /** sin with a backward rule that is right to first order but has the wrong second derivative (cos x ≈ 1 - x²/2 near 0 only). */
    private static Tensor sinWithTruncatedCos(Tensor a) {
        return Tensor.record("badSin", a.value().sin(), (g, out, in) -> new Tensor[] {g.mul(a.mul(a).mul(-0.5).add(1.0))}, a);
    }

    /** sin whose gradient is sent to the wrong elements (reversed). */
    private static Tensor sinWithShuffledGradient(Tensor a) {
        int n = a.size();
        int[] rev = new int[n];
        for (int i = 0; i < n; i++) rev[i] = n - 1 - i;
        return Tensor.record("shuffledSin", a.value().sin(), (g, out, in) -> new Tensor[] {g.mul(a.cos()).indexSelect(0, rev)}, a);
    }

    /** exp whose backward rule is correct numerically but not differentiable (returns a constant). */
    private static Tensor expWithDetachedGradient(Tensor a) {
        return Tensor.record("flatExp", a.value().exp(), (g, out, in) -> new Tensor[] {g.mul(Tensor.constant(a.value().exp()))}, a);
    }

    @Test
    void firstOrderCheckCatchesAWrongRule() {
        NDArray x = GradCheck.uniform(new Random(1), 0.5, 1.5, 4);
        AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.check("bad", xs -> sinWithTruncatedCos(xs.get(0)), x));
        assertTrue(e.getMessage().contains("bad"), e.getMessage());
        assertThrows(AssertionError.class, () -> GradCheck.check("shuffled", xs -> sinWithShuffledGradient(xs.get(0)), x));
    }

    @Test
    void secondOrderCheckCatchesAGradientWithoutItsOwnGraph() {
        NDArray x = GradCheck.uniform(new Random(2), -1, 1, 3);
        // first order is right...
        GradCheck.check("flatExp", xs -> expWithDetachedGradient(xs.get(0)), x);
        // ...but the Hessian is not zero
        assertThrows(AssertionError.class, () -> GradCheck.checkHvp("flatExp", xs -> expWithDetachedGradient(xs.get(0)), 3, x));
        GradCheck.checkHvp("exp", xs -> xs.get(0).exp(), 3, x);
    }
}
