package dev.motif.data;

import dev.motif.array.NDArray;
import dev.motif.array.Shapes;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Triplets of inputs: an anchor, a positive of the anchor's class and a negative of another,
 * for a triplet-margin loss.
 *
 * <pre>{@code
 * TripletData t = TripletData.sample(train, 5000, new SplittableRandom(1));
 * }</pre>
 *
 * @param anchor   (N, ...)
 * @param positive (N, ...) same class as the anchor
 * @param negative (N, ...) another class
 */
public record TripletData(NDArray anchor, NDArray positive, NDArray negative) implements DataSource<TripletData> {
    public TripletData {
        if (!Arrays.equals(anchor.shape(), positive.shape()) || !Arrays.equals(anchor.shape(), negative.shape()) || anchor.rank() < 1) {
            throw new IllegalArgumentException("TripletData: anchor " + Shapes.str(anchor.shape()) + ", positive " + Shapes.str(positive.shape())
                    + " and negative " + Shapes.str(negative.shape()) + " must have one shape");
        }
    }

    /**
     * {@code n} triplets from {@code source}: the anchor uniformly, the positive uniformly among
     * the other examples of its class, the negative among the examples of the other classes.
     */
    public static TripletData sample(Labeled source, int n, RandomGenerator rng) {
        int[] labels = source.labels();
        int[][] byClass = PairData.byClass(labels, source.classes());
        int[] a = new int[n], p = new int[n], q = new int[n];
        for (int i = 0; i < n; i++) {
            int x = rng.nextInt(labels.length), c = labels[x];
            int[] pool = byClass[c];
            if (pool.length < 2) throw new IllegalArgumentException("TripletData.sample: class " + c + " has " + pool.length + " example(s), a positive needs two");
            if (pool.length == labels.length) throw new IllegalArgumentException("TripletData.sample: all examples are of class " + c + ", no negative");
            int y, z;
            do y = pool[rng.nextInt(pool.length)]; while (y == x);
            do z = rng.nextInt(labels.length); while (labels[z] == c);
            a[i] = x;
            p[i] = y;
            q[i] = z;
        }
        NDArray in = source.inputs();
        return new TripletData(in.indexSelect(0, a), in.indexSelect(0, p), in.indexSelect(0, q));
    }

    @Override
    public int size() {
        return anchor.shape(0);
    }

    @Override
    public TripletData batch(int[] indices) {
        Batches.checkIndices("TripletData.batch", indices, size());
        return new TripletData(anchor.indexSelect(0, indices), positive.indexSelect(0, indices), negative.indexSelect(0, indices));
    }
}
