package dev.motif.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;
import dev.motif.io.SafetensorsFile;
import dev.motif.io.TensorInfo;
import org.junit.jupiter.api.DynamicTest;

import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Reads the golden files written by {@code bench/peers/torch_golden.py} (PyTorch's numbers, see
 * its header for what a case holds) and compares Motif's with them.
 *
 * <p>Tolerance, relative above 1 and absolute below: |actual − expected| ≤ tol·max(1, |expected|),
 * tol = 1e-12 in F64 and 1e-5 in F32. Absolute below 1 because many expected values are sums
 * that cancel to near zero (a batch norm's input gradient, a pooled gradient), where a relative
 * test would demand more than either library's rounding gives. A case may carry a looser
 * "tolerance" with a "why" in its options.
 */
final class Golden {
    private Golden() {}

    static final double F64_TOL = 1e-12, F32_TOL = 1e-5;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One case of a golden file: its options and its tensors under "name/...". */
    record Case(String name, JsonNode options, SafetensorsFile file) {
        NDArray get(String key) {
            return file.array(name + "/" + key);
        }

        boolean has(String key) {
            return file.contains(name + "/" + key);
        }

        /** An I64 tensor as int labels. */
        int[] labels(String key) {
            long[] l = file.longs(name + "/" + key);
            int[] out = new int[l.length];
            for (int i = 0; i < l.length; i++) out[i] = Math.toIntExact(l[i]);
            return out;
        }

        /** The tensor names of this case, without the case prefix. */
        Set<String> keys() {
            Set<String> out = new TreeSet<>();
            for (TensorInfo t : file.tensors()) if (t.name().startsWith(name + "/")) out.add(t.name().substring(name.length() + 1));
            return out;
        }

        DType dtype() {
            return DType.valueOf(str("dtype"));
        }

        String str(String key) {
            return require(key).asText();
        }

        double num(String key) {
            return require(key).asDouble();
        }

        int integer(String key) {
            return require(key).asInt();
        }

        boolean flag(String key) {
            return require(key).asBoolean();
        }

        /** A per-axis option as {@code rank} numbers: a number repeated, or a list of that length. */
        int[] perAxis(String key, int rank) {
            JsonNode v = require(key);
            int[] out = new int[rank];
            for (int i = 0; i < rank; i++) out[i] = v.isArray() ? v.get(i).asInt() : v.asInt();
            if (v.isArray() && v.size() != rank) throw new AssertionError(name + ": option " + key + " = " + v + " is not " + rank + " numbers");
            return out;
        }

        private JsonNode require(String key) {
            JsonNode v = options.get(key);
            if (v == null) throw new AssertionError(name + ": no option '" + key + "' in " + options);
            return v;
        }

        /** The default tolerance for the dtype, or the case's own when it says why it needs a looser one. */
        double tolerance() {
            if (options.has("tolerance")) {
                if (!options.has("why")) throw new AssertionError(name + ": a case's own tolerance needs a 'why'");
                return options.get("tolerance").asDouble();
            }
            return dtype() == DType.F64 ? F64_TOL : F32_TOL;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Every case of a file under src/test/resources/golden/. */
    static List<Case> cases(String file) {
        URL url = Golden.class.getResource("/golden/" + file);
        if (url == null) throw new AssertionError("golden file " + file + " is missing; regenerate with bench/peers/torch_golden.py");
        try {
            SafetensorsFile f = SafetensorsFile.read(Path.of(url.toURI()));
            JsonNode list = JSON.readTree(f.metadata().get("cases"));
            List<Case> out = new ArrayList<>();
            for (JsonNode c : list) out.add(new Case(c.get("name").asText(), c, f));
            if (out.isEmpty()) throw new AssertionError(file + " has no cases");
            return out;
        } catch (Exception e) {
            throw new AssertionError("cannot read golden file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The case of that name in the file. */
    static Case find(String file, String name) {
        return cases(file).stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(file + " has no case " + name));
    }

    /** One dynamic test per case of the file, named by the case. */
    static Stream<DynamicTest> tests(String file, Consumer<Case> body) {
        return cases(file).stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> body.accept(c)));
    }

    /** Σ out·W with the case's fixed random contraction W: the scalar whose gradients the file holds. */
    static Tensor contraction(Case c, Tensor out) {
        return out.mul(Tensor.constant(c.get("contraction"))).sum();
    }

    static void assertClose(Case c, String key, NDArray actual) {
        assertClose(c, key, actual, c.tolerance());
    }

    /** Actual against the file's tensor {@code key}: same shape and dtype, every element within tol·max(1, |expected|). */
    static void assertClose(Case c, String key, NDArray actual, double tol) {
        NDArray expected = c.get(key);
        if (actual == null) throw new AssertionError(c.name() + " " + key + ": Motif gave nothing (no gradient?), PyTorch " + Shapes.str(expected.shape()));
        if (!java.util.Arrays.equals(expected.shape(), actual.shape()) || expected.dtype() != actual.dtype()) {
            throw new AssertionError(c.name() + " " + key + ": PyTorch " + expected.dtype() + " " + Shapes.str(expected.shape()) + ", Motif "
                    + actual.dtype() + " " + Shapes.str(actual.shape()));
        }
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.getFlat(i), a = actual.getFlat(i);
            double excess = Math.abs(a - e) / Math.max(1, Math.abs(e));
            if (!(excess <= tol) && (at < 0 || !(excess <= worst))) {
                worst = excess;
                at = i;
            }
        }
        if (at >= 0) {
            throw new AssertionError(c.name() + " " + key + " " + Shapes.str(expected.shape()) + " at flat " + at + ": PyTorch " + expected.getFlat(at)
                    + ", Motif " + actual.getFlat(at) + " (error " + worst + " of max(1, |expected|), tolerance " + tol + ")");
        }
    }
}
