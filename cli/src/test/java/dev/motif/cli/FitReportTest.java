package dev.motif.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code motif fit --report}: a self-contained page whose SVGs are well-formed and which a browser loads without errors. */
class FitReportTest {
    @TempDir
    Path dir;

    private Path report() {
        Run r = Run.of(FitCommandTest.decayArgs("--compare", "--report", dir.resolve("out").toString()));
        assertEquals(0, r.code(), r.err());
        Path index = dir.resolve("out/index.html");
        assertTrue(r.out().contains("Report written to " + index), r.out());
        return index;
    }

    @Test
    void pageIsSelfContainedWithTablesAndWellFormedSvgs() throws Exception {
        String html = Files.readString(report());
        assertTrue(html.contains("<table id=\"parameters\">"), html);
        assertTrue(html.matches("(?s).*<tr><td>tau</td><td>shared</td><td>2\\.49\\d*</td><td>± 0\\.0106</td>.*"), html);
        assertTrue(html.contains("<table id=\"statistics\">") && html.contains("<table id=\"comparison\">"));
        assertTrue(html.contains("<p id=\"verdict\""));
        assertFalse(html.contains("<script"), "no JavaScript");
        assertFalse(html.matches("(?s).*(src|href)=.*"), "no external resources");
        assertFalse(html.contains("NaN"));
        assertTrue(html.contains(">counts</text>") && html.contains(">(counts − fit)/σ</text>"), "axes named after the --y column");
        Matcher m = Pattern.compile("(?s)<svg .*?</svg>").matcher(html);
        List<Document> svgs = new ArrayList<>();
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        while (m.find()) svgs.add(f.newDocumentBuilder().parse(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.UTF_8))));
        assertEquals(6, svgs.size(), "data and residual plot for each of 3 datasets");
        for (int k = 0; k < 3; k++) {
            Document data = svgs.get(2 * k), resid = svgs.get(2 * k + 1);
            // 40 points each with an error bar (sigma given), and the fitted curve as one path
            assertEquals(40, SvgPlotTest.points(data));
            assertEquals(40 + 1, data.getElementsByTagName("path").getLength());
            assertEquals(40, SvgPlotTest.points(resid));
            assertTrue(Files.readString(report()).contains("normalized residuals"));
            // the dashed zero line of the residual plot
            boolean dashed = false;
            for (int i = 0; i < resid.getElementsByTagName("line").getLength(); i++) {
                dashed |= resid.getElementsByTagName("line").item(i).getAttributes().getNamedItem("stroke-dasharray") != null;
            }
            assertTrue(dashed);
        }
    }

    @Test
    void chromiumLoadsThePageWithoutErrors() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Assumptions.assumeTrue(Files.isExecutable(chromium), "no /usr/bin/chromium here");
        Path index = report().toAbsolutePath();
        Path profile = Files.createDirectory(dir.resolve("profile"));
        ProcessBuilder pb = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile, "--dump-dom", index.toUri().toString());
        Path out = dir.resolve("dom.html"), err = dir.resolve("chromium.log");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            Assumptions.abort("chromium did not finish within 90 s (machine too loaded)");
        }
        String dom = Files.readString(out), log = Files.readString(err);
        assertEquals(0, p.exitValue(), log);
        assertTrue(dom.contains("<table id=\"parameters\">"), dom);
        assertTrue(dom.contains("<svg"), dom);
        assertTrue(dom.contains("sharing is"), dom);
        // console messages and failed loads are logged as CONSOLE / ERR_ lines; dbus noise of a headless box is not about the page
        for (String line : log.lines().toList()) {
            assertFalse(line.contains("CONSOLE") || line.contains("Uncaught") || line.contains("ERR_FILE") || line.contains("net::"), line);
        }
    }

    @Test
    void plotsAreLimitedForManyDatasetsAndNonConvergedIsMarked() throws IOException {
        Run r = Run.of(FitCommandTest.decayArgs("--max-iterations", "1", "--report", dir.resolve("stopped").toString()));
        assertEquals(FitCommand.NOT_CONVERGED, r.code());
        String html = Files.readString(dir.resolve("stopped/index.html"));
        assertTrue(html.contains("<p id=\"status\" class=\"bad\">Not converged after 1 iterations"), html);
    }
}
