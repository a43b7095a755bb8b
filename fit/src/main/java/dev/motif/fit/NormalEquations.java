package dev.motif.fit;

import dev.motif.linalg.BlockArrow;

/**
 * The Gauss-Newton normal equations JᵀJ δ = −Jᵀr of a {@link GlobalProblem} at one point, kept in
 * the problem's block form instead of as a (G + K·L)² matrix: the dense global block
 * {@code A = JgᵀJg}, and for each dataset k its local block {@code B_k = Jl_kᵀJl_k} and coupling
 * {@code C_k = Jl_kᵀJg_k}, together with the gradient halves {@code Jgᵀr}, {@code Jl_kᵀr} and
 * χ² (total and per dataset). Memory is O(G² + K·L·(L + G)); the Jacobian itself is never stored.
 */
final class NormalEquations {
    final int k;
    final int g;
    final int l;
    /** G×G, row-major. */
    final double[] a;
    /** Jgᵀ r, length G. */
    final double[] gg;
    /** K blocks of L×L, row-major, dataset k at k·L·L. */
    final double[] b;
    /** K blocks of L×G, row-major, dataset k at k·L·G. */
    final double[] c;
    /** Jl_kᵀ r, dataset k at k·L. */
    final double[] gl;
    final double[] chi2k;
    double chi2;
    /** False when some residual or derivative was not finite; then the rest is meaningless. */
    boolean finite;
    /** Where the first non-finite value was found, for messages. */
    String nonFinite;

    NormalEquations(int k, int g, int l) {
        this.k = k;
        this.g = g;
        this.l = l;
        a = new double[g * g];
        gg = new double[g];
        b = new double[k * l * l];
        c = new double[k * l * g];
        gl = new double[k * l];
        chi2k = new double[k];
    }

    /** JᵀJ as the block-arrow matrix it is: the global block as border, each dataset's local block on the diagonal. */
    BlockArrow matrix() {
        return BlockArrow.of(k, g, l, a, b, c);
    }

    /** −Jᵀr in the solver's parameter order, into {@code out}, which is returned. */
    double[] negativeGradient(double[] out) {
        for (int i = 0; i < g; i++) out[i] = -gg[i];
        for (int i = 0; i < gl.length; i++) out[g + i] = -gl[i];
        return out;
    }

    /** Diagonal element i of JᵀJ in the solver's parameter order (globals, then locals by dataset). */
    double diagonal(int i) {
        if (i < g) return a[i * g + i];
        int q = i - g;
        int ds = q / l;
        int j = q % l;
        return b[ds * l * l + j * l + j];
    }

    /** Component i of Jᵀr in the same order. */
    double gradient(int i) {
        return i < g ? gg[i] : gl[i - g];
    }

    /**
     * pᵀ(JᵀJ)p and gᵀp for a step split into its global and local parts: the model's predicted
     * change of χ² is {@code 2 gᵀp + pᵀJᵀJp}.
     */
    double[] quadratic(double[] pg, double[] pl) {
        double q = 0;
        double lin = 0;
        for (int i = 0; i < g; i++) {
            lin += gg[i] * pg[i];
            double row = 0;
            for (int j = 0; j < g; j++) row += a[i * g + j] * pg[j];
            q += pg[i] * row;
        }
        for (int ds = 0; ds < k; ds++) {
            int bo = ds * l * l;
            int co = ds * l * g;
            int lo = ds * l;
            for (int i = 0; i < l; i++) {
                double pi = pl[lo + i];
                lin += gl[lo + i] * pi;
                double row = 0;
                for (int j = 0; j < l; j++) row += b[bo + i * l + j] * pl[lo + j];
                double cross = 0;
                for (int j = 0; j < g; j++) cross += c[co + i * g + j] * pg[j];
                q += pi * (row + 2 * cross);
            }
        }
        return new double[] {q, lin};
    }
}
