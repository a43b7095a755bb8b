package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A parameter used at several sites receives the sum of what every site sends back, and the module tree says where it is used. */
class SharingTest {

    /** The same Linear applied twice: one module registered at two sites. */
    static final class Twice extends Block {
        final Linear layer;

        Twice(SplittableRandom rng) {
            layer = child("layer", new Linear(3, 3, DType.F64, rng));
            child("again", layer);
        }

        @Override
        public Tensor forward(Tensor x) {
            return layer.forward(layer.forward(x).tanh());
        }
    }

    /** One Parameter registered under two names (a tied embedding: lookup at the input, projection at the output). */
    static final class Tied extends Block {
        final Parameter embedding;
        final Parameter outBias;

        Tied(SplittableRandom rng) {
            embedding = param("embedding", new Parameter("embedding", Init.uniform(rng, DType.F64, -1, 1, 5, 2)));
            child("head", new Head(embedding));
            outBias = param("outBias", new Parameter("outBias", Init.uniform(rng, DType.F64, -1, 1, 5)));
        }

        Tensor logits(int[] tokens) {
            Tensor h = embedding.indexSelect(0, tokens).sin();
            return ((Head) children().get("head")).project(h).add(outBias);
        }
    }

    static final class Head extends Block {
        Head(Parameter tiedWeight) {
            param("weight", tiedWeight);
        }

        Tensor project(Tensor h) {
            return h.matmul(param("weight").mT());
        }
    }

    private static Tensor input() {
        return Tensor.constant(NDArray.of(new double[] {0.5, -1, 2, 0.1, 0.3, -0.7}, 2, 3));
    }

    @Test
    void theSameLinearTwiceIsOneSetOfParametersAtTwoSites() {
        Twice m = new Twice(new SplittableRandom(1));
        List<Parameter> ps = m.parameters();
        assertEquals(2, ps.size());
        assertSame(m.layer.weight(), ps.get(0));
        assertSame(m.layer.bias(), ps.get(1));
        List<String> paths = m.parameterUses().stream().map(ParameterUse::path).collect(Collectors.toList());
        assertEquals(List.of("layer.weight", "layer.bias", "again.weight", "again.bias"), paths);
        assertSame(m.parameterUses().get(0).parameter(), m.parameterUses().get(2).parameter());
        assertEquals(12, m.parameterCount());
        assertEquals(List.of("layer.weight", "layer.bias"), List.copyOf(m.namedParameters().keySet()));
    }

    @Test
    void backwardPutsTheSumOfBothSitesGradientsInGrad() {
        Twice m = new Twice(new SplittableRandom(2));
        Tensor x = input();
        Tensor loss = m.forward(x).square().sum();
        loss.backward();

        // untied: each site gets its own copy of W and b; the shared gradient is the sum of the two
        Tensor w1 = Tensor.variable(m.layer.weight().value()), b1 = Tensor.variable(m.layer.bias().value());
        Tensor w2 = Tensor.variable(m.layer.weight().value()), b2 = Tensor.variable(m.layer.bias().value());
        Tensor untied = x.matmul(w1.mT()).add(b1).tanh().matmul(w2.mT()).add(b2).square().sum();
        assertEquals(untied.item(), loss.item(), 1e-15);
        List<Tensor> g = Autodiff.grad(untied, List.of(w1, b1, w2, b2), false);
        assertArrayEquals(g.get(0).value().add(g.get(2).value()).toDoubleArray(), m.layer.weight().grad().toDoubleArray(), 1e-14);
        assertArrayEquals(g.get(1).value().add(g.get(3).value()).toDoubleArray(), m.layer.bias().grad().toDoubleArray(), 1e-14);
        // and neither site alone gives it
        assertFalse(java.util.Arrays.equals(g.get(0).value().toDoubleArray(), m.layer.weight().grad().toDoubleArray()));

        // against finite differences of the loss in each weight
        double h = 1e-6;
        NDArray w = m.layer.weight().value();
        for (int k = 0; k < w.size(); k++) {
            double fd = (lossWithWeight(m, x, k, h) - lossWithWeight(m, x, k, -h)) / (2 * h);
            assertEquals(fd, m.layer.weight().grad().getFlat(k), 1e-6 * (1 + Math.abs(fd)), "weight flat " + k);
        }
    }

