package dev.motif.train;

import java.util.Arrays;

/**
 * The area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counting one half (the Mann–Whitney U statistic over n₊·n₋).
 *
 * <pre>{@code
 * double auc = Auc.of(new double[] {0.9, 0.2, 0.6}, new int[] {1, 0, 1});   // 1.0
 * }</pre>
 */
public final class Auc {
    private Auc() {}

    /**
     * The AUC of {@code scores} for the labels {@code positive} (1 positive, 0 negative): ranks
     * with ties given their mean rank, O(n log n).
     *
     * @throws IllegalArgumentException on different lengths, a label other than 0 or 1, a
     *                                  non-finite score, or a class with no example
     */
    public static double of(double[] scores, int[] positive) {
        int n = scores.length;
        if (positive.length != n) throw new IllegalArgumentException("Auc: " + n + " scores but " + positive.length + " labels");
        long pos = 0;
        for (int i = 0; i < n; i++) {
            if (positive[i] != 0 && positive[i] != 1) throw new IllegalArgumentException("Auc: label " + positive[i] + " at position " + i + " is not 0 or 1");
            if (!Double.isFinite(scores[i])) throw new IllegalArgumentException("Auc: score " + scores[i] + " at position " + i + " is not finite");
            pos += positive[i];
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) throw new IllegalArgumentException("Auc: needs positives and negatives, got " + pos + " and " + neg);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSum = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) j++;
            double meanRank = (i + j) / 2.0 + 1;   // 1-based ranks i+1 .. j+1
            for (int k = i; k <= j; k++) if (positive[order[k]] == 1) rankSum += meanRank;
            i = j + 1;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
}
