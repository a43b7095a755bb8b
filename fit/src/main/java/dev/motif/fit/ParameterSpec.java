package dev.motif.fit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How each model parameter is treated in a global fit, with starting values and bounds.
 *
 * <ul>
 * <li><b>shared</b>: one value for all datasets ({@code --shared tau,B});
 * <li><b>local</b>: one value per dataset ({@code --local A});
 * <li><b>grouped</b> by a column: one value per distinct value of that column, which must be
 *     constant within each dataset ({@code --group k=sample}); in the solver each group's value
 *     is a global parameter named like {@code k[sample=2]};
 * <li><b>fixed</b>: a constant, not fitted ({@code --fix B=0.3}).
 * </ul>
 *
 * <p>Starting values: {@code init tau=2} applies to every copy of tau; {@code init A@file2.csv=1.5}
 * to the copy of a local parameter in dataset {@code file2.csv}, or, for a grouped parameter,
 * {@code init k@2=0.5} to the group whose label is {@code 2}. A parameter without a start begins
 * at 1.0, or, when bounds exclude 1.0, at the midpoint of finite bounds, lower+1 or upper−1.
 * Bounds: {@code bound tau=0:inf} (each side a number, {@code inf} or {@code -inf}); lower must
 * be below upper and every explicit start inside [lower, upper].
 *
 * <p>Which names exist is checked against the model and data by {@link GlobalFit}.
 */
public final class ParameterSpec {

    /** A closed interval of allowed values; infinite ends for unbounded. */
    public record Bound(double lower, double upper) {
        public Bound {
            if (Double.isNaN(lower) || Double.isNaN(upper) || !(lower < upper)) {
                throw new IllegalArgumentException("bound: lower " + lower + " must be below upper " + upper);
            }
        }

        public static final Bound NONE = new Bound(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

        public boolean contains(double v) {
            return v >= lower && v <= upper;
        }

        /** The default start: 1.0 if allowed, else the midpoint of finite bounds, lower+1 or upper−1. */
        public double defaultStart() {
            if (contains(1.0)) return 1.0;
            if (Double.isFinite(lower) && Double.isFinite(upper)) return 0.5 * (lower + upper);
            return Double.isFinite(lower) ? lower + 1 : upper - 1;
        }

        @Override
        public String toString() {
            return fmt(lower) + ":" + fmt(upper);
        }
    }

    private final List<String> shared, local;
    private final Map<String, String> groups;
    private final Map<String, Double> fixed, init;
    private final Map<String, Map<String, Double>> initAt;
    private final Map<String, Bound> bounds;

    private ParameterSpec(Builder b) {
        this.shared = List.copyOf(b.shared);
        this.local = List.copyOf(b.local);
        this.groups = unmodifiable(b.groups);
        this.fixed = unmodifiable(b.fixed);
        this.init = unmodifiable(b.init);
        Map<String, Map<String, Double>> at = new LinkedHashMap<>();
        b.initAt.forEach((k, v) -> at.put(k, unmodifiable(v)));
        this.initAt = java.util.Collections.unmodifiableMap(at);
        this.bounds = unmodifiable(b.bounds);
    }

    private static <K, V> Map<K, V> unmodifiable(Map<K, V> m) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Shared parameters, in the order given. */
    public List<String> shared() { return shared; }

    /** Local (per-dataset) parameters, in the order given. */
    public List<String> local() { return local; }

    /** Grouped parameters and the column that labels their groups. */
    public Map<String, String> groups() { return groups; }

    /** Fixed parameters and their values. */
    public Map<String, Double> fixed() { return fixed; }

    /** Starting values for all copies of a parameter. */
    public Map<String, Double> init() { return init; }

    /** Starting values per dataset (local) or per group label (grouped): parameter → (dataset or label → value). */
    public Map<String, Map<String, Double>> initAt() { return initAt; }

    /** Bounds of parameters that have them. */
    public Map<String, Bound> bounds() { return bounds; }

