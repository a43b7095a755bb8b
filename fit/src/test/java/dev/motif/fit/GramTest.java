package dev.motif.fit;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The normal equations {@link BlockKernels#accumulate} forms, on both paths (rows of at most four
 * columns in registers; wider rows as packed column dot products), against JᵀJ, Jᵀr and χ² summed
 * element by element from the Jacobian itself.
 */
class GramTest {
    /** A problem whose residuals and Jacobian are fixed seeded numbers (accumulation does not care where they come from). */
    private record Table(int k, int g, int l, int[] n, double[][] r, double[][] jg, double[][] jl) implements GlobalProblem {
        static Table random(int k, int g, int l, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            int[] n = new int[k];
            double[][] r = new double[k][], jg = new double[k][], jl = new double[k][];
            for (int d = 0; d < k; d++) {
                n[d] = 1 + rng.nextInt(37); // odd sizes, so unrolled loops have remainders
                r[d] = rng.doubles(n[d], -2, 2).toArray();
                jg[d] = rng.doubles((long) n[d] * g, -3, 3).toArray();
                jl[d] = rng.doubles((long) n[d] * l, -3, 3).toArray();
            }
            return new Table(k, g, l, n, r, jg, jl);
        }

        @Override public int datasetCount() { return k; }
        @Override public int globalCount() { return g; }
        @Override public int localCount() { return l; }
        @Override public int pointCount(int d) { return n[d]; }
        @Override public String globalName(int j) { return "g" + j; }
        @Override public String localName(int j) { return "l" + j; }
        @Override public String datasetName(int d) { return "d" + d; }
        @Override public double globalLower(int j) { return Double.NEGATIVE_INFINITY; }
        @Override public double globalUpper(int j) { return Double.POSITIVE_INFINITY; }
        @Override public double localLower(int j) { return Double.NEGATIVE_INFINITY; }
        @Override public double localUpper(int j) { return Double.POSITIVE_INFINITY; }

        @Override
        public void evaluate(int from, int to, double[] global, double[] local, double[] out, double[] outG, double[] outL) {
            int row = 0;
            for (int d = from; d < to; d++) {
                System.arraycopy(r[d], 0, out, row, n[d]);
                System.arraycopy(jg[d], 0, outG, row * g, n[d] * g);
                System.arraycopy(jl[d], 0, outL, row * l, n[d] * l);
                row += n[d];
            }
        }
    }

    @Test
    void blocksEqualSumsOverTheJacobianForEveryWidth() {
        // (G, L): row widths G + L + 1 from 1 to 7, across the four-column fast path and the general one
        int[][] shapes = {{0, 0}, {1, 0}, {0, 1}, {2, 1}, {1, 2}, {3, 0}, {0, 3}, {2, 2}, {4, 2}, {3, 3}};
        for (int[] s : shapes) {
            int G = s[0], L = s[1], K = 9;
            Table t = Table.random(K, G, L, 31L * G + L);
            NormalEquations ne = new NormalEquations(K, G, L);
            new BlockKernels(t, false).accumulate(new double[G], new double[K * L], ne);
            assertTrue(ne.finite);
            double[] a = new double[G * G], gg = new double[G];
            double chi = 0;
            for (int d = 0; d < K; d++) {
                double chiK = 0;
                for (int i = 0; i < t.n[d]; i++) {
                    double ri = t.r[d][i];
                    chiK += ri * ri;
                    for (int p = 0; p < G; p++) {
                        gg[p] += t.jg[d][i * G + p] * ri;
                        for (int q = 0; q < G; q++) a[p * G + q] += t.jg[d][i * G + p] * t.jg[d][i * G + q];
                    }
                }
                assertEquals(chiK, ne.chi2k[d], 1e-12 * Math.max(1, chiK), "G=" + G + " L=" + L + " chi2 of dataset " + d);
                chi += chiK;
            }
            for (int p = 0; p < G; p++) {
                assertEquals(gg[p], ne.gg[p], 1e-10, "G=" + G + " L=" + L + " Jg'r " + p);
                for (int q = 0; q < G; q++) assertEquals(a[p * G + q], ne.a[p * G + q], 1e-10, "G=" + G + " L=" + L + " A " + p + "," + q);
            }
            assertEquals(chi, ne.chi2, 1e-10 * chi);
            for (int d = 0; d < K; d++) {
                for (int i = 0; i < L * L; i++) assertEquals(expected(t, d, i, 'b'), ne.b[d * L * L + i], 1e-10, "B block");
                for (int i = 0; i < L * G; i++) assertEquals(expected(t, d, i, 'c'), ne.c[d * L * G + i], 1e-10, "C block");
                for (int i = 0; i < L; i++) assertEquals(expected(t, d, i, 'g'), ne.gl[d * L + i], 1e-10, "Jl'r");
            }
        }
    }

    /** Element i of dataset d's B block ('b'), C block ('c') or Jlᵀr ('g'), summed directly. */
    private static double expected(Table t, int d, int i, char block) {
        int G = t.g, L = t.l;
        double s = 0;
        for (int row = 0; row < t.n[d]; row++) {
            switch (block) {
                case 'b' -> s += t.jl[d][row * L + i / L] * t.jl[d][row * L + i % L];
                case 'c' -> s += t.jl[d][row * L + i / G] * t.jg[d][row * G + i % G];
                default -> s += t.jl[d][row * L + i] * t.r[d][row];
            }
        }
        return s;
    }
}
