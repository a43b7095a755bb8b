package dev.motif.array;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The one policy by which batch-parallel kernels (convolutions and their gradients over the
 * images of a batch, large elementwise ops, sums over axes, pooling) split their work over
 * threads, and the executor they run on.
 *
 * <p>Work is cut into chunks by its size alone, never by the number of cores or threads; every
 * chunk is computed by one thread in one order, and a kernel that sums per-chunk partials (a
 * convolution's weight gradient over the images) adds them in chunk order. So a result is the
 * same to the bit on 1 core or 64, with the common pool or any other executor: the executor only
 * decides who computes which chunk and how many at once.
 *
 * <p>The executor is the common {@link ForkJoinPool} unless a body runs under {@link #using}:
 *
 * <pre>{@code
 * ExecutorService pool = Executors.newFixedThreadPool(4);
 * Tensor loss = Parallel.using(pool, () -> step(model, batch));   // kernels on this thread split over pool
 * }</pre>
 *
 * <p>The calling thread always works on the chunks too, and waits only for chunks that have
 * started, so a busy or single-thread executor (even the one the caller runs on) slows a kernel
 * down but never blocks it.
 */
public final class Parallel {
    private Parallel() {}

    /** Elementwise work is cut into chunks of this many elements (and split only from twice that). */
    public static final int GRAIN = 1 << 16;

    private static final ThreadLocal<Executor> EXECUTOR = new ThreadLocal<>();

    /** The executor kernels on this thread split their work over. */
    public static Executor executor() {
        Executor e = EXECUTOR.get();
        return e != null ? e : ForkJoinPool.commonPool();
    }

    /** Runs {@code body} with the kernels it calls on this thread splitting their work over {@code executor}. */
    public static <T> T using(Executor executor, Supplier<T> body) {
        if (executor == null) throw new IllegalArgumentException("Parallel.using: executor must not be null");
        Executor was = EXECUTOR.get();
        EXECUTOR.set(executor);
        try {
            return body.get();
        } finally {
            EXECUTOR.set(was);
        }
    }

    /** {@link #using(Executor, Supplier)} for a body with no result. */
    public static void using(Executor executor, Runnable body) {
        using(executor, () -> {
            body.run();
            return null;
        });
    }

    /**
     * How many chunks {@code units} units of work (images, rows, planes) are cut into when each
     * unit holds {@code unitSize} elements: one below 2·{@link #GRAIN} elements, else about one per
     * GRAIN, never more than there are units or {@code maxChunks}. A function of the sizes only.
     */
    public static int chunks(int units, long unitSize, int maxChunks) {
        long elements = units * Math.max(1, unitSize);
        if (elements < 2L * GRAIN || units < 2) return 1;
        return (int) Math.max(1, Math.min(Math.min(units, maxChunks), (elements + GRAIN - 1) / GRAIN));
    }

    /** The first unit of chunk {@code c} when {@code n} units are cut into {@code chunks} near-equal chunks (chunk c is [start(c), start(c + 1))). */
    public static int chunkStart(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }

    /** The units {@code [from, to)} of one chunk. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** Work on chunk {@code chunk}, units {@code [from, to)}, with the calling thread's own {@code state}. */
    @FunctionalInterface
    public interface Chunk<S> {
        void run(S state, int chunk, int from, int to);
    }

    /** Runs {@code body} over {@code n} units cut into {@code chunks} chunks (see {@link #chunkStart}). */
    public static void forRanges(int n, int chunks, Range body) {
        if (chunks == 1) body.run(0, n); // the usual case for small arrays, without a wrapper
        else forChunks(n, chunks, () -> null, (state, c, from, to) -> body.run(from, to));
    }

    /**
     * Runs {@code body} over {@code n} units cut into {@code chunks} chunks; each thread that takes
     * part gets its own state from {@code perThread}, made once before its first chunk (a scratch
     * buffer reused over its chunks). Returns when every chunk is done; the first failure of a
     * chunk is rethrown, and chunks not yet started are skipped.
     */
    public static <S> void forChunks(int n, int chunks, Supplier<? extends S> perThread, Chunk<? super S> body) {
        if (chunks < 1) throw new IllegalArgumentException("Parallel: chunks must be >= 1, got " + chunks);
        if (chunks == 1) {
            body.run(perThread.get(), 0, 0, n);
            return;
        }
        Executor ex = executor();
        Job<S> job = new Job<>(n, chunks, perThread, body, ex);
        int helpers = Math.min(chunks - 1, helpers(ex));
        for (int i = 0; i < helpers; i++) {
            try {
                ex.execute(job);
            } catch (RejectedExecutionException e) {
                break; // the caller does the rest
            }
        }
        job.run();
        job.await();
    }

    /** How many threads besides the caller can usefully take chunks: never changes a result, only the speed. */
    private static int helpers(Executor ex) {
        if (ex instanceof ForkJoinPool p) return Math.max(1, p.getParallelism());
        if (ex instanceof ThreadPoolExecutor p) return Math.max(1, p.getMaximumPoolSize());
        return Integer.MAX_VALUE;
    }

    /** The chunks of one call, claimed one at a time by the caller and the helpers. */
    private static final class Job<S> implements Runnable {
        private final int n, chunks;
        private final Supplier<? extends S> perThread;
        private final Chunk<? super S> body;
        private final Executor executor;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch done;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int n, int chunks, Supplier<? extends S> perThread, Chunk<? super S> body, Executor executor) {
            this.n = n;
            this.chunks = chunks;
            this.perThread = perThread;
            this.body = body;
            this.executor = executor;
            this.done = new CountDownLatch(chunks);
        }

        @Override
        public void run() {
            // Kernels called from a chunk split over the same executor as the kernel that called them.
            Executor was = EXECUTOR.get();
            EXECUTOR.set(executor);
            try {
                S state = null;
                boolean made = false;
                for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                    try {
                        if (failure.get() == null) {
                            if (!made) {
                                state = perThread.get();
                                made = true;
                            }
                            body.run(state, c, chunkStart(n, chunks, c), chunkStart(n, chunks, c + 1));
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    } finally {
                        done.countDown();
                    }
                }
            } finally {
                EXECUTOR.set(was);
            }
        }

        /** Waits for the chunks that others took, then rethrows the first failure. */
        void await() {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        }
    }
}
