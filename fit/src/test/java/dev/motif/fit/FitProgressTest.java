package dev.motif.fit;

import dev.motif.train.Figure;
import dev.motif.train.ProgressListener;
import dev.motif.train.Stage;
import dev.motif.train.StageEnd;
import dev.motif.train.StageProgress;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a fit tells its progress listener: one stage, one report per iteration, one end. */
class FitProgressTest {
    /** Keeps every event, in order. */
    static final class Recorder implements ProgressListener {
        final List<Object> events = new ArrayList<>();

        @Override
        public void stageStarted(Stage stage) {
            events.add(stage);
        }

        @Override
        public void stageProgress(StageProgress progress) {
            events.add(progress);
        }

        @Override
        public void stageEnded(StageEnd end) {
            events.add(end);
        }
    }

    private static DecayProblem problem() {
        return DecayProblem.simulate(new double[] {3, 1, 2.5}, 30, 1.3, 0.4, 0.05, false, new SplittableRandom(3));
    }

    private static double figure(List<Figure> figures, String name) {
        return figures.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow().value();
    }

    @Test
    void oneStageAReportPerIterationAndTheFinalChiSquare() {
        Recorder rec = new Recorder();
        double[] local = {1, 1, 1};
        FitResult r = new LevenbergMarquardt(LevenbergMarquardt.Options.defaults().withProgress(rec)).fit(problem(), new double[] {0.5, 0}, local);
        assertTrue(r.converged(), r.message());
        List<Object> ev = rec.events;
        assertEquals(new Stage("fit", -1, "iteration"), ev.get(0));
        assertEquals(r.iterations() + 2, ev.size(), "start, one report per iteration, end");
        double chi = Double.POSITIVE_INFINITY;
        double elapsed = 0;
        for (int i = 1; i <= r.iterations(); i++) {
            StageProgress p = (StageProgress) ev.get(i);
            assertEquals("fit", p.stage());
            assertEquals(i, p.done());
            assertEquals(-1, p.total());
            assertEquals("iteration", p.unit());
            assertEquals(List.of("χ²", "λ"), p.figures().stream().map(Figure::name).toList());
            // χ² is that of the best point so far, so it never rises
            double c = figure(p.figures(), "χ²");
            assertTrue(c <= chi, "iteration " + i + ": χ² " + c + " after " + chi);
            chi = c;
            assertTrue(figure(p.figures(), "λ") > 0);
            assertTrue(p.elapsedSeconds() >= elapsed);
            elapsed = p.elapsedSeconds();
            assertEquals("it/s", p.rateUnit());
            assertTrue(Double.isNaN(p.etaSeconds()), "no time left can be known");
        }
        assertEquals(r.chiSquare(), chi, 0.0, "the last report has the final χ²");
        StageEnd end = (StageEnd) ev.get(ev.size() - 1);
        assertEquals("fit", end.stage());
        assertEquals(List.of(Figure.of("χ²", r.chiSquare())), end.figures());
        assertTrue(end.seconds() >= elapsed);
        assertEquals(r.iterations() / end.seconds(), end.rate(), 1e-9 * end.rate());
    }

    @Test
    void listeningChangesNoNumber() {
        double[] local = {1, 1, 1};
        FitResult quiet = new LevenbergMarquardt().fit(problem(), new double[] {0.5, 0}, local);
        FitResult heard = new LevenbergMarquardt(LevenbergMarquardt.Options.defaults().withProgress(new Recorder()))
                .fit(problem(), new double[] {0.5, 0}, local);
        assertArrayEquals(quiet.globalValues(), heard.globalValues(), 0.0);
        assertArrayEquals(quiet.localValues(), heard.localValues(), 0.0);
        assertEquals(quiet.iterations(), heard.iterations());
        assertEquals(LevenbergMarquardt.Options.defaults().progress(), LevenbergMarquardt.Options.defaults().withProgress(null).progress());
    }

    @Test
    void aStartWhereTheModelIsNotFiniteStartsNoStage() {
        Recorder rec = new Recorder();
        DecayProblem p = problem();
        LevenbergMarquardt lm = new LevenbergMarquardt(LevenbergMarquardt.Options.defaults().withProgress(rec));
        // τ = 0 makes exp(−t/τ) at t = 0 a 0/0
        assertThrows(IllegalArgumentException.class, () -> lm.fit(p, new double[] {0, 0}, new double[] {1, 1, 1}));
        assertEquals(List.of(), rec.events);
    }

    @Test
    void aFitThatEndsOnItsLimitStillEndsItsStage() {
        Recorder rec = new Recorder();
        FitResult r = new LevenbergMarquardt(LevenbergMarquardt.Options.defaults().withMaxIterations(2).withProgress(rec))
                .fit(problem(), new double[] {0.5, 0}, new double[] {1, 1, 1});
        assertEquals(FitResult.Reason.MAX_ITERATIONS, r.reason());
        assertEquals(4, rec.events.size());
        assertTrue(rec.events.get(3) instanceof StageEnd);
    }
}
