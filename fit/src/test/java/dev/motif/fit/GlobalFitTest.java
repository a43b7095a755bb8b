package dev.motif.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A global decay fit over three CSV files: the problem's layout, its Jacobian, groups, fixed parameters, untie. */
class GlobalFitTest {
    private static final double TAU = 1.5, B = 0.2;
    private static final double[] AMP = {2.0, 3.0, 1.2};
    private static final int[] POINTS = {8, 10, 6};

    @TempDir
    Path dir;
    private List<Path> files;

    @BeforeEach
    void writeFiles() throws Exception {
        files = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            StringBuilder sb = new StringBuilder("time,counts,err,sample\n");
            for (int i = 0; i < POINTS[k]; i++) {
                double t = 0.4 * i;
                double y = AMP[k] * Math.exp(-t / TAU) + B + 0.01 * Math.sin(7 * i + k);
                sb.append(t).append(',').append(y).append(',').append(0.05 + 0.01 * i).append(',').append(k == 2 ? "s2" : "s1").append('\n');
            }
            Path p = dir.resolve("decay" + k + ".csv");
            Files.writeString(p, sb.toString());
            files.add(p);
        }
    }

    private GlobalFit fit(Model model, ParameterSpec spec, boolean sigma) throws Exception {
        DataColumns cols = DataColumns.forFit(model, spec, List.of("time"), "counts");
        if (sigma) cols = cols.withSigma("err");
        return GlobalFit.of(model, DataReader.read(files, cols), spec);
    }

    private static Model decayExpr() {
        return ExpressionModel.parse(Models.DECAY_EXPR, List.of("t"), List.of());
    }

    private static final ParameterSpec SPEC = ParameterSpec.builder().shared("tau", "B").local("A")
            .parseInit("tau=2").parseInit("A@decay1.csv=2.5").parseBound("tau=0:inf").build();

    /** Residuals of the whole problem. */
    private static double[] residuals(GlobalProblem p, double[] g, double[] l, int n) {
        double[] r = new double[n];
        p.evaluate(0, p.datasetCount(), g, l, r, null, null);
        return r;
    }

    /** jg and jl against central differences of the residuals. */
    private static void checkJacobian(GlobalFit fit, double[] g, double[] l) {
        GlobalProblem p = fit.problem();
        int n = fit.pointCount(), G = p.globalCount(), L = p.localCount();
        double[] r = new double[n], jg = new double[n * G], jl = new double[n * L];
        p.evaluate(0, p.datasetCount(), g, l, r, jg, jl);
        assertArrayEquals(residuals(p, g, l, n), r, 0.0, "residuals with and without the Jacobian");
        for (int j = 0; j < G; j++) {
            double h = 1e-6 * Math.max(1, Math.abs(g[j]));
            double[] gp = g.clone(), gm = g.clone();
            gp[j] += h;
            gm[j] -= h;
            double[] rp = residuals(p, gp, l, n), rm = residuals(p, gm, l, n);
            for (int i = 0; i < n; i++) {
                double fd = (rp[i] - rm[i]) / (2 * h);
                assertEquals(fd, jg[i * G + j], 1e-6 * Math.max(1, Math.abs(fd)), "d r_" + i + " / d " + p.globalName(j));
            }
        }
        for (int k = 0; k < p.datasetCount(); k++) {
            for (int j = 0; j < L; j++) {
                int at = k * L + j;
                double h = 1e-6 * Math.max(1, Math.abs(l[at]));
                double[] lp = l.clone(), lm = l.clone();
                lp[at] += h;
                lm[at] -= h;
                double[] rp = residuals(p, g, lp, n), rm = residuals(p, g, lm, n);
                for (int i = 0; i < n; i++) {
                    double fd = (rp[i] - rm[i]) / (2 * h);
                    boolean own = i >= fit.pointOffset(k) && i < fit.pointOffset(k) + p.pointCount(k);
                    if (own) assertEquals(fd, jl[i * L + j], 1e-6 * Math.max(1, Math.abs(fd)), "d r_" + i + " / d " + p.localName(j) + " of dataset " + k);
                    else assertEquals(0.0, fd, 0.0, "a local parameter of dataset " + k + " moved point " + i);
                }
            }
        }
    }

    @Test
    void layoutNamesBoundsAndStarts() throws Exception {
        GlobalFit fit = fit(decayExpr(), SPEC, true);
        GlobalProblem p = fit.problem();
        assertEquals(3, p.datasetCount());
        assertEquals(2, p.globalCount());
        assertEquals(1, p.localCount());
        assertEquals(List.of("tau", "B"), fit.globalNames(), "shared parameters in the model's order");
        assertEquals("A", p.localName(0));
        assertEquals("decay1.csv", p.datasetName(1));
        assertEquals(10, p.pointCount(1));
        assertEquals(24, fit.pointCount());
        assertEquals(0, p.globalLower(0));
        assertEquals(Double.POSITIVE_INFINITY, p.globalUpper(0));
        assertEquals(Double.NEGATIVE_INFINITY, p.globalLower(1));
        assertArrayEquals(new double[] {2, 1}, fit.initialGlobal(), "tau from init, B at the default 1.0");
        assertArrayEquals(new double[] {1, 2.5, 1}, fit.initialLocal(), "A@decay1.csv=2.5, the others at 1.0");
        assertEquals("GlobalFit[A*exp(-t/tau) + B; 3 datasets, 24 points; 2 global [tau, B], 1 local [A] per dataset]", fit.toString());
    }

    @Test
    void jacobianMatchesFiniteDifferencesAndHandDerivatives() throws Exception {
        GlobalFit fit = fit(decayExpr(), SPEC, true);
        double[] g = {1.3, 0.1}, l = {2.2, 2.9, 1.4};
        checkJacobian(fit, g, l);
        GlobalProblem p = fit.problem();
        int n = fit.pointCount();
        double[] r = new double[n], jg = new double[2 * n], jl = new double[n];
        p.evaluate(0, 3, g, l, r, jg, jl);
        for (int k = 0; k < 3; k++) {
            Dataset d = fit.datasets().get(k);
            for (int i = 0; i < d.pointCount(); i++) {
                int row = fit.pointOffset(k) + i;
                double t = d.x()[0][i], s = d.sigma()[i], e = Math.exp(-t / g[0]);
                assertEquals((d.y()[i] - (l[k] * e + g[1])) / s, r[row], 1e-14);
                assertEquals(-l[k] * t / (g[0] * g[0]) * e / s, jg[row * 2], 1e-13, "d r / d tau");
                assertEquals(-1 / s, jg[row * 2 + 1], 1e-14, "d r / d B");
                assertEquals(-e / s, jl[row], 1e-14, "d r / d A");
            }
        }
    }

    @Test
    void aSubrangeWritesFromRowZero() throws Exception {
        GlobalFit fit = fit(decayExpr(), SPEC, false);
        GlobalProblem p = fit.problem();
        double[] g = {1.3, 0.1}, l = {2.2, 2.9, 1.4};
        int n = fit.pointCount();
        double[] r = new double[n], jg = new double[2 * n], jl = new double[n];
        p.evaluate(0, 3, g, l, r, jg, jl);
        int m = p.pointCount(1) + p.pointCount(2), off = fit.pointOffset(1);
        double[] r2 = new double[m], jg2 = new double[2 * m], jl2 = new double[m];
        p.evaluate(1, 3, g, l, r2, jg2, jl2);
        for (int i = 0; i < m; i++) {
            assertEquals(r[off + i], r2[i]);
            assertEquals(jg[2 * (off + i) + 1], jg2[2 * i + 1]);
            assertEquals(jl[off + i], jl2[i]);
        }
    }

    /** A Java model goes through the Tensor path; it must agree with the expression's fast path. */
    @Test
    void tensorPathEqualsKernelPath() throws Exception {
        GlobalFit fast = fit(decayExpr(), SPEC, true), tensors = fit(Models.exponentialDecay(), SPEC, true);
        double[] g = {1.3, 0.1}, l = {2.2, 2.9, 1.4};
        int n = fast.pointCount();
        double[][] a = {new double[n], new double[2 * n], new double[n]}, b = {new double[n], new double[2 * n], new double[n]};
        fast.problem().evaluate(0, 3, g, l, a[0], a[1], a[2]);
        tensors.problem().evaluate(0, 3, g, l, b[0], b[1], b[2]);
        for (int q = 0; q < 3; q++) assertArrayEquals(a[q], b[q], 1e-13);
        checkJacobian(tensors, g, l);
        assertArrayEquals(fast.predict(1, new double[] {0, 1, 2}, g, l), tensors.predict(1, new double[] {0, 1, 2}, g, l), 1e-14);
    }

    @Test
    void groupedAndFixedParameters() throws Exception {
        // tau per sample (decay0, decay1 are s1; decay2 is s2), B fixed, A local
        ParameterSpec spec = ParameterSpec.builder().group("tau", "sample").fix("B", 0.2).local("A")
                .parseInit("tau@s2=1.7").parseInit("tau=1.4").build();
        GlobalFit fit = fit(decayExpr(), spec, false);
        GlobalProblem p = fit.problem();
        assertEquals(List.of("tau[sample=s1]", "tau[sample=s2]"), fit.globalNames());
        assertArrayEquals(new double[] {1.4, 1.7}, fit.initialGlobal());
        double[] g = {1.3, 1.8}, l = {2.2, 2.9, 1.4};
        checkJacobian(fit, g, l);
        int n = fit.pointCount();
        double[] r = new double[n], jg = new double[2 * n], jl = new double[n];
        java.util.Arrays.fill(jg, 99); // evaluate must write every entry, zeros included
        p.evaluate(0, 3, g, l, r, jg, jl);
        for (int i = 0; i < n; i++) {
            boolean s2 = i >= fit.pointOffset(2);
            assertEquals(0.0, jg[2 * i + (s2 ? 0 : 1)], "a point depends only on its own group's tau");
            boolean first = i == 0 || i == fit.pointOffset(1) || i == fit.pointOffset(2); // t = 0: no slope in tau
            assertTrue(jg[2 * i + (s2 ? 1 : 0)] != 0 || first, "point " + i + " depends on its group's tau");
        }
        assertArrayEquals(new double[] {2.9, 1.3, 0.2}, fit.parameterValues(1, g, l), "A, tau, B of dataset 1");
        Dataset d2 = fit.datasets().get(2);
        double[] curve = fit.predict(2, new double[] {0, 1}, g, l);
        assertEquals(1.4 + 0.2, curve[0], 1e-15);
        assertEquals(1.4 * Math.exp(-1 / 1.8) + 0.2, curve[1], 1e-15);
        assertEquals("s2", d2.groups().get("sample"));
    }

    @Test
    void untieMakesEverySharedParameterLocal() throws Exception {
        ParameterSpec spec = ParameterSpec.builder().shared("tau").group("B", "sample").local("A").parseInit("tau=2")
                .parseInit("B@s2=0.3").parseBound("tau=0.1:10").build();
        GlobalFit fit = fit(decayExpr(), spec, true);
        GlobalFit sep = fit.untie();
        GlobalProblem p = sep.problem();
        assertEquals(0, p.globalCount());
        assertEquals(List.of("A", "tau", "B"), sep.localNames(), "the model's order");
        assertEquals(0.1, p.localLower(1));
        assertEquals(10, p.localUpper(1));
        // starts: tau 2 everywhere, B 1 (s1) or 0.3 (s2), A 1
        assertArrayEquals(new double[] {1, 2, 1, 1, 2, 1, 1, 2, 0.3}, sep.initialLocal());
        // the same curves at any point: untiedLocal maps the values
        double[] g = {1.3, 0.1, 0.25}, l = {2.2, 2.9, 1.4};
        double[] ul = fit.untiedLocal(g, l);
        assertArrayEquals(new double[] {2.2, 1.3, 0.1, 2.9, 1.3, 0.1, 1.4, 1.3, 0.25}, ul);
        int n = fit.pointCount();
        assertArrayEquals(residuals(fit.problem(), g, l, n), residuals(p, new double[0], ul, n), 0.0);
        checkJacobian(sep, new double[0], ul);
        // the untied fit at its start computes the tied fit's starting curves
        assertArrayEquals(residuals(fit.problem(), fit.initialGlobal(), fit.initialLocal(), n),
                residuals(p, new double[0], sep.initialLocal(), n), 0.0);
    }

    @Test
    void covariatesFromTheDataEnterTheModel() throws Exception {
        String csv = "S,v,I\n0.5,1,0\n1,1.5,0\n2,2,0\n0.5,0.5,2\n1,0.8,2\n2,1.2,2\n";
        Model m = ExpressionModel.parse(Models.COMPETITIVE_EXPR, List.of("S"), List.of("I"));
        ParameterSpec spec = ParameterSpec.builder().shared("Km", "Ki").local("Vmax").build();
        Path f = dir.resolve("rates.csv");
        Files.writeString(f, csv.replace("\n0.5,1,0", "\nA,0.5,1,0").replace("\n1,1.5,0", "\nA,1,1.5,0").replace("\n2,2,0", "\nA,2,2,0")
                .replace("\n0.5,0.5,2", "\nB,0.5,0.5,2").replace("\n1,0.8,2", "\nB,1,0.8,2").replace("\n2,1.2,2", "\nB,2,1.2,2").replace("S,v,I", "run,S,v,I"));
        List<Dataset> ds = DataReader.read(List.of(f), DataColumns.forFit(m, spec, List.of("S"), "v").withBy("run"));
        GlobalFit fit = GlobalFit.of(m, ds, spec);
        assertEquals(List.of("A", "B"), ds.stream().map(Dataset::name).toList());
        double[] g = {0.8, 1.5}, l = {2.5, 2.2};
        double[] v = fit.predict(1, new double[] {1}, g, l);
        assertEquals(2.2 * 1 / (0.8 * (1 + 2 / 1.5) + 1), v[0], 1e-15);
        checkJacobian(fit, g, l);
    }

    @Test
    void readInOneStepAndInferCovariatesFromColumns() throws Exception {
        GlobalFit fit = GlobalFit.read(decayExpr(), SPEC, files, List.of("time"), "counts", "err", null, false);
        assertEquals(3, fit.datasets().size());
        assertEquals(0.05, fit.datasets().get(0).sigma()[0]);
        ExpressionModel m = ExpressionModel.parse(Models.COMPETITIVE_EXPR, List.of("S"), List.of("S", "v", "I", "Km"), java.util.Set.of("Km"));
        assertEquals(List.of("I"), m.covariates(), "I is a column and not a parameter; Km is named by the spec");
        assertEquals(List.of("Vmax", "Km", "Ki"), m.parameters());
        assertEquals(Models.MIXED_EXPR, Models.expressionModel("mixed").formula());
    }

    /** evaluate on disjoint ranges from two threads writes what one call writes. */
    @Test
    void concurrentRangesEqualOneCall() throws Exception {
        GlobalFit fit = fit(decayExpr(), SPEC, true);
        GlobalProblem p = fit.problem();
        double[] g = {1.3, 0.1}, l = {2.2, 2.9, 1.4};
        int n = fit.pointCount(), off = fit.pointOffset(1);
        double[] r = new double[n], jg = new double[2 * n], jl = new double[n];
        p.evaluate(0, 3, g, l, r, jg, jl);
        for (int rep = 0; rep < 20; rep++) {
            double[] ra = new double[off], rb = new double[n - off], ja = new double[2 * off], jb = new double[2 * (n - off)];
            double[] la = new double[off], lb = new double[n - off];
            Thread t = new Thread(() -> p.evaluate(1, 3, g, l, rb, jb, lb));
            t.start();
            p.evaluate(0, 1, g, l, ra, ja, la);
            t.join();
            assertArrayEquals(java.util.Arrays.copyOfRange(r, off, n), rb, 0.0);
            assertArrayEquals(java.util.Arrays.copyOfRange(jg, 0, 2 * off), ja, 0.0);
            assertArrayEquals(java.util.Arrays.copyOfRange(jl, off, n), lb, 0.0);
        }
    }

    /** More points than one Tensor chunk: chunks cut between datasets, rows stay in place. */
    @Test
    void tensorPathOverSeveralChunks() {
        int per = TensorEvaluator.CHUNK / 2 + 1000;
        List<Dataset> ds = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            double[] t = new double[per], y = new double[per];
            for (int i = 0; i < per; i++) {
                t[i] = i * 1e-4;
                y[i] = AMP[k] * Math.exp(-t[i] / TAU);
            }
            ds.add(Dataset.of("big" + k, t, y));
        }
        ParameterSpec spec = ParameterSpec.builder().shared("tau", "B").local("A").build();
        GlobalFit fast = GlobalFit.of(decayExpr(), ds, spec), tensors = GlobalFit.of(Models.exponentialDecay(), ds, spec);
        double[] g = {1.3, 0.1}, l = {2.2, 2.9, 1.4};
        int n = fast.pointCount();
        double[] ra = new double[n], ja = new double[2 * n], la = new double[n], rb = new double[n], jb = new double[2 * n], lb = new double[n];
        fast.problem().evaluate(0, 3, g, l, ra, ja, la);
        tensors.problem().evaluate(0, 3, g, l, rb, jb, lb);
        assertArrayEquals(ra, rb, 1e-13);
        assertArrayEquals(ja, jb, 1e-13);
        assertArrayEquals(la, lb, 1e-13);
        assertEquals(-Math.exp(-(per - 1) * 1e-4 / 1.3), la[2 * per + per - 1], 1e-15, "last point of the last dataset");
    }

    /**
     * Plain Gauss-Newton on the dense Jacobian recovers the constants noise-free data were made
     * with: the residuals' signs, the Jacobian's layout and the local blocks all fit together.
     */
    @Test
    void gaussNewtonRecoversTheGeneratingConstants() {
        List<Dataset> ds = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            double[] t = new double[12], y = new double[12];
            for (int i = 0; i < 12; i++) {
                t[i] = 0.3 * i;
                y[i] = AMP[k] * Math.exp(-t[i] / TAU) + B;
            }
            ds.add(Dataset.of("decay" + k + ".csv", t, y));
        }
        GlobalFit fit = GlobalFit.of(decayExpr(), ds, SPEC);
        GlobalProblem p = fit.problem();
        int n = fit.pointCount(), G = 2, L = 1, K = 3, P = G + K * L;
        double[] g = fit.initialGlobal(), l = fit.initialLocal();
        for (int it = 0; it < 30; it++) {
            double[] r = new double[n], jg = new double[n * G], jl = new double[n * L];
            p.evaluate(0, K, g, l, r, jg, jl);
            org.hipparchus.linear.RealMatrix j = new org.hipparchus.linear.Array2DRowRealMatrix(n, P);
            for (int k = 0; k < K; k++) {
                for (int i = fit.pointOffset(k); i < fit.pointOffset(k) + p.pointCount(k); i++) {
                    for (int c = 0; c < G; c++) j.setEntry(i, c, jg[i * G + c]);
                    j.setEntry(i, G + k, jl[i]);
                }
            }
            // r(θ + δ) ≈ r + J δ = 0 in the least-squares sense
            double[] step = new org.hipparchus.linear.QRDecomposition(j).getSolver()
                    .solve(new org.hipparchus.linear.ArrayRealVector(r).mapMultiply(-1)).toArray();
            for (int c = 0; c < G; c++) g[c] += step[c];
            for (int k = 0; k < K; k++) l[k] += step[G + k];
        }
        assertEquals(TAU, g[0], 1e-9);
        assertEquals(B, g[1], 1e-9);
        for (int k = 0; k < K; k++) assertEquals(AMP[k], l[k], 1e-9);
    }
}
