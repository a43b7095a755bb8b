package dev.motif.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code motif count}: the seeds' parameter counts, the JSON shape, and errors that name the token. */
class CountCommandTest {
    private static JsonNode json(String... args) throws IOException {
        String[] all = new String[args.length + 2];
        all[0] = "count";
        all[1] = "--json";
        System.arraycopy(args, 0, all, 2, args.length);
        Run r = Run.of(all);
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void denseOnOneChannelImageIs1025() throws IOException {
        JsonNode j = json("--input", "32x32x1", "dense:1");
        assertEquals(1025, j.get("totals").get("unique").asLong());      // 1024 weights + 1 bias
        assertEquals(1025, j.get("layers").get(0).get("dense").asLong());
    }

    @Test
    void oneThreeByThreeKernelIs10AndItsTwinOneKernelPerPosition() throws IOException {
        JsonNode l = json("--input", "32x32x1", "conv:1:3x3").get("layers").get(0);
        assertEquals(10, l.get("unique").asLong());
        assertEquals(30 * 30 * 10, l.get("untied").asLong());            // 900 positions, each 9 weights + 1 bias
        assertEquals(1024L * 900 + 900, l.get("dense").asLong());
    }

    @Test
    void sixteenKernelsOnRgbAre448() throws IOException {
        JsonNode j = json("--input", "32x32x3", "conv:16:3x3");
        JsonNode l = j.get("layers").get(0);
        assertEquals(448, l.get("unique").asLong());                     // 16 * (3*3*3 + 1)
        assertEquals(30L * 30 * 448, l.get("untied").asLong());          // 403,200
        assertEquals("[16,30,30]", l.get("outputShape").toString());
        assertEquals("30x30x16", l.get("output").asText());
        assertEquals("[3,32,32]", j.get("input").get("shape").toString());
        assertEquals("32x32x3", j.get("input").get("notation").asText());
        Run table = Run.of("count", "--input", "32x32x3", "conv:16:3x3");
        assertTrue(table.out().matches("(?s).*conv:16:3x3\\s+Conv2d\\(3 -> 16, 3x3\\)\\s+30x30x16\\s+448\\s+403,200\\s+44,251,200\\n.*"), table.out());
    }

    @Test
    void fullyConnectedImageToImageIsNinePointFourMillion() throws IOException {
        assertEquals(9_437_184L + 3_072, json("--input", "32x32x3", "dense:3072").get("totals").get("unique").asLong());
        assertEquals(9_437_184L, json("--input", "32x32x3", "dense:3072:nobias").get("totals").get("unique").asLong());
    }

    @Test
    void theSeedCnnWrittenInTheLanguageHasTheSeedNetsCounts() throws IOException {
        JsonNode j = json("--input", "28x28x1", "conv:16:3x3:p=1", "relu", "maxpool:2", "conv:32:3x3:p=1", "relu", "maxpool:2", "dense:10");
        assertEquals(20_490, j.get("totals").get("unique").asLong());
        assertEquals(1_050_570, j.get("totals").get("untied").asLong());
        assertEquals(7, j.get("layers").size());
        assertEquals("[32,7,7]", j.get("layers").get(5).get("outputShape").toString());
        assertEquals("Flatten, Linear(1568 -> 10)", j.get("layers").get(6).get("module").asText());
        // The sum of the columns is the total.
        long dense = 0;
        for (JsonNode l : j.get("layers")) dense += l.get("dense").asLong();
        assertEquals(dense, j.get("totals").get("dense").asLong());
    }

    @Test
    void optionsReachTheLayers() throws IOException {
        // Stride 2, padding 1, two groups, no bias: 4 kernels of (2/2)*3*3 on 8x8x2 give 4x4x4.
        JsonNode j = json("--input", "8x8x2", "conv:4:3x3:s=2:p=1:g=2:nobias", "batchnorm", "dropout:0.5", "gavgpool", "dense:3");
        assertEquals(36, j.get("layers").get(0).get("unique").asLong());
        assertEquals("[4,4,4]", j.get("layers").get(0).get("outputShape").toString());
        assertEquals(8, j.get("layers").get(1).get("unique").asLong());
        assertEquals("[4]", j.get("layers").get(3).get("outputShape").toString());
        assertEquals(15, j.get("layers").get(4).get("unique").asLong());
        // A 1-D sequence of 100 steps with 4 channels; "same" keeps its length.
        JsonNode s = json("--input", "100x4", "conv1d:8:5:p=same", "local1d:2:3");
        assertEquals(8 * (4 * 5 + 1), s.get("layers").get(0).get("unique").asLong());
        assertEquals("[8,100]", s.get("layers").get(0).get("outputShape").toString());
        assertEquals(98L * 2 * (8 * 3 + 1), s.get("layers").get(1).get("unique").asLong());
    }

    @Test
    void theTracedUsesAgreeForASequentialModelAndAHugeInputIsCountedWithoutRunning() throws IOException {
        Run r = Run.of("count", "--input", "28x28x1", "conv:4:3x3", "relu", "dense:10");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("traced uses (one forward of a single input): 27,090 values used once each"), r.out());
        assertTrue(r.out().contains("registered sites and traced uses agree"), r.out());
        JsonNode j = json("--input", "28x28x1", "conv:4:3x3", "relu", "dense:10");
        assertEquals(27_090, j.get("traced").get("used").asLong());
        assertEquals(0, j.get("traced").get("disagreements").size());
        // Shapes come from the layers' geometry: a billion-value input is counted, not run (it ran out of memory).
        Run huge = Run.of("count", "--input", "999999999", "relu");
        assertEquals(0, huge.code(), huge.err());
        assertTrue(huge.out().contains("not traced (a layer's output holds more than 16,777,216 values per input)"), huge.out());
    }

