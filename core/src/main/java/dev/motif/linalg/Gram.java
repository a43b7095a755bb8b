package dev.motif.linalg;

/**
 * Gram matrices {@code JᵀWJ}: the normal equations of least squares (J a weighted Jacobian, W
 * the identity), the metric of a natural-gradient step (J the per-sample log-derivatives, W the
 * sample weights). The kernel works on J packed by columns, so every entry is one contiguous dot
 * product; {@link #of} packs a row-major J for the caller.
 *
 * <pre>{@code
 * double[] j = {1, 2,
 *               3, 4,
 *               5, 6};                         // 3 rows, 2 columns, row-major
 * double[] g = Gram.of(j, 3, 2, null);         // JᵀJ = [[35, 44], [44, 56]]
 * double[] gw = Gram.of(j, 3, 2, new double[] {1, 0, 2});   // JᵀWJ = [[51, 62], [62, 76]]
 * }</pre>
 *
 * <p>Each entry is summed in row order, so its value does not depend on the tiling.
 */
public final class Gram {
    private Gram() {
    }

    /**
     * The Gram matrix {@code JᵀWJ} of the row-major rows×cols matrix {@code j}, as a new
     * row-major cols×cols array with both triangles filled; {@code weights} (one per row) is the
     * diagonal of W, or null for W = I.
     *
     * @throws IllegalArgumentException if the lengths do not match rows and cols
     */
    public static double[] of(double[] j, int rows, int cols, double[] weights) {
        if (j == null || rows < 0 || cols < 0 || j.length != (long) rows * cols) {
            throw new IllegalArgumentException("Gram.of: expected a " + rows + "×" + cols + " matrix (rows, cols >= 0) of "
                    + (long) rows * cols + " values, got " + (j == null ? "null" : j.length));
        }
        if (weights != null && weights.length != rows) {
            throw new IllegalArgumentException("Gram.of: expected " + rows + " weights (one per row), got " + weights.length);
        }
        double[] packed = new double[j.length];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < cols; c++) packed[c * rows + i] = j[i * cols + c];
        }
        double[] out = new double[cols * cols];
        if (weights == null) upperOfColumns(packed, rows, cols, out);
        else upperOfColumns(packed, rows, cols, weights, out);
        for (int p = 0; p < cols; p++) {
            for (int q = 0; q < p; q++) out[p * cols + q] = out[q * cols + p];
        }
        return out;
    }

    /**
     * The upper triangle of {@code CᵀC} for the n×w matrix C stored by columns (column p at
     * {@code c[p·n .. p·n+n)}), into the row-major w×w {@code out}: entry (p, q), q ≥ p, is
     * {@code Σ_i c[p·n+i]·c[q·n+i]}. Entries below the diagonal are not filled; the few the tiles
     * write hold correct values.
     *
     * @throws IllegalArgumentException if {@code c} holds fewer than n·w values or {@code out} fewer than w·w
     */
    public static void upperOfColumns(double[] c, int n, int w, double[] out) {
        checkColumns("Gram.upperOfColumns", c, n, w, out);
        tiles(c, c, n, w, out);
    }

    /**
     * The upper triangle of {@code CᵀWC}, W = diag(weight), as {@link #upperOfColumns(double[], int, int, double[])}:
     * entry (p, q) is {@code Σ_i (weight[i]·c[p·n+i])·c[q·n+i]}.
     *
     * @throws IllegalArgumentException if an array is shorter than n, w say
     */
    public static void upperOfColumns(double[] c, int n, int w, double[] weight, double[] out) {
        checkColumns("Gram.upperOfColumns", c, n, w, out);
        if (weight == null || weight.length < n) {
            throw new IllegalArgumentException("Gram.upperOfColumns: expected " + n + " weights, got " + (weight == null ? "null" : weight.length));
        }
        double[] weighted = new double[n * w];
        for (int p = 0; p < w; p++) {
            for (int i = 0; i < n; i++) weighted[p * n + i] = weight[i] * c[p * n + i];
        }
        tiles(weighted, c, n, w, out);
    }

    /**
     * {@code Σ_i x[p·n+i]·y[q·n+i]} for q ≥ p, in 2×2 tiles: each pass over the rows loads four
     * columns' values and feeds four independent sums, so the loop is bound by arithmetic rather
     * than by loads or by the latency of one running sum.
     */
    private static void tiles(double[] x, double[] y, int n, int w, double[] out) {
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
                    double x0 = x[a0 + i];
                    double x1 = x[a1 + i];
                    double y0 = y[b0 + i];
                    double y1 = y[b1 + i];
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

    private static void checkColumns(String op, double[] c, int n, int w, double[] out) {
        if (c == null || out == null || n < 0 || w < 0 || c.length < (long) n * w || out.length < (long) w * w) {
            throw new IllegalArgumentException(op + ": expected n, w >= 0, " + (long) n * w + " column values and room for "
                    + (long) w * w + " results; got n = " + n + ", w = " + w + ", " + (c == null ? "null" : c.length) + " values, "
                    + (out == null ? "null" : String.valueOf(out.length)) + " for the results");
        }
    }
}
