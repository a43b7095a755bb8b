package dev.motif.io;

import dev.motif.array.DType;
import dev.motif.array.NDArray;
import dev.motif.array.Shapes;
import dev.motif.autodiff.Autodiff;
import dev.motif.autodiff.Tensor;
import dev.motif.nn.Block;
import dev.motif.nn.Parameter;
import dev.motif.nn.ParameterUse;
import dev.motif.nn.Tie;
import dev.motif.nn.Transform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One load of a file into a model, planned in full before anything changes.
 *
 * <p>Each use site of the model meets what the file says about its path. The file says the
 * site's weight is {@code f(X)}: a stored tensor X seen through a transform f (identity for a
 * tensor stored under the path itself); the model says it is {@code τ(P)}, its parameter P through
 * the site's tie (identity for a direct site). Where f and τ are the same, X is P's value
 * ("determines"). Where the file has a tie and the model a parameter of its own, the site becomes
 * the file's tie ("retie"). Where the model has a tie and the file something else (a separate
 * tensor, as PyTorch lists both names of tied weights), the model's tie stays if it gives the
 * file's values ("check"). Parameters determined by one tensor become one object, as the file
 * stores them once; tensors that determine one parameter must agree.
 */
final class CheckpointLoader {
    private static final String COUNTER = "num_batches_tracked";

    private enum Kind { MISSING, DETERMINES, RETIE, CHECK, FAILED }

    /** One use site of the model and what the file says about it. */
    private static final class Site {
        final ParameterUse use;
        final int param;
        final String modelSpec;
        Kind kind = Kind.MISSING;
        /** The stored tensor (model name) the file derives the site's weight from. */
        String tensor;
        /** The file's transform of it: null for identity. */
        Transform fileTransform;
        String fileSpec;
        Alias alias;

        Site(ParameterUse use, int param) {
            this.use = use;
            this.param = param;
            this.modelSpec = use.tie() == null ? Alias.IDENTITY : use.transform();
        }

        String path() {
            return use.path();
        }
    }

    /** The parameters one file tensor (or several that must agree) gives one value to; one object after loading. */
    private static final class Group {
        final List<Integer> members = new ArrayList<>();
        final List<Site> determining = new ArrayList<>();
        NDArray value;
        Parameter owner;
    }

    private final Block model;
    private final SafetensorsFile f;
    private final LoadOptions options;
    private final MotifMetadata meta;

    /** The file under model names: tensors and aliases, with the file's own names for messages. */
    private final Map<String, TensorInfo> tensorAt = new LinkedHashMap<>();
    private final Map<String, String> tensorModelName = new HashMap<>();
    private final Map<String, Alias> aliasAt = new LinkedHashMap<>();
    private final Map<String, String> fileNameOf = new HashMap<>();
    private final Set<String> usedTensors = new HashSet<>();
    private final Set<String> usedAliases = new HashSet<>();
    private final Map<String, NDArray> raw = new HashMap<>();

    private final List<Parameter> params;
    private final Map<Parameter, Integer> paramIndex = new IdentityHashMap<>();
    private final List<List<Site>> sitesOf = new ArrayList<>();
    private final List<Site> sites = new ArrayList<>();

    private final List<String> problems = new ArrayList<>();
    private final List<String> loaded = new ArrayList<>();
    private final List<String> missing = new ArrayList<>();
    private final List<String> unexpected = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Runnable> actions = new ArrayList<>();

    CheckpointLoader(Block model, SafetensorsFile f, LoadOptions options) throws CheckpointException {
        this.model = model;
        this.f = f;
        this.options = options;
        this.meta = MotifMetadata.read(f);
        this.params = model.parameters();
        for (int k = 0; k < params.size(); k++) {
            paramIndex.put(params.get(k), k);
            sitesOf.add(new ArrayList<>());
        }
    }

