package dev.motif.cli;

import dev.motif.array.DType;
import dev.motif.nn.Activation;
import dev.motif.nn.AvgPool1d;
import dev.motif.nn.AvgPool2d;
import dev.motif.nn.BatchNorm1d;
import dev.motif.nn.BatchNorm2d;
import dev.motif.nn.Conv1d;
import dev.motif.nn.Conv2d;
import dev.motif.nn.ConvOptions;
import dev.motif.nn.Dropout;
import dev.motif.nn.Flatten;
import dev.motif.nn.GlobalAvgPool;
import dev.motif.nn.GlobalMaxPool;
import dev.motif.nn.Linear;
import dev.motif.nn.LocallyConnected1d;
import dev.motif.nn.LocallyConnected2d;
import dev.motif.nn.MaxPool1d;
import dev.motif.nn.MaxPool2d;
import dev.motif.nn.Block;
import dev.motif.nn.Sequential;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The small layer language of {@code motif count}: an input shape and one token per layer, built
 * into a {@link Sequential} whose i-th layer is the i-th token (a {@code dense} on an input with
 * more than one axis is one layer made of a Flatten and a Linear).
 *
 * <p>Input: {@code HxWxC} (an image, channels last as people write it; the model itself is
 * N, C, H, W), {@code LxC} (a sequence of L steps with C channels; the model sees N, C, L) or a
 * plain length {@code N} (a vector). Layers:
 * <pre>
 * conv:OUT:KxK[:s=S][:p=P|same][:d=D][:g=G][:nobias]   2-D convolution (S, P, D may be AxB)
 * conv1d:OUT:K[:s=S][:p=P|same][:d=D][:g=G][:nobias]   1-D convolution over LxC
 * local:OUT:KxK[...] / local1d:OUT:K[...]               locally connected: a kernel per position
 * maxpool:K[:s=S][:p=P]  avgpool:K[:s=S][:p=P]          pooling (2-D on HxWxC, 1-D on LxC)
 * gmaxpool  gavgpool                                     global pooling to C values
 * dense:OUT[:nobias]                                     fully connected (flattens first)
 * flatten  relu  tanh  sigmoid  gelu  batchnorm  dropout:P
 * </pre>
 * Errors name the token and its 1-based position: {@code layer 3 'conv:16:3y3': kernel must be
 * KxK, got '3y3'}.
 */
final class LayerLanguage {
    private LayerLanguage() {}

    /** A model built from tokens: layer i of {@code model} is token i, described by {@code labels[i]}. */
    record Built(int[] inputShape, Sequential model, List<String> tokens, List<String> labels) {}

    /**
     * The per-example shape in the model's layout: {@code HxWxC} gives [C, H, W], {@code LxC}
     * gives [C, L], {@code N} gives [N].
     */
    static int[] parseInput(String s) {
        String[] p = s.trim().split("x", -1);
        if (p.length > 3) throw new IllegalArgumentException("input '" + s + "': expected HxWxC, LxC or a length N, got " + p.length + " axes");
        int[] v = new int[p.length];
        for (int i = 0; i < p.length; i++) v[i] = positive("input '" + s + "'", "extent", p[i]);
        return switch (v.length) {
            case 1 -> new int[] {v[0]};
            case 2 -> new int[] {v[1], v[0]};
            default -> new int[] {v[2], v[0], v[1]};
        };
    }

    /** A per-example shape in the notation the input was given in: [C, H, W] as HxWxC, [C, L] as LxC. */
    static String notation(int[] shape) {
        return switch (shape.length) {
            case 1 -> Integer.toString(shape[0]);
            case 2 -> shape[1] + "x" + shape[0];
            case 3 -> shape[1] + "x" + shape[2] + "x" + shape[0];
            default -> Arrays.toString(shape);
        };
    }

