package dev.motif.linalg;

/**
 * A symmetric positive definite block-arrow matrix: K diagonal blocks {@code B_k} (L×L), a dense
 * border {@code A} (G×G), and couplings {@code C_k} (L×G) between block k and the border,
 *
 * <pre>
 *     [ A    C_1ᵀ  …  C_Kᵀ ]
 *     [ C_1  B_1           ]
 *     [  ⋮         ⋱       ]
 *     [ C_K            B_K ]
 * </pre>
 *
 * optionally with a diagonal shift {@code λ·diag(d)} and some unknowns held at zero. It is the
 * shape of the normal equations whenever many groups of unknowns couple only through a few
 * shared ones: a global fit (the shared parameters in the border, each dataset's own in a block),
 * a model with one backbone and many small heads. {@link SchurComplement} solves it at a cost
 * linear in K, by eliminating the blocks; {@link #solveDense} is the O((G+KL)³) reference.
 *
 * <p>Unknowns are numbered border first, then block by block: unknown {@code G + k·L + p} is
 * entry p of block k. Storage is row-major and flat: {@code a} G×G, {@code b} the K blocks L×L
 * (block k at {@code k·L·L}), {@code c} the K couplings L×G (block k at {@code k·L·G}). Of
 * {@code a} and the blocks only the lower triangles are read.
 *
 * <p>A view: the arrays are not copied, so a solver that refills them every iteration builds a new
 * view (cheap) instead of a new matrix. The view itself never changes.
 *
 * <pre>{@code
 * // G = 1, K = 2, L = 1:  [[4, 1, 1], [1, 2, 0], [1, 0, 3]] x = [6, 3, 4]  →  x = [1, 1, 1]
 * BlockArrow m = BlockArrow.of(2, 1, 1, new double[] {4}, new double[] {2, 3}, new double[] {1, 1});
 * double[] x = new double[3];
 * int pivot = m.solve(new double[] {6, 3, 4}, x);      // Cholesky.DEFINITE
 *
 * // M + 0.5·diag(4, 2, 3) with the second unknown held at 0
 * BlockArrow damped = m.shifted(0.5, new double[] {4, 2, 3}).holding(new boolean[] {false, true, false});
 * }</pre>
 */
public final class BlockArrow {
    private final int blocks;
    private final int border;
    private final int size;
    private final double[] a;
    private final double[] b;
    private final double[] c;
    private final double lambda;
    private final double[] d;
    private final boolean[] held;

    private BlockArrow(int blocks, int border, int size, double[] a, double[] b, double[] c, double lambda, double[] d,
                       boolean[] held) {
        this.blocks = blocks;
        this.border = border;
        this.size = size;
        this.a = a;
        this.b = b;
        this.c = c;
        this.lambda = lambda;
        this.d = d;
        this.held = held;
    }

    /**
     * A view of the block-arrow matrix with K = {@code blocks} diagonal blocks of order L =
     * {@code size} and a border of order G = {@code border}, stored as in the class comment.
     *
     * @throws IllegalArgumentException if a size is negative, the unknowns do not fit in an int, or an array's length is not what the sizes say
     */
    public static BlockArrow of(int blocks, int border, int size, double[] a, double[] b, double[] c) {
        if (blocks < 0 || border < 0 || size < 0) {
            throw new IllegalArgumentException("BlockArrow: expected K, G, L >= 0, got K = " + blocks + ", G = " + border + ", L = " + size);
        }
        long bLen = (long) blocks * size * size;
        long cLen = (long) blocks * size * border;
        if ((long) border + (long) blocks * size > Integer.MAX_VALUE - 8 || bLen > Integer.MAX_VALUE - 8
                || cLen > Integer.MAX_VALUE - 8 || (long) border * border > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("BlockArrow: K = " + blocks + ", G = " + border + ", L = " + size
                    + " need more values than one Java array holds");
        }
        checkLength("a (G×G)", a, (long) border * border);
        checkLength("b (K blocks of L×L)", b, bLen);
        checkLength("c (K blocks of L×G)", c, cLen);
        return new BlockArrow(blocks, border, size, a, b, c, 0, null, null);
    }

    private static void checkLength(String what, Object array, long expected) {
        int got = array == null ? -1 : array instanceof double[] v ? v.length : ((boolean[]) array).length;
        if (got != expected) {
            throw new IllegalArgumentException("BlockArrow: " + what + " must have " + expected + " values, got "
                    + (got < 0 ? "null" : String.valueOf(got)));
        }
    }

