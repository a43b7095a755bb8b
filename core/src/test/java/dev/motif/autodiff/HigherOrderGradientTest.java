package dev.motif.autodiff;

import dev.motif.array.NDArray;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static dev.motif.autodiff.GradCheck.awayFromZero;
import static dev.motif.autodiff.GradCheck.broadcastPair;
import static dev.motif.autodiff.GradCheck.checkHvp;
import static dev.motif.autodiff.GradCheck.shape;
import static dev.motif.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Second and higher derivatives: Hessian-vector products by double backward against finite
 * differences of first-order gradients, and repeated derivatives against closed forms.
 */
class HigherOrderGradientTest {

    /** Smooth unary ops with the domain their inputs come from. */
    enum Smooth {
        EXP(Tensor::exp, false), LOG(Tensor::log, true), LOG1P(Tensor::log1p, true), SQRT(Tensor::sqrt, true),
        SIN(Tensor::sin, false), COS(Tensor::cos, false), TANH(Tensor::tanh, false), SIGMOID(Tensor::sigmoid, false),
        SOFTPLUS(Tensor::softplus, false), GELU(Tensor::gelu, false), NORMAL_CDF(Tensor::normalCdf, false), ERF(Tensor::erf, false),
        POW_3(x -> x.pow(3), false), POW_2_5(x -> x.pow(2.5), true), POW_MINUS_1(x -> x.pow(-1), true),
        RECIPROCAL(Tensor::reciprocal, true), SQUARE(Tensor::square, false);

        final UnaryOperator<Tensor> f;
        final boolean positive;

        Smooth(UnaryOperator<Tensor> f, boolean positive) {
            this.f = f;
            this.positive = positive;
        }
    }

    @Property(tries = 30)
    void hvpOfSmoothUnaryOps(@ForAll Smooth op, @ForAll @IntRange(min = 0, max = 2) int rank, @ForAll long seed) {
        Random r = new Random(seed);
        int[] s = shape(r, rank, 4);
        NDArray x = op.positive ? uniform(r, 0.3, 2.5, s) : uniform(r, -2, 2, s);
        // the op's second derivative, and also through a product so off-diagonal terms appear
        checkHvp(op.name(), xs -> op.f.apply(xs.get(0)), seed, x);
        checkHvp(op.name() + " of x times sum", xs -> op.f.apply(xs.get(0)).mul(xs.get(0).sum()), seed, x);
    }

    @Example
    void reluBackwardIsDifferentiableInTheIncomingGradient() {
        // y = Σ relu(x)·w, so ∂y/∂x = w·[x > 0]; then z = Σ c·∂y/∂x has ∂z/∂w = c·[x > 0] and ∂z/∂c = w·[x > 0].
        Tensor x = Tensor.variable(NDArray.vector(-1.5, 0.0, 2.0, 0.25));
        Tensor w = Tensor.variable(NDArray.vector(3, 5, -7, 11));
        Tensor c = Tensor.variable(NDArray.vector(0.5, 2, 4, -1));
        Tensor dx = Autodiff.grad(x.relu().mul(w).sum(), x, true);
        assertEquals(List.of(0.0, 0.0, -7.0, 11.0), Arrays.stream(dx.value().toDoubleArray()).boxed().toList());
        List<Tensor> g = Autodiff.grad(dx.mul(c).sum(), List.of(w, c), false);
        assertEquals(List.of(0.0, 0.0, 4.0, -1.0), Arrays.stream(g.get(0).value().toDoubleArray()).boxed().toList());
        assertEquals(List.of(0.0, 0.0, -7.0, 11.0), Arrays.stream(g.get(1).value().toDoubleArray()).boxed().toList());
    }

    enum Binary { MUL, DIV, POW, ADD_THEN_SQUARE, SUB_THEN_EXP }

    @Property(tries = 30)
    void hvpOfBinaryOpsWithBroadcasting(@ForAll Binary op, @ForAll @IntRange(min = 0, max = 3) int rank, @ForAll long seed) {
        Random r = new Random(seed);
        int[][] p = broadcastPair(r, shape(r, rank, 3));
        NDArray a = op == Binary.POW ? uniform(r, 0.4, 2, p[0]) : uniform(r, -1.5, 1.5, p[0]);
        NDArray b = op == Binary.DIV ? awayFromZero(r, 0.5, 2, p[1]) : uniform(r, -1.5, 1.5, p[1]);
        checkHvp(op + " " + Arrays.toString(p[0]) + " with " + Arrays.toString(p[1]), xs -> {
            Tensor x = xs.get(0), y = xs.get(1);
            switch (op) {
                case MUL: return x.mul(y).mul(x);
                case DIV: return x.div(y);
                case POW: return x.pow(y);
                case ADD_THEN_SQUARE: return x.add(y).square();
                default: return x.sub(y).exp();
            }
        }, seed, a, b);
    }

