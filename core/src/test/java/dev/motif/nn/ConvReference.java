package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.NDArray;

/** Convolutions as the textbook sum, one output value at a time: the reference the layers are checked against. */
final class ConvReference {
    private ConvReference() {}

    /** The kernel value for position p, output channel o, channel cg within the group, offsets (i, j). */
    interface Kernel {
        double at(int p, int o, int cg, int i, int j);
    }

    /** The bias for position p and channel o. */
    interface Bias {
        double at(int p, int o);
    }

    /**
     * out[n, o, oh, ow] = bias + Σ kernel·x[n, group·Cg + cg, oh·sh − top + i·dh, ow·sw − left + j·dw], zero outside.
     * 1-D inputs (N, C, L) are taken as (N, C, 1, L) and the result returned as (N, O, outL).
     */
    static NDArray conv(NDArray x, int outC, int groups, int kh, int kw, int sh, int sw, int top, int bottom, int left, int right,
                        int dh, int dw, Kernel k, Bias b) {
        boolean oneD = x.rank() == 3;
        int n = x.shape(0), c = x.shape(1), h = oneD ? 1 : x.shape(2), w = x.shape(oneD ? 2 : 3);
        int oh = (h + top + bottom - dh * (kh - 1) - 1) / sh + 1, ow = (w + left + right - dw * (kw - 1) - 1) / sw + 1;
        int cg = c / groups, og = outC / groups;
        NDArray out = oneD ? NDArray.zeros(DType.F64, n, outC, ow) : NDArray.zeros(DType.F64, n, outC, oh, ow);
        for (int b0 = 0; b0 < n; b0++) {
            for (int o = 0; o < outC; o++) {
                int grp = o / og;
                for (int y = 0; y < oh; y++) {
                    for (int z = 0; z < ow; z++) {
                        int p = y * ow + z;
                        double s = b == null ? 0 : b.at(p, o);
                        for (int ci = 0; ci < cg; ci++) {
                            for (int i = 0; i < kh; i++) {
                                for (int j = 0; j < kw; j++) {
                                    int iy = y * sh - top + i * dh, ix = z * sw - left + j * dw;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    int ch = grp * cg + ci;
                                    double xv = oneD ? x.get(b0, ch, ix) : x.get(b0, ch, iy, ix);
                                    s += k.at(p, o, ci, i, j) * xv;
                                }
                            }
                        }
                        out.setFlat(((b0 * outC + o) * oh + y) * ow + z, s);
                    }
                }
            }
        }
        return out;
    }
}