    /** The bound of a parameter, {@link Bound#NONE} if none. */
    public Bound bound(String p) {
        return bounds.getOrDefault(p, Bound.NONE);
    }

    /** The distinct group columns, in order. */
    public Set<String> groupColumns() {
        return new LinkedHashSet<>(groups.values());
    }

    /** Every parameter named as shared, local, grouped or fixed. */
    public Set<String> named() {
        Set<String> s = new LinkedHashSet<>(shared);
        s.addAll(local);
        s.addAll(groups.keySet());
        s.addAll(fixed.keySet());
        return s;
    }

    /** A builder that starts from this spec. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.shared.addAll(shared);
        b.local.addAll(local);
        b.groups.putAll(groups);
        b.fixed.putAll(fixed);
        b.init.putAll(init);
        initAt.forEach((k, v) -> b.initAt.put(k, new LinkedHashMap<>(v)));
        b.bounds.putAll(bounds);
        return b;
    }

    @Override
    public String toString() {
        return "ParameterSpec[shared=" + shared + ", local=" + local + ", groups=" + groups + ", fixed=" + fixed + ", init=" + init
                + ", initAt=" + initAt + ", bounds=" + bounds + "]";
    }

    /**
     * Collects a spec; each method checks its argument at once, and a parameter may be given only
     * one role. The {@code parse*} methods take the command line's {@code NAME=VALUE} forms.
     */
    public static final class Builder {
        private final Set<String> shared = new LinkedHashSet<>(), local = new LinkedHashSet<>();
        private final Map<String, String> groups = new LinkedHashMap<>();
        private final Map<String, Double> fixed = new LinkedHashMap<>(), init = new LinkedHashMap<>();
        private final Map<String, Map<String, Double>> initAt = new LinkedHashMap<>();
        private final Map<String, Bound> bounds = new LinkedHashMap<>();

        private Builder() {}

        private void role(String p, String role) {
            if (p == null || p.isBlank()) throw new IllegalArgumentException(role + ": empty parameter name");
            String had = shared.contains(p) ? "shared" : local.contains(p) ? "local" : groups.containsKey(p) ? "grouped"
                    : fixed.containsKey(p) ? "fixed" : null;
            if (had != null) throw new IllegalArgumentException(role + ": parameter '" + p + "' is already " + had);
        }

        public Builder shared(String... names) {
            return shared(List.of(names));
        }

        public Builder shared(Collection<String> names) {
            for (String p : names) {
                role(p, "shared");
                shared.add(p);
            }
            return this;
        }

        public Builder local(String... names) {
            return local(List.of(names));
        }

        public Builder local(Collection<String> names) {
            for (String p : names) {
                role(p, "local");
                local.add(p);
            }
            return this;
        }

        /** {@code param} takes one value per distinct value of {@code column}. */
        public Builder group(String param, String column) {
            role(param, "group");
            if (column == null || column.isBlank()) throw new IllegalArgumentException("group: parameter '" + param + "' needs a column");
            groups.put(param, column);
            return this;
        }

        public Builder fix(String param, double value) {
            role(param, "fix");
            if (!Double.isFinite(value)) throw new IllegalArgumentException("fix: value of '" + param + "' must be finite, got " + value);
            fixed.put(param, value);
            return this;
        }

        /** Start of every copy of {@code param}. */
        public Builder init(String param, double value) {
            finiteStart(param, value);
            init.put(param, value);
            return this;
        }

        /** Start of {@code param} in one dataset (local) or one group label (grouped). */
        public Builder init(String param, String datasetOrGroup, double value) {
            finiteStart(param + "@" + datasetOrGroup, value);
            if (datasetOrGroup == null || datasetOrGroup.isEmpty()) throw new IllegalArgumentException("init: empty dataset after '" + param + "@'");
            initAt.computeIfAbsent(param, k -> new LinkedHashMap<>()).put(datasetOrGroup, value);
            return this;
        }

        public Builder bound(String param, double lower, double upper) {
            if (param == null || param.isBlank()) throw new IllegalArgumentException("bound: empty parameter name");
            bounds.put(param, new Bound(lower, upper));
            return this;
        }

