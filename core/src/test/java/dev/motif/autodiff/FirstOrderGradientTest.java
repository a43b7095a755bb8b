package dev.motif.autodiff;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static dev.motif.autodiff.GradCheck.awayFromZero;
import static dev.motif.autodiff.GradCheck.broadcastPair;
import static dev.motif.autodiff.GradCheck.check;
import static dev.motif.autodiff.GradCheck.distinct;
import static dev.motif.autodiff.GradCheck.shape;
import static dev.motif.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every Tensor op's first derivative against central finite differences, in F64, over random shapes and values. */
class FirstOrderGradientTest {

    private static NDArray arr(double[] v, int... shape) {
        return NDArray.of(v.clone(), shape);
    }

    // ------------------------------------------------------------------ unary elementwise

    /** Unary ops with the domain their inputs are drawn from (kinks and poles avoided). */
    enum UnaryOp {
        NEG(Tensor::neg, Domain.ANY), EXP(Tensor::exp, Domain.ANY), LOG(Tensor::log, Domain.POSITIVE),
        LOG1P(Tensor::log1p, Domain.ABOVE_MINUS_HALF), SQRT(Tensor::sqrt, Domain.POSITIVE), SIN(Tensor::sin, Domain.ANY),
        COS(Tensor::cos, Domain.ANY), TANH(Tensor::tanh, Domain.ANY), SIGMOID(Tensor::sigmoid, Domain.ANY),
        RELU(Tensor::relu, Domain.NONZERO), SOFTPLUS(Tensor::softplus, Domain.ANY), GELU(Tensor::gelu, Domain.ANY),
        ABS(Tensor::abs, Domain.NONZERO), NORMAL_CDF(Tensor::normalCdf, Domain.ANY), ERF(Tensor::erf, Domain.ANY),
        SQUARE(Tensor::square, Domain.ANY), RECIPROCAL(Tensor::reciprocal, Domain.NONZERO),
        POW_HALF(x -> x.pow(0.5), Domain.POSITIVE), POW_3(x -> x.pow(3), Domain.ANY), POW_2(x -> x.pow(2), Domain.ANY),
        POW_MINUS_1_5(x -> x.pow(-1.5), Domain.POSITIVE), POW_0(x -> x.pow(0), Domain.ANY), POW_1(x -> x.pow(1), Domain.ANY),
        ADD_SCALAR(x -> x.add(2.5), Domain.ANY), SUB_SCALAR(x -> x.sub(2.5), Domain.ANY),
        MUL_SCALAR(x -> x.mul(-1.5), Domain.ANY), DIV_SCALAR(x -> x.div(4.0), Domain.ANY),
        TO_F32_AND_BACK_SCALED(x -> x.to(DType.F32).to(DType.F64), Domain.ANY);

        final java.util.function.UnaryOperator<Tensor> f;
        final Domain domain;

        UnaryOp(java.util.function.UnaryOperator<Tensor> f, Domain domain) {
            this.f = f;
            this.domain = domain;
        }
    }

    enum Domain {
        ANY, POSITIVE, NONZERO, ABOVE_MINUS_HALF;

        NDArray draw(Random r, int[] shape) {
            switch (this) {
                case POSITIVE: return uniform(r, 0.2, 3, shape);
                case NONZERO: return awayFromZero(r, 0.05, 2.5, shape);
                case ABOVE_MINUS_HALF: return uniform(r, -0.5, 3, shape);
                default: return uniform(r, -2.5, 2.5, shape);
            }
        }
    }

