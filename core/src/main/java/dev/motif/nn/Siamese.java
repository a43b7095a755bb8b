package dev.motif.nn;

import dev.motif.autodiff.Tensor;

/**
 * Two inputs embedded by one encoder (a Siamese network), or by two towers (its untied twin).
 * The shared form registers the encoder once, as a PyTorch user writes it, and calls it on both
 * inputs: the registered sharing report shows one site, the traced one two uses, and the
 * encoder's gradient is the sum of what both arms send back. {@link #untie()} gives two towers
 * that start as copies of the encoder.
 *
 * <pre>{@code
 * Siamese net = new Siamese(encoder);
 * Siamese.Pair e = net.forward(x1, x2);
 * Tensor loss = Losses.contrastive(e.first(), e.second(), same, 1.0);
 * Siamese towers = net.untie();                  // two encoders, the same function at first
 * }</pre>
 */
public final class Siamese extends Block {
    /** The embeddings of the two inputs. */
    public record Pair(Tensor first, Tensor second) {
        /** The Euclidean distance between the embeddings, row by row: [N]. */
        public Tensor distance() {
            Tensor d = first.sub(second);
            return d.mul(d).sum(new int[] {d.rank() - 1}, false).sqrt();
        }
    }

    private final boolean shared;

    /** One encoder for both inputs. */
    public Siamese(Block encoder) {
        child("encoder", encoder);
        shared = true;
    }

    private Siamese(Block first, Block second) {
        child("first", first);
        child("second", second);
        shared = false;
    }

    /** Two towers: {@code first} embeds the first input, {@code second} the second. */
    public static Siamese twoTowers(Block first, Block second) {
        if (first == second) throw new IllegalArgumentException("Siamese.twoTowers: the towers are one block; use new Siamese(encoder) to share it");
        return new Siamese(first, second);
    }

    /** Whether one encoder serves both inputs. */
    public boolean isShared() {
        return shared;
    }

    /** The encoder of the first input (the encoder itself when shared). */
    public Block firstEncoder() {
        return child(shared ? "encoder" : "first");
    }

    /** The encoder of the second input (the encoder itself when shared). */
    public Block secondEncoder() {
        return child(shared ? "encoder" : "second");
    }

    /** The embeddings of both inputs. */
    public Pair forward(Tensor first, Tensor second) {
        return new Pair(embedFirst(first), embedSecond(second));
    }

    /** The first input's embedding. */
    public Tensor embedFirst(Tensor x) {
        return firstEncoder().forward(x);
    }

    /** The second input's embedding. */
    public Tensor embedSecond(Tensor x) {
        return secondEncoder().forward(x);
    }

    /** Two towers, each its own copy of the encoder (or of its tower), computing the same function. */
    @Override
    public Siamese untie() {
        return new Siamese(firstEncoder().untie(), secondEncoder().untie());
    }

    /** As {@link #untie()}, for encoders whose twin needs the input's shape (a convolution). */
    @Override
    public Siamese untie(int... inputShape) {
        return new Siamese(firstEncoder().untie(inputShape), secondEncoder().untie(inputShape));
    }

    @Override
    public String describe() {
        return shared ? "Siamese(" + firstEncoder().describe() + ", shared)" : "Siamese(two towers: " + firstEncoder().describe() + ")";
    }
}