    @Property(tries = 30)
    void hvpOfMatmulCompositions(@ForAll @IntRange(min = 0, max = 2) int batchRank, @ForAll long seed) {
        Random r = new Random(seed);
        int m = 1 + r.nextInt(3), k = 1 + r.nextInt(3), n = 1 + r.nextInt(3);
        int[][] batches = broadcastPair(r, shape(r, batchRank, 3));
        int[] sa = Arrays.copyOf(batches[0], batches[0].length + 2), sb = Arrays.copyOf(batches[1], batches[1].length + 2);
        sa[sa.length - 2] = m;
        sa[sa.length - 1] = k;
        sb[sb.length - 2] = k;
        sb[sb.length - 1] = n;
        checkHvp("tanh(A@B)@Bᵀ " + Arrays.toString(sa) + " " + Arrays.toString(sb),
                xs -> xs.get(0).matmul(xs.get(1)).tanh().matmul(xs.get(1).mT()), seed, uniform(r, -1, 1, sa), uniform(r, -1, 1, sb));
        checkHvp("logsumexp(A@B)", xs -> xs.get(0).matmul(xs.get(1)).logsumexp(new int[] {-1}, false), seed,
                uniform(r, -1, 1, sa), uniform(r, -1, 1, sb));
    }

    @Property(tries = 20)
    void hvpOfReductionsAndSoftmax(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
        Random r = new Random(seed);
        int[] s = shape(r, rank, 4);
        int axis = r.nextInt(rank);
        NDArray x = uniform(r, -2, 2, s);
        checkHvp("logsumexp", xs -> xs.get(0).logsumexp(new int[] {axis}, true), seed, x);
        checkHvp("softmax", xs -> xs.get(0).softmax(axis), seed, x);
        checkHvp("logSoftmax", xs -> xs.get(0).logSoftmax(axis), seed, x);
        checkHvp("variance", xs -> xs.get(0).variance(new int[] {axis}, false, 0), seed, x);
        checkHvp("mean squared", xs -> xs.get(0).mean(new int[] {axis}, false).square(), seed, x);
        checkHvp("max times x", xs -> xs.get(0).mul(xs.get(0).max(new int[] {axis}, true)), seed, GradCheck.distinct(r, 0.05, s));
    }