    LoadReport run() throws CheckpointException {
        mapNames();
        if (problems.isEmpty()) {
            matchSites();
            planParameters();
            planBuffers();
            ignoreCounters();
            reportUnused();
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException(f.path(), problems.size() + (problems.size() == 1 ? " problem" : " problems") + " loading into "
                    + model.describe() + "; the model was not changed" + hint(), problems);
        }
        // Only now change the model; every check that could fail has been made.
        for (Runnable a : actions) a.run();
        return new LoadReport(f.path(), inModelOrder(loaded), inModelOrder(missing), unexpected, notes);
    }

    /** Paths in the order the model lists its sites, then its buffers. */
    private List<String> inModelOrder(List<String> paths) {
        Map<String, Integer> order = new HashMap<>();
        for (Site s : sites) order.putIfAbsent(s.path(), order.size());
        for (List<String> ps : bufferPaths(model).values()) for (String b : ps) order.putIfAbsent(b, order.size());
        List<String> out = new ArrayList<>(paths);
        out.sort(java.util.Comparator.comparingInt(p -> order.getOrDefault(p, Integer.MAX_VALUE)));
        return out;
    }

    // ---------------------------------------------------------------- the file under model names

    private void mapNames() {
        for (TensorInfo t : f.tensors()) {
            String m = options.modelPath(t.name());
            if (m == null) {
                problems.add("the renaming " + options + " gives no model path for tensor '" + t.name() + "'");
                continue;
            }
            TensorInfo before = tensorAt.putIfAbsent(m, t);
            if (before != null) {
                problems.add("tensors '" + before.name() + "' and '" + t.name() + "' both become '" + m + "' after " + options);
                continue;
            }
            tensorModelName.put(t.name(), m);
            fileNameOf.put(m, t.name());
        }
        for (Alias a : meta.aliases.values()) {
            String p = options.modelPath(a.path());
            String owner = tensorModelName.get(a.owner());
            if (p == null) {
                problems.add("the renaming " + options + " gives no model path for alias '" + a.path() + "'");
                continue;
            }
            if (owner == null) continue; // its tensor's renaming failed, already a problem
            if (!a.stored() && tensorAt.containsKey(p)) {
                problems.add("alias '" + a.path() + "' becomes '" + p + "' after " + options + ", the name of stored tensor '" + fileNameOf.get(p) + "'");
                continue;
            }
            if (aliasAt.containsKey(p)) {
                problems.add("aliases '" + aliasAt.get(p).path() + "' and '" + a.path() + "' both become '" + p + "' after " + options);
                continue;
            }
            aliasAt.put(p, new Alias(p, owner, a.transform(), a.stored()));
            if (!a.stored()) fileNameOf.put(p, a.path());
        }
    }

    /** A model name as a message shows it: with the file's own name when renaming changed it. */
    private String name(String modelName) {
        String file = fileNameOf.get(modelName);
        return "'" + modelName + "'" + (file == null || file.equals(modelName) ? "" : " (file name '" + file + "')");
    }

