package dev.motif.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
import dev.motif.io.Json;
import dev.motif.nn.SharingReport;
import dev.motif.text.Format;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code motif count --input 32x32x3 conv:16:3x3 relu maxpool:2 dense:10}: builds a model from
 * the {@link LayerLanguage} and prints, for every layer, the parameters it stores, what its
 * untied twin would store and what a fully connected layer between the same sizes would.
 */
@Command(name = "count",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {
                "Counts a model's parameters layer by layer: shared, untied, fully connected.",
                "",
                "Builds the layers given as LAYER arguments, in order, for inputs of --input's shape, and prints for each "
                        + "layer its output shape and three counts: the values it stores (shared: a convolution's kernel serves "
                        + "every position), the values its untied twin would store (one kernel per output position, a locally "
                        + "connected layer), and the values of a fully connected layer from its whole input to its whole output "
                        + "(in*out + out; 0 for layers without parameters). Then the totals, and the uses traced from one forward "
                        + "of a single input: how often each parameter is used when the model runs, which differs from the "
                        + "registered count where a layer is applied more than once (skipped when a layer's output is too large to run).",
                "",
                "--input is HxWxC for an image (channels last, as people write 32x32x3; the model itself computes in "
                        + "N, C, H, W, and --json gives shapes in that layout), LxC for a sequence, or a length N for a vector. "
                        + "Shapes in the table use the same notation as --input.",
                "",
                "Layers (OUT: output channels or features, K: kernel size, options after further colons):",
                "  conv:OUT:KxK[:s=S][:p=P|same][:d=D][:g=G][:nobias]  2-D convolution",
                "  conv1d:OUT:K[:s=S][:p=P|same][:d=D][:g=G][:nobias]  1-D (input LxC)",
                "  local:OUT:KxK[...]  local1d:OUT:K[...]   locally connected (untied)",
                "  maxpool:K[:s=S][:p=P]  avgpool:K[:s=S][:p=P]   pooling, stride K",
                "  gmaxpool  gavgpool   global pooling to C values",
                "  dense:OUT[:nobias]   fully connected; flattens its input first",
                "  flatten  relu  tanh  sigmoid  gelu  batchnorm  dropout:P",
                "S, P and D may be AxB (height, width); p=same keeps the size.",
                "",
                "Errors name the layer by position and token, e.g. layer 2 'conv:16:3y3': kernel must be KxK, got '3y3'; they exit 2."},
        footer = {"", "Examples:",
                "  motif count --input 32x32x1 dense:1          1,025 parameters",
                "  motif count --input 32x32x3 conv:16:3x3      448; untied twin 403,200",
                "  motif count --input 28x28x1 conv:16:3x3:p=1 relu maxpool:2 \\",
                "      conv:32:3x3:p=1 relu maxpool:2 dense:10  the seed CNN: 20,490",
                "  motif count --input 100x4 conv1d:8:5:p=same relu gmaxpool dense:1 --json"})
