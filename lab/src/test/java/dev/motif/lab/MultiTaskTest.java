package dev.motif.lab;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.data.FashionMnist;
import dev.motif.data.ImageDataset;
import dev.motif.nn.Parameter;
import dev.motif.train.Metrics;
import dev.motif.train.Monitor;
import dev.motif.train.Objective;
import dev.motif.train.ProgressListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiTaskTest {
    static Report quick;

    /** The tour's version: shipped data, 1,000 training images, one seed, 4 rounds per model at a fixed learning rate; a few seconds. */
    @BeforeAll
    static void runQuick() throws Exception {
        quick = new MultiTask().run(new Settings(1, 1, false, true, null), ProgressListener.NONE);
    }

    @Test
    void everyClassHasItsCoarseGroup() {
        Map<String, String> group = Map.of("T-shirt/top", "tops", "Trouser", "bottoms", "Pullover", "tops", "Dress", "tops", "Coat", "tops",
                "Sandal", "footwear", "Shirt", "tops", "Sneaker", "footwear", "Bag", "bags", "Ankle boot", "footwear");
        for (int c = 0; c < 10; c++) {
            String name = FashionMnist.CLASS_NAMES.get(c);
            assertEquals(group.get(name), MultiTask.GROUPS.get(MultiTask.groupOf(c)), name);
        }
        assertThrows(IllegalArgumentException.class, () -> MultiTask.groupOf(10));
    }

    @Test
    void theInkFractionCountsPixelsAboveOneHalf() {
        // 127/255 is just below one half, 128/255 just above; exactly 0.5 is not ink
        NDArray images = NDArray.of(new float[] {0, 0.5f, (float) (128 / 255.0), 1, (float) (127 / 255.0), 0, 0, 0}, 2, 1, 2, 2);
        assertArrayEquals(new double[] {0.5, 0}, MultiTask.inkFraction(images), 0);
        NDArray all = NDArray.of(new double[] {0.9, 0.6, 0.51}, 1, 3);
        assertArrayEquals(new double[] {1}, MultiTask.inkFraction(all), 0);
    }

    @Test
    void examplesCarryTheClassItsGroupAndTheStandardizedInk() {
        ImageDataset images = FashionMnist.shipped().test().subset(0, 5);
        double[] ink = MultiTask.inkFraction(images.images());
        MultiTask.Examples e = MultiTask.Examples.of(images, ink, new int[] {4, 1}, 0.25, 0.5);
        assertArrayEquals(new int[] {images.label(4), images.label(1)}, e.labels());
        assertArrayEquals(new int[] {MultiTask.groupOf(images.label(4)), MultiTask.groupOf(images.label(1))}, e.groups());
        assertArrayEquals(new double[] {(ink[4] - 0.25) / 0.5, (ink[1] - 0.25) / 0.5}, e.ink().toDoubleArray(), 1e-15);
        MultiTask.Examples b = e.batch(new int[] {1});
        assertArrayEquals(new int[] {images.label(1)}, b.labels());
        assertArrayEquals(images.images().slice(0, 1, 2).toDoubleArray(), b.images().toDoubleArray(), 0);
    }

    @Test
    void everyArmStartsFromTheSameBackboneAndTheSameHeadForATask() {
        MultiTask.HeadsNet mt = new MultiTask.HeadsNet(MultiTask.TASKS, true, 7), ink = new MultiTask.HeadsNet(List.of(MultiTask.INK), false, 7);
        Map<String, Parameter> a = mt.namedParameters(), b = ink.namedParameters();
        for (String name : b.keySet()) assertArrayEquals(b.get(name).value().toDoubleArray(), a.get(name).value().toDoubleArray(), 0, name);
        assertEquals(List.of("backbone.1.weight", "backbone.1.bias", "backbone.3.weight", "backbone.3.bias", "ink.weight", "ink.bias"), List.copyOf(b.keySet()));
        assertNotNull(mt.weighting());
        assertNull(ink.weighting());
        assertEquals(new MultiTask.HeadsNet(MultiTask.TASKS, false, 7).parameterCount() + 3, mt.parameterCount());
        Map<String, Tensor> out = Autodiff.noGrad(() -> mt.heads(Tensor.constant(Init.normal(new SplittableRandom(1), DType.F32, 0, 1, 2, 1, 28, 28))));
        assertEquals(List.of("class", "group", "ink"), List.copyOf(out.keySet()));
        assertArrayEquals(new int[] {2, 10}, out.get("class").shape());
        assertArrayEquals(new int[] {2, 4}, out.get("group").shape());
        assertArrayEquals(new int[] {2, 1}, out.get("ink").shape());
    }

    @Test
    void everyArmIsStoppedOnTheUnweightedSumOfItsTaskLosses() {
        ImageDataset images = FashionMnist.shipped().standardized().test().subset(0, 40);
        MultiTask.Examples e = MultiTask.Examples.of(images, MultiTask.inkFraction(images.images()), java.util.stream.IntStream.range(0, 40).toArray(), 0, 1);
        MultiTask.HeadsNet model = new MultiTask.HeadsNet(MultiTask.TASKS, true, 3);
        model.weighting().logVariance().set(NDArray.of(new float[] {1, -1, 2}, 3));   // weights away from 1: the sum must not use them
        Objective<MultiTask.Examples> obj = MultiTask.objective(model, MultiTask.Arm.UNCERTAINTY);
        Metrics m = Autodiff.noGrad(() -> obj.evaluate(e, 16));
        assertEquals(m.get("class loss") + m.get("group loss") + m.get("ink loss"), m.get("task loss"), 1e-12);
        assertEquals(Monitor.min("task loss"), obj.monitor());
        assertEquals(MultiTask.Arm.INK_ONLY, MultiTask.Arm.single("ink"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theQuickMultiTaskModelsBeatChanceOnBothClassificationsAndTheMeanOnInk() {
        Map<String, Object> arms = (Map<String, Object>) ((List<Map<String, Object>>) quick.data().get("sizes")).get(0).get("arms");
        double ofTheMean = (double) quick.data().get("inkRmseOfTheMean");
        for (String name : List.of("multi-task fixed", "multi-task uncertainty")) {
            Map<String, Object> arm = (Map<String, Object>) arms.get(name);
            // chance: 0.1 for the ten balanced classes, 0.5 for always saying "tops"; measured 0.80, 0.98 and an RMSE of 0.04 against 0.18
            assertTrue(mean(arm, "class accuracy") > 0.5, name + ": " + arm);
            assertTrue(mean(arm, "group accuracy") > 0.8, name + ": " + arm);
            assertTrue(mean(arm, "ink rmse") < ofTheMean / 2, name + ": " + arm + " against " + ofTheMean);
        }
        Map<String, Object> fixed = (Map<String, Object>) arms.get("multi-task fixed");
        long separate = (long) quick.data().get("separateParameters");
        assertEquals(109_711L, fixed.get("parameters"));
        assertEquals(3 * 108_736 + 650 + 260 + 65, separate);
        assertEquals(3, quick.table().rows().size());
        assertEquals(List.of("1,000", "three single-task models", "327,183", "1e-3 / 1e-3 / 1e-3"), quick.table().rows().get(2).subList(0, 4));
    }

    @SuppressWarnings("unchecked")
    private static double mean(Map<String, Object> arm, String metric) {
        return (double) ((Map<String, Object>) arm.get(metric)).get("mean");
    }
}
