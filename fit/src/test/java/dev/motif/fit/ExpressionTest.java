package dev.motif.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.motif.array.NDArray;
import dev.motif.autodiff.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parser: precedence, associativity, unary minus, numbers, and errors with their positions. */
class ExpressionTest {

    private static double eval(String src, Map<String, Double> env) {
        return Expression.parse(src).value(n -> env.get(n));
    }

    private static double eval(String src) {
        return eval(src, Map.of());
    }

    @Test
    void precedenceAndAssociativity() {
        assertEquals(7, eval("1 + 2*3"));
        assertEquals(9, eval("(1 + 2)*3"));
        assertEquals(18, eval("2*3^2"));
        assertEquals(3, eval("10 - 4 - 3"), "subtraction is left-associative");
        assertEquals(1, eval("8/4/2"), "division is left-associative");
        assertEquals(512, eval("2^3^2"), "power is right-associative");
        assertEquals(64, eval("(2^3)^2"));
        assertEquals(6, eval("12/4*2"));
    }

    @Test
    void unaryMinusBindsLooserThanPower() {
        assertEquals(-4, eval("-2^2"));
        assertEquals(-9, eval("-x^2", Map.of("x", 3.0)));
        assertEquals(4, eval("(-2)^2"));
        assertEquals(0.5, eval("2^-1"), "an exponent may carry a sign");
        assertEquals(-6, eval("2*-3"));
        assertEquals(5, eval("--5"));
        assertEquals(-1, eval("+-1"));
        assertEquals(-0.25, eval("-2^-2"));
        // the tree itself: Neg(Binary ^)
        Expression.Node root = Expression.parse("-x^2").root();
        Expression.Neg neg = assertInstanceOf(Expression.Neg.class, root);
        Expression.Binary pow = assertInstanceOf(Expression.Binary.class, neg.arg());
        assertEquals('^', pow.op());
    }

    @Test
    void numbers() {
        assertEquals(1e-3, eval("1e-3"));
        assertEquals(250, eval("2.5E+2"));
        assertEquals(0.5, eval(".5"));
        assertEquals(3, eval("3."));
        assertEquals(1.5e10, eval("1.5e10"));
        // refused with a position, not a NumberFormatException or an infinite constant
        assertEquals("number 1e999 is too large for a double", error("A+1e999").reason());
        assertEquals(2, error("A+1e999").position());
        assertEquals(2, error("A+\u0663").position());
    }

    @Test
    void functions() {
        assertEquals(Math.exp(1), eval("exp(1)"));
        assertEquals(Math.log(2), eval("log(2)"));
        assertEquals(3, eval("sqrt(9)"));
        assertEquals(8, eval("pow(2, 3)"));
        assertEquals(2, eval("min(2, 3)"));
        assertEquals(3, eval("max(2, 3)"));
        assertEquals(2, eval("abs(-2)"));
        assertEquals(Math.tanh(0.3), eval("tanh(0.3)"));
        assertEquals(0.8427007929497149, eval("erf(1)"), 1e-15);
        assertEquals(Math.tan(0.4), eval("tan(0.4)"), 1e-15);
        assertEquals(Math.sin(0.4) + Math.cos(0.4), eval("sin(0.4) + cos(0.4)"));
    }

    @Test
    void namesInOrderOfFirstAppearanceWithoutFunctions() {
        assertEquals(List.of("A", "t", "tau", "B"), Expression.parse("A*exp(-t/tau) + B + A").names());
    }

    private static ExpressionException error(String src) {
        return assertThrows(ExpressionException.class, () -> Expression.parse(src));
    }

    @Test
    void errorsNameThePositionAndShowACaret() {
        ExpressionException e = error("A*exp(-t/tau");
        assertEquals(12, e.position());
        assertEquals("expected ',' or ')' in the call of exp opened at position 5 but the expression ended", e.reason());
        assertEquals("expected ',' or ')' in the call of exp opened at position 5 but the expression ended at position 12\n"
                + "  A*exp(-t/tau\n"
                + "              ^", e.getMessage());

        e = error("(a + b");
        assertEquals(6, e.position());
        assertEquals("expected ')' to close the '(' at position 0 but the expression ended", e.reason());

        e = error("2 + * 3");
        assertEquals(4, e.position());
        assertEquals("unexpected '*'", e.reason());
        assertTrue(e.getMessage().endsWith("  2 + * 3\n      ^"), e.getMessage());

        e = error("x y");
        assertEquals(2, e.position());
        assertEquals("unexpected 'y' after a complete expression (an operator missing?)", e.reason());

        e = error("(1))");
        assertEquals(3, e.position());
        assertEquals("unmatched ')'", e.reason());

        e = error("");
        assertEquals(0, e.position());
        assertEquals("empty expression", e.reason());

        e = error("1e");
        assertEquals(1, e.position());
        assertEquals("malformed number: exponent without digits", e.reason());

        e = error("2*");
        assertEquals(2, e.position());

        e = error("a $ b");
        assertEquals(2, e.position());
        assertEquals("unexpected '$'", e.reason());

        e = error("pow(x, )");
        assertEquals(7, e.position());
        assertEquals("expected a number, a name or '(' before ')'", e.reason());
    }

    @Test
    void unknownFunctionIsNamedWithTheKnownOnes() {
        ExpressionException e = error("A*expo(-t)");
        assertEquals(2, e.position());
        assertEquals("unknown function 'expo' (known: exp, log, sqrt, sin, cos, tan, tanh, abs, erf, pow, min, max)", e.reason());
    }

    @Test
    void wrongArityIsAnError() {
        ExpressionException e = error("1 + pow(x)");
        assertEquals(4, e.position());
        assertEquals("pow takes 2 arguments, got 1", e.reason());
        assertEquals("exp takes 1 argument, got 2", error("exp(1, 2)").reason());
        assertEquals("sin takes 1 argument, got 0", error("sin()").reason());
    }

    @Test
    void minAndMaxOnTensorsIgnoreAnInfiniteLoser() {
        Tensor x = Tensor.variable(NDArray.vector(1, 5));
        Tensor inf = Tensor.constant(NDArray.vector(Double.POSITIVE_INFINITY, 2));
        Tensor r = Expression.parse("min(x, y)").tensor(n -> n.equals("x") ? x : inf);
        assertEquals(1, r.value().getFlat(0));
        assertEquals(2, r.value().getFlat(1));
    }

    @Test
    void expressionModelSplitsNames() {
        ExpressionModel m = ExpressionModel.parse(Models.COMPETITIVE_EXPR, List.of("S"), List.of("I"));
        assertEquals(List.of("Vmax", "Km", "Ki"), m.parameters());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExpressionModel.parse("A*exp(-t/tau)", List.of("x"), List.of()));
        assertEquals("model 'A*exp(-t/tau)' does not use the variable 'x' (it uses [A, t, tau])", e.getMessage());
    }
}
