package dev.motif.autodiff;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.nn.BatchNorm1d;
import dev.motif.nn.BatchNorm2d;
import dev.motif.nn.LayerNorm;
import dev.motif.nn.Normalization;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.motif.autodiff.GradCheck.check;
import static dev.motif.autodiff.GradCheck.checkHvp;
import static dev.motif.autodiff.GradCheck.uniform;

/**
 * Batch and layer normalisation against finite differences, first and second order, with
 * respect to the input and to the affine weight and bias. A tanh after the normalisation keeps
 * the weighted sum of outputs from being constant in the input (Σ xhat is zero by construction).
 */
class NormalizationGradientTest {

    @Test
    void batchNormMatchesFiniteDifferencesInInputWeightAndBias() {
        Random r = new Random(1);
        for (int[] shape : new int[][] {{4, 3}, {3, 2, 4}, {2, 2, 3, 2}}) {
            int c = shape[1];
            NDArray x = uniform(r, -2, 2, shape), w = uniform(r, 0.5, 1.5, c), b = uniform(r, -1, 1, c);
            GradCheck.Fn f = xs -> Normalization.batchNorm(xs.get(0), xs.get(1), xs.get(2), 1e-5).tanh();
            String label = "batchNorm " + java.util.Arrays.toString(shape);
            check(label, f, x, w, b);
            checkHvp(label, f, 2, x, w, b);
        }
    }

    @Test
    void layerNormMatchesFiniteDifferencesInInputWeightAndBias() {
        Random r = new Random(3);
        NDArray x = uniform(r, -2, 2, 3, 4), w = uniform(r, 0.5, 1.5, 4), b = uniform(r, -1, 1, 4);
        GradCheck.Fn f = xs -> Normalization.layerNorm(xs.get(0), new int[] {4}, xs.get(1), xs.get(2), 1e-5).tanh();
        check("layerNorm [4]", f, x, w, b);
        checkHvp("layerNorm [4]", f, 4, x, w, b);
        NDArray x3 = uniform(r, -2, 2, 2, 2, 3), w3 = uniform(r, 0.5, 1.5, 2, 3), b3 = uniform(r, -1, 1, 2, 3);
        GradCheck.Fn g = xs -> Normalization.layerNorm(xs.get(0), new int[] {2, 3}, xs.get(1), xs.get(2), 1e-5).tanh();
        check("layerNorm [2, 3]", g, x3, w3, b3);
        checkHvp("layerNorm [2, 3]", g, 5, x3, w3, b3);
    }

    @Test
    void theLayersMatchFiniteDifferencesInTrainingAndEvaluation() {
        Random r = new Random(6);
        BatchNorm2d bn = new BatchNorm2d(2, DType.F64);
        bn.weight().set(uniform(r, 0.5, 1.5, 2));
        bn.bias().set(uniform(r, -1, 1, 2));
        NDArray x = uniform(r, -2, 2, 3, 2, 2, 2);
        GradCheck.Fn f = xs -> bn.forward(xs.get(0)).tanh();
        check("BatchNorm2d train", f, x);
        checkHvp("BatchNorm2d train", f, 7, x);
        bn.eval(); // the running statistics have moved during the checks above, away from 0 and 1
        check("BatchNorm2d eval", f, x);
        checkHvp("BatchNorm2d eval", f, 8, x);

        BatchNorm1d bn1 = new BatchNorm1d(3, DType.F64);
        NDArray x1 = uniform(r, -2, 2, 4, 3, 2);
        GradCheck.Fn f1 = xs -> bn1.forward(xs.get(0)).tanh();
        check("BatchNorm1d train", f1, x1);
        checkHvp("BatchNorm1d train", f1, 9, x1);

        LayerNorm ln = new LayerNorm(DType.F64, 5);
        ln.weight().set(uniform(r, 0.5, 1.5, 5));
        NDArray x2 = uniform(r, -2, 2, 2, 3, 5);
        GradCheck.Fn f2 = xs -> ln.forward(xs.get(0)).tanh();
        check("LayerNorm", f2, x2);
        checkHvp("LayerNorm", f2, 10, x2);
    }
}
