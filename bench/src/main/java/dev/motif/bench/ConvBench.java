package dev.motif.bench;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.nn.Conv2d;
import dev.motif.nn.ConvOptions;
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

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Forward and backward of the seed CNN's second convolution, Conv2d 16→32, 3×3, padding 1 (with
 * bias), on a 64×16×28×28 input: the output and the gradients of the input, the weight and the
 * bias from a fixed random output gradient. FLOPs per op = 3 × 2·N·C_out·H·W·C_in·9 (forward,
 * input gradient, weight gradient) = {@value #FLOPS}; GFLOPS = FLOPS / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConvBench {
    static final int N = 64, C_IN = 16, C_OUT = 32, H = 28, W = 28;
    static final long FLOPS = 3L * 2 * N * C_OUT * H * W * C_IN * 9;

    @Param({"F32", "F64"})
    public String dtype;

    private Conv2d conv;
    private Tensor x;
    private Tensor gradOut;

    @Setup
    public void setup() {
        DType dt = DType.valueOf(dtype);
        SplittableRandom rng = new SplittableRandom(3);
        conv = new Conv2d(C_IN, C_OUT, 3, ConvOptions.DEFAULT.padding(1), dt, rng);
        x = Tensor.variable(Init.uniform(rng, dt, -1, 1, N, C_IN, H, W));
        gradOut = Tensor.constant(Init.uniform(rng, dt, -1, 1, N, C_OUT, H, W));
    }

    /** Forward, then the vector-Jacobian product into the input, the weight and the bias. */
    @Benchmark
    public List<Tensor> forwardBackward() {
        Tensor y = conv.forward(x);
        return Autodiff.grad(List.of(y), List.of(gradOut), List.of(x, conv.weight(), conv.bias()), false);
    }
}
