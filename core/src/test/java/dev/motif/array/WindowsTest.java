package dev.motif.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** im2col/col2im against the definition, a direct convolution, and the adjoint identity. */
class WindowsTest {

    /** A random geometry that fits: {n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw}. */
    private static int[] geometry(SplittableRandom rng) {
        while (true) {
            int[] g = {1 + rng.nextInt(2), 1 + rng.nextInt(3), 1 + rng.nextInt(7), 1 + rng.nextInt(7),
                    1 + rng.nextInt(3), 1 + rng.nextInt(3), 1 + rng.nextInt(3), 1 + rng.nextInt(3),
                    rng.nextInt(3), rng.nextInt(3), 1 + rng.nextInt(2), 1 + rng.nextInt(2)};
            if (g[10] * (g[4] - 1) + 1 <= g[2] + 2 * g[8] && g[11] * (g[5] - 1) + 1 <= g[3] + 2 * g[9]) return g;
        }
    }

    private static int out(int in, int k, int s, int p, int d) {
        return (in + 2 * p - d * (k - 1) - 1) / s + 1;
    }

    /** im2col from its definition, one entry at a time. */
    private static NDArray naiveIm2col(NDArray x, int[] g) {
        int n = g[0], c = g[1], h = g[2], w = g[3], kh = g[4], kw = g[5];
        int oh = out(h, kh, g[6], g[8], g[10]), ow = out(w, kw, g[7], g[9], g[11]);
        NDArray cols = NDArray.zeros(x.dtype(), n, c * kh * kw, oh * ow);
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        for (int y = 0; y < oh; y++)
                            for (int z = 0; z < ow; z++) {
                                int ih = y * g[6] - g[8] + i * g[10], iw = z * g[7] - g[9] + j * g[11];
                                double v = ih >= 0 && ih < h && iw >= 0 && iw < w ? x.get(b, ch, ih, iw) : 0;
                                cols.setFlat((b * c * kh * kw + (ch * kh + i) * kw + j) * oh * ow + y * ow + z, v);
                            }
        return cols;
    }

