package dev.motif.cli;

import dev.motif.train.Figure;
import dev.motif.train.ProgressListener;
import dev.motif.train.Stage;
import dev.motif.train.StageEnd;
import dev.motif.train.StageProgress;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which events reach the display: none for quick work, all from the moment work turns out long. */
class DelayedProgressTest {
    private final List<Object> seen = new ArrayList<>();
    private final ProgressListener recorder = new ProgressListener() {
        @Override public void stageStarted(Stage s) { seen.add(s); }
        @Override public void stageProgress(StageProgress p) { seen.add(p); }
        @Override public void stageEnded(StageEnd e) { seen.add(e); }
    };

    private static final Stage FIT = new Stage("fit", -1, "iteration");

    private static StageProgress at(long iteration, double elapsed) {
        return new StageProgress("fit", iteration, -1, "iteration", List.of(Figure.of("χ²", 10.0 / iteration)), elapsed, iteration / elapsed, "it/s", Double.NaN);
    }

    private static StageEnd end(double seconds) {
        return new StageEnd("fit", List.of(Figure.of("χ²", 1)), seconds, 3 / seconds, "it/s");
    }

    @Test
    void quickStagesAreDroppedWhole() {
        DelayedProgress d = new DelayedProgress(recorder, 1);
        d.stageStarted(FIT);
        d.stageProgress(at(1, 0.2));
        d.stageProgress(at(2, 0.5));
        d.stageEnded(end(0.6));
        assertEquals(List.of(), seen);
    }

    @Test
    void aLongStageShowsFromItsFirstLateReportOn() {
        DelayedProgress d = new DelayedProgress(recorder, 1);
        d.stageStarted(FIT);
        d.stageProgress(at(1, 0.5));
        d.stageProgress(at(2, 1.2));
        d.stageProgress(at(3, 1.5));
        d.stageEnded(end(1.6));
        assertEquals(List.of(FIT, at(2, 1.2), at(3, 1.5), end(1.6)), seen);
    }

    @Test
    void aLongStageWithoutReportsShowsItsEnd() {
        DelayedProgress d = new DelayedProgress(recorder, 1);
        d.stageStarted(FIT);
        d.stageEnded(end(2));
        // the next stage starts quiet again
        Stage next = new Stage("separate fits", -1, "iteration");
        d.stageStarted(next);
        d.stageEnded(end(0.1));
        assertEquals(List.of(FIT, end(2)), seen);
    }

    @Test
    void aZeroDelayShowsEverything() {
        DelayedProgress d = new DelayedProgress(recorder, 0);
        d.stageStarted(FIT);
        d.stageProgress(at(1, 0.001));
        d.stageEnded(end(0.002));
        assertEquals(List.of(FIT, at(1, 0.001), end(0.002)), seen);
    }

    @Test
    void aNegativeDelayIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DelayedProgress(recorder, -1));
        assertEquals("DelayedProgress: afterSeconds must be >= 0, got -1.0", e.getMessage());
    }
}
