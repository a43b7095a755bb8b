package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.nn.Losses.Reduction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Losses against hand-computed values, at extreme inputs, and their gradients in closed form; errors (finite differences: autodiff.LossGradientTest, PyTorch: golden.LossGoldenTest). */
class LossesTest {

    private static Tensor var(double[] v, int... shape) {
        return Tensor.variable(NDArray.of(v.clone(), shape));
    }

    @Test
    void mseIsTheMeanOfSquaredDifferences() {
        Tensor p = var(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor t = Tensor.constant(NDArray.of(new double[] {1, 0, 5, 3}, 2, 2));
        Tensor l = Losses.mse(p, t);
        assertEquals((0 + 4 + 4 + 1) / 4.0, l.item(), 0);
        // d/dp = 2(p - t)/N
        assertArrayEquals(new double[] {0, 1, -1, 0.5}, Autodiff.grad(l, p, false).value().toDoubleArray(), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.mse(p, Tensor.constant(NDArray.zeros(DType.F64, 4))));
        assertTrue(e.getMessage().contains("mse") && e.getMessage().contains("[2, 2]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void crossEntropyAgainstAHandComputedValue() {
        // row 0: logits (1, 2, 3), label 2: log(e + e² + e³) - 3; row 1: (0, 0, 0), label 0: log 3
        Tensor z = var(new double[] {1, 2, 3, 0, 0, 0}, 2, 3);
        double row0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
        double row1 = Math.log(3);
        Tensor l = Losses.crossEntropy(z, new int[] {2, 0});
        assertEquals((row0 + row1) / 2, l.item(), 1e-15);
        assertEquals(0.7531091265562, l.item(), 1e-12); // (0.4076059644444 + 1.0986122886681) / 2
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        Tensor z = var(new double[] {1000, -1000, -1000, 1000, 1000, 1000}, 3, 2);
        Tensor l = Losses.crossEntropy(z, new int[] {0, 0, 1});
        // row 0: right with certainty (0), row 1: wrong by 2000, row 2: a tie (log 2)
        assertEquals((0 + 2000 + Math.log(2)) / 3, l.item(), 1e-12);
        NDArray g = Autodiff.grad(l, z, false).value();
        assertTrue(g.allFinite());
        // (softmax - onehot)/N: row 1 puts all its mass on the wrong class
        assertArrayEquals(new double[] {0, 0, -1 / 3.0, 1 / 3.0, 0.5 / 3, -0.5 / 3}, g.toDoubleArray(), 1e-15);
    }

    @Test
    void crossEntropyWithAMaskedLogitIsFinite() {
        // a logit of -inf (a masked class that is not the label) has probability 0: it must not turn the loss into NaN
        Tensor z = var(new double[] {2, Double.NEGATIVE_INFINITY, 0, 1, 0, 0}, 2, 3);
        Tensor l = Losses.crossEntropy(z, new int[] {0, 1});
        double row0 = Math.log(Math.exp(2) + 1) - 2;
        double row1 = Math.log(Math.E + 2);
        assertEquals((row0 + row1) / 2, l.item(), 1e-15);
        NDArray g = Autodiff.grad(l, z, false).value();
        assertTrue(g.allFinite(), g.toString());
        assertEquals(0, g.getFlat(1), 0);
    }

    @Property(tries = 30)
    void crossEntropyGradientIsSoftmaxMinusOneHotOverN(@ForAll @IntRange(min = 1, max = 5) int n, @ForAll @IntRange(min = 1, max = 5) int c,
                                                      @ForAll long seed) {
        Random r = new Random(seed);
        double scale = r.nextBoolean() ? 3 : 300; // ordinary and saturated logits
        double[] v = new double[n * c];
        for (int i = 0; i < v.length; i++) v[i] = scale * (2 * r.nextDouble() - 1);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = r.nextInt(c);
        Tensor z = var(v, n, c);
        Tensor l = Losses.crossEntropy(z, labels);
        NDArray g = Autodiff.grad(l, z, false).value();
        NDArray softmax = z.value().sub(z.value().logsumexp(new int[] {1}, true)).exp();
        NDArray expected = softmax.sub(NDArray.oneHot(DType.F64, labels, c)).div(n);
        assertArrayEquals(expected.toDoubleArray(), g.toDoubleArray(), 1e-12); // exp(z - lse) with |z| ~ 300 loses ~1e-14
        // the loss itself: mean of logsumexp - picked, computed independently
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) m = Math.max(m, v[i * c + j]);
            double s = 0;
            for (int j = 0; j < c; j++) s += Math.exp(v[i * c + j] - m);
            sum += m + Math.log(s) - v[i * c + labels[i]];
        }
        assertEquals(sum / n, l.item(), 1e-12 * (1 + Math.abs(sum / n)));
    }

    @Test
    void crossEntropyChecksItsArguments() {
        Tensor z = var(new double[6], 2, 3);
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(z, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(z, new int[] {0, 3}));
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(var(new double[3], 3), new int[] {0, 1, 2}));
    }

