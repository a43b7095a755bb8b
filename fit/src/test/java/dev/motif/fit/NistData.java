package dev.motif.fit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One NIST StRD nonlinear regression problem read from the test resources (nist/NAME.dat): the
 * two starting points, the certified estimates, standard deviations and residual sum of squares,
 * and the data (y, then one or more predictors per row).
 */
record NistData(String name, String difficulty, double[][] starts, double[] certified, double[] certifiedSd,
                double certifiedRss, double[] y, double[][] x) {

    private static final Pattern PARAM = Pattern.compile(
            "^\\s*b(\\d+)\\s*=\\s*(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s*$");

    int parameters() {
        return certified.length;
    }

    int points() {
        return y.length;
    }

    static NistData load(String name) {
        String resource = "/nist/" + name + ".dat";
        try (InputStream in = NistData.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            List<double[]> params = new ArrayList<>();
            List<double[]> rows = new ArrayList<>();
            double rss = Double.NaN;
            String difficulty = "";
            boolean data = false;
            for (String line; (line = r.readLine()) != null; ) {
                if (data) {
                    String t = line.trim();
                    if (t.isEmpty()) continue;
                    String[] f = t.split("\\s+");
                    double[] row = new double[f.length];
                    for (int i = 0; i < f.length; i++) row[i] = Double.parseDouble(f[i]);
                    rows.add(row);
                    continue;
                }
                Matcher m = PARAM.matcher(line);
                if (m.matches()) {
                    params.add(new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                            Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5))});
                } else if (line.startsWith("Residual Sum of Squares:")) {
                    rss = Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                } else if (line.contains("Level of Difficulty")) {
                    difficulty = line.trim().split("\\s+")[0];
                } else if (line.startsWith("Data:") && line.matches("Data:\\s+y\\b.*")) {
                    data = true;
                }
            }
            int p = params.size();
            double[][] starts = new double[2][p];
            double[] cert = new double[p];
            double[] sd = new double[p];
            for (int j = 0; j < p; j++) {
                starts[0][j] = params.get(j)[0];
                starts[1][j] = params.get(j)[1];
                cert[j] = params.get(j)[2];
                sd[j] = params.get(j)[3];
            }
            int n = rows.size();
            int predictors = rows.get(0).length - 1;
            double[] y = new double[n];
            double[][] x = new double[predictors][n];
            for (int i = 0; i < n; i++) {
                y[i] = rows.get(i)[0];
                for (int c = 0; c < predictors; c++) x[c][i] = rows.get(i)[c + 1];
            }
            return new NistData(name, difficulty, starts, cert, sd, rss, y, x);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
