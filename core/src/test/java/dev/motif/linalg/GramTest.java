package dev.motif.linalg;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Gram matrices against hand-computed values and plain sums. */
class GramTest {
    private static final double[] J = {
        1, 2,
        3, 4,
        5, 6};

    @Test
    void gramOfASmallMatrixByHand() {
        // columns (1, 3, 5) and (2, 4, 6): 1+9+25, 2+12+30, 4+16+36
        assertArrayEquals(new double[] {35, 44, 44, 56}, Gram.of(J, 3, 2, null), 0.0);
        // W = diag(1, 0, 2): 1+0+50, 2+0+60, 4+0+72
        assertArrayEquals(new double[] {51, 62, 62, 76}, Gram.of(J, 3, 2, new double[] {1, 0, 2}), 0.0);
        assertArrayEquals(new double[0], Gram.of(new double[0], 4, 0, null), 0.0);
        assertArrayEquals(new double[4], Gram.of(new double[0], 0, 2, null), 0.0, "no rows: zero");
    }

    @Test
    void tiledGramEqualsPlainSums() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int w = 1; w <= 7; w++) {
            for (int n : new int[] {0, 1, 5, 33}) {
                double[] c = new double[n * w];
                for (int i = 0; i < c.length; i++) c[i] = rng.nextDouble() - 0.5;
                double[] weight = new double[n];
                for (int i = 0; i < n; i++) weight[i] = rng.nextDouble(0, 3);
                double[] out = new double[w * w];
                double[] outW = new double[w * w];
                Gram.upperOfColumns(c, n, w, out);
                Gram.upperOfColumns(c, n, w, weight, outW);
                for (int p = 0; p < w; p++) {
                    for (int q = p; q < w; q++) {
                        double s = 0;
                        double sw = 0;
                        for (int i = 0; i < n; i++) {
                            s += c[p * n + i] * c[q * n + i];
                            sw += (weight[i] * c[p * n + i]) * c[q * n + i];
                        }
                        // each entry is one sum in row order, so it is the plain sum exactly
                        assertEquals(s, out[p * w + q], 0.0, "w " + w + ", n " + n + ", entry " + p + "," + q);
                        assertEquals(sw, outW[p * w + q], 0.0, "weighted, w " + w + ", n " + n + ", entry " + p + "," + q);
                    }
                }
            }
        }
    }

    @Test
    void gramOfRowsIsSymmetricAndMatchesTheColumnKernel() {
        SplittableRandom rng = new SplittableRandom(2);
        int rows = 17;
        int cols = 5;
        double[] j = new double[rows * cols];
        for (int i = 0; i < j.length; i++) j[i] = rng.nextDouble(-1, 1);
        double[] g = Gram.of(j, rows, cols, null);
        for (int p = 0; p < cols; p++) {
            for (int q = 0; q < cols; q++) {
                double s = 0;
                for (int i = 0; i < rows; i++) s += j[i * cols + p] * j[i * cols + q];
                assertEquals(s, g[p * cols + q], 0.0, "entry " + p + "," + q);
                assertEquals(g[q * cols + p], g[p * cols + q], 0.0);
            }
        }
    }

    @Test
    void wrongSizesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gram.of(J, 2, 2, null));
        assertTrue(e.getMessage().contains("2×2") && e.getMessage().contains("got 6"), e.getMessage());
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> Gram.of(J, 3, 2, new double[2]));
        assertTrue(w.getMessage().contains("expected 3 weights"), w.getMessage());
        IllegalArgumentException out = assertThrows(IllegalArgumentException.class, () -> Gram.upperOfColumns(J, 3, 2, new double[3]));
        assertTrue(out.getMessage().contains("room for 4 results"), out.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Gram.upperOfColumns(J, 3, 3, new double[9]));
        assertThrows(IllegalArgumentException.class, () -> Gram.upperOfColumns(J, 3, 2, new double[1], new double[4]));
    }
}
