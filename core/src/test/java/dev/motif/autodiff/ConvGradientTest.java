package dev.motif.autodiff;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.nn.Conv1d;
import dev.motif.nn.Conv2d;
import dev.motif.nn.ConvOptions;
import dev.motif.nn.LocallyConnected1d;
import dev.motif.nn.LocallyConnected2d;
import dev.motif.nn.Block;
import dev.motif.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.motif.autodiff.GradCheck.checkHvpLeaves;
import static dev.motif.autodiff.GradCheck.checkLeaves;

/**
 * Convolutions and locally connected layers against finite differences, in F64, with respect to
 * the input and every parameter, to first and second order (a tanh after the layer makes the
 * second derivative depend on more than the bilinear cross term).
 */
class ConvGradientTest {

    static final ConvOptions[] OPTIONS = {
            ConvOptions.DEFAULT,
            ConvOptions.DEFAULT.stride(2).padding(1),
            ConvOptions.DEFAULT.dilation(2).padding(2, 1).bias(false),
            ConvOptions.DEFAULT.groups(2).stride(1, 2),
            ConvOptions.DEFAULT.samePadding().groups(2),
    };

    private static void checkBoth(String label, Block layer, int... inputShape) {
        SplittableRandom r = new SplittableRandom(label.hashCode());
        Tensor x = Tensor.variable(Init.uniform(r, DType.F64, -1, 1, inputShape));
        List<Tensor> leaves = new ArrayList<>();
        leaves.add(x);
        for (Parameter p : layer.parameters()) leaves.add(p);
        Tensor[] ls = leaves.toArray(new Tensor[0]);
        checkLeaves(label, () -> layer.forward(x), 1e-6, ls);
        checkHvpLeaves(label, () -> layer.forward(x).tanh(), label.hashCode(), 1e-6, ls);
    }

    @Test
    void conv2d() {
        SplittableRandom r = new SplittableRandom(1);
        for (ConvOptions o : OPTIONS) checkBoth("Conv2d " + o, new Conv2d(4, 2, 2, 3, o, DType.F64, r), 2, 4, 5, 5);
    }

    @Test
    void pointwiseConv2dSkipsTheUnfolding() {
        SplittableRandom r = new SplittableRandom(5);
        checkBoth("Conv2d 1x1", new Conv2d(4, 6, 1, ConvOptions.DEFAULT.groups(2), DType.F64, r), 2, 4, 3, 4);
        checkBoth("Conv2d 1x1 strided", new Conv2d(2, 3, 1, ConvOptions.DEFAULT.stride(2).padding(1), DType.F64, r), 2, 2, 3, 4);
    }

    @Test
    void thirdOrderThroughTheConvolutionFamily() {
        // d/dw of Σ (∂L/∂x)², L = Σ conv(x, w)²: differentiates conv2dInputGrad and conv2dWeightGrad themselves.
        SplittableRandom r = new SplittableRandom(6);
        Conv2d conv = new Conv2d(2, 2, 2, ConvOptions.DEFAULT.stride(2, 1).padding(1).bias(false), DType.F64, r);
        Tensor x = Tensor.variable(Init.uniform(r, DType.F64, -1, 1, 1, 2, 3, 4));
        checkHvpLeaves("gradient norm of a convolution", () -> {
            Tensor gx = Autodiff.grad(conv.forward(x).square().sum(), x, true);
            return gx.square().sum().reshape(1);
        }, 9, 1e-6, x, conv.weight());
    }

    @Test
    void conv1d() {
        SplittableRandom r = new SplittableRandom(2);
        for (ConvOptions o : OPTIONS) checkBoth("Conv1d " + o, new Conv1d(2, 4, 3, o, DType.F64, r), 2, 2, 7);
    }

    @Test
    void locallyConnected2d() {
        SplittableRandom r = new SplittableRandom(3);
        for (ConvOptions o : OPTIONS) checkBoth("LocallyConnected2d " + o, new LocallyConnected2d(2, 2, 4, 5, 2, 3, o, DType.F64, r), 2, 2, 4, 5);
    }

    @Test
    void locallyConnected1d() {
        SplittableRandom r = new SplittableRandom(4);
        for (ConvOptions o : OPTIONS) checkBoth("LocallyConnected1d " + o, new LocallyConnected1d(2, 4, 7, 3, o, DType.F64, r), 2, 2, 7);
    }
}
