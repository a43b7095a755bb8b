package dev.motif.array;

import dev.motif.autodiff.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** I32 arrays: indices and labels through the shape, layout and index kernels; arithmetic refuses them in one line. */
class IntArrayTest {

    /** 0..5 as I32 (2, 3). */
    private static NDArray m23() {
        return NDArray.ofInts(new int[] {0, 1, 2, 3, 4, 5}, 2, 3);
    }

    private static void assertRefused(String op, Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertEquals(op + ": I32 holds indices; convert with to(F64)", x.getMessage());
    }

    @Test
    void storageAndAccessors() {
        NDArray a = m23();
        assertEquals(DType.I32, a.dtype());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, a.i32());
        assertEquals(5, a.get(1, 2));
        assertTrue(a.allFinite());
        assertEquals("NDArray(I32, [2, 3], [[0, 1, 2], [3, 4, 5]])", a.toString());
        assertTrue(a.contentEquals(a.copy()) && a.copy().i32() != a.i32());
        assertFalse(a.contentEquals(a.toF64()));
        assertEquals("i32(): array is F64; convert with to(I32) first", assertThrows(IllegalStateException.class, () -> NDArray.vector(1).i32()).getMessage());
        assertTrue(assertThrows(IllegalStateException.class, a::f64).getMessage().contains("array is I32"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NDArray.ofInts(new int[3], 2, 2)).getMessage().contains("3 values"));
        NDArray z = NDArray.zeros(DType.I32, 2);
        z.setFlat(1, 7);
        assertArrayEquals(new int[] {0, 7}, z.i32());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> z.setFlat(0, 1.5)).getMessage().contains("flat index 0"));
        assertArrayEquals(new int[] {4, 4}, NDArray.full(DType.I32, 4, 2).i32());
        assertArrayEquals(new int[] {0, 1, 2}, NDArray.arange(DType.I32, 3).i32());
    }

    @Test
    void conversionsCheckThatValuesAreWholeAndInRange() {
        NDArray a = m23();
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, a.toF64().f64(), 0);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, a.toF32().f32(), 0);
        assertTrue(a.toF64().to(DType.I32).contentEquals(a));
        assertTrue(a.toF32().to(DType.I32).contentEquals(a));
        String m = assertThrows(IllegalArgumentException.class, () -> NDArray.vector(1, 2.5).to(DType.I32)).getMessage();
        assertTrue(m.contains("to(I32)") && m.contains("2.5") && m.contains("flat index 1"), m);
        m = assertThrows(IllegalArgumentException.class, () -> NDArray.vector(3e9).to(DType.I32)).getMessage();
        assertTrue(m.contains("3.0E9") && m.contains("range"), m);
        assertThrows(IllegalArgumentException.class, () -> NDArray.vector(Double.NaN).to(DType.I32));
        NDArray into = NDArray.zeros(DType.I32, 2);
        into.assign(NDArray.vector(8, -2));
        assertArrayEquals(new int[] {8, -2}, into.i32());
    }

    @Test
    void shapeLayoutAndIndexKernels() {
        NDArray a = m23();
        assertArrayEquals(new int[] {0, 3, 1, 4, 2, 5}, a.permute(1, 0).i32());
        assertArrayEquals(new int[] {0, 3, 1, 4, 2, 5}, a.mT().i32());
        assertArrayEquals(new int[] {3, 2}, a.reshape(3, 2).shape());
        assertArrayEquals(new int[] {1, 2, 4, 5}, a.slice(1, 1, 3).i32());
        assertArrayEquals(new int[] {2, 0, 2, 5, 3, 5}, a.indexSelect(1, new int[] {2, 0, 2}).i32());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5}, NDArray.concat(0, a, a).i32());
        assertArrayEquals(new int[] {2, 2, 3}, NDArray.stack(0, a, a).shape());
        assertArrayEquals(new int[] {9, 0, 1, 2, 9, 3, 4, 5}, a.pad(new int[][] {{1, 0}}, 9).i32());
        assertArrayEquals(new int[] {3, 4, 5, 3, 4, 5}, a.select(0, 1).unsqueeze(0).broadcastTo(2, 3).i32());
        assertArrayEquals(new int[] {2, 3}, a.unsqueeze(0).squeeze(0).shape());
        NDArray where = NDArray.where(a.gt(NDArray.ofInts(new int[] {2}, 1)), a, NDArray.ofInts(new int[] {-1}, 1));
        assertEquals(DType.I32, where.dtype());
        assertArrayEquals(new int[] {-1, -1, -1, 3, 4, 5}, where.i32());
        // a large transpose goes through the tiled copy
        SplittableRandom r = new SplittableRandom(3);
        int[] big = new int[64 * 96];
        for (int i = 0; i < big.length; i++) big[i] = r.nextInt();
        NDArray b = NDArray.ofInts(big, 64, 96), t = b.permute(1, 0);
        for (int i = 0; i < 64; i++) for (int j = 0; j < 96; j++) assertEquals(big[i * 96 + j], t.i32()[j * 64 + i]);
    }

    @Test
    void comparisonsGiveZeroOrOneInI32() {
        NDArray a = m23(), b = NDArray.ofInts(new int[] {1, 1, 1}, 3);
        assertArrayEquals(new int[] {0, 1, 0, 0, 0, 0}, a.eq(b).i32());
        assertArrayEquals(new int[] {1, 0, 0, 0, 0, 0}, a.lt(b).i32());
        assertArrayEquals(new int[] {0, 0, 1, 1, 1, 1}, a.gt(b).i32());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1}, a.eq(5).i32());
        assertEquals(DType.I32, a.ne(b).dtype());
    }

    @Test
    void arithmeticAndReductionsRefuseInOneLine() {
        NDArray a = m23();
        assertRefused("add", () -> a.add(a));
        assertRefused("mul", () -> a.mul(2));
        assertRefused("exp", a::exp);
        assertRefused("sum", a::sum);
        assertRefused("max", () -> a.max(null, false));
        assertRefused("mean", () -> a.mean(null, false));
        assertRefused("matmul", () -> a.matmul(a.mT()));
        assertRefused("sumTo", () -> a.sumTo(3));
        assertRefused("scatterAdd", () -> a.scatterAdd(0, new int[] {0, 0}, 1));
        assertRefused("clamp", () -> a.clamp(0, 1));
        assertRefused("conv2d", () -> Convolution.conv2d(a.reshape(1, 1, 2, 3), a.reshape(1, 1, 2, 3), 1, 1, 0, 0, 1, 1, 1));
        assertRefused("maxPool2d", () -> Pooling.maxPool2d(a.reshape(1, 1, 2, 3), 2, 2, 2, 2, 0, 0));
        assertRefused("im2col2d", () -> Windows.im2col2d(a.reshape(1, 1, 2, 3), 1, 1, 1, 1, 0, 0, 1, 1));
        assertRefused("eq", () -> a.eq(a.toF64()));
    }

    @Test
    void aTensorHoldsIndicesButNeverTakesAGradient() {
        Tensor labels = Tensor.constant(NDArray.ofInts(new int[] {2, 0, 1}, 3));
        assertEquals(DType.I32, labels.dtype());
        assertArrayEquals(new int[] {2, 2}, labels.slice(0, 0, 2, 1).unsqueeze(0).broadcastTo(2, 2).shape());
        assertArrayEquals(new int[] {0, 0}, Tensor.concat(0, labels, labels).reshape(2, 3).select(1, 1).value().i32());
        String m = assertThrows(IllegalArgumentException.class, () -> Tensor.variable(NDArray.ofInts(new int[] {1}, 1))).getMessage();
        assertTrue(m.contains("I32") && m.contains("takes no gradient"), m);
        Tensor x = Tensor.variable(NDArray.vector(1, 2));
        Tensor idx = x.mul(2.0).to(DType.I32);
        assertFalse(idx.requiresGrad() || idx.hasGraph(), "an index is a constant");
        assertArrayEquals(new int[] {2, 4}, idx.value().i32());
        assertEquals(DType.F64, labels.to(DType.F64).dtype());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> labels.add(labels)).getMessage().startsWith("add: I32 holds indices"));
    }
}
