package dev.motif.linalg;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Block-arrow systems: small ones by hand, random ones against the dense solve. */
class BlockArrowTest {
    /** [[4, 1, 1], [1, 2, 0], [1, 0, 3]]: G = 1, K = 2, L = 1. */
    private static BlockArrow small() {
        return BlockArrow.of(2, 1, 1, new double[] {4}, new double[] {2, 3}, new double[] {1, 1});
    }

    @Test
    void solvesASmallSystemByHand() {
        BlockArrow m = small();
        assertEquals(3, m.unknowns());
        assertArrayEquals(new double[] {4, 1, 1, 1, 2, 0, 1, 0, 3}, m.toDense(), 0.0);
        double[] x = new double[3];
        assertEquals(Cholesky.DEFINITE, m.solve(new double[] {6, 3, 4}, x));
        assertArrayEquals(new double[] {1, 1, 1}, x, 1e-15);
        double[] y = new double[3];
        assertEquals(Cholesky.DEFINITE, m.solveDense(new double[] {6, 3, 4}, y));
        assertArrayEquals(new double[] {1, 1, 1}, y, 1e-15);
    }

    @Test
    void aShiftAndHeldUnknownsByHand() {
        // + 0.5·diag(4, 2, 3) = [[6, 1, 1], [1, 3, 0], [1, 0, 4.5]]; holding unknown 1 leaves
        // [[6, 1], [1, 4.5]] (x0, x2) = (7, 5.5), so x = (1, 0, 1) whatever r1 says
        BlockArrow m = small().shifted(0.5, new double[] {4, 2, 3}).holding(new boolean[] {false, true, false});
        assertArrayEquals(new double[] {6, 0, 1, 0, 1, 0, 1, 0, 4.5}, m.toDense(), 0.0);
        double[] x = new double[3];
        assertEquals(Cholesky.DEFINITE, m.solve(new double[] {7, 100, 5.5}, x));
        assertArrayEquals(new double[] {1, 0, 1}, x, 1e-15);
        // holding the border leaves the blocks alone: 2.5·x1 = 5, 5.5·x2 = 11 with the shift 0.5·(1, 5)
        BlockArrow b = small().shifted(0.5, new double[] {1, 1, 5}).holding(new boolean[] {true, false, false});
        assertEquals(Cholesky.DEFINITE, b.solve(new double[] {-9, 5, 11}, x));
        assertArrayEquals(new double[] {0, 2, 2}, x, 1e-15);
    }

    @Test
    void failuresNameTheUnknown() {
        // block 1 (unknowns 3, 4) is [[1, 2], [2, 1]]: pivot 1 of that block is unknown 1 + 1·2 + 1 = 4
        double[] b = {2, 0, 0, 2, 1, 2, 2, 1};
        BlockArrow m = BlockArrow.of(2, 1, 2, new double[] {10}, b, new double[] {0, 0, 0, 0});
        double[] x = new double[5];
        assertEquals(4, m.solve(new double[5], x));
        assertEquals(4, m.solveDense(new double[5], x));
        // blocks fine, border not: 1 − (1·1/2 + 1·1/3) < 0 at border pivot 0
        BlockArrow border = BlockArrow.of(2, 1, 1, new double[] {0.5}, new double[] {2, 3}, new double[] {1, 1});
        assertEquals(0, border.solve(new double[3], new double[3]));
        // a big enough shift cures both
        assertEquals(Cholesky.DEFINITE, m.shifted(5, new double[] {1, 1, 1, 1, 1}).solve(new double[5], x));
    }

