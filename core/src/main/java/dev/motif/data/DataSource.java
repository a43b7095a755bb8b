package dev.motif.data;

/**
 * Examples a trainer draws minibatches from: a size, and the batch of the examples at given
 * indices. A batch is itself of the source's type {@code B} (an image dataset's batch is a smaller
 * image dataset), so what an objective computes a loss from and what it evaluates are the same.
 *
 * <pre>{@code
 * DataSource<ImageDataset> train = FashionMnist.shipped().standardized().train();
 * ImageDataset first = train.batch(new int[] {0, 1, 2});
 * }</pre>
 *
 * @param <B> the type of a batch
 */
public interface DataSource<B> {
    /** Number of examples. */
    int size();

    /** The examples at {@code indices}, in that order, as one batch (an index may repeat). */
    B batch(int[] indices);
}
