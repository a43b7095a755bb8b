package dev.motif.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** NDArray kernels against index-by-index references, on random shapes (including empty axes). */
class NDArrayPropertiesTest {

    private static int[] randomShape(SplittableRandom rng, int maxRank, boolean allowEmpty) {
        int[] s = new int[rng.nextInt(maxRank + 1)];
        for (int i = 0; i < s.length; i++) s[i] = allowEmpty && rng.nextInt(12) == 0 ? 0 : 1 + rng.nextInt(4);
        return s;
    }

    /** {@code out} with some leading axes dropped and some extents set to 1: a shape that broadcasts to it. */
    private static int[] broadcastSource(SplittableRandom rng, int[] out) {
        int drop = rng.nextInt(out.length + 1);
        int[] s = Arrays.copyOfRange(out, drop, out.length);
        for (int i = 0; i < s.length; i++) if (rng.nextInt(3) == 0) s[i] = 1;
        return s;
    }

    private static DType randomDType(SplittableRandom rng) {
        return rng.nextBoolean() ? DType.F64 : DType.F32;
    }

    @Property(tries = 300)
    void binaryOpsBroadcastLikeTheNaiveLoop(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] out = randomShape(rng, 4, true);
        int[] sa = broadcastSource(rng, out), sb = broadcastSource(rng, out);
        if (rng.nextInt(4) == 0) sa = out.clone(); // the "bias" shapes: one side is the full shape
        DType dt = randomDType(rng);
        NDArray a = Ref.random(rng, dt, sa), b = Ref.random(rng, dt, sb);
        int[] expectShape = Ref.broadcastShape(sa, sb);
        for (NDArray.Binary op : NDArray.Binary.values()) {
            NDArray got = a.zip(op, b);
            assertArrayEquals(expectShape, got.shape(), op + " shape");
            assertEquals(dt, got.dtype());
            for (int i = 0; i < got.size(); i++) {
                int[] idx = Ref.unflat(i, expectShape);
                double want = op.apply(Ref.broadcastGet(a, idx), Ref.broadcastGet(b, idx));
                if (dt == DType.F32) want = (float) want;
                assertEquals(want, got.getFlat(i), 0.0, () -> op + " " + Shapes.str(a.shape()) + " with " + Shapes.str(b.shape()) + " at " + Arrays.toString(idx));
            }
        }
    }

    @Property(tries = 200)
    void reductionsMatchTheNaiveLoop(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] s = randomShape(rng, 4, false);
        DType dt = randomDType(rng);
        NDArray x = Ref.random(rng, dt, s);
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < s.length; i++) if (rng.nextBoolean()) chosen.add(rng.nextBoolean() ? i : i - s.length);
        int[] axes = chosen.stream().mapToInt(Integer::intValue).toArray();
        boolean keep = rng.nextBoolean();
        boolean[] reduced = new boolean[s.length];
        for (int a : axes) reduced[a < 0 ? a + s.length : a] = true;
        if (axes.length == 0) Arrays.fill(reduced, true);

        // Naive: walk the input, accumulate into the kept-dims output position.
        int[] kept = s.clone();
        for (int i = 0; i < s.length; i++) if (reduced[i]) kept[i] = 1;
        int n = Shapes.size(kept);
        double[] sum = new double[n], max = new double[n], min = new double[n];
        int[] count = new int[n];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        for (int i = 0; i < x.size(); i++) {
            int[] idx = Ref.unflat(i, s);
            for (int j = 0; j < s.length; j++) if (reduced[j]) idx[j] = 0;
            int o = Ref.flat(idx, kept);
            double v = x.getFlat(i);
            sum[o] += v;
            max[o] = Math.max(max[o], v);
            min[o] = Math.min(min[o], v);
            count[o]++;
        }
        int[] dropped = Arrays.stream(range(s.length)).filter(i -> !reduced[i]).map(i -> s[i]).toArray();
        int[] expectShape = keep ? kept : dropped;
        double tol = dt == DType.F64 ? 1e-12 : 1e-5;
        check("sum", x.sum(axes, keep), expectShape, sum, tol);
        check("max", x.max(axes, keep), expectShape, max, 0);
        check("min", x.min(axes, keep), expectShape, min, 0);
        double[] mean = new double[n], lse = new double[n], var = new double[n];
        for (int o = 0; o < n; o++) mean[o] = sum[o] / count[o];
        for (int i = 0; i < x.size(); i++) {
            int[] idx = Ref.unflat(i, s);
            for (int j = 0; j < s.length; j++) if (reduced[j]) idx[j] = 0;
            int o = Ref.flat(idx, kept);
            double v = x.getFlat(i);
            lse[o] += Math.exp(v);
            var[o] += (v - mean[o]) * (v - mean[o]);
        }
        double[] var0 = new double[n], var1 = new double[n];
        for (int o = 0; o < n; o++) {
            lse[o] = Math.log(lse[o]);
            var0[o] = var[o] / count[o];
            var1[o] = var[o] / (count[o] - 1);
        }
        check("mean", x.mean(axes, keep), expectShape, mean, tol);
        check("logsumexp", x.logsumexp(axes, keep), expectShape, lse, tol);
        check("variance(0)", x.variance(axes, keep, 0), expectShape, var0, tol);
        if (count[0] > 1) check("variance(1)", x.variance(axes, keep, 1), expectShape, var1, tol);
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    private static void check(String op, NDArray got, int[] shape, double[] want, double tol) {
        assertArrayEquals(shape, got.shape(), op + " shape");
        for (int i = 0; i < want.length; i++) {
            int at = i;
            assertEquals(want[i], got.getFlat(i), tol * Math.max(1, Math.abs(want[i])), () -> op + " at flat " + at);
        }
    }

    @Property(tries = 200)
    void argmaxIsTheFirstLargest(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] s = randomShape(rng, 4, false);
        if (s.length == 0) s = new int[] {3};
        NDArray x = NDArray.zeros(randomDType(rng), s);
        for (int i = 0; i < x.size(); i++) x.setFlat(i, rng.nextInt(3)); // ties are common
        int axis = rng.nextInt(s.length);
        NDArray got = x.argmax(axis, true);
        int[] os = s.clone();
        os[axis] = 1;
        assertArrayEquals(os, got.shape());
        assertEquals(DType.F64, got.dtype());
        for (int o = 0; o < got.size(); o++) {
            int[] idx = Ref.unflat(o, os);
            int best = 0;
            double bv = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < s[axis]; k++) {
                idx[axis] = k;
                double v = x.get(idx);
                if (v > bv) {
                    bv = v;
                    best = k;
                }
            }
            assertEquals(best, got.getFlat(o));
        }
        assertArrayEquals(NDArrayTest.dropAxis(s, axis), x.argmax(axis, false).shape());
    }

    @Property(tries = 200)
    void permuteMovesEveryElement(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] s = randomShape(rng, 5, true);
        NDArray x = Ref.random(rng, randomDType(rng), s);
        int[] perm = range(s.length);
        for (int i = perm.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        NDArray y = x.permute(perm);
        int[] ys = y.shape();
        for (int i = 0; i < s.length; i++) assertEquals(s[perm[i]], ys[i]);
        for (int o = 0; o < y.size(); o++) {
            int[] oi = Ref.unflat(o, ys), ii = new int[s.length];
            for (int i = 0; i < s.length; i++) ii[perm[i]] = oi[i];
            assertEquals(x.get(ii), y.getFlat(o), 0.0);
        }
        // the inverse permutation brings it back
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inv[perm[i]] = i;
        assertTrue(y.permute(inv).contentEquals(x));
    }

    @Property(tries = 200)
    void sliceWithStepPicksEveryStepth(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] s = randomShape(rng, 4, false);
        if (s.length == 0) s = new int[] {5};
        int axis = rng.nextInt(s.length), n = s[axis];
        int start = rng.nextInt(n + 1), end = start + rng.nextInt(n - start + 1), step = 1 + rng.nextInt(3);
        NDArray x = Ref.random(rng, randomDType(rng), s);
        NDArray y = x.slice(axis - (rng.nextBoolean() ? 0 : s.length), start, end, step);
        int m = (end - start + step - 1) / step;
        assertEquals(m, y.shape(axis));
        for (int o = 0; o < y.size(); o++) {
            int[] idx = Ref.unflat(o, y.shape());
            idx[axis] = start + idx[axis] * step;
            assertEquals(x.get(idx), y.getFlat(o), 0.0);
        }
    }

    @Property(tries = 200)
    void scatterAddIsTheAdjointOfIndexSelect(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] s = randomShape(rng, 4, false);
        if (s.length == 0) s = new int[] {4};
        int axis = rng.nextInt(s.length), n = s[axis];
        int[] indices = new int[rng.nextInt(6)];
        for (int k = 0; k < indices.length; k++) indices[k] = rng.nextInt(n); // repeats on purpose
        DType dt = randomDType(rng);
        NDArray x = Ref.random(rng, dt, s);
        NDArray sel = x.indexSelect(axis, indices);
        for (int o = 0; o < sel.size(); o++) {
            int[] idx = Ref.unflat(o, sel.shape());
            idx[axis] = indices[idx[axis]];
            assertEquals(x.get(idx), sel.getFlat(o), 0.0);
        }
        NDArray g = Ref.random(rng, dt, sel.shape());
        NDArray back = g.scatterAdd(axis, indices, n);
        assertArrayEquals(s, back.shape());
        double lhs = Ref.dot(back, x), rhs = Ref.dot(g, sel);
        double tol = (dt == DType.F64 ? 1e-12 : 1e-5) * (1 + Ref.absDot(g, sel));
        assertEquals(rhs, lhs, tol);
    }

    @Property(tries = 200)
    void padPlacesTheInputAndFillsTheRest(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] s = randomShape(rng, 4, true);
        NDArray x = Ref.random(rng, randomDType(rng), s);
        int[][] w = new int[rng.nextInt(s.length + 1)][];
        for (int i = 0; i < w.length; i++) w[i] = new int[] {rng.nextInt(3), rng.nextInt(3)};
        NDArray y = x.pad(w, 7.5);
        int off = s.length - w.length;
        int[] ys = y.shape();
        for (int i = 0; i < s.length; i++) assertEquals(s[i] + (i >= off ? w[i - off][0] + w[i - off][1] : 0), ys[i]);
        for (int o = 0; o < y.size(); o++) {
            int[] idx = Ref.unflat(o, ys);
            boolean inside = true;
            for (int i = off; i < s.length; i++) {
                idx[i] -= w[i - off][0];
                inside &= idx[i] >= 0 && idx[i] < s[i];
            }
            assertEquals(inside ? x.get(idx) : 7.5, y.getFlat(o), 0.0);
        }
    }

    @Property(tries = 100)
    void concatThenSliceGivesThePartsBack(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] s = randomShape(rng, 4, false);
        if (s.length == 0) s = new int[] {2};
        int axis = rng.nextInt(s.length);
        DType dt = randomDType(rng);
        NDArray[] parts = new NDArray[1 + rng.nextInt(3)];
        for (int p = 0; p < parts.length; p++) {
            int[] ps = s.clone();
            ps[axis] = rng.nextInt(4); // empty parts too
            parts[p] = Ref.random(rng, dt, ps);
        }
        NDArray c = NDArray.concat(axis, parts);
        int at = 0;
        for (NDArray p : parts) {
            int len = p.shape(axis);
            assertTrue(c.slice(axis, at, at + len).contentEquals(p));
            at += len;
        }
        assertEquals(at, c.shape(axis));

        NDArray[] same = new NDArray[1 + rng.nextInt(3)];
        for (int p = 0; p < same.length; p++) same[p] = Ref.random(rng, dt, s);
        int sAxis = rng.nextInt(s.length + 1);
        NDArray st = NDArray.stack(sAxis, same);
        assertEquals(same.length, st.shape(sAxis));
        for (int p = 0; p < same.length; p++) assertTrue(st.slice(sAxis, p, p + 1).reshape(s).contentEquals(same[p]));
    }

    @Property(tries = 100)
    void broadcastToAndSumToAreAdjoint(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] out = randomShape(rng, 4, false);
        int[] src = broadcastSource(rng, out);
        NDArray x = Ref.random(rng, DType.F64, src);
        NDArray g = Ref.random(rng, DType.F64, out);
        NDArray bx = x.broadcastTo(out);
        for (int o = 0; o < bx.size(); o++) assertEquals(Ref.broadcastGet(x, Ref.unflat(o, out)), bx.getFlat(o), 0.0);
        NDArray sg = g.sumTo(src);
        assertArrayEquals(src, sg.shape());
        assertEquals(Ref.dot(g, bx), Ref.dot(sg, x), 1e-12 * (1 + Ref.absDot(g, bx)));
    }
}
