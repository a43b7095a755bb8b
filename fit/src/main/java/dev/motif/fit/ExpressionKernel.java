package dev.motif.fit;

import dev.motif.array.SpecialFunctions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fast path of an {@link ExpressionModel}: its syntax tree flattened into a tape of
 * elementwise instructions, run forward and then backward over a block of at most {@link #BLOCK}
 * points, so that every intermediate column stays in cache and nothing is allocated per block.
 *
 * <p>The backward sweep is ordinary reverse-mode differentiation, with the same local derivative
 * of each operation as the {@link dev.motif.autodiff.Tensor} backward rules (tests check the two
 * against each other and against finite differences): the adjoint that reaches an input is
 * exactly {@code ∂f_i/∂input_i} for every point i of the block. Nodes that depend only on
 * per-block constants (covariates, parameters, numbers) are computed once per block.
 *
 * <p>Immutable and shareable; each thread uses its own {@link Workspace}.
 */
final class ExpressionKernel {
    /**
     * Points per block: a value and an adjoint column of 512 doubles (8 KiB together) per node, so
     * the columns of a typical model stay in L2 cache while the block runs forward and back.
     */
    static final int BLOCK = 512;

    private static final int CONST = 0, VAR = 1, SCALAR = 2, NEG = 3, ADD = 4, SUB = 5, MUL = 6, DIV = 7,
            POWC = 8, POW = 9, EXP = 10, LOG = 11, SQRT = 12, SIN = 13, COS = 14, TAN = 15, TANH = 16, ABS = 17,
            ERF = 18, MIN = 19, MAX = 20;
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private final int[] op, a, b;
    /** The number of a CONST or POWC node; the input index of a VAR or SCALAR node. */
    private final double[] constant;
    private final int[] input;
    /** Whether a node has one value for the whole block. */
    private final boolean[] uniform;
    /** Whether a node depends on a scalar input (so the backward sweep must visit it). */
    private final boolean[] dependsOnScalar;
    private final int root;
    private final int variableCount;
    /** Tape node of each scalar input (covariate or parameter), or -1 when the expression does not use it. */
    private final int[] scalarNode;

    /**
     * Flattens {@code model}'s expression; inputs are numbered as in {@link PointwiseEvaluator}:
     * variables first (columns), then covariates and parameters (one value per block).
     */
    ExpressionKernel(ExpressionModel model) {
        List<String> vars = model.variables();
        List<String> scalars = new ArrayList<>(model.covariates());
        scalars.addAll(model.parameters());
        Builder bld = new Builder(vars, scalars);
        this.root = bld.add(model.expression().root());
        int n = bld.ops.size();
        this.op = bld.ops.stream().mapToInt(Integer::intValue).toArray();
        this.a = bld.as.stream().mapToInt(Integer::intValue).toArray();
        this.b = bld.bs.stream().mapToInt(Integer::intValue).toArray();
        this.constant = bld.consts.stream().mapToDouble(Double::doubleValue).toArray();
        this.input = bld.inputs.stream().mapToInt(Integer::intValue).toArray();
        this.uniform = new boolean[n];
        this.dependsOnScalar = new boolean[n];
        for (int k = 0; k < n; k++) {
            switch (op[k]) {
                case CONST: uniform[k] = true; break;
                case VAR: break;
                case SCALAR: uniform[k] = true; dependsOnScalar[k] = true; break;
                default:
                    uniform[k] = uniform[a[k]] && (b[k] < 0 || uniform[b[k]]);
                    dependsOnScalar[k] = dependsOnScalar[a[k]] || (b[k] >= 0 && dependsOnScalar[b[k]]);
            }
        }
        this.variableCount = vars.size();
        this.scalarNode = new int[scalars.size()];
        Arrays.fill(scalarNode, -1);
        for (int k = 0; k < n; k++) if (op[k] == SCALAR) scalarNode[input[k]] = k;
    }

    /** Builds the tape in post-order; each distinct name becomes one input node. */
    private static final class Builder {
        final List<Integer> ops = new ArrayList<>(), as = new ArrayList<>(), bs = new ArrayList<>(), inputs = new ArrayList<>();
        final List<Double> consts = new ArrayList<>();
        final Map<String, Integer> names = new HashMap<>();
        final List<String> vars, scalars;

        Builder(List<String> vars, List<String> scalars) {
            this.vars = vars;
            this.scalars = scalars;
        }

        int emit(int o, int x, int y, double c, int in) {
            ops.add(o);
            as.add(x);
            bs.add(y);
            consts.add(c);
            inputs.add(in);
            return ops.size() - 1;
        }

        int add(Expression.Node n) {
            if (n instanceof Expression.Num c) return emit(CONST, -1, -1, c.value(), -1);
            if (n instanceof Expression.Name v) {
                Integer k = names.get(v.name());
                if (k != null) return k;
                int vi = vars.indexOf(v.name());
                k = vi >= 0 ? emit(VAR, -1, -1, 0, vi) : emit(SCALAR, -1, -1, 0, scalars.indexOf(v.name()));
                names.put(v.name(), k);
                return k;
            }
            if (n instanceof Expression.Neg u) return emit(NEG, add(u.arg()), -1, 0, -1);
            if (n instanceof Expression.Binary bin) {
                if (bin.op() == '^') return power(bin.left(), bin.right());
                int l = add(bin.left()), r = add(bin.right());
                int o = bin.op() == '+' ? ADD : bin.op() == '-' ? SUB : bin.op() == '*' ? MUL : DIV;
                return emit(o, l, r, 0, -1);
            }
            Expression.Call c = (Expression.Call) n;
            if (c.function() == Expression.Fn.POW) return power(c.args().get(0), c.args().get(1));
            int x = add(c.args().get(0));
            switch (c.function()) {
                case EXP: return emit(EXP, x, -1, 0, -1);
                case LOG: return emit(LOG, x, -1, 0, -1);
                case SQRT: return emit(SQRT, x, -1, 0, -1);
                case SIN: return emit(SIN, x, -1, 0, -1);
                case COS: return emit(COS, x, -1, 0, -1);
                case TAN: return emit(TAN, x, -1, 0, -1);
                case TANH: return emit(TANH, x, -1, 0, -1);
                case ABS: return emit(ABS, x, -1, 0, -1);
                case ERF: return emit(ERF, x, -1, 0, -1);
                case MIN: return emit(MIN, x, add(c.args().get(1)), 0, -1);
                default: return emit(MAX, x, add(c.args().get(1)), 0, -1);
            }
        }

        /** A constant exponent (as the tensor path decides it) takes the constant-power rule. */
        int power(Expression.Node base, Expression.Node exponent) {
            Double k = Expression.constant(exponent);
            int x = add(base);
            if (k != null) return k == 1 ? x : emit(POWC, x, -1, k, -1);
            return emit(POW, x, add(exponent), 0, -1);
        }
    }

    /** Per-thread scratch: one column of {@link #BLOCK} values and one of adjoints per node. */
    final class Workspace {
        final double[][] val = new double[op.length][BLOCK];
        final double[][] adj = new double[op.length][BLOCK];

        Workspace() {
            for (int k = 0; k < op.length; k++) if (op[k] == CONST) Arrays.fill(val[k], constant[k]);
        }

        /** The model's values after {@link #run}. */
        double[] values() {
            return val[root];
        }

        /**
         * ∂f_i/∂(scalar input j) for the block's points after a run with derivatives, or null
         * when the expression does not use that input (the derivative is then 0).
         */
        double[] derivative(int scalarInput) {
            int k = scalarNode[scalarInput];
            return k < 0 ? null : adj[k];
        }
    }

    Workspace newWorkspace() {
        return new Workspace();
    }

    int variableCount() {
        return variableCount;
    }

    /**
     * Runs the block of points {@code off .. off+n} (n ≤ {@link #BLOCK}) of the variable columns
     * {@code vars}, with one value per scalar input (covariates, then parameters) in
     * {@code scalars}; with {@code derivatives} also runs the backward sweep.
     */
    void run(Workspace ws, double[][] vars, int off, int n, double[] scalars, boolean derivatives) {
        double[][] v = ws.val;
        for (int k = 0; k < op.length; k++) {
            int o = op[k];
            if (o == CONST) continue;
            if (o == VAR) {
                System.arraycopy(vars[input[k]], off, v[k], 0, n);
                continue;
            }
            if (o == SCALAR) {
                Arrays.fill(v[k], 0, n, scalars[input[k]]);
                continue;
            }
            if (uniform[k]) {
                forward(o, v[k], v[a[k]], b[k] < 0 ? null : v[b[k]], constant[k], 1);
                Arrays.fill(v[k], 1, n, v[k][0]);
            } else {
                forward(o, v[k], v[a[k]], b[k] < 0 ? null : v[b[k]], constant[k], n);
            }
        }
        if (!derivatives) return;
        double[][] g = ws.adj;
        for (int k = 0; k < op.length; k++) if (dependsOnScalar[k]) Arrays.fill(g[k], 0, n, 0.0);
        if (!dependsOnScalar[root]) return;
        Arrays.fill(g[root], 0, n, 1.0);
        for (int k = root; k >= 0; k--) {
            int o = op[k];
            if (!dependsOnScalar[k] || o == SCALAR) continue;
            int x = a[k], y = b[k];
            backward(o, g[k], v[k], v[x], y < 0 ? null : v[y], constant[k],
                    dependsOnScalar[x] ? g[x] : null, y >= 0 && dependsOnScalar[y] ? g[y] : null, n);
        }
    }

    private static void forward(int o, double[] out, double[] x, double[] y, double c, int n) {
        switch (o) {
            case NEG: for (int i = 0; i < n; i++) out[i] = -x[i]; break;
            case ADD: for (int i = 0; i < n; i++) out[i] = x[i] + y[i]; break;
            case SUB: for (int i = 0; i < n; i++) out[i] = x[i] - y[i]; break;
            case MUL: for (int i = 0; i < n; i++) out[i] = x[i] * y[i]; break;
            case DIV: for (int i = 0; i < n; i++) out[i] = x[i] / y[i]; break;
            case POWC:
                if (c == 2) for (int i = 0; i < n; i++) out[i] = x[i] * x[i];
                else for (int i = 0; i < n; i++) out[i] = Math.pow(x[i], c);
                break;
            case POW: for (int i = 0; i < n; i++) out[i] = Math.pow(x[i], y[i]); break;
            case EXP: for (int i = 0; i < n; i++) out[i] = Math.exp(x[i]); break;
            case LOG: for (int i = 0; i < n; i++) out[i] = Math.log(x[i]); break;
            case SQRT: for (int i = 0; i < n; i++) out[i] = Math.sqrt(x[i]); break;
            case SIN: for (int i = 0; i < n; i++) out[i] = Math.sin(x[i]); break;
            case COS: for (int i = 0; i < n; i++) out[i] = Math.cos(x[i]); break;
            case TAN: for (int i = 0; i < n; i++) out[i] = Math.sin(x[i]) / Math.cos(x[i]); break;
            case TANH: for (int i = 0; i < n; i++) out[i] = Math.tanh(x[i]); break;
            case ABS: for (int i = 0; i < n; i++) out[i] = Math.abs(x[i]); break;
            case ERF: for (int i = 0; i < n; i++) out[i] = SpecialFunctions.erf(x[i]); break;
            case MIN: for (int i = 0; i < n; i++) out[i] = x[i] != x[i] || y[i] != y[i] ? Double.NaN : x[i] <= y[i] ? x[i] : y[i]; break;
            case MAX: for (int i = 0; i < n; i++) out[i] = x[i] != x[i] || y[i] != y[i] ? Double.NaN : x[i] >= y[i] ? x[i] : y[i]; break;
            default: throw new AssertionError(o);
        }
    }

    /**
     * Adds {@code g·∂out/∂x} to {@code gx} and {@code g·∂out/∂y} to {@code gy} (each skipped when
     * null). The local derivatives are those of the Tensor backward rules, including their
     * conventions at kinks (|x|' = 0 at 0; a tie of min/max goes to the first argument; x⁰ and
     * 0^y where y ≥ 0 are constant).
     */
    private static void backward(int o, double[] g, double[] out, double[] x, double[] y, double c, double[] gx, double[] gy, int n) {
        switch (o) {
            case NEG: for (int i = 0; i < n; i++) gx[i] -= g[i]; break;
            case ADD:
                if (gx != null) for (int i = 0; i < n; i++) gx[i] += g[i];
                if (gy != null) for (int i = 0; i < n; i++) gy[i] += g[i];
                break;
            case SUB:
                if (gx != null) for (int i = 0; i < n; i++) gx[i] += g[i];
                if (gy != null) for (int i = 0; i < n; i++) gy[i] -= g[i];
                break;
            case MUL:
                if (gx != null) for (int i = 0; i < n; i++) gx[i] += g[i] * y[i];
                if (gy != null) for (int i = 0; i < n; i++) gy[i] += g[i] * x[i];
                break;
            case DIV:
                if (gx != null) for (int i = 0; i < n; i++) gx[i] += g[i] / y[i];
                if (gy != null) for (int i = 0; i < n; i++) gy[i] -= g[i] / y[i] * x[i] / y[i];
                break;
            case POWC:
                if (c == 0) break;
                if (c == 2) for (int i = 0; i < n; i++) gx[i] += g[i] * 2 * x[i];
                else for (int i = 0; i < n; i++) gx[i] += g[i] * Math.pow(x[i], c - 1) * c;
                break;
            case POW:
                if (gx != null) for (int i = 0; i < n; i++) gx[i] += g[i] * y[i] * Math.pow(y[i] == 0 ? 1 : x[i], y[i] - 1);
                if (gy != null) for (int i = 0; i < n; i++) gy[i] += g[i] * out[i] * Math.log(x[i] == 0 && y[i] >= 0 ? 1 : x[i]);
                break;
            case EXP: for (int i = 0; i < n; i++) gx[i] += g[i] * out[i]; break;
            case LOG: for (int i = 0; i < n; i++) gx[i] += g[i] / x[i]; break;
            case SQRT: for (int i = 0; i < n; i++) gx[i] += g[i] / (out[i] * 2); break;
            case SIN: for (int i = 0; i < n; i++) gx[i] += g[i] * Math.cos(x[i]); break;
            case COS: for (int i = 0; i < n; i++) gx[i] -= g[i] * Math.sin(x[i]); break;
            case TAN: for (int i = 0; i < n; i++) gx[i] += g[i] * (1 + out[i] * out[i]); break;
            case TANH: for (int i = 0; i < n; i++) gx[i] += g[i] * (1 - out[i] * out[i]); break;
            case ABS: for (int i = 0; i < n; i++) gx[i] += g[i] * Math.signum(x[i]); break;
            case ERF: for (int i = 0; i < n; i++) gx[i] += g[i] * Math.exp(-x[i] * x[i]) * TWO_OVER_SQRT_PI; break;
            case MIN: // where an argument is NaN (so the value is), neither gets a derivative
                if (gx != null) for (int i = 0; i < n; i++) if (x[i] <= y[i]) gx[i] += g[i];
                if (gy != null) for (int i = 0; i < n; i++) if (x[i] > y[i]) gy[i] += g[i];
                break;
            case MAX:
                if (gx != null) for (int i = 0; i < n; i++) if (x[i] >= y[i]) gx[i] += g[i];
                if (gy != null) for (int i = 0; i < n; i++) if (x[i] < y[i]) gy[i] += g[i];
                break;
            default: throw new AssertionError(o);
        }
    }
}
