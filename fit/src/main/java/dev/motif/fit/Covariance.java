package dev.motif.fit;

import dev.motif.linalg.Cholesky;
import org.hipparchus.linear.EigenDecompositionSymmetric;
import org.hipparchus.linear.MatrixUtils;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Standard errors at the solution from the inverse of JᵀJ (J already weighted by 1/sigma), using
 * the block structure: with {@code S = A − Σ C_kᵀ B_k⁻¹ C_k} the Schur complement, the global
 * block of the inverse is {@code S⁻¹}, and dataset k's local block is
 * {@code B_k⁻¹ + W_k S⁻¹ W_kᵀ} with {@code W_k = B_k⁻¹ C_k}. Only the diagonal of the local blocks
 * is formed, so the cost stays linear in K.
 *
 * <p>Parameters the inverse cannot speak for are taken out of it and named: a parameter on a
 * bound (its error is not the curvature of an unconstrained minimum), one whose derivative is
 * zero everywhere, and the parameters of a direction the data do not determine (an eigenvalue of
 * the unit-diagonal-scaled block below {@link #RANK_TOL}; the parameters with a large component in
 * that eigenvector are the ones named). The others' errors are then conditional on those held.
 */
final class Covariance {
    /**
     * Eigenvalue, relative to a unit diagonal, below which a direction counts as undetermined.
     * Forming JᵀJ squares the condition number, so 1e-13 corresponds to a column-scaled Jacobian
     * with condition number about 3e6: beyond every NIST StRD problem (all have certified errors;
     * the smallest such eigenvalue among them, Bennett5's, is 9e-10) and well above the rounding
     * level (about 1e-16) at which an exact dependency like a·b·x shows up.
     */
    static final double RANK_TOL = 1e-13;
    /** Component of a unit null vector above which a parameter is named as part of it. */
    private static final double INVOLVED = 0.1;
    /** At most this many per-dataset notes are spelled out in the diagnostics. */
    private static final int MAX_LISTED = 10;

    private Covariance() {
    }

    static FitResult result(GlobalProblem problem, LevenbergMarquardt.Bounds box, double[] x, NormalEquations ne,
                            LevenbergMarquardt.Options options, FitResult.Reason reason, int iterations, int evaluations) {
        int kCount = ne.k;
        int gCount = ne.g;
        int lCount = ne.l;
        int n = x.length;
        long points = 0;
        int[] pointCounts = new int[kCount];
        for (int ds = 0; ds < kCount; ds++) {
            pointCounts[ds] = problem.pointCount(ds);
            points += pointCounts[ds];
        }
        long dof = points - n;
        double chi2 = ne.chi2;
        double redchi = dof > 0 ? chi2 / dof : Double.NaN;
        double scale = options.absoluteSigma() ? 1 : redchi;

        String[] notes = new String[n];
        for (int i = 0; i < n; i++) {
            if (Double.isFinite(box.lower(i)) && x[i] <= box.lower(i)) notes[i] = "at lower bound " + box.lower(i);
            else if (Double.isFinite(box.upper(i)) && x[i] >= box.upper(i)) notes[i] = "at upper bound " + box.upper(i);
        }
        List<String> diagnostics = new ArrayList<>();

        double[] binv = new double[kCount * lCount * lCount];
        double[] w = new double[kCount * lCount * gCount];
        double[] covG = new double[gCount * gCount];
        // A degeneracy found in a local block is settled on the spot (the block is redone with the
        // named parameters held); one found in the Schur complement changes which globals and
        // locals take part, so the round is redone. Each redo names at least one more parameter.
        for (int round = 0; round <= n; round++) {
            boolean changed = false;
            for (int ds = 0; ds < kCount; ds++) {
                int[] keep = kept(notes, gCount + ds * lCount, lCount);
                double[] blk = sub(ne.b, ds * lCount * lCount, lCount, keep);
                double[] diag = diagonal(ne.b, ds * lCount * lCount, lCount, keep);
                double[] inv = invertOrName(blk, diag, keep, notes, gCount + ds * lCount, box, diagnostics);
                if (inv == null) {
                    ds--; // same dataset again with the named ones held
                    continue;
                }
                Arrays.fill(binv, ds * lCount * lCount, (ds + 1) * lCount * lCount, 0);
                for (int a = 0; a < keep.length; a++) {
                    for (int b = 0; b < keep.length; b++) {
                        binv[ds * lCount * lCount + keep[a] * lCount + keep[b]] = inv[a * keep.length + b];
                    }
                }
            }
            // W_k = B_k⁻¹ C_k with held globals' columns left out
            for (int ds = 0; ds < kCount; ds++) {
                int bo = ds * lCount * lCount;
                int co = ds * lCount * gCount;
                for (int p = 0; p < lCount; p++) {
                    for (int q = 0; q < gCount; q++) {
                        double v = 0;
                        if (notes[q] == null) {
                            for (int s = 0; s < lCount; s++) v += binv[bo + p * lCount + s] * ne.c[co + s * gCount + q];
                        }
                        w[co + p * gCount + q] = v;
                    }
                }
            }
            int[] keepG = kept(notes, 0, gCount);
            double[] s = sub(ne.a, 0, gCount, keepG);
            for (int ds = 0; ds < kCount; ds++) {
                int co = ds * lCount * gCount;
                for (int a = 0; a < keepG.length; a++) {
                    for (int b = 0; b < keepG.length; b++) {
                        double v = 0;
                        for (int p = 0; p < lCount; p++) {
                            v += ne.c[co + p * gCount + keepG[a]] * w[co + p * gCount + keepG[b]];
                        }
                        s[a * keepG.length + b] -= v;
                    }
                }
            }
            double[] diagG = diagonal(ne.a, 0, gCount, keepG);
            double[] invS = invertOrNameGlobal(s, diagG, keepG, notes, box, ne, w, diagnostics);
            if (invS == null) {
                changed = true;
            } else {
                Arrays.fill(covG, 0);
                for (int a = 0; a < keepG.length; a++) {
                    for (int b = 0; b < keepG.length; b++) covG[keepG[a] * gCount + keepG[b]] = invS[a * keepG.length + b];
                }
            }
            if (!changed) break;
        }

        double[] errors = new double[n];
        double[][] cov = new double[gCount][gCount];
        for (int i = 0; i < gCount; i++) {
            for (int j = 0; j < gCount; j++) {
                cov[i][j] = notes[i] == null && notes[j] == null ? covG[i * gCount + j] * scale : Double.NaN;
            }
            errors[i] = notes[i] == null ? Math.sqrt(cov[i][i]) : Double.NaN;
        }
        for (int ds = 0; ds < kCount; ds++) {
            int bo = ds * lCount * lCount;
            int co = ds * lCount * gCount;
            for (int p = 0; p < lCount; p++) {
                int i = gCount + ds * lCount + p;
                if (notes[i] != null) {
                    errors[i] = Double.NaN;
                    continue;
                }
                double v = binv[bo + p * lCount + p];
                for (int a = 0; a < gCount; a++) {
                    double wa = w[co + p * gCount + a];
                    if (wa == 0) continue;
                    for (int b = 0; b < gCount; b++) v += wa * covG[a * gCount + b] * w[co + p * gCount + b];
                }
                errors[i] = Math.sqrt(v * scale);
            }
        }
        if (!options.absoluteSigma() && dof <= 0) {
            diagnostics.add("no degrees of freedom (" + points + " points, " + n
                    + " free parameters): standard errors scaled by the reduced chi-square are undefined");
            for (int i = 0; i < n; i++) if (notes[i] == null) notes[i] = "no degrees of freedom to estimate the scatter from";
        }
        int listed = 0;
        int unlisted = 0;
        for (int i = 0; i < n; i++) {
            if (notes[i] == null || !notes[i].startsWith("at ")) continue;
            if (i < gCount || listed < MAX_LISTED) {
                diagnostics.add(box.name(i) + " is " + notes[i] + ": its standard error is not defined");
                if (i >= gCount) listed++;
            } else {
                unlisted++;
            }
        }
        if (unlisted > 0) diagnostics.add("... and " + unlisted + " more local parameters at a bound");

        double[] chi2k = ne.chi2k.clone();
        return new FitResult(problem, reason, options, iterations, evaluations, x, errors, notes, cov,
                chi2, points, n, chi2k, pointCounts, diagnostics);
    }

    private static int[] kept(String[] notes, int from, int count) {
        int m = 0;
        for (int i = 0; i < count; i++) if (notes[from + i] == null) m++;
        int[] keep = new int[m];
        m = 0;
        for (int i = 0; i < count; i++) if (notes[from + i] == null) keep[m++] = i;
        return keep;
    }

    private static double[] sub(double[] m, int off, int dim, int[] keep) {
        int k = keep.length;
        double[] out = new double[k * k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) out[a * k + b] = m[off + keep[a] * dim + keep[b]];
        }
        return out;
    }

    private static double[] diagonal(double[] m, int off, int dim, int[] keep) {
        double[] d = new double[keep.length];
        for (int a = 0; a < keep.length; a++) d[a] = m[off + keep[a] * dim + keep[a]];
        return d;
    }

    /**
     * Inverts a local block, or notes the parameters it cannot determine and returns null.
     * {@code diag} holds the diagonal of JᵀJ the block is scaled by.
     */
    private static double[] invertOrName(double[] blk, double[] diag, int[] keep, String[] notes, int base,
                                         LevenbergMarquardt.Bounds box, List<String> diagnostics) {
        int k = keep.length;
        if (k == 0) return new double[0];
        int[] involved = degenerate(blk, diag, k);
        if (involved == null) {
            double[] inv = scaledInverse(blk, diag, k);
            if (inv != null) return inv;
            involved = all(k);
        }
        name(involved, keep, base, notes, box, diagnostics, null);
        return null;
    }

    private static double[] invertOrNameGlobal(double[] s, double[] diag, int[] keep, String[] notes,
                                               LevenbergMarquardt.Bounds box, NormalEquations ne, double[] w,
                                               List<String> diagnostics) {
        int k = keep.length;
        if (k == 0) return new double[0];
        int[] involved = degenerate(s, diag, k);
        if (involved == null) {
            double[] inv = scaledInverse(s, diag, k);
            if (inv != null) return inv;
            involved = all(k);
        }
        // the locals moving with the undetermined globals: δl_k = −W_k δg along the null vector
        double[] v = nullVector(s, diag, k);
        List<Integer> locals = new ArrayList<>();
        if (v != null && ne.l > 0) {
            for (int ds = 0; ds < ne.k; ds++) {
                for (int p = 0; p < ne.l; p++) {
                    int i = ne.g + ds * ne.l + p;
                    if (notes[i] != null) continue;
                    double dl = 0;
                    for (int a = 0; a < k; a++) dl -= w[ds * ne.l * ne.g + p * ne.g + keep[a]] * v[a] / Math.sqrt(diag[a]);
                    double bpp = ne.b[ds * ne.l * ne.l + p * ne.l + p];
                    if (Math.abs(dl) * Math.sqrt(bpp) > INVOLVED) locals.add(i);
                }
            }
        }
        name(involved, keep, 0, notes, box, diagnostics, locals);
        return null;
    }

    private static int[] all(int k) {
        int[] a = new int[k];
        for (int i = 0; i < k; i++) a[i] = i;
        return a;
    }

    /** Inverse of a positive definite block through its unit-diagonal scaling (better conditioned). */
    private static double[] scaledInverse(double[] m, double[] diag, int k) {
        double[] sc = scaled(m, diag, k);
        if (Cholesky.factorInPlace(sc, 0, k) != Cholesky.DEFINITE) return null;
        double[] inv = Cholesky.inverse(sc, 0, k);
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) inv[a * k + b] /= Math.sqrt(diag[a]) * Math.sqrt(diag[b]);
        }
        return inv;
    }

    private static double[] scaled(double[] m, double[] diag, int k) {
        double[] sc = new double[k * k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) sc[a * k + b] = m[a * k + b] / (Math.sqrt(diag[a]) * Math.sqrt(diag[b]));
        }
        return sc;
    }

    /**
     * Indices (into the block) of the parameters in its undetermined directions, or null when it
     * is well determined. A zero diagonal names that parameter alone.
     */
    private static int[] degenerate(double[] m, double[] diag, int k) {
        List<Integer> zero = new ArrayList<>();
        for (int a = 0; a < k; a++) if (!(diag[a] > 0)) zero.add(a);
        if (!zero.isEmpty()) return zero.stream().mapToInt(Integer::intValue).toArray();
        double[] sc = scaled(m, diag, k);
        if (k == 1) return null;
        // quick exit without an eigendecomposition: with a unit diagonal λ_max <= k, so
        // λ_min >= det / k^(k-1), and det is the product of the squared Cholesky pivots
        double[] f = sc.clone();
        if (Cholesky.factorInPlace(f, 0, k) == Cholesky.DEFINITE
                && Cholesky.logDeterminant(f, 0, k) - (k - 1) * Math.log(k) > Math.log(RANK_TOL)) {
            return null;
        }
        EigenDecompositionSymmetric eig = eigen(sc, k);
        boolean[] inv = new boolean[k];
        boolean any = false;
        double[] values = eig.getEigenvalues();
        for (int e = 0; e < k; e++) {
            if (values[e] >= RANK_TOL) continue;
            any = true;
            double[] v = eig.getEigenvector(e).toArray();
            for (int a = 0; a < k; a++) if (Math.abs(v[a]) > INVOLVED) inv[a] = true;
        }
        if (!any) return null;
        List<Integer> out = new ArrayList<>();
        for (int a = 0; a < k; a++) if (inv[a]) out.add(a);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The eigenvector of the smallest eigenvalue of the scaled block. */
    private static double[] nullVector(double[] m, double[] diag, int k) {
        for (int a = 0; a < k; a++) if (!(diag[a] > 0)) return null;
        EigenDecompositionSymmetric eig = eigen(scaled(m, diag, k), k);
        double[] values = eig.getEigenvalues();
        int min = 0;
        for (int e = 1; e < k; e++) if (values[e] < values[min]) min = e;
        return eig.getEigenvector(min).toArray();
    }

    private static EigenDecompositionSymmetric eigen(double[] sc, int k) {
        double[][] rows = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) rows[a][b] = 0.5 * (sc[a * k + b] + sc[b * k + a]);
        }
        return new EigenDecompositionSymmetric(MatrixUtils.createRealMatrix(rows));
    }

    private static void name(int[] involved, int[] keep, int base, String[] notes, LevenbergMarquardt.Bounds box,
                             List<String> diagnostics, List<Integer> locals) {
        List<String> names = new ArrayList<>();
        for (int a : involved) names.add(box.name(base + keep[a]));
        String note;
        if (involved.length == 1 && (locals == null || locals.isEmpty())) {
            note = "undetermined: the data do not constrain it (its effect is zero or matched by held parameters)";
        } else {
            note = "undetermined: the data fix only a combination of " + String.join(", ", names)
                    + (locals != null && !locals.isEmpty() ? " and " + locals.size() + " local parameter(s)" : "");
        }
        for (int a : involved) notes[base + keep[a]] = note;
        StringBuilder line = new StringBuilder(String.join(", ", names));
        if (locals != null && !locals.isEmpty()) {
            line.append(" with ");
            for (int i = 0; i < Math.min(MAX_LISTED, locals.size()); i++) {
                if (i > 0) line.append(", ");
                line.append(box.name(locals.get(i)));
                notes[locals.get(i)] = note;
            }
            for (int i = MAX_LISTED; i < locals.size(); i++) notes[locals.get(i)] = note;
            if (locals.size() > MAX_LISTED) line.append(", ... (").append(locals.size()).append(" in all)");
        }
        line.append(involved.length == 1 && (locals == null || locals.isEmpty())
                ? ": undetermined, the data do not constrain it; standard error not defined"
                : ": undetermined, the data fix only a combination of them; standard errors not defined");
        diagnostics.add(line.toString());
    }
}
