package dev.motif.fit;

import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The two passes per iteration that touch every dataset: accumulating the {@link NormalEquations}
 * from the problem's residuals and Jacobian, and solving the damped equations by a Schur
 * complement over the local blocks. Both run over a fixed partition of the datasets into tasks on
 * the common ForkJoin pool; each task sums into its own partial global block and the partials are
 * added in task order, so the numbers do not depend on the thread count or scheduling.
 */
final class BlockKernels {
    /** Points per call of {@link GlobalProblem#evaluate}: enough to amortize the call, small enough to stay in cache. */
    static final int CHUNK_POINTS = 8192;
    /** At most this many tasks (a fixed number, so results do not depend on the machine). */
    static final int MAX_TASKS = 64;
    /** Partial G×G blocks kept at once are limited to about this many doubles. */
    static final long PARTIAL_BUDGET = 4_000_000;

    private final GlobalProblem problem;
    private final int kCount;
    private final int gCount;
    private final int lCount;
    private final boolean parallel;
    /** Tasks own datasets [taskStart[t], taskStart[t+1]). */
    private final int[] taskStart;
    /** Point offset of each dataset within the whole problem. */
    private final long[] pointOffset;
    private final ThreadLocal<double[][]> workspace = new ThreadLocal<>();
    /** B̃_k⁻¹ C_k and B̃_k⁻¹ Jl_kᵀr from the last Schur solve, needed by back-substitution. */
    private final double[] w;
    private final double[] u;

    BlockKernels(GlobalProblem problem, boolean parallel) {
        this.problem = problem;
        this.kCount = problem.datasetCount();
        this.gCount = problem.globalCount();
        this.lCount = problem.localCount();
        this.parallel = parallel;
        pointOffset = new long[kCount + 1];
        for (int ds = 0; ds < kCount; ds++) {
            int n = problem.pointCount(ds);
            if (n < 0) {
                throw new IllegalArgumentException("LevenbergMarquardt: dataset " + ds + " ('"
                        + problem.datasetName(ds) + "') reports " + n + " points; expected >= 0");
            }
            pointOffset[ds + 1] = pointOffset[ds] + n;
        }
        long budget = Math.max(1, PARTIAL_BUDGET / Math.max(1, (long) gCount * gCount));
        int tasks = (int) Math.max(1, Math.min(Math.min(kCount, MAX_TASKS), budget));
        taskStart = new int[tasks + 1];
        // split by points, so tasks take about the same time
        long total = pointOffset[kCount];
        int ds = 0;
        for (int t = 1; t < tasks; t++) {
            long target = total * t / tasks;
            while (ds < kCount && pointOffset[ds + 1] <= target) ds++;
            taskStart[t] = Math.max(ds, taskStart[t - 1]);
        }
        taskStart[tasks] = kCount;
        w = new double[kCount * lCount * gCount];
        u = new double[kCount * lCount];
    }

    long totalPoints() {
        return pointOffset[kCount];
    }

    int pointCount(int ds) {
        return (int) (pointOffset[ds + 1] - pointOffset[ds]);
    }

    private void forEachTask(IntConsumer body) {
        int tasks = taskStart.length - 1;
        if (parallel && tasks > 1) IntStream.range(0, tasks).parallel().forEach(body);
        else for (int t = 0; t < tasks; t++) body.accept(t);
    }

    private double[][] buffers(int m) {
        double[][] ws = workspace.get();
        if (ws == null || ws[0].length < m) {
            int cap = Math.max(m, CHUNK_POINTS);
            ws = new double[][] {new double[cap], new double[cap * gCount], new double[cap * lCount]};
            workspace.set(ws);
        }
        return ws;
    }

