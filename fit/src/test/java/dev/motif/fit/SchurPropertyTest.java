package dev.motif.fit;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Schur-complement step equals the dense step for any small block problem, damping and held set. */
class SchurPropertyTest {
    @Property(tries = 200)
    void schurEqualsDense(@ForAll @IntRange(min = 1, max = 6) int datasets, @ForAll boolean localB,
                          @ForAll @DoubleRange(min = -6, max = 2) double log10Lambda,
                          @ForAll @IntRange(min = 0, max = 1 << 12) int heldMask, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] amplitudes = new double[datasets];
        for (int k = 0; k < datasets; k++) amplitudes[k] = 0.2 + 3 * rng.nextDouble();
        DecayProblem p = DecayProblem.simulate(amplitudes, 12, 0.5 + rng.nextDouble(), rng.nextDouble(), 0.1, localB, rng);
        int g = p.globalCount();
        int l = p.localCount();
        int n = g + datasets * l;
        double[] global = new double[g];
        double[] local = new double[datasets * l];
        for (int j = 0; j < g; j++) global[j] = 0.5 + rng.nextDouble();
        for (int j = 0; j < local.length; j++) local[j] = rng.nextDouble() * 2;
        BlockKernels kernels = new BlockKernels(p, rng.nextBoolean());
        NormalEquations ne = new NormalEquations(datasets, g, l);
        kernels.accumulate(global, local, ne);
        double[] d2 = new double[n];
        boolean[] held = new boolean[n];
        for (int i = 0; i < n; i++) {
            d2[i] = ne.diagonal(i) * (0.5 + rng.nextDouble());
            held[i] = i < 12 && (heldMask >> i & 1) == 1;
        }
        double lambda = Math.pow(10, log10Lambda);
        double[] sg = new double[g];
        double[] sl = new double[n - g];
        double[] dg = new double[g];
        double[] dl = new double[n - g];
        boolean schur = kernels.solveSchur(ne, lambda, d2, held, sg, sl);
        boolean dense = BlockKernels.solveDense(ne, lambda, d2, held, dg, dl);
        assertTrue(schur && dense);
        double scale = 0;
        double diff = 0;
        for (int j = 0; j < g; j++) {
            scale = Math.max(scale, Math.abs(dg[j]));
            diff = Math.max(diff, Math.abs(sg[j] - dg[j]));
        }
        for (int j = 0; j < n - g; j++) {
            scale = Math.max(scale, Math.abs(dl[j]));
            diff = Math.max(diff, Math.abs(sl[j] - dl[j]));
        }
        assertTrue(diff <= 1e-9 * scale, "difference " + diff + " at scale " + scale);
    }
}