    /** Builds the layers for inputs of {@code inputShape} (per example), checking each against the shape it receives. */
    static Built build(int[] inputShape, List<String> tokens, DType dtype, RandomGenerator rng) {
        if (tokens.isEmpty()) throw new IllegalArgumentException("no layers given: expected at least one, e.g. conv:16:3x3 relu dense:10");
        Sequential model = new Sequential();
        List<String> labels = new ArrayList<>();
        int[] shape = withBatch(inputShape);
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            String where = "layer " + (i + 1) + " '" + token + "'";
            Block m;
            try {
                m = layer(where, token, shape, dtype, rng);
            } catch (IllegalArgumentException e) {
                throw e.getMessage().startsWith(where) ? e : new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            int[] out = fit(where, m, shape);
            model.add(m);
            // A dense layer on an image is a Flatten and a Linear; say so rather than "Sequential(...)".
            labels.add(m instanceof Sequential s ? String.join(", ", s.layers().stream().map(Block::describe).toList()) : m.describe());
            shape = out;
        }
        return new Built(inputShape.clone(), model, List.copyOf(tokens), List.copyOf(labels));
    }

    /** The module's output shape, or an error naming the layer and the shapes when the input does not fit it. */
    private static int[] fit(String where, Block m, int[] shape) {
        try {
            return m.outputShape(shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " does not fit its input " + notation(perExample(shape)) + " (model layout "
                    + Arrays.toString(perExample(shape)) + "): " + e.getMessage(), e);
        }
    }