    /** Evaluates the problem at (global, local) and fills {@code out}. */
    void accumulate(double[] global, double[] local, NormalEquations out) {
        int tasks = taskStart.length - 1;
        int gg = gCount * gCount;
        double[] partA = new double[tasks * gg];
        double[] partG = new double[tasks * gCount];
        double[] partChi = new double[tasks];
        String[] bad = new String[tasks];
        forEachTask(t -> accumulateTask(t, global, local, out, partA, partG, partChi, bad));
        Arrays.fill(out.a, 0);
        Arrays.fill(out.gg, 0);
        out.chi2 = 0;
        out.finite = true;
        out.nonFinite = null;
        for (int t = 0; t < tasks; t++) {
            if (bad[t] != null) {
                out.finite = false;
                out.nonFinite = bad[t];
                return;
            }
            for (int i = 0; i < gg; i++) out.a[i] += partA[t * gg + i];
            for (int i = 0; i < gCount; i++) out.gg[i] += partG[t * gCount + i];
            out.chi2 += partChi[t];
        }
        for (int i = 0; i < gCount; i++) {
            for (int j = 0; j < i; j++) out.a[i * gCount + j] = out.a[j * gCount + i];
        }
        if (!Double.isFinite(out.chi2)) {
            out.finite = false;
            out.nonFinite = "chi-square overflows (" + out.chi2 + ")";
        }
    }

    private void accumulateTask(int t, double[] global, double[] local, NormalEquations out,
                                double[] partA, double[] partG, double[] partChi, String[] bad) {
        final int G = gCount;
        final int L = lCount;
        final int w = G + L + 1;
        int aOff = t * G * G;
        int gOff = t * G;
        double[] gram = new double[w * w];
        double[] cols = new double[0];
        double chi = 0;
        int ds = taskStart[t];
        int end = taskStart[t + 1];
        while (ds < end) {
            int to = ds + 1;
            while (to < end && pointOffset[to + 1] - pointOffset[ds] <= CHUNK_POINTS) to++;
            int m = (int) (pointOffset[to] - pointOffset[ds]);
            double[][] ws = buffers(m);
            double[] r = ws[0];
            double[] jg = ws[1];
            double[] jl = ws[2];
            problem.evaluate(ds, to, global, local, r, jg, jl);
            int i0 = 0;
            for (int d = ds; d < to; d++) {
                int n = (int) (pointOffset[d + 1] - pointOffset[d]);
                // Each dataset's share of the normal equations is the Gram matrix of its rows
                // [Jg | Jl | r]: packed by columns, every entry is one contiguous dot product.
                if (cols.length < n * w) cols = new double[n * w];
                for (int c = 0; c < G; c++) {
                    for (int i = 0; i < n; i++) cols[c * n + i] = jg[(i0 + i) * G + c];
                }
                for (int c = 0; c < L; c++) {
                    for (int i = 0; i < n; i++) cols[(G + c) * n + i] = jl[(i0 + i) * L + c];
                }
                System.arraycopy(r, i0, cols, (G + L) * n, n);
                gram(cols, n, w, gram);
                // a non-finite value anywhere makes its column's sum of squares non-finite
                for (int p = 0; p < w; p++) {
                    if (!Double.isFinite(gram[p * w + p])) {
                        String where = firstNonFinite(ds, to, m, r, jg, jl);
                        bad[t] = where != null ? where : "the sums of squares of dataset " + d + " ('"
                                + problem.datasetName(d) + "') overflow";
                        return;
                    }
                }
                int rc = G + L;
                for (int p = 0; p < G; p++) {
                    for (int q = p; q < G; q++) partA[aOff + p * G + q] += gram[p * w + q];
                    partG[gOff + p] += gram[p * w + rc];
                }
                int bo = d * L * L;
                int co = d * L * G;
                int lo = d * L;
                for (int p = 0; p < L; p++) {
                    for (int q = 0; q < L; q++) {
                        out.b[bo + p * L + q] = q >= p ? gram[(G + p) * w + G + q] : gram[(G + q) * w + G + p];
                    }
                    for (int q = 0; q < G; q++) out.c[co + p * G + q] = gram[q * w + G + p];
                    out.gl[lo + p] = gram[(G + p) * w + rc];
                }
                double chiK = gram[rc * w + rc];
                out.chi2k[d] = chiK;
                chi += chiK;
                i0 += n;
            }
            ds = to;
        }
        partChi[t] = chi;
    }

