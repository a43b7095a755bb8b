package dev.motif.train;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;
import dev.motif.data.Batches;
import dev.motif.data.DataSource;
import dev.motif.data.Labeled;
import dev.motif.data.PairData;
import dev.motif.data.TripletData;
import dev.motif.data.RegressionData;
import dev.motif.nn.Block;
import dev.motif.nn.Losses;
import dev.motif.nn.Siamese;
import dev.motif.nn.UncertaintyWeighting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The common objectives: classification, regression, pairs and triplets for a Siamese network,
 * several heads with fixed or learned loss weights. Each holds the model it runs;
 * inputs are converted to the model's dtype batch by batch, so an F32 model trains in F32 and an
 * F64 model in F64 whatever the data hold.
 *
 * <pre>{@code
 * Objective<ImageDataset> cls = Objectives.classification(model);
 * Objective<RegressionData> reg = Objectives.regression(model);
 * }</pre>
 */
public final class Objectives {
    private Objectives() {}

    /**
     * Softmax cross-entropy of {@code model.forward(inputs)}, logits (N, classes), against the
     * labels; evaluation measures the loss and the accuracy.
     */
    public static <B extends Labeled> Objective<B> classification(Block model) {
        return new Objective<>() {
            @Override
            public Step loss(B batch) {
                Tensor logits = logits(batch);
                int[] labels = batch.labels();
                return new Step(Losses.crossEntropy(logits, labels), labels.length, Map.of("accuracy", (double) correct(logits.value(), labels)));
            }

            @Override
            public Metrics evaluate(DataSource<? extends B> data, int batchSize) {
                double loss = 0, correct = 0;
                for (int[] idx : Batches.sequential(data.size(), batchSize)) {
                    B batch = data.batch(idx);
                    Tensor logits = logits(batch);
                    int[] labels = batch.labels();
                    loss += Losses.crossEntropy(logits, labels).item() * labels.length;
                    correct += correct(logits.value(), labels);
                }
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("loss", loss / data.size());
                m.put("accuracy", correct / data.size());
                return new Metrics(m, data.size());
            }

            @Override
            public void check(DataSource<? extends B> data, String split) {
                B one = data.batch(new int[] {0});
                int[] out = outputShape(model, one.inputs().shape(), split);
                if (out.length != 2 || out[0] != 1 || out[1] != one.classes()) {
                    throw new IllegalArgumentException(split + ": " + model.describe() + " gives outputs of shape " + Shapes.str(out) + " for inputs "
                            + Shapes.str(one.inputs().shape()) + "; classifying into " + one.classes() + " classes needs logits [1, " + one.classes() + "]");
                }
            }

            @Override
            public Monitor monitor() {
                return Monitor.max("accuracy");
            }

            private Tensor logits(B batch) {
                Tensor logits = model.forward(Tensor.constant(batch.inputs().to(model.dtype())));
                int n = batch.inputs().shape(0);
                if (logits.rank() != 2 || logits.shape(0) != n || logits.shape(1) != batch.classes()) {
                    throw new IllegalArgumentException(model.describe() + " gave outputs of shape " + Shapes.str(logits.shape()) + " for a batch of " + n
                            + "; expected logits [" + n + ", " + batch.classes() + "]");
                }
                return logits;
            }
        };
    }

    /**
     * Mean squared error of {@code model.forward(inputs)} against the targets (same shape);
     * evaluation measures the loss (the MSE), its root and the mean absolute error.
     */
    public static Objective<RegressionData> regression(Block model) {
        return new Objective<>() {
            @Override
            public Step loss(RegressionData batch) {
                return new Step(Losses.mse(predict(batch), target(batch)), batch.size());
            }

            @Override
            public Metrics evaluate(DataSource<? extends RegressionData> data, int batchSize) {
                double se = 0, ae = 0;
                long n = 0;
                for (int[] idx : Batches.sequential(data.size(), batchSize)) {
                    RegressionData batch = data.batch(idx);
                    NDArray d = predict(batch).value().sub(target(batch).value());
                    se += d.mul(d).sum().item();
                    ae += d.abs().sum().item();
                    n += d.size();
                }
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("loss", se / n);
                m.put("rmse", Math.sqrt(se / n));
                m.put("mae", ae / n);
                return new Metrics(m, data.size());
            }

            @Override
            public void check(DataSource<? extends RegressionData> data, String split) {
                RegressionData one = data.batch(new int[] {0});
                int[] out = outputShape(model, one.inputs().shape(), split);
                if (!Arrays.equals(out, one.targets().shape())) {
                    throw new IllegalArgumentException(split + ": " + model.describe() + " gives outputs of shape " + Shapes.str(out) + " for inputs "
                            + Shapes.str(one.inputs().shape()) + ", the targets have shape " + Shapes.str(one.targets().shape()));
                }
            }

            private Tensor predict(RegressionData batch) {
                return model.forward(Tensor.constant(batch.inputs().to(model.dtype())));
            }

            private Tensor target(RegressionData batch) {
                return Tensor.constant(batch.targets().to(model.dtype()));
            }
        };
    }