    @Test
    void binaryCrossEntropyWithLogitsIsStableAtPlusMinusAThousand() {
        Tensor x = var(new double[] {1000, -1000, 1000, -1000, 0}, 5);
        Tensor y = Tensor.constant(NDArray.vector(1, 0, 0, 1, 1));
        Tensor l = Losses.binaryCrossEntropyWithLogits(x, y);
        // per element: 0, 0, 1000, 1000, log 2
        assertEquals((2000 + Math.log(2)) / 5, l.item(), 1e-12);
        NDArray g = Autodiff.grad(l, x, false).value();
        // (σ(x) - y)/N
        assertArrayEquals(new double[] {0, 0, 0.2, -0.2, (0.5 - 1) / 5}, g.toDoubleArray(), 1e-15);
    }

    @Property(tries = 30)
    void binaryCrossEntropyMatchesItsDefinition(@ForAll @IntRange(min = 1, max = 8) int n, @ForAll long seed) {
        Random r = new Random(seed);
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 8 * (2 * r.nextDouble() - 1);
            y[i] = r.nextDouble();
        }
        Tensor tx = var(x, n);
        Tensor l = Losses.binaryCrossEntropyWithLogits(tx, Tensor.constant(NDArray.vector(y)));
        double expected = 0;
        double[] grad = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 1 / (1 + Math.exp(-x[i]));
            expected += -y[i] * Math.log(s) - (1 - y[i]) * Math.log(1 - s);
            grad[i] = (s - y[i]) / n;
        }
        assertEquals(expected / n, l.item(), 1e-9);
        assertArrayEquals(grad, Autodiff.grad(l, tx, false).value().toDoubleArray(), 1e-15);
    }

    @Test
    void lossesWorkInF32() {
        Tensor z = Tensor.variable(NDArray.of(new float[] {1000, -1000, 0, 0}, 2, 2));
        Tensor l = Losses.crossEntropy(z, new int[] {0, 1});
        assertEquals(DType.F32, l.dtype());
        assertEquals(Math.log(2) / 2, l.item(), 1e-6);
        Tensor b = Losses.binaryCrossEntropyWithLogits(z.reshape(4), Tensor.constant(NDArray.of(new float[] {1, 0, 1, 0}, 4)));
        assertEquals(DType.F32, b.dtype());
        // per element: softplus(1000) - 1000 = 0, softplus(-1000) = 0, log 2, log 2
        assertEquals(Math.log(2) / 2, b.item(), 1e-6);
        assertTrue(Autodiff.grad(b, z, false).value().allFinite());
    }

    // ------------------------------------------------------------------ reductions, regression losses

    private static Tensor con(double... v) {
        return Tensor.constant(NDArray.vector(v));
    }

    private static double[] grad(Tensor loss, Tensor x) {
        return Autodiff.grad(loss, x, false).value().toDoubleArray();
    }

    @Test
    void everyReductionOfTheExistingLosses() {
        Tensor p = var(new double[] {1, 2, 3}, 3), t = con(1, 0, 5);
        assertArrayEquals(new double[] {0, 4, 4}, Losses.mse(p, t, Reduction.NONE).value().toDoubleArray(), 0);
        assertEquals(8, Losses.mse(p, t, Reduction.SUM).item(), 0);
        assertEquals(8 / 3.0, Losses.mse(p, t, Reduction.MEAN).item(), 1e-15);
        assertEquals(0, Losses.mse(p, t, Reduction.SUM).rank());
        Tensor z = var(new double[] {1, 2, 3, 0, 0, 0}, 2, 3);
        double row0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3, row1 = Math.log(3);
        assertArrayEquals(new double[] {row0, row1}, Losses.crossEntropy(z, new int[] {2, 0}, Reduction.NONE).value().toDoubleArray(), 1e-15);
        assertEquals(row0 + row1, Losses.crossEntropy(z, new int[] {2, 0}, Reduction.SUM).item(), 1e-15);
        Tensor x = var(new double[] {0, 1000}, 2);
        assertArrayEquals(new double[] {Math.log(2), 0}, Losses.binaryCrossEntropyWithLogits(x, con(1, 1), Reduction.NONE).value().toDoubleArray(), 1e-15);
        assertEquals(Math.log(2), Losses.binaryCrossEntropyWithLogits(x, con(1, 1), Reduction.SUM).item(), 1e-15);
    }

    @Test
    void l1IsTheMeanAbsoluteErrorWithAZeroGradientAtItsKink() {
        Tensor p = var(new double[] {1, -2, 3, 4}, 4), t = con(0, 0, 5, 4);
        Tensor l = Losses.l1(p, t);
        assertEquals(5 / 4.0, l.item(), 1e-15);
        assertArrayEquals(new double[] {0.25, -0.25, -0.25, 0}, grad(l, p), 0);
        assertArrayEquals(new double[] {1, 2, 2, 0}, Losses.l1(p, t, Reduction.NONE).value().toDoubleArray(), 0);
        assertEquals(5, Losses.l1(p, t, Reduction.SUM).item(), 0);
    }

    @Test
    void huberAndSmoothL1DifferByTheFactorDelta() {
        // d = 0.5, -2, 3
        Tensor p = var(new double[] {0.5, -2, 3}, 3), t = con(0, 0, 0);
        assertArrayEquals(new double[] {0.125, 1.5, 2.5}, Losses.huber(p, t, 1, Reduction.NONE).value().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {0.125, 1.5, 2.5}, Losses.smoothL1(p, t, 1, Reduction.NONE).value().toDoubleArray(), 1e-15);
        // δ = 2: ½·0.25; at |d| = δ both branches give 2 (the linear one is used, as in PyTorch); 2·(3 − 1)
        assertArrayEquals(new double[] {0.125, 2, 4}, Losses.huber(p, t, 2, Reduction.NONE).value().toDoubleArray(), 1e-15);
        // β = 2: ½·0.25/2; 2 − 1; 3 − 1: huber / 2
        assertArrayEquals(new double[] {0.0625, 1, 2}, Losses.smoothL1(p, t, 2, Reduction.NONE).value().toDoubleArray(), 1e-15);
        assertEquals(6.125 / 3, Losses.huber(p, t, 2).item(), 1e-15);
        assertEquals(3.0625, Losses.smoothL1(p, t, 2, Reduction.SUM).item(), 1e-15);
        // gradients: d inside, δ·sign(d) outside; smooth L1: d/β inside, sign(d) outside
        assertArrayEquals(new double[] {0.5, -2, 2}, grad(Losses.huber(p, t, 2, Reduction.SUM), p), 1e-15);
        assertArrayEquals(new double[] {0.25, -1, 1}, grad(Losses.smoothL1(p, t, 2, Reduction.SUM), p), 1e-15);
        // β = 0 is L1, gradient included (no 0/0 from the unused quadratic branch)
        assertArrayEquals(new double[] {0.5, 2, 3}, Losses.smoothL1(p, t, 0, Reduction.NONE).value().toDoubleArray(), 0);
        assertArrayEquals(new double[] {1, -1, 1}, grad(Losses.smoothL1(p, t, 0, Reduction.SUM), p), 0);
    }

    // ------------------------------------------------------------------ classification

    @Test
    void nllPicksTheLogProbabilityOfTheLabelWithWeightsAndIgnoredRows() {
        double[] prob = {0.2, 0.5, 0.3, 0.1, 0.6, 0.3, 0.7, 0.2, 0.1};
        double[] logp = new double[9];
        for (int i = 0; i < 9; i++) logp[i] = Math.log(prob[i]);
        Tensor lp = var(logp, 3, 3);
        int[] labels = {1, 0, 2};
        double a = -Math.log(0.5), b = -Math.log(0.1), c = -Math.log(0.1);
        assertEquals((a + b + c) / 3, Losses.nll(lp, labels).item(), 1e-15);
        assertEquals(a + b + c, Losses.nll(lp, labels, Reduction.SUM).item(), 1e-15);
        Tensor w = con(1, 2, 4);
        // weighted mean divides by the weights of the labels used: (2a + 1b + 4c) / (2 + 1 + 4)
        assertEquals((2 * a + b + 4 * c) / 7, Losses.nll(lp, labels, w, Losses.NO_IGNORE, Reduction.MEAN).item(), 1e-15);
        assertArrayEquals(new double[] {2 * a, b, 4 * c}, Losses.nll(lp, labels, w, Losses.NO_IGNORE, Reduction.NONE).value().toDoubleArray(), 1e-15);
        // PyTorch's ignore_index: the row counts neither in the sum nor in the divisor, and its label is not checked
        int[] ignored = {1, -100, 2};
        assertEquals((2 * a + 4 * c) / 6, Losses.nll(lp, ignored, w, -100, Reduction.MEAN).item(), 1e-15);
        assertArrayEquals(new double[] {a, 0, c}, Losses.nll(lp, ignored, null, -100, Reduction.NONE).value().toDoubleArray(), 1e-15);
        // gradient: −w/Σw at the labels, nothing for the ignored row
        assertArrayEquals(new double[] {0, -2 / 6.0, 0, 0, 0, 0, 0, 0, -4 / 6.0}, grad(Losses.nll(lp, ignored, w, -100, Reduction.MEAN), lp), 1e-15);
        // an ignore index may be a real class; a row it ignores is skipped whatever its weight
        assertEquals((2 * a + 4 * c) / 6, Losses.nll(lp, labels, w, 0, Reduction.MEAN).item(), 1e-15);
        // every row ignored: the sum is 0 and the mean 0/0, as in PyTorch
        assertEquals(0, Losses.nll(lp, new int[] {-100, -100, -100}, null, -100, Reduction.SUM).item(), 0);
        assertTrue(Double.isNaN(Losses.nll(lp, new int[] {-100, -100, -100}, null, -100, Reduction.MEAN).item()));
    }

    @Test
    void crossEntropyWithOptionsIsNllOfTheLogSoftmax() {
        Random r = new Random(11);
        double[] v = new double[12];
        for (int i = 0; i < v.length; i++) v[i] = 4 * r.nextDouble() - 2;
        Tensor z = var(v, 4, 3);
        Tensor w = con(0.5, 2, 1.5);
        int[] labels = {2, -1, 0, 1};
        for (Reduction red : Reduction.values()) {
            Tensor ce = Losses.crossEntropy(z, labels, w, -1, red), nll = Losses.nll(z.logSoftmax(1), labels, w, -1, red);
            assertArrayEquals(nll.value().toDoubleArray(), ce.value().toDoubleArray(), 1e-15, red.toString());
            Tensor sum = ce.sum(), sumNll = nll.sum();
            assertArrayEquals(grad(sumNll, z), grad(sum, z), 1e-15, red.toString());
        }
    }

    @Test
    void classLossesRejectBadLabelsAndWeightsNamingTheLossShapeAndPosition() {
        Tensor z = var(new double[6], 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.nll(z, new int[] {0, -100}));
        assertTrue(e.getMessage().startsWith("nll: label -100 at position 1") && e.getMessage().contains("[2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(z, new int[] {3, 0}, null, -100, Reduction.SUM));
        assertTrue(e.getMessage().contains("crossEntropy") && e.getMessage().contains("position 0") && e.getMessage().contains("ignoreIndex -100"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.nll(z, new int[] {0, 1, 2}));
        assertTrue(e.getMessage().contains("nll: 3 labels") && e.getMessage().contains("[2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.nll(z, new int[] {0, 1}, con(1, 2), Losses.NO_IGNORE, Reduction.MEAN));
        assertTrue(e.getMessage().contains("class weights") && e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.nll(var(new double[3], 3), new int[] {0, 1, 2}));
        assertTrue(e.getMessage().contains("nll: log-probabilities must be [N, C], got [3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.nll(z, new int[] {0, 1}, null));
        assertTrue(e.getMessage().contains("nll: reduction"), e.getMessage());
    }

    // ------------------------------------------------------------------ pairs and triplets

    @Test
    void cosineEmbeddingPullsMatchingPairsAndPushesOthersBelowTheMargin() {
        Tensor x1 = var(new double[] {1, 0, 1, 1, 1, 1, 0, 0}, 4, 2);
        Tensor x2 = var(new double[] {0, 1, 2, 2, 2, 2, 3, 4}, 4, 2);
        // cos: 0, 1, 1, and 0 for the zero vector (the eps keeps it from being 0/0)
        Tensor l = Losses.cosineEmbedding(x1, x2, new int[] {1, 1, -1, -1}, 0.5, Reduction.NONE);
        assertArrayEquals(new double[] {1, 0, 0.5, 0}, l.value().toDoubleArray(), 1e-11);
        assertEquals(1.5 / 4, Losses.cosineEmbedding(x1, x2, new int[] {1, 1, -1, -1}, 0.5).item(), 1e-11);
        NDArray g = Autodiff.grad(l.sum(), x1, false).value();
        assertTrue(g.allFinite(), g.toString());
        // d(1 − cos)/dx1 at x1 = (1, 0), x2 = (0, 1): −(x2/|x2| − cos·x1/|x1|)/|x1| = (0, −1)
        assertArrayEquals(new double[] {0, -1}, new double[] {g.getFlat(0), g.getFlat(1)}, 1e-11);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.cosineEmbedding(x1, x2, new int[] {1, 0, 1, 1}, 0));
        assertTrue(e.getMessage().startsWith("cosineEmbedding: label 0 at position 1 must be 1 or -1") && e.getMessage().contains("[4, 2]"), e.getMessage());
    }

    @Test
    void contrastivePullsSamePairsAndPushesOthersToTheMargin() {
        Tensor x1 = var(new double[] {0, 0, 0, 0, 0, 0, 1, 2}, 4, 2);
        Tensor x2 = var(new double[] {3, 4, 3, 4, 3, 4, 1, 2}, 4, 2);
        // d = 5 for the first three, 0 for the last (x1 = x2): same → d²; different, margin 6 → (6 − 5)², margin 4 → 0
        Tensor l = Losses.contrastive(x1, x2, new int[] {1, 0, 0, 0}, 6, Reduction.NONE);
        double d0 = Math.sqrt(Losses.CONTRASTIVE_EPS);
        assertArrayEquals(new double[] {25, 1, 1, (6 - d0) * (6 - d0)}, l.value().toDoubleArray(), 1e-12);
        assertEquals(0, Losses.contrastive(x1, x2, new int[] {0, 0, 0, 1}, 4, Reduction.NONE).value().getFlat(0), 0);
        assertEquals(25 + 1e-12, Losses.contrastive(x1, x2, new int[] {1, 1, 1, 1}, 4, Reduction.SUM).item() / 3, 1e-12);
        // gradients: same: 2(x1 − x2); different inside the margin: −2(m − d)(x1 − x2)/d; coinciding pair: finite (zero)
        NDArray g = Autodiff.grad(l.sum(), x1, false).value();
        assertArrayEquals(new double[] {-6, -8, 2 * 3 / 5.0, 2 * 4 / 5.0, 1.2, 1.6, 0, 0}, g.toDoubleArray(), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.contrastive(x1, x2, new int[] {1, 0, -1, 0}, 1));
        assertTrue(e.getMessage().startsWith("contrastive: label -1 at position 2 must be 1 or 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.contrastive(x1, x2, new int[] {1, 0, 1, 0}, -1));
        assertTrue(e.getMessage().contains("contrastive: margin"), e.getMessage());
    }

    @Test
    void tripletMarginWithNormsEpsAndSwap() {
        Tensor a = var(new double[] {0, 0}, 1, 2), p = var(new double[] {3, 4}, 1, 2), n = var(new double[] {6, 8}, 1, 2);
        // d(a, p) = 5, d(a, n) = 10, d(p, n) = 5
        assertEquals(0, Losses.tripletMargin(a, p, n, 1, 2, 0, false, Reduction.MEAN).item(), 0);
        assertEquals(1, Losses.tripletMargin(a, p, n, 6, 2, 0, false, Reduction.MEAN).item(), 1e-15);
        assertEquals(1, Losses.tripletMargin(a, p, n, 1, 2, 0, true, Reduction.MEAN).item(), 1e-15);
        // 1-norm: 7 and 14
        assertEquals(1, Losses.tripletMargin(a, p, n, 8, 1, 0, false, Reduction.SUM).item(), 1e-15);
        // 3-norm: (27 + 64)^(1/3) and (216 + 512)^(1/3)
        assertEquals(Math.cbrt(91) - Math.cbrt(728) + 5, Losses.tripletMargin(a, p, n, 5, 3, 0, false, Reduction.NONE).value().getFlat(0), 1e-14);
        // eps is added to every component of the difference, as PyTorch's pairwise_distance does
        double eps = 0.1, dp = Math.hypot(-3 + eps, -4 + eps), dn = Math.hypot(-6 + eps, -8 + eps);
        assertEquals(dp - dn + 6, Losses.tripletMargin(a, p, n, 6, 2, eps, false, Reduction.MEAN).item(), 1e-14);
        // the defaults: margin given, 2-norm, eps 1e-6, no swap
        assertEquals(Losses.tripletMargin(a, p, n, 6, 2, 1e-6, false, Reduction.MEAN).item(), Losses.tripletMargin(a, p, n, 6).item(), 0);
        // gradients: positive (p − a)/d(a, p), negative −(n − a)/d(a, n), anchor minus both (here they cancel)
        assertArrayEquals(new double[] {0.6, 0.8}, grad(Losses.tripletMargin(a, p, n, 6, 2, 0, false, Reduction.SUM), p), 1e-15);
        assertArrayEquals(new double[] {-0.6, -0.8}, grad(Losses.tripletMargin(a, p, n, 6, 2, 0, false, Reduction.SUM), n), 1e-15);
        assertArrayEquals(new double[] {0, 0}, grad(Losses.tripletMargin(a, p, n, 6, 2, 0, false, Reduction.SUM), a), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.tripletMargin(a, p, var(new double[3], 1, 3), 1));
        assertTrue(e.getMessage().contains("tripletMargin: anchor and negative must both be [N, D], got [1, 2] and [1, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.tripletMargin(a, p, n, 1, 0, 0, false, Reduction.SUM));
        assertTrue(e.getMessage().contains("tripletMargin: norm order p"), e.getMessage());
    }

    // ------------------------------------------------------------------ every loss at ±1000, and errors

    @Test
    void everyLossIsFiniteAtPlusMinusAThousand() {
        double[] big = {1000, -1000, -1000, 1000, 1000, 1000, -1000, -1000};
        Tensor x = var(big, 4, 2), y = Tensor.constant(NDArray.of(new double[] {-1000, 1000, 0, 0, 1000, -1000, 1, 0}, 4, 2));
        int[] cls = {0, 0, 1, 1}, pm = {1, -1, 1, -1}, same = {1, 0, 1, 0};
        for (Reduction r : Reduction.values()) {
            Tensor[] ls = {
                    Losses.mse(x, y, r), Losses.l1(x, y, r), Losses.huber(x, y, 1, r), Losses.smoothL1(x, y, 0.5, r),
                    Losses.binaryCrossEntropyWithLogits(x, Tensor.constant(NDArray.of(new double[] {1, 0, 0, 1, 1, 1, 0, 0}, 4, 2)), r),
                    Losses.crossEntropy(x, cls, r), Losses.nll(x.logSoftmax(1), cls, r),
                    Losses.cosineEmbedding(x, y, pm, 0.2, r), Losses.contrastive(x, y, same, 1, r),
                    Losses.tripletMargin(x, y, x.neg(), 1, 2, 1e-6, true, r)};
            for (Tensor l : ls) {
                assertTrue(l.value().allFinite(), r + ": " + l);
                assertTrue(Autodiff.grad(l.sum(), x, false).value().allFinite(), r + ": gradient of " + l);
            }
        }
        // rows of (1000, −1000) against (−1000, 1000): 2000 apart in each coordinate
        assertEquals(4e6, Losses.mse(x, y, Reduction.NONE).value().getFlat(0), 0);
        assertEquals(1999.5, Losses.huber(x, y, 1, Reduction.NONE).value().getFlat(0), 0);
        // cos(x, y) = −1 for row 0, target 1: loss 2
        assertEquals(2, Losses.cosineEmbedding(x, y, pm, 0.2, Reduction.NONE).value().getFlat(0), 1e-12);
    }

    @Test
    void elementwiseLossesRejectMismatchedShapesAndDtypes() {
        Tensor p = var(new double[4], 2, 2);
        for (String loss : new String[] {"mse", "l1", "huber", "smoothL1", "binaryCrossEntropyWithLogits"}) {
            Tensor t = Tensor.constant(NDArray.zeros(DType.F64, 4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> elementwise(loss, p, t));
            assertTrue(e.getMessage().startsWith(loss + ": ") && e.getMessage().contains("[2, 2]") && e.getMessage().contains("[4]"), e.getMessage());
            Tensor f = Tensor.constant(NDArray.zeros(DType.F32, 2, 2));
            e = assertThrows(IllegalArgumentException.class, () -> elementwise(loss, p, f));
            assertTrue(e.getMessage().startsWith(loss + ": ") && e.getMessage().contains("F32"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Losses.huber(p, p, 0)).getMessage().contains("huber: delta"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Losses.smoothL1(p, p, -1)).getMessage().contains("smoothL1: beta"));
    }

    private static Tensor elementwise(String loss, Tensor p, Tensor t) {
        return switch (loss) {
            case "mse" -> Losses.mse(p, t, Reduction.SUM);
            case "l1" -> Losses.l1(p, t, Reduction.SUM);
            case "huber" -> Losses.huber(p, t, 1, Reduction.SUM);
            case "smoothL1" -> Losses.smoothL1(p, t, 1, Reduction.SUM);
            default -> Losses.binaryCrossEntropyWithLogits(p, t, Reduction.SUM);
        };
    }

    @Test
    void newLossesKeepF32() {
        Tensor a = Tensor.variable(NDArray.of(new float[] {1, 2, 3, 4}, 2, 2)), b = Tensor.variable(NDArray.of(new float[] {0, 2, 3, 1}, 2, 2));
        Tensor[] ls = {Losses.l1(a, b), Losses.huber(a, b, 1), Losses.smoothL1(a, b, 0.5), Losses.nll(a.logSoftmax(1), new int[] {0, 1}),
                Losses.cosineEmbedding(a, b, new int[] {1, -1}, 0), Losses.contrastive(a, b, new int[] {1, 0}, 2), Losses.tripletMargin(a, b, b.neg(), 1)};
        for (Tensor l : ls) {
            assertEquals(DType.F32, l.dtype(), l.toString());
            assertEquals(DType.F32, Autodiff.grad(l, a, false).dtype());
        }
    }
}