    /**
     * The upper triangle of CᵀC for the n×w column-major {@code c}, in 2×2 tiles: each pass over
     * the points loads four columns' values and feeds four independent sums, so the loop is
     * bound by arithmetic rather than by loads or by the latency of one running sum. (Entries
     * below the diagonal may be written too; they are not read.)
     */
    static void gram(double[] c, int n, int w, double[] out) {
        for (int p = 0; p < w; p += 2) {
            int p1 = Math.min(p + 1, w - 1);
            for (int q = p; q < w; q += 2) {
                int q1 = Math.min(q + 1, w - 1);
                double s00 = 0;
                double s01 = 0;
                double s10 = 0;
                double s11 = 0;
                int a0 = p * n;
                int a1 = p1 * n;
                int b0 = q * n;
                int b1 = q1 * n;
                for (int i = 0; i < n; i++) {
                    double x0 = c[a0 + i];
                    double x1 = c[a1 + i];
                    double y0 = c[b0 + i];
                    double y1 = c[b1 + i];
                    s00 += x0 * y0;
                    s01 += x0 * y1;
                    s10 += x1 * y0;
                    s11 += x1 * y1;
                }
                out[p * w + q] = s00;
                out[p * w + q1] = s01;
                out[p1 * w + q] = s10;
                out[p1 * w + q1] = s11;
            }
        }
    }

    private String firstNonFinite(int from, int to, int m, double[] r, double[] jg, double[] jl) {
        for (int i = 0; i < m; i++) {
            boolean ok = Double.isFinite(r[i]);
            String what = "residual";
            for (int p = 0; ok && p < gCount; p++) {
                if (!Double.isFinite(jg[i * gCount + p])) {
                    ok = false;
                    what = "derivative by '" + problem.globalName(p) + "'";
                }
            }
            for (int p = 0; ok && p < lCount; p++) {
                if (!Double.isFinite(jl[i * lCount + p])) {
                    ok = false;
                    what = "derivative by '" + problem.localName(p) + "'";
                }
            }
            if (!ok) {
                int d = from;
                long abs = pointOffset[from] + i;
                while (pointOffset[d + 1] <= abs) d++;
                return what + " of point " + (abs - pointOffset[d]) + " of dataset " + d + " ('"
                        + problem.datasetName(d) + "') is not finite";
            }
        }
        return null;
    }