    /**
     * Pairs for a Siamese network: the contrastive loss (Hadsell et al. 2006, see
     * {@link Losses#contrastive}) of the two embeddings, matching pairs pulled together and others
     * pushed at least {@code margin} apart; evaluation measures the loss and the ROC AUC of the
     * negative distance as a score for "same".
     */
    public static Objective<PairData> contrastive(Siamese model, double margin) {
        return new Objective<>() {
            @Override
            public Step loss(PairData batch) {
                Siamese.Pair e = embed(model, batch);
                return new Step(Losses.contrastive(e.first(), e.second(), batch.same(), margin), batch.size());
            }

            @Override
            public Metrics evaluate(DataSource<? extends PairData> data, int batchSize) {
                return pairMetrics(model, data, batchSize, (e, batch) -> Losses.contrastive(e.first(), e.second(), batch.same(), margin).item());
            }

            @Override
            public void check(DataSource<? extends PairData> data, String split) {
                checkEmbedding(model, data.batch(new int[] {0}).first(), split);
            }

            @Override
            public Monitor monitor() {
                return Monitor.max("auc");
            }
        };
    }

    /**
     * Triplets for a Siamese network: the triplet margin loss (PyTorch's defaults, see
     * {@link Losses#tripletMargin}) with the anchor embedded by the first encoder and the
     * positive and negative by the second; evaluation measures the loss and the fraction of
     * triplets whose positive is nearer the anchor than the negative.
     */
    public static Objective<TripletData> triplet(Siamese model, double margin) {
        return new Objective<>() {
            @Override
            public Step loss(TripletData batch) {
                Tensor[] e = embed(batch);
                return new Step(Losses.tripletMargin(e[0], e[1], e[2], margin), batch.size());
            }

            @Override
            public Metrics evaluate(DataSource<? extends TripletData> data, int batchSize) {
                double loss = 0, ordered = 0;
                for (int[] idx : Batches.sequential(data.size(), batchSize)) {
                    TripletData batch = data.batch(idx);
                    Tensor[] e = embed(batch);
                    loss += Losses.tripletMargin(e[0], e[1], e[2], margin).item() * idx.length;
                    NDArray dp = distances(e[0], e[1]), dn = distances(e[0], e[2]);
                    for (int i = 0; i < idx.length; i++) if (dp.getFlat(i) < dn.getFlat(i)) ordered++;
                }
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("loss", loss / data.size());
                m.put("triplet accuracy", ordered / data.size());
                return new Metrics(m, data.size());
            }

            @Override
            public void check(DataSource<? extends TripletData> data, String split) {
                checkEmbedding(model, data.batch(new int[] {0}).anchor(), split);
            }

            private Tensor[] embed(TripletData batch) {
                DType dt = model.dtype();
                return new Tensor[] {model.embedFirst(Tensor.constant(batch.anchor().to(dt))), model.embedSecond(Tensor.constant(batch.positive().to(dt))),
                        model.embedSecond(Tensor.constant(batch.negative().to(dt)))};
            }
        };
    }

