package dev.motif.lab;

import dev.motif.train.ProgressListener;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.data.Batches;
import dev.motif.nn.Conv2d;
import dev.motif.nn.Linear;
import dev.motif.nn.Block;
import dev.motif.nn.Parameter;
import dev.motif.nn.Sequential;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * {@code symmetry}: how many weight settings compute the same function because hidden units (or
 * filters) can be reordered. A dense layer of K hidden units has K! orderings that give the same
 * outputs once the next layer's inputs are reordered to match; a conv layer has F! for its F
 * filters. Sharing collapses the first count to the second: the seeds' example compares a dense
 * layer of 48 hidden units (48!) with a conv layer of 3 filters (3!).
 *
 * <p>Only permutation symmetry is counted (not ReLU's rescaling of a unit's weights, nor sign
 * flips). For the seed nets the counts are per hidden layer and their product; beside each the
 * experiment applies one random permutation in F64 and reports how far the outputs moved. The
 * locally connected twin of the conv net has the conv net's channel count, so its count equals
 * the conv net's (a channel is permuted at every position at once). Runs in about a second.
 */
public final class Symmetry implements Experiment {
    @Override
    public String name() {
        return "symmetry";
    }

    @Override
    public String summary() {
        return "how many equivalent solutions: K! hidden-unit orderings of a dense layer vs F! filter orderings of a conv";
    }

    /** k! exactly. */
    public static BigInteger factorial(int k) {
        if (k < 0) throw new IllegalArgumentException("factorial: k must be >= 0, got " + k);
        BigInteger f = BigInteger.ONE;
        for (int i = 2; i <= k; i++) f = f.multiply(BigInteger.valueOf(i));
        return f;
    }

    /** log10 of a positive integer, from its leading digits and digit count (exact enough for any size). */
    public static double log10(BigInteger v) {
        if (v.signum() <= 0) throw new IllegalArgumentException("log10: expected a positive integer, got " + v);
        String s = v.toString();
        int lead = Math.min(s.length(), 17);
        return Math.log10(Double.parseDouble(s.substring(0, lead))) + (s.length() - lead);
    }

    /** A positive integer as a power of ten, such as {@code 1.24 × 10^61} (small values as they are). */
    public static String powerOfTen(BigInteger v) {
        if (v.compareTo(BigInteger.valueOf(1_000_000)) < 0) return v.toString();
        double l = log10(v);
        int e = (int) Math.floor(l);
        double m = Math.pow(10, l - e);
        if (m >= 9.995) {
            m = 1;
            e++;
        }
        return String.format(Locale.ROOT, "%.2f × 10^%d", m, e);
    }

    /**
     * Reorders the hidden units between {@code layer} and {@code next} in place: unit i of the
     * result is unit {@code perm[i]} of the original (its row of weights and its bias), and
     * {@code next}'s input columns move with it, so the composition computes the same function.
     */
    public static void permuteUnits(Linear layer, Linear next, int[] perm) {
        checkPermutation(perm, layer.outFeatures(), "permuteUnits: " + layer.describe());
        if (next.inFeatures() != layer.outFeatures()) {
            throw new IllegalArgumentException("permuteUnits: " + next.describe() + " does not take the " + layer.outFeatures() + " outputs of " + layer.describe());
        }
        select(layer.weight(), 0, perm);
        if (layer.bias() != null) select(layer.bias(), 0, perm);
        select(next.weight(), 1, perm);
    }

    /** Reorders the filters of {@code conv} in place and the input channels of the convolution that reads them. */
    public static void permuteFilters(Conv2d conv, Conv2d next, int[] perm) {
        checkPermutation(perm, conv.outChannels(), "permuteFilters: " + conv.describe());
        if (next.inChannels() != conv.outChannels()) {
            throw new IllegalArgumentException("permuteFilters: " + next.describe() + " does not take the " + conv.outChannels() + " channels of " + conv.describe());
        }
        select(conv.weight(), 0, perm);
        if (conv.bias() != null) select(conv.bias(), 0, perm);
        select(next.weight(), 1, perm);
    }

    /**
     * Reorders the filters of {@code conv} in place and the matching input features of the
     * Linear layer that reads them after a flatten: channel c occupies features
     * {@code c·positions ... c·positions + positions − 1} (channel-major, as Flatten lays them out).
     */
    public static void permuteFilters(Conv2d conv, Linear next, int[] perm, int positions) {
        checkPermutation(perm, conv.outChannels(), "permuteFilters: " + conv.describe());
        if (next.inFeatures() != conv.outChannels() * positions) {
            throw new IllegalArgumentException("permuteFilters: " + next.describe() + " does not take " + conv.outChannels() + " channels × "
                    + positions + " positions");
        }
        select(conv.weight(), 0, perm);
        if (conv.bias() != null) select(conv.bias(), 0, perm);
        int[] features = new int[perm.length * positions];
        for (int c = 0; c < perm.length; c++) for (int p = 0; p < positions; p++) features[c * positions + p] = perm[c] * positions + p;
        select(next.weight(), 1, features);
    }

    /** A uniformly random permutation of 0..n−1 (Fisher–Yates through {@link Batches#permutation}). */
    public static int[] randomPermutation(int n, RandomGenerator rng) {
        return Batches.permutation(n, rng);
    }

    private static void select(Parameter p, int axis, int[] indices) {
        p.set(p.value().indexSelect(axis, indices));
    }

