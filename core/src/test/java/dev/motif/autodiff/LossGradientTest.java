package dev.motif.autodiff;

import dev.motif.array.NDArray;
import dev.motif.nn.Losses;
import dev.motif.nn.Losses.Reduction;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.motif.autodiff.GradCheck.awayFromZero;
import static dev.motif.autodiff.GradCheck.check;
import static dev.motif.autodiff.GradCheck.checkHvp;
import static dev.motif.autodiff.GradCheck.uniform;

/**
 * Every loss, with every reduction, against finite differences in F64, first order and
 * Hessian-vector products, in every floating-point input (targets and class weights included).
 * Inputs are kept away from the kinks (|d| = δ, the hinge at the margin, d = 0 of L1), where a
 * central difference straddles two branches.
 */
class LossGradientTest {

    /** Checks f first and second order under one label per reduction. */
    private static void both(String label, Reduction r, long seed, GradCheck.Fn f, NDArray... xs) {
        check(label + " " + r, f, xs);
        checkHvp(label + " " + r, f, seed, xs);
    }

    /** Differences whose magnitudes lie in [0.1, 0.8]·k or [1.2, 3]·k: clear of the Huber threshold k on both sides. */
    private static NDArray clearOf(Random rng, double k, int... shape) {
        NDArray a = NDArray.zeros(dev.motif.array.DType.F64, shape);
        for (int i = 0; i < a.size(); i++) {
            double m = rng.nextBoolean() ? 0.1 + 0.7 * rng.nextDouble() : 1.2 + 1.8 * rng.nextDouble();
            a.setFlat(i, (rng.nextBoolean() ? 1 : -1) * m * k);
        }
        return a;
    }

    @Test
    void regressionLosses() {
        Random rng = new Random(1);
        for (Reduction r : Reduction.values()) {
            NDArray t = uniform(rng, -2, 2, 3, 4);
            both("mse", r, 1, xs -> Losses.mse(xs.get(0), xs.get(1), r), uniform(rng, -2, 2, 3, 4), t);
            both("l1", r, 2, xs -> Losses.l1(xs.get(0), xs.get(1), r), t.add(awayFromZero(rng, 0.1, 2, 3, 4)), t);
            both("huber δ 0.7", r, 3, xs -> Losses.huber(xs.get(0), xs.get(1), 0.7, r), t.add(clearOf(rng, 0.7, 3, 4)), t);
            both("smoothL1 β 0.5", r, 4, xs -> Losses.smoothL1(xs.get(0), xs.get(1), 0.5, r), t.add(clearOf(rng, 0.5, 3, 4)), t);
            both("smoothL1 β 0", r, 5, xs -> Losses.smoothL1(xs.get(0), xs.get(1), 0, r), t.add(awayFromZero(rng, 0.1, 2, 3, 4)), t);
            both("bce with logits", r, 6, xs -> Losses.binaryCrossEntropyWithLogits(xs.get(0), xs.get(1), r), uniform(rng, -4, 4, 3, 4),
                    uniform(rng, 0, 1, 3, 4));
        }
    }

    @Test
    void classLossesInTheScoresAndTheClassWeights() {
        Random rng = new Random(2);
        int[] labels = {2, 0, -100, 3, 1, 2};
        for (Reduction r : Reduction.values()) {
            NDArray z = uniform(rng, -3, 3, 6, 4), w = uniform(rng, 0.3, 2, 4);
            both("crossEntropy", r, 7, xs -> Losses.crossEntropy(xs.get(0), labels, xs.get(1), -100, r), z, w);
            both("nll", r, 8, xs -> Losses.nll(xs.get(0), labels, xs.get(1), -100, r), z, w);
            both("crossEntropy unweighted", r, 9, xs -> Losses.crossEntropy(xs.get(0), new int[] {2, 0, 1, 3, 1, 2}, r), z);
        }
    }

    @Test
    void pairAndTripletLosses() {
        Random rng = new Random(3);
        int[] pm = {1, -1, 1, -1, -1, 1}, same = {1, 0, 1, 0, 0, 1};
        for (Reduction r : Reduction.values()) {
            NDArray x1 = uniform(rng, -2, 2, 6, 3), x2 = uniform(rng, -2, 2, 6, 3);
            both("cosineEmbedding", r, 10, xs -> Losses.cosineEmbedding(xs.get(0), xs.get(1), pm, -0.3, r), x1, x2);
            both("contrastive", r, 11, xs -> Losses.contrastive(xs.get(0), xs.get(1), same, 3, r), x1, x2);
            NDArray a = uniform(rng, -2, 2, 5, 4), p = uniform(rng, -2, 2, 5, 4), n = uniform(rng, -2, 2, 5, 4);
            for (double norm : new double[] {2, 1, 3}) {
                for (boolean swap : new boolean[] {false, true}) {
                    both("tripletMargin p " + norm + (swap ? " swap" : ""), r, 12,
                            xs -> Losses.tripletMargin(xs.get(0), xs.get(1), xs.get(2), 1.5, norm, 1e-6, swap, r), a, p, n);
                }
            }
        }
    }

    @Test
    void contrastiveNearCoincidingEmbeddings() {
        // Pairs 1e-3 apart: the "different" branch curves on the scale of d (its Hessian is about
        // margin/d = 1000), so the differences take a step of 1e-7 instead of 1e-5, whose truncation
        // error would be (h/d)² = 1e-4 of the Hessian.
        Random rng = new Random(4);
        NDArray x1 = uniform(rng, -1, 1, 3, 2), x2 = x1.add(uniform(rng, -1e-3, 1e-3, 3, 2));
        GradCheck.Fn f = xs -> Losses.contrastive(xs.get(0), xs.get(1), new int[] {1, 0, 0}, 1, Reduction.SUM);
        check("contrastive, pairs 1e-3 apart", f, x1, x2);
        checkHvp("contrastive, pairs 1e-3 apart", f, 13, 1e-7, 1e-6, x1, x2);
    }
}
