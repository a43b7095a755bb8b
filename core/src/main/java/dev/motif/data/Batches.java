package dev.motif.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Minibatches as arrays of dataset indices: shuffled by an explicit generator, or in order. Every
 * index appears in exactly one batch; the last batch is smaller when the batch size does not
 * divide the dataset (it is kept, so every image is seen once per epoch).
 *
 * <pre>{@code
 * RandomGenerator rng = new SplittableRandom(seed);
 * for (int epoch = 0; epoch < epochs; epoch++)
 *     for (int[] idx : Batches.shuffled(train.size(), 64, rng)) step(train.subset(idx));
 * }</pre>
 */
public final class Batches {
    private Batches() {}

    /** A uniformly random permutation of 0..n−1 (Fisher–Yates), the same for the same generator state. */
    public static int[] permutation(int n, RandomGenerator rng) {
        if (n < 0) throw new IllegalArgumentException("Batches.permutation: n must be >= 0, got " + n);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** {@code order} cut into consecutive batches of {@code batchSize}, the last one possibly shorter. */
    public static List<int[]> split(int[] order, int batchSize) {
        if (batchSize <= 0) throw new IllegalArgumentException("Batches.split: batch size must be > 0, got " + batchSize);
        List<int[]> out = new ArrayList<>(count(order.length, batchSize));
        for (int s = 0; s < order.length; s += batchSize) out.add(Arrays.copyOfRange(order, s, Math.min(order.length, s + batchSize)));
        return out;
    }

    /** Batches over a fresh random permutation of 0..n−1 drawn from {@code rng}. */
    public static List<int[]> shuffled(int n, int batchSize, RandomGenerator rng) {
        if (batchSize <= 0) throw new IllegalArgumentException("Batches.shuffled: batch size must be > 0, got " + batchSize);
        return split(permutation(n, rng), batchSize);
    }

    /** Batches over 0..n−1 in order (evaluation). */
    public static List<int[]> sequential(int n, int batchSize) {
        if (batchSize <= 0) throw new IllegalArgumentException("Batches.sequential: batch size must be > 0, got " + batchSize);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        return split(order, batchSize);
    }

    /** Checks that every index is in [0, n), naming {@code who}, the index and its position otherwise. */
    public static void checkIndices(String who, int[] indices, int n) {
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= n) {
                throw new IllegalArgumentException(who + ": index " + indices[i] + " at position " + i + " is not in [0, " + n + ")");
            }
        }
    }

    /** Number of batches of {@code batchSize} that cover {@code n} items: ⌈n / batchSize⌉. */
    public static int count(int n, int batchSize) {
        return (int) ((n + (long) batchSize - 1) / batchSize);
    }
}