    private static Block layer(String where, String token, int[] shape, DType dtype, RandomGenerator rng) {
        String[] p = token.split(":", -1);
        String kind = p[0].toLowerCase(Locale.ROOT);
        int rank = shape.length - 1;
        int channels = shape[1];
        return switch (kind) {
            case "conv", "local" -> {
                needArgs(where, p, 3, kind + ":OUT:KxK");
                needRank(where, kind, shape, 3, "an image HxWxC");
                int out = positive(where, "OUT", p[1]);
                int[] k = pair(where, "kernel", p[2], false);
                ConvOptions o = convOptions(where, p, 3);
                Conv2d conv = new Conv2d(channels, out, k[0], k[1], o, dtype, rng);
                if (kind.equals("conv")) yield conv;
                fit(where, conv, shape);
                affordable(where, conv.untiedParameterCount(shape), dtype);
                yield new LocallyConnected2d(channels, out, shape[2], shape[3], k[0], k[1], o, dtype, rng);
            }
            case "conv1d", "local1d" -> {
                needArgs(where, p, 3, kind + ":OUT:K");
                needRank(where, kind, shape, 2, "a sequence LxC");
                int out = positive(where, "OUT", p[1]);
                int k = positive(where, "kernel", p[2]);
                ConvOptions o = convOptions(where, p, 3);
                Conv1d conv = new Conv1d(channels, out, k, o, dtype, rng);
                if (kind.equals("conv1d")) yield conv;
                fit(where, conv, shape);
                affordable(where, conv.untiedParameterCount(shape), dtype);
                yield new LocallyConnected1d(channels, out, shape[2], k, o, dtype, rng);
            }
            case "maxpool", "avgpool" -> {
                needArgs(where, p, 2, kind + ":K");
                int k = positive(where, "kernel", p[1]);
                int s = k, pad = 0;
                for (int i = 2; i < p.length; i++) {
                    String[] kv = keyValue(where, p[i]);
                    switch (kv[0]) {
                        case "s" -> s = positive(where, "stride", kv[1]);
                        case "p" -> pad = nonNegative(where, "padding", kv[1]);
                        default -> throw new IllegalArgumentException(where + ": unknown option '" + p[i] + "', expected s=S or p=P");
                    }
                }
                if (rank == 3) yield kind.equals("maxpool") ? new MaxPool2d(k, s, pad) : new AvgPool2d(k, s, pad);
                if (rank == 2) yield kind.equals("maxpool") ? new MaxPool1d(k, s, pad) : new AvgPool1d(k, s, pad);
                throw new IllegalArgumentException(where + ": pooling needs an image HxWxC or a sequence LxC, got a vector of " + shape[1]);
            }
            case "gmaxpool", "gavgpool" -> {
                noArgs(where, p);
                if (rank < 2) throw new IllegalArgumentException(where + ": global pooling needs an image HxWxC or a sequence LxC, got a vector of " + shape[1]);
                yield kind.equals("gmaxpool") ? new GlobalMaxPool() : new GlobalAvgPool();
            }
            case "dense" -> {
                needArgs(where, p, 2, "dense:OUT");
                int out = positive(where, "OUT", p[1]);
                boolean bias = true;
                for (int i = 2; i < p.length; i++) {
                    if (!p[i].equals("nobias")) throw new IllegalArgumentException(where + ": unknown option '" + p[i] + "', expected nobias");
                    bias = false;
                }
                long in = size(shape);
                affordable(where, in * out + (bias ? out : 0), dtype);
                Linear linear = new Linear((int) in, out, bias, dtype, rng);
                yield rank == 1 ? linear : new Sequential(new Flatten(), linear);
            }
            case "flatten" -> {
                noArgs(where, p);
                yield new Flatten();
            }
            case "relu", "tanh", "sigmoid", "gelu" -> {
                noArgs(where, p);
                yield switch (kind) {
                    case "relu" -> Activation.relu();
                    case "tanh" -> Activation.tanh();
                    case "sigmoid" -> Activation.sigmoid();
                    default -> Activation.gelu();
                };
            }
            case "batchnorm" -> {
                noArgs(where, p);
                yield rank == 3 ? new BatchNorm2d(channels, dtype) : new BatchNorm1d(channels, dtype);
            }
            case "dropout" -> {
                needArgs(where, p, 2, "dropout:P");
                double prob;
                try {
                    prob = Double.parseDouble(p[1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + ": P must be a number in [0, 1), got '" + p[1] + "'");
                }
                if (!(prob >= 0 && prob < 1)) throw new IllegalArgumentException(where + ": P must be a number in [0, 1), got '" + p[1] + "'");
                if (p.length > 2) throw new IllegalArgumentException(where + ": unexpected '" + p[2] + "' after dropout:P");
                yield new Dropout(prob, rng);
            }
            default -> throw new IllegalArgumentException(where + ": unknown layer '" + p[0]
                    + "', expected conv, conv1d, local, local1d, maxpool, avgpool, gmaxpool, gavgpool, dense, flatten, relu, tanh, sigmoid, gelu, batchnorm or dropout");
        };
    }

    /**
     * Refuses, with the count itself, a layer too large to build in this JVM: building it only to
     * count it would end in an OutOfMemoryError without a word. The initialisation holds the values
     * in double precision for a moment besides the layer's own array, hence the margin.
     */
    private static void affordable(String where, long values, DType dtype) {
        long bytes = values * dtype.bytes(), max = Runtime.getRuntime().maxMemory();
        // More memory would not help here: one Java array holds at most 2^31 - 1 values.
        if (values > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s would hold %,d parameters, more than one Java array can hold (%,d), so it cannot be built to count",
                    where, values, Integer.MAX_VALUE));
        }
        if (values * (8 + dtype.bytes()) > max / 2) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s would hold %,d parameters (%.1f GiB), more than this JVM can build to count (max heap %.1f GiB); "
                            + "give it more memory, e.g. MOTIF_JAVA_OPTS=-Xmx%dg",
                    where, values, bytes / 1073741824.0, max / 1073741824.0, (int) Math.ceil(2.0 * values * (8 + dtype.bytes()) / 1073741824.0) + 1));
        }
    }

    /** The options after the positional arguments of a conv or local layer. */
    private static ConvOptions convOptions(String where, String[] p, int from) {
        ConvOptions o = ConvOptions.DEFAULT;
        for (int i = from; i < p.length; i++) {
            if (p[i].equals("nobias")) {
                o = o.bias(false);
                continue;
            }
            String[] kv = keyValue(where, p[i]);
            o = switch (kv[0]) {
                case "s" -> {
                    int[] s = pair(where, "stride", kv[1], true);
                    yield o.stride(s[0], s[1]);
                }
                case "p" -> {
                    if (kv[1].equals("same")) yield o.samePadding();
                    int[] q = pairFrom(where, "padding", kv[1], true, false);
                    yield o.padding(q[0], q[1]);
                }
                case "d" -> {
                    int[] d = pair(where, "dilation", kv[1], true);
                    yield o.dilation(d[0], d[1]);
                }
                case "g" -> o.groups(positive(where, "groups", kv[1]));
                default -> throw new IllegalArgumentException(where + ": unknown option '" + p[i] + "', expected s=S, p=P|same, d=D, g=G or nobias");
            };
        }
        return o;
    }

    private static String[] keyValue(String where, String option) {
        int eq = option.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException(where + ": option '" + option + "' must be KEY=VALUE");
        return new String[] {option.substring(0, eq), option.substring(eq + 1)};
    }

    /** {@code AxB} as two positive numbers; with {@code single}, a plain {@code A} means AxA. */
    private static int[] pair(String where, String what, String s, boolean single) {
        return pairFrom(where, what, s, single, true);
    }

    private static int[] pairFrom(String where, String what, String s, boolean single, boolean positive) {
        String[] p = s.split("x", -1);
        String form = single ? "N or AxB" : "KxK";
        if (p.length == 1 && single) p = new String[] {p[0], p[0]};
        if (p.length != 2 || !isInt(p[0]) || !isInt(p[1])) throw new IllegalArgumentException(where + ": " + what + " must be " + form + ", got '" + s + "'");
        int[] v = {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
        if (positive ? v[0] <= 0 || v[1] <= 0 : v[0] < 0 || v[1] < 0) {
            throw new IllegalArgumentException(where + ": " + what + " must be " + (positive ? "positive" : "non-negative") + ", got '" + s + "'");
        }
        return v;
    }

    /** For a number refused only for its length (isInt takes at most 9 digits), the limit it broke; otherwise nothing. */
    private static String limit(String s) {
        return s.length() > 9 && s.chars().allMatch(c -> c >= '0' && c <= '9') ? " below 1,000,000,000" : "";
    }

    private static boolean isInt(String s) {
        if (s.isEmpty() || s.length() > 9) return false;
        // ASCII digits only: Character.isDigit (and parseInt) would also take other scripts' digits, e.g. '1٣' as 13.
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return true;
    }

    private static int positive(String where, String what, String s) {
        if (!isInt(s) || Integer.parseInt(s) <= 0) {
            throw new IllegalArgumentException(where + ": " + what + " must be a positive whole number" + limit(s) + ", got '" + s + "'");
        }
        return Integer.parseInt(s);
    }

    private static int nonNegative(String where, String what, String s) {
        if (!isInt(s)) throw new IllegalArgumentException(where + ": " + what + " must be a whole number >= 0" + limit(s) + ", got '" + s + "'");
        return Integer.parseInt(s);
    }

    private static void needArgs(String where, String[] p, int n, String form) {
        if (p.length < n) throw new IllegalArgumentException(where + ": expected " + form + ", got " + (p.length - 1) + " of its " + (n - 1) + " values");
    }

    private static void noArgs(String where, String[] p) {
        if (p.length > 1) throw new IllegalArgumentException(where + ": " + p[0] + " takes no values, got '" + p[1] + "'");
    }

    private static void needRank(String where, String kind, int[] shape, int rank, String what) {
        if (shape.length - 1 != rank) {
            throw new IllegalArgumentException(where + ": " + kind + " needs " + what + ", got " + notation(perExample(shape)) + " (model layout "
                    + Arrays.toString(perExample(shape)) + ")");
        }
    }

    static int[] withBatch(int[] perExample) {
        int[] s = new int[perExample.length + 1];
        s[0] = 1;
        System.arraycopy(perExample, 0, s, 1, perExample.length);
        return s;
    }

    static int[] perExample(int[] withBatch) {
        return Arrays.copyOfRange(withBatch, 1, withBatch.length);
    }

    private static long size(int[] withBatch) {
        long n = 1;
        for (int i = 1; i < withBatch.length; i++) n *= withBatch[i];
        return n;
    }
}
