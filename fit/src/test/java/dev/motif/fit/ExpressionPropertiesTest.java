package dev.motif.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.motif.array.NDArray;
import dev.motif.array.SpecialFunctions;
import dev.motif.autodiff.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random expressions built from the grammar: printed with only the parentheses precedence needs,
 * parsed back, and evaluated on doubles and on tensors, against a direct evaluation of the
 * generated tree (which never went through the parser).
 */
class ExpressionPropertiesTest {

    /** A generated tree; {@code value} evaluates it directly. */
    private sealed interface T permits Lit, Var, Neg, Bin, Call {}

    private record Lit(double v) implements T {}

    private record Var(String name) implements T {}

    private record Neg(T a) implements T {}

    private record Bin(char op, T l, T r) implements T {}

    private record Call(String fn, T a, T b) implements T {}

    private static final String[] UNARY = {"exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "abs", "erf"};
    private static final String[] BINARY = {"pow", "min", "max"};
    private static final String OPS = "+-*/^";

    private static T gen(SplittableRandom r, int depth) {
        int k = depth <= 0 ? r.nextInt(2) : r.nextInt(8);
        switch (k) {
            case 0: return new Lit(r.nextInt(4) == 0 ? r.nextInt(10) : Math.round(r.nextDouble() * 1e4) / 1e3 * Math.pow(10, r.nextInt(5) - 2));
            case 1: return new Var(new String[] {"x", "y", "a_1"}[r.nextInt(3)]);
            case 2: return new Neg(gen(r, depth - 1));
            case 3: case 4: case 5: return new Bin(OPS.charAt(r.nextInt(OPS.length())), gen(r, depth - 1), gen(r, depth - 1));
            case 6: return new Call(UNARY[r.nextInt(UNARY.length)], gen(r, depth - 1), null);
            default: return new Call(BINARY[r.nextInt(BINARY.length)], gen(r, depth - 1), gen(r, depth - 1));
        }
    }

    private static double value(T t, Map<String, Double> env) {
        if (t instanceof Lit l) return l.v();
        if (t instanceof Var v) return env.get(v.name());
        if (t instanceof Neg n) return -value(n.a(), env);
        if (t instanceof Bin b) {
            double l = value(b.l(), env), r = value(b.r(), env);
            switch (b.op()) {
                case '+': return l + r;
                case '-': return l - r;
                case '*': return l * r;
                case '/': return l / r;
                default: return Math.pow(l, r);
            }
        }
        Call c = (Call) t;
        double a = value(c.a(), env);
        switch (c.fn()) {
            case "exp": return Math.exp(a);
            case "log": return Math.log(a);
            case "sqrt": return Math.sqrt(a);
            case "sin": return Math.sin(a);
            case "cos": return Math.cos(a);
            case "tan": return Math.sin(a) / Math.cos(a);
            case "tanh": return Math.tanh(a);
            case "abs": return Math.abs(a);
            case "erf": return SpecialFunctions.erf(a);
            default:
        }
        double b = value(c.b(), env);
        // pow follows Math.pow (pow(NaN, 0) = 1, as x^0 is); only a NaN in min or max makes NaN
        if (c.fn().equals("pow")) return Math.pow(a, b);
        if (Double.isNaN(a) || Double.isNaN(b)) return Double.NaN;
        return c.fn().equals("min") ? Math.min(a, b) : Math.max(a, b);
    }

    /** Binding levels: 1 for + -, 2 for * /, 3 for unary minus, 4 for ^, 5 for atoms and calls. */
    private static int level(T t) {
        if (t instanceof Bin b) return b.op() == '+' || b.op() == '-' ? 1 : b.op() == '^' ? 4 : 2;
        if (t instanceof Neg) return 3;
        return 5;
    }

    /** Prints with the fewest parentheses that keep the tree (a right operand of the same level gets them). */
    private static String print(T t) {
        if (t instanceof Lit l) return Double.toString(l.v());
        if (t instanceof Var v) return v.name();
        if (t instanceof Neg n) return "-" + wrap(n.a(), level(n.a()) < 3);
        if (t instanceof Bin b) {
            int lv = level(b);
            if (b.op() == '^') return wrap(b.l(), level(b.l()) < 5) + "^" + wrap(b.r(), level(b.r()) < 3);
            return wrap(b.l(), level(b.l()) < lv) + " " + b.op() + " " + wrap(b.r(), level(b.r()) <= lv && level(b.r()) != 3);
        }
        Call c = (Call) t;
        return c.fn() + "(" + print(c.a()) + (c.b() == null ? "" : ", " + print(c.b())) + ")";
    }

    private static String wrap(T t, boolean parens) {
        return parens ? "(" + print(t) + ")" : print(t);
    }

    @Property(tries = 400)
    void parsedExpressionsEvaluateLikeTheTreeTheyCameFrom(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        T tree = gen(r, 4);
        String src = print(tree);
        Expression e = Expression.parse(src);
        double[] xs = new double[5];
        for (int i = 0; i < xs.length; i++) xs[i] = r.nextDouble() * 4 - 2;
        double y = r.nextDouble() * 3, a = r.nextDouble() * 2 - 1;
        // Tensor path: x is a column of 5 points, y and a_1 scalars
        Tensor out = e.tensor(n -> n.equals("x") ? Tensor.constant(NDArray.vector(xs)) : Tensor.scalar(n.equals("y") ? y : a));
        for (int i = 0; i < xs.length; i++) {
            Map<String, Double> env = Map.of("x", xs[i], "y", y, "a_1", a);
            double want = value(tree, env);
            double direct = e.value(env::get);
            double tensor = out.size() == 1 ? out.value().getFlat(0) : out.value().getFlat(i);
            assertEquals(want, direct, 0.0, () -> src + " at " + env + " (doubles)");
            if (Double.isFinite(want)) assertEquals(want, tensor, Math.abs(want) * 1e-14, () -> src + " at " + env + " (tensors)");
            else assertEquals(want, tensor, () -> src + " at " + env + " (tensors)");
        }
    }

    /**
     * The fast tape ({@link ExpressionKernel}) against the Tensor path on random expressions: the
     * same values, and the same per-point derivatives in the two parameters wherever the Tensor
     * path's are finite.
     */
    @Property(tries = 300)
    void kernelMatchesTheTensorPath(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        T tree = gen(r, 4);
        String src = print(tree);
        ExpressionModel model;
        try {
            model = ExpressionModel.parse(src, List.of("x"), List.of());
        } catch (IllegalArgumentException noVariable) {
            model = ExpressionModel.parse("x + " + src, List.of("x"), List.of());
        }
        List<String> ps = model.parameters();
        int m = 6, np = ps.size();
        double[] xs = new double[m];
        for (int i = 0; i < m; i++) xs[i] = r.nextDouble() * 4 - 2;
        double[] scalars = new double[np];
        for (int j = 0; j < np; j++) scalars[j] = r.nextDouble() * 3 - 1;
        double[][] cols = new double[1 + np][];
        boolean[] want = new boolean[1 + np];
        cols[0] = xs;
        for (int j = 0; j < np; j++) {
            cols[1 + j] = new double[m];
            java.util.Arrays.fill(cols[1 + j], scalars[j]);
            want[1 + j] = true;
        }
        double[][] g = new double[1 + np][m];
        double[] f = new PointwiseEvaluator(model).evaluate(m, cols, want, g);
        ExpressionKernel k = new ExpressionKernel(model);
        ExpressionKernel.Workspace ws = k.newWorkspace();
        k.run(ws, new double[][] {xs}, 0, m, scalars, true);
        for (int i = 0; i < m; i++) {
            int at = i;
            if (Double.isFinite(f[i])) assertEquals(f[i], ws.values()[i], Math.abs(f[i]) * 1e-14, () -> src + " value at point " + at);
            else assertEquals(f[i], ws.values()[i], () -> src + " value at point " + at);
            for (int j = 0; j < np; j++) {
                double want2 = g[1 + j][i], got = ws.derivative(j)[i];
                if (!Double.isFinite(want2)) continue;
                String name = ps.get(j);
                assertEquals(want2, got, 1e-9 * Math.max(1, Math.abs(want2)), () -> src + " d/d" + name + " at point " + at);
            }
        }
    }
}
