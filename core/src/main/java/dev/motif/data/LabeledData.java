package dev.motif.data;

import dev.motif.array.NDArray;
import dev.motif.array.Shapes;

/**
 * Inputs of any shape (batch axis first) with a class label each: DNA as (N, 4, L), features as
 * (N, F). Batches are new datasets; this one never changes.
 *
 * <pre>{@code
 * LabeledData data = new LabeledData(x, labels, 2);
 * LabeledData batch = data.batch(new int[] {3, 1});
 * }</pre>
 *
 * @param inputs  (N, ...)
 * @param labels  N labels in [0, classes)
 * @param classes number of classes
 */
public record LabeledData(NDArray inputs, int[] labels, int classes) implements DataSource<LabeledData>, Labeled {
    /** Checks counts and labels, and copies the labels. */
    public LabeledData {
        if (inputs.rank() < 1) throw new IllegalArgumentException("LabeledData: inputs need a batch axis, got shape " + Shapes.str(inputs.shape()));
        if (inputs.shape(0) != labels.length) {
            throw new IllegalArgumentException("LabeledData: " + inputs.shape(0) + " inputs but " + labels.length + " labels");
        }
        if (classes <= 0) throw new IllegalArgumentException("LabeledData: number of classes must be positive, got " + classes);
        labels = labels.clone();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("LabeledData: label " + labels[i] + " at position " + i + " is not in [0, " + classes + ")");
            }
        }
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }

    @Override
    public LabeledData batch(int[] indices) {
        Batches.checkIndices("LabeledData.batch", indices, labels.length);
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) l[i] = labels[indices[i]];
        return new LabeledData(inputs.indexSelect(0, indices), l, classes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabeledData d && classes == d.classes && java.util.Arrays.equals(labels, d.labels) && inputs.contentEquals(d.inputs);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(labels) + classes;
    }

    @Override
    public String toString() {
        return "LabeledData(" + size() + " inputs " + Shapes.str(inputs.shape()) + " " + inputs.dtype() + ", " + classes + " classes)";
    }
}