    @Property(tries = 30)
    void unaryOps(@ForAll UnaryOp op, @ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
        Random r = new Random(seed);
        NDArray x = op.domain.draw(r, shape(r, rank, 4));
        if (op == UnaryOp.TO_F32_AND_BACK_SCALED) {
            // F32 rounding makes central differences meaningless at h = 1e-6; the round trip's
            // gradient must instead be the identity, rounded to F32 on the way back.
            Tensor v = Tensor.variable(x);
            NDArray w = GradCheck.weights(x.shape(), seed);
            NDArray g = Autodiff.grad(op.f.apply(v).mul(Tensor.constant(w)).sum(), v, false).value();
            assertEquals(DType.F64, g.dtype());
            assertArrayEquals(w.to(DType.F32).to(DType.F64).toDoubleArray(), g.toDoubleArray(), 0);
            return;
        }
        check(op.name(), xs -> op.f.apply(xs.get(0)), x);
    }

    @Example
    void everyUnaryOpOnAMatrix() {
        Random r = new Random(7);
        for (UnaryOp op : UnaryOp.values()) {
            if (op == UnaryOp.TO_F32_AND_BACK_SCALED) continue;
            check(op.name(), xs -> op.f.apply(xs.get(0)), op.domain.draw(r, new int[] {3, 4}));
        }
    }

    /**
     * Every backward rule also runs in F32 (constants take the tensor's dtype, nothing mixes F64 in):
     * its gradients are the F64 gradients to F32 accuracy.
     */
    @Property(tries = 30)
    void f32GradientsMatchF64(@ForAll UnaryOp op, @ForAll long seed) {
        if (op == UnaryOp.TO_F32_AND_BACK_SCALED) return;
        Random r = new Random(seed);
        NDArray x = op.domain.draw(r, shape(r, 2, 4));
        NDArray w = GradCheck.weights(x.shape(), seed);
        NDArray g64 = gradOf(op, x, w);
        NDArray g32 = gradOf(op, x.to(DType.F32), w.to(DType.F32));
        assertEquals(DType.F32, g32.dtype());
        for (int k = 0; k < x.size(); k++) {
            GradCheck.assertClose(op + " F32 at " + k, g64.getFlat(k), g32.getFlat(k), 2e-4);
        }
    }

    private static NDArray gradOf(UnaryOp op, NDArray x, NDArray w) {
        Tensor v = Tensor.variable(x);
        Tensor y = op.f.apply(v).mul(Tensor.constant(w)).sum();
        Tensor g = Autodiff.grad(y, v, true); // with a graph: the second-order rules must run in F32 too
        Autodiff.grad(g.sum(), List.of(v), false, true); // a linear op's gradient does not depend on x
        return g.value();
    }

    @Example
    void f32RoundTripInsideAComputation() {
        // the F32 part is linear, so a coarse step is exact up to F32 rounding
        NDArray x = uniform(new Random(3), -1, 1, 2, 3);
        check("toF32 in a product", xs -> xs.get(0).mul(xs.get(0).to(DType.F32).mul(Tensor.constant(NDArray.full(DType.F32, 2f, 3))).to(DType.F64)),
                1e-2, 1e-5, x);
    }

    // ------------------------------------------------------------------ binary with broadcasting

    enum BinaryOp { ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, WHERE }

    private static Tensor apply(BinaryOp op, Tensor a, Tensor b, NDArray cond) {
        switch (op) {
            case ADD: return a.add(b);
            case SUB: return a.sub(b);
            case MUL: return a.mul(b);
            case DIV: return a.div(b);
            case POW: return a.pow(b);
            case MAXIMUM: return a.maximum(b);
            case MINIMUM: return a.minimum(b);
            default: return Tensor.where(cond, a, b);
        }
    }