    @Test
    void wrongShapesAreRefused() {
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
                () -> BlockArrow.of(2, 1, 1, new double[] {4, 0}, new double[] {2, 3}, new double[] {1, 1}));
        assertTrue(a.getMessage().contains("a (G×G) must have 1 values, got 2"), a.getMessage());
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                () -> BlockArrow.of(2, 1, 1, new double[] {4}, new double[] {2, 3}, null));
        assertTrue(c.getMessage().contains("got null"), c.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BlockArrow.of(-1, 1, 1, new double[1], new double[0], new double[0]));
        assertThrows(IllegalArgumentException.class, () -> small().shifted(1, new double[2]));
        assertThrows(IllegalArgumentException.class, () -> small().shifted(Double.NaN, new double[3]));
        assertThrows(IllegalArgumentException.class, () -> small().holding(new boolean[4]));
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> small().solve(new double[2], new double[3]));
        assertTrue(r.getMessage().contains("3 values (G + K·L = 1 + 2·1)"), r.getMessage());
        SchurComplement other = new SchurComplement(3, 1, 1);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> other.eliminate(small(), new double[3], 0, 2, other.partial()));
        assertTrue(shape.getMessage().contains("K = 3") && shape.getMessage().contains("K = 2"), shape.getMessage());
        SchurComplement schur = new SchurComplement(2, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> schur.eliminate(small(), new double[3], 1, 3, schur.partial()));
        assertThrows(IllegalArgumentException.class, () -> schur.backSubstitute(0, 2, new double[2]));
    }

    /** A random positive definite block-arrow matrix: JᵀJ + ridge·I of a Jacobian with the block structure. */
    static BlockArrow random(SplittableRandom rng, int k, int g, int l, double ridge) {
        int n = g + k * l;
        double[] dense = new double[n * n];
        for (int blk = 0; blk < k; blk++) {
            int rows = l + g + 1;
            for (int r = 0; r < rows; r++) {
                double[] row = new double[n];
                for (int j = 0; j < g; j++) row[j] = rng.nextDouble(-1, 1);
                for (int j = 0; j < l; j++) row[g + blk * l + j] = rng.nextDouble(-1, 1);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) dense[i * n + j] += row[i] * row[j];
                }
            }
        }
        for (int i = 0; i < n; i++) dense[i * n + i] += ridge;
        double[] a = new double[g * g];
        double[] b = new double[k * l * l];
        double[] c = new double[k * l * g];
        for (int i = 0; i < g; i++) System.arraycopy(dense, i * n, a, i * g, g);
        for (int blk = 0; blk < k; blk++) {
            for (int p = 0; p < l; p++) {
                int row = g + blk * l + p;
                System.arraycopy(dense, row * n + g + blk * l, b, blk * l * l + p * l, l);
                System.arraycopy(dense, row * n, c, blk * l * g + p * g, g);
            }
        }
        return BlockArrow.of(k, g, l, a, b, c);
    }

    @Property(tries = 300)
    void schurEqualsDense(@ForAll @IntRange(min = 0, max = 6) int k, @ForAll @IntRange(min = 0, max = 3) int g,
                          @ForAll @IntRange(min = 0, max = 3) int l, @ForAll @DoubleRange(min = -6, max = 2) double log10Lambda,
                          @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        BlockArrow m = random(rng, k, g, l, 1e-3);
        int n = m.unknowns();
        double[] scale = new double[n];
        boolean[] held = new boolean[n];
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            scale[i] = rng.nextDouble(0.5, 2);
            held[i] = rng.nextInt(4) == 0;
            r[i] = rng.nextDouble(-1, 1);
        }
        BlockArrow damped = m.shifted(Math.pow(10, log10Lambda), scale).holding(held);
        double[] x = new double[n];
        double[] y = new double[n];
        assertEquals(Cholesky.DEFINITE, damped.solve(r, x));
        assertEquals(Cholesky.DEFINITE, damped.solveDense(r, y));
        double scaleOfX = 0;
        double diff = 0;
        for (int i = 0; i < n; i++) {
            scaleOfX = Math.max(scaleOfX, Math.abs(y[i]));
            diff = Math.max(diff, Math.abs(x[i] - y[i]));
            if (held[i]) assertEquals(0, x[i], 0.0, "held unknown " + i);
        }
        assertTrue(diff <= 1e-9 * scaleOfX, "difference " + diff + " at scale " + scaleOfX);
        // and the unknowns that are not held satisfy their rows of the shifted system
        double[] dense = damped.toDense();
        for (int i = 0; i < n; i++) {
            if (held[i]) continue;
            double s = 0;
            double size = Math.abs(r[i]);
            for (int j = 0; j < n; j++) {
                s += dense[i * n + j] * x[j];
                size += Math.abs(dense[i * n + j] * x[j]);
            }
            assertEquals(r[i], s, 1e-12 * size, "row " + i);
        }
    }

    @Property(tries = 100)
    void theResultDependsOnTheRangesNotOnTheOrderTheyRunIn(@ForAll @IntRange(min = 1, max = 12) int k,
                                                             @ForAll @IntRange(min = 0, max = 3) int g,
                                                             @ForAll @IntRange(min = 1, max = 3) int l, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        BlockArrow m = random(rng, k, g, l, 1e-2);
        int n = m.unknowns();
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = rng.nextDouble(-1, 1);
        List<Integer> cuts = new ArrayList<>(List.of(0));
        for (int b = 1; b < k; b++) if (rng.nextBoolean()) cuts.add(b);
        cuts.add(k);
        double[] forward = solveInRanges(m, r, cuts, false);
        double[] backward = solveInRanges(m, r, cuts, true);
        assertArrayEquals(forward, backward, 0.0);
        // one range is the serial solve
        double[] serial = new double[n];
        assertEquals(Cholesky.DEFINITE, m.solve(r, serial));
        assertArrayEquals(serial, solveInRanges(m, r, List.of(0, k), false), 0.0);
    }

    /** Eliminates and back-substitutes the ranges between cuts, last range first if {@code reversed}. */
    private static double[] solveInRanges(BlockArrow m, double[] r, List<Integer> cuts, boolean reversed) {
        SchurComplement schur = new SchurComplement(m.blocks(), m.border(), m.blockSize());
        int ranges = cuts.size() - 1;
        List<SchurComplement.Partial> parts = new ArrayList<>();
        for (int t = 0; t < ranges; t++) parts.add(schur.partial());
        for (int i = 0; i < ranges; i++) {
            int t = reversed ? ranges - 1 - i : i;
            assertEquals(Cholesky.DEFINITE, schur.eliminate(m, r, cuts.get(t), cuts.get(t + 1), parts.get(t)));
        }
        double[] x = new double[m.unknowns()];
        assertEquals(Cholesky.DEFINITE, schur.solveBorder(m, r, parts, x));
        for (int i = 0; i < ranges; i++) {
            int t = reversed ? ranges - 1 - i : i;
            schur.backSubstitute(cuts.get(t), cuts.get(t + 1), x);
        }
        return x;
    }
}
