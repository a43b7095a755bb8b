package dev.motif.nn;

import dev.motif.array.Shapes;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.text.Format;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a model shares, seen two ways. Registered: for each unique parameter every site that
 * holds it (a slot, or a tie of it). Used: every op of one traced forward that consumed it, or a
 * tie derived from it, with the path of the block that read it at that moment. The two differ
 * where sharing happens at run time: an encoder registered once and called on both inputs of a
 * pair, a recurrent cell called at every step. The report counts both views against the unique
 * count (what would be stored if every site, or every use, had its own copy) and lists where
 * they disagree.
 *
 * <pre>{@code
 * System.out.println(SharingReport.of(model));                              // registered view
 * System.out.println(SharingReport.traced(siamese, m -> m.forward(x1, x2))); // and the uses of one forward
 * }</pre>
 *
 * @param model         the model's description
 * @param entries       one per unique parameter, in registration order
 * @param uniqueCount   values stored
 * @param nominalCount  values if every registered site had its own copy (a tie at its nominal size)
 * @param traced        whether {@link Entry#uses()} were traced
 * @param usedCount     values if every traced use had its own copy; -1 when not traced
 * @param disagreements where the registered and the traced views differ, one sentence each (empty when not traced)
 */
public record SharingReport(String model, List<Entry> entries, long uniqueCount, long nominalCount, boolean traced, long usedCount,
                            List<String> disagreements) {

    /** A registered site of a parameter: its path, the tie's transform (null for the parameter itself) and the values it stands for. */
    public record Site(String path, String transform, long nominalSize) {}

    /** One op of the traced forward that consumed a parameter: the op, the path it was read at, the tie's transform (or null), the values it stands for. */
    public record Use(String op, String path, String transform, long nominalSize) {}

    /** One unique parameter: its name (path of its first site), shape, size, whether frozen, its registered sites and its traced uses. */
    public record Entry(String name, int[] shape, long size, boolean frozen, List<Site> sites, List<Use> uses) {
        public Entry {
            shape = shape.clone();
            sites = List.copyOf(sites);
            uses = List.copyOf(uses);
        }

        /** The paths of the registered sites. */
        public List<String> sitePaths() {
            return sites.stream().map(Site::path).toList();
        }

        /** Shared: registered at more than one site, or used more than once. */
        public boolean shared() {
            return sites.size() > 1 || uses.size() > 1;
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        // A record compares array components by identity; compare the shape by content, so that
        // two reports of the same model (say, before and after a checkpoint round trip) are equal.
        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && name.equals(e.name) && java.util.Arrays.equals(shape, e.shape) && size == e.size && frozen == e.frozen
                    && sites.equals(e.sites) && uses.equals(e.uses);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(name, java.util.Arrays.hashCode(shape), size, frozen, sites, uses);
        }

        @Override
        public String toString() {
            return "Entry[name=" + name + ", shape=" + Shapes.str(shape) + ", size=" + size + (frozen ? ", frozen" : "") + ", sites=" + sites + ", uses=" + uses + "]";
        }
    }

    public SharingReport {
        entries = List.copyOf(entries);
        disagreements = List.copyOf(disagreements);
    }

    /** The registered view: each unique parameter and the sites that hold it. */
    public static SharingReport of(Block model) {
        return build(model, null);
    }

    /**
     * Both views, the uses traced from one forward on an example input: {@code model.forward(example)}.
     * The forward runs in evaluation mode without recording a graph, and every block's mode is
     * restored after it, so tracing changes no state (batch statistics, dropout's generator).
     */
    public static SharingReport of(Block model, Tensor example) {
        return traced(model, m -> m.forward(example));
    }

    /**
     * Both views, the uses traced from whatever {@code forward} runs on the model: a pair for a
     * Siamese net ({@code m -> m.forward(x1, x2)}), a sequence for a recurrent layer. As in
     * {@link #of(Block, Tensor)}, it runs in evaluation mode without a graph and changes no state.
     */
    public static <B extends Block> SharingReport traced(B model, Consumer<? super B> forward) {
        Map<Block, Boolean> modes = new IdentityHashMap<>();
        for (Block b : model.blockPaths().keySet()) modes.put(b, b.isTraining());
        List<Trace.RawUse> uses;
        model.train(false);
        try {
            uses = Trace.record(() -> Autodiff.noGrad(() -> forward.accept(model)));
        } finally {
            for (Map.Entry<Block, Boolean> e : modes.entrySet()) e.getKey().setTraining(e.getValue());
        }
        return build(model, uses);
    }

    private static SharingReport build(Block model, List<Trace.RawUse> raw) {
        Map<Parameter, List<Site>> sites = new IdentityHashMap<>();
        for (ParameterUse u : model.parameterUses()) {
            sites.computeIfAbsent(u.parameter(), k -> new ArrayList<>()).add(new Site(u.path(), u.transform(), u.nominalSize()));
        }
        Map<Parameter, List<Use>> uses = new IdentityHashMap<>();
        List<String> disagreements = new ArrayList<>();
        long used = 0;
        if (raw != null) {
            Map<Block, List<String>> blockPaths = model.blockPaths();
            Map<Object, int[]> turn = new HashMap<>();
            Map<Parameter, String> foreign = new IdentityHashMap<>();
            for (Trace.RawUse r : raw) {
                String transform = r.tie() == null ? null : r.tie().transform().spec();
                long nominal = r.tie() == null ? r.parameter().size() : r.tie().nominalSize();
                String path = pathOf(r, blockPaths, sites.get(r.parameter()), transform, turn);
                if (!sites.containsKey(r.parameter())) foreign.putIfAbsent(r.parameter(), r.op());
                uses.computeIfAbsent(r.parameter(), k -> new ArrayList<>()).add(new Use(r.op(), path, transform, nominal));
                used += nominal;
            }
            for (Map.Entry<Parameter, String> f : foreign.entrySet()) {
                disagreements.add("parameter '" + f.getKey().name() + "' " + Shapes.str(f.getKey().shape()) + " is used (by " + f.getValue()
                        + ") but not registered in " + model.describe() + ", so parameters() omits it and no optimizer steps it");
            }
        }
        List<Entry> entries = new ArrayList<>();
        long unique = 0, nominal = 0;
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            List<Site> s = sites.get(p);
            List<Use> u = uses.getOrDefault(p, List.of());
            entries.add(new Entry(e.getKey(), p.shape(), p.size(), p.isFrozen(), s, u));
            unique += p.size();
            for (Site site : s) nominal += site.nominalSize();
            if (raw != null && u.size() != s.size()) {
                disagreements.add(e.getKey() + ": registered at " + count(s.size(), "site") + ", " + (u.isEmpty() ? "not used by the traced forward"
                        : "used " + times(u.size()) + " (" + grouped(u) + ")"));
            }
        }
        return new SharingReport(model.describe(), entries, unique, nominal, raw != null, raw == null ? -1 : used, disagreements);
    }

    /**
     * The path a use was read at: the reading block's path and the slot; a block registered at
     * several paths is credited to them in turn. A parameter used without a read through a slot
     * (kept in a field) is credited to its registered sites in turn.
     */
    private static String pathOf(Trace.RawUse r, Map<Block, List<String>> blockPaths, List<Site> sites, String transform, Map<Object, int[]> turn) {
        List<String> paths = r.reader() == null ? null : blockPaths.get(r.reader());
        if (paths != null) {
            int k = turn.computeIfAbsent(List.of(r.reader(), r.slot()), x -> new int[1])[0]++;
            String block = paths.get(k % paths.size());
            return block.isEmpty() ? r.slot() : block + "." + r.slot();
        }
        if (sites == null) return "(unregistered)";
        List<Site> candidates = sites.stream().filter(s -> java.util.Objects.equals(s.transform(), transform)).toList();
        if (candidates.isEmpty()) candidates = sites;
        int k = turn.computeIfAbsent(r.parameter(), x -> new int[1])[0]++;
        return candidates.get(k % candidates.size()).path();
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    private static String times(int n) {
        return n == 1 ? "once" : n + " times";
    }

    /** Uses by path in order of first use: {@code encoder.weight ×2, head.weight}. */
    private static String grouped(List<Use> uses) {
        Map<String, Integer> n = new LinkedHashMap<>();
        for (Use u : uses) n.merge(u.path() + (u.transform() == null ? "" : " via " + u.transform()), 1, Integer::sum);
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Integer> e : n.entrySet()) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(e.getKey()).append(e.getValue() > 1 ? " ×" + e.getValue() : "");
        }
        return sb.toString();
    }

    private static String sitesText(List<Site> sites) {
        StringBuilder sb = new StringBuilder();
        for (Site t : sites) sb.append(sb.length() > 0 ? ", " : "").append(t.path()).append(t.transform() == null ? "" : " via " + t.transform());
        return sb.toString();
    }

    /** Registered nominal over unique count: how many times over the model's sites use each stored value, on average. */
    public double ratio() {
        return uniqueCount == 0 ? 1 : (double) nominalCount / uniqueCount;
    }

    /** Traced nominal over unique count; NaN when not traced. */
    public double usedRatio() {
        return !traced ? Double.NaN : uniqueCount == 0 ? 1 : (double) usedCount / uniqueCount;
    }

    /** The entries registered at more than one site or used more than once. */
    public List<Entry> shared() {
        return entries.stream().filter(Entry::shared).toList();
    }

    /** A plain-text table: per parameter its sites and, when traced, its uses; the totals; where the views disagree. */
    public String toTable() {
        int w = "parameter".length();
        for (Entry e : entries) w = Math.max(w, e.name().length());
        StringBuilder sb = new StringBuilder();
        sb.append("Sharing report: ").append(model).append('\n');
        String row = traced ? "  %-" + w + "s  %-14s %10s  %5s  %5s  %s%n" : "  %-" + w + "s  %-14s %10s  %5s  %s%n";
        sb.append(traced ? Format.of(row, "parameter", "shape", "size", "sites", "uses", "used at")
                : Format.of(row, "parameter", "shape", "size", "sites", "registered at"));
        for (Entry e : entries) {
            String size = Format.grouped(e.size()) + (e.frozen() ? "*" : "");
            sb.append(traced
                    ? Format.of(row, e.name(), Shapes.str(e.shape()), size, e.sites().size(), e.uses().size(), e.uses().isEmpty() ? "-" : grouped(e.uses()))
                    : Format.of(row, e.name(), Shapes.str(e.shape()), size, e.sites().size(), sitesText(e.sites())));
        }
        if (entries.stream().anyMatch(Entry::frozen)) sb.append("  (* frozen: kept and saved, not trained)\n");
        sb.append(Format.of("  unique parameters: %,d; if every registered site had its own copy: %,d (%.2fx)%n", uniqueCount, nominalCount, ratio()));
        if (traced) {
            sb.append(Format.of("  if every use in the traced forward had its own copy: %,d (%.2fx)%n", usedCount, usedRatio()));
            if (disagreements.isEmpty()) sb.append("  registered sites and traced uses agree\n");
            else {
                sb.append("  where registered sites and traced uses disagree:\n");
                for (String d : disagreements) sb.append("    ").append(d).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return toTable();
    }

    /**
     * One layer of a {@link Sequential} model, counted three ways: the values it stores
     * ({@code uniqueParams}, counting a layer already met earlier in the model as 0), what its
     * unshared twin would store ({@code untiedParams}, see {@link Block#untiedParameterCount}),
     * and what a fully connected layer from its whole input to its whole output would
     * ({@code denseParams} = in·out + out, with in and out the products of the shapes). A layer
     * without parameters (an activation, pooling, a reshape) stays without in every variant, so
     * its dense count is 0. Shapes are per example, without the batch axis.
     */
    public record Layer(int index, String layer, int[] inputShape, int[] outputShape, long uniqueParams, long untiedParams, long denseParams) {
        public Layer {
            inputShape = inputShape.clone();
            outputShape = outputShape.clone();
        }

        @Override
        public int[] inputShape() {
            return inputShape.clone();
        }

        @Override
        public int[] outputShape() {
            return outputShape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Layer l && index == l.index && layer.equals(l.layer) && java.util.Arrays.equals(inputShape, l.inputShape)
                    && java.util.Arrays.equals(outputShape, l.outputShape) && uniqueParams == l.uniqueParams
                    && untiedParams == l.untiedParams && denseParams == l.denseParams;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(index, layer, java.util.Arrays.hashCode(inputShape), java.util.Arrays.hashCode(outputShape),
                    uniqueParams, untiedParams, denseParams);
        }

        @Override
        public String toString() {
            return "Layer[" + index + ", " + layer + ", " + Shapes.str(inputShape) + " -> " + Shapes.str(outputShape) + ", unique=" + uniqueParams
                    + ", untied=" + untiedParams + ", dense=" + denseParams + "]";
        }
    }

    /** The per-layer counts of a model for one input shape, with the column totals. */
    public record Layers(String model, List<Layer> layers, long uniqueTotal, long untiedTotal, long denseTotal) {
        public Layers {
            layers = List.copyOf(layers);
        }

        /** A plain-text table, one row per layer and a row of totals. */
        public String toTable() {
            int w = "layer".length(), sw = "input".length();
            for (Layer l : layers) {
                w = Math.max(w, l.layer().length());
                sw = Math.max(sw, Math.max(Shapes.str(l.inputShape()).length(), Shapes.str(l.outputShape()).length()));
            }
            String row = "  %3s  %-" + w + "s  %-" + sw + "s  %-" + sw + "s  %15s  %15s  %17s%n";
            StringBuilder sb = new StringBuilder("Parameters per layer: ").append(model).append('\n');
            sb.append(Format.of(row, "#", "layer", "input", "output", "shared (unique)", "untied", "fully connected"));
            for (Layer l : layers) {
                sb.append(Format.of(row, l.index(), l.layer(), Shapes.str(l.inputShape()), Shapes.str(l.outputShape()),
                        Format.grouped(l.uniqueParams()), Format.grouped(l.untiedParams()), Format.grouped(l.denseParams())));
            }
            sb.append(Format.of(row, "", "total", "", "", Format.grouped(uniqueTotal), Format.grouped(untiedTotal),
                    Format.grouped(denseTotal)));
            return sb.toString();
        }

        @Override
        public String toString() {
            return toTable();
        }
    }

    /**
     * Counts each layer of a sequential model for inputs of one shape (per example, without the
     * batch axis): its shared, untied and fully connected parameter counts.
     *
     * <pre>{@code
     * System.out.println(SharingReport.layers(cnn, 1, 28, 28).toTable());
     * }</pre>
     */
    public static Layers layers(Sequential model, int... inputShape) {
        int[] shape = new int[inputShape.length + 1];
        shape[0] = 1;
        System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        List<Layer> rows = new ArrayList<>();
        long unique = 0, untied = 0, dense = 0;
        List<Block> ls = model.layers();
        for (int i = 0; i < ls.size(); i++) {
            Block m = ls.get(i);
            int[] out = m.outputShape(shape);
            long u = 0;
            for (Parameter p : m.parameters()) if (seen.put(p, Boolean.TRUE) == null) u += p.size();
            long t = m.untiedParameterCount(shape);
            long in = perExample(shape), o = perExample(out);
            long d = m.parameters().isEmpty() ? 0 : Math.addExact(Math.multiplyExact(in, o), o);
            rows.add(new Layer(i, m.describe(), java.util.Arrays.copyOfRange(shape, 1, shape.length),
                    java.util.Arrays.copyOfRange(out, 1, out.length), u, t, d));
            unique += u;
            untied += t;
            dense += d;
            shape = out;
        }
        return new Layers(model.describe(), rows, unique, untied, dense);
    }

    private static long perExample(int[] shapeWithBatch) {
        long n = 1;
        for (int i = 1; i < shapeWithBatch.length; i++) n *= shapeWithBatch[i];
        return n;
    }
}
