package dev.motif.cli;

import dev.motif.train.BatchEnd;
import dev.motif.train.EpochResult;
import dev.motif.train.EpochStart;
import dev.motif.train.Metrics;
import dev.motif.train.TrainResult;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The progress lines, formatted from given events (timing comes from the events, so none is measured here). */
class ProgressTest {
    /** Epoch 2 of 5, batch 49 of 94: 1,568 of 3,000 images, 4,568 of 15,000 in the run, at 9,120 img/s. */
    private static BatchEnd middle(double elapsed) {
        return new BatchEnd(2, 5, 49, 94, 1568, 3000, 0.44714, 0.8431, 4568, 15000, elapsed, 9120);
    }

    private static final EpochResult EPOCH = new EpochResult(2, 5, new Metrics(0.44181, 0.8462, 3000), new Metrics(0.479, 0.831, 1000),
            6.84, 13.1, 9034.4);

    @Test
    void terminalBar() {
        // 1,568 / 3,000 = 52.3% of the epoch: 10 of 20 cells filled; ETA (15,000 − 4,568) / 9,120 = 1.14 s.
        assertEquals("epoch 2/5 [==========>         ]  52%  loss 0.4471  acc 84.3%  9120 img/s  ETA 0:01", Progress.bar(middle(1), 20));
        BatchEnd done = new BatchEnd(1, 1, 3, 3, 10, 10, 1.5, 1, 10, 10, 2, 5);
        assertEquals("epoch 1/1 [==========] 100%  loss 1.5000  acc 100.0%  5 img/s  ETA 0:00", Progress.bar(done, 10));
        BatchEnd first = new BatchEnd(1, 3, 1, 100, 3, 300, 2.3, 0.1, 3, 900, 0, 0);
        assertEquals("epoch 1/3 [>    ]   1%  loss 2.3000  acc 10.0%  0 img/s  ETA --:--", Progress.bar(first, 5));
    }

    @Test
    void plainAndEpochLines() {
        assertEquals("epoch 2/5  52%  batch 49/94  loss 0.4471  acc 84.3%  9120 img/s  ETA 0:01", Progress.plainLine(middle(1)));
        assertEquals("epoch 2/5  train loss 0.4418 acc 84.6%  test loss 0.4790 acc 83.1%  6.8 s  9034 img/s", Progress.epochLine(EPOCH));
        EpochResult noTest = new EpochResult(1, 1, new Metrics(1, 0.5, 4), null, 0.04, 0.04, 100);
        assertEquals("epoch 1/1  train loss 1.0000 acc 50.0%  0.0 s  100 img/s", Progress.epochLine(noTest));
    }

    @Test
    void durations() {
        assertEquals("0:00", Progress.duration(0.4));
        assertEquals("1:05", Progress.duration(64.6));
        assertEquals("59:59", Progress.duration(3599.4));
        assertEquals("1:00:00", Progress.duration(3599.5));
        assertEquals("27:46:40", Progress.duration(100_000));
        assertEquals("--:--", Progress.duration(Double.NaN));
        assertEquals("--:--", Progress.duration(Double.POSITIVE_INFINITY));
    }

    @Test
    void summaryOfARun() {
        TrainResult r = new TrainResult(EPOCH.train(), EPOCH.test(), List.of(EPOCH), 39760, 9034.4, 42.2);
        assertEquals("1 epoch in 0:42 (9034 img/s), 39,760 parameters; train loss 0.4418 acc 84.6%; test loss 0.4790 acc 83.1%", Progress.summary(r));
    }

    @Test
    void terminalRedrawsInPlaceAtMostEveryTenthOfASecond() {
        StringWriter sw = new StringWriter();
        Progress p = new Progress(new PrintWriter(sw), true, 10);
        p.epochStart(new EpochStart(2, 5, 94, 3000));
        p.batchEnd(middle(1.00));
        p.batchEnd(middle(1.05));   // too soon: not drawn
        BatchEnd later = new BatchEnd(2, 5, 50, 94, 1600, 3000, 0.5, 0.85, 4600, 15000, 1.2, 9120);
        p.batchEnd(later);
        p.epochEnd(EPOCH);
        String bar1 = Progress.bar(middle(1), 20), bar2 = Progress.bar(later, 20), end = Progress.epochLine(EPOCH);
        assertEquals(83, bar2.length());
        assertEquals(85, end.length());   // longer than the bar: nothing to clear
        String shorter = "epoch 2/5 [==========>         ]  53%  loss 0.5000  acc 85.0%  9120 img/s  ETA 0:01";
        assertEquals(shorter, bar2);
        assertEquals("\r" + bar1 + "\r" + bar2 + "\r" + end + System.lineSeparator(), sw.toString());
    }

    @Test
    void aShorterRedrawClearsTheRestOfTheLongerOne() {
        StringWriter sw = new StringWriter();
        Progress p = new Progress(new PrintWriter(sw), true, 10);
        p.epochStart(new EpochStart(1, 1, 2, 4));
        BatchEnd slow = new BatchEnd(1, 1, 1, 2, 2, 4, 10.5, 0.5, 2, 4, 0, 1);
        p.batchEnd(slow);
        EpochResult end = new EpochResult(1, 1, new Metrics(1, 0.5, 4), null, 1, 1, 100);
        p.epochEnd(end);
        String bar = Progress.bar(slow, 20), line = Progress.epochLine(end);
        assertEquals("epoch 1/1 [==========>         ]  50%  loss 10.5000  acc 50.0%  1 img/s  ETA 0:02", bar);
        assertEquals(56, line.length());
        assertEquals("\r" + bar + "\r" + line + " ".repeat(81 - 56) + System.lineSeparator(), sw.toString());
    }

    @Test
    void plainLinesEveryFewSecondsAndOnePerEpoch() {
        StringWriter sw = new StringWriter();
        Progress p = new Progress(new PrintWriter(sw), false, 5);
        p.epochStart(new EpochStart(2, 5, 94, 3000));
        p.batchEnd(middle(1));   // 1 s into the run: quiet
        p.batchEnd(middle(5));   // 5 s: a line
        p.batchEnd(middle(9));   // 4 s after it: quiet
        p.batchEnd(new BatchEnd(2, 5, 94, 94, 3000, 3000, 0.5, 0.8, 6000, 15000, 10.5, 9000));   // last batch: left to the epoch line
        p.epochEnd(new EpochResult(2, 5, new Metrics(0.44181, 0.8462, 3000), null, 6.84, 10.6, 9034.4));
        p.epochStart(new EpochStart(3, 5, 94, 3000));
        p.batchEnd(middle(12));  // 1.4 s after the epoch line: quiet
        p.batchEnd(middle(15.6));
        String nl = System.lineSeparator(), line = Progress.plainLine(middle(1));
        assertEquals(line + nl + "epoch 2/5  train loss 0.4418 acc 84.6%  6.8 s  9034 img/s" + nl + line + nl, sw.toString());
    }
}