    @Test
    void errorsNameTheTokenItsPositionAndWhatWasExpected() {
        Run r = Run.of("count", "--input", "32x32x3", "relu", "relu", "conv:16:3y3");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("motif count: layer 3 'conv:16:3y3': kernel must be KxK, got '3y3'\n"), r.err());

        Run unknown = Run.of("count", "--input", "32x32x3", "conv:16:3x3:q=2");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("layer 1 'conv:16:3x3:q=2': unknown option 'q=2'"), unknown.err());

        Run input = Run.of("count", "--input", "32x0x3", "relu");
        assertEquals(2, input.code());
        assertTrue(input.err().contains("input '32x0x3': extent must be a positive whole number, got '0'"), input.err());
    }

    @Test
    void aLayerTooLargeToBuildIsRefusedWithItsCount() {
        // 1,000,000 x 100,000 weights: far beyond any test JVM's heap, refused before allocating.
        Run r = Run.of("count", "--input", "1000x1000x1", "dense:100000:nobias");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("motif count: layer 1 'dense:100000:nobias' would hold 100,000,000,000 parameters"), r.err());
        // beyond one Java array no heap helps, so the message must not suggest more memory
        assertTrue(r.err().contains("more than one Java array can hold (2,147,483,647)"), r.err());
        assertFalse(r.err().contains("-Xmx"), r.err());
        // a number refused for its size says so, not that it is not a positive whole number
        Run big = Run.of("count", "--input", "28x28x1", "dense:1000000000");
        assertEquals(2, big.code());
        assertTrue(big.err().contains("layer 1 'dense:1000000000': OUT must be a positive whole number below 1,000,000,000, got '1000000000'"), big.err());
        Run arabic = Run.of("count", "--input", "28x28x1", "conv:1\u0663:3x3");
        assertEquals(2, arabic.code(), arabic.out());
        assertTrue(arabic.err().contains("OUT must be a positive whole number, got '1\u0663'"), arabic.err());
    }

    @Test
    void aLayerThatDoesNotFitNamesTheLayerAndTheShapes() {
        Run r = Run.of("count", "--input", "4x4x3", "conv:16:3x3", "conv:8:3x3");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("motif count: layer 2 'conv:8:3x3' does not fit its input 2x2x16 (model layout [16, 2, 2]): Conv2d(16 -> 8, 3x3)"),
                r.err());
        Run rank = Run.of("count", "--input", "10", "conv:1:3x3");
        assertEquals(2, rank.code());
        assertTrue(rank.err().contains("layer 1 'conv:1:3x3': conv needs an image HxWxC, got 10"), rank.err());
    }
}
