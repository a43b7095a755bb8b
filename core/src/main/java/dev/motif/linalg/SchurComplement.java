package dev.motif.linalg;

import java.util.Arrays;
import java.util.List;

/**
 * Solves a {@link BlockArrow} system {@code M x = r} by eliminating its diagonal blocks: with
 * {@code B̃_k} the (shifted) blocks,
 *
 * <pre>
 *     S   = Ã − Σ_k C_kᵀ B̃_k⁻¹ C_k                 (the Schur complement, G×G)
 *     x_0 = S⁻¹ (r_0 − Σ_k C_kᵀ B̃_k⁻¹ r_k)        (the border)
 *     x_k = B̃_k⁻¹ (r_k − C_k x_0)                 (each block)
 * </pre>
 *
 * at a cost of O(K·(L³ + L²G + LG²) + G³) and O(K·L·G) memory: linear in the number of blocks.
 *
 * <p>The work comes in three steps so a caller can spread the blocks over threads or machines:
 * {@link #eliminate} a range of blocks into a {@link Partial}, {@link #solveBorder} once with the
 * partials in a fixed order, then {@link #backSubstitute} each range. Adding the partials in the
 * caller's order (not as they finish) makes the result independent of scheduling. {@link #solve}
 * does all three on one thread. The workspace keeps {@code B̃_k⁻¹C_k} and {@code B̃_k⁻¹r_k}
 * between the steps, and can be reused for the next system of the same shape.
 *
 * <pre>{@code
 * SchurComplement schur = new SchurComplement(k, g, l);      // once
 * // each iteration, with the blocks split into ranges [start[t], start[t+1]):
 * Partial[] parts = ...one schur.partial() per range...;
 * ranges.parallel().forEach(t -> bad[t] = schur.eliminate(m, r, start[t], start[t + 1], parts[t]));
 * int pivot = schur.solveBorder(m, r, List.of(parts), x);
 * ranges.parallel().forEach(t -> schur.backSubstitute(start[t], start[t + 1], x));
 * }</pre>
 */
public final class SchurComplement {
    private final int blocks;
    private final int border;
    private final int size;
    /** B̃_k⁻¹ C_k, block k at k·L·G. */
    private final double[] w;
    /** B̃_k⁻¹ r_k, block k at k·L. */
    private final double[] u;

    /**
     * A workspace for block-arrow systems with K = {@code blocks} blocks of order L = {@code size}
     * and a border of order G = {@code border}.
     *
     * @throws IllegalArgumentException if a size is negative or the workspace would not fit in a Java array
     */
    public SchurComplement(int blocks, int border, int size) {
        if (blocks < 0 || border < 0 || size < 0 || (long) blocks * size * Math.max(1, border) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("SchurComplement: expected K, G, L >= 0 with K·L·G within one Java array, got K = "
                    + blocks + ", G = " + border + ", L = " + size);
        }
        this.blocks = blocks;
        this.border = border;
        this.size = size;
        w = new double[blocks * size * border];
        u = new double[blocks * size];
    }

    /**
     * The contributions {@code Σ C_kᵀ B̃_k⁻¹ C_k} and {@code Σ C_kᵀ B̃_k⁻¹ r_k} of a range of blocks,
     * and scratch space for eliminating them. One per concurrent {@link #eliminate} call.
     */
    public static final class Partial {
        final double[] s;
        final double[] h;
        final double[] bt;
        final double[] cm;

        private Partial(int g, int l) {
            s = new double[g * g];
            h = new double[g];
            bt = new double[l * l];
            cm = new double[l * g];
        }
    }

    /** Empty partial sums for one range of blocks. */
    public Partial partial() {
        return new Partial(border, size);
    }

    /** All three steps on this thread; see {@link BlockArrow#solve}. */
    public int solve(BlockArrow m, double[] r, double[] x) {
        m.checkVectors("SchurComplement.solve", r, x);
        Partial p = partial();
        int pivot = eliminate(m, r, 0, blocks, p);
        if (pivot != Cholesky.DEFINITE) return pivot;
        pivot = solveBorder(m, r, List.of(p), x);
        if (pivot != Cholesky.DEFINITE) return pivot;
        backSubstitute(0, blocks, x);
        return Cholesky.DEFINITE;
    }

