package dev.motif.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Parameter specs: the command-line forms, and every inconsistency with model and data, with its message. */
class ParameterSpecTest {

    private static final Model DECAY = ExpressionModel.parse(Models.DECAY_EXPR, List.of("t"), List.of());

    private static List<Dataset> data(int... counts) {
        List<Dataset> out = new java.util.ArrayList<>();
        for (int k = 0; k < counts.length; k++) {
            double[] t = new double[counts[k]], y = new double[counts[k]];
            for (int i = 0; i < t.length; i++) {
                t[i] = i;
                y[i] = Math.exp(-i);
            }
            out.add(Dataset.of("d" + k, t, y).withGroup("sample", k == 0 ? "a" : "b"));
        }
        return out;
    }

    private static String error(Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }

    private static String fitError(ParameterSpec.Builder spec, int... counts) {
        return error(() -> GlobalFit.of(DECAY, data(counts), spec.build()));
    }

    @Test
    void commandLineForms() {
        ParameterSpec s = ParameterSpec.builder().shared("tau").local("A").parseGroup("B=sample").parseInit("tau=2")
                .parseInit("A@file=2.csv=1.5").parseInit("B@b=-0.5").parseBound("tau=0:inf").parseBound("A=-inf:1e3").build();
        assertEquals(Map.of("B", "sample"), s.groups());
        assertEquals(2.0, s.init().get("tau"));
        assertEquals(Map.of("file=2.csv", 1.5), s.initAt().get("A"), "the last '=' separates the value");
        assertEquals(-0.5, s.initAt().get("B").get("b"));
        assertEquals(new ParameterSpec.Bound(0, Double.POSITIVE_INFINITY), s.bound("tau"));
        assertEquals(new ParameterSpec.Bound(Double.NEGATIVE_INFINITY, 1000), s.bound("A"));
        assertEquals(ParameterSpec.Bound.NONE, s.bound("B"));
        assertEquals(0.3, ParameterSpec.builder().parseFix("B=0.3").build().fixed().get("B"));
    }

    @Test
    void malformedCommandLineForms() {
        ParameterSpec.Builder b = ParameterSpec.builder();
        assertEquals("bound: lower 5 must be below upper 1 in 'tau=5:1'", error(() -> b.parseBound("tau=5:1")));
        assertEquals("bound: expected PARAM=LOWER:UPPER, got 'tau=5'", error(() -> b.parseBound("tau=5")));
        assertEquals("bound: 'x' is not a number in 'tau=x:1'", error(() -> b.parseBound("tau=x:1")));
        assertEquals("init: expected PARAM=VALUE or PARAM@DATASET=VALUE, got 'tau'", error(() -> b.parseInit("tau")));
        assertEquals("init: 'two' is not a number in 'tau=two'", error(() -> b.parseInit("tau=two")));
        assertEquals("init: start of 'tau' must be finite, got Infinity", error(() -> b.parseInit("tau=inf")));
        assertEquals("fix: expected PARAM=VALUE, got 'B='", error(() -> b.parseFix("B=")));
        assertEquals("group: expected PARAM=COLUMN, got 'k'", error(() -> b.parseGroup("k")));
        // a second start or bound of the same parameter is refused, not silently taken instead of the first
        b.parseInit("tau=1").parseInit("A@one.csv=2").parseBound("tau=0:5");
        assertEquals("init: start of 'tau' given twice, the second in 'tau=2'", error(() -> b.parseInit("tau=2")));
        assertEquals("init: start of 'A@one.csv' given twice, the second in 'A@one.csv=3'", error(() -> b.parseInit("A@one.csv=3")));
        assertEquals("bound: bounds of 'tau' given twice, the second in 'tau=1:2'", error(() -> b.parseBound("tau=1:2")));
        b.parseInit("A@two.csv=3");
        b.shared("tau");
        assertEquals("local: parameter 'tau' is already shared", error(() -> b.local("tau")));
        assertEquals("fix: parameter 'tau' is already shared", error(() -> b.parseFix("tau=1")));
    }

