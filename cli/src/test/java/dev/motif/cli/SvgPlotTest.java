package dev.motif.cli;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SvgPlotTest {

    static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    /** The data markers (the legend draws its own). */
    static int points(Document d) {
        NodeList n = d.getElementsByTagName("circle");
        int count = 0;
        for (int i = 0; i < n.getLength(); i++) if ("point".equals(((Element) n.item(i)).getAttribute("class"))) count++;
        return count;
    }

    static List<String> texts(Document d) {
        NodeList n = d.getElementsByTagName("text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.getLength(); i++) out.add(n.item(i).getTextContent());
        return out;
    }

    @Test
    void wellFormedWithOneMarkerPerFinitePointAndEscapedText() throws Exception {
        String svg = new SvgPlot("a < b & \"c\"", "x", "y")
                .add(SvgPlot.Series.line("s<1>", new double[] {1, 2, 3, 4}, new double[] {1, Double.NaN, 3, 2}))
                .toSvg();
        Document d = parse(svg);
        assertEquals(3, points(d), "the NaN point is not drawn");
        assertTrue(texts(d).contains("a < b & \"c\""));
        assertTrue(texts(d).contains("s<1>"));
        // The NaN breaks the line in two pieces.
        Element path = (Element) d.getElementsByTagName("path").item(0);
        assertEquals(2, path.getAttribute("d").split("M", -1).length - 1);
    }

    @Test
    void pointsLandInsideThePlotAreaAndKeepTheirOrder() throws Exception {
        Document d = parse(new SvgPlot("t", "x", "y").add(SvgPlot.Series.points("p", new double[] {0, 10}, new double[] {5, -5})).toSvg());
        NodeList c = d.getElementsByTagName("circle");
        double x0 = Double.parseDouble(((Element) c.item(0)).getAttribute("cx")), x1 = Double.parseDouble(((Element) c.item(1)).getAttribute("cx"));
        double y0 = Double.parseDouble(((Element) c.item(0)).getAttribute("cy")), y1 = Double.parseDouble(((Element) c.item(1)).getAttribute("cy"));
        assertTrue(70 <= x0 && x0 < x1 && x1 <= 620, x0 + " " + x1);
        assertTrue(36 <= y0 && y0 < y1 && y1 <= 344, "larger y is drawn higher: " + y0 + " " + y1);
    }

    @Test
    void logAxisTicksAtDecadesAndDropsNonPositiveValues() throws Exception {
        Document d = parse(new SvgPlot("t", "n", "acc").logX()
                .add(SvgPlot.Series.line("conv", new double[] {0, 100, 1000, 10000}, new double[] {0.1, 0.5, 0.7, 0.8}).withErrors(new double[] {0, 0.05, 0.02, 0.01}))
                .toSvg());
        List<String> t = texts(d);
        assertTrue(t.contains("100") && t.contains("1000") && t.contains("10000"), t.toString());
        assertEquals(3, points(d), "x = 0 has no place on a log axis");
    }

    @Test
    void tickLabelsAreShortAndExact() {
        assertEquals("0", SvgPlot.label(0));
        assertEquals("0.25", SvgPlot.label(0.25));
        assertEquals("2", SvgPlot.label(2.0));
        assertEquals("1.00e+06", SvgPlot.label(1e6));
    }

    @Test
    void mismatchedSeriesAreRefusedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SvgPlot.Series.line("conv", new double[] {1, 2}, new double[] {1}));
        assertTrue(e.getMessage().contains("conv") && e.getMessage().contains("2 x values but 1 y values"), e.getMessage());
    }

    @Test
    void anEmptyPlotIsStillADocument() throws Exception {
        Document d = parse(new SvgPlot("empty", "x", "y").toSvg());
        assertEquals("svg", d.getDocumentElement().getTagName());
    }
}