    /**
     * The loss (by {@code loss}), the ROC AUC of −distance for "same" and the mean distances of
     * matching and other pairs, over held-out pairs: how well a Siamese network verifies pairs,
     * whatever it was trained with.
     */
    public static Metrics pairMetrics(Siamese model, DataSource<? extends PairData> data, int batchSize,
                                      java.util.function.ToDoubleBiFunction<Siamese.Pair, PairData> loss) {
        double total = 0;
        double[] score = new double[data.size()];
        int[] same = new int[data.size()];
        int k = 0;
        for (int[] idx : Batches.sequential(data.size(), batchSize)) {
            PairData batch = data.batch(idx);
            Siamese.Pair e = embed(model, batch);
            total += loss.applyAsDouble(e, batch) * idx.length;
            NDArray d = distances(e.first(), e.second());
            int[] s = batch.same();
            for (int i = 0; i < idx.length; i++, k++) {
                score[k] = -d.getFlat(i);
                same[k] = s[i];
            }
        }
        double dSame = 0, dOther = 0;
        int nSame = 0;
        for (int i = 0; i < k; i++) {
            if (same[i] == 1) {
                dSame -= score[i];
                nSame++;
            } else {
                dOther -= score[i];
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", total / data.size());
        m.put("auc", Auc.of(score, same));
        m.put("distance same", nSame == 0 ? Double.NaN : dSame / nSame);
        m.put("distance other", nSame == k ? Double.NaN : dOther / (k - nSame));
        return new Metrics(m, data.size());
    }

    private static Siamese.Pair embed(Siamese model, PairData batch) {
        DType dt = model.dtype();
        return model.forward(Tensor.constant(batch.first().to(dt)), Tensor.constant(batch.second().to(dt)));
    }

    /** Row-wise Euclidean distances of two [N, D] embeddings. */
    private static NDArray distances(Tensor a, Tensor b) {
        NDArray d = a.value().sub(b.value());
        return d.mul(d).sum(new int[] {d.rank() - 1}, false).sqrt();
    }

    /** An encoder must give one embedding vector per example: (1, D) for one input. */
    private static void checkEmbedding(Siamese model, NDArray inputs, String split) {
        int[] out = outputShape(model.firstEncoder(), inputs.shape(), split);
        if (out.length != 2 || out[0] != 1) {
            throw new IllegalArgumentException(split + ": the encoder " + model.firstEncoder().describe() + " gives outputs of shape " + Shapes.str(out)
                    + " for inputs " + Shapes.str(inputs.shape()) + "; an embedding needs shape [1, D]");
        }
    }

    /** How the losses of several heads are added up. */
    public sealed interface LossWeights {
        /** Fixed weights, one per task, in task order. */
        static LossWeights fixed(double... weights) {
            return new Fixed(weights.clone());
        }

        /** Weights learned from each task's uncertainty by a block registered in the model (Kendall et al. 2018). */
        static LossWeights uncertainty(UncertaintyWeighting weighting) {
            return new Learned(weighting);
        }
    }

    record Fixed(double[] weights) implements LossWeights {
        Fixed {
            for (double w : weights) if (!(w >= 0) || Double.isInfinite(w)) throw new IllegalArgumentException("LossWeights.fixed: weights must be finite and >= 0, got " + w);
        }
    }

    record Learned(UncertaintyWeighting weighting) implements LossWeights {}

    /**
     * Several heads on one model: {@code heads} maps a batch's inputs (converted to the model's
     * dtype) to each head's output by name, each task scores its head, and {@code weights}
     * combines the task losses. Evaluation measures the combined loss and, per task, its loss
     * and its accuracy (classification) or RMSE (regression), and the weight each task's loss
     * has.
     *
     * <pre>{@code
     * Objective<Batch> obj = Objectives.multiTask(model, model::heads, Batch::images,
     *         List.of(Task.classification("class", Batch::labels), Task.regression("ink", Batch::ink)),
     *         LossWeights.uncertainty(model.weighting()));
     * }</pre>
     */
    public static <B> Objective<B> multiTask(Block model, Function<Tensor, Map<String, Tensor>> heads, Function<B, NDArray> inputs, List<Task<B>> tasks,
                                             LossWeights weights) {
        if (tasks.isEmpty()) throw new IllegalArgumentException("multiTask: needs at least one task");
        if (weights instanceof Fixed f && f.weights().length != tasks.size()) {
            throw new IllegalArgumentException("multiTask: " + f.weights().length + " fixed weights for " + tasks.size() + " tasks");
        }
        if (weights instanceof Learned l) {
            if (l.weighting().tasks() != tasks.size()) {
                throw new IllegalArgumentException("multiTask: the uncertainty weighting has " + l.weighting().tasks() + " tasks, the objective " + tasks.size());
            }
            if (!model.parameters().containsAll(l.weighting().parameters())) {
                throw new IllegalArgumentException("multiTask: register the UncertaintyWeighting in " + model.describe()
                        + " (child(\"weights\", ...)), so that its parameter is trained and saved with the model");
            }
        }
        List<Task<B>> ts = List.copyOf(tasks);
        return new Objective<>() {
            @Override
            public Step loss(B batch) {
                Map<String, Tensor> out = outputs(batch);
                List<Tensor> losses = new ArrayList<>();
                Map<String, Double> sums = new LinkedHashMap<>();
                int n = inputs.apply(batch).shape(0);
                for (Task<B> t : ts) {
                    Tensor y = out.get(t.name());
                    losses.add(taskLoss(t, y, batch));
                    if (t.isClassification()) sums.put(t.name() + " accuracy", (double) correct(y.value(), t.labels().apply(batch)));
                }
                return new Step(combine(losses), n, sums);
            }

            @Override
            public Metrics evaluate(DataSource<? extends B> data, int batchSize) {
                double total = 0;
                double[] loss = new double[ts.size()], score = new double[ts.size()];
                long[] values = new long[ts.size()];
                for (int[] idx : Batches.sequential(data.size(), batchSize)) {
                    B batch = data.batch(idx);
                    Map<String, Tensor> out = outputs(batch);
                    List<Tensor> losses = new ArrayList<>();
                    for (int i = 0; i < ts.size(); i++) {
                        Task<B> t = ts.get(i);
                        Tensor y = out.get(t.name());
                        Tensor l = taskLoss(t, y, batch);
                        losses.add(l);
                        loss[i] += l.item() * idx.length;
                        if (t.isClassification()) {
                            score[i] += correct(y.value(), t.labels().apply(batch));
                        } else {
                            NDArray d = y.value().sub(t.targets().apply(batch).to(y.dtype()));
                            score[i] += d.mul(d).sum().item();
                            values[i] += d.size();
                        }
                    }
                    total += combine(losses).item() * idx.length;
                }
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("loss", total / data.size());
                for (int i = 0; i < ts.size(); i++) {
                    Task<B> t = ts.get(i);
                    m.put(t.name() + " loss", loss[i] / data.size());
                    if (t.isClassification()) m.put(t.name() + " accuracy", score[i] / data.size());
                    else m.put(t.name() + " rmse", Math.sqrt(score[i] / values[i]));
                    m.put(t.name() + " weight", weightOf(i));
                }
                return new Metrics(m, data.size());
            }

            @Override
            public void check(DataSource<? extends B> data, String split) {
                B one = data.batch(new int[] {0});
                Map<String, Tensor> out = outputs(one);
                for (Task<B> t : ts) {
                    Tensor y = out.get(t.name());
                    if (t.isClassification() ? y.rank() != 2 || y.shape(0) != 1 : !Arrays.equals(y.shape(), t.targets().apply(one).shape())) {
                        throw new IllegalArgumentException(split + ": head '" + t.name() + "' of " + model.describe() + " gives outputs of shape " + Shapes.str(y.shape())
                                + (t.isClassification() ? " for one example; a classification head needs logits [1, classes]"
                                : ", its targets have shape " + Shapes.str(t.targets().apply(one).shape())));
                    }
                }
            }

            private Map<String, Tensor> outputs(B batch) {
                Map<String, Tensor> out = heads.apply(Tensor.constant(inputs.apply(batch).to(model.dtype())));
                for (Task<B> t : ts) {
                    if (!out.containsKey(t.name())) throw new IllegalArgumentException(model.describe() + " has no head '" + t.name() + "'; its heads are " + out.keySet());
                }
                return out;
            }

            private Tensor taskLoss(Task<B> t, Tensor y, B batch) {
                return t.isClassification() ? Losses.crossEntropy(y, t.labels().apply(batch)) : Losses.mse(y, Tensor.constant(t.targets().apply(batch).to(y.dtype())));
            }

            private Tensor combine(List<Tensor> losses) {
                if (weights instanceof Learned l) return l.weighting().combine(losses);
                double[] w = ((Fixed) weights).weights();
                Tensor total = null;
                for (int i = 0; i < losses.size(); i++) {
                    Tensor term = losses.get(i).mul(w[i]);
                    total = total == null ? term : total.add(term);
                }
                return total;
            }

            private double weightOf(int i) {
                return weights instanceof Learned l ? l.weighting().weight(i) : ((Fixed) weights).weights()[i];
            }
        };
    }

    /** The model's output shape for one example, with the split named when it does not fit. */
    static int[] outputShape(Block model, int[] oneExample, String split) {
        try {
            return model.outputShape(oneExample);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(split + ": inputs of shape " + Shapes.str(Arrays.copyOfRange(oneExample, 1, oneExample.length))
                    + " per example do not fit " + model.describe() + ": " + e.getMessage(), e);
        }
    }

    /** How many rows of {@code logits} have their largest value at their label. */
    static long correct(NDArray logits, int[] labels) {
        NDArray predicted = logits.argmax(1, false);
        long c = 0;
        for (int i = 0; i < labels.length; i++) if ((int) predicted.getFlat(i) == labels[i]) c++;
        return c;
    }
}
