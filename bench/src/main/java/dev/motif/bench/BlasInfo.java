package dev.motif.bench;

import dev.motif.array.Blas;

/** Prints which BLAS kinds work here, for {@code bench/peers/run.sh} and the README's machine line. */
public final class BlasInfo {
    private BlasInfo() {}

    public static void main(String[] args) {
        System.out.println("default=" + Blas.describe());
        System.out.println("nativeAvailable=" + Blas.nativeAvailable());
    }
}
