package dev.motif.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV reading: the format, splitting into datasets, and each error with its file, line and column. */
class DataReaderTest {

    private static final DataColumns TY = DataColumns.of(List.of("t"), "y");

    private static DataFileException fails(String csv, DataColumns cols) {
        return assertThrows(DataFileException.class, () -> DataReader.parse("a.csv", csv, cols));
    }

    @Test
    void readsQuotedFieldsCrLfBomAndBlankLines() throws Exception {
        String csv = "\uFEFF\"t\", y ,\"note, with comma\"\r\n0, 1.5 ,\"say \"\"hi\"\"\"\r\n\r\n1,2e-1,\"two\nlines\"\r\n2,.5,x\r\n";
        CsvTable t = CsvTable.parse("f", csv);
        assertEquals(List.of("t", "y", "note, with comma"), t.header());
        assertEquals(3, t.rowCount());
        assertEquals("say \"hi\"", t.cell(0, 2));
        assertEquals("two\nlines", t.cell(1, 2));
        assertEquals(4, t.line(1), "the row after a blank line starts on line 4");
        assertEquals(6, t.line(2), "a quoted line break counts as a line");
        Dataset d = DataReader.parse("a.csv", csv, TY).get(0);
        assertEquals("a.csv", d.name());
        assertArrayEquals(new double[] {0, 1, 2}, d.x()[0]);
        assertArrayEquals(new double[] {1.5, 0.2, 0.5}, d.y());
        assertArrayEquals(new int[] {2, 4, 6}, d.lines());
        assertNull(d.sigma());
    }

    @Test
    void splitsByAColumnInOrderOfFirstAppearance() throws Exception {
        String csv = "run,t,y,I,sample\nb,0,1,0.5,s1\na,0,2,1.0,s2\nb,1,3,0.5,s1\na,1,4,1.0,s2\n";
        DataColumns cols = TY.withBy("run").withCovariates(List.of("I")).withGroups(List.of("sample"));
        List<Dataset> ds = DataReader.parse("runs.csv", csv, cols);
        assertEquals(List.of("b", "a"), ds.stream().map(Dataset::name).toList());
        assertArrayEquals(new double[] {1, 3}, ds.get(0).y());
        assertEquals(Map.of("I", 1.0), ds.get(1).covariates());
        assertEquals(Map.of("sample", "s2"), ds.get(1).groups());
        assertArrayEquals(new int[] {3, 5}, ds.get(1).lines());
    }

    @Test
    void readsFilesNamedByFileName(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("one.csv"), b = dir.resolve("two.csv");
        Files.writeString(a, "t,y,s\n0,1,0.1\n1,2,0.2\n");
        Files.writeString(b, "t,y,s\n0,3,0.5\n");
        List<Dataset> ds = DataReader.read(List.of(a, b), TY.withSigma("s"));
        assertEquals(List.of("one.csv", "two.csv"), ds.stream().map(Dataset::name).toList());
        assertArrayEquals(new double[] {0.1, 0.2}, ds.get(0).sigma());
        assertEquals(b.toString(), ds.get(1).source());
    }

    @Test
    void missingColumnListsTheAvailableOnes() {
        DataFileException e = fails("time,y\n0,1\n", TY);
        assertEquals("a.csv, line 1, column 't': no such column (available: time, y)", e.getMessage());
        assertEquals(1, e.line());
        assertEquals("t", e.column());
        // a file separated by semicolons or tabs reads as one column; the message says why
        assertEquals("a.csv, line 1, column 't': no such column (available: t;y; the header is one field: fields must be separated by commas, "
                + "and this file seems to use ';')", fails("t;y\n0;1\n", TY).getMessage());
        assertTrue(fails("t\ty\n0\t1\n", TY).getMessage().endsWith("this file seems to use tabs)"));
    }

    @Test
    void nonNumericCell() {
        DataFileException e = fails("t,y\n0,1\n1,abc\n", TY);
        assertEquals("a.csv, line 3, column 'y': 'abc' is not a number", e.getMessage());
        // Java's parser would take these; a data file should not
        assertEquals("'1d' is not a number", fails("t,y\n0,1d\n", TY).reason());
        assertEquals("'0x10' is not a number", fails("t,y\n0x10,1\n", TY).reason());
        // a quoted cell with line breaks keeps the message on one line
        assertEquals("a.csv, line 2, column 'y': '3\\n4' is not a number", fails("t,y\r\n0,\"3\r\n4\"\r\n", TY).getMessage());
    }

