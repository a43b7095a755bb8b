package dev.motif.data;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Minibatches cover every index exactly once, keep the last partial batch, and depend only on the seed. */
class BatchesTest {
    @Property(tries = 200)
    void everyIndexExactlyOncePerEpoch(@ForAll @IntRange(min = 0, max = 300) int n, @ForAll @IntRange(min = 1, max = 70) int batchSize,
                                       @ForAll long seed) {
        List<int[]> batches = Batches.shuffled(n, batchSize, new SplittableRandom(seed));
        assertEquals(Batches.count(n, batchSize), batches.size());
        assertEquals((n + batchSize - 1) / batchSize, batches.size());
        int[] hits = new int[n];
        for (int b = 0; b < batches.size(); b++) {
            int[] batch = batches.get(b);
            // All batches full except possibly the last, which holds the remainder.
            int expected = b < batches.size() - 1 || n % batchSize == 0 ? batchSize : n % batchSize;
            assertEquals(expected, batch.length, "batch " + b);
            for (int i : batch) hits[i]++;
        }
        for (int i = 0; i < n; i++) assertEquals(1, hits[i], "index " + i);
    }

    @Property(tries = 50)
    void theSameSeedGivesTheSameBatches(@ForAll @IntRange(min = 1, max = 200) int n, @ForAll long seed) {
        SplittableRandom a = new SplittableRandom(seed), b = new SplittableRandom(seed);
        for (int epoch = 0; epoch < 3; epoch++) {
            List<int[]> x = Batches.shuffled(n, 16, a), y = Batches.shuffled(n, 16, b);
            for (int k = 0; k < x.size(); k++) assertArrayEquals(x.get(k), y.get(k));
        }
    }

    @Test
    void successiveEpochsAndSeedsShuffleDifferently() {
        SplittableRandom rng = new SplittableRandom(3);
        int[] first = Batches.permutation(100, rng), second = Batches.permutation(100, rng);
        int[] other = Batches.permutation(100, new SplittableRandom(4));
        assertFalse(java.util.Arrays.equals(first, second));
        assertFalse(java.util.Arrays.equals(first, other));
    }

    @Test
    void permutationIsUniformOverThreeItems() {
        // 6 orders of 3 items, 60,000 draws: each order about 10,000 times (sd ≈ 91).
        SplittableRandom rng = new SplittableRandom(11);
        int[] counts = new int[6];
        for (int t = 0; t < 60_000; t++) {
            int[] p = Batches.permutation(3, rng);
            counts[p[0] * 2 + (p[1] > p[2] ? 1 : 0)]++;
        }
        for (int c : counts) assertEquals(10_000, c, 500, java.util.Arrays.toString(counts));
    }

    @Test
    void sequentialBatchesAreInOrderWithTheRemainderLast() {
        List<int[]> b = Batches.sequential(7, 3);
        assertEquals(3, b.size());
        assertArrayEquals(new int[] {0, 1, 2}, b.get(0));
        assertArrayEquals(new int[] {3, 4, 5}, b.get(1));
        assertArrayEquals(new int[] {6}, b.get(2));
        assertEquals(0, Batches.sequential(0, 3).size());
    }

    @Test
    void batchSizeMustBePositive() {
        assertEquals("Batches.shuffled: batch size must be > 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> Batches.shuffled(5, 0, new SplittableRandom(1))).getMessage());
        assertEquals("Batches.split: batch size must be > 0, got -2",
                assertThrows(IllegalArgumentException.class, () -> Batches.split(new int[3], -2)).getMessage());
    }
}