    private static void checkPermutation(int[] perm, int n, String op) {
        boolean[] seen = new boolean[n];
        if (perm.length != n) throw new IllegalArgumentException(op + ": expected a permutation of " + n + " indices, got " + perm.length);
        for (int i : perm) {
            if (i < 0 || i >= n || seen[i]) throw new IllegalArgumentException(op + ": not a permutation of 0.." + (n - 1) + ": index " + i + " is out of range or repeated");
            seen[i] = true;
        }
    }

    static double maxAbsDiff(Block m, NDArray x, NDArray before) {
        return Autodiff.noGrad(() -> m.forward(Tensor.constant(x)).value().maxAbsDiff(before));
    }

    static NDArray outputs(Block m, NDArray x) {
        return Autodiff.noGrad(() -> m.forward(Tensor.constant(x)).value());
    }

    @Override
    public Report run(Settings settings, ProgressListener progress) {
        RandomGenerator rng = new SplittableRandom(settings.seed());
        List<List<String>> rows = new ArrayList<>();
        List<Map<String, Object>> layers = new ArrayList<>();
        // The seeds' example: no network is needed to count.
        row(rows, layers, "seeds' example: dense", "hidden layer", 48, null);
        row(rows, layers, "seeds' example: conv", "conv layer", 3, null);

        NDArray x = Init.normal(rng, DType.F64, 0, 1, 4, 1, 28, 28);
        Sequential conv = SeedNets.conv(DType.F64, rng);
        List<dev.motif.nn.Block> cl = conv.layers();
        NDArray before = outputs(conv, x);
        permuteFilters((Conv2d) cl.get(0), (Conv2d) cl.get(3), randomPermutation(16, rng));
        double d1 = maxAbsDiff(conv, x, before);
        permuteFilters((Conv2d) cl.get(3), (Linear) cl.get(7), randomPermutation(32, rng), 7 * 7);
        double d2 = maxAbsDiff(conv, x, before);
        row(rows, layers, "SeedNets.conv", "conv 1 (filters)", 16, d1);
        row(rows, layers, "SeedNets.conv", "conv 2 (filters)", 32, d2);
        BigInteger convTotal = factorial(16).multiply(factorial(32));
        rows.add(List.of("SeedNets.conv", "whole net", "16, 32", "16!·32!", powerOfTen(convTotal), ""));

        Sequential dense = SeedNets.dense(DType.F64, rng);
        List<dev.motif.nn.Block> dl = dense.layers();
        before = outputs(dense, x);
        permuteUnits((Linear) dl.get(1), (Linear) dl.get(3), randomPermutation(256, rng));
        double e1 = maxAbsDiff(dense, x, before);
        permuteUnits((Linear) dl.get(3), (Linear) dl.get(5), randomPermutation(128, rng));
        double e2 = maxAbsDiff(dense, x, before);
        row(rows, layers, "SeedNets.dense", "hidden 1 (units)", 256, e1);
        row(rows, layers, "SeedNets.dense", "hidden 2 (units)", 128, e2);
        BigInteger denseTotal = factorial(256).multiply(factorial(128));
        rows.add(List.of("SeedNets.dense", "whole net", "256, 128", "256!·128!", powerOfTen(denseTotal), ""));
        new Training.Steps("symmetry", 0, progress).finish(List.of());

        BigInteger f48 = factorial(48), f3 = factorial(3);
        List<String> findings = new ArrayList<>();
        findings.add("Seeds' example: a dense layer of 48 hidden units has 48! = " + f48 + " (" + powerOfTen(f48)
                + ") orderings that compute the same function; a conv layer of 3 filters has 3! = " + f3 + ".");
        findings.add(String.format(Locale.ROOT, "The seed conv net has 16!·32! = %s equivalent orderings of its filters; the dense net 256!·128! = %s of its hidden units, %.1f orders of magnitude more.",
                powerOfTen(convTotal), powerOfTen(denseTotal), log10(denseTotal) - log10(convTotal)));
        findings.add(String.format(Locale.ROOT, "Permuting every hidden layer at random (F64, 4 random inputs) moved the outputs by at most %.2g (conv net) and %.2g (dense net).",
                d2, e2));
        findings.add("Only permutations are counted: ReLU's positive rescalings add a continuous family of equivalent weights on top.");

        Map<String, Object> data = new LinkedHashMap<>();
        data.put("layers", layers);
        data.put("convNetTotal", convTotal.toString());
        data.put("denseNetTotal", denseTotal.toString());
        data.put("convNetLog10", log10(convTotal));
        data.put("denseNetLog10", log10(denseTotal));
        return new Report(name(), "Symmetry: equivalent solutions by reordering units", new Table(
                List.of("network", "layer", "K", "K! exactly", "K! as a power of ten", "max |Δ output| after a random permutation (F64)"), rows),
                null, findings, data);
    }

    private static void row(List<List<String>> rows, List<Map<String, Object>> layers, String net, String layer, int k, Double diff) {
        BigInteger f = factorial(k);
        String exact = f.toString().length() <= 64 ? f.toString() : "(" + f.toString().length() + " digits, in the JSON)";
        rows.add(List.of(net, layer, String.valueOf(k), exact, powerOfTen(f), diff == null ? "—" : String.format(Locale.ROOT, "%.2g", diff)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("network", net);
        m.put("layer", layer);
        m.put("k", k);
        m.put("factorial", f.toString());
        m.put("log10", log10(f));
        if (diff != null) m.put("maxAbsOutputChange", diff);
        layers.add(m);
    }
}
