package dev.motif.golden;

import dev.motif.autodiff.Tensor;
import dev.motif.nn.Activation;
import dev.motif.nn.AvgPool1d;
import dev.motif.nn.AvgPool2d;
import dev.motif.nn.BatchNorm;
import dev.motif.nn.BatchNorm1d;
import dev.motif.nn.BatchNorm2d;
import dev.motif.nn.Block;
import dev.motif.nn.Conv1d;
import dev.motif.nn.Conv2d;
import dev.motif.nn.ConvOptions;
import dev.motif.nn.Flatten;
import dev.motif.nn.GlobalAvgPool;
import dev.motif.nn.GlobalMaxPool;
import dev.motif.nn.LayerNorm;
import dev.motif.nn.Linear;
import dev.motif.nn.LocallyConnected1d;
import dev.motif.nn.LocallyConnected2d;
import dev.motif.nn.MaxPool1d;
import dev.motif.nn.MaxPool2d;
import dev.motif.nn.Parameter;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;

import static dev.motif.golden.Golden.assertClose;

/**
 * Every layer against PyTorch on the same weights and inputs (the golden files of
 * {@code bench/peers/torch_golden.py}): the output, and the gradients of a fixed random
 * contraction of it with respect to the input and every parameter; for batch norm also the
 * running statistics after the step.
 */
class LayerGoldenTest {

    @TestFactory
    Stream<DynamicTest> linear() {
        return Golden.tests("linear.safetensors", c -> check(c, new Linear(c.integer("in"), c.integer("out"), c.flag("bias"), c.dtype(), seed())));
    }

    @TestFactory
    Stream<DynamicTest> conv1d() {
        return Golden.tests("conv1d.safetensors", c -> check(c, new Conv1d(c.integer("in"), c.integer("out"), c.integer("kernel"), convOptions(c, 1), c.dtype(), seed())));
    }

    @TestFactory
    Stream<DynamicTest> conv2d() {
        return Golden.tests("conv2d.safetensors", c -> {
            int[] k = c.perAxis("kernel", 2);
            check(c, new Conv2d(c.integer("in"), c.integer("out"), k[0], k[1], convOptions(c, 2), c.dtype(), seed()));
        });
    }

    @TestFactory
    Stream<DynamicTest> locallyConnected1d() {
        return Golden.tests("local1d.safetensors", c -> check(c, new LocallyConnected1d(c.integer("in"), c.integer("out"), c.integer("input"),
                c.integer("kernel"), convOptions(c, 1), c.dtype(), seed())));
    }

    @TestFactory
    Stream<DynamicTest> locallyConnected2d() {
        return Golden.tests("local2d.safetensors", c -> {
            int[] k = c.perAxis("kernel", 2), in = c.perAxis("input", 2);
            check(c, new LocallyConnected2d(c.integer("in"), c.integer("out"), in[0], in[1], k[0], k[1], convOptions(c, 2), c.dtype(), seed()));
        });
    }

    @TestFactory
    Stream<DynamicTest> pooling() {
        return Golden.tests("pool.safetensors", c -> check(c, switch (c.str("layer")) {
            case "MaxPool1d" -> new MaxPool1d(c.integer("kernel"), c.integer("stride"), c.integer("padding"));
            case "MaxPool2d" -> new MaxPool2d(c.integer("kernel"), c.integer("stride"), c.integer("padding"));
            case "AvgPool1d" -> new AvgPool1d(c.integer("kernel"), c.integer("stride"), c.integer("padding"));
            case "AvgPool2d" -> new AvgPool2d(c.integer("kernel"), c.integer("stride"), c.integer("padding"));
            case "GlobalAvgPool" -> new GlobalAvgPool();
            case "GlobalMaxPool" -> new GlobalMaxPool();
            default -> throw new AssertionError(c + ": unknown layer " + c.str("layer"));
        }));
    }

    @TestFactory
    Stream<DynamicTest> normalization() {
        return Golden.tests("norm.safetensors", c -> {
            if (c.str("layer").equals("LayerNorm")) {
                check(c, new LayerNorm(c.perAxis("normalized", c.options().get("normalized").size()), c.num("eps"), c.dtype()));
                return;
            }
            checkBatchNorm(c, c.num("momentum"));
        });
    }

    /** A batch norm case, with the file's running statistics before the step and {@code momentum} (the file's, or a wrong one). */
    static void checkBatchNorm(Golden.Case c, double momentum) {
        int f = c.integer("features");
        BatchNorm bn = c.str("layer").equals("BatchNorm1d") ? new BatchNorm1d(f, c.num("eps"), momentum, c.dtype())
                : new BatchNorm2d(f, c.num("eps"), momentum, c.dtype());
        bn.runningMean().assign(c.get("running_mean.before"));
        bn.runningVar().assign(c.get("running_var.before"));
        bn.train(c.flag("training"));
        check(c, bn);
        assertClose(c, "running_mean", bn.runningMean());
        assertClose(c, "running_var", bn.runningVar());
    }

    @TestFactory
    Stream<DynamicTest> activationsAndFlatten() {
        return Golden.tests("activation.safetensors", c -> check(c, c.str("layer").equals("Flatten") ? new Flatten() : switch (c.str("activation")) {
            case "relu" -> Activation.relu();
            case "tanh" -> Activation.tanh();
            case "sigmoid" -> Activation.sigmoid();
            case "gelu" -> Activation.gelu();
            case "softplus" -> Activation.softplus();
            default -> throw new AssertionError(c + ": unknown activation " + c.str("activation"));
        }));
    }

    /**
     * Sets the block's parameters to the file's, runs forward on the file's input and backward of
     * the contraction, and compares the output and every gradient. The block's parameter names
     * must be exactly the file's, so a bias on one side only fails.
     */
    static void check(Golden.Case c, Block block) {
        Map<String, Parameter> params = block.namedParameters();
        Set<String> inFile = new TreeSet<>();
        for (var n : c.options().get("parameters")) inFile.add(n.asText());
        if (!new TreeSet<>(params.keySet()).equals(inFile)) {
            throw new AssertionError(c + ": " + block.describe() + " has parameters " + params.keySet() + ", PyTorch's case " + inFile);
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) e.getValue().set(c.get(e.getKey()));
        Tensor x = Tensor.variable(c.get("x"));
        Tensor out = block.forward(x);
        assertClose(c, "out", out.value());
        Golden.contraction(c, out).backward();
        assertClose(c, "grad.x", x.grad());
        for (Map.Entry<String, Parameter> e : params.entrySet()) assertClose(c, "grad." + e.getKey(), e.getValue().grad());
    }

    /** PyTorch's options of a convolution case; a 1-D layer reads the width entries. */
    static ConvOptions convOptions(Golden.Case c, int rank) {
        int[] s = c.perAxis("stride", rank), d = c.perAxis("dilation", rank);
        ConvOptions o = ConvOptions.DEFAULT.stride(s[0], s[rank - 1]).dilation(d[0], d[rank - 1]).groups(c.integer("groups")).bias(c.flag("bias"));
        if (c.options().get("padding").isTextual()) return o.padding(c.str("padding"));
        int[] p = c.perAxis("padding", rank);
        return o.padding(p[0], p[rank - 1]);
    }

    /** The weights are overwritten with the file's; the generator only feeds the constructor. */
    private static SplittableRandom seed() {
        return new SplittableRandom(0);
    }
}