    @Test
    void namesMustBeTheModels() {
        ParameterSpec base = ParameterSpec.builder().shared("tau", "B").local("A").build();
        assertEquals("shared parameter 'tau2' is not a parameter of the model 'A*exp(-t/tau) + B' (the model's parameters: A, tau, B)",
                fitError(ParameterSpec.builder().shared("tau2", "B", "tau").local("A"), 5, 5));
        assertEquals("local parameter 'C' is not a parameter of the model 'A*exp(-t/tau) + B' (the model's parameters: A, tau, B)",
                fitError(base.toBuilder().local("C"), 5, 5));
        assertEquals("grouped parameter 'k' is not a parameter of the model 'A*exp(-t/tau) + B' (the model's parameters: A, tau, B)",
                fitError(base.toBuilder().group("k", "sample"), 5, 5));
        assertEquals("bound: 'tau0' is not a parameter of the model 'A*exp(-t/tau) + B' (the model's parameters: A, tau, B)",
                fitError(base.toBuilder().bound("tau0", 0, 1), 5, 5));
        assertEquals("model parameter 'A' is neither shared, local, grouped nor fixed (the model's parameters: A, tau, B;"
                + " a name meant as a data column must be declared a covariate)", fitError(ParameterSpec.builder().shared("tau", "B"), 5, 5));
    }

    @Test
    void startsAndBounds() {
        ParameterSpec base = ParameterSpec.builder().shared("tau", "B").local("A").build();
        assertEquals("init: start tau=-1 is outside its bound 0:inf", fitError(base.toBuilder().init("tau", -1).bound("tau", 0, Double.POSITIVE_INFINITY), 5, 5));
        assertEquals("init: start A@d1=7 is outside its bound 0:5", fitError(base.toBuilder().init("A", "d1", 7).bound("A", 0, 5), 5, 5));
        assertEquals("init: no dataset 'd9' for A@d9 (datasets: d0, d1)", fitError(base.toBuilder().init("A", "d9", 1), 5, 5));
        assertEquals("init: 'tau' is shared, so it has one start (init tau=VALUE); a start per dataset or group applies to local and grouped parameters",
                fitError(base.toBuilder().init("tau", "d0", 1), 5, 5));
        assertEquals("bound: 'B' is fixed; a bound applies to fitted parameters only",
                fitError(ParameterSpec.builder().shared("tau").fix("B", 0).local("A").bound("B", 0, 1), 5, 5));
        assertEquals("init: no group 'c' in column 'sample' for tau@c (groups: a, b)",
                fitError(ParameterSpec.builder().group("tau", "sample").shared("B").local("A").init("tau", "c", 1), 5, 5));
        // a default start outside the bounds moves inside them
        GlobalFit fit = GlobalFit.of(DECAY, data(5, 5), base.toBuilder().bound("tau", 2, 4).bound("B", Double.NEGATIVE_INFINITY, -3).build());
        assertEquals(List.of(3.0, -4.0), java.util.Arrays.stream(fit.initialGlobal()).boxed().toList());
    }

    @Test
    void tooFewPoints() {
        ParameterSpec.Builder spec = ParameterSpec.builder().shared("tau").local("A", "B");
        assertEquals("dataset 'd1' has 1 point for its 2 local parameters (A, B)", fitError(spec, 5, 1));
        assertEquals("too few points: 4 points in 2 datasets for 5 free parameters (1 global + 2 × 2 local)", fitError(spec, 2, 2));
        assertEquals("too few points: 2 points in 1 dataset for 3 free parameters (3 global + 1 × 0 local)",
                fitError(ParameterSpec.builder().shared("tau", "A", "B"), 2));
    }

    @Test
    void modelNotFiniteAtTheStart() {
        Model m = ExpressionModel.parse("A*log(t - c) + B", List.of("t"), List.of());
        String e = error(() -> GlobalFit.of(m, data(4, 4), ParameterSpec.builder().shared("c", "B").local("A").build()));
        assertEquals("model 'A*log(t - c) + B' is NaN at the starting values in dataset 'd0', point 0 (d0, point 0, t=0.0)"
                + " with A=1.0, c=1.0, B=1.0; give starting values with --init", e);
    }

    @Test
    void datasetsMustCarryTheColumnsTheModelReads() {
        Model m = ExpressionModel.parse(Models.COMPETITIVE_EXPR, List.of("S"), List.of("I"));
        String e = error(() -> GlobalFit.of(m, data(4), ParameterSpec.builder().shared("Km", "Ki", "Vmax").build()));
        assertEquals("dataset 'd0' has no value for the covariate 'I' (it has [])", e);
        e = error(() -> GlobalFit.of(DECAY, data(4), ParameterSpec.builder().group("tau", "run").shared("A", "B").build()));
        assertEquals("dataset 'd0' has no label in the group column 'run' that parameter 'tau' is grouped by (it has [sample])", e);
    }
}
