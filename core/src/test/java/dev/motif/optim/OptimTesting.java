package dev.motif.optim;

import dev.motif.array.NDArray;
import dev.motif.nn.Parameter;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Small helpers shared by the optimizer tests. */
final class OptimTesting {
    static final double TOL = 1e-12;

    private OptimTesting() {}

    static Parameter param(String name, double... values) {
        return new Parameter(name, NDArray.vector(values));
    }

    static Parameter param32(String name, float... values) {
        return new Parameter(name, NDArray.of(values.clone(), values.length));
    }

    /** Gives {@code p} a gradient as backward would, in the parameter's dtype. */
    static void grad(Parameter p, double... g) {
        p.setGrad(NDArray.vector(g).to(p.dtype()));
    }

    static void assertValues(Parameter p, double tol, double... expected) {
        assertEquals(expected.length, p.size(), "size of " + p);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], p.value().getFlat(i), tol, p.name() + "[" + i + "]");
        }
    }
}
