package dev.motif.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.motif.text.Format;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared output pieces: atomic files, the JSON mapper, number formats independent of the locale. */
class OutputTest {
    @TempDir
    Path dir;

    @Test
    void anAtomicWriteReplacesWholeKeepsPermissionsAndLeavesNothingOnFailure() throws IOException {
        Path f = dir.resolve("out.json");
        AtomicFile.writeString(f, "first");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        AtomicFile.writeString(f, "second");
        assertEquals("second", Files.readString(f));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(f, (ch, temp) -> {
            ch.write(java.nio.ByteBuffer.wrap("half".getBytes()));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("second", Files.readString(f), "a failed write leaves the old file");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList(), "and no temporary file");
        }
        assertThrows(NoSuchFileException.class, () -> AtomicFile.writeString(dir.resolve("missing/x.json"), "x"));
    }

    @Test
    void nonFiniteNumbersAreWrittenAsNullNotAsStrings() throws IOException {
        ObjectNode n = Json.object();
        n.put("loss", Double.NaN);
        n.put("best", Double.POSITIVE_INFINITY);
        n.put("ok", 0.5);
        n.putArray("values").add(1.0).add(Double.NEGATIVE_INFINITY);
        String text = Json.pretty(n);
        JsonNode back = Json.MAPPER.readTree(text);
        assertTrue(back.get("loss").isNull() && back.get("best").isNull() && back.get("values").get(1).isNull(), text);
        assertEquals(0.5, back.get("ok").asDouble());
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("a", Double.NaN);
        m.put("b", new double[] {Double.NaN, 2});
        assertEquals("{\"a\":null,\"b\":[null,2.0]}", Json.compact(m));
        assertThrows(IOException.class, () -> Json.MAPPER.readTree("{\"k\": 1, \"k\": 2}"), "a repeated key is refused");
        assertThrows(IOException.class, () -> Json.MAPPER.readTree("{} trailing"), "text after the document is refused");
    }

    @Test
    void formatsDoNotDependOnTheDefaultLocale() {
        Locale was = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertEquals("1,050,570", Format.grouped(1_050_570));
            assertEquals("1.80", Format.of("%.2f", 1.8));
            assertEquals("12", Format.compact(12.0));
            assertEquals("0.1235", Format.compact(0.123456));
            assertEquals("0.03", Format.significant(0.0300, 6));
            assertEquals("1.5e-07", Format.significant(1.5e-7, 6));
            assertEquals("84.3%", Format.percent(0.8431, 1));
            assertEquals("1:05", Format.duration(64.6));
            assertEquals("--:--", Format.duration(Double.NaN));
        } finally {
            Locale.setDefault(was);
        }
    }
}