    private static void checkBinary(BinaryOp op, int[] sa, int[] sb, Random r) {
        NDArray a, b;
        switch (op) {
            case DIV:
                a = uniform(r, -2, 2, sa);
                b = awayFromZero(r, 0.4, 2, sb);
                break;
            case POW:
                a = uniform(r, 0.3, 2.5, sa);
                b = uniform(r, -2, 2, sb);
                break;
            case MAXIMUM:
            case MINIMUM: {
                // no ties, and no pair within a finite-difference step of each other
                do {
                    a = uniform(r, -2, 2, sa);
                    b = uniform(r, -2, 2, sb);
                } while (a.sub(b).abs().min(null, false).item() < 1e-3);
                break;
            }
            default:
                a = uniform(r, -2, 2, sa);
                b = uniform(r, -2, 2, sb);
        }
        int[] out = dev.motif.array.Shapes.broadcast("test", sa, sb);
        int[] cs = broadcastPair(r, out)[0];
        NDArray cond = NDArray.zeros(DType.F64, cs);
        for (int k = 0; k < cond.size(); k++) cond.setFlat(k, r.nextBoolean() ? 1 : 0);
        NDArray c = cond;
        check(op + " " + Arrays.toString(sa) + " with " + Arrays.toString(sb), xs -> apply(op, xs.get(0), xs.get(1), c), a, b);
    }

    @Property(tries = 30)
    void binaryOpsBroadcast(@ForAll BinaryOp op, @ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
        Random r = new Random(seed);
        int[][] p = broadcastPair(r, shape(r, rank, 4));
        checkBinary(op, p[0], p[1], r);
    }

    @Example
    void binaryOpsOnNamedBroadcastShapes() {
        Random r = new Random(11);
        int[][][] cases = {
                {{3, 1, 4}, {2, 4}}, {{2, 4}, {3, 1, 4}}, {{}, {3, 4}}, {{3, 4}, {}}, {{4}, {3, 1}}, {{1, 1}, {2, 3}},
                {{2, 1, 3}, {1, 4, 1}}, {{2, 3}, {2, 3}}};
        for (BinaryOp op : BinaryOp.values()) for (int[][] c : cases) checkBinary(op, c[0], c[1], r);
    }

    @Example
    void powAtAZeroBaseFollowsPyTorch() {
        Autodiff.detectAnomaly(() -> {
            // x⁰ is constant: derivative 0, also at x = 0 (not 0·0⁻¹ = NaN)
            Tensor x = Tensor.variable(NDArray.vector(0, 2));
            assertArrayEquals(new double[] {0, 0}, Autodiff.grad(x.pow(0).sum(), x, false).value().toDoubleArray(), 0);
            // x^y with a tensor exponent: at x = 0 the exponent's derivative is 0 for y >= 0 (0^y is constant)
            Tensor b = Tensor.variable(NDArray.vector(0, 1.5, 0));
            Tensor y = Tensor.variable(NDArray.vector(2, 3, 0));
            List<Tensor> g = Autodiff.grad(b.pow(y).sum(), List.of(b, y), true);
            assertArrayEquals(new double[] {0, 3 * 1.5 * 1.5, 0}, g.get(0).value().toDoubleArray(), 1e-14);
            assertArrayEquals(new double[] {0, Math.pow(1.5, 3) * Math.log(1.5), 0}, g.get(1).value().toDoubleArray(), 1e-14);
            return null;
        });
        // where the derivative really is infinite it stays so
        Tensor s = Tensor.variable(NDArray.vector(0));
        assertEquals(Double.POSITIVE_INFINITY, Autodiff.grad(s.pow(Tensor.constant(NDArray.vector(0.5))).sum(), s, false).item());
        // second derivatives at a zero base stay finite where the function is smooth
        Tensor b = Tensor.variable(NDArray.vector(0, 0, 1.5));
        Tensor y = Tensor.variable(NDArray.vector(2, 0, 3));
        List<Tensor> g = Autodiff.grad(b.pow(y).sum(), List.of(b, y), true);
        List<Tensor> h = Autodiff.grad(g.get(0).sum().add(g.get(1).sum()), List.of(b, y), false);
        assertTrue(h.get(0).value().allFinite() && h.get(1).value().allFinite(), h.toString());
        assertEquals(2, h.get(0).value().getFlat(0), 1e-15); // d²(x²)/dx² = 2 (plus d²/dxdy (x^y) = x^(y-1)(1 + y log x) → 0 at x=0, y=2)
    }

