package dev.motif.golden;

import dev.motif.autodiff.Tensor;
import dev.motif.nn.Losses;
import dev.motif.nn.Losses.Reduction;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static dev.motif.golden.Golden.assertClose;

/**
 * Every loss, with every reduction and option the golden file covers, against PyTorch's
 * {@code torch.nn.functional} on the same inputs (the contrastive loss against its definition
 * written in torch ops): the value and the gradient of a fixed random contraction of it with
 * respect to every floating-point input.
 */
class LossGoldenTest {

    @TestFactory
    Stream<DynamicTest> losses() {
        return Golden.tests("loss.safetensors", LossGoldenTest::check);
    }

    static void check(Golden.Case c) {
        Map<String, Tensor> in = new TreeMap<>();
        for (String k : new String[] {"prediction", "target", "logits", "log_probabilities", "x1", "x2", "anchor", "positive", "negative"}) {
            if (c.has(k)) in.put(k, Tensor.variable(c.get(k)));
        }
        Tensor out = loss(c, in);
        assertClose(c, "out", out.value());
        Golden.contraction(c, out).backward();
        int grads = 0;
        for (String k : c.keys()) {
            if (!k.startsWith("grad.")) continue;
            Tensor x = in.get(k.substring(5));
            if (x == null) throw new AssertionError(c + ": PyTorch has " + k + ", the test passes no such input to Motif");
            assertClose(c, k, x.grad());
            grads++;
        }
        if (grads == 0) throw new AssertionError(c + ": no gradient in the file");
    }

    /** The Motif call for the case's loss and options. */
    static Tensor loss(Golden.Case c, Map<String, Tensor> in) {
        Reduction r = Reduction.valueOf(c.str("reduction").toUpperCase(java.util.Locale.ROOT));
        return switch (c.str("loss")) {
            case "mse" -> Losses.mse(in.get("prediction"), in.get("target"), r);
            case "l1" -> Losses.l1(in.get("prediction"), in.get("target"), r);
            case "huber" -> Losses.huber(in.get("prediction"), in.get("target"), c.num("delta"), r);
            case "smoothL1" -> Losses.smoothL1(in.get("prediction"), in.get("target"), c.num("beta"), r);
            case "binaryCrossEntropyWithLogits" -> Losses.binaryCrossEntropyWithLogits(in.get("logits"), in.get("target"), r);
            case "crossEntropy" -> Losses.crossEntropy(in.get("logits"), c.labels("labels"), classWeights(c), ignoreIndex(c), r);
            case "nll" -> Losses.nll(in.get("log_probabilities"), c.labels("labels"), classWeights(c), ignoreIndex(c), r);
            case "cosineEmbedding" -> Losses.cosineEmbedding(in.get("x1"), in.get("x2"), c.labels("labels"), c.num("margin"), r);
            case "contrastive" -> Losses.contrastive(in.get("x1"), in.get("x2"), c.labels("labels"), c.num("margin"), r);
            case "tripletMargin" -> Losses.tripletMargin(in.get("anchor"), in.get("positive"), in.get("negative"), c.num("margin"), c.num("p"),
                    c.num("eps"), c.flag("swap"), r);
            default -> throw new AssertionError(c + ": unknown loss " + c.str("loss"));
        };
    }

    private static Tensor classWeights(Golden.Case c) {
        return c.flag("weighted") ? Tensor.constant(c.get("class_weights")) : null;
    }

    private static int ignoreIndex(Golden.Case c) {
        return c.options().has("ignore_index") ? c.integer("ignore_index") : Losses.NO_IGNORE;
    }
}
