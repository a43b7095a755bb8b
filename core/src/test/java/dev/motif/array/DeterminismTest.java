package dev.motif.array;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The same seed gives the same bits whatever the number of cores. */
class DeterminismTest {

    @Test
    void theProcessorCountChangesNoBit() throws Exception {
        String one = null;
        for (int cpus : new int[] {1, 2, 7}) {
            ChildJvm.Result r = ChildJvm.run(DeterminismWorkload.class, List.of("-XX:ActiveProcessorCount=" + cpus));
            assertEquals(0, r.exitCode(), r.err());
            if (one == null) one = r.out();
            else assertEquals(one, r.out(), "with " + cpus + " processors against 1");
        }
    }
}