    private int[] shapeOf(String tensor) {
        long[] s = tensorAt.get(tensor).shape();
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) out[i] = (int) s[i]; // the reader checked that extents fit
        return out;
    }

    private NDArray rawValue(String tensor) {
        return raw.computeIfAbsent(tensor, t -> f.array(tensorAt.get(t).name()));
    }

    private NDArray value(String tensor, DType dtype) {
        NDArray a = rawValue(tensor);
        return a.dtype() == dtype ? a : a.to(dtype);
    }

    // ---------------------------------------------------------------- sites

    private void matchSites() {
        for (ParameterUse u : model.parameterUses()) {
            Site s = new Site(u, paramIndex.get(u.parameter()));
            sites.add(s);
            sitesOf.get(s.param).add(s);
            Alias a = aliasAt.get(u.path());
            if (a != null) {
                s.alias = a;
                s.tensor = a.owner();
                s.fileSpec = meta.transformUnknown() ? null : a.transform();
                usedAliases.add(u.path());
                if (a.stored()) usedTensors.add(u.path());
            } else if (tensorAt.containsKey(u.path())) {
                s.tensor = u.path();
                s.fileSpec = Alias.IDENTITY;
            } else {
                continue;
            }
            usedTensors.add(s.tensor);
            if (s.fileSpec == null || s.fileSpec.equals(s.modelSpec)) s.kind = Kind.DETERMINES;
            else s.kind = s.modelSpec.equals(Alias.IDENTITY) ? Kind.RETIE : Kind.CHECK;
            checkShapes(s);
        }
    }

    private void checkShapes(Site s) {
        Parameter p = s.use.parameter();
        int[] stored = shapeOf(s.tensor);
        String through = s.alias == null ? "" : " (tensor " + name(s.tensor) + ", through an alias)";
        if (s.kind == Kind.DETERMINES) {
            if (!Arrays.equals(stored, p.shape())) {
                problems.add("shape mismatch at '" + s.path() + "': model expects " + Arrays.toString(p.shape()) + (s.use.tie() == null ? "" : " (the owner of its " + s.modelSpec + " tie)")
                        + ", file has " + Arrays.toString(stored) + through);
                s.kind = Kind.FAILED;
                return;
            }
            if (s.use.tie() != null && s.fileSpec != null) s.fileTransform = s.use.tie().transform();
        } else {
            if (!s.fileSpec.equals(Alias.IDENTITY)) {
                s.fileTransform = parse(s);
                if (s.fileTransform == null) return;
            }
            int[] weight = fileWeightShape(s, stored);
            if (weight == null) return;
            int[] want = s.kind == Kind.RETIE ? p.shape() : s.use.tie().shape();
            if (!Arrays.equals(weight, want)) {
                problems.add("shape mismatch at '" + s.path() + "': model expects " + Arrays.toString(want) + (s.kind == Kind.CHECK ? " (its " + s.modelSpec + " tie)" : "")
                        + ", file has " + Arrays.toString(weight) + (s.fileTransform == null ? through : " (" + s.fileSpec + " of tensor " + name(s.tensor) + " " + Arrays.toString(stored) + ")"));
                s.kind = Kind.FAILED;
                return;
            }
        }
        if (s.alias != null && s.alias.stored()) {
            int[] copy = shapeOf(s.path());
            int[] weight = s.fileTransform == null ? stored : s.fileTransform.shape(stored);
            if (!Arrays.equals(copy, weight)) {
                problems.add("the file's own copy of " + name(s.path()) + " is " + Arrays.toString(copy) + ", but it records the path as " + s.alias.describe()
                        + ", which is " + Arrays.toString(weight) + "; the file contradicts itself");
                s.kind = Kind.FAILED;
            }
        }
    }

    private Transform parse(Site s) {
        try {
            return Transform.parse(s.fileSpec);
        } catch (IllegalArgumentException e) {
            problems.add("the file ties '" + s.path() + "' as '" + s.fileSpec + "' of tensor " + name(s.tensor) + ", which this Motif cannot rebuild: " + e.getMessage());
            s.kind = Kind.FAILED;
            return null;
        }
    }

    private int[] fileWeightShape(Site s, int[] stored) {
        if (s.fileTransform == null) return stored;
        try {
            return s.fileTransform.shape(stored);
        } catch (IllegalArgumentException e) {
            problems.add("the file ties '" + s.path() + "' as " + s.fileSpec + " of tensor " + name(s.tensor) + " " + Arrays.toString(stored)
                    + ", which does not fit: " + e.getMessage());
            s.kind = Kind.FAILED;
            return null;
        }
    }

    /** The site's weight as the file gives it, in {@code dtype}. */
    private NDArray fileWeight(Site s, DType dtype) {
        NDArray x = value(s.tensor, dtype);
        return s.fileTransform == null ? x : apply(s.fileTransform, x);
    }

    private static NDArray apply(Transform t, NDArray owner) {
        return Autodiff.noGrad(() -> t.apply(Tensor.constant(owner))).value();
    }

    // ---------------------------------------------------------------- parameters

    private void planParameters() {
        boolean[] retiedAway = findRetiedAway();

        // Parameters determined by one tensor become one object: the file stores them once.
        int[] parent = new int[params.size()];
        for (int k = 0; k < parent.length; k++) parent[k] = k;
        Map<String, Integer> firstParamOf = new HashMap<>();
        for (Site s : sites) {
            if (s.kind != Kind.DETERMINES) continue;
            Integer other = firstParamOf.putIfAbsent(s.tensor, s.param);
            if (other != null) union(parent, s.param, other);
        }
        Map<Integer, Group> groups = new LinkedHashMap<>();
        for (int k = 0; k < params.size(); k++) {
            if (retiedAway[k]) continue;
            List<Site> det = sitesOf.get(k).stream().filter(s -> s.kind == Kind.DETERMINES).toList();
            if (det.isEmpty()) continue;
            Group g = groups.computeIfAbsent(find(parent, k), r -> new Group());
            g.members.add(k);
            g.determining.addAll(det);
        }
        Group[] groupOf = new Group[params.size()];
        for (Group g : groups.values()) {
            for (int k : g.members) groupOf[k] = g;
            planGroup(g);
        }
        for (int k = 0; k < params.size(); k++) {
            if (!retiedAway[k] && groupOf[k] == null) planUndetermined(k);
        }
        for (Site s : sites) {
            Group g = groupOf[s.param];
            if (s.kind == Kind.CHECK) planCheck(s, g);
            else if (s.kind == Kind.MISSING && g != null && g.value != null) {
                notes.add("'" + s.path() + "' is not in the file; the model's " + (s.use.tie() == null ? "parameter there is the one loaded at '" : s.modelSpec + " tie there is of the parameter loaded at '")
                        + g.determining.get(0).path() + "'");
            }
        }
        Map<String, Parameter> created = new HashMap<>();
        for (Site s : sites) {
            if (s.kind != Kind.RETIE || !retiedAway[s.param]) continue;
            Integer first = firstParamOf.get(s.tensor);
            planRetie(s, first == null ? null : groupOf[first], created);
        }
    }

    /**
     * Parameters every site of which the file records as one tie: the sites become that tie and
     * the parameter leaves the model. A parameter shared at sites the file records differently
     * cannot stay one object and become a tie at once.
     */
    private boolean[] findRetiedAway() {
        boolean[] away = new boolean[params.size()];
        for (int k = 0; k < params.size(); k++) {
            List<Site> all = sitesOf.get(k);
            List<Site> reties = all.stream().filter(s -> s.kind == Kind.RETIE).toList();
            if (reties.isEmpty()) continue;
            Set<String> relations = new LinkedHashSet<>();
            for (Site s : reties) relations.add(s.fileSpec + " of '" + s.tensor + "'");
            if (reties.size() == all.size() && relations.size() == 1) {
                away[k] = true;
                continue;
            }
            List<String> described = new ArrayList<>();
            for (Site s : all) {
                described.add("'" + s.path() + "' " + switch (s.kind) {
                    case RETIE -> "as " + s.fileSpec + " of '" + s.tensor + "'";
                    case MISSING -> "not at all";
                    case FAILED -> "in a way that does not fit";
                    default -> s.alias != null ? "as " + s.alias.describe() : "as a tensor of its own";
                });
            }
            problems.add("the model shares one parameter at " + paths(all) + ", but the file records " + String.join(", ", described)
                    + "; one parameter cannot be all of these");
            for (Site s : reties) s.kind = Kind.FAILED;
        }
        return away;
    }

    private void planGroup(Group g) {
        Parameter owner = params.get(g.members.get(0));
        DType dtype = owner.dtype();
        if (g.members.stream().anyMatch(k -> params.get(k).dtype() != dtype)) {
            List<String> described = new ArrayList<>();
            for (Site s : g.determining) described.add(s.path() + " (" + s.use.parameter().dtype() + ")");
            problems.add("the file stores " + paths(g.determining) + " as one tensor, but the model's parameters there have different dtypes "
                    + described + ", so they cannot be tied");
            return;
        }
        Map<String, Site> byTensor = new LinkedHashMap<>();
        for (Site s : g.determining) byTensor.putIfAbsent(s.tensor, s);
        String first = byTensor.keySet().iterator().next();
        NDArray value = value(first, dtype);
        List<String> differing = new ArrayList<>();
        for (String t : byTensor.keySet()) {
            String d = disagreement(value, value(t, dtype), eps(first, t, dtype));
            if (d != null) differing.add("'" + t + "' differs from '" + first + "' " + d);
        }
        if (!differing.isEmpty()) {
            problems.add("the model ties " + paths(g.determining) + " (one parameter), but the file stores them as separate tensors "
                    + byTensor.keySet() + " whose values differ (" + String.join("; ", differing) + ")");
            return;
        }
        for (String t : byTensor.keySet()) {
            if (!t.equals(first) && g.members.size() == 1) {
                notes.add(name(t) + " is stored as a separate tensor; it equals " + name(first) + ", the parameter the model shares there, which stays shared");
            }
        }
        g.value = value;
        g.owner = owner;
        actions.add(() -> owner.set(value));
        for (Site s : g.determining) {
            loaded.add(s.path());
            if (s.alias != null && s.alias.stored()) checkCopy(s);
        }
        for (int k : g.members) {
            if (params.get(k) == owner) continue;
            for (Site s : sitesOf.get(k)) {
                Tie tie = s.use.tie();
                actions.add(tie == null ? () -> model.tie(s.path(), owner) : () -> model.tie(s.path(), tie.withOwner(owner)));
                notes.add("'" + s.path() + "' now uses the parameter at '" + g.determining.get(0).path() + "'" + (tie == null ? "" : " through its " + s.modelSpec + " tie")
                        + ": the file stores them as one tensor");
            }
        }
    }

    /** A parameter no tensor of the file gives a value: missing, unless one of its sites already failed. */
    private void planUndetermined(int k) {
        List<Site> all = sitesOf.get(k);
        if (all.stream().anyMatch(s -> s.kind == Kind.FAILED)) return;
        Parameter p = params.get(k);
        List<Site> absent = all.stream().filter(s -> s.kind == Kind.MISSING).toList();
        List<Site> tiedOnly = all.stream().filter(s -> s.kind == Kind.CHECK).toList();
        Site shown = absent.isEmpty() ? all.get(0) : absent.get(0);
        if (options.isStrict()) {
            StringBuilder sb = new StringBuilder("missing tensor '" + shown.path() + "': the model has a " + p.dtype() + " " + Arrays.toString(p.shape())
                    + " parameter there" + (shown.use.tie() == null ? "" : " (the owner of its " + shown.modelSpec + " tie)")
                    + ", the file has no tensor or alias of that name");
            if (absent.size() > 1) sb.append(" (nor at its other sites ").append(paths(absent.subList(1, absent.size()))).append(')');
            if (!tiedOnly.isEmpty()) {
                sb.append("; the file has ").append(paths(tiedOnly)).append(", which the model ties to it, but not the parameter itself");
            }
            problems.add(sb.toString());
        } else {
            if (absent.isEmpty()) missing.add(shown.path());
            for (Site s : absent) missing.add(s.path());
            for (Site s : tiedOnly) {
                notes.add("'" + s.path() + "' in the file was not used: the model ties it (" + s.modelSpec + ") to a parameter the file does not have");
            }
        }
    }

    /** A model tie where the file has something else: the tie stays if it gives the file's values. */
    private void planCheck(Site s, Group g) {
        if (g == null || g.value == null) return; // missing owner, or a problem already
        DType dtype = g.owner.dtype();
        NDArray tied = apply(s.use.tie().transform(), g.value);
        NDArray stored = fileWeight(s, dtype);
        String d = disagreement(stored, tied, eps(s.tensor, s.tensor, dtype));
        String ownerPath = g.determining.get(0).path();
        String fileSays = s.fileTransform == null ? (s.alias == null ? "as a separate tensor" : "as " + s.alias.describe())
                : "as " + s.fileSpec + " of " + name(s.tensor);
        if (d != null) {
            problems.add("the model ties '" + s.path() + "' as " + s.modelSpec + " of '" + ownerPath + "', but the file stores '" + s.path() + "' " + fileSays
                    + ", whose values differ from the tie's " + d);
            return;
        }
        loaded.add(s.path());
        usedTensors.add(s.path());
        notes.add("'" + s.path() + "' is stored " + fileSays + "; it equals the model's tie (" + s.modelSpec + " of '" + ownerPath + "'), which is kept");
        if (s.alias != null && s.alias.stored()) checkCopy(s);
    }

    /** The file records a tie where the model has a parameter of its own: the site becomes the tie. */
    private void planRetie(Site s, Group g, Map<String, Parameter> created) {
        Parameter own = s.use.parameter();
        Parameter owner;
        if (g != null) {
            if (g.value == null) return; // a problem already
            owner = g.owner;
        } else {
            owner = created.computeIfAbsent(s.tensor, t -> new Parameter(leaf(t), value(t, own.dtype())));
        }
        if (owner.dtype() != own.dtype()) {
            problems.add("the file ties '" + s.path() + "' (" + own.dtype() + " in the model) as " + s.fileSpec + " of " + name(s.tensor)
                    + ", whose parameter is " + owner.dtype() + "; a tie has its owner's dtype");
            return;
        }
        if (s.alias.stored()) checkCopy(s);
        Tie tie = Tie.of(owner, s.fileTransform);
        actions.add(() -> model.tie(s.path(), tie));
        loaded.add(s.path());
        notes.add("'" + s.path() + "' is now " + s.fileSpec + " of " + (g != null ? "'" + g.determining.get(0).path() + "'" : "a parameter holding tensor " + name(s.tensor))
                + ", as the file records (the model had a parameter of its own there)");
    }

    /** A stored copy of an alias (a file written for PyTorch) must be what the alias says. */
    private void checkCopy(Site s) {
        NDArray x = rawValue(s.tensor);
        NDArray expected = s.fileTransform == null ? x : apply(s.fileTransform, x);
        NDArray copy = rawValue(s.path());
        String d = disagreement(expected, copy.dtype() == expected.dtype() ? copy : copy.to(expected.dtype()), eps(s.tensor, s.path(), expected.dtype()));
        if (d != null) {
            problems.add("the file's own copy of " + name(s.path()) + " differs from " + s.alias.describe() + ", as the file records it, " + d
                    + "; the file contradicts itself (was the copy changed by another tool?)");
        }
    }

    private static String leaf(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    // ---------------------------------------------------------------- buffers

    private void planBuffers() {
        for (Map.Entry<NDArray, List<String>> e : bufferPaths(model).entrySet()) {
            NDArray target = e.getKey();
            List<String> paths = e.getValue();
            List<String> present = paths.stream().filter(tensorAt::containsKey).toList();
            if (present.isEmpty()) {
                if (options.isStrict()) {
                    problems.add("missing buffer '" + paths.get(0) + "': the model keeps a " + target.dtype() + " " + Arrays.toString(target.shape())
                            + " buffer there (state such as running statistics), the file has no tensor of that name");
                } else {
                    missing.add(paths.get(0));
                }
                continue;
            }
            usedTensors.addAll(present);
            String first = present.get(0);
            boolean fits = true;
            for (String p : present) {
                if (!Arrays.equals(shapeOf(p), target.shape())) {
                    problems.add("shape mismatch at buffer " + name(p) + ": model expects " + Arrays.toString(target.shape()) + ", file has " + Arrays.toString(shapeOf(p)));
                    fits = false;
                }
            }
            if (!fits) continue;
            NDArray value = value(first, target.dtype());
            for (String p : present.subList(1, present.size())) {
                String d = disagreement(value, value(p, target.dtype()), eps(first, p, target.dtype()));
                if (d != null) {
                    problems.add("the model uses one block at " + paths.stream().map(q -> q.substring(0, q.lastIndexOf('.') + 1) + "*").toList()
                            + ", but the file's buffer " + name(p) + " differs from " + name(first) + " " + d);
                }
            }
            actions.add(() -> target.assign(value));
            loaded.addAll(present);
        }
    }

    /**
     * Every buffer of the tree under every path it has: a block registered at several places
     * keeps one buffer, which PyTorch's state dict lists under each place.
     */
    static Map<NDArray, List<String>> bufferPaths(Block root) {
        Map<NDArray, List<String>> out = new IdentityHashMap<>();
        List<NDArray> order = new ArrayList<>();
        walkBuffers(root, "", out, order);
        Map<NDArray, List<String>> ordered = new LinkedHashMap<>();
        for (NDArray a : order) ordered.put(a, out.get(a)); // identity keys: NDArray does not override equals
        return ordered;
    }

    private static void walkBuffers(Block b, String prefix, Map<NDArray, List<String>> out, List<NDArray> order) {
        for (Map.Entry<String, NDArray> e : b.namedBuffers().entrySet()) {
            if (e.getKey().contains(".")) continue; // a descendant's, reached through its own block below
            List<String> paths = out.get(e.getValue());
            if (paths == null) {
                out.put(e.getValue(), paths = new ArrayList<>());
                order.add(e.getValue());
            }
            paths.add(prefix + e.getKey());
        }
        for (Map.Entry<String, Block> c : b.children().entrySet()) walkBuffers(c.getValue(), prefix + c.getKey() + ".", out, order);
    }

    /** PyTorch's batch norm counts its training steps in a buffer Motif's does not keep: accepted and ignored. */
    private void ignoreCounters() {
        Set<String> buffers = new HashSet<>();
        for (List<String> ps : bufferPaths(model).values()) buffers.addAll(ps);
        for (Map.Entry<String, TensorInfo> e : tensorAt.entrySet()) {
            String m = e.getKey();
            if (usedTensors.contains(m) || !m.endsWith(COUNTER)) continue;
            String prefix = m.substring(0, m.length() - COUNTER.length());
            if (!(prefix.isEmpty() || prefix.endsWith(".")) || !buffers.contains(prefix + "running_mean")) continue;
            TensorInfo t = e.getValue();
            usedTensors.add(m);
            String what = t.elementCount() == 1 && !t.dtype().startsWith("F") && !t.dtype().equals("BF16")
                    ? t.dtype() + " " + Arrays.toString(t.shape()) + " = " + f.longs(t.name())[0] : t.dtype() + " " + Arrays.toString(t.shape());
            notes.add("ignored " + name(m) + " (" + what + "): PyTorch's count of batch-norm training steps, which Motif's batch norm does not keep");
        }
    }

    private void reportUnused() {
        for (Map.Entry<String, TensorInfo> e : tensorAt.entrySet()) {
            if (usedTensors.contains(e.getKey())) continue;
            TensorInfo t = e.getValue();
            if (options.isStrict()) {
                problems.add("unexpected tensor " + name(e.getKey()) + " (" + t.dtype() + " " + Arrays.toString(t.shape()) + "): the model has no parameter or buffer at that path");
            } else {
                unexpected.add(t.name());
            }
        }
        for (Map.Entry<String, Alias> e : aliasAt.entrySet()) {
            if (usedAliases.contains(e.getKey())) continue;
            if (options.isStrict()) {
                problems.add("unexpected alias " + name(e.getKey()) + " (of tensor '" + e.getValue().owner() + "'): the model has no parameter at that path");
            } else {
                unexpected.add(fileNameOf.getOrDefault(e.getKey(), e.getKey()));
            }
        }
    }

    /** When the names fail to match by a common prefix, the option that would fix it. */
    private String hint() {
        Set<String> absent = new LinkedHashSet<>();
        for (Site s : sites) if (s.kind == Kind.MISSING) absent.add(s.path());
        for (List<String> ps : bufferPaths(model).values()) for (String b : ps) if (!tensorAt.containsKey(b)) absent.add(b);
        Map<String, Integer> strip = new HashMap<>(), add = new HashMap<>();
        for (String t : tensorAt.keySet()) {
            if (usedTensors.contains(t)) continue;
            for (String m : absent) {
                if (t.endsWith("." + m)) strip.merge(t.substring(0, t.length() - m.length()), 1, Integer::sum);
                if (m.endsWith("." + t)) add.merge(m.substring(0, m.length() - t.length()), 1, Integer::sum);
            }
        }
        String s = best(strip), a = best(add);
        if (s != null) return " (the file's names have a prefix the model's paths lack: try LoadOptions.defaults().stripPrefix(\"" + s + "\"))";
        if (a != null) return " (the model's paths have a prefix the file's names lack: try LoadOptions.defaults().rename(n -> \"" + a + "\" + n))";
        return "";
    }

    private static String best(Map<String, Integer> counts) {
        return counts.entrySet().stream().filter(e -> e.getValue() >= 2 || counts.size() == 1).max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    // ---------------------------------------------------------------- values

    /** Half the spacing of floating-point numbers near 1 in the coarsest of the dtypes involved. */
    private double eps(String tensorA, String tensorB, DType dtype) {
        return Math.max(Math.max(eps(tensorAt.get(tensorA).dtype()), eps(tensorAt.get(tensorB).dtype())), dtype == DType.F32 ? 0x1p-24 : 0x1p-53);
    }

    private static double eps(String safetensorsDtype) {
        return switch (safetensorsDtype) {
            case "F32" -> 0x1p-24;
            case "F16" -> 0x1p-11;
            case "BF16" -> 0x1p-8;
            default -> 0x1p-53; // F64, and integers, exact in a double
        };
    }

    /**
     * Null when two arrays of one shape agree to a few roundings at {@code eps} (relative to the
     * largest magnitude in either, so values near zero are judged at the tensor's scale);
     * otherwise where and by how much they differ.
     */
    static String disagreement(NDArray a, NDArray b, double eps) {
        if (!Arrays.equals(a.shape(), b.shape())) return "in shape (" + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()) + ")";
        int n = a.size();
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.max(scale, Math.max(finiteAbs(a.getFlat(i)), finiteAbs(b.getFlat(i))));
        double tol = 4 * eps * scale, worst = -1;
        int at = -1;
        for (int i = 0; i < n; i++) {
            double x = a.getFlat(i), y = b.getFlat(i);
            if (Double.compare(x, y) == 0 || x == y) continue;
            double d = Double.isNaN(x) || Double.isNaN(y) || Double.isInfinite(x) || Double.isInfinite(y) ? Double.POSITIVE_INFINITY : Math.abs(x - y);
            if (d > tol && d > worst) {
                worst = d;
                at = i;
            }
        }
        if (at < 0) return null;
        return "by up to " + (float) worst + " (at " + Shapes.str(index(at, a.shape())) + ": " + a.getFlat(at) + " against " + b.getFlat(at) + ")";
    }

    private static double finiteAbs(double v) {
        return Double.isFinite(v) ? Math.abs(v) : 0;
    }

    private static int[] index(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> paths(List<Site> sites) {
        return sites.stream().map(Site::path).toList();
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) i = parent[i] = parent[parent[i]];
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a), rb = find(parent, b);
        if (ra != rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
}
