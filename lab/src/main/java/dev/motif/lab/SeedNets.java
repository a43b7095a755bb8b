package dev.motif.lab;

import dev.motif.array.DType;
import dev.motif.nn.Activation;
import dev.motif.nn.Conv2d;
import dev.motif.nn.ConvOptions;
import dev.motif.nn.Flatten;
import dev.motif.nn.Linear;
import dev.motif.nn.LocallyConnected2d;
import dev.motif.nn.MaxPool2d;
import dev.motif.nn.Sequential;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The three image classifiers the seeds compare, for 1×28×28 inputs and 10 classes. They are
 * the same architectures as {@code bench/peers/torch_train.py} builds, so accuracies and
 * throughputs compare with PyTorch's on equal terms:
 *
 * <ul>
 *   <li>{@code conv}: Conv(1→16, 3×3, pad 1) ReLU MaxPool 2 Conv(16→32, 3×3, pad 1) ReLU MaxPool 2
 *       Flatten Linear(1568→10): 20,490 parameters;</li>
 *   <li>{@code local}: the same geometry with one kernel per output position (a fresh
 *       initialisation, each position drawn independently; {@code conv(...).untie()} gives the
 *       twin that starts from the conv's own kernels instead): 1,050,570 parameters;</li>
 *   <li>{@code dense}: Flatten Linear(784→256) ReLU Linear(256→128) ReLU Linear(128→10), three
 *       weight layers like the CNN's three: 235,146 parameters.</li>
 * </ul>
 */
public final class SeedNets {
    private SeedNets() {}

    /** The architectures by name. */
    public enum Arch {
        CONV, LOCAL, DENSE;

        /** Parses {@code conv}, {@code local} or {@code dense} (any case). */
        public static Arch parse(String s) {
            for (Arch a : values()) if (a.name().equalsIgnoreCase(s)) return a;
            throw new IllegalArgumentException("unknown architecture '" + s + "': expected conv, local or dense");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The architecture of that name, initialised from {@code rng}. */
    public static Sequential build(Arch arch, DType dtype, RandomGenerator rng) {
        return switch (arch) {
            case CONV -> conv(dtype, rng);
            case LOCAL -> local(dtype, rng);
            case DENSE -> dense(dtype, rng);
        };
    }

    public static Sequential conv(DType dtype, RandomGenerator rng) {
        ConvOptions pad1 = ConvOptions.DEFAULT.padding(1);
        return new Sequential(
                new Conv2d(1, 16, 3, pad1, dtype, rng), Activation.relu(), new MaxPool2d(2),
                new Conv2d(16, 32, 3, pad1, dtype, rng), Activation.relu(), new MaxPool2d(2),
                new Flatten(), new Linear(32 * 7 * 7, 10, dtype, rng));
    }

    public static Sequential local(DType dtype, RandomGenerator rng) {
        ConvOptions pad1 = ConvOptions.DEFAULT.padding(1);
        return new Sequential(
                new LocallyConnected2d(1, 16, 28, 28, 3, pad1, dtype, rng), Activation.relu(), new MaxPool2d(2),
                new LocallyConnected2d(16, 32, 14, 14, 3, pad1, dtype, rng), Activation.relu(), new MaxPool2d(2),
                new Flatten(), new Linear(32 * 7 * 7, 10, dtype, rng));
    }

    public static Sequential dense(DType dtype, RandomGenerator rng) {
        return new Sequential(
                new Flatten(), new Linear(28 * 28, 256, dtype, rng), Activation.relu(),
                new Linear(256, 128, dtype, rng), Activation.relu(), new Linear(128, 10, dtype, rng));
    }
}