public final class CountCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "SHAPE", description = "HxWxC (image, channels last), LxC (sequence) or N (vector).")
    String input;

    @Parameters(paramLabel = "LAYER", arity = "1..*", description = "The layers, in order (grammar above).")
    List<String> layers;

    @Option(names = "--json", description = "Print one JSON object: input {notation, shape}, layers [{index, token, module, "
            + "inputShape, outputShape, output, unique, untied, dense}], totals {unique, untied, dense}, traced {unique, used, "
            + "disagreements} (null when the layers' outputs are too large to run); shapes per example in the model's layout (C, H, W).")
    boolean json;

    @Override
    public Integer call() throws IOException {
        LayerLanguage.Built built;
        try {
            // F32 halves the memory of a large dense or local layer; the counts do not depend on it.
            built = LayerLanguage.build(LayerLanguage.parseInput(input), layers, DType.F32, new SplittableRandom(0));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        // Evaluation mode: a batch norm in training mode cannot take the single example the shapes are probed with.
        built.model().eval();
        SharingReport.Layers report = SharingReport.layers(built.model(), built.inputShape());
        SharingReport traced = traced(built, report);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? toJson(built, report, traced) : toTable(built, report) + tracedText(report, traced));
        out.flush();
        return 0;
    }

    static String toTable(LayerLanguage.Built b, SharingReport.Layers r) {
        List<SharingReport.Layer> rows = r.layers();
        int tw = "layer".length(), mw = "module".length(), sw = "output".length();
        for (int i = 0; i < rows.size(); i++) {
            tw = Math.max(tw, b.tokens().get(i).length());
            mw = Math.max(mw, b.labels().get(i).length());
            sw = Math.max(sw, LayerLanguage.notation(rows.get(i).outputShape()).length());
        }
        String row = "  %3s  %-" + tw + "s  %-" + mw + "s  %-" + sw + "s  %13s  %13s  %17s%n";
        StringBuilder sb = new StringBuilder();
        sb.append("Input ").append(LayerLanguage.notation(b.inputShape())).append(" (model layout ")
                .append(java.util.Arrays.toString(b.inputShape())).append(")\n");
        sb.append(Format.of(row, "#", "layer", "module", "output", "shared", "untied twin", "fully connected"));
        for (int i = 0; i < rows.size(); i++) {
            SharingReport.Layer l = rows.get(i);
            sb.append(Format.of(row, i + 1, b.tokens().get(i), b.labels().get(i), LayerLanguage.notation(l.outputShape()),
                    n(l.uniqueParams()), n(l.untiedParams()), n(l.denseParams())));
        }
        sb.append(Format.of(row, "", "total", "", "", n(r.uniqueTotal()), n(r.untiedTotal()), n(r.denseTotal())));
        if (r.uniqueTotal() > 0) {
            sb.append(Format.of("  untied twin / shared = %.1fx, fully connected / shared = %.1fx%n",
                    (double) r.untiedTotal() / r.uniqueTotal(), (double) r.denseTotal() / r.uniqueTotal()));
        }
        return sb.toString();
    }

    /** Intermediate values one traced forward may hold at most: above it the trace is skipped, not the count. */
    static final long TRACE_LIMIT = 1L << 24;

    /**
     * The uses traced from one forward of a single zero input, or null when its layers' outputs
     * are too large to run: the counts above come from the layers' geometry, the trace from
     * running them, and what differs shows sharing at run time (a layer used at every step).
     */
    static SharingReport traced(LayerLanguage.Built b, SharingReport.Layers r) {
        long largest = sizeOf(b.inputShape());
        for (SharingReport.Layer l : r.layers()) largest = Math.max(largest, sizeOf(l.outputShape()));
        if (largest > TRACE_LIMIT) return null;
        int[] one = new int[b.inputShape().length + 1];
        one[0] = 1;
        System.arraycopy(b.inputShape(), 0, one, 1, b.inputShape().length);
        return SharingReport.of(b.model(), Tensor.constant(NDArray.zeros(DType.F32, one)));
    }

    private static long sizeOf(int[] shape) {
        long n = 1;
        for (int e : shape) n *= e;
        return n;
    }

    static String tracedText(SharingReport.Layers r, SharingReport t) {
        if (t == null) return Format.of("  traced uses: not traced (a layer's output holds more than %,d values per input)%n", TRACE_LIMIT);
        StringBuilder sb = new StringBuilder(Format.of("  traced uses (one forward of a single input): %s values used %s%n", n(t.uniqueCount()),
                t.usedCount() == t.uniqueCount() ? "once each" : Format.of("%s times in all (%.1fx)", n(t.usedCount()), t.usedRatio())));
        if (t.disagreements().isEmpty()) sb.append("  registered sites and traced uses agree\n");
        else for (String d : t.disagreements()) sb.append("  ").append(d).append('\n');
        return sb.toString();
    }

    static String toJson(LayerLanguage.Built b, SharingReport.Layers r, SharingReport traced) throws IOException {
        ObjectNode root = Json.object();
        ObjectNode in = root.putObject("input");
        in.put("notation", LayerLanguage.notation(b.inputShape()));
        shape(in.putArray("shape"), b.inputShape());
        ArrayNode ls = root.putArray("layers");
        for (int i = 0; i < r.layers().size(); i++) {
            SharingReport.Layer l = r.layers().get(i);
            ObjectNode n = ls.addObject();
            n.put("index", i + 1);
            n.put("token", b.tokens().get(i));
            n.put("module", b.labels().get(i));
            shape(n.putArray("inputShape"), l.inputShape());
            shape(n.putArray("outputShape"), l.outputShape());
            n.put("output", LayerLanguage.notation(l.outputShape()));
            n.put("unique", l.uniqueParams());
            n.put("untied", l.untiedParams());
            n.put("dense", l.denseParams());
        }
        ObjectNode t = root.putObject("totals");
        t.put("unique", r.uniqueTotal());
        t.put("untied", r.untiedTotal());
        t.put("dense", r.denseTotal());
        if (traced == null) {
            root.putNull("traced");
        } else {
            ObjectNode tr = root.putObject("traced");
            tr.put("unique", traced.uniqueCount());
            tr.put("used", traced.usedCount());
            ArrayNode d = tr.putArray("disagreements");
            for (String s : traced.disagreements()) d.add(s);
        }
        return Json.pretty(root);
    }

    private static void shape(ArrayNode a, int[] s) {
        for (int e : s) a.add(e);
    }

    private static String n(long v) {
        return Format.grouped(v);
    }
}
