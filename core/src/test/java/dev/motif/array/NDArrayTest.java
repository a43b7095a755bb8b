package dev.motif.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** NDArray on hand-computed examples, edge cases and error messages. */
class NDArrayTest {

    static int[] dropAxis(int[] s, int axis) {
        int[] out = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) if (i != axis) out[j++] = s[i];
        return out;
    }

    private static NDArray m(int rows, int cols, double... v) {
        return NDArray.of(v, rows, cols);
    }

    private static void assertMessage(Runnable r, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String p : parts) assertTrue(e.getMessage().contains(p), () -> "message '" + e.getMessage() + "' lacks '" + p + "'");
    }

    // ---------------------------------------------------------------- creation, dtype

    @Test
    void creationAndAccess() {
        NDArray x = m(2, 3, 1, 2, 3, 4, 5, 6);
        assertEquals(6, x.size());
        assertEquals(2, x.rank());
        assertEquals(3, x.shape(-1));
        assertEquals(6, x.get(1, 2));
        assertEquals(5, NDArray.scalar(5).item());
        assertEquals(0, NDArray.scalar(DType.F32, 2).rank());
        assertTrue(NDArray.eye(DType.F64, 2).contentEquals(m(2, 2, 1, 0, 0, 1)));
        assertTrue(NDArray.arange(DType.F32, 3).contentEquals(NDArray.of(new float[] {0, 1, 2}, 3)));
        assertTrue(NDArray.full(DType.F64, 2.5, 2).contentEquals(NDArray.vector(2.5, 2.5)));
        assertThrows(IndexOutOfBoundsException.class, () -> x.get(2, 0));
        assertMessage(() -> x.get(1), "rank 1", "[2, 3]");
        assertMessage(() -> NDArray.of(new double[5], 2, 3), "5 values", "[2, 3]");
        assertMessage(x::item, "[2, 3]");
        assertMessage(() -> NDArray.zeros(DType.F64, 2, -1), "negative");
    }

    @Test
    void dtypeConversionRoundTripsAndRounds() {
        NDArray x = NDArray.vector(1.0 / 3, 1e40, -0.0);
        NDArray f = x.toF32();
        assertEquals(DType.F32, f.dtype());
        assertEquals((float) (1.0 / 3), f.f32()[0]);
        assertEquals(Float.POSITIVE_INFINITY, f.f32()[1]);
        assertEquals(Float.floatToIntBits(-0.0f), Float.floatToIntBits(f.f32()[2]));
        NDArray back = f.toF64();
        assertEquals((double) (float) (1.0 / 3), back.get(0));
        assertSame(x, x.toF64());
        assertThrows(IllegalStateException.class, x::f32);
        assertThrows(IllegalStateException.class, f::f64);
        NDArray target = NDArray.zeros(DType.F32, 3);
        target.assign(x);
        assertEquals((float) (1.0 / 3), target.f32()[0]);
        assertMessage(() -> target.assign(NDArray.zeros(DType.F64, 2)), "assign", "[2]", "[3]");
    }

    @Test
    void copyIsDeepAndReshapeIsAView() {
        NDArray x = m(2, 2, 1, 2, 3, 4);
        NDArray c = x.copy(), v = x.reshape(4);
        x.setFlat(0, 9);
        assertEquals(1, c.getFlat(0));
        assertEquals(9, v.getFlat(0));
    }

    // ---------------------------------------------------------------- elementwise

    @Test
    void unaryFunctions() {
        NDArray x = NDArray.vector(-2, -0.5, 0, 0.5, 2);
        for (NDArray.Unary u : NDArray.Unary.values()) {
            NDArray y = x.map(u), yf = x.toF32().map(u);
            for (int i = 0; i < 5; i++) {
                assertEquals(u.apply(x.getFlat(i)), y.getFlat(i), 0.0, u.name());
                assertEquals((float) u.apply((float) x.getFlat(i)), yf.getFlat(i), 0.0, u.name());
            }
        }
        assertEquals(0.5 * (1 + SpecialFunctions.erf(1 / Math.sqrt(2))), NDArray.scalar(1).gelu().item(), 1e-15);
        assertEquals(1 / (1 + Math.exp(-3)), NDArray.scalar(3).sigmoid().item(), 1e-15);
        assertEquals(0, NDArray.scalar(-800).sigmoid().item());
        assertEquals(800, NDArray.scalar(800).softplus().item(), 1e-12);
        assertTrue(Double.isNaN(NDArray.scalar(Double.NaN).relu().item()));
    }

    @Test
    void reluOfANegativeIsPositiveZero() {
        // 0 * x gave -0.0, so 1 / relu(x) was -inf where PyTorch gives +inf.
        for (NDArray x : new NDArray[] {NDArray.vector(-3), NDArray.vector(-3).toF32()}) {
            NDArray r = x.relu();
            assertEquals(Double.POSITIVE_INFINITY, 1 / r.getFlat(0));
            assertEquals(Double.POSITIVE_INFINITY, 1 / x.map(NDArray.Unary.RELU).getFlat(0));
        }
        assertEquals(Double.POSITIVE_INFINITY, 1 / NDArray.Unary.RELU.apply(-3));
    }

    @Test
    void wherePositiveKeepsTheGradientExactlyWhereTheInputIsPositive() {
        double tiny = Double.MIN_VALUE, inf = Double.POSITIVE_INFINITY, nan = Double.NaN;
        NDArray x = NDArray.vector(-2, -0.0, 0.0, tiny, 1.5, inf, -inf, nan, -tiny, Float.MIN_VALUE, -nan);
        NDArray g = NDArray.vector(7, 7, -7, -3, -3, 5, inf, 4, nan, 9, 1);
        // x > 0 only at tiny, 1.5, inf and Float.MIN_VALUE (positions 3, 4, 5, 9); masked positions are +0, even for an infinite or NaN g
        double[] want = {0, 0, 0, -3, -3, 5, 0, 0, 0, 9, 0};
        for (NDArray[] xg : new NDArray[][] {{x, g}, {x.toF32(), g.toF32()}}) {
            NDArray r = xg[1].wherePositive(xg[0]);
            assertEquals(xg[0].dtype(), r.dtype());
            for (int i = 0; i < want.length; i++) {
                // tiny (4.9e-324) rounds to +0 in F32, so position 3 is masked there
                double w = r.dtype() == DType.F32 && i == 3 ? 0 : want[i];
                assertEquals(Double.doubleToRawLongBits(w), Double.doubleToRawLongBits(r.getFlat(i)), r.dtype() + " position " + i + ": " + r.getFlat(i));
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.wherePositive(NDArray.zeros(DType.F64, 3)));
        assertTrue(e.getMessage().contains("wherePositive") && e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void sumOverAxesMatchesHandSums() {
        // (2, 3, 4) with x[i, j, k] = 100 i + 10 j + k
        double[] v = new double[24];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) v[i * 12 + j * 4 + k] = 100 * i + 10 * j + k;
        NDArray x = NDArray.of(v, 2, 3, 4);
        for (NDArray a : new NDArray[] {x, x.toF32()}) {
            // over i: 100 + 20 j + 2 k
            NDArray s0 = a.sum(new int[] {0}, false);
            for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) assertEquals(100 + 20 * j + 2 * k, s0.getFlat(j * 4 + k));
            // over i and k (the pattern of a bias gradient): Σ_i Σ_k = 4·100 + 8·10 j + 2·(0+1+2+3)
            NDArray s02 = a.sum(new int[] {0, 2}, true);
            assertArrayEquals(new int[] {1, 3, 1}, s02.shape());
            for (int j = 0; j < 3; j++) assertEquals(400 + 80 * j + 12, s02.getFlat(j));
            // over j only, inner length 4
            NDArray s1 = a.sum(new int[] {1}, false);
            for (int i = 0; i < 2; i++) for (int k = 0; k < 4; k++) assertEquals(300 * i + 30 + 3 * k, s1.getFlat(i * 4 + k));
            // everything: 12·100 (i = 1) + 8·10·(0+1+2) + 6·(0+1+2+3)
            assertEquals(1200 + 240 + 36, a.sum().item());
        }
    }

    @Test
    void largePermutesThatMoveTheLastAxisMatchTheDefinition() {
        // Big enough for the tiled transpose, with extents that are not multiples of the tile.
        int[] shape = {37, 3, 20, 50};
        int size = 37 * 3 * 20 * 50;
        double[] v = new double[size];
        for (int i = 0; i < size; i++) v[i] = i * 0.5 - 3;
        int[][] perms = {{3, 1, 2, 0}, {2, 1, 0, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}, {2, 0, 3, 1}};
        for (NDArray x : new NDArray[] {NDArray.of(v, shape), NDArray.of(v, shape).toF32()}) {
            int[] st = {3000, 1000, 50, 1};
            for (int[] perm : perms) {
                NDArray y = x.permute(perm);
                int[] os = y.shape();
                int[] idx = new int[4];
                for (int o = 0; o < size; o++) {
                    int src = 0;
                    for (int k = 0; k < 4; k++) src += idx[k] * st[perm[k]];
                    assertEquals(x.getFlat(src), y.getFlat(o), x.dtype() + " " + java.util.Arrays.toString(perm) + " at " + o);
                    for (int k = 3; k >= 0 && ++idx[k] == os[k]; k--) idx[k] = 0;
                }
                assertTrue(y.permute(inverse(perm)).contentEquals(x), java.util.Arrays.toString(perm) + " and back");
            }
        }
    }

    private static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inv[perm[i]] = i;
        return inv;
    }

    @Test
    void broadcastingExamples() {
        NDArray x = m(2, 3, 1, 2, 3, 4, 5, 6);
        assertTrue(x.add(NDArray.vector(10, 20, 30)).contentEquals(m(2, 3, 11, 22, 33, 14, 25, 36)));
        assertTrue(x.sub(m(2, 1, 1, 2)).contentEquals(m(2, 3, 0, 1, 2, 2, 3, 4)));
        assertTrue(NDArray.vector(10, 20, 30).sub(x).contentEquals(m(2, 3, 9, 18, 27, 6, 15, 24)));
        assertTrue(m(2, 1, 1, 2).mul(NDArray.vector(1, 10, 100)).contentEquals(m(2, 3, 1, 10, 100, 2, 20, 200)));
        assertTrue(x.mul(2).contentEquals(m(2, 3, 2, 4, 6, 8, 10, 12)));
        assertTrue(NDArray.scalar(12).div(x).contentEquals(m(2, 3, 12, 6, 4, 3, 2.4, 2)));
        // per-channel (C, 1, 1) against (N, C, H, W): the bias fast path
        NDArray img = NDArray.arange(DType.F32, 16).reshape(2, 2, 2, 2);
        NDArray bias = NDArray.of(new float[] {100, 200}, 2, 1, 1);
        NDArray y = img.add(bias);
        for (int i = 0; i < 16; i++) assertEquals(i + ((i / 4) % 2 == 0 ? 100 : 200), y.getFlat(i));
        NDArray z = bias.sub(img);
        for (int i = 0; i < 16; i++) assertEquals(((i / 4) % 2 == 0 ? 100 : 200) - i, z.getFlat(i));
    }

    @Test
    void binaryErrorsNameTheOpAndBothShapes() {
        NDArray a = NDArray.zeros(DType.F64, 2, 3), b = NDArray.zeros(DType.F64, 4);
        assertMessage(() -> a.add(b), "add", "[2, 3]", "[4]");
        assertMessage(() -> a.mul(b), "mul", "[2, 3]", "[4]");
        assertEquals(DType.F64, a.add(NDArray.zeros(DType.F32, 2, 3)).dtype(), "F32 with F64 promotes");
        assertMessage(() -> a.add(NDArray.zeros(DType.I32, 2, 3)), "add", "I32");
        assertMessage(() -> NDArray.where(a, a, b), "where", "[2, 3]", "[4]");
        assertMessage(() -> a.broadcastTo(3, 3), "broadcastTo", "[2, 3]", "[3, 3]");
        assertMessage(() -> a.sumTo(2), "sumTo", "[2, 3]", "[2]");
    }

    @Test
    void comparisonsGiveZeroOrOne() {
        NDArray a = NDArray.vector(1, 2, 3, Double.NaN), b = NDArray.vector(2, 2, 2, 2);
        assertTrue(a.lt(b).contentEquals(NDArray.vector(1, 0, 0, 0)));
        assertTrue(a.le(b).contentEquals(NDArray.vector(1, 1, 0, 0)));
        assertTrue(a.gt(b).contentEquals(NDArray.vector(0, 0, 1, 0)));
        assertTrue(a.ge(b).contentEquals(NDArray.vector(0, 1, 1, 0)));
        assertTrue(a.eq(b).contentEquals(NDArray.vector(0, 1, 0, 0)));
        assertTrue(a.ne(b).contentEquals(NDArray.vector(1, 0, 1, 1)));
        assertTrue(a.gt(1.5).contentEquals(NDArray.vector(0, 1, 1, 0)));
        assertTrue(Double.isNaN(a.maximum(b).get(3)));
        assertTrue(Double.isNaN(b.minimum(a).get(3)));
        assertEquals(3, a.maximum(b).get(2));
    }

    @Test
    void whereBroadcastsAllThree() {
        NDArray cond = NDArray.of(new double[] {1, 0}, 2, 1);
        NDArray r = NDArray.where(cond, NDArray.vector(1, 2, 3), NDArray.scalar(-1));
        assertTrue(r.contentEquals(m(2, 3, 1, 2, 3, -1, -1, -1)));
        NDArray rf = NDArray.where(cond, NDArray.vector(1, 2, 3).toF32(), NDArray.scalar(DType.F32, -1));
        assertEquals(DType.F32, rf.dtype());
        assertEquals(DType.F64, NDArray.where(cond, NDArray.vector(1), NDArray.vector(1).toF32()).dtype());
        assertMessage(() -> NDArray.where(cond, NDArray.vector(1), NDArray.ofInts(new int[] {1}, 1)), "where", "F64", "I32");
    }

    @Test
    void broadcastToKeepsNegativeZero() {
        NDArray b = NDArray.scalar(-0.0).broadcastTo(2);
        assertEquals(Double.NEGATIVE_INFINITY, 1 / b.getFlat(1));
        assertTrue(NDArray.vector(1, 2).broadcastTo(2, 2).contentEquals(m(2, 2, 1, 2, 1, 2)));
    }

    // ---------------------------------------------------------------- reductions

    @Test
    void reductionsByHand() {
        NDArray x = NDArray.arange(DType.F64, 24).reshape(2, 3, 4);
        assertEquals(276, x.sum().item());
        assertTrue(x.sum(new int[] {0, 2}, false).contentEquals(NDArray.vector(60, 92, 124)));
        assertArrayEquals(new int[] {1, 3, 1}, x.sum(new int[] {0, -1}, true).shape());
        assertTrue(x.max(new int[] {1}, false).contentEquals(NDArray.of(new double[] {8, 9, 10, 11, 20, 21, 22, 23}, 2, 4)));
        assertTrue(x.min(new int[] {2, 1}, true).reshape(2).contentEquals(NDArray.vector(0, 12)));
        assertEquals(11.5, x.mean(null, false).item());
        assertArrayEquals(new int[] {1, 1, 1}, x.mean(new int[0], true).shape());
        NDArray v = NDArray.vector(1, 2, 3, 4);
        assertEquals(1.25, v.variance(null, false, 0).item(), 1e-15);
        assertEquals(5.0 / 3, v.variance(null, false, 1).item(), 1e-15);
        assertMessage(() -> x.sum(new int[] {0, -3}, false), "sum", "given twice");
        assertMessage(() -> x.sum(new int[] {3}, false), "sum", "axis 3", "rank 3");
        assertMessage(() -> NDArray.zeros(DType.F64, 2, 0).max(new int[] {1}, false), "max", "[2, 0]", "empty");
        // sums over empty axes are 0, as in NumPy
        assertTrue(NDArray.zeros(DType.F64, 2, 0).sum(new int[] {1}, false).contentEquals(NDArray.vector(0, 0)));
        // a rank-0 array reduces to itself
        assertEquals(4, NDArray.scalar(4).sum().item());
        assertEquals(4, NDArray.scalar(4).max(null, true).item());
    }

    @Test
    void maxAndMinPropagateNaN() {
        NDArray x = NDArray.vector(1, Double.NaN, 3);
        assertTrue(Double.isNaN(x.max(null, false).item()));
        assertTrue(Double.isNaN(x.min(null, false).item()));
        assertTrue(Double.isNaN(NDArray.vector(Double.NaN, 5).max(null, false).item()));
    }

    @Test
    void argmaxByHand() {
        NDArray x = m(2, 3, 1, 5, 5, 7, 2, 7);
        assertTrue(x.argmax(1, false).contentEquals(NDArray.vector(1, 0)));
        assertTrue(x.argmax(0, true).contentEquals(m(1, 3, 1, 0, 1)));
        assertTrue(x.argmax(-1, true).contentEquals(m(2, 1, 1, 0)));
        assertEquals(1, NDArray.vector(1, Double.NaN, 3).argmax(0, false).item());
        assertEquals(DType.F64, x.toF32().argmax(0, false).dtype());
        assertMessage(() -> NDArray.zeros(DType.F64, 0).argmax(0, false), "argmax", "[0]", "empty");
    }

    @Test
    void argmaxOfAnArrayWithAnEmptyTrailingAxis() {
        // (2, 3, 0): 6 rows of nothing after the reduced axis; used to divide by zero.
        NDArray r = NDArray.zeros(DType.F64, 2, 3, 0).argmax(1, false);
        assertArrayEquals(new int[] {2, 0}, r.shape());
    }

    @Test
    void logsumexpIsStable() {
        NDArray x = m(4, 3,
                1000, 1000, 1000,
                -1000, -1000, -1000,
                Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 0, Math.log(3));
        NDArray l = x.logsumexp(new int[] {1}, false);
        assertEquals(1000 + Math.log(3), l.get(0), 1e-12);
        assertEquals(-1000 + Math.log(3), l.get(1), 1e-12);
        assertEquals(Double.NEGATIVE_INFINITY, l.get(2));
        assertEquals(Math.log(4), l.get(3), 1e-15);
        assertArrayEquals(new int[] {4, 1}, x.logsumexp(new int[] {-1}, true).shape());
        NDArray withInf = NDArray.vector(Double.POSITIVE_INFINITY, 1);
        assertEquals(Double.POSITIVE_INFINITY, withInf.logsumexp(null, false).item());
        assertTrue(Double.isNaN(NDArray.vector(Double.NaN, 1).logsumexp(null, false).item()));
        NDArray f = x.toF32().logsumexp(new int[] {1}, false);
        assertEquals(DType.F32, f.dtype());
        assertEquals((float) (1000 + Math.log(3)), f.getFlat(0), 1e-3);
        assertEquals(Double.NEGATIVE_INFINITY, f.getFlat(2));
        // several axes at once
        NDArray y = NDArray.zeros(DType.F64, 2, 3, 4);
        assertEquals(Math.log(24), y.logsumexp(null, false).item(), 1e-14);
        assertTrue(y.logsumexp(new int[] {0, 2}, false).sub(Math.log(8)).abs().max(null, false).item() < 1e-14);
    }

    @Test
    void logsumexpOverAnEmptyAxisIsMinusInfinity() {
        NDArray l = NDArray.zeros(DType.F64, 2, 0).logsumexp(new int[] {1}, false);
        assertTrue(l.contentEquals(NDArray.vector(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY)));
        assertArrayEquals(new int[] {2, 1}, NDArray.zeros(DType.F32, 2, 0).logsumexp(new int[] {1}, true).shape());
    }

    @Test
    void sumToReducesBroadcastAxes() {
        NDArray g = NDArray.ones(DType.F64, 2, 3, 4);
        assertTrue(g.sumTo(4).contentEquals(NDArray.full(DType.F64, 6, 4)));
        assertTrue(g.sumTo(3, 1).contentEquals(NDArray.full(DType.F64, 8, 3, 1)));
        assertTrue(g.sumTo().contentEquals(NDArray.scalar(24)));
        assertSame(g, g.sumTo(2, 3, 4));
    }

    // ---------------------------------------------------------------- shape ops

    @Test
    void reshapeInfersOneExtent() {
        NDArray x = NDArray.arange(DType.F64, 12);
        assertArrayEquals(new int[] {3, 4}, x.reshape(3, -1).shape());
        assertArrayEquals(new int[] {2, 3, 2}, x.reshape(2, -1, 2).shape());
        assertArrayEquals(new int[] {12}, x.reshape(3, 4).reshape(-1).shape());
        assertArrayEquals(new int[] {}, NDArray.vector(5).reshape().shape());
        assertMessage(() -> x.reshape(5, -1), "reshape", "[12]", "[5, -1]");
        assertMessage(() -> x.reshape(-1, -1), "reshape", "more than one -1");
        assertMessage(() -> x.reshape(5, 2), "reshape", "[5, 2]");
        assertMessage(() -> x.reshape(-2, 6), "reshape", "negative");
    }

    @Test
    void transposeAndMT() {
        NDArray x = m(2, 3, 1, 2, 3, 4, 5, 6);
        assertTrue(x.transpose(0, 1).contentEquals(m(3, 2, 1, 4, 2, 5, 3, 6)));
        assertTrue(x.mT().contentEquals(x.transpose(-1, -2)));
        NDArray b = NDArray.arange(DType.F32, 24).reshape(2, 3, 4);
        assertArrayEquals(new int[] {2, 4, 3}, b.mT().shape());
        assertEquals(b.get(1, 2, 3), b.mT().get(1, 3, 2));
        assertSame(b, b.permute(0, 1, 2));
        assertMessage(() -> b.permute(0, 1), "permute", "[2, 3, 4]");
        assertMessage(() -> b.permute(0, 1, 1), "permute", "repeats");
        assertMessage(() -> NDArray.vector(1).mT(), "mT", "[1]");
    }

    @Test
    void sliceByHand() {
        NDArray x = NDArray.arange(DType.F64, 10);
        assertTrue(x.slice(0, 1, 8, 3).contentEquals(NDArray.vector(1, 4, 7)));
        assertTrue(x.slice(0, -3, 10).contentEquals(NDArray.vector(7, 8, 9)));
        assertEquals(0, x.slice(0, 4, 4).size());
        NDArray y = x.reshape(2, 5).slice(1, 0, 5, 2);
        assertTrue(y.contentEquals(m(2, 3, 0, 2, 4, 5, 7, 9)));
        assertMessage(() -> x.slice(0, 0, 11), "slice", "[10]");
        assertMessage(() -> x.slice(0, 0, 5, 0), "slice", "step");
    }

    @Test
    void concatAndStackByHand() {
        NDArray a = m(1, 2, 1, 2), b = m(2, 2, 3, 4, 5, 6);
        assertTrue(NDArray.concat(0, a, b).contentEquals(m(3, 2, 1, 2, 3, 4, 5, 6)));
        assertTrue(NDArray.concat(1, b, b).contentEquals(m(2, 4, 3, 4, 3, 4, 5, 6, 5, 6)));
        NDArray s = NDArray.stack(1, NDArray.vector(1, 2), NDArray.vector(3, 4));
        assertTrue(s.contentEquals(m(2, 2, 1, 3, 2, 4)));
        assertTrue(NDArray.stack(-1, NDArray.vector(1, 2), NDArray.vector(3, 4)).contentEquals(s));
        assertMessage(() -> NDArray.concat(1, a, b), "concat", "[2, 2]", "[1, 2]");
        assertEquals(DType.F64, NDArray.concat(0, a, a.toF32()).dtype());
        assertMessage(() -> NDArray.concat(0, a, NDArray.ofInts(new int[] {1, 2}, 1, 2)), "concat", "I32");
        assertMessage(() -> NDArray.stack(0, a, b), "stack", "[2, 2]", "[1, 2]");
        assertMessage(() -> NDArray.concat(0), "concat");
    }

    @Test
    void padByHand() {
        NDArray x = m(1, 2, 1, 2);
        assertTrue(x.pad(new int[][] {{1, 0}, {0, 2}}, 0).contentEquals(m(2, 4, 0, 0, 0, 0, 1, 2, 0, 0)));
        assertTrue(x.pad(new int[][] {{1, 1}}, -1).contentEquals(m(1, 4, -1, 1, 2, -1)));
        assertMessage(() -> x.pad(new int[][] {{1, 1}, {1, 1}, {1, 1}}, 0), "pad", "rank 2");
        assertMessage(() -> x.pad(new int[][] {{-1, 1}}, 0), "pad", "axis 1");
    }

    @Test
    void indexSelectScatterAddOneHot() {
        NDArray x = m(3, 2, 1, 2, 3, 4, 5, 6);
        assertTrue(x.indexSelect(0, new int[] {2, 0, 2}).contentEquals(m(3, 2, 5, 6, 1, 2, 5, 6)));
        assertTrue(x.indexSelect(1, new int[] {1}).contentEquals(m(3, 1, 2, 4, 6)));
        NDArray g = m(3, 2, 1, 1, 1, 1, 1, 1);
        assertTrue(g.scatterAdd(0, new int[] {2, 0, 2}, 4).contentEquals(m(4, 2, 1, 1, 0, 0, 2, 2, 0, 0)));
        assertThrows(IndexOutOfBoundsException.class, () -> x.indexSelect(0, new int[] {3}));
        assertThrows(IndexOutOfBoundsException.class, () -> g.scatterAdd(0, new int[] {0, 1, 4}, 4));
        assertMessage(() -> g.scatterAdd(0, new int[] {0}, 4), "scatterAdd", "[3, 2]");
        NDArray oh = NDArray.oneHot(DType.F32, new int[] {2, 0}, 3);
        assertTrue(oh.contentEquals(NDArray.of(new float[] {0, 0, 1, 1, 0, 0}, 2, 3)));
        assertMessage(() -> NDArray.oneHot(DType.F64, new int[] {3}, 3), "oneHot", "label 3");
        // oneHot is indexSelect of the identity
        assertTrue(NDArray.eye(DType.F32, 3).indexSelect(0, new int[] {2, 0}).contentEquals(oh));
    }

    @Test
    void equalityAndToString() {
        NDArray x = m(2, 2, 1, 2.5, Double.NaN, 4);
        assertTrue(x.contentEquals(x.copy()));
        assertFalse(x.contentEquals(x.toF32()));
        assertFalse(x.contentEquals(x.reshape(4)));
        assertTrue(Double.isNaN(x.maxAbsDiff(x)));
        assertEquals("NDArray(F64, [2, 2], [[1, 2.50000], [NaN, 4]])", x.toString());
        assertTrue(NDArray.zeros(DType.F32, 100).toString().contains("..."));
        assertFalse(NDArray.vector(1, Double.POSITIVE_INFINITY).allFinite());
        assertTrue(new SplittableRandom(1).nextInt(1) == 0);
    }

    @Test
    void toStringDoesNotDependOnTheDefaultLocale() {
        java.util.Locale was = java.util.Locale.getDefault();
        java.util.Locale.setDefault(java.util.Locale.GERMANY); // a decimal comma
        try {
            assertEquals("NDArray(F64, [3], [1.23457, -0.000100000, 1.00000e+20])", NDArray.vector(1.234567, -1e-4, 1e20).toString());
            assertEquals("NDArray(F32, [], 2.50000)", NDArray.scalar(DType.F32, 2.5).toString());
        } finally {
            java.util.Locale.setDefault(was);
        }
    }
}
