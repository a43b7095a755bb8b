package dev.motif.fit;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The tiled Gram kernel against the plain sums, for even and odd column counts. */
class GramTest {
    @Test
    void tiledGramEqualsPlainSums() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int w = 1; w <= 7; w++) {
            for (int n : new int[] {0, 1, 5, 33}) {
                double[] c = new double[n * w];
                for (int i = 0; i < c.length; i++) c[i] = rng.nextDouble() - 0.5;
                double[] out = new double[w * w];
                BlockKernels.gram(c, n, w, out);
                for (int p = 0; p < w; p++) {
                    for (int q = p; q < w; q++) {
                        double s = 0;
                        for (int i = 0; i < n; i++) s += c[p * n + i] * c[q * n + i];
                        assertEquals(s, out[p * w + q], 1e-14, "w " + w + ", n " + n + ", entry " + p + "," + q);
                    }
                }
            }
        }
    }
}
