package dev.motif.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Per-point model derivatives from one backward pass: hand derivatives, finite differences, Java models against their expressions. */
class PointwiseEvaluatorTest {

    @Test
    void decayDerivativesAreTheHandDerivatives() {
        PointwiseEvaluator ev = new PointwiseEvaluator(ExpressionModel.parse(Models.DECAY_EXPR, List.of("t"), List.of()));
        assertEquals(List.of("t", "A", "tau", "B"), ev.inputNames());
        int m = 4;
        double[] t = {0, 0.5, 1.7, 4};
        double[] a = {2, 2, 3, 3}, tau = {1.5, 1.5, 0.8, 0.8}, b = {0.1, 0.1, -0.2, -0.2};
        double[][] g = new double[4][m];
        double[] f = ev.evaluate(m, new double[][] {t, a, tau, b}, new boolean[] {false, true, true, true}, g);
        for (int i = 0; i < m; i++) {
            double e = Math.exp(-t[i] / tau[i]);
            assertEquals(a[i] * e + b[i], f[i], 1e-15);
            assertEquals(e, g[1][i], 1e-15, "d/dA");
            assertEquals(a[i] * t[i] / (tau[i] * tau[i]) * e, g[2][i], 1e-14, "d/dtau");
            assertEquals(1, g[3][i], 0, "d/dB");
        }
    }

    @Test
    void scalarInputsAndScalarResults() {
        PointwiseEvaluator ev = new PointwiseEvaluator(ExpressionModel.parse("A + 0*x", List.of("x"), List.of()));
        double[][] g = new double[2][3];
        double[] f = ev.evaluate(3, new double[][] {{1, 2, 3}, {5, 5, 5}}, new boolean[] {false, true}, g);
        assertEquals(5, f[2]);
        assertEquals(1, g[1][0]);
        // fixed (scalar) parameter, no derivative wanted
        f = ev.evaluate(3, new double[][] {{1, 2, 3}, {7}}, new boolean[] {false, false}, null);
        assertEquals(7, f[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ev.evaluate(3, new double[][] {{1, 2, 3}, {7}}, new boolean[] {false, true}, g));
        assertEquals("PointwiseEvaluator.evaluate: input 'A' has length 1, expected 3 (a column, since its derivative is wanted)", e.getMessage());
    }

    /** Central differences of each point's value in each parameter, at well-conditioned random points. */
    private static void checkAgainstFiniteDifferences(Model model, Map<String, double[]> ranges, long seed) {
        PointwiseEvaluator ev = new PointwiseEvaluator(model);
        List<String> names = ev.inputNames();
        int m = 7, n = names.size();
        SplittableRandom r = new SplittableRandom(seed);
        double[][] in = new double[n][m];
        boolean[] want = new boolean[n];
        for (int j = 0; j < n; j++) {
            double[] lohi = ranges.get(names.get(j));
            for (int i = 0; i < m; i++) in[j][i] = lohi[0] + (lohi[1] - lohi[0]) * r.nextDouble();
            want[j] = model.parameters().contains(names.get(j));
        }
        double[][] g = new double[n][m];
        ev.evaluate(m, in, want, g);
        for (int j = 0; j < n; j++) {
            if (!want[j]) continue;
            for (int i = 0; i < m; i++) {
                double h = 1e-6 * Math.max(1, Math.abs(in[j][i]));
                double[][] plus = copy(in), minus = copy(in);
                plus[j][i] += h;
                minus[j][i] -= h;
                double fd = (ev.evaluate(m, plus, null, null)[i] - ev.evaluate(m, minus, null, null)[i]) / (2 * h);
                assertEquals(fd, g[j][i], 1e-6 * Math.max(1, Math.abs(fd)), model.formula() + ": d/d" + names.get(j) + " at point " + i);
            }
        }
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }

    @Test
    void everyFunctionAgainstFiniteDifferences() {
        Model m = ExpressionModel.parse(
                "a*exp(-x/b) + log(b + x^2) + sqrt(c*x + 3) - sin(a*x)*cos(b) + tan(x/4) + tanh(c*x) + abs(a - 2*x)"
                        + " + erf(x - c) + pow(b, c) + min(a, x) + max(b*x, 1) + x^c + c^x + (x - c)^3/(a + 2)",
                List.of("x"), List.of());
        Map<String, double[]> ranges = Map.of("x", new double[] {0.3, 1.7}, "a", new double[] {4, 5},
                "b", new double[] {0.5, 2}, "c", new double[] {0.6, 1.4});
        for (long seed = 1; seed <= 5; seed++) checkAgainstFiniteDifferences(m, ranges, seed);
    }

    @Test
    void predefinedModelsAgainstFiniteDifferences() {
        double[] pos = {0.5, 3};
        Map<String, double[]> r = Map.ofEntries(Map.entry("t", new double[] {0, 5}), Map.entry("S", pos), Map.entry("I", new double[] {0, 2}),
                Map.entry("x", pos), Map.entry("A", pos), Map.entry("tau", pos), Map.entry("B", pos), Map.entry("Vmax", pos),
                Map.entry("Km", pos), Map.entry("Ki", pos), Map.entry("alpha", pos), Map.entry("x0", new double[] {0.5, 2}),
                Map.entry("w", pos), Map.entry("g", pos), Map.entry("K", pos), Map.entry("n", pos));
        for (Model m : Models.predefined().values()) checkAgainstFiniteDifferences(m, r, 11);
    }

    /** Each Java model computes what its expression string says, values and derivatives. */
    @Test
    void javaModelsEqualTheirExpressions() {
        SplittableRandom r = new SplittableRandom(3);
        for (Model java : Models.predefined().values()) {
            Model expr = ExpressionModel.parse(java.formula(), java.variables(), java.covariates());
            assertEquals(Set.copyOf(java.parameters()), Set.copyOf(expr.parameters()), java.formula());
            PointwiseEvaluator a = new PointwiseEvaluator(java), b = new PointwiseEvaluator(expr);
            List<String> na = a.inputNames(), nb = b.inputNames();
            int n = na.size(), m = 5;
            double[][] in = new double[n][m], inB = new double[n][];
            boolean[] want = new boolean[n], wantB = new boolean[n];
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < m; i++) in[j][i] = 0.5 + 2 * r.nextDouble();
                want[j] = java.parameters().contains(na.get(j));
                inB[nb.indexOf(na.get(j))] = in[j];
                wantB[nb.indexOf(na.get(j))] = want[j];
            }
            double[][] ga = new double[n][m], gb = new double[n][m];
            double[] fa = a.evaluate(m, in, want, ga), fb = b.evaluate(m, inB, wantB, gb);
            for (int i = 0; i < m; i++) {
                assertEquals(fb[i], fa[i], 1e-13 * Math.abs(fb[i]), java.formula());
                for (int j = 0; j < n; j++) {
                    double want2 = gb[nb.indexOf(na.get(j))][i];
                    assertEquals(want2, ga[j][i], 1e-12 * Math.max(1, Math.abs(want2)), java.formula() + " d/d" + na.get(j));
                }
            }
        }
    }
}