    private static double lossWithWeight(Twice m, Tensor x, int k, double delta) {
        NDArray original = m.layer.weight().value();
        NDArray moved = original.copy();
        moved.setFlat(k, original.getFlat(k) + delta);
        m.layer.weight().set(moved);
        try {
            return Autodiff.noGrad(() -> m.forward(x).square().sum().item());
        } finally {
            m.layer.weight().set(original);
        }
    }

    @Test
    void oneParameterUnderTwoNamesIsListedOnceAndUsedTwice() {
        Tied m = new Tied(new SplittableRandom(3));
        assertEquals(List.of(m.embedding, m.outBias), m.parameters());
        List<ParameterUse> uses = m.parameterUses();
        assertEquals(List.of("embedding", "head.weight", "outBias"), uses.stream().map(ParameterUse::path).collect(Collectors.toList()));
        assertSame(m.embedding, uses.get(0).parameter());
        assertSame(m.embedding, uses.get(1).parameter());
        assertEquals(15, m.parameterCount());

        int[] tokens = {1, 3, 3};
        int[] labels = {0, 4, 2};
        Tensor loss = Losses.crossEntropy(m.logits(tokens), labels);
        m.zeroGrad();
        loss.backward();

        // untied: the lookup and the projection each get their own copy
        Tensor lookup = Tensor.variable(m.embedding.value()), proj = Tensor.variable(m.embedding.value());
        Tensor bias = Tensor.constant(m.outBias.value());
        Tensor untied = Losses.crossEntropy(lookup.indexSelect(0, tokens).sin().matmul(proj.mT()).add(bias), labels);
        List<Tensor> g = Autodiff.grad(untied, List.of(lookup, proj), false);
        assertArrayEquals(g.get(0).value().add(g.get(1).value()).toDoubleArray(), m.embedding.grad().toDoubleArray(), 1e-15);
        // rows 0, 2 and 4 are never looked up: only the projection contributes there
        assertArrayEquals(g.get(1).value().indexSelect(0, new int[] {0, 2, 4}).toDoubleArray(),
                m.embedding.grad().indexSelect(0, new int[] {0, 2, 4}).toDoubleArray(), 1e-15);
    }

