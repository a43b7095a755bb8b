package dev.motif.fit;

import dev.motif.array.NDArray;
import dev.motif.array.SpecialFunctions;
import dev.motif.autodiff.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * A parsed model expression such as {@code A*exp(-t/tau) + B}.
 *
 * <p>Grammar, loosest binding first:
 * <pre>
 * expr    := term (('+' | '-') term)*
 * term    := unary (('*' | '/') unary)*
 * unary   := ('-' | '+') unary | power
 * power   := primary ('^' unary)?          right-associative: 2^3^2 = 2^(3^2)
 * primary := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
 * number  := digits ['.' digits] [('e' | 'E') ['+' | '-'] digits]   (also '.5' and '1.')
 * name    := letter or '_', then letters, digits, '_'
 * </pre>
 * As in mathematics, {@code ^} binds tighter than unary minus ({@code -x^2 = -(x^2)}) and its
 * exponent may carry a sign ({@code 2^-1 = 0.5}). Functions: exp, log (natural), sqrt, sin, cos,
 * tan, tanh, abs, erf, pow(a, b), min(a, b), max(a, b) (a tie of min or max takes the first
 * argument's derivative; |x| has derivative 0 at 0). Every other name is a variable, a
 * covariate or a parameter; which one is up to the {@link ExpressionModel} that uses it.
 *
 * <p>An expression evaluates either on doubles ({@link #value(ToDoubleFunction)}) or on
 * {@link Tensor}s ({@link #tensor(Function)}), where it records the graph so that its
 * derivatives are exact.
 */
public final class Expression {

    /** A node of the syntax tree; {@code pos} is the 0-based character where it starts (or, for an operator, the operator). */
    public sealed interface Node permits Num, Name, Neg, Binary, Call {
        int pos();
    }

    /** A number literal. */
    public record Num(double value, int pos) implements Node {}

    /** A variable, covariate or parameter. */
    public record Name(String name, int pos) implements Node {}

    /** Unary minus. */
    public record Neg(Node arg, int pos) implements Node {}

    /** {@code left op right} with op one of {@code + - * / ^}. */
    public record Binary(char op, Node left, Node right, int pos) implements Node {}

    /** A call of a known function. */
    public record Call(Fn function, List<Node> args, int pos) implements Node {}

    /** The functions an expression may call, with their number of arguments. */
    public enum Fn {
        EXP(1), LOG(1), SQRT(1), SIN(1), COS(1), TAN(1), TANH(1), ABS(1), ERF(1), POW(2), MIN(2), MAX(2);

        private final int arity;

        Fn(int arity) {
            this.arity = arity;
        }

        /** Number of arguments. */
        public int arity() {
            return arity;
        }

        /** The name as written in an expression. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Fn byId(String id) {
            for (Fn f : values()) if (f.id().equals(id)) return f;
            return null;
        }

        /** The known function names, comma-separated. */
        public static String known() {
            return Arrays.stream(values()).map(Fn::id).collect(Collectors.joining(", "));
        }
    }

    private final String source;
    private final Node root;
    private final List<String> names;

    private Expression(String source, Node root) {
        this.source = source;
        this.root = root;
        LinkedHashSet<String> n = new LinkedHashSet<>();
        collectNames(root, n);
        this.names = List.copyOf(n);
    }

    /** Parses an expression; throws {@link ExpressionException} with the position of the first error. */
    public static Expression parse(String source) {
        if (source == null) throw new IllegalArgumentException("Expression.parse: expression is null");
        Parser p = new Parser(source);
        return new Expression(source, p.parseAll());
    }

    /** The expression as written. */
    public String source() {
        return source;
    }

    /** The syntax tree. */
    public Node root() {
        return root;
    }

    /** Every name the expression uses (not function names), in order of first appearance. */
    public List<String> names() {
        return names;
    }

    @Override
    public String toString() {
        return source;
    }

    private static void collectNames(Node n, Set<String> out) {
        if (n instanceof Name v) out.add(v.name());
        else if (n instanceof Neg u) collectNames(u.arg(), out);
        else if (n instanceof Binary b) {
            collectNames(b.left(), out);
            collectNames(b.right(), out);
        } else if (n instanceof Call c) for (Node a : c.args()) collectNames(a, out);
    }

    // ---------------------------------------------------------------- evaluation

    /** Evaluates on doubles, each name's value given by {@code env}. */
    public double value(ToDoubleFunction<String> env) {
        return eval(root, env);
    }

    private static double eval(Node n, ToDoubleFunction<String> env) {
        if (n instanceof Num c) return c.value();
        if (n instanceof Name v) return env.applyAsDouble(v.name());
        if (n instanceof Neg u) return -eval(u.arg(), env);
        if (n instanceof Binary b) {
            double l = eval(b.left(), env), r = eval(b.right(), env);
            switch (b.op()) {
                case '+': return l + r;
                case '-': return l - r;
                case '*': return l * r;
                case '/': return l / r;
                default: return Math.pow(l, r);
            }
        }
        Call c = (Call) n;
        double a = eval(c.args().get(0), env);
        switch (c.function()) {
            case EXP: return Math.exp(a);
            case LOG: return Math.log(a);
            case SQRT: return Math.sqrt(a);
            case SIN: return Math.sin(a);
            case COS: return Math.cos(a);
            case TAN: return Math.sin(a) / Math.cos(a); // as the tensor path computes it
            case TANH: return Math.tanh(a);
            case ABS: return Math.abs(a);
            case ERF: return SpecialFunctions.erf(a);
            default:
        }
        double b = eval(c.args().get(1), env);
        switch (c.function()) {
            case POW: return Math.pow(a, b);
            case MIN: return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
            default: return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
        }
    }

    /**
     * Evaluates on tensors, each name's tensor given by {@code env}; the tensors broadcast
     * elementwise (typically every one is a column of m points or a scalar). Derivatives through
     * the result are exact: the graph records each operation.
     */
    public Tensor tensor(Function<String, Tensor> env) {
        return tensor(root, env);
    }

    private static Tensor tensor(Node n, Function<String, Tensor> env) {
        if (n instanceof Num c) return Tensor.scalar(c.value());
        if (n instanceof Name v) {
            Tensor t = env.apply(v.name());
            if (t == null) throw new IllegalArgumentException("Expression.tensor: no value given for '" + v.name() + "'");
            return t;
        }
        if (n instanceof Neg u) return tensor(u.arg(), env).neg();
        if (n instanceof Binary b) {
            Tensor l = tensor(b.left(), env);
            switch (b.op()) {
                case '+': return l.add(tensor(b.right(), env));
                case '-': return l.sub(tensor(b.right(), env));
                case '*': return l.mul(tensor(b.right(), env));
                case '/': return l.div(tensor(b.right(), env));
                default: return power(l, b.right(), env);
            }
        }
        Call c = (Call) n;
        Tensor a = tensor(c.args().get(0), env);
        switch (c.function()) {
            case EXP: return a.exp();
            case LOG: return a.log();
            case SQRT: return a.sqrt();
            case SIN: return a.sin();
            case COS: return a.cos();
            case TAN: return a.sin().div(a.cos());
            case TANH: return a.tanh();
            case ABS: return a.abs();
            case ERF: return a.erf();
            case POW: return power(a, c.args().get(1), env);
            case MIN: return choose(a, tensor(c.args().get(1), env), true);
            default: return choose(a, tensor(c.args().get(1), env), false);
        }
    }

    /**
     * min or max as a choice: where {@code a} wins (ties included) the value and the derivative
     * are {@code a}'s, elsewhere {@code b}'s; NaN in either gives NaN. A choice rather than a
     * weighted sum, so an infinite loser does not turn the winner into NaN (0·∞).
     */
    private static Tensor choose(Tensor a, Tensor b, boolean min) {
        NDArray av = a.value(), bv = b.value();
        NDArray aWins = min ? av.le(bv) : av.ge(bv);
        NDArray nan = av.ne(av).add(bv.ne(bv));
        Tensor r = Tensor.where(aWins, a, b);
        if (nan.sum().item() == 0) return r;
        return Tensor.where(nan, Tensor.scalar(Double.NaN), r);
    }

    /** A constant exponent takes the cheaper (and at x = 0 better defined) constant-power rule. */
    private static Tensor power(Tensor base, Node exponent, Function<String, Tensor> env) {
        Double k = constant(exponent);
        if (k != null) return base.pow(k);
        return base.pow(tensor(exponent, env));
    }

    /** The value of a node made of numbers and signs only, or null. */
    static Double constant(Node n) {
        if (n instanceof Num c) return c.value();
        if (n instanceof Neg u) {
            Double v = constant(u.arg());
            return v == null ? null : -v;
        }
        return null;
    }

    // ---------------------------------------------------------------- parser

    /** Recursive descent over the grammar in the class comment. */
    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        Node parseAll() {
            skip();
            if (i == s.length()) throw error("empty expression", i);
            Node n = expr();
            skip();
            if (i < s.length()) {
                char c = s.charAt(i);
                if (c == ')') throw error("unmatched ')'", i);
                boolean startsOperand = Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '(';
                throw error("unexpected '" + c + "'" + (startsOperand ? " after a complete expression (an operator missing?)" : ""), i);
            }
            return n;
        }

        private Node expr() {
            Node n = term();
            while (true) {
                skip();
                if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                    char op = s.charAt(i);
                    int at = i++;
                    n = new Binary(op, n, term(), at);
                } else return n;
            }
        }

        private Node term() {
            Node n = unary();
            while (true) {
                skip();
                if (i < s.length() && (s.charAt(i) == '*' || s.charAt(i) == '/')) {
                    char op = s.charAt(i);
                    int at = i++;
                    n = new Binary(op, n, unary(), at);
                } else return n;
            }
        }

        private Node unary() {
            skip();
            if (i < s.length() && s.charAt(i) == '-') {
                int at = i++;
                return new Neg(unary(), at);
            }
            if (i < s.length() && s.charAt(i) == '+') {
                i++;
                return unary();
            }
            return power();
        }

        private Node power() {
            Node base = primary();
            skip();
            if (i < s.length() && s.charAt(i) == '^') {
                int at = i++;
                return new Binary('^', base, unary(), at);
            }
            return base;
        }

        private Node primary() {
            skip();
            if (i >= s.length()) throw error("expected a number, a name or '(' but the expression ended", i);
            char c = s.charAt(i);
            if (c == '(') {
                int open = i++;
                Node n = expr();
                skip();
                if (i >= s.length()) throw error("expected ')' to close the '(' at position " + open + " but the expression ended", i);
                if (s.charAt(i) != ')') throw error("expected ')' to close the '(' at position " + open, i);
                i++;
                return n;
            }
            if (digit(c) || c == '.') return number();
            if (Character.isLetter(c) || c == '_') return nameOrCall();
            if (c == ')') throw error("expected a number, a name or '(' before ')'", i);
            throw error("unexpected '" + c + "'", i);
        }

        private Node number() {
            int start = i;
            int digits = 0;
            while (i < s.length() && digit(s.charAt(i))) { i++; digits++; }
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                while (i < s.length() && digit(s.charAt(i))) { i++; digits++; }
            }
            if (digits == 0) throw error("malformed number: '.' without digits", start);
            if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                int e = i++;
                if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
                int exp = 0;
                while (i < s.length() && digit(s.charAt(i))) { i++; exp++; }
                if (exp == 0) throw error("malformed number: exponent without digits", e);
            }
            double v = Double.parseDouble(s.substring(start, i));
            if (Double.isInfinite(v)) throw error("number " + s.substring(start, i) + " is too large for a double", start);
            return new Num(v, start);
        }

        /** ASCII digits only: Double.parseDouble refuses other scripts' digits, which Character.isDigit accepts. */
        private static boolean digit(char c) {
            return c >= '0' && c <= '9';
        }

        private Node nameOrCall() {
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
            String id = s.substring(start, i);
            int save = i;
            skip();
            if (i >= s.length() || s.charAt(i) != '(') {
                i = save;
                return new Name(id, start);
            }
            Fn f = Fn.byId(id);
            if (f == null) throw error("unknown function '" + id + "' (known: " + Fn.known() + ")", start);
            int open = i++;
            List<Node> args = new ArrayList<>();
            skip();
            if (i < s.length() && s.charAt(i) == ')') {
                i++;
            } else {
                while (true) {
                    args.add(expr());
                    skip();
                    if (i >= s.length()) throw error("expected ',' or ')' in the call of " + id + " opened at position " + open + " but the expression ended", i);
                    char c = s.charAt(i);
                    if (c == ',') { i++; continue; }
                    if (c == ')') { i++; break; }
                    throw error("expected ',' or ')' in the call of " + id, i);
                }
            }
            if (args.size() != f.arity()) {
                throw error(id + " takes " + f.arity() + (f.arity() == 1 ? " argument" : " arguments") + ", got " + args.size(), start);
            }
            return new Call(f, Collections.unmodifiableList(args), start);
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private ExpressionException error(String reason, int at) {
            return new ExpressionException(reason, s, at);
        }
    }
}
