package dev.motif.bench;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The fixed cost of one autodiff op: a chain of {@value #OPS} elementwise ops on a 4-element F64
 * tensor, so the arithmetic is negligible and what is measured is recording, dispatch and
 * backward bookkeeping.
 *
 * <p>{@code @OperationsPerInvocation} makes JMH report nanoseconds per op (chain time / {@value #OPS}).
 * {@code bench/peers/torch_ops.py} runs the same chains in PyTorch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OpOverheadBench {
    static final int OPS = 100;

    /** ADD: y = y + c every step; ADD_MUL: add and mul alternate (mul's backward does real work). */
    @Param({"ADD", "ADD_MUL"})
    public String chain;

    private NDArray x0;
    private NDArray cArray;
    private Tensor c;
    private Tensor seed;
    private boolean alternate;

    @Setup
    public void setup() {
        x0 = NDArray.vector(0.5, -1.0, 2.0, 0.25);
        // Close to one, so a hundred products stay finite.
        cArray = NDArray.vector(1.001, 0.999, 1.0005, 0.9995);
        c = Tensor.constant(cArray);
        seed = Tensor.constant(NDArray.ones(DType.F64, 4));
        alternate = switch (chain) {
            case "ADD" -> false;
            case "ADD_MUL" -> true;
            default -> throw new IllegalArgumentException("chain must be ADD or ADD_MUL, got " + chain);
        };
    }

    private Tensor run(Tensor x) {
        Tensor y = x;
        for (int i = 0; i < OPS; i++) y = alternate && (i & 1) == 1 ? y.mul(c) : y.add(c);
        return y;
    }

    /** The same chain on bare NDArrays: the floor set by the array kernels and allocation alone. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public NDArray arrayOnly() {
        NDArray y = x0;
        for (int i = 0; i < OPS; i++) y = alternate && (i & 1) == 1 ? y.mul(cArray) : y.add(cArray);
        return y;
    }

    /** Forward under {@link Autodiff#noGrad}: no graph is recorded. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public Tensor forwardNoGrad() {
        Tensor x = Tensor.variable(x0);
        return Autodiff.noGrad(() -> run(x));
    }

    /** Forward with the graph recorded, no backward. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public Tensor forwardRecord() {
        return run(Tensor.variable(x0));
    }

    /** Forward, then {@code Autodiff.grad} with a ones seed (no extra op at the end). */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public Tensor forwardGrad() {
        Tensor x = Tensor.variable(x0);
        Tensor y = run(x);
        return Autodiff.grad(List.of(y), List.of(seed), List.of(x), false).get(0);
    }

    /** Forward, {@code sum()}, then {@code backward()} into the leaf: the training-loop API (101 ops, counted as 100). */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public NDArray forwardBackward() {
        Tensor x = Tensor.variable(x0);
        run(x).sum().backward();
        return x.grad();
    }
}
