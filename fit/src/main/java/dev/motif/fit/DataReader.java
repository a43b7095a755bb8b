package dev.motif.fit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads datasets from CSV files with a header ({@link CsvTable}): one dataset per file (named by
 * the file name), or, with a {@code by} column, one per distinct value of that column (named by
 * the value; with several files, {@code file:value}).
 *
 * <p>Numeric cells are decimal numbers ({@code 1}, {@code -2.5}, {@code 1e-3}); {@code NaN},
 * {@code inf}, {@code -inf} (any case) and an empty cell are accepted as non-finite values.
 * A non-finite x, y, sigma or covariate is an error, unless {@link DataColumns#dropNan()} asks to
 * leave such rows out (counted in {@link Dataset#dropped()}). Anything else in a numeric cell is
 * always an error, as is a sigma ≤ 0 and a covariate or group column that changes within a
 * dataset. Every error is a {@link DataFileException} naming the file, the line and the column.
 */
public final class DataReader {
    private DataReader() {}

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    /** Reads each file; all datasets, in file order (and within a file, in order of first appearance of the {@code by} value). */
    public static List<Dataset> read(List<Path> files, DataColumns columns) throws IOException {
        if (files.isEmpty()) throw new IllegalArgumentException("DataReader.read: no files given");
        Map<String, Integer> nameCount = new HashMap<>();
        for (Path p : files) nameCount.merge(fileName(p), 1, Integer::sum);
        List<Dataset> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Path p : files) {
            // two files of the same name in different folders: name them by the path as given
            String label = nameCount.get(fileName(p)) > 1 ? p.toString() : fileName(p);
            String text = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
            for (Dataset d : parse(label, p.toString(), text, columns, files.size() > 1)) {
                if (!names.add(d.name())) {
                    throw new DataFileException(p.toString(), 0, columns.by(), "dataset name '" + d.name() + "' occurs in two files");
                }
                out.add(d);
            }
        }
        return out;
    }

    /** The column names of a CSV file's header (to tell data columns from parameters before reading). */
    public static List<String> columns(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        return CsvTable.parse(file.toString(), text).header();
    }

    /** Datasets from CSV text; {@code name} names the dataset (or, with a {@code by} column, is only used in messages). */
    public static List<Dataset> parse(String name, String csv, DataColumns columns) throws DataFileException {
        return parse(name, name, csv, columns, false);
    }

    private static String fileName(Path p) {
        Path f = p.getFileName();
        return f == null ? p.toString() : f.toString();
    }

    private static List<Dataset> parse(String label, String file, String csv, DataColumns cols, boolean prefixBy) throws DataFileException {
        CsvTable t = CsvTable.parse(file, csv);
        int nx = cols.x().size();
        int[] xi = new int[nx];
        for (int v = 0; v < nx; v++) xi[v] = t.column(cols.x().get(v));
        int yi = t.column(cols.y());
        int si = cols.sigma() == null ? -1 : t.column(cols.sigma());
        int bi = cols.by() == null ? -1 : t.column(cols.by());
        int[] ci = new int[cols.covariates().size()];
        for (int c = 0; c < ci.length; c++) ci[c] = t.column(cols.covariates().get(c));
        int[] gi = new int[cols.groups().size()];
        for (int g = 0; g < gi.length; g++) gi[g] = t.column(cols.groups().get(g));

        Map<String, List<Integer>> parts = new LinkedHashMap<>();
        for (int r = 0; r < t.rowCount(); r++) {
            String key = label;
            if (bi >= 0) {
                String v = t.cell(r, bi);
                if (v.isEmpty()) throw new DataFileException(file, t.line(r), cols.by(), "empty cell in the column that names the datasets");
                key = prefixBy ? label + ":" + v : v;
            }
            parts.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        if (parts.isEmpty()) throw new DataFileException(file, 0, null, "no data rows below the header");

        List<Dataset> out = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> part : parts.entrySet()) {
            String dsName = part.getKey();
            List<Integer> rows = part.getValue();
            int m = rows.size(), kept = 0, dropped = 0;
            double[][] x = new double[nx][m];
            double[] y = new double[m], s = si >= 0 ? new double[m] : null;
            int[] lines = new int[m];
            double[] cov = new double[ci.length];
            int[] covLine = new int[ci.length];
            String[] grp = new String[gi.length];
            int[] grpLine = new int[gi.length];
            double[] xv = new double[nx], cv = new double[ci.length];
            for (int r : rows) {
                int line = t.line(r);
                boolean bad = false;
                for (int v = 0; v < nx; v++) {
                    xv[v] = number(t, r, xi[v]);
                    bad |= !Double.isFinite(xv[v]);
                }
                double yv = number(t, r, yi);
                bad |= !Double.isFinite(yv);
                double sv = 1;
                if (si >= 0) {
                    sv = number(t, r, si);
                    bad |= !Double.isFinite(sv);
                    if (sv <= 0) throw new DataFileException(file, line, cols.sigma(), "sigma must be > 0, got " + t.cell(r, si));
                }
                for (int c = 0; c < ci.length; c++) {
                    cv[c] = number(t, r, ci[c]);
                    bad |= !Double.isFinite(cv[c]);
                }
                if (bad) {
                    if (!cols.dropNan()) throw nonFinite(t, r, xi, yi, si, ci, cols);
                    dropped++;
                    continue;
                }
                for (int c = 0; c < ci.length; c++) {
                    if (kept == 0) {
                        cov[c] = cv[c];
                        covLine[c] = line;
                    } else if (cv[c] != cov[c]) {
                        throw new DataFileException(file, line, cols.covariates().get(c), "a covariate must be constant within a dataset, but dataset '"
                                + dsName + "' has " + fmt(cov[c]) + " on line " + covLine[c] + " and " + t.cell(r, ci[c]) + " here");
                    }
                }
                for (int g = 0; g < gi.length; g++) {
                    String gv = t.cell(r, gi[g]);
                    if (gv.isEmpty()) throw new DataFileException(file, line, cols.groups().get(g), "empty cell in a group column");
                    if (kept == 0) {
                        grp[g] = gv;
                        grpLine[g] = line;
                    } else if (!gv.equals(grp[g])) {
                        throw new DataFileException(file, line, cols.groups().get(g), "a group column must be constant within a dataset, but dataset '"
                                + dsName + "' has '" + grp[g] + "' on line " + grpLine[g] + " and '" + gv + "' here");
                    }
                }
                for (int v = 0; v < nx; v++) x[v][kept] = xv[v];
                y[kept] = yv;
                if (s != null) s[kept] = sv;
                lines[kept] = line;
                kept++;
            }
            if (kept == 0) {
                throw new DataFileException(file, 0, null, "dataset '" + dsName + "' has no usable rows (" + dropped
                        + " left out for empty, NaN or infinite cells)");
            }
            for (int v = 0; v < nx; v++) x[v] = trim(x[v], kept);
            Map<String, Double> covMap = new LinkedHashMap<>();
            for (int c = 0; c < ci.length; c++) covMap.put(cols.covariates().get(c), cov[c]);
            Map<String, String> grpMap = new LinkedHashMap<>();
            for (int g = 0; g < gi.length; g++) grpMap.put(cols.groups().get(g), grp[g]);
            out.add(new Dataset(dsName, file, x, trim(y, kept), s == null ? null : trim(s, kept), covMap, grpMap, dropped,
                    Arrays.copyOf(lines, kept)));
        }
        return out;
    }

    private static double[] trim(double[] a, int n) {
        return a.length == n ? a : Arrays.copyOf(a, n);
    }

    /** The error for the first non-finite numeric cell of a row. */
    private static DataFileException nonFinite(CsvTable t, int r, int[] xi, int yi, int si, int[] ci, DataColumns cols) throws DataFileException {
        List<Integer> idx = new ArrayList<>();
        for (int v : xi) idx.add(v);
        idx.add(yi);
        if (si >= 0) idx.add(si);
        for (int c : ci) idx.add(c);
        for (int k : idx) {
            if (!Double.isFinite(number(t, r, k))) {
                String cell = t.cell(r, k);
                return new DataFileException(t.file(), t.line(r), t.header().get(k), (cell.isEmpty() ? "empty cell" : "value " + cell)
                        + " is not a finite number (leave such rows out with --drop-nan)");
            }
        }
        throw new AssertionError("no non-finite cell in row " + r);
    }

    /** A numeric cell: a decimal number, NaN/inf in any case, or empty (NaN); anything else is an error. */
    private static double number(CsvTable t, int r, int col) throws DataFileException {
        String c = t.cell(r, col);
        if (c.isEmpty()) return Double.NaN;
        if (DECIMAL.matcher(c).matches()) return Double.parseDouble(c);
        String l = c.toLowerCase(Locale.ROOT);
        switch (l) {
            case "nan": case "+nan": case "-nan": return Double.NaN;
            case "inf": case "+inf": case "infinity": case "+infinity": return Double.POSITIVE_INFINITY;
            case "-inf": case "-infinity": return Double.NEGATIVE_INFINITY;
            default:
        }
        throw new DataFileException(t.file(), t.line(r), t.header().get(col), "'" + c + "' is not a number");
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
