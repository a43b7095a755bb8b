package dev.motif.data;

import dev.motif.array.DType;
import dev.motif.array.NDArray;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Labelled images: {@code images} of shape (N, C, H, W) in F32 or F64, one class label in
 * {@code [0, classNames.size())} per image. Operations return new datasets and never modify
 * this one.
 *
 * <pre>{@code
 * TrainTest data = FashionMnist.shipped().standardized();   // pixels in [0,1], then (x - mean) / std of train
 * ImageDataset firstHundred = data.train().subset(0, 100);
 * }</pre>
 *
 * @param images     (N, C, H, W), F32 or F64
 * @param labels     N labels, each in [0, classNames.size())
 * @param classNames the name of each class, by label
 */
public record ImageDataset(NDArray images, int[] labels, List<String> classNames) implements DataSource<ImageDataset>, Labeled {
    /** Checks shapes and labels, copies the labels, so a dataset is valid once built. */
    public ImageDataset {
        if (images.rank() != 4) {
            throw new IllegalArgumentException("ImageDataset: images must be (N, C, H, W), got shape " + Arrays.toString(images.shape()));
        }
        if (images.shape(0) != labels.length) {
            throw new IllegalArgumentException("ImageDataset: " + images.shape(0) + " images but " + labels.length + " labels");
        }
        classNames = List.copyOf(classNames);
        if (classNames.isEmpty()) throw new IllegalArgumentException("ImageDataset: needs at least one class name");
        labels = labels.clone();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("ImageDataset: label " + labels[i] + " at position " + i + " is not in [0, " + classNames.size() + ")");
            }
        }
    }

    /**
     * Images from an unsigned-byte IDX array (N, H, W) scaled to [0, 1], labels from an
     * unsigned-byte IDX array (N): the MNIST layout. Each check names the file it is about.
     *
     * @throws DataFormatException on a wrong magic number, counts that disagree, or a label
     *                             outside {@code [0, classNames.size())}
     */
    public static ImageDataset fromIdx(IdxFile images, IdxFile labels, List<String> classNames, DType dtype) throws DataFormatException {
        images.require(IdxType.UNSIGNED_BYTE, 3);
        labels.require(IdxType.UNSIGNED_BYTE, 1);
        if (images.count() != labels.count()) {
            throw new DataFormatException(images.source() + " and " + labels.source(),
                    "image and label counts disagree: " + images.count() + " images in " + images.source() + ", "
                            + labels.count() + " labels in " + labels.source());
        }
        byte[] l = labels.rawData();
        int[] lab = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            lab[i] = l[i] & 0xFF;
            if (lab[i] >= classNames.size()) {
                throw new DataFormatException(labels.source(), "label " + lab[i] + " of item " + i + " is outside 0.." + (classNames.size() - 1));
            }
        }
        int[] d = images.dims();
        int[] shape = {d[0], 1, d[1], d[2]};
        byte[] px = images.rawData();
        // Dividing by 255 in double and rounding once gives the same value in both dtypes.
        NDArray x;
        if (dtype == DType.F64) {
            double[] v = new double[px.length];
            for (int i = 0; i < px.length; i++) v[i] = (px[i] & 0xFF) / 255.0;
            x = NDArray.of(v, shape);
        } else {
            float[] v = new float[px.length];
            for (int i = 0; i < px.length; i++) v[i] = (float) ((px[i] & 0xFF) / 255.0);
            x = NDArray.of(v, shape);
        }
        return new ImageDataset(x, lab, classNames);
    }

    /** Number of images. */
    @Override
    public int size() {
        return labels.length;
    }

    public int channels() {
        return images.shape(1);
    }

    public int height() {
        return images.shape(2);
    }

    public int width() {
        return images.shape(3);
    }

    public DType dtype() {
        return images.dtype();
    }

    /** The images: what a model reads. */
    @Override
    public NDArray inputs() {
        return images;
    }

    /** The images at {@code indices}, as {@link #subset(int[])}: a minibatch. */
    @Override
    public ImageDataset batch(int[] indices) {
        return subset(indices);
    }

    /** Number of classes (the length of {@link #classNames()}). */
    @Override
    public int classes() {
        return classNames.size();
    }

    /** The labels (a copy). */
    @Override
    public int[] labels() {
        return labels.clone();
    }

    /** Label of image {@code i}, without copying the array. */
    public int label(int i) {
        return labels[i];
    }

    /** How many images each class has, by label. */
    public int[] classCounts() {
        int[] c = new int[classNames.size()];
        for (int l : labels) c[l]++;
        return c;
    }

    /** The images at {@code indices}, in that order (a minibatch, a class-balanced sample). */
    public ImageDataset subset(int[] indices) {
        Batches.checkIndices("ImageDataset.subset", indices, labels.length);
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) l[i] = labels[indices[i]];
        return new ImageDataset(images.indexSelect(0, indices), l, classNames);
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive). */
    public ImageDataset subset(int from, int to) {
        if (from < 0 || to > labels.length || from > to) {
            throw new IllegalArgumentException("ImageDataset.subset: range [" + from + ", " + to + ") is not within [0, " + labels.length + "]");
        }
        return new ImageDataset(images.slice(0, from, to), Arrays.copyOfRange(labels, from, to), classNames);
    }

    /** The same images in another dtype (this dataset when it already is). */
    public ImageDataset to(DType dtype) {
        return dtype == images.dtype() ? this : new ImageDataset(images.to(dtype), labels, classNames);
    }

    /** (x − mean) / std for every pixel, with statistics given explicitly (those of the training set for a test set). */
    public ImageDataset standardize(Standardization s) {
        // One pass in double, rounded once, instead of two broadcasting ops and a 188 MB intermediate on the full set.
        double mean = s.mean(), inv = 1 / s.std();
        int n = images.size();
        NDArray out;
        if (images.dtype() == DType.F64) {
            double[] x = images.f64(), y = new double[n];
            for (int i = 0; i < n; i++) y[i] = (x[i] - mean) * inv;
            out = NDArray.of(y, images.shape());
        } else {
            float[] x = images.f32(), y = new float[n];
            for (int i = 0; i < n; i++) y[i] = (float) ((x[i] - mean) * inv);
            out = NDArray.of(y, images.shape());
        }
        return new ImageDataset(out, labels, classNames);
    }

    /**
     * {@code perClass} indices of each class, drawn without replacement by {@code rng}, returned in
     * increasing order: a class-balanced sample that is the same for the same generator state.
     *
     * @throws IllegalArgumentException if a class has fewer than {@code perClass} items
     */
    public static int[] balancedIndices(int[] labels, int classes, int perClass, RandomGenerator rng) {
        int[][] byClass = new int[classes][];
        int[] counts = new int[classes];
        for (int l : labels) {
            if (l < 0 || l >= classes) throw new IllegalArgumentException("balancedIndices: label " + l + " is not in [0, " + classes + ")");
            counts[l]++;
        }
        for (int c = 0; c < classes; c++) {
            if (counts[c] < perClass) throw new IllegalArgumentException("balancedIndices: class " + c + " has " + counts[c] + " items, fewer than " + perClass);
            byClass[c] = new int[counts[c]];
            counts[c] = 0;
        }
        for (int i = 0; i < labels.length; i++) byClass[labels[i]][counts[labels[i]]++] = i;
        int[] out = new int[classes * perClass];
        int k = 0;
        for (int c = 0; c < classes; c++) {
            int[] pool = byClass[c];
            // A partial Fisher-Yates shuffle: the first perClass slots are a uniform sample.
            for (int i = 0; i < perClass; i++) {
                int j = i + rng.nextInt(pool.length - i);
                int t = pool[i];
                pool[i] = pool[j];
                pool[j] = t;
                out[k++] = pool[i];
            }
        }
        Arrays.sort(out);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageDataset d && images.contentEquals(d.images) && Arrays.equals(labels, d.labels) && classNames.equals(d.classNames);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(labels) + classNames.hashCode();
    }

    @Override
    public String toString() {
        return "ImageDataset(" + size() + " images " + Arrays.toString(images.shape()) + " " + dtype() + ", " + classes() + " classes)";
    }
}
