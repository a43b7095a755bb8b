package dev.motif.lab;

import dev.motif.train.ProgressListener;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.nn.Activation;
import dev.motif.nn.Conv2d;
import dev.motif.nn.Flatten;
import dev.motif.nn.Linear;
import dev.motif.nn.Sequential;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SymmetryTest {

    @Test
    void factorialsAreExactAndPrintedAsPowersOfTen() {
        // 48! and 256! from tables of factorials.
        assertEquals(new BigInteger("12413915592536072670862289047373375038521486354677760000000000"), Symmetry.factorial(48));
        assertEquals(BigInteger.valueOf(6), Symmetry.factorial(3));
        assertEquals(BigInteger.ONE, Symmetry.factorial(0));
        assertEquals("1.24 × 10^61", Symmetry.powerOfTen(Symmetry.factorial(48)));
        assertEquals("6", Symmetry.powerOfTen(Symmetry.factorial(3)));
        assertEquals("8.58 × 10^506", Symmetry.powerOfTen(Symmetry.factorial(256)));
        assertEquals(506.9334, Symmetry.log10(Symmetry.factorial(256)), 1e-4);
        assertEquals("1.00 × 10^7", Symmetry.powerOfTen(BigInteger.valueOf(9_999_999)));
    }

    @Test
    void permutingTheDenseNetsHiddenUnitsLeavesItsOutputs() {
        Sequential dense = SeedNets.dense(DType.F64, new SplittableRandom(1));
        NDArray x = Init.normal(new SplittableRandom(2), DType.F64, 0, 1, 3, 1, 28, 28);
        NDArray before = Symmetry.outputs(dense, x);
        Linear l1 = (Linear) dense.layers().get(1), l2 = (Linear) dense.layers().get(3), l3 = (Linear) dense.layers().get(5);
        NDArray w1 = l1.weight().value();
        Symmetry.permuteUnits(l1, l2, Symmetry.randomPermutation(256, new SplittableRandom(3)));
        Symmetry.permuteUnits(l2, l3, Symmetry.randomPermutation(128, new SplittableRandom(4)));
        assertTrue(w1.maxAbsDiff(l1.weight().value()) > 0.01, "the weights moved");
        assertTrue(Symmetry.maxAbsDiff(dense, x, before) <= 1e-12);
    }

    @Test
    void permutingTheConvNetsFiltersLeavesItsOutputs() {
        Sequential conv = SeedNets.conv(DType.F64, new SplittableRandom(1));
        NDArray x = Init.normal(new SplittableRandom(2), DType.F64, 0, 1, 3, 1, 28, 28);
        NDArray before = Symmetry.outputs(conv, x);
        Conv2d c1 = (Conv2d) conv.layers().get(0), c2 = (Conv2d) conv.layers().get(3);
        Linear head = (Linear) conv.layers().get(7);
        Symmetry.permuteFilters(c1, c2, Symmetry.randomPermutation(16, new SplittableRandom(3)));
        Symmetry.permuteFilters(c2, head, Symmetry.randomPermutation(32, new SplittableRandom(4)), 49);
        assertTrue(Symmetry.maxAbsDiff(conv, x, before) <= 1e-12);
    }

    /** Permuting a layer's units without the next layer's inputs is not a symmetry: the check can fail. */
    @Test
    void permutingOnlyOneSideChangesTheOutputs() {
        Sequential dense = SeedNets.dense(DType.F64, new SplittableRandom(1));
        NDArray x = Init.normal(new SplittableRandom(2), DType.F64, 0, 1, 3, 1, 28, 28);
        NDArray before = Symmetry.outputs(dense, x);
        Linear l1 = (Linear) dense.layers().get(1);
        int[] perm = Symmetry.randomPermutation(256, new SplittableRandom(3));
        l1.weight().set(l1.weight().value().indexSelect(0, perm));
        l1.bias().set(l1.bias().value().indexSelect(0, perm));
        assertTrue(Symmetry.maxAbsDiff(dense, x, before) > 1e-3);
    }

    @Test
    void aNonPermutationIsRefused() {
        Linear a = new Linear(3, 4, DType.F64, new SplittableRandom(1)), b = new Linear(4, 2, DType.F64, new SplittableRandom(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Symmetry.permuteUnits(a, b, new int[] {0, 1, 1, 3}));
        assertTrue(e.getMessage().contains("not a permutation of 0..3: index 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Symmetry.permuteUnits(a, b, new int[] {0, 1, 2}));
    }

    @Property(tries = 40)
    void anyPermutationOfHiddenUnitsIsASymmetry(@ForAll @IntRange(min = 1, max = 12) int hidden, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Linear a = new Linear(5, hidden, DType.F64, rng), b = new Linear(hidden, 3, DType.F64, rng);
        Sequential net = new Sequential(a, Activation.tanh(), b);
        NDArray x = Init.normal(rng, DType.F64, 0, 1, 4, 5);
        NDArray before = Symmetry.outputs(net, x);
        Symmetry.permuteUnits(a, b, Symmetry.randomPermutation(hidden, rng));
        assertTrue(Symmetry.maxAbsDiff(net, x, before) <= 1e-12);
    }

    @Property(tries = 20)
    void anyPermutationOfFiltersIsASymmetry(@ForAll @IntRange(min = 1, max = 6) int filters, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Conv2d c1 = new Conv2d(2, filters, 3, DType.F64, rng), c2 = new Conv2d(filters, 3, 3, DType.F64, rng);
        Conv2d d1 = new Conv2d(2, filters, 3, DType.F64, rng);
        Linear head = new Linear(filters * 16, 2, DType.F64, rng);
        Sequential convConv = new Sequential(c1, Activation.relu(), c2);
        Sequential convLinear = new Sequential(d1, Activation.relu(), new Flatten(), head);
        NDArray x = Init.normal(rng, DType.F64, 0, 1, 2, 2, 6, 6);
        NDArray before1 = Symmetry.outputs(convConv, x), before2 = Symmetry.outputs(convLinear, x);
        Symmetry.permuteFilters(c1, c2, Symmetry.randomPermutation(filters, rng));
        Symmetry.permuteFilters(d1, head, Symmetry.randomPermutation(filters, rng), 16);
        assertTrue(Symmetry.maxAbsDiff(convConv, x, before1) <= 1e-12);
        assertTrue(Symmetry.maxAbsDiff(convLinear, x, before2) <= 1e-12);
    }

    @Test
    void theReportCountsTheSeedsExampleAndChecksTheSeedNets() {
        Report r = new Symmetry().run(Settings.quickRun(1), ProgressListener.NONE);
        assertTrue(r.findings().get(0).contains("48! = 12413915592536072670862289047373375038521486354677760000000000"), r.findings().get(0));
        assertTrue(r.findings().get(0).contains("3! = 6"), r.findings().get(0));
        assertEquals(List.of("seeds' example: conv", "conv layer", "3", "6", "6", "—"), r.table().rows().get(1));
        @SuppressWarnings("unchecked")
        List<java.util.Map<String, Object>> layers = (List<java.util.Map<String, Object>>) r.data().get("layers");
        int checked = 0;
        for (var l : layers) {
            if (l.containsKey("maxAbsOutputChange")) {
                assertTrue((double) l.get("maxAbsOutputChange") <= 1e-12, l.toString());
                checked++;
            }
        }
        assertEquals(4, checked);
        assertEquals(Symmetry.factorial(256).multiply(Symmetry.factorial(128)).toString(), r.data().get("denseNetTotal"));
    }
}
