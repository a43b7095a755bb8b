package dev.motif.autodiff;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.nn.Conv1d;
import dev.motif.nn.Conv2d;
import dev.motif.nn.ConvOptions;
import dev.motif.nn.LocallyConnected1d;
import dev.motif.nn.LocallyConnected2d;
import dev.motif.nn.Module;
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

    private static void checkBoth(String label, Module layer, int... inputShape) {
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
