package dev.motif.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.motif.io.Checkpoint;
import dev.motif.io.SafetensorsFile;
import dev.motif.io.TensorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code motif inspect FILE}: the tensors of a safetensors file (name, dtype, shape, bytes),
 * which names are aliases of one shared tensor, and the metadata keys; as a table or as JSON.
 */
@Command(name = "inspect",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {
                "Lists what a safetensors file holds: its tensors, shared names and metadata.",
                "",
                "Prints every tensor with its dtype, shape and size in bytes; the names that are aliases of one "
                        + "shared tensor (Motif stores a shared parameter once and records its other use sites in the "
                        + "header); and the header's metadata keys. Reads Motif's checkpoints and plain safetensors "
                        + "files from other tools. A damaged file is reported with what is wrong, and exits 1.",
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
        // The JDK's read error for a directory ("Is a directory") does not say which path it was.
        if (Files.isDirectory(file)) throw new IOException(file + ": is a directory, expected a .safetensors file");
        SafetensorsFile f = SafetensorsFile.read(file);
        Map<String, List<String>> aliases = Checkpoint.aliases(f);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? toJson(f, aliases) : toTable(f, aliases));
        out.flush();
        return 0;
    }

    /** The plain-text report. */
    String toTable(SafetensorsFile f, Map<String, List<String>> aliases) {
        List<TensorInfo> tensors = f.tensors();
        int w = "name".length();
        for (TensorInfo t : tensors) w = Math.max(w, t.name().length());
        StringBuilder sb = new StringBuilder();
        sb.append(file).append('\n');
        String row = "  %-" + w + "s  %-5s  %-16s %12s%n";
        sb.append(String.format(row, "name", "dtype", "shape", "bytes"));
        long bytes = 0, elements = 0;
        for (TensorInfo t : tensors) {
            sb.append(String.format(row, t.name(), t.dtype(), Arrays.toString(t.shape()), String.format("%,d", t.byteSize())));
            bytes += t.byteSize();
            elements += t.elementCount();
        }
        sb.append(String.format("  %d tensors, %,d values, %,d bytes%n", tensors.size(), elements, bytes));

        sb.append('\n');
        if (aliases.isEmpty()) {
            sb.append("Shared tensors: none (every name is its own tensor)\n");
        } else {
            sb.append("Shared tensors (stored once, also used under other names):\n");
            for (Map.Entry<String, List<String>> a : aliases.entrySet()) {
                sb.append("  ").append(a.getKey()).append(" <- ").append(String.join(", ", a.getValue())).append('\n');
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

    /** The JSON report: file, tensors, aliases (owner to alias names) and metadata. */
    String toJson(SafetensorsFile f, Map<String, List<String>> aliases) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
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
        aliases.forEach((owner, names) -> names.forEach(al.putArray(owner)::add));
        ObjectNode meta = root.putObject("metadata");
        f.metadata().forEach(meta::put);
        return mapper.writeValueAsString(root) + "\n";
    }
}
