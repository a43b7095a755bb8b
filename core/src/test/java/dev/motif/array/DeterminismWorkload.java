package dev.motif.array;

import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.nn.Activation;
import dev.motif.nn.AvgPool2d;
import dev.motif.nn.Conv2d;
import dev.motif.nn.ConvOptions;
import dev.motif.nn.Flatten;
import dev.motif.nn.Linear;
import dev.motif.nn.Losses;
import dev.motif.nn.MaxPool2d;
import dev.motif.nn.Parameter;
import dev.motif.nn.Sequential;
import dev.motif.optim.SGD;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded work large enough that every batch-parallel kernel splits (convolution and its two
 * gradients, elementwise ops, sums over axes, both poolings), summarised as a fingerprint of the
 * bits of its results: equal fingerprints mean bit-identical results.
 */
final class DeterminismWorkload {
    private DeterminismWorkload() {}

    /** A conv forward and backward, then three SGD steps of a small CNN, F32 and F64. */
    static String fingerprint() {
        StringBuilder sb = new StringBuilder();
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            sb.append(dt).append(' ').append(conv(dt)).append(' ').append(training(dt)).append('\n');
        }
        return sb.toString();
    }

    private static String conv(DType dt) {
        SplittableRandom r = new SplittableRandom(11);
        Tensor x = Tensor.variable(Init.uniform(r, dt, -1, 1, 48, 6, 20, 20)), w = Tensor.variable(Init.uniform(r, dt, -1, 1, 10, 6, 3, 3));
        Tensor y = x.conv2d(w, 1, 1, 1, 1, 1, 1, 1);
        Tensor gy = Tensor.constant(Init.uniform(r, dt, -1, 1, y.shape()));
        List<Tensor> g = Autodiff.grad(List.of(y), List.of(gy), List.of(x, w), false);
        return hash(y.value()) + "/" + hash(g.get(0).value()) + "/" + hash(g.get(1).value());
    }

    private static String training(DType dt) {
        SplittableRandom r = new SplittableRandom(5);
        Sequential net = new Sequential(
                new Conv2d(3, 8, 3, ConvOptions.DEFAULT.padding(1), dt, r), Activation.relu(), new MaxPool2d(2),
                new Conv2d(8, 8, 3, ConvOptions.DEFAULT.padding(1), dt, r), Activation.gelu(), new AvgPool2d(2),
                new Flatten(), new Linear(8 * 8 * 8, 10, dt, r));
        SGD opt = SGD.builder(net.parameters()).lr(0.05).momentum(0.9).build();
        StringBuilder sb = new StringBuilder();
        for (int step = 0; step < 3; step++) {
            Tensor x = Tensor.constant(Init.uniform(r, dt, -1, 1, 64, 3, 32, 32));
            int[] labels = new int[64];
            for (int i = 0; i < labels.length; i++) labels[i] = r.nextInt(10);
            opt.zeroGrad();
            Tensor loss = Losses.crossEntropy(net.forward(x), labels);
            loss.backward();
            opt.step();
            sb.append(Long.toHexString(Double.doubleToRawLongBits(loss.item()))).append(',');
        }
        long h = 0;
        for (Parameter p : net.parameters()) h = 31 * h + bits(p.value());
        return sb.append(Long.toHexString(h)).toString();
    }

    private static String hash(NDArray a) {
        return Long.toHexString(bits(a));
    }

    /** A hash of every element's bits, in order. */
    private static long bits(NDArray a) {
        long h = 17;
        for (int i = 0; i < a.size(); i++) h = 31 * h + Double.doubleToRawLongBits(a.getFlat(i));
        return h;
    }

    public static void main(String[] args) {
        System.out.print(fingerprint());
    }
}
