package dev.motif.array;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parallel policy: chunks by size only, any executor, the same bits. */
class ParallelTest {

    @Test
    void convolutionAndTrainingStepsGiveTheSameBitsOnOneTwoAndSevenThreads() {
        String reference = DeterminismWorkload.fingerprint();
        for (int threads : new int[] {1, 2, 7}) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                assertEquals(reference, Parallel.using(pool, DeterminismWorkload::fingerprint), threads + " threads");
            } finally {
                pool.shutdownNow();
            }
        }
        assertEquals(reference, Parallel.using(Runnable::run, DeterminismWorkload::fingerprint), "the calling thread alone");
    }

    @Test
    void chunksDependOnTheSizesOnly() {
        assertEquals(1, Parallel.chunks(1000, 100, 16), "below twice the grain");
        assertEquals(1, Parallel.chunks(1, 1 << 20, 16), "one unit cannot split");
        assertEquals(16, Parallel.chunks(64, 1 << 20, 16));
        assertEquals(13, Parallel.chunks(802_816, 1, Integer.MAX_VALUE), "about one chunk per grain");
        assertEquals(3, Parallel.chunks(3, 1 << 20, 16), "at most one chunk per unit");
        int[] starts = new int[6];
        for (int c = 0; c <= 5; c++) starts[c] = Parallel.chunkStart(17, 5, c);
        assertEquals(List.of(0, 3, 6, 10, 13, 17), java.util.Arrays.stream(starts).boxed().toList());
    }

    @Test
    void everyChunkRunsOnceWithItsThreadsState() {
        List<int[]> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger states = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Parallel.using(pool, () -> Parallel.forChunks(100, 9, states::incrementAndGet, (state, c, from, to) -> seen.add(new int[] {c, from, to})));
        } finally {
            pool.shutdownNow();
        }
        seen.sort((a, b) -> a[0] - b[0]);
        assertEquals(9, seen.size());
        for (int c = 0; c < 9; c++) {
            assertEquals(c, seen.get(c)[0]);
            assertEquals(Parallel.chunkStart(100, 9, c), seen.get(c)[1]);
            assertEquals(Parallel.chunkStart(100, 9, c + 1), seen.get(c)[2]);
        }
        assertTrue(states.get() >= 1 && states.get() <= 4, "one state per thread that took part, got " + states.get());
    }

    @Test
    void aSingleThreadExecutorThatIsBusyWithTheCallerDoesNotBlockIt() throws Exception {
        // The caller runs on the executor's only thread, so no helper can start: it does every chunk itself.
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            int[] sum = new int[1];
            one.submit(() -> Parallel.using(one, () -> Parallel.forRanges(10, 5, (from, to) -> sum[0] += to - from))).get();
            assertEquals(10, sum[0]);
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void aFailingChunkIsRethrownToTheCaller() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRanges(10, 5, (from, to) -> {
            if (from >= 4) throw new IllegalStateException("chunk at " + from);
        }));
        assertTrue(e.getMessage().startsWith("chunk at"), e.getMessage());
    }

    @Test
    void theExecutorIsTheCommonPoolOutsideUsingAndIsRestored() {
        assertSame(ForkJoinPool.commonPool(), Parallel.executor());
        Runnable direct = () -> {};
        Parallel.using(Runnable::run, () -> assertTrue(Parallel.executor() != ForkJoinPool.commonPool()));
        assertSame(ForkJoinPool.commonPool(), Parallel.executor());
        assertThrows(IllegalArgumentException.class, () -> Parallel.using(null, direct));
    }
}
