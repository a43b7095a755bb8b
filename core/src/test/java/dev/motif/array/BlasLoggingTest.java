package dev.motif.array;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** netlib's warning about its Vector API kernels is dropped, and nothing else it logs. */
class BlasLoggingTest {
    /** What netlib 3.0.3 logs, word for word. */
    private static final String VECTOR = "Failed to load implementation from:dev.ludovic.netlib.blas.VectorBLAS",
            NATIVE = "Failed to load implementation from:dev.ludovic.netlib.blas.JNIBLAS";

    /** Touches BLAS the way a first matrix product does, and prints what loaded. */
    public static void main(String[] args) {
        NDArray a = NDArray.ones(DType.F64, 64, 64);
        System.out.println(a.matmul(a).getFlat(0) + " " + Blas.describe());
    }

    @Test
    void aFreshJvmPrintsNoVectorBlasWarning() throws Exception {
        ChildJvm.Result r = ChildJvm.run(BlasLoggingTest.class, List.of());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("64.0 "), r.out());
        assertFalse(r.err().contains("VectorBLAS"), r.err());
    }

    @Test
    void otherNetlibRecordsStillGetThrough() {
        Blas.kind(); // initialises Blas, and with it the filter
        Logger log = Logger.getLogger("dev.ludovic.netlib.blas.InstanceBuilder");
        List<String> seen = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                seen.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        boolean parents = log.getUseParentHandlers();
        log.setUseParentHandlers(false); // keep the console quiet
        log.addHandler(h);
        try {
            log.warning(VECTOR);
            log.warning(NATIVE);
            log.severe(VECTOR); // only the warning itself is dropped
        } finally {
            log.removeHandler(h);
            log.setUseParentHandlers(parents);
        }
        assertEquals(List.of(NATIVE, VECTOR), seen);
    }
}
