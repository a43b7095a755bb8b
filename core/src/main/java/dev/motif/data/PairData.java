package dev.motif.data;

import dev.motif.array.NDArray;
import dev.motif.array.Shapes;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Pairs of inputs with a flag each: 1 when they belong together (the same class), 0 when not.
 * What a Siamese network is trained and verified on.
 *
 * <pre>{@code
 * PairData pairs = PairData.sample(train, 5000, new SplittableRandom(1));   // half same-class pairs
 * }</pre>
 *
 * @param first  (N, ...) the first input of each pair
 * @param second (N, ...) the second, of the same shape
 * @param same   N flags, 1 for a matching pair
 */
public record PairData(NDArray first, NDArray second, int[] same) implements DataSource<PairData> {
    public PairData {
        if (!Arrays.equals(first.shape(), second.shape()) || first.rank() < 1 || first.shape(0) != same.length) {
            throw new IllegalArgumentException("PairData: first " + Shapes.str(first.shape()) + " and second " + Shapes.str(second.shape())
                    + " must have one shape, with " + same.length + " pairs along the first axis");
        }
        same = same.clone();
        for (int i = 0; i < same.length; i++) {
            if (same[i] != 0 && same[i] != 1) throw new IllegalArgumentException("PairData: flag " + same[i] + " at position " + i + " is not 0 or 1");
        }
    }

    /**
     * {@code n} pairs drawn from {@code source}: the first of each pair uniformly, the second
     * uniformly among the other examples of its class for even positions (a matching pair) and
     * among the examples of the other classes for odd ones, so half the pairs match. The same
     * generator state gives the same pairs.
     *
     * @throws IllegalArgumentException if a class has fewer than two examples or there is only one class
     */
    public static PairData sample(Labeled source, int n, RandomGenerator rng) {
        int[] labels = source.labels();
        int[][] byClass = byClass(labels, source.classes());
        int[] a = new int[n], b = new int[n], same = new int[n];
        for (int i = 0; i < n; i++) {
            int x = rng.nextInt(labels.length), c = labels[x];
            same[i] = i % 2 == 0 ? 1 : 0;
            int y;
            if (same[i] == 1) {
                int[] pool = byClass[c];
                if (pool.length < 2) throw new IllegalArgumentException("PairData.sample: class " + c + " has " + pool.length + " example(s), a matching pair needs two");
                do y = pool[rng.nextInt(pool.length)]; while (y == x);
            } else {
                if (byClass[c].length == labels.length) throw new IllegalArgumentException("PairData.sample: all examples are of class " + c + ", no pair can differ");
                do y = rng.nextInt(labels.length); while (labels[y] == c);
            }
            a[i] = x;
            b[i] = y;
        }
        return new PairData(source.inputs().indexSelect(0, a), source.inputs().indexSelect(0, b), same);
    }

    static int[][] byClass(int[] labels, int classes) {
        int[] count = new int[classes];
        for (int l : labels) count[l]++;
        int[][] out = new int[classes][];
        for (int c = 0; c < classes; c++) out[c] = new int[count[c]];
        int[] k = new int[classes];
        for (int i = 0; i < labels.length; i++) out[labels[i]][k[labels[i]]++] = i;
        return out;
    }

    @Override
    public int size() {
        return same.length;
    }

    @Override
    public int[] same() {
        return same.clone();
    }

    @Override
    public PairData batch(int[] indices) {
        Batches.checkIndices("PairData.batch", indices, same.length);
        int[] s = new int[indices.length];
        for (int i = 0; i < indices.length; i++) s[i] = same[indices[i]];
        return new PairData(first.indexSelect(0, indices), second.indexSelect(0, indices), s);
    }

    @Override
    public String toString() {
        return "PairData(" + size() + " pairs of " + Shapes.str(Arrays.copyOfRange(first.shape(), 1, first.rank())) + ")";
    }
}
