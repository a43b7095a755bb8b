package dev.motif.nn;

import dev.motif.array.Shapes;
import dev.motif.autodiff.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * A differentiable function from an owner parameter to the weight a tie stands for: the
 * transpose of an embedding used as an output projection, the rotated copies of one filter, the
 * per-dataset vectors gathered from shared and local values. It is applied inside
 * {@code forward}, so the owner's gradient is what the copies send back, summed (for a gather,
 * a scatter-add).
 *
 * <p>A transform has a {@link #spec()}, a short text that checkpoints record in their alias
 * metadata; the built-in transforms can be rebuilt from it by {@link #parse(String)}.
 *
 * <pre>{@code
 * Transform t = Transform.transpose();            // [out, in] -> [in, out]
 * Tensor w = t.apply(encoder.weight());
 * }</pre>
 */
public interface Transform {
    /** The tied weight computed from the owner (recorded, so gradients reach the owner). */
    Tensor apply(Tensor owner);

    /** The shape {@link #apply} gives for an owner of {@code ownerShape}; an IllegalArgumentException if it does not fit. */
    int[] shape(int[] ownerShape);

    /** A short text naming the transform and its arguments; two transforms with equal specs compute the same function. */
    String spec();

    /** The owner itself (what sharing one Parameter at two sites is; as a transform it is the trivial tie). */
    static Transform identity() {
        return Builtin.IDENTITY;
    }

    /** The last two axes swapped: the decoder of a tied autoencoder, an output projection stored as [in, out]. */
    static Transform transpose() {
        return Builtin.TRANSPOSE;
    }

    /** The axes reordered: output axis i is owner axis {@code perm[i]}. */
    static Transform permute(int... perm) {
        return new Builtin("permute", perm.clone(), null);
    }

    /** The same values in another shape (one extent may be -1). */
    static Transform reshape(int... shape) {
        return new Builtin("reshape", shape.clone(), null);
    }

    /**
     * Element {@code k} of the result (row-major in {@code shape}) is the owner's element at
     * flat index {@code index[k]}; indices may repeat, which is how one filter stands for its
     * rotated copies or one value for many datasets. The gradient is a scatter-add.
     */
    static Transform gather(int[] index, int... shape) {
        if (index.length != Shapes.size(shape)) {
            throw new IllegalArgumentException("Transform.gather: " + index.length + " indices for a result of shape " + Shapes.str(shape)
                    + " (" + Shapes.size(shape) + " elements)");
        }
        return new Builtin("gather", shape.clone(), index.clone());
    }

    /** This transform, then {@code next}. */
    default Transform andThen(Transform next) {
        Transform first = this;
        return new Transform() {
            @Override
            public Tensor apply(Tensor owner) {
                return next.apply(first.apply(owner));
            }

            @Override
            public int[] shape(int[] ownerShape) {
                return next.shape(first.shape(ownerShape));
            }

            @Override
            public String spec() {
                return first.spec() + " | " + next.spec();
            }

            @Override
            public String toString() {
                return spec();
            }
        };
    }

    /**
     * Rebuilds a built-in transform from its {@link #spec()}: {@code identity}, {@code transpose},
     * {@code permute(1,0,2)}, {@code reshape(4,-1)}, {@code gather[2x2](0,1,1,0)}, and chains of
     * them joined by {@code " | "}.
     *
     * @throws IllegalArgumentException naming the part that is not a built-in transform
     */
    static Transform parse(String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("Transform.parse: empty transform");
        Transform t = null;
        for (String part : spec.split("\\s*\\|\\s*")) {
            Transform next = Builtin.parseOne(part.trim(), spec);
            t = t == null ? next : t.andThen(next);
        }
        return t;
    }

    /** The built-in transforms, which {@link #parse} can rebuild. */
    final class Builtin implements Transform {
        static final Builtin IDENTITY = new Builtin("identity", null, null);
        static final Builtin TRANSPOSE = new Builtin("transpose", null, null);
        private static final List<String> NAMES = List.of("identity", "transpose", "permute", "reshape", "gather");

        private final String name;
        private final int[] args;
        private final int[] index;

        private Builtin(String name, int[] args, int[] index) {
            this.name = name;
            this.args = args;
            this.index = index;
        }

        @Override
        public Tensor apply(Tensor owner) {
            return switch (name) {
                case "identity" -> owner;
                case "transpose" -> owner.mT();
                case "permute" -> owner.permute(args);
                case "reshape" -> owner.reshape(args);
                default -> owner.gatherFlat(index, args);
            };
        }

        @Override
        public int[] shape(int[] ownerShape) {
            switch (name) {
                case "identity":
                    return ownerShape.clone();
                case "transpose": {
                    if (ownerShape.length < 2) throw new IllegalArgumentException("transpose: needs an owner of rank >= 2, got " + Shapes.str(ownerShape));
                    int[] s = ownerShape.clone();
                    s[s.length - 1] = ownerShape[s.length - 2];
                    s[s.length - 2] = ownerShape[s.length - 1];
                    return s;
                }
                case "permute": {
                    if (args.length != ownerShape.length) {
                        throw new IllegalArgumentException("permute" + Arrays.toString(args) + ": an owner of rank " + ownerShape.length + " (" + Shapes.str(ownerShape) + ")");
                    }
                    int[] s = new int[args.length];
                    boolean[] seen = new boolean[args.length];
                    for (int i = 0; i < args.length; i++) {
                        int a = args[i];
                        if (a < 0 || a >= args.length || seen[a]) throw new IllegalArgumentException("permute" + Arrays.toString(args) + " is not a permutation of 0.." + (args.length - 1));
                        seen[a] = true;
                        s[i] = ownerShape[a];
                    }
                    return s;
                }
                case "reshape":
                    return reshaped(ownerShape, args);
                default: {
                    long n = Shapes.size(ownerShape);
                    for (int k = 0; k < index.length; k++) {
                        if (index[k] < 0 || index[k] >= n) {
                            throw new IllegalArgumentException("gather: index " + index[k] + " at position " + k + " is outside an owner of "
                                    + Shapes.str(ownerShape) + " (" + n + " elements)");
                        }
                    }
                    return args.clone();
                }
            }
        }

        @Override
        public String spec() {
            return switch (name) {
                case "identity", "transpose" -> name;
                case "gather" -> "gather[" + dims(args) + "](" + join(index) + ")";
                default -> name + "(" + join(args) + ")";
            };
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Builtin b && name.equals(b.name) && Arrays.equals(args, b.args) && Arrays.equals(index, b.index);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * name.hashCode() + Arrays.hashCode(args)) + Arrays.hashCode(index);
        }

        @Override
        public String toString() {
            return spec();
        }

        /** The target shape with a -1 resolved, or an error when the sizes cannot agree. */
        private static int[] reshaped(int[] from, int[] to) {
            long n = Shapes.size(from), known = 1;
            int free = -1;
            for (int i = 0; i < to.length; i++) {
                if (to[i] == -1 && free < 0) free = i;
                else if (to[i] <= 0) throw new IllegalArgumentException("reshape(" + join(to) + "): extents must be positive, with at most one -1");
                else known *= to[i];
            }
            int[] s = to.clone();
            if (free >= 0) {
                if (known == 0 || n % known != 0) throw new IllegalArgumentException("reshape(" + join(to) + "): an owner of " + Shapes.str(from) + " does not fit");
                s[free] = (int) (n / known);
            } else if (known != n) {
                throw new IllegalArgumentException("reshape(" + join(to) + "): an owner of " + Shapes.str(from) + " has " + n + " elements, not " + known);
            }
            return s;
        }

        private static String join(int[] v) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < v.length; i++) sb.append(i > 0 ? "," : "").append(v[i]);
            return sb.toString();
        }

        private static String dims(int[] v) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < v.length; i++) sb.append(i > 0 ? "x" : "").append(v[i]);
            return sb.toString();
        }

        static Transform parseOne(String part, String whole) {
            String name = part, shapeText = null, argText = null;
            int open = part.indexOf('('), bracket = part.indexOf('[');
            if (bracket >= 0 && (open < 0 || bracket < open)) {
                int close = part.indexOf(']', bracket);
                if (close < 0) throw bad(part, whole, "an unclosed '['");
                name = part.substring(0, bracket).trim();
                shapeText = part.substring(bracket + 1, close);
                part = name + part.substring(close + 1);
                open = part.indexOf('(');
            }
            if (open >= 0) {
                if (!part.endsWith(")")) throw bad(part, whole, "no closing ')'");
                name = part.substring(0, open).trim();
                argText = part.substring(open + 1, part.length() - 1);
            }
            if (!NAMES.contains(name)) throw bad(part, whole, "'" + name + "' is not a built-in transform (" + String.join(", ", NAMES) + ")");
            switch (name) {
                case "identity":
                case "transpose":
                    if (argText != null || shapeText != null) throw bad(part, whole, name + " takes no arguments");
                    return name.equals("identity") ? IDENTITY : TRANSPOSE;
                case "gather":
                    if (shapeText == null || argText == null) throw bad(part, whole, "gather needs a shape and indices, as gather[2x2](0,1,1,0)");
                    return gather(ints(argText, ",", part, whole), ints(shapeText, "x", part, whole));
                default:
                    if (argText == null) throw bad(part, whole, name + " needs arguments, as " + name + "(1,0)");
                    int[] a = ints(argText, ",", part, whole);
                    return name.equals("permute") ? permute(a) : reshape(a);
            }
        }

        private static int[] ints(String text, String sep, String part, String whole) {
            if (text.isBlank()) return new int[0];
            String[] items = text.split(sep, -1);
            int[] out = new int[items.length];
            for (int i = 0; i < items.length; i++) {
                String s = items[i].trim();
                if (!s.matches("-?[0-9]{1,10}")) throw bad(part, whole, "'" + s + "' is not a whole number");
                try {
                    out[i] = Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    throw bad(part, whole, "'" + s + "' is too large");
                }
            }
            return out;
        }

        private static IllegalArgumentException bad(String part, String whole, String why) {
            return new IllegalArgumentException("transform '" + whole + "': " + why + (part.equals(whole) ? "" : " (in '" + part + "')"));
        }
    }
}
