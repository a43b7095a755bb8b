package dev.motif.nn;

import dev.motif.array.DType;
import dev.motif.array.Init;
import dev.motif.autodiff.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** untie(): the same function at the moment of untying, no parameter object kept, every use site its own copy. */
class UntieTest {

    @Test
    void aLayerUsedTwiceBecomesTwoLayersComputingTheSameFunction() {
        SplittableRandom rng = new SplittableRandom(7);
        Linear shared = new Linear(3, 3, DType.F64, rng);
        Sequential model = new Sequential(shared, Activation.tanh(), shared);
        Sequential untied = model.untie();

        assertEquals(12, model.parameterCount());
        assertEquals(24, untied.parameterCount());
        assertEquals(untied.parameterUses().size(), untied.parameters().size(), "nothing is shared after untie");
        Set<Parameter> original = Collections.newSetFromMap(new IdentityHashMap<>());
        original.addAll(model.parameters());
        for (Parameter p : untied.parameters()) assertTrue(!original.contains(p), "untie kept " + p);

        Tensor x = Tensor.constant(Init.normal(rng, DType.F64, 0, 1, 5, 3));
        assertArrayEquals(model.forward(x).value().toDoubleArray(), untied.forward(x).value().toDoubleArray(), 1e-12);

        // Then the two train independently: a change to the untied copy leaves the original alone.
        double before = shared.weight().value().get(0, 0);
        Parameter w = untied.parameters().get(0);
        w.set(w.value().add(1.0));
        assertEquals(before, shared.weight().value().get(0, 0));
    }

    @Test
    void aModuleWithoutParametersIsItsOwnUntiedTwin() {
        Activation relu = Activation.relu();
        assertSame(relu, relu.untie());
    }

    @Test
    void aModuleWithParametersMustSayHowToUntie() {
        Block custom = new Block() {
            { param("w", new Parameter("w", Init.normal(new SplittableRandom(1), DType.F64, 0, 1, 2))); }
        };
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, custom::untie);
        assertTrue(e.getMessage().contains("does not implement untie()"), e.getMessage());
    }
}
