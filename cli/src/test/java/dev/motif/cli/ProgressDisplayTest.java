package dev.motif.cli;

import dev.motif.train.Figure;
import dev.motif.train.Stage;
import dev.motif.train.StageEnd;
import dev.motif.train.StageProgress;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The progress lines, formatted from given events (timing comes from the events, so none is measured here). */
class ProgressDisplayTest {
    private static final List<Figure> RUNNING = List.of(Figure.of("loss", 0.44714), Figure.percent("acc", 0.8431));

    /** Epoch 2 of 5, batch 49 of 94, at 9,120 img/s with 1.14 s left. */
    private static StageProgress middle(double elapsed) {
        return new StageProgress("epoch 2/5", 49, 94, "batch", RUNNING, elapsed, 9120, "img/s", 1.14);
    }

    private static final StageEnd EPOCH = new StageEnd("epoch 2/5", List.of(Figure.of("train loss", 0.44181), Figure.percent("train acc", 0.8462),
            Figure.of("test loss", 0.479), Figure.percent("test acc", 0.831)), 6.84, 9034.4, "img/s");

    @Test
    void terminalBar() {
        // 49 / 94 = 52.1% of the epoch: 10 of 20 cells filled.
        assertEquals("epoch 2/5 [==========>         ]  52%  loss 0.4471  acc 84.3%  9120 img/s  ETA 0:01", ProgressDisplay.bar(middle(1), 20));
        StageProgress done = new StageProgress("epoch 1/1", 3, 3, "batch", List.of(), 2, 5, "img/s", 0);
        assertEquals("epoch 1/1 [==========] 100%  5 img/s  ETA 0:00", ProgressDisplay.bar(done, 10));
        StageProgress first = new StageProgress("epoch 1/3", 1, 100, "batch", List.of(), 0, Double.NaN, "img/s", Double.NaN);
        assertEquals("epoch 1/3 [>    ]   1%  ETA --:--", ProgressDisplay.bar(first, 5));
    }

    @Test
    void aStageOfUnknownLengthCountsItsUnits() {
        StageProgress fit = new StageProgress("fit", 12, -1, "iteration", List.of(Figure.of("χ²", 31.2), Figure.of("λ", 1e-7)), 0.3, 48, "it/s", Double.NaN);
        assertEquals("fit  iteration 12  χ² 31.2000  λ 1.000e-07  48 it/s", ProgressDisplay.bar(fit, 20));
        assertEquals(ProgressDisplay.bar(fit, 20), ProgressDisplay.plainLine(fit));
    }

    @Test
    void plainAndEndLines() {
        assertEquals("epoch 2/5  52%  batch 49/94  loss 0.4471  acc 84.3%  9120 img/s  ETA 0:01", ProgressDisplay.plainLine(middle(1)));
        assertEquals("epoch 2/5  train loss 0.4418  train acc 84.6%  test loss 0.4790  test acc 83.1%  6.8 s  9034 img/s", ProgressDisplay.endLine(EPOCH));
        StageEnd fit = new StageEnd("fit", List.of(Figure.of("χ²", 3.2165)), 0.04, Double.NaN, "it/s");
        assertEquals("fit  χ² 3.2165  0.0 s", ProgressDisplay.endLine(fit));
    }

    @Test
    void durations() {
        assertEquals("0:00", ProgressDisplay.duration(0.4));
        assertEquals("1:05", ProgressDisplay.duration(64.6));
        assertEquals("59:59", ProgressDisplay.duration(3599.4));
        assertEquals("1:00:00", ProgressDisplay.duration(3599.5));
        assertEquals("27:46:40", ProgressDisplay.duration(100_000));
        assertEquals("--:--", ProgressDisplay.duration(Double.NaN));
        assertEquals("--:--", ProgressDisplay.duration(Double.POSITIVE_INFINITY));
    }

    @Test
    void terminalRedrawsInPlaceAtMostEveryTenthOfASecond() {
        StringWriter sw = new StringWriter();
        ProgressDisplay p = new ProgressDisplay(new PrintWriter(sw), true, 10);
        p.stageStarted(new Stage("epoch 2/5", 94, "batch"));
        p.stageProgress(middle(1.00));
        p.stageProgress(middle(1.05));   // too soon: not drawn
        StageProgress later = new StageProgress("epoch 2/5", 50, 94, "batch", RUNNING, 1.2, 9120, "img/s", 1.1);
        p.stageProgress(later);
        p.stageEnded(EPOCH);
        String bar1 = ProgressDisplay.bar(middle(1), 20), bar2 = ProgressDisplay.bar(later, 20), end = ProgressDisplay.endLine(EPOCH);
        assertEquals("\r" + bar1 + "\r" + bar2 + "\r" + end + System.lineSeparator(), sw.toString());
    }

    @Test
    void aShorterRedrawClearsTheRestOfTheLongerLine() {
        StringWriter sw = new StringWriter();
        ProgressDisplay p = new ProgressDisplay(new PrintWriter(sw), true, 10);
        StageProgress longer = new StageProgress("a stage with a long name", 1, 2, "batch", RUNNING, 0, 1, "img/s", 1);
        StageProgress shorter = new StageProgress("s", 2, 2, "batch", List.of(), 1, 1, "img/s", 0);
        p.stageProgress(longer);
        p.stageProgress(shorter);
        String l = ProgressDisplay.bar(longer, 20), s = ProgressDisplay.bar(shorter, 20);
        assertEquals("\r" + l + "\r" + s + " ".repeat(l.length() - s.length()), sw.toString());
    }

    @Test
    void plainLinesComeAtMostEveryIntervalAndTheStageEndAlways() {
        StringWriter sw = new StringWriter();
        ProgressDisplay p = new ProgressDisplay(new PrintWriter(sw), false, 10);
        p.stageStarted(new Stage("epoch 2/5", 94, "batch"));
        p.stageProgress(middle(1));    // first line: shown
        p.stageProgress(middle(5));    // 4 s later: not shown
        p.stageProgress(middle(11.5)); // 10.5 s later: shown
        p.stageProgress(new StageProgress("epoch 2/5", 94, 94, "batch", RUNNING, 12, 9120, "img/s", 0)); // last unit: left to the end line
        p.stageEnded(EPOCH);
        String nl = System.lineSeparator();
        assertEquals(ProgressDisplay.plainLine(middle(1)) + nl + ProgressDisplay.plainLine(middle(11.5)) + nl + ProgressDisplay.endLine(EPOCH) + nl,
                sw.toString());
    }
}