    /**
     * Solves {@code (JᵀJ + λ D²) δ = −Jᵀr} with the parameters flagged in {@code fixedG} /
     * {@code fixedL} held (their step is 0), by eliminating each dataset's local block: with
     * {@code B̃_k = B_k + λ D_k²}, the global step solves the G×G Schur complement
     * {@code (Ã − Σ C_kᵀ B̃_k⁻¹ C_k) δg = −Jgᵀr + Σ C_kᵀ B̃_k⁻¹ Jl_kᵀr}, then
     * {@code δl_k = −B̃_k⁻¹ (Jl_kᵀr + C_k δg)}. Returns false when a damped block is not
     * numerically positive definite.
     */
    boolean solveSchur(NormalEquations ne, double lambda, double[] d2, boolean[] fixed,
                       double[] stepG, double[] stepL) {
        final int G = gCount;
        final int L = lCount;
        int tasks = taskStart.length - 1;
        double[] partS = new double[tasks * G * G];
        double[] partH = new double[tasks * G];
        boolean[] failed = new boolean[tasks];
        forEachTask(t -> {
            double[] bt = new double[L * L];
            double[] cm = new double[L * G];
            int sOff = t * G * G;
            int hOff = t * G;
            for (int ds = taskStart[t]; ds < taskStart[t + 1]; ds++) {
                int bo = ds * L * L;
                int co = ds * L * G;
                int lo = ds * L;
                System.arraycopy(ne.b, bo, bt, 0, L * L);
                System.arraycopy(ne.c, co, w, co, L * G);
                for (int p = 0; p < L; p++) {
                    int idx = G + lo + p;
                    if (fixed[idx]) {
                        for (int q = 0; q < L; q++) {
                            bt[p * L + q] = 0;
                            bt[q * L + p] = 0;
                        }
                        bt[p * L + p] = 1;
                        Arrays.fill(w, co + p * G, co + p * G + G, 0);
                        u[lo + p] = 0;
                    } else {
                        bt[p * L + p] += lambda * d2[idx];
                        u[lo + p] = ne.gl[lo + p];
                    }
                }
                if (!Dense.cholesky(bt, 0, L)) {
                    failed[t] = true;
                    return;
                }
                // S_t += C_kᵀ B̃⁻¹ C_k and h_t += C_kᵀ B̃⁻¹ g_k, using the masked C still in w
                System.arraycopy(w, co, cm, 0, L * G);
                for (int q = 0; q < G; q++) Dense.solve(bt, 0, L, w, co + q, G);
                Dense.solve(bt, 0, L, u, lo, 1);
                for (int p = 0; p < L; p++) {
                    for (int i = 0; i < G; i++) {
                        double cpi = cm[p * G + i];
                        if (cpi == 0) continue;
                        partH[hOff + i] += cpi * u[lo + p];
                        int row = sOff + i * G;
                        for (int j = 0; j < G; j++) partS[row + j] += cpi * w[co + p * G + j];
                    }
                }
            }
        });
        for (boolean f : failed) if (f) return false;
        double[] s = new double[G * G];
        double[] h = new double[G];
        for (int i = 0; i < G; i++) {
            h[i] = -ne.gg[i];
            for (int j = 0; j < G; j++) s[i * G + j] = ne.a[i * G + j];
            s[i * G + i] += lambda * d2[i];
        }
        for (int t = 0; t < tasks; t++) {
            for (int i = 0; i < G * G; i++) s[i] -= partS[t * G * G + i];
            for (int i = 0; i < G; i++) h[i] += partH[t * G + i];
        }
        for (int i = 0; i < G; i++) {
            if (!fixed[i]) continue;
            for (int j = 0; j < G; j++) {
                s[i * G + j] = 0;
                s[j * G + i] = 0;
            }
            s[i * G + i] = 1;
            h[i] = 0;
        }
        if (!Dense.cholesky(s, 0, G)) return false;
        Dense.solve(s, 0, G, h, 0, 1);
        System.arraycopy(h, 0, stepG, 0, G);
        forEachTask(t -> {
            for (int ds = taskStart[t]; ds < taskStart[t + 1]; ds++) {
                int co = ds * L * G;
                int lo = ds * L;
                for (int p = 0; p < L; p++) {
                    double v = -u[lo + p];
                    for (int q = 0; q < G; q++) v -= w[co + p * G + q] * h[q];
                    stepL[lo + p] = v;
                }
            }
        });
        return true;
    }

    /**
     * The same damped equations assembled as one dense (G + K·L)² matrix and solved by Cholesky:
     * O((K·L)³), for checking {@link #solveSchur} on small problems only.
     */
    static boolean solveDense(NormalEquations ne, double lambda, double[] d2, boolean[] fixed,
                              double[] stepG, double[] stepL) {
        int G = ne.g;
        int L = ne.l;
        int n = G + ne.k * L;
        double[] m = new double[n * n];
        double[] rhs = new double[n];
        for (int i = 0; i < G; i++) {
            for (int j = 0; j < G; j++) m[i * n + j] = ne.a[i * G + j];
            rhs[i] = -ne.gg[i];
        }
        for (int ds = 0; ds < ne.k; ds++) {
            for (int p = 0; p < L; p++) {
                int row = G + ds * L + p;
                rhs[row] = -ne.gl[ds * L + p];
                for (int q = 0; q < L; q++) m[row * n + G + ds * L + q] = ne.b[ds * L * L + p * L + q];
                for (int q = 0; q < G; q++) {
                    double v = ne.c[ds * L * G + p * G + q];
                    m[row * n + q] = v;
                    m[q * n + row] = v;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (fixed[i]) {
                for (int j = 0; j < n; j++) {
                    m[i * n + j] = 0;
                    m[j * n + i] = 0;
                }
                m[i * n + i] = 1;
                rhs[i] = 0;
            } else {
                m[i * n + i] += lambda * d2[i];
            }
        }
        if (!Dense.cholesky(m, 0, n)) return false;
        Dense.solve(m, 0, n, rhs, 0, 1);
        System.arraycopy(rhs, 0, stepG, 0, G);
        System.arraycopy(rhs, G, stepL, 0, n - G);
        return true;
    }
}
