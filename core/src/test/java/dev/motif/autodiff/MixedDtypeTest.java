package dev.motif.autodiff;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.BinaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** F32 with F64: elementwise ops promote to F64 and gradients come back in each input's dtype; matmul and conv refuse. */
class MixedDtypeTest {

    private static final NDArray A = NDArray.of(new double[] {0.1, 0.7, 1.3}, 3, 1), B = NDArray.of(new double[] {0.3, -0.2, 0.9, 1.1}, 4);

    private static void assertMentions(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
    }

    /** The op on F32 a and F64 b against the same op on a's F32 values widened to F64: values and gradients. */
    private static void checkPromotes(String label, BinaryOperator<Tensor> op) {
        Tensor a32 = Tensor.variable(A.toF32()), b = Tensor.variable(B);
        Tensor a64 = Tensor.variable(A.toF32().toF64()), b64 = Tensor.variable(B);
        Tensor mixed = op.apply(a32, b), wide = op.apply(a64, b64);
        assertEquals(DType.F64, mixed.dtype(), label);
        assertTrue(mixed.value().contentEquals(wide.value()), label + ": the same values as in F64");
        NDArray w = GradCheck.weights(mixed.shape(), 3);
        List<Tensor> g = Autodiff.grad(mixed.mul(Tensor.constant(w)).sum(), List.of(a32, b), true);
        List<Tensor> g64 = Autodiff.grad(wide.mul(Tensor.constant(w)).sum(), List.of(a64, b64), true);
        assertEquals(DType.F32, g.get(0).dtype(), label + ": the F32 input's gradient is F32");
        assertEquals(DType.F64, g.get(1).dtype(), label);
        assertTrue(g.get(0).value().contentEquals(g64.get(0).value().toF32()), label + ": the F64 gradient rounded once");
        assertTrue(g.get(1).value().contentEquals(g64.get(1).value()), label);
        // second order goes through the conversions too
        NDArray h = Autodiff.grad(List.of(g.get(0).sum().add(g.get(1).sum())), null, List.of(a32, b), false, true).get(1).value();
        NDArray h64 = Autodiff.grad(List.of(g64.get(0).sum().add(g64.get(1).sum())), null, List.of(a64, b64), false, true).get(1).value();
        assertEquals(0, h.maxAbsDiff(h64), 1e-6, label + ": Hessian-vector product");
    }

    @Test
    void elementwiseOpsPromoteToF64() {
        checkPromotes("add", Tensor::add);
        checkPromotes("sub", Tensor::sub);
        checkPromotes("mul", Tensor::mul);
        checkPromotes("div", Tensor::div);
        checkPromotes("pow", Tensor::pow);
        checkPromotes("maximum", Tensor::maximum);
        checkPromotes("minimum", (x, y) -> x.minimum(y).square());
        checkPromotes("where", (x, y) -> Tensor.where(x.value().gt(0.5), x, y).sin());
        checkPromotes("concat", (x, y) -> Tensor.concat(0, x.reshape(-1), y).exp());
        checkPromotes("stack", (x, y) -> Tensor.stack(0, x.reshape(-1), y.slice(0, 0, 3, 1)).exp());
    }

    @Test
    void arraysPromoteToo() {
        NDArray a = NDArray.of(new float[] {1, 2}, 2), b = NDArray.vector(0.5, 0.25);
        assertEquals(DType.F64, a.add(b).dtype());
        assertArrayEquals(new double[] {1.5, 2.25}, a.add(b).f64(), 0);
        assertArrayEquals(new double[] {0, 1}, b.lt(a.sub(b.toF32().toF64()).toF32()).toDoubleArray(), 0);
        assertEquals(DType.F64, NDArray.where(NDArray.vector(1, 0), a, b).dtype());
        assertEquals(DType.F64, NDArray.concat(0, a, b).dtype());
        assertEquals(DType.F64, DType.promote(DType.F32, DType.F64));
        assertEquals(DType.F32, DType.promote(DType.F32, DType.F32));
        assertEquals(null, DType.promote(DType.I32, DType.F64));
        assertMentions(assertThrows(IllegalArgumentException.class, () -> NDArray.concat(0, NDArray.ofInts(new int[] {1}, 1), b)), "concat", "I32", "to()");
    }

    @Test
    void opsThatPyTorchRefusesForMixedDtypesRefuseNamingBoth() {
        Tensor x32 = Tensor.variable(NDArray.zeros(DType.F32, 1, 2, 4, 4)), w64 = Tensor.variable(NDArray.zeros(DType.F64, 3, 2, 3, 3));
        assertMentions(assertThrows(IllegalArgumentException.class, () -> x32.conv2d(w64, 1, 1, 1, 1, 1, 1, 1)), "conv2d", "F32", "F64", "to()");
        Tensor m32 = Tensor.variable(NDArray.zeros(DType.F32, 2, 3)), m64 = Tensor.variable(NDArray.zeros(DType.F64, 3, 2));
        assertMentions(assertThrows(IllegalArgumentException.class, () -> m32.matmul(m64)), "matmul", "F32", "F64", "to()");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> m32.value().matmul(m64.value())), "matmul", "F32", "F64", "to()");
        Tensor index = Tensor.constant(NDArray.ofInts(new int[] {0, 1}, 1, 2));
        assertMentions(assertThrows(IllegalArgumentException.class, () -> m32.scatterAdd(0, index, m64.reshape(2, 3))), "scatterAdd", "F32", "F64", "to()");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> Tensor.constant(index.value()).add(m64)), "add", "I32");
    }
}