    /**
     * This matrix plus {@code lambda·diag(scale)}: the damping of Levenberg-Marquardt (scale the
     * diagonal of JᵀJ) or of a natural-gradient step (scale all ones). Replaces any earlier shift.
     *
     * @param scale one value per unknown, in the unknowns' order
     * @throws IllegalArgumentException if lambda is not finite or scale has the wrong length
     */
    public BlockArrow shifted(double lambda, double[] scale) {
        if (!Double.isFinite(lambda)) throw new IllegalArgumentException("BlockArrow.shifted: lambda must be finite, got " + lambda);
        checkLength("scale (one per unknown)", scale, unknowns());
        return new BlockArrow(blocks, border, size, a, b, c, lambda, scale, held);
    }

    /**
     * This matrix with the unknowns flagged in {@code held} fixed at zero: their rows and columns
     * are taken out (replaced by the identity) and their right-hand sides ignored, so the others
     * solve the system that remains. Replaces any earlier flags.
     *
     * @throws IllegalArgumentException if held does not have one flag per unknown
     */
    public BlockArrow holding(boolean[] held) {
        checkLength("held (one per unknown)", held, unknowns());
        return new BlockArrow(blocks, border, size, a, b, c, lambda, d, held);
    }

    /** K, the number of diagonal blocks. */
    public int blocks() {
        return blocks;
    }

    /** G, the order of the border. */
    public int border() {
        return border;
    }

    /** L, the order of each diagonal block. */
    public int blockSize() {
        return size;
    }

    /** G + K·L, the number of unknowns. */
    public int unknowns() {
        return border + blocks * size;
    }

    /** Whether unknown i is held at zero. */
    boolean held(int i) {
        return held != null && held[i];
    }

    /** The shift added to diagonal element i. */
    double shift(int i) {
        return d == null ? 0 : lambda * d[i];
    }

    double[] a() {
        return a;
    }

    double[] b() {
        return b;
    }

    double[] c() {
        return c;
    }

    /**
     * Solves {@code M x = r} by Schur complement, on this thread; {@link SchurComplement} splits
     * the same work over threads or machines. {@code x} receives the solution (held unknowns 0).
     *
     * @return {@link Cholesky#DEFINITE}, or the unknown at which a pivot was not positive: the
     *         matrix is not positive definite (x is then meaningless)
     * @throws IllegalArgumentException if r or x does not have one value per unknown
     */
    public int solve(double[] r, double[] x) {
        checkVectors("BlockArrow.solve", r, x);
        return new SchurComplement(blocks, border, size).solve(this, r, x);
    }

    /**
     * The matrix as one dense row-major n×n array, n = {@link #unknowns()}, with the shift added
     * and held unknowns' rows and columns replaced by the identity.
     */
    public double[] toDense() {
        int n = unknowns();
        long cells = (long) n * n;
        if (cells > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("BlockArrow.toDense: " + n + " unknowns need " + cells + " values, more than one Java array holds");
        }
        double[] m = new double[(int) cells];
        int G = border;
        int L = size;
        for (int i = 0; i < G; i++) System.arraycopy(a, i * G, m, i * n, G);
        for (int k = 0; k < blocks; k++) {
            for (int p = 0; p < L; p++) {
                int row = G + k * L + p;
                System.arraycopy(b, k * L * L + p * L, m, row * n + G + k * L, L);
                for (int q = 0; q < G; q++) {
                    double v = c[k * L * G + p * G + q];
                    m[row * n + q] = v;
                    m[q * n + row] = v;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (held(i)) {
                for (int j = 0; j < n; j++) {
                    m[i * n + j] = 0;
                    m[j * n + i] = 0;
                }
                m[i * n + i] = 1;
            } else {
                m[i * n + i] += shift(i);
            }
        }
        return m;
    }

    /**
     * Solves {@code M x = r} as one dense Cholesky factorization of {@link #toDense()}: O(n³), for
     * checking {@link #solve} on small systems.
     *
     * @return {@link Cholesky#DEFINITE}, or the unknown at which a pivot was not positive
     */
    public int solveDense(double[] r, double[] x) {
        checkVectors("BlockArrow.solveDense", r, x);
        int n = unknowns();
        double[] m = toDense();
        int pivot = Cholesky.factorInPlace(m, 0, n);
        if (pivot != Cholesky.DEFINITE) return pivot;
        for (int i = 0; i < n; i++) x[i] = held(i) ? 0 : r[i];
        Cholesky.solveInPlace(m, 0, n, x, 0, 1);
        return Cholesky.DEFINITE;
    }

    void checkVectors(String op, double[] r, double[] x) {
        int n = unknowns();
        if (r == null || x == null || r.length != n || x.length != n) {
            throw new IllegalArgumentException(op + ": expected the right-hand side and the solution to have " + n + " values (G + K·L = "
                    + border + " + " + blocks + "·" + size + "), got " + (r == null ? "null" : r.length) + " and " + (x == null ? "null" : x.length));
        }
    }
}