    @Test
    void nanIsAnErrorUnlessDropped() throws Exception {
        String csv = "t,y\n0,1\n1,NaN\n2,\n3,inf\n4,5\n";
        DataFileException e = fails(csv, TY);
        assertEquals("a.csv, line 3, column 'y': value NaN is not a finite number (leave such rows out with --drop-nan)", e.getMessage());
        assertEquals("empty cell is not a finite number (leave such rows out with --drop-nan)", fails("t,y\n0,\n", TY).reason());
        Dataset d = DataReader.parse("a.csv", csv, TY.withDropNan(true)).get(0);
        assertEquals(3, d.dropped());
        assertArrayEquals(new double[] {0, 4}, d.x()[0]);
        assertArrayEquals(new int[] {2, 6}, d.lines());
    }

    @Test
    void datasetWithNoUsableRows() {
        DataFileException e = fails("t,y\n0,nan\n", TY.withDropNan(true));
        assertEquals("a.csv: dataset 'a.csv' has no usable rows (1 left out for empty, NaN or infinite cells)", e.getMessage());
    }

    @Test
    void sigmaMustBePositive() {
        DataFileException e = fails("t,y,s\n0,1,0.1\n1,2,0\n", TY.withSigma("s"));
        assertEquals("a.csv, line 3, column 's': sigma must be > 0, got 0", e.getMessage());
        assertEquals("sigma must be > 0, got -1", fails("t,y,s\n0,1,-1\n", TY.withSigma("s")).reason());
    }

    @Test
    void covariateMustBeConstantWithinADataset() {
        DataFileException e = fails("t,y,I\n0,1,0.5\n1,2,0.5\n2,3,0.7\n", TY.withCovariates(List.of("I")));
        assertEquals("a.csv, line 4, column 'I': a covariate must be constant within a dataset, but dataset 'a.csv' has 0.5 on line 2 and 0.7 here",
                e.getMessage());
    }

    @Test
    void groupMustBeConstantWithinADataset() {
        DataFileException e = fails("t,y,g\n0,1,x\n1,2,z\n", TY.withGroups(List.of("g")));
        assertEquals("a.csv, line 3, column 'g': a group column must be constant within a dataset, but dataset 'a.csv' has 'x' on line 2 and 'z' here",
                e.getMessage());
    }

    @Test
    void malformedFiles() {
        assertEquals("a.csv, line 3: expected 2 fields as in the header, got 3", fails("t,y\n0,1\n1,2,3\n", TY).getMessage());
        assertEquals("a.csv, line 2: quoted field opened here is never closed", fails("t,y\n\"0,1\n1,2\n", TY).getMessage());
        assertEquals("a.csv: the file is empty (a header row is needed)", fails("\n\n", TY).getMessage());
        assertEquals("a.csv, line 1, column 'y': column name appears twice (fields 2 and 3)", fails("t,y,y\n", TY).getMessage());
        assertEquals("a.csv: no data rows below the header", fails("t,y\n", TY).getMessage());
        assertEquals("a.csv, line 2: unexpected 'x' after a closing quote", fails("t,y\n\"0\"x,1\n", TY).getMessage());
    }

    @Test
    void severalFilesSplitByAColumnArePrefixedWithTheFileName(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.csv"), b = dir.resolve("b.csv");
        Files.writeString(a, "run,t,y\nr1,0,1\nr2,0,2\n");
        Files.writeString(b, "run,t,y\nr1,0,3\n");
        List<Dataset> ds = DataReader.read(List.of(a, b), TY.withBy("run"));
        assertEquals(List.of("a.csv:r1", "a.csv:r2", "b.csv:r1"), ds.stream().map(Dataset::name).toList());
        assertEquals(List.of("run", "t", "y"), DataReader.columns(a));
        // the same file name in two folders: datasets are named by the paths as given
        Files.createDirectory(dir.resolve("x"));
        Path c = dir.resolve("x").resolve("a.csv");
        Files.writeString(c, "t,y\n0,1\n");
        ds = DataReader.read(List.of(a, c), TY);
        assertEquals(List.of(a.toString(), c.toString()), ds.stream().map(Dataset::name).toList());
    }
}
