package dev.motif.nn;

import dev.motif.array.Shapes;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model shares: for each unique parameter its size and every site that uses it, and for
 * the model its unique count against its nominal count (what it would hold if every use site
 * had its own copy).
 *
 * <pre>{@code
 * System.out.println(SharingReport.of(model));
 * }</pre>
 */
public record SharingReport(String model, List<Entry> entries, long uniqueCount, long nominalCount) {

    /** One unique parameter: its name (path of its first use), shape, size and use sites. */
    public record Entry(String name, int[] shape, long size, List<String> sites) {
        public Entry {
            shape = shape.clone();
            sites = List.copyOf(sites);
        }

        public boolean shared() {
            return sites.size() > 1;
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        // A record compares array components by identity; compare the shape by content, so that
        // two reports of the same model (say, before and after a checkpoint round trip) are equal.
        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && name.equals(e.name) && java.util.Arrays.equals(shape, e.shape) && size == e.size && sites.equals(e.sites);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(name, java.util.Arrays.hashCode(shape), size, sites);
        }

        @Override
        public String toString() {
            return "Entry[name=" + name + ", shape=" + Shapes.str(shape) + ", size=" + size + ", sites=" + sites + "]";
        }
    }

    public SharingReport {
        entries = List.copyOf(entries);
    }

    /** Tabulates a module's parameters and their use sites. */
    public static SharingReport of(Block module) {
        Map<Parameter, List<String>> sites = new IdentityHashMap<>();
        Map<Parameter, String> first = new LinkedHashMap<>();
        for (ParameterUse u : module.parameterUses()) {
            sites.computeIfAbsent(u.parameter(), k -> new ArrayList<>()).add(u.path());
            first.putIfAbsent(u.parameter(), u.path());
        }
        List<Entry> entries = new ArrayList<>();
        long unique = 0, nominal = 0;
        // IdentityHashMap has no order; walk the unique parameters in registration order.
        for (Parameter p : module.parameters()) {
            List<String> s = sites.get(p);
            entries.add(new Entry(s.get(0), p.shape(), p.size(), s));
            unique += p.size();
            nominal += (long) p.size() * s.size();
        }
        return new SharingReport(module.describe(), entries, unique, nominal);
    }

    /** Nominal over unique count: how many times over the model uses each stored value, on average. */
    public double ratio() {
        return uniqueCount == 0 ? 1 : (double) nominalCount / uniqueCount;
    }

    /** The entries used at more than one site. */
    public List<Entry> shared() {
        return entries.stream().filter(Entry::shared).toList();
    }

    /** A plain-text table. */
    public String toTable() {
        int w = "parameter".length();
        for (Entry e : entries) w = Math.max(w, e.name().length());
        StringBuilder sb = new StringBuilder();
        sb.append("Sharing report: ").append(model).append('\n');
        sb.append(String.format("  %-" + w + "s  %-14s %10s  %5s  %s%n", "parameter", "shape", "size", "uses", "sites"));
        for (Entry e : entries) {
            sb.append(String.format("  %-" + w + "s  %-14s %10d  %5d  %s%n", e.name(), Shapes.str(e.shape()), e.size(), e.sites().size(),
                    String.join(", ", e.sites())));
        }
        sb.append(String.format("  unique parameters: %,d; nominal (every use its own copy): %,d; sharing ratio %.2fx%n",
                uniqueCount, nominalCount, ratio()));
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
            sb.append(String.format(row, "#", "layer", "input", "output", "shared (unique)", "untied", "fully connected"));
            for (Layer l : layers) {
                sb.append(String.format(row, l.index(), l.layer(), Shapes.str(l.inputShape()), Shapes.str(l.outputShape()),
                        String.format("%,d", l.uniqueParams()), String.format("%,d", l.untiedParams()), String.format("%,d", l.denseParams())));
            }
            sb.append(String.format(row, "", "total", "", "", String.format("%,d", uniqueTotal), String.format("%,d", untiedTotal),
                    String.format("%,d", denseTotal)));
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
