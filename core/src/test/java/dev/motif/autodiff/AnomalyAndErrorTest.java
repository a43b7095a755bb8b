package dev.motif.autodiff;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Anomaly detection names the op that produced a non-finite value; shape errors name the op and the shapes. */
class AnomalyAndErrorTest {

    private static void assertMentions(Throwable e, String... parts) {
        assertNotNull(e.getMessage());
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message should mention '" + p + "': " + e.getMessage());
    }

    @Test
    void logOfANegativeValueNamesLogAndTheInputShape() {
        Tensor x = Tensor.variable(NDArray.of(new double[] {1, 2, -3, 4, 5, 6}, 2, 3));
        AnomalyException e = assertThrows(AnomalyException.class, () -> Autodiff.detectAnomaly(() -> x.log().sum()));
        assertMentions(e, "log", "[2, 3]", "NaN", "flat index 2");
        assertTrue(e.getMessage().startsWith("log"), e.getMessage());
    }

    @Test
    void withoutDetectionANaNJustFlows() {
        Tensor x = Tensor.variable(NDArray.vector(-1));
        assertTrue(Double.isNaN(x.log().sum().item()));
    }

    @Test
    void detectionIsOffAgainAfterTheBody() {
        Tensor x = Tensor.variable(NDArray.vector(-1));
        assertThrows(AnomalyException.class, () -> Autodiff.detectAnomaly(() -> x.log()));
        assertTrue(Double.isNaN(x.log().item()));
    }

    @Test
    void detectionAlsoWorksUnderNoGrad() {
        Tensor x = Tensor.constant(NDArray.vector(0));
        AnomalyException e = assertThrows(AnomalyException.class,
                () -> Autodiff.detectAnomaly(() -> Autodiff.noGrad(() -> x.log())));
        assertMentions(e, "log", "-Infinity");
    }

    @Test
    void aBackwardProducingInfinityNamesTheBackwardOp() {
        // sqrt(0) = 0 is fine forward; its derivative 1/(2√x) is infinite at 0
        Tensor x = Tensor.variable(NDArray.vector(4, 0, 1));
        Tensor y = Autodiff.detectAnomaly(() -> x.sqrt().sum());
        AnomalyException e = assertThrows(AnomalyException.class, () -> Autodiff.detectAnomaly(y::backward));
        assertMentions(e, "backward of sqrt", "[3]");
        AnomalyException e2 = assertThrows(AnomalyException.class, () -> Autodiff.detectAnomaly(() -> Autodiff.grad(y, x, true)));
        assertMentions(e2, "backward of sqrt", "[3]");
    }

    @Test
    void anInputThatWasAlreadyNonFiniteIsSaidSo() {
        Tensor x = Tensor.variable(NDArray.vector(Double.POSITIVE_INFINITY, 1));
        AnomalyException e = assertThrows(AnomalyException.class, () -> Autodiff.detectAnomaly(() -> x.mul(2.0)));
        assertMentions(e, "mul", "already non-finite");
    }

    @Test
    void finiteComputationsPassUnderDetection() {
        Tensor x = Tensor.variable(NDArray.vector(0.5, 2));
        double v = Autodiff.detectAnomaly(() -> {
            Tensor y = x.log().exp().sqrt().sum();
            y.backward();
            return y.item();
        });
        assertEquals(Math.sqrt(0.5) + Math.sqrt(2), v, 1e-12);
    }

    // ------------------------------------------------------------------ shape errors

    @Test
    void addOfIncompatibleShapesNamesAddAndBothShapes() {
        Tensor a = Tensor.variable(NDArray.zeros(DType.F64, 2, 3)), b = Tensor.variable(NDArray.zeros(DType.F64, 4, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertMentions(e, "add", "[2, 3]", "[4, 5]");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> a.mul(b)), "mul", "[2, 3]", "[4, 5]");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> a.div(b)), "div", "[2, 3]", "[4, 5]");
    }

    @Test
    void matmulMismatchNamesBothShapes() {
        Tensor a = Tensor.variable(NDArray.zeros(DType.F64, 2, 3)), b = Tensor.variable(NDArray.zeros(DType.F64, 4, 5));
        assertMentions(assertThrows(IllegalArgumentException.class, () -> a.matmul(b)), "matmul", "[2, 3]", "[4, 5]");
        // a 1-D operand is reported as given, not as its promoted matrix
        Tensor v = Tensor.variable(NDArray.zeros(DType.F64, 3));
        assertMentions(assertThrows(IllegalArgumentException.class, () -> v.matmul(b)), "matmul", "[3]", "[4, 5]");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> b.matmul(v)), "matmul", "[4, 5]", "[3]");
        Tensor s = Tensor.variable(NDArray.scalar(1));
        assertMentions(assertThrows(IllegalArgumentException.class, () -> s.matmul(v)), "matmul", "[]", "[3]");
        // batch axes that do not broadcast
        Tensor p = Tensor.variable(NDArray.zeros(DType.F64, 2, 3, 4)), q = Tensor.variable(NDArray.zeros(DType.F64, 5, 4, 2));
        assertMentions(assertThrows(IllegalArgumentException.class, () -> p.matmul(q)), "matmul");
    }

    @Test
    void mixedDtypesPromoteInElementwiseOpsAndAreAnErrorInMatmul() {
        Tensor a = Tensor.variable(NDArray.zeros(DType.F64, 2)), b = Tensor.variable(NDArray.zeros(DType.F32, 2));
        assertEquals(DType.F64, a.add(b).dtype());
        assertEquals(DType.F64, b.pow(a).dtype());
        assertMentions(assertThrows(IllegalArgumentException.class, () -> a.matmul(b)), "matmul", "F64", "F32");
    }

    @Test
    void otherShapeErrorsNameTheOp() {
        Tensor x = Tensor.variable(NDArray.zeros(DType.F64, 2, 3));
        assertMentions(assertThrows(IllegalArgumentException.class, () -> x.sum(new int[] {2}, false)), "sum", "axis 2");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> x.reshape(4, 2)), "reshape", "[2, 3]");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> x.slice(1, 0, 5, 1)), "slice", "[2, 3]");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> x.slice(1, 0, 3, 0)), "slice");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> x.broadcastTo(4, 3)), "broadcastTo", "[2, 3]");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> x.sumTo(3, 3)), "sumTo", "[2, 3]");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> Tensor.stack(0, x, Tensor.variable(NDArray.zeros(DType.F64, 3, 2)))),
                "stack", "[2, 3]", "[3, 2]");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> Tensor.concat(0, x, Tensor.variable(NDArray.zeros(DType.F64, 2, 2)))),
                "concat", "[2, 3]", "[2, 2]");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> Tensor.variable(NDArray.vector(1)).mT()), "mT", "[1]");
        assertThrows(IndexOutOfBoundsException.class, () -> x.indexSelect(0, new int[] {2}));
        assertFalse(x.hasGraph());
    }
}