    /**
     * Step 1 for blocks {@code [from, to)}: factors each shifted block, keeps {@code B̃_k⁻¹C_k}
     * and {@code B̃_k⁻¹r_k}, and adds the block's share of the Schur complement and of the border's
     * right-hand side to {@code into}. Calls on disjoint ranges with distinct partials may run
     * concurrently.
     *
     * @return {@link Cholesky#DEFINITE}, or the unknown at which a block's pivot was not positive
     *         (that block, and the matrix, are not positive definite)
     * @throws IllegalArgumentException if the shapes differ, the range is not within [0, K], or r has the wrong length
     */
    public int eliminate(BlockArrow m, double[] r, int from, int to, Partial into) {
        checkShape("SchurComplement.eliminate", m);
        if (r == null || r.length != m.unknowns()) {
            throw new IllegalArgumentException("SchurComplement.eliminate: expected " + m.unknowns() + " right-hand side values, got "
                    + (r == null ? "null" : r.length));
        }
        if (from < 0 || to > blocks || from > to) {
            throw new IllegalArgumentException("SchurComplement.eliminate: block range [" + from + ", " + to + ") is not within [0, " + blocks + "]");
        }
        final int G = border;
        final int L = size;
        double[] b = m.b();
        double[] c = m.c();
        double[] bt = into.bt;
        double[] cm = into.cm;
        for (int k = from; k < to; k++) {
            int bo = k * L * L;
            int co = k * L * G;
            int lo = k * L;
            System.arraycopy(b, bo, bt, 0, L * L);
            System.arraycopy(c, co, w, co, L * G);
            for (int p = 0; p < L; p++) {
                int idx = G + lo + p;
                if (m.held(idx)) {
                    for (int q = 0; q < L; q++) {
                        bt[p * L + q] = 0;
                        bt[q * L + p] = 0;
                    }
                    bt[p * L + p] = 1;
                    Arrays.fill(w, co + p * G, co + p * G + G, 0);
                    u[lo + p] = 0;
                } else {
                    bt[p * L + p] += m.shift(idx);
                    u[lo + p] = r[idx];
                }
            }
            int pivot = Cholesky.factorInPlace(bt, 0, L);
            if (pivot != Cholesky.DEFINITE) return G + lo + pivot;
            // the masked C is still in w: keep a copy, then turn w into B̃⁻¹C column by column
            System.arraycopy(w, co, cm, 0, L * G);
            for (int q = 0; q < G; q++) Cholesky.solveInPlace(bt, 0, L, w, co + q, G);
            Cholesky.solveInPlace(bt, 0, L, u, lo, 1);
            for (int p = 0; p < L; p++) {
                for (int i = 0; i < G; i++) {
                    double cpi = cm[p * G + i];
                    if (cpi == 0) continue;
                    into.h[i] += cpi * u[lo + p];
                    int row = i * G;
                    for (int j = 0; j < G; j++) into.s[row + j] += cpi * w[co + p * G + j];
                }
            }
        }
        return Cholesky.DEFINITE;
    }

    /**
     * Step 2: forms the Schur complement from the border and the partials (added in the order
     * given), factors it and writes the border's solution {@code x_0} to {@code x[0 .. G)}.
     *
     * @return {@link Cholesky#DEFINITE}, or the border unknown at which a pivot was not positive
     *         (with positive definite blocks, the matrix is then not positive definite)
     * @throws IllegalArgumentException if the shapes differ or r or x has the wrong length
     */
    public int solveBorder(BlockArrow m, double[] r, List<Partial> partials, double[] x) {
        checkShape("SchurComplement.solveBorder", m);
        m.checkVectors("SchurComplement.solveBorder", r, x);
        final int G = border;
        double[] a = m.a();
        double[] s = new double[G * G];
        double[] h = new double[G];
        for (int i = 0; i < G; i++) {
            h[i] = r[i];
            System.arraycopy(a, i * G, s, i * G, G);
            s[i * G + i] += m.shift(i);
        }
        for (Partial p : partials) {
            for (int i = 0; i < G * G; i++) s[i] -= p.s[i];
            for (int i = 0; i < G; i++) h[i] -= p.h[i];
        }
        for (int i = 0; i < G; i++) {
            if (!m.held(i)) continue;
            for (int j = 0; j < G; j++) {
                s[i * G + j] = 0;
                s[j * G + i] = 0;
            }
            s[i * G + i] = 1;
            h[i] = 0;
        }
        int pivot = Cholesky.factorInPlace(s, 0, G);
        if (pivot != Cholesky.DEFINITE) return pivot;
        Cholesky.solveInPlace(s, 0, G, h, 0, 1);
        System.arraycopy(h, 0, x, 0, G);
        return Cholesky.DEFINITE;
    }

    /**
     * Step 3 for blocks {@code [from, to)}: {@code x_k = B̃_k⁻¹r_k − (B̃_k⁻¹C_k) x_0}, with
     * {@code x_0} from {@link #solveBorder} in {@code x[0 .. G)}. Calls on disjoint ranges may run
     * concurrently.
     */
    public void backSubstitute(int from, int to, double[] x) {
        if (from < 0 || to > blocks || from > to || x == null || x.length != border + blocks * size) {
            throw new IllegalArgumentException("SchurComplement.backSubstitute: expected a block range within [0, " + blocks + "] and "
                    + (border + blocks * size) + " unknowns, got [" + from + ", " + to + ") and " + (x == null ? "null" : x.length));
        }
        final int G = border;
        final int L = size;
        for (int k = from; k < to; k++) {
            int co = k * L * G;
            int lo = k * L;
            for (int p = 0; p < L; p++) {
                double v = u[lo + p];
                for (int q = 0; q < G; q++) v -= w[co + p * G + q] * x[q];
                x[G + lo + p] = v;
            }
        }
    }

    private void checkShape(String op, BlockArrow m) {
        if (m.blocks() != blocks || m.border() != border || m.blockSize() != size) {
            throw new IllegalArgumentException(op + ": the workspace is for K = " + blocks + ", G = " + border + ", L = " + size
                    + ", the matrix has K = " + m.blocks() + ", G = " + m.border() + ", L = " + m.blockSize());
        }
    }
}
