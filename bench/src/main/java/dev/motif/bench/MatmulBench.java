package dev.motif.bench;

import dev.motif.array.Blas;
import dev.motif.array.DType;
import dev.motif.array.NDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code NDArray.matmul} of two n×n arrays, per dtype and BLAS implementation.
 *
 * <p>The score is milliseconds per product; GFLOPS = 2n³ / time (see {@code bench/peers/report.py}).
 * When the native BLAS cannot load, the NATIVE cases fail in setup with a message saying so and
 * JMH goes on with the rest; {@code bench/peers/run.sh} leaves them out up front.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MatmulBench {
    @Param({"256", "512", "1024"})
    public int n;

    @Param({"F32", "F64"})
    public DType dtype;

    @Param({"NATIVE", "JAVA"})
    public Blas.Kind blas;

    private NDArray a;
    private NDArray b;

    @Setup
    public void setup() {
        if (blas == Blas.Kind.NATIVE && !Blas.nativeAvailable()) {
            throw new IllegalStateException("native BLAS is not available on this machine (install libopenblas0); skipping blas=NATIVE");
        }
        Blas.use(blas);
        // Seeded, so every run multiplies the same matrices.
        SplittableRandom rng = new SplittableRandom(42);
        a = random(rng, dtype, n);
        b = random(rng, dtype, n);
        System.out.println("# BLAS in use: " + Blas.describe());
    }

    static NDArray random(SplittableRandom rng, DType dtype, int n) {
        double[] v = new double[n * n];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextDouble(-1, 1);
        return NDArray.of(v, n, n).to(dtype);
    }

    @Benchmark
    public NDArray matmul() {
        return a.matmul(b);
    }
}