    @Example
    void sharedInputInBothOperands() {
        NDArray x = uniform(new Random(5), 0.5, 2, 3);
        check("x*x", xs -> xs.get(0).mul(xs.get(0)), x);
        check("x/x²", xs -> xs.get(0).div(xs.get(0).mul(xs.get(0))), x);
        check("x^x", xs -> xs.get(0).pow(xs.get(0)), x);
        check("x-x", xs -> xs.get(0).sub(xs.get(0)), x);
    }

    // ------------------------------------------------------------------ broadcastTo / sumTo

    @Property(tries = 30)
    void broadcastToAndSumTo(@ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
        Random r = new Random(seed);
        int[] big = shape(r, rank, 4);
        int[] small = big.length == 0 ? new int[0] : broadcastPair(r, big)[0];
        // broadcastPair may return the partner with 1s in either order; use its broadcast with big
        int[] target = dev.motif.array.Shapes.broadcast("test", small, big);
        check("broadcastTo " + Arrays.toString(small) + " -> " + Arrays.toString(target),
                xs -> xs.get(0).broadcastTo(target), uniform(r, -1, 1, small));
        check("sumTo " + Arrays.toString(target) + " -> " + Arrays.toString(small),
                xs -> xs.get(0).sumTo(small), uniform(r, -1, 1, target));
    }

    // ------------------------------------------------------------------ reductions

