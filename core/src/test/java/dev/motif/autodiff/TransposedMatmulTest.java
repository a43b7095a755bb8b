package dev.motif.autodiff;

import dev.motif.array.NDArray;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.motif.autodiff.GradCheck.check;
import static dev.motif.autodiff.GradCheck.checkHvp;
import static dev.motif.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** matmul with operands read transposed: the same values as with mT(), and gradients to second order in all four cases. */
class TransposedMatmulTest {

    @Test
    void allFourCasesWithBroadcastBatchesMatchFiniteDifferences() {
        Random r = new Random(1);
        for (int c = 0; c < 4; c++) {
            boolean ta = (c & 1) != 0, tb = (c & 2) != 0;
            // op(A) is 3x4 and op(B) is 4x2; A has batch (2, 1), B has batch (3)
            NDArray a = uniform(r, -1, 1, ta ? new int[] {2, 1, 4, 3} : new int[] {2, 1, 3, 4});
            NDArray b = uniform(r, -1, 1, tb ? new int[] {3, 2, 4} : new int[] {3, 4, 2});
            Tensor ya = Tensor.constant(a).matmul(Tensor.constant(b), ta, tb);
            Tensor yb = (ta ? Tensor.constant(a).mT() : Tensor.constant(a)).matmul(tb ? Tensor.constant(b).mT() : Tensor.constant(b));
            assertArrayEquals(new int[] {2, 3, 3, 2}, ya.shape());
            assertArrayEquals(yb.value().toDoubleArray(), ya.value().toDoubleArray(), 1e-14);
            String label = "matmul ta=" + ta + " tb=" + tb;
            GradCheck.Fn f = xs -> xs.get(0).matmul(xs.get(1), ta, tb);
            check(label, f, a, b);
            checkHvp(label, xs -> xs.get(0).matmul(xs.get(1), ta, tb).tanh(), 3 + c, a, b);
        }
    }

    @Test
    void shapeErrorsSayWhichOperandWasTransposed() {
        Tensor a = Tensor.constant(NDArray.zeros(dev.motif.array.DType.F64, 3, 4));
        String m = assertThrows(IllegalArgumentException.class, () -> a.matmul(a, false, false)).getMessage();
        assertTrue(m.contains("[3, 4] and [3, 4]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> a.matmul(Tensor.constant(NDArray.zeros(dev.motif.array.DType.F64, 4, 3)), true, false)).getMessage();
        assertTrue(m.contains("(transposed)"), m);
        m = assertThrows(IllegalArgumentException.class, () -> a.matmul(Tensor.constant(NDArray.vector(1, 2, 3, 4)), false, true)).getMessage();
        assertTrue(m.contains("rank >= 2"), m);
    }
}
