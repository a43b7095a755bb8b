package dev.motif.fit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compares a problem's Jacobian with central differences of its residuals (for test problems). */
final class JacobianCheck {
    private JacobianCheck() {
    }

    static void assertJacobian(GlobalProblem p, double[] global, double[] local, double tol) {
        int k = p.datasetCount();
        int g = p.globalCount();
        int l = p.localCount();
        int m = 0;
        for (int d = 0; d < k; d++) m += p.pointCount(d);
        double[] r = new double[m];
        double[] jg = new double[m * g];
        double[] jl = new double[m * l];
        p.evaluate(0, k, global, local, r, jg, jl);
        for (int j = 0; j < g; j++) {
            double h = 1e-6 * Math.max(1, Math.abs(global[j]));
            double[] gp = global.clone();
            double[] gm = global.clone();
            gp[j] += h;
            gm[j] -= h;
            double[] rp = new double[m];
            double[] rm = new double[m];
            p.evaluate(0, k, gp, local, rp, null, null);
            p.evaluate(0, k, gm, local, rm, null, null);
            for (int i = 0; i < m; i++) {
                double fd = (rp[i] - rm[i]) / (2 * h);
                assertTrue(Math.abs(fd - jg[i * g + j]) <= tol * (1 + Math.abs(fd)),
                        "d r" + i + " / d " + p.globalName(j) + ": analytic " + jg[i * g + j] + ", central difference " + fd);
            }
        }
        int offset = 0;
        for (int d = 0; d < k; d++) {
            int n = p.pointCount(d);
            for (int j = 0; j < l; j++) {
                int idx = d * l + j;
                double h = 1e-6 * Math.max(1, Math.abs(local[idx]));
                double[] lp = local.clone();
                double[] lm = local.clone();
                lp[idx] += h;
                lm[idx] -= h;
                double[] rp = new double[m];
                double[] rm = new double[m];
                p.evaluate(0, k, global, lp, rp, null, null);
                p.evaluate(0, k, global, lm, rm, null, null);
                for (int i = 0; i < m; i++) {
                    double fd = (rp[i] - rm[i]) / (2 * h);
                    boolean own = i >= offset && i < offset + n;
                    double analytic = own ? jl[i * l + j] : 0;
                    assertTrue(Math.abs(fd - analytic) <= tol * (1 + Math.abs(fd)),
                            "d r" + i + " / d " + p.localName(j) + "[" + d + "]: analytic " + analytic + ", central difference " + fd);
                }
            }
            offset += n;
        }
    }
}
