package dev.motif.bench;

import dev.motif.array.Blas;

/** Prints which BLAS kinds work here, for {@code bench/peers/run.sh} and the README's machine line. */
public final class BlasInfo {
    private BlasInfo() {}

    public static void main(String[] args) {
        System.out.println("default=" + Blas.describe());
        System.out.println("nativeAvailable=" + Blas.nativeAvailable());
        // OpenBLAS reads these once, when it loads; unset, it starts one thread per core.
        System.out.println("OPENBLAS_NUM_THREADS=" + System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "(unset: one per core)"));
        System.out.println("forkJoinParallelism=" + java.util.concurrent.ForkJoinPool.getCommonPoolParallelism()
                + " (+ the calling thread), availableProcessors=" + Runtime.getRuntime().availableProcessors());
    }
}
