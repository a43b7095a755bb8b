package dev.motif.fit;

import dev.motif.linalg.BlockArrow;
import dev.motif.linalg.Cholesky;
import dev.motif.linalg.Gram;
import dev.motif.linalg.SchurComplement;

import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The two passes per iteration that touch every dataset: accumulating the {@link NormalEquations}
 * from the problem's residuals and Jacobian, and solving the damped equations by a Schur
 * complement over the local blocks ({@link SchurComplement}). Both run over a fixed partition of
 * the datasets into tasks on the common ForkJoin pool; each task sums into its own partial global
 * block and the partials are added in task order, so the numbers do not depend on the thread
 * count or scheduling.
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
    /** Keeps each dataset's eliminated block between the steps of a Schur solve. */
    private final SchurComplement schur;
    /** −Jᵀr and the step, in the solver's order (globals, then locals by dataset). */
    private final double[] rhs;
    private final double[] step;

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
        schur = new SchurComplement(kCount, gCount, lCount);
        rhs = new double[gCount + kCount * lCount];
        step = new double[rhs.length];
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
                Gram.upperOfColumns(cols, n, w, gram);
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
     * Solves {@code (JᵀJ + λ D²) δ = −Jᵀr} with the parameters flagged in {@code fixed} held
     * (their step is 0), by eliminating each dataset's local block: with
     * {@code B̃_k = B_k + λ D_k²}, the global step solves the G×G Schur complement
     * {@code (Ã − Σ C_kᵀ B̃_k⁻¹ C_k) δg = −Jgᵀr + Σ C_kᵀ B̃_k⁻¹ Jl_kᵀr}, then
     * {@code δl_k = −B̃_k⁻¹ (Jl_kᵀr + C_k δg)}. Returns false when a damped block is not
     * numerically positive definite.
     */
    boolean solveSchur(NormalEquations ne, double lambda, double[] d2, boolean[] fixed,
                       double[] stepG, double[] stepL) {
        BlockArrow m = ne.matrix().shifted(lambda, d2).holding(fixed);
        ne.negativeGradient(rhs);
        int tasks = taskStart.length - 1;
        SchurComplement.Partial[] parts = new SchurComplement.Partial[tasks];
        for (int t = 0; t < tasks; t++) parts[t] = schur.partial();
        boolean[] failed = new boolean[tasks];
        forEachTask(t -> failed[t] = schur.eliminate(m, rhs, taskStart[t], taskStart[t + 1], parts[t]) != Cholesky.DEFINITE);
        for (boolean f : failed) if (f) return false;
        if (schur.solveBorder(m, rhs, Arrays.asList(parts), step) != Cholesky.DEFINITE) return false;
        forEachTask(t -> schur.backSubstitute(taskStart[t], taskStart[t + 1], step));
        split(step, stepG, stepL);
        return true;
    }

    /**
     * The same damped equations assembled as one dense (G + K·L)² matrix and solved by Cholesky:
     * O((K·L)³), for checking {@link #solveSchur} on small problems only.
     */
    static boolean solveDense(NormalEquations ne, double lambda, double[] d2, boolean[] fixed,
                              double[] stepG, double[] stepL) {
        double[] r = ne.negativeGradient(new double[d2.length]);
        double[] x = new double[r.length];
        if (ne.matrix().shifted(lambda, d2).holding(fixed).solveDense(r, x) != Cholesky.DEFINITE) return false;
        split(x, stepG, stepL);
        return true;
    }

    private static void split(double[] x, double[] stepG, double[] stepL) {
        System.arraycopy(x, 0, stepG, 0, stepG.length);
        System.arraycopy(x, stepG.length, stepL, 0, stepL.length);
    }
}
