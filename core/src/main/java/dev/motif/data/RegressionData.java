package dev.motif.data;

import dev.motif.array.NDArray;
import dev.motif.array.Shapes;

/**
 * Inputs with a real-valued target each: {@code inputs} (N, ...) and {@code targets} (N, ...).
 *
 * <pre>{@code
 * RegressionData data = new RegressionData(x, y);   // x (100, 3), y (100, 1)
 * }</pre>
 *
 * @param inputs  (N, ...)
 * @param targets (N, ...)
 */
public record RegressionData(NDArray inputs, NDArray targets) implements DataSource<RegressionData> {
    public RegressionData {
        if (inputs.rank() < 1 || targets.rank() < 1 || inputs.shape(0) != targets.shape(0)) {
            throw new IllegalArgumentException("RegressionData: inputs " + Shapes.str(inputs.shape()) + " and targets " + Shapes.str(targets.shape())
                    + " need the same number of examples along their first axis");
        }
    }

    @Override
    public int size() {
        return inputs.shape(0);
    }

    @Override
    public RegressionData batch(int[] indices) {
        Batches.checkIndices("RegressionData.batch", indices, size());
        return new RegressionData(inputs.indexSelect(0, indices), targets.indexSelect(0, indices));
    }

    @Override
    public String toString() {
        return "RegressionData(" + size() + " inputs " + Shapes.str(inputs.shape()) + ", targets " + Shapes.str(targets.shape()) + ")";
    }
}
