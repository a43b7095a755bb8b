package dev.motif.bench;

import dev.motif.array.DType;
import dev.motif.autodiff.Tensor;
import dev.motif.data.FashionMnist;
import dev.motif.data.ImageDataset;
import dev.motif.data.Standardization;
import dev.motif.lab.SeedNets;
import dev.motif.nn.Losses;
import dev.motif.nn.Sequential;
import dev.motif.optim.SGD;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One SGD training step of a seed net on a batch of 64 Fashion-MNIST images: zero the gradients,
 * forward, cross-entropy, backward, optimizer step; exactly the step of
 * {@code bench/peers/torch_train.py --bench}, so images/s = 64 / (ms per op) compare with its
 * figures. The batches cycle through the first 1024 training images (Debian's copy of the dataset
 * when installed, else the subset shipped in the jar), standardized with their own mean and std.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrainBench {
    static final int BATCH = 64, IMAGES = 1024;

    @Param({"conv", "local", "dense"})
    public String arch;

    @Param({"F32", "F64"})
    public String dtype;

    private Sequential model;
    private SGD optimizer;
    private Tensor[] inputs;
    private int[][] labels;
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        DType dt = DType.valueOf(dtype);
        ImageDataset train = images();
        Standardization s = Standardization.of(train);
        ImageDataset data = train.to(dt).standardize(s);
        int batches = IMAGES / BATCH;
        inputs = new Tensor[batches];
        labels = new int[batches][];
        for (int b = 0; b < batches; b++) {
            ImageDataset batch = data.subset(b * BATCH, (b + 1) * BATCH);
            inputs[b] = Tensor.constant(batch.images().copy());
            labels[b] = batch.labels();
        }
        model = SeedNets.build(SeedNets.Arch.parse(arch), dt, new SplittableRandom(1));
        model.train(true);
        optimizer = SGD.builder(model.parameters()).lr(0.05).momentum(0.9).build();
        next = 0;
    }

    /** The first {@value #IMAGES} training images as F32 in [0, 1]. */
    static ImageDataset images() {
        ImageDataset train;
        if (FashionMnist.isAvailable(FashionMnist.defaultDir())) {
            try {
                train = FashionMnist.load().train();
            } catch (IOException e) {
                throw new UncheckedIOException("TrainBench: reading " + FashionMnist.defaultDir() + ": " + e.getMessage(), e);
            }
        } else {
            train = FashionMnist.shipped().train();
        }
        return train.subset(0, IMAGES);
    }

    /** One training step on the next batch; returns the loss so that nothing is optimised away. */
    @Benchmark
    public double step() {
        int b = next;
        next = (b + 1) % inputs.length;
        optimizer.zeroGrad();
        Tensor loss = Losses.crossEntropy(model.forward(inputs[b]), labels[b]);
        loss.backward();
        optimizer.step();
        return loss.item();
    }
}