    @Property(tries = 20)
    void hvpThroughShapeOps(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll long seed) {
        Random r = new Random(seed);
        int[] s = shape(r, rank, 4);
        int axis = r.nextInt(rank), n = s[axis];
        int[] idx = new int[1 + r.nextInt(5)];
        for (int i = 0; i < idx.length; i++) idx[i] = r.nextInt(n);
        NDArray x = uniform(r, -1, 1, s);
        checkHvp("indexSelect then sin·x", xs -> xs.get(0).indexSelect(axis, idx).sin().sum(new int[] {axis}, true).mul(xs.get(0)), seed, x);
        int[] src = s.clone();
        src[axis] = idx.length;
        checkHvp("scatterAdd then square", xs -> xs.get(0).scatterAdd(axis, idx, n).square().tanh(), seed, uniform(r, -1, 1, src));
        checkHvp("concat of x and x²", xs -> Tensor.concat(axis, xs.get(0), xs.get(0).square()).softplus().mul(xs.get(0).sum()), seed, x);
        int[][] widths = new int[rank][];
        for (int i = 0; i < rank; i++) widths[i] = new int[] {r.nextInt(2), r.nextInt(2)};
        checkHvp("pad then logsumexp", xs -> xs.get(0).pad(widths, 0.3).mul(xs.get(0).pad(widths, -1)).logsumexp(null, false), seed, x);
        checkHvp("permute/reshape/slice", xs -> xs.get(0).transpose(0, -1).reshape(-1).slice(0, 0, x.size(), 2).cos(), seed, x);
        checkHvp("stack and broadcast", xs -> Tensor.stack(0, xs.get(0), xs.get(0).exp()).broadcastTo(concat(new int[] {2, 2}, s)).sumTo(concat(new int[] {2}, s)).square(),
                seed, x);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Example
    void hvpOfASmallNetworkLoss() {
        Random r = new Random(8);
        NDArray x = uniform(r, -1, 1, 5, 3), w1 = uniform(r, -1, 1, 3, 4), b1 = uniform(r, -0.5, 0.5, 4), w2 = uniform(r, -1, 1, 4, 2);
        checkHvp("gelu mlp + cross-entropy", xs -> {
            Tensor h = x(xs).matmul(xs.get(1)).add(xs.get(2)).gelu();
            Tensor logits = h.matmul(xs.get(3));
            return logits.logsumexp(new int[] {1}, false).sub(logits.indexSelect(1, new int[] {0}).reshape(5)).mean();
        }, 3, x, w1, b1, w2);
    }

    private static Tensor x(List<Tensor> xs) {
        return xs.get(0);
    }

    // ------------------------------------------------------------------ higher orders against closed forms

    /** The n-th derivative of a scalar function at a point, by repeated grad with createGraph. */
    private static double nthDerivative(UnaryOperator<Tensor> f, double at, int n) {
        Tensor x = Tensor.variable(NDArray.scalar(at));
        Tensor y = f.apply(x);
        for (int k = 0; k < n; k++) {
            // allowUnused: past a polynomial's degree the derivative no longer depends on x
            y = Autodiff.grad(y, List.of(x), k < n - 1, true).get(0);
        }
        return y.item();
    }

    @Property(tries = 30)
    void repeatedDerivativesMatchClosedForms(@ForAll @DoubleRange(min = -3, max = 3) double at) {
        for (int n = 1; n <= 5; n++) {
            double tol = 1e-12 * Math.pow(10, n / 2); // per-order tolerance, as Hipparchus' tests do
            int order = n;
            assertClose("sin^(" + n + ")", Math.sin(at + n * Math.PI / 2), nthDerivative(Tensor::sin, at, n), tol);
            assertClose("cos^(" + n + ")", Math.cos(at + n * Math.PI / 2), nthDerivative(Tensor::cos, at, n), tol);
            assertClose("exp^(" + n + ")", Math.exp(at), nthDerivative(Tensor::exp, at, n), tol * Math.exp(Math.abs(at)));
            double[] powerRule = {Math.pow(at, 4), 4 * Math.pow(at, 3), 12 * at * at, 24 * at, 24, 0};
            assertClose("(x^4)^(" + order + ")", powerRule[n], nthDerivative(t -> t.pow(4), at, n), tol * 100);
        }
        assertClose("d³/dx³ sin = -cos", -Math.cos(at), nthDerivative(Tensor::sin, at, 3), 1e-12);
        assertClose("d³/dx³ x⁴ = 24x", 24 * at, nthDerivative(t -> t.pow(4), at, 3), 1e-10);
        assertClose("d³/dx³ x·x·x·x = 24x", 24 * at, nthDerivative(t -> t.mul(t).mul(t).mul(t), at, 3), 1e-10);
    }

    @Property(tries = 30)
    void thirdDerivativesOfSmoothOps(@ForAll @DoubleRange(min = 0.3, max = 2.5) double at) {
        // closed forms of d³/dx³
        check3(Tensor::log, x -> 2 / (x * x * x), at);
        check3(Tensor::sqrt, x -> 3.0 / 8 * Math.pow(x, -2.5), at);
        check3(Tensor::reciprocal, x -> -6 / Math.pow(x, 4), at);
        check3(Tensor::tanh, x -> {
            double t = Math.tanh(x);
            return -2 * (1 - t * t) * (1 - 3 * t * t);
        }, at);
        check3(Tensor::sigmoid, x -> {
            double s = 1 / (1 + Math.exp(-x));
            return s * (1 - s) * (1 - 6 * s + 6 * s * s);
        }, at);
        check3(Tensor::erf, x -> 2 / Math.sqrt(Math.PI) * Math.exp(-x * x) * (4 * x * x - 2), at);
        check3(t -> t.pow(2.5), x -> 2.5 * 1.5 * 0.5 * Math.pow(x, -0.5), at);
    }

    private static void check3(UnaryOperator<Tensor> f, DoubleUnaryOperator d3, double at) {
        assertClose("third derivative at " + at, d3.applyAsDouble(at), nthDerivative(f, at, 3), 1e-10);
    }

    private static void assertClose(String what, double expected, double actual, double tol) {
        GradCheck.assertClose(what, expected, actual, tol);
    }

    @Example
    void secondOrderGradientsCarryAGraphOnlyWhenAsked() {
        Tensor x = Tensor.variable(NDArray.vector(0.5, 1.5));
        Tensor g = Autodiff.grad(x.sin().sum(), x, true);
        assertTrue(g.requiresGrad() && g.hasGraph());
        Tensor g2 = Autodiff.grad(x.sin().sum(), x, false);
        assertFalse(g2.requiresGrad() || g2.hasGraph());
        Tensor h = Autodiff.grad(g.sum(), x, false);
        assertEquals(-Math.sin(0.5), h.value().getFlat(0), 1e-15);
        assertEquals(-Math.sin(1.5), h.value().getFlat(1), 1e-15);
    }

    @Example
    void mixedPartialsOfTwoInputs() {
        // f = x²y³ : ∂²f/∂x∂y = 6xy²
        Tensor x = Tensor.variable(NDArray.scalar(1.3)), y = Tensor.variable(NDArray.scalar(-0.7));
        Tensor f = x.pow(2).mul(y.pow(3));
        Tensor fx = Autodiff.grad(f, x, true);
        List<Tensor> second = Autodiff.grad(fx, List.of(x, y), false);
        assertEquals(2 * Math.pow(-0.7, 3), second.get(0).item(), 1e-14);
        assertEquals(6 * 1.3 * 0.49, second.get(1).item(), 1e-14);
    }
}