    private static NDArray im2col(NDArray x, int[] g) {
        return Windows.im2col2d(x, g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11]);
    }

    private static NDArray col2im(NDArray cols, int[] g) {
        return Windows.col2im2d(cols, g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11]);
    }

    @Property(tries = 200)
    void im2colFollowsTheDefinition(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] g = geometry(rng);
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            NDArray x = Ref.random(rng, dt, g[0], g[1], g[2], g[3]);
            NDArray got = im2col(x, g);
            assertTrue(got.contentEquals(naiveIm2col(x, g)), () -> java.util.Arrays.toString(g));
        }
    }

    @Property(tries = 200)
    void col2imIsTheAdjointOfIm2col(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] g = geometry(rng);
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            NDArray x = Ref.random(rng, dt, g[0], g[1], g[2], g[3]);
            NDArray cx = im2col(x, g);
            NDArray c = Ref.random(rng, dt, cx.shape());
            NDArray back = col2im(c, g);
            assertArrayEquals(x.shape(), back.shape());
            double lhs = Ref.dot(back, x), rhs = Ref.dot(c, cx);
            double tol = (dt == DType.F64 ? 1e-12 : 1e-5) * (1 + Ref.absDot(c, cx));
            assertEquals(rhs, lhs, tol, () -> java.util.Arrays.toString(g));
        }
    }

    @Property(tries = 100)
    void convolutionThroughColumnsEqualsTheDirectSum(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] g = geometry(rng);
        int n = g[0], c = g[1], h = g[2], w = g[3], kh = g[4], kw = g[5], o = 1 + rng.nextInt(3);
        int oh = out(h, kh, g[6], g[8], g[10]), ow = out(w, kw, g[7], g[9], g[11]);
        NDArray x = Ref.random(rng, DType.F64, n, c, h, w), k = Ref.random(rng, DType.F64, o, c, kh, kw);
        NDArray y = k.reshape(o, c * kh * kw).matmul(im2col(x, g)).reshape(n, o, oh, ow);
        for (int b = 0; b < n; b++)
            for (int f = 0; f < o; f++)
                for (int yy = 0; yy < oh; yy++)
                    for (int zz = 0; zz < ow; zz++) {
                        double s = 0;
                        for (int ch = 0; ch < c; ch++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++) {
                                    int ih = yy * g[6] - g[8] + i * g[10], iw = zz * g[7] - g[9] + j * g[11];
                                    if (ih >= 0 && ih < h && iw >= 0 && iw < w) s += k.get(f, ch, i, j) * x.get(b, ch, ih, iw);
                                }
                        assertEquals(s, y.get(b, f, yy, zz), 1e-12);
                    }
    }

    @Property(tries = 150)
    void oneDimensionalWindowsAreTheTwoDimensionalOnesWithHeightOne(@ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] g = geometry(rng);
        g[2] = 1;
        g[4] = 1;
        g[6] = 1;
        g[8] = 0;
        g[10] = 1;
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            NDArray x = Ref.random(rng, dt, g[0], g[1], g[3]);
            NDArray c1 = Windows.im2col1d(x, g[5], g[7], g[9], g[11]);
            NDArray c2 = naiveIm2col(x.reshape(g[0], g[1], 1, g[3]), g);
            assertTrue(c1.contentEquals(c2));
            NDArray c = Ref.random(rng, dt, c1.shape());
            NDArray back = Windows.col2im1d(c, g[3], g[5], g[7], g[9], g[11]);
            assertArrayEquals(x.shape(), back.shape());
            assertEquals(Ref.dot(c, c1), Ref.dot(back, x), (dt == DType.F64 ? 1e-12 : 1e-5) * (1 + Ref.absDot(c, c1)));
        }
    }

    @Test
    void handExample() {
        // 1x1x3x3 image 1..9, 2x2 kernel, stride 1: four windows.
        NDArray x = NDArray.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        NDArray cols = Windows.im2col2d(x, 2, 2, 1, 1, 0, 0, 1, 1);
        assertTrue(cols.contentEquals(NDArray.of(new double[] {
            1, 2, 4, 5,
            2, 3, 5, 6,
            4, 5, 7, 8,
            5, 6, 8, 9}, 1, 4, 4)));
        // Folding ones counts how many windows cover each pixel.
        NDArray count = Windows.col2im2d(NDArray.ones(DType.F64, 1, 4, 4), 3, 3, 2, 2, 1, 1, 0, 0, 1, 1);
        assertTrue(count.contentEquals(NDArray.of(new double[] {1, 2, 1, 2, 4, 2, 1, 2, 1}, 1, 1, 3, 3)));
        // padding 1, stride 2: corners of a zero-padded 5x5
        NDArray p = Windows.im2col2d(x, 2, 2, 2, 2, 1, 1, 1, 1);
        assertArrayEquals(new int[] {1, 4, 4}, p.shape());
        assertTrue(p.slice(1, 0, 1).reshape(4).contentEquals(NDArray.vector(0, 0, 0, 5)));
        assertTrue(p.slice(1, 3, 4).reshape(4).contentEquals(NDArray.vector(1, 3, 7, 9)));
        // 1-D, dilation 2: windows {0, 2} over 0..4
        NDArray s = NDArray.of(new float[] {0, 1, 2, 3, 4}, 1, 1, 5);
        NDArray c1 = Windows.im2col1d(s, 2, 1, 0, 2);
        assertTrue(c1.contentEquals(NDArray.of(new float[] {0, 1, 2, 2, 3, 4}, 1, 2, 3)));
    }

    @Test
    void outputSize() {
        assertEquals(32, Windows.outputSize(32, 3, 1, 1, 1));
        assertEquals(16, Windows.outputSize(32, 3, 2, 1, 1));
        assertEquals(28, Windows.outputSize(32, 3, 1, 0, 2));
        assertEquals(1, Windows.outputSize(3, 3, 5, 0, 1));
    }

    private static void assertMessage(Runnable r, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String p : parts) assertTrue(e.getMessage().contains(p), () -> "message '" + e.getMessage() + "' lacks '" + p + "'");
    }

    @Test
    void badArgumentsAreNamed() {
        NDArray x = NDArray.zeros(DType.F64, 1, 2, 3, 3);
        assertMessage(() -> Windows.im2col2d(x, 5, 5, 1, 1, 0, 0, 1, 1), "im2col2d", "larger than the padded input", "[1, 2, 3, 3]");
        assertMessage(() -> Windows.im2col2d(x, 3, 3, 1, 1, 0, 0, 2, 2), "im2col2d", "dilation 2", "[1, 2, 3, 3]");
        assertMessage(() -> Windows.im2col2d(x, 3, 3, 0, 1, 0, 0, 1, 1), "im2col2d", "stride", "0");
        assertMessage(() -> Windows.im2col2d(x, 3, 3, 1, -1, 0, 0, 1, 1), "im2col2d", "stride", "-1");
        assertMessage(() -> Windows.im2col2d(x, 0, 3, 1, 1, 0, 0, 1, 1), "im2col2d", "kernel");
        assertMessage(() -> Windows.im2col2d(x, 3, 3, 1, 1, -1, 0, 1, 1), "im2col2d", "padding");
        assertMessage(() -> Windows.im2col2d(x, 3, 3, 1, 1, 0, 0, 0, 1), "im2col2d", "dilation");
        assertMessage(() -> Windows.im2col2d(NDArray.zeros(DType.F64, 2, 3, 3), 3, 3, 1, 1, 0, 0, 1, 1), "im2col2d", "(N, C, H, W)", "[2, 3, 3]");
        assertMessage(() -> Windows.im2col1d(x, 3, 1, 0, 1), "im2col1d", "(N, C, L)", "[1, 2, 3, 3]");
        assertMessage(() -> Windows.im2col1d(NDArray.zeros(DType.F64, 1, 1, 4), 3, 1, 0, 3), "im2col1d", "larger", "[1, 1, 4]");
        NDArray cols = NDArray.zeros(DType.F64, 1, 18, 1);
        assertMessage(() -> Windows.col2im2d(cols, 4, 4, 3, 3, 1, 1, 0, 0, 1, 1), "col2im2d", "[1, 18, 1]", "2x2");
        assertMessage(() -> Windows.col2im2d(cols, 3, 3, 4, 4, 1, 1, 0, 0, 1, 1), "col2im2d", "multiple", "4x4");
        assertMessage(() -> Windows.col2im2d(cols, 0, 3, 3, 3, 1, 1, 0, 0, 1, 1), "col2im2d", "positive");
        assertMessage(() -> Windows.col2im2d(NDArray.zeros(DType.F64, 18, 1), 3, 3, 3, 3, 1, 1, 0, 0, 1, 1), "col2im2d", "[18, 1]");
        assertMessage(() -> Windows.col2im1d(NDArray.zeros(DType.F64, 1, 4, 4), 6, 2, 1, 0, 1), "col2im1d", "[1, 4, 4]", "gives 5");
        assertMessage(() -> Windows.col2im1d(NDArray.zeros(DType.F64, 1, 5, 4), 6, 2, 1, 0, 1), "col2im1d", "multiple");
    }

    @Test
    void largeStrideOnePathsAgreeWithTheDefinition() {
        // Big enough that the arraycopy / contiguous-add branches carry almost all the work.
        SplittableRandom rng = new SplittableRandom(9);
        int[] g = {2, 3, 17, 19, 3, 5, 1, 1, 1, 2, 1, 1};
        NDArray x = Ref.random(rng, DType.F32, 2, 3, 17, 19);
        assertTrue(im2col(x, g).contentEquals(naiveIm2col(x, g)));
        NDArray c = Ref.random(rng, DType.F64, im2col(x.toF64(), g).shape());
        NDArray back = col2im(c, g), backF = col2im(c.toF32(), g);
        assertTrue(back.maxAbsDiff(backF) < 1e-5);
    }
}
