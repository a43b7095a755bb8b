package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share, with PyTorch's semantics: in training,
 * each channel is normalised with the mean and biased variance of the batch (every axis but
 * axis 1), and the running estimates move towards the batch's mean and unbiased variance by
 * {@code momentum}: {@code running = (1 − momentum)·running + momentum·batch}. In evaluation the
 * running estimates are used instead. The running mean and variance are buffers (see
 * {@link Block#namedBuffers()}), not parameters: no optimizer touches them.
 */
public abstract class BatchNorm extends Block {
    /** PyTorch's defaults. */
    public static final double DEFAULT_EPS = 1e-5, DEFAULT_MOMENTUM = 0.1;

    private final int features;
    private final double eps, momentum;

    BatchNorm(int features, double eps, double momentum, DType dtype) {
        String name = getClass().getSimpleName();
        if (features <= 0) throw new IllegalArgumentException(name + ": number of features must be positive, got " + features);
        if (!(eps > 0) || Double.isInfinite(eps)) throw new IllegalArgumentException(name + ": eps must be positive and finite, got " + eps);
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException(name + ": momentum must be in [0, 1], got " + momentum);
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
        param("weight", new Parameter("weight", NDArray.ones(dtype, features)));
        param("bias", new Parameter("bias", NDArray.zeros(dtype, features)));
        buffer("running_mean", NDArray.zeros(dtype, features));
        buffer("running_var", NDArray.ones(dtype, features));
    }

    /** The per-channel scale, initially one. */
    public Parameter weight() {
        return param("weight");
    }

    /** The per-channel shift, initially zero. */
    public Parameter bias() {
        return param("bias");
    }

    /** The running mean of each channel (a buffer, updated in place in training). */
    public NDArray runningMean() {
        return buffer("running_mean");
    }

    /** The running unbiased variance of each channel (a buffer, updated in place in training). */
    public NDArray runningVar() {
        return buffer("running_var");
    }

    public int numFeatures() {
        return features;
    }

    public double eps() {
        return eps;
    }

    public double momentum() {
        return momentum;
    }

    /** Whether the layer takes an input of this rank; the subclass names its layouts in {@link #layouts()}. */
    abstract boolean acceptsRank(int rank);

    abstract String layouts();

    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        Tensor w = use("weight"), b = use("bias");
        if (x.dtype() != w.dtype()) {
            throw new IllegalArgumentException(describe() + ": input is " + x.dtype() + " " + Shapes.str(x.shape()) + ", the layer is "
                    + w.dtype() + "; convert the input or the model with to()");
        }
        int[] channel = Normalization.channelShape(features, x.rank());
        if (!isTraining()) {
            Tensor mean = Tensor.constant(runningMean().reshape(channel));
            Tensor std = Tensor.constant(runningVar().add(eps).sqrt().reshape(channel));
            return Normalization.affine(x.sub(mean).div(std), w, b, channel);
        }
        long count = x.size() / features;
        if (count < 2) {
            throw new IllegalArgumentException(describe() + ": training needs more than one value per channel to estimate a variance, got input "
                    + Shapes.str(x.shape()) + " (switch to eval() for single samples)");
        }
        Tensor y = Normalization.batchNorm(x, w, b, eps);
        updateRunningStatistics(x.value(), count);
        return y;
    }

    private void updateRunningStatistics(NDArray x, long count) {
        int[] axes = Normalization.batchAxes(x.rank());
        NDArray mean = x.mean(axes, false);
        NDArray unbiased = x.variance(axes, false, 1);
        runningMean().assign(runningMean().mul(1 - momentum).add(mean.mul(momentum)));
        runningVar().assign(runningVar().mul(1 - momentum).add(unbiased.mul(momentum)));
    }

    /** The input's shape, which must be one of {@link #layouts()} with C = the number of features. */
    @Override
    public int[] outputShape(int... in) {
        if (!acceptsRank(in.length) || in[1] != features) {
            throw new IllegalArgumentException(describe() + ": input must have shape " + layouts() + " with C = " + features + ", got " + Shapes.str(in));
        }
        return in.clone();
    }

    @Override
    public String describe() {
        return getClass().getSimpleName() + "(" + features + ")";
    }
}