    private static int[] randomAxes(Random r, int rank) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < rank; i++) all.add(i);
        Collections.shuffle(all, r);
        int n = r.nextInt(rank + 1); // 0 means every axis
        int[] ax = new int[n];
        for (int i = 0; i < n; i++) ax[i] = r.nextBoolean() ? all.get(i) : all.get(i) - rank; // negative axes too
        return n == 0 && r.nextBoolean() ? null : ax;
    }

    enum Reduction { SUM, MEAN, MAX, MIN, VARIANCE_0, VARIANCE_1, LOGSUMEXP }

    @Property(tries = 40)
    void reductions(@ForAll Reduction red, @ForAll @IntRange(min = 0, max = 3) int rank, @ForAll boolean keepDims, @ForAll long seed) {
        Random r = new Random(seed);
        int[] s = shape(r, rank, 4);
        int[] axes = randomAxes(r, rank);
        NDArray x = red == Reduction.MAX || red == Reduction.MIN ? distinct(r, 0.05, s) : uniform(r, -2, 2, s);
        if (red == Reduction.VARIANCE_1) {
            int count = 1;
            for (int a : dev.motif.array.Shapes.axes("t", axes, rank)) count *= s[a];
            if (count < 2) return; // sample variance of one value is 0/0
        }
        String label = red + " " + Arrays.toString(s) + " axes " + Arrays.toString(axes) + " keepDims " + keepDims;
        check(label, xs -> {
            Tensor t = xs.get(0);
            switch (red) {
                case SUM: return t.sum(axes, keepDims);
                case MEAN: return t.mean(axes, keepDims);
                case MAX: return t.max(axes, keepDims);
                case MIN: return t.min(axes, keepDims);
                case VARIANCE_0: return t.variance(axes, keepDims, 0);
                case VARIANCE_1: return t.variance(axes, keepDims, 1);
                default: return t.logsumexp(axes, keepDims);
            }
        }, x);
    }

    @Example
    void wholeTensorReductions() {
        NDArray x = uniform(new Random(1), -2, 2, 2, 3);
        check("sum()", xs -> xs.get(0).sum(), x);
        check("mean()", xs -> xs.get(0).mean(), x);
        check("max over all", xs -> xs.get(0).max(null, false), x);
        check("logsumexp of large values", xs -> xs.get(0).mul(300.0).logsumexp(new int[] {1}, false), x);
    }

    @Example
    void maxGradientSplitsBetweenTies() {
        Tensor x = Tensor.variable(NDArray.vector(1, 3, 3, 2));
        NDArray g = Autodiff.grad(x.max(null, false), x, false).value();
        assertArrayEquals(new double[] {0, 0.5, 0.5, 0}, g.toDoubleArray(), 0);
        NDArray gm = Autodiff.grad(x.maximum(Tensor.constant(NDArray.vector(1, 0, 5, 2))).sum(), x, false).value();
        assertArrayEquals(new double[] {0.5, 1, 0, 0.5}, gm.toDoubleArray(), 0);
    }

    @Example
    void softmaxWithMaskedEntriesHasFiniteGradients() {
        // attention-style masking: -inf logits get probability 0 and gradient 0
        double ninf = Double.NEGATIVE_INFINITY;
        Tensor z = Tensor.variable(NDArray.of(new double[] {1, ninf, 2, ninf, 0.5, ninf}, 2, 3));
        NDArray w = NDArray.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor p = z.softmax(1);
        assertEquals(0, p.value().getFlat(1), 0);
        assertEquals(1, p.value().getFlat(4), 1e-15);
        NDArray g = Autodiff.grad(p.mul(Tensor.constant(w)).sum(), z, false).value();
        assertTrue(g.allFinite(), g.toString());
        assertEquals(0, g.getFlat(1), 0);
        assertEquals(0, g.getFlat(4), 1e-15); // a single live entry: softmax is constant 1
        // the live entries of row 0 have the gradient of the unmasked softmax of (1, 2): p_i (w_i - Σ p_j w_j)
        double s1 = 1 / (1 + Math.E), s2 = 1 - s1; // softmax(1, 2)
        assertEquals(s1 * (1 - (s1 * 1 + s2 * 3)), g.getFlat(0), 1e-15);
        assertEquals(s2 * (3 - (s1 * 1 + s2 * 3)), g.getFlat(2), 1e-15);
    }

    @Property(tries = 30)
    void softmaxAndLogSoftmax(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed, @ForAll boolean log) {
        Random r = new Random(seed);
        int[] s = shape(r, rank, 4);
        int axis = r.nextInt(rank) - (r.nextBoolean() ? rank : 0);
        NDArray x = uniform(r, -3, 3, s);
        check((log ? "logSoftmax " : "softmax ") + Arrays.toString(s) + " axis " + axis,
                xs -> log ? xs.get(0).logSoftmax(axis) : xs.get(0).softmax(axis), x);
    }

    // ------------------------------------------------------------------ matmul

    @Property(tries = 30)
    void matmul2d(@ForAll @IntRange(min = 1, max = 5) int m, @ForAll @IntRange(min = 1, max = 5) int k,
                  @ForAll @IntRange(min = 1, max = 5) int n, @ForAll long seed) {
        Random r = new Random(seed);
        check("matmul [" + m + "," + k + "]@[" + k + "," + n + "]", xs -> xs.get(0).matmul(xs.get(1)),
                uniform(r, -1, 1, m, k), uniform(r, -1, 1, k, n));
    }

    @Property(tries = 30)
    void matmulBatchedWithBroadcastBatchAxes(@ForAll @IntRange(min = 0, max = 2) int batchRank, @ForAll long seed) {
        Random r = new Random(seed);
        int m = 1 + r.nextInt(3), k = 1 + r.nextInt(3), n = 1 + r.nextInt(3);
        int[][] batches = broadcastPair(r, shape(r, batchRank, 3));
        int[] sa = concat(batches[0], new int[] {m, k}), sb = concat(batches[1], new int[] {k, n});
        check("matmul " + Arrays.toString(sa) + "@" + Arrays.toString(sb), xs -> xs.get(0).matmul(xs.get(1)),
                uniform(r, -1, 1, sa), uniform(r, -1, 1, sb));
    }

    @Example
    void matmulOneDimensionalPromotions() {
        Random r = new Random(2);
        int[][][] cases = {
                {{3}, {3}}, {{3}, {3, 4}}, {{2, 3}, {3}}, {{3}, {2, 3, 4}}, {{2, 4, 3}, {3}}, {{1, 2, 3}, {3, 4}},
                {{2, 3}, {5, 3, 4}}, {{2, 1, 2, 3}, {4, 3, 2}}};
        for (int[][] c : cases) {
            Tensor probe = Tensor.constant(uniform(r, -1, 1, c[0])).matmul(Tensor.constant(uniform(r, -1, 1, c[1])));
            assertArrayEquals(uniform(r, 0, 1, c[0]).matmul(uniform(r, 0, 1, c[1])).shape(), probe.shape(),
                    "Tensor.matmul shape for " + Arrays.deepToString(c));
            check("matmul " + Arrays.deepToString(c), xs -> xs.get(0).matmul(xs.get(1)), uniform(r, -1, 1, c[0]), uniform(r, -1, 1, c[1]));
        }
    }

    @Example
    void matmulBigEnoughForBlas() {
        // above the small-product threshold the kernel calls BLAS; check that path's gradients too
        Random r = new Random(4);
        NDArray a = uniform(r, -1, 1, 24, 20), b = uniform(r, -1, 1, 20, 22);
        Tensor ta = Tensor.variable(a), tb = Tensor.variable(b);
        NDArray w = GradCheck.weights(new int[] {24, 22}, 9);
        List<Tensor> g = Autodiff.grad(ta.matmul(tb).mul(Tensor.constant(w)).sum(), List.of(ta, tb), false);
        // closed forms: dA = W Bᵀ, dB = Aᵀ W
        assertArrayEquals(w.matmul(b.mT()).toDoubleArray(), g.get(0).value().toDoubleArray(), 1e-12);
        assertArrayEquals(a.mT().matmul(w).toDoubleArray(), g.get(1).value().toDoubleArray(), 1e-12);
        check("matmul 6x20 @ 20x3 (finite differences)", xs -> xs.get(0).matmul(xs.get(1)), uniform(r, -1, 1, 6, 20), uniform(r, -1, 1, 20, 3));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ------------------------------------------------------------------ shape ops

    @Property(tries = 30)
    void reshapePermuteTranspose(@ForAll @IntRange(min = 2, max = 4) int rank, @ForAll long seed) {
        Random r = new Random(seed);
        int[] s = shape(r, rank, 3);
        NDArray x = uniform(r, -1, 1, s);
        int size = x.size();
        int[] flat = {size};
        int[] inferred = {-1, s[rank - 1]};
        check("reshape " + Arrays.toString(s) + " -> flat", xs -> xs.get(0).reshape(flat), x);
        check("reshape " + Arrays.toString(s) + " -> " + Arrays.toString(inferred), xs -> xs.get(0).reshape(inferred), x);
        List<Integer> p = new ArrayList<>();
        for (int i = 0; i < rank; i++) p.add(i);
        Collections.shuffle(p, r);
        int[] perm = p.stream().mapToInt(i -> r.nextBoolean() ? i : i - rank).toArray();
        check("permute " + Arrays.toString(s) + " by " + Arrays.toString(perm), xs -> xs.get(0).permute(perm), x);
        int a = r.nextInt(rank), b = r.nextInt(rank);
        check("transpose " + a + "," + b, xs -> xs.get(0).transpose(a, b), x);
        check("mT", xs -> xs.get(0).mT(), x);
    }

    @Property(tries = 30)
    void sliceWithStep(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
        Random r = new Random(seed);
        int[] s = shape(r, rank, 6);
        int axis = r.nextInt(rank);
        int n = s[axis];
        int start = r.nextInt(n + 1), end = start + r.nextInt(n - start + 1), step = 1 + r.nextInt(3);
        boolean negative = r.nextBoolean() && start > 0 && end > 0 && end < n;
        int st = negative ? start - n : start, en = negative ? end - n : end;
        check("slice " + Arrays.toString(s) + " axis " + axis + " [" + st + ":" + en + ":" + step + "]",
                xs -> xs.get(0).slice(axis, st, en, step), uniform(r, -1, 1, s));
    }

    @Property(tries = 30)
    void indexSelectAndScatterAdd(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
        Random r = new Random(seed);
        int[] s = shape(r, rank, 4);
        int axis = r.nextInt(rank);
        int n = s[axis];
        int[] idx = new int[1 + r.nextInt(6)];
        for (int i = 0; i < idx.length; i++) idx[i] = r.nextInt(n); // repeats are likely
        check("indexSelect " + Arrays.toString(s) + " axis " + axis + " " + Arrays.toString(idx),
                xs -> xs.get(0).indexSelect(axis, idx), uniform(r, -1, 1, s));
        int[] src = s.clone();
        src[axis] = idx.length;
        check("scatterAdd " + Arrays.toString(src) + " axis " + axis + " " + Arrays.toString(idx) + " into " + n,
                xs -> xs.get(0).scatterAdd(axis, idx, n), uniform(r, -1, 1, src));
    }

    @Example
    void indexSelectWithRepeatsIsAnEmbeddingLookup() {
        Tensor e = Tensor.variable(NDArray.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2));
        NDArray g = Autodiff.grad(e.indexSelect(0, new int[] {2, 0, 2, 2}).sum(), e, false).value();
        assertArrayEquals(new double[] {1, 1, 0, 0, 3, 3}, g.toDoubleArray(), 0);
    }

    @Property(tries = 30)
    void concatAndStack(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll @IntRange(min = 1, max = 3) int parts, @ForAll long seed) {
        Random r = new Random(seed);
        int[] s = shape(r, rank, 3);
        int axis = r.nextInt(rank);
        NDArray[] xs = new NDArray[parts];
        for (int i = 0; i < parts; i++) {
            int[] si = s.clone();
            si[axis] = 1 + r.nextInt(3);
            xs[i] = uniform(r, -1, 1, si);
        }
        check("concat axis " + axis + " of " + parts, ts -> Tensor.concat(axis, ts.toArray(new Tensor[0])), xs);
        NDArray[] same = new NDArray[parts];
        for (int i = 0; i < parts; i++) same[i] = uniform(r, -1, 1, s);
        int stackAxis = r.nextInt(rank + 1);
        check("stack axis " + stackAxis + " of " + parts, ts -> Tensor.stack(stackAxis, ts.toArray(new Tensor[0])), same);
    }

    @Property(tries = 30)
    void pad(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll @IntRange(min = 1, max = 3) int padded, @ForAll long seed) {
        Random r = new Random(seed);
        int[] s = shape(r, rank, 3);
        int[][] widths = new int[Math.min(padded, rank)][];
        for (int i = 0; i < widths.length; i++) widths[i] = new int[] {r.nextInt(3), r.nextInt(3)};
        double fill = r.nextDouble();
        check("pad " + Arrays.toString(s) + " by " + Arrays.deepToString(widths), xs -> xs.get(0).pad(widths, fill), uniform(r, -1, 1, s));
    }

    @Example
    void compositionWithEveryKindOfOp() {
        Random r = new Random(21);
        NDArray x = uniform(r, -1, 1, 2, 3), w = uniform(r, -1, 1, 3, 4), b = uniform(r, -1, 1, 4);
        check("mlp-ish", ts -> {
            Tensor h = ts.get(0).matmul(ts.get(1)).add(ts.get(2)).tanh();
            Tensor z = Tensor.concat(1, h, h.slice(1, 0, 4, 2).exp()).pad(new int[][] {{1, 0}}, 0.5);
            return z.logSoftmax(-1).indexSelect(0, new int[] {1, 1, 0}).mean(new int[] {0}, true).softplus();
        }, x, w, b);
    }
}
