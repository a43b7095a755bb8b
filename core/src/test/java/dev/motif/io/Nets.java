package dev.motif.io;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
import dev.motif.nn.Activation;
import dev.motif.nn.BatchNorm2d;
import dev.motif.nn.Block;
import dev.motif.nn.Conv2d;
import dev.motif.nn.Flatten;
import dev.motif.nn.Linear;
import dev.motif.nn.Parameter;
import dev.motif.nn.ParameterUse;
import dev.motif.nn.Sequential;
import dev.motif.nn.Tie;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Small models with ties, the same on the Motif side of the PyTorch fixtures as in
 * bench/peers/torch_checkpoint.py, with values from a formula (not from an initialiser, so the
 * fixtures do not change when initialisation does).
 */
final class Nets {
    private Nets() {}

    /** A lookup table used on one-hot rows, as PyTorch's nn.Embedding is on indices. */
    static final class Embedding extends Block {
        Embedding(int n, int d, DType dtype) {
            param("weight", new Parameter("weight", NDArray.zeros(dtype, n, d)));
        }

        Parameter weight() {
            return param("weight");
        }

        @Override
        public Tensor forward(Tensor oneHot) {
            return oneHot.matmul(use("weight"));
        }
    }

    /** Encoder and decoder; tied, the decoder's weight is the transpose of the encoder's. */
    static final class AutoEncoder extends Block {
        final Linear encoder, decoder;

        AutoEncoder(boolean tied, int in, int hidden, DType dtype, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            encoder = child("encoder", new Linear(in, hidden, dtype, rng));
            decoder = child("decoder", new Linear(hidden, in, dtype, rng));
            if (tied) tie("decoder.weight", Tie.transpose(encoder.weight()));
        }

        @Override
        public Tensor forward(Tensor x) {
            return decoder.forward(encoder.forward(x).tanh());
        }
    }

    /**
     * Embedding 5×4, an autoencoder 4→3→4 and a head 4→5 reading one-hot rows. Tied, the head's
     * weight is the embedding itself (identity) and the decoder's the encoder's transpose.
     */
    static final class TiedNet extends Block {
        final Embedding embed;
        final Linear encoder, decoder, head;

        TiedNet(boolean tied, DType dtype) {
            SplittableRandom rng = new SplittableRandom(1);
            embed = child("embed", new Embedding(5, 4, dtype));
            encoder = child("encoder", new Linear(4, 3, dtype, rng));
            decoder = child("decoder", new Linear(3, 4, dtype, rng));
            head = child("head", new Linear(4, 5, dtype, rng));
            fill(this, 0.3);
            if (tied) {
                tie("decoder.weight", Tie.transpose(encoder.weight()));
                tie("head.weight", embed.weight());
            }
        }

        @Override
        public Tensor forward(Tensor oneHot) {
            return head.forward(decoder.forward(encoder.forward(embed.forward(oneHot)).tanh()));
        }
    }

    /** Conv2d(1→2, 3×3), BatchNorm2d(2), ReLU, Flatten, Linear(18→3): PyTorch's names 0.weight … 4.bias. */
    static Sequential convNet(DType dtype) {
        SplittableRandom rng = new SplittableRandom(1);
        Sequential net = new Sequential(new Conv2d(1, 2, 3, dtype, rng), new BatchNorm2d(2, dtype), Activation.relu(), new Flatten(),
                new Linear(18, 3, dtype, rng));
        fill(net, 0.1);
        Map<String, NDArray> buffers = net.namedBuffers();
        buffers.get("1.running_mean").assign(NDArray.of(new double[] {0.25, -0.5}, 2).to(dtype));
        buffers.get("1.running_var").assign(NDArray.of(new double[] {0.75, 1.5}, 2).to(dtype));
        return net.eval();
    }

    /** Every unique parameter set from a smooth formula of its position (StrictMath, so every JVM gives the same bits). */
    static void fill(Block model, double phase) {
        int k = 0;
        for (Parameter p : model.parameters()) {
            int n = p.size();
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = 0.5 * StrictMath.sin(1.3 * i + 2.1 * k + phase);
            p.set(NDArray.of(v, p.shape()).to(p.dtype()));
            k++;
        }
    }

    /** A value in [-1, 1) for each element, from a formula: inputs both sides of a fixture can rebuild. */
    static NDArray wave(DType dtype, double phase, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = StrictMath.sin(0.7 * i + phase);
        return NDArray.of(v, shape).to(dtype);
    }

    /** The site at a path. */
    static ParameterUse site(Block m, String path) {
        for (ParameterUse u : m.parameterUses()) if (u.path().equals(path)) return u;
        throw new AssertionError("no path " + path);
    }
}
