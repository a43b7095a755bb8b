package dev.motif.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.motif.io.Alias;
import dev.motif.io.Checkpoint;
import dev.motif.io.Json;
import dev.motif.io.SafetensorsFile;
import dev.motif.io.TensorInfo;
import dev.motif.text.Format;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code motif inspect FILE}: the tensors of a safetensors file (name, dtype, shape, bytes),
 * which names are aliases of one shared tensor and which are ties (a transform of a stored
 * tensor, such as a tied decoder's transposed weight), and the metadata keys; as a table or as JSON.
 */
@Command(name = "inspect",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {
                "Lists what a safetensors file holds: its tensors, shared names, ties and metadata.",
                "",
                "Prints every tensor with its dtype, shape and size in bytes; the names that use a stored tensor "
                        + "(Motif stores a shared parameter once and records its other use sites in the header), with "
                        + "the transform of a tie (a decoder's weight as the transpose of the encoder's) and whether the "
                        + "file stores the site's own value too (a file written for PyTorch); and the header's metadata "
                        + "keys. Reads Motif's checkpoints and plain safetensors files from other tools. A damaged file "
                        + "is reported with what is wrong, and exits 1.",
                ""},
        footer = {"", "Examples:",
                "  motif inspect model.safetensors",
                "  motif inspect --json model.safetensors > model.json"})
public final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A .safetensors file.")
    Path file;

    @Option(names = "--json", description = "Print the same information as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        SafetensorsFile f = SafetensorsFile.read(file);
        List<Alias> ties = Checkpoint.ties(f);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? toJson(f, ties) : toTable(f, ties));
        out.flush();
        return 0;
    }

    /** The plain-text report. */
    String toTable(SafetensorsFile f, List<Alias> ties) {
        List<TensorInfo> tensors = f.tensors();
        int w = "name".length();
        for (TensorInfo t : tensors) w = Math.max(w, t.name().length());
        StringBuilder sb = new StringBuilder();
        sb.append(file).append('\n');
        String row = "  %-" + w + "s  %-5s  %-16s %12s%n";
        sb.append(Format.of(row, "name", "dtype", "shape", "bytes"));
        long bytes = 0, elements = 0;
        for (TensorInfo t : tensors) {
            sb.append(Format.of(row, t.name(), t.dtype(), Arrays.toString(t.shape()), Format.of("%,d", t.byteSize())));
            bytes += t.byteSize();
            elements += t.elementCount();
        }
        sb.append(Format.of("  %d tensors, %,d values, %,d bytes%n", tensors.size(), elements, bytes));

        sb.append('\n');
        if (ties.isEmpty()) {
            sb.append("Shared tensors: none (every name is its own tensor)\n");
        } else {
            sb.append("Shared tensors and ties (stored once, used at other paths too; a tie through its transform):\n");
            for (Map.Entry<String, List<Alias>> e : byOwner(ties).entrySet()) {
                List<String> uses = new ArrayList<>();
                for (Alias a : e.getValue()) {
                    List<String> how = new ArrayList<>();
                    if (!a.isIdentity()) how.add(a.transform());
                    if (a.stored()) how.add("stored too");
                    uses.add(a.path() + (how.isEmpty() ? "" : " (" + String.join(", ", how) + ")"));
                }
                sb.append("  ").append(e.getKey()).append(" <- ").append(String.join(", ", uses)).append('\n');
            }
        }

        sb.append('\n');
        if (f.metadata().isEmpty()) {
            sb.append("Metadata: none\n");
        } else {
            sb.append("Metadata keys (--json shows the values):\n");
            for (String key : f.metadata().keySet()) sb.append("  ").append(key).append('\n');
        }
        return sb.toString();
    }

    /** Aliases grouped by their owner tensor, owners in order of first mention. */
    private static Map<String, List<Alias>> byOwner(List<Alias> ties) {
        Map<String, List<Alias>> out = new LinkedHashMap<>();
        for (Alias a : ties) out.computeIfAbsent(a.owner(), k -> new ArrayList<>()).add(a);
        return out;
    }

    /** The JSON report: file, tensors, aliases (owner to alias names), ties (every alias with its transform) and metadata. */
    String toJson(SafetensorsFile f, List<Alias> ties) throws IOException {
        ObjectNode root = Json.object();
        root.put("file", file.toString());
        ArrayNode tensors = root.putArray("tensors");
        for (TensorInfo t : f.tensors()) {
            ObjectNode n = tensors.addObject();
            n.put("name", t.name());
            n.put("dtype", t.dtype());
            ArrayNode shape = n.putArray("shape");
            for (long s : t.shape()) shape.add(s);
            n.put("elements", t.elementCount());
            n.put("bytes", t.byteSize());
        }
        ObjectNode al = root.putObject("aliases");
        byOwner(ties).forEach((owner, as) -> {
            ArrayNode names = al.putArray(owner);
            as.forEach(a -> names.add(a.path()));
        });
        ArrayNode tl = root.putArray("ties");
        for (Alias a : ties) tl.addObject().put("path", a.path()).put("owner", a.owner()).put("transform", a.transform()).put("stored", a.stored());
        ObjectNode meta = root.putObject("metadata");
        f.metadata().forEach(meta::put);
        return Json.pretty(root);
    }
}