    @Test
    void sequentialWithARepeatedModuleSharesItsParameters() {
        SplittableRandom rng = new SplittableRandom(4);
        Linear l = new Linear(3, 3, DType.F64, rng);
        Sequential s = new Sequential(l, Activation.tanh(), l, Activation.gelu(), new Linear(3, 1, false, DType.F64, rng));
        assertEquals(3, s.parameters().size());
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight"),
                s.parameterUses().stream().map(ParameterUse::path).collect(Collectors.toList()));
        Tensor loss = s.forward(input()).sum();
        loss.backward();
        Tensor w = l.weight();
        Tensor gw = Tensor.constant(w.grad());
        // the accumulated gradient equals what grad() finds for the same graph
        assertArrayEquals(Autodiff.grad(loss, w, false).value().toDoubleArray(), gw.value().toDoubleArray(), 0);
    }

    @Test
    void sharingReportCountsUniqueAndNominalParameters() {
        Twice t = new Twice(new SplittableRandom(5));
        SharingReport r = SharingReport.of(t);
        assertEquals(12, r.uniqueCount());
        assertEquals(24, r.nominalCount());
        assertEquals(2.0, r.ratio(), 0);
        assertEquals(2, r.entries().size());
        SharingReport.Entry w = r.entries().get(0);
        assertEquals("layer.weight", w.name());
        assertArrayEquals(new int[] {3, 3}, w.shape());
        assertEquals(9, w.size());
        assertEquals(List.of("layer.weight", "again.weight"), w.sitePaths());
        assertTrue(w.shared());
        assertEquals(2, r.shared().size());

        Tied tied = new Tied(new SplittableRandom(6));
        SharingReport rt = SharingReport.of(tied);
        assertEquals(15, rt.uniqueCount());
        assertEquals(25, rt.nominalCount());
        assertEquals(25.0 / 15, rt.ratio(), 1e-15);
        assertEquals(List.of("embedding", "head.weight"), rt.entries().get(0).sitePaths());
        assertFalse(rt.entries().get(1).shared());
        assertEquals(List.of("embedding"), rt.shared().stream().map(SharingReport.Entry::name).collect(Collectors.toList()));
        String table = rt.toTable();
        assertTrue(table.contains("head.weight") && table.contains("1.67x") && table.contains("15") && table.contains("25"), table);

        Linear plain = new Linear(2, 3, DType.F64, new SplittableRandom(7));
        SharingReport rp = SharingReport.of(plain);
        assertEquals(9, rp.uniqueCount());
        assertEquals(9, rp.nominalCount());
        assertEquals(1.0, rp.ratio(), 0);
        assertTrue(rp.shared().isEmpty());
    }

    @Test
    void sharingReportsOfTheSameStructureAreEqualValues() {
        SharingReport a = SharingReport.of(new Twice(new SplittableRandom(12)));
        SharingReport b = SharingReport.of(new Twice(new SplittableRandom(13))); // other values, same structure
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertTrue(a.entries().get(0).toString().contains("[3, 3]"), a.entries().get(0).toString());
        assertFalse(a.equals(SharingReport.of(new Tied(new SplittableRandom(1)))));
    }

    @Test
    void aModuleCycleIsReportedNotLooped() {
        final class Box extends Block {
            void add(String name, Block m) {
                child(name, m);
            }
        }
        Box a = new Box(), b = new Box();
        a.add("b", b);
        b.add("a", a);
        IllegalStateException e = assertThrows(IllegalStateException.class, a::parameterUses);
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.add("self", a));
        assertThrows(IllegalArgumentException.class, () -> a.add("b", new Box()));
        assertThrows(IllegalArgumentException.class, () -> a.add("x.y", new Box()));
    }

    @Test
    void tyingAnotherParameterAtOneSiteChangesOnlyThatSite() {
        Tied m = new Tied(new SplittableRandom(8));
        Parameter fresh = new Parameter("head", NDArray.zeros(DType.F64, 5, 2));
        m.tie("head.weight", fresh);
        assertEquals(3, m.parameters().size());
        assertSame(fresh, m.parameterUses().get(1).parameter());
        assertNotSame(m.embedding, fresh);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.tie("embedding", new Parameter("e", NDArray.zeros(DType.F64, 2, 5))));
        assertTrue(e.getMessage().contains("[5, 2]") && e.getMessage().contains("[2, 5]"), e.getMessage());
    }

    @Test
    void zeroGradClearsEveryUniqueParameter() {
        Twice m = new Twice(new SplittableRandom(9));
        m.forward(input()).sum().backward();
        assertTrue(m.parameters().stream().allMatch(p -> p.grad() != null));
        m.zeroGrad();
        assertTrue(m.parameters().stream().allMatch(p -> p.grad() == null));
    }

    @Test
    void parameterSetAndSetGradCheckShapes() {
        Parameter p = new Parameter("p", NDArray.zeros(DType.F64, 2));
        assertThrows(IllegalArgumentException.class, () -> p.set(NDArray.zeros(DType.F64, 3)));
        assertThrows(IllegalArgumentException.class, () -> p.set(NDArray.zeros(DType.F32, 2)));
        assertThrows(IllegalArgumentException.class, () -> p.setGrad(NDArray.zeros(DType.F64, 3)));
        NDArray g = NDArray.vector(1, 2);
        p.setGrad(g);
        g.setFlat(0, 100);
        assertEquals(1, p.grad().getFlat(0), 0, "setGrad keeps its own copy");
        assertThrows(IllegalArgumentException.class, () -> new Parameter("", NDArray.zeros(DType.F64, 1)));
        assertTrue(p.requiresGrad());
        assertEquals("leaf", p.op());
    }

    @Test
    void linearComputesXWTransposedPlusB() {
        Linear l = new Linear(3, 2, DType.F64, new SplittableRandom(10));
        l.weight().set(NDArray.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
        l.bias().set(NDArray.vector(0.5, -0.5));
        Tensor y = l.forward(Tensor.constant(NDArray.vector(1, 0, -1)));
        assertArrayEquals(new double[] {-2 + 0.5, -2 - 0.5}, y.value().toDoubleArray(), 0);
        Tensor batched = l.forward(Tensor.constant(NDArray.of(new double[] {1, 0, -1, 0, 1, 0}, 1, 2, 3)));
        assertArrayEquals(new int[] {1, 2, 2}, batched.shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.constant(NDArray.vector(1, 2))));
        assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("3"), e.getMessage());
        double bound = 1 / Math.sqrt(3);
        Linear fresh = new Linear(3, 4, DType.F64, new SplittableRandom(11));
        for (double v : fresh.weight().value().toDoubleArray()) assertTrue(Math.abs(v) <= bound);
    }
}
