package dev.motif.autodiff;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.nn.Parameter;
import dev.motif.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A value changed in place after a recorded op used it is refused in backward, named, instead of
 * silently giving the gradient at the new value.
 */
class InPlaceModificationTest {

    private static void assertMentions(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
    }

    @Test
    void aParameterSetAfterRecordingIsNamedInBackward() {
        Parameter w = new Parameter("w", NDArray.vector(1, 2));
        Tensor y = w.mul(w).sum(); // dy/dw = 2w = [2, 4] at the recorded value
        w.set(NDArray.vector(-0.5, 0.5)); // an optimizer step; backward used to give 2·[-0.5, 0.5] = [-1, 1]
        ModifiedInPlaceException e = assertThrows(ModifiedInPlaceException.class, y::backward);
        assertMentions(e, "backward of mul", "Parameter(w, F64 [2])", "modified in place", "version 1", "version 0");
        assertEquals(null, w.grad());
    }

    @Test
    void anOptimizerStepBetweenForwardAndBackwardIsRefused() {
        Parameter w = new Parameter("layer.weight", NDArray.vector(1, 2));
        Tensor x = Tensor.constant(NDArray.vector(3, 4));
        SGD opt = SGD.builder(List.of(w)).lr(0.1).build();
        w.mul(x).sum().backward();
        Tensor later = w.mul(x).sum();
        opt.step(); // writes w's storage in place
        assertMentions(assertThrows(IllegalStateException.class, later::backward), "layer.weight", "[2]", "mul");
        // recorded after the step, the same computation goes through, with the new value
        w.zeroGrad();
        w.mul(w).sum().backward();
        assertArrayEquals(new double[] {2 * (1 - 0.3), 2 * (2 - 0.4)}, w.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void backwardBeforeTheChangeGivesTheRecordedGradient() {
        Parameter w = new Parameter("w", NDArray.vector(1, 2));
        w.mul(w).sum().backward();
        w.set(NDArray.vector(-0.5, 0.5));
        assertArrayEquals(new double[] {2, 4}, w.grad().toDoubleArray(), 0);
    }

    @Test
    void aBufferAssignedInPlaceIsCaughtThroughAGradientOfAnotherInput() {
        // The buffer is a constant, but mul's gradient in x is the buffer's value.
        NDArray buffer = NDArray.vector(5, 7);
        Tensor x = Tensor.variable(NDArray.vector(1, 1));
        Tensor y = x.mul(Tensor.constant(buffer.reshape(1, 2))).sum(); // through a view, which shares the count
        buffer.assign(NDArray.vector(0, 0));
        assertMentions(assertThrows(ModifiedInPlaceException.class, () -> Autodiff.grad(y, x, false)),
                "input 1", "a constant, F64 [1, 2]", "mul");
    }

    @Test
    void versionsCountEveryChangeOnce() {
        Tensor t = Tensor.variable(NDArray.vector(1));
        assertEquals(0, t.version());
        t.value().bumpVersion();
        assertEquals(1, t.version());
        NDArray fresh = NDArray.vector(2);
        t.replaceValue(fresh);
        assertEquals(2, t.version());
        // a replacement by an array that has itself been changed many times still counts one
        NDArray busy = NDArray.zeros(DType.F64, 1);
        for (int i = 0; i < 5; i++) busy.assign(NDArray.vector(i));
        t.replaceValue(busy);
        assertEquals(3, t.version());
        busy.reshape(1, 1).bumpVersion();
        assertEquals(4, t.version());
        fresh.setFlat(0, 9); // kernel-style writes are not counted
        assertEquals(0, fresh.version());
    }

    @Test
    void aGraphRecordedUnderTheSameValueStillWorksAfterOtherTensorsChange() {
        Tensor a = Tensor.variable(NDArray.vector(2)), b = Tensor.variable(NDArray.vector(3));
        Tensor y = a.mul(a).sum();
        b.replaceValue(NDArray.vector(4)); // not used by y
        assertEquals(4, Autodiff.grad(y, a, false).item());
    }
}