        private static void finiteStart(String what, double v) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException("init: start of '" + what + "' must be finite, got " + v);
        }

        /** {@code k=sample}. */
        public Builder parseGroup(String spec) {
            String[] kv = split("group", spec, "PARAM=COLUMN");
            return group(kv[0], kv[1]);
        }

        /** {@code B=0.3}. */
        public Builder parseFix(String spec) {
            String[] kv = split("fix", spec, "PARAM=VALUE");
            return fix(kv[0], number("fix", spec, kv[1]));
        }

        /** {@code tau=2}, {@code A@file2.csv=1.5} (a local parameter in one dataset) or {@code k@2=0.5} (a grouped one in one group). */
        public Builder parseInit(String spec) {
            String[] kv = split("init", spec, "PARAM=VALUE or PARAM@DATASET=VALUE");
            double v = number("init", spec, kv[1]);
            int at = kv[0].indexOf('@');
            // Given twice on a command line, the later start would silently replace the earlier one (--fix refuses it too).
            if (at < 0) {
                if (init.containsKey(kv[0])) throw new IllegalArgumentException("init: start of '" + kv[0] + "' given twice, the second in '" + spec + "'");
                return init(kv[0], v);
            }
            String param = kv[0].substring(0, at).trim(), where = kv[0].substring(at + 1).trim();
            if (initAt.getOrDefault(param, Map.of()).containsKey(where)) {
                throw new IllegalArgumentException("init: start of '" + param + "@" + where + "' given twice, the second in '" + spec + "'");
            }
            return init(param, where, v);
        }

        /** {@code tau=0:inf}, {@code x0=-inf:5}. */
        public Builder parseBound(String spec) {
            String[] kv = split("bound", spec, "PARAM=LOWER:UPPER");
            int colon = kv[1].indexOf(':');
            if (colon < 0) throw new IllegalArgumentException("bound: expected PARAM=LOWER:UPPER, got '" + spec + "'");
            double lo = number("bound", spec, kv[1].substring(0, colon)), hi = number("bound", spec, kv[1].substring(colon + 1));
            if (!(lo < hi)) throw new IllegalArgumentException("bound: lower " + fmt(lo) + " must be below upper " + fmt(hi) + " in '" + spec + "'");
            if (bounds.containsKey(kv[0])) throw new IllegalArgumentException("bound: bounds of '" + kv[0] + "' given twice, the second in '" + spec + "'");
            return bound(kv[0], lo, hi);
        }

        /** Splits at the last '=' (a dataset name may itself contain '='). */
        private static String[] split(String op, String spec, String form) {
            int eq = spec == null ? -1 : spec.lastIndexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) throw new IllegalArgumentException(op + ": expected " + form + ", got '" + spec + "'");
            return new String[] {spec.substring(0, eq).trim(), spec.substring(eq + 1).trim()};
        }

        private static double number(String op, String spec, String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            switch (t) {
                case "inf": case "+inf": case "infinity": return Double.POSITIVE_INFINITY;
                case "-inf": case "-infinity": return Double.NEGATIVE_INFINITY;
                default:
            }
            try {
                if (t.isEmpty() || t.endsWith("d") || t.endsWith("f") || t.startsWith("0x") || t.contains("nan")) throw new NumberFormatException();
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(op + ": '" + s.trim() + "' is not a number in '" + spec + "'");
            }
        }

        public ParameterSpec build() {
            return new ParameterSpec(this);
        }
    }

    static String fmt(double v) {
        if (v == Double.POSITIVE_INFINITY) return "inf";
        if (v == Double.NEGATIVE_INFINITY) return "-inf";
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** Names in {@code names} not in {@code allowed}, for messages. */
    static List<String> missing(Collection<String> names, Collection<String> allowed) {
        List<String> out = new ArrayList<>();
        for (String n : names) if (!allowed.contains(n)) out.add(n);
        return out;
    }
}
