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
    public static SharingReport of(Module module) {
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
}
