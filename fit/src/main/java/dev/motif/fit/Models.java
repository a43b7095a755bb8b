package dev.motif.fit;

import dev.motif.autodiff.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Predefined models, each both as a Java function of tensors and as an expression string (the
 * {@code *_EXPR} constants, with the same variable, covariate and parameter names).
 */
public final class Models {
    private Models() {}

    /** {@code f(t) = A·exp(−t/τ) + B}: variable t; parameters A, tau, B. */
    public static final String DECAY_EXPR = "A*exp(-t/tau) + B";
    /** Competitive inhibition {@code v = Vmax·S / (Km·(1 + I/Ki) + S)}: variable S; covariate I; parameters Vmax, Km, Ki. */
    public static final String COMPETITIVE_EXPR = "Vmax*S/(Km*(1 + I/Ki) + S)";
    /** Uncompetitive inhibition {@code v = Vmax·S / (Km + S·(1 + I/Ki))}: variable S; covariate I; parameters Vmax, Km, Ki. */
    public static final String UNCOMPETITIVE_EXPR = "Vmax*S/(Km + S*(1 + I/Ki))";
    /**
     * Mixed inhibition {@code v = Vmax·S / (Km·(1 + I/Ki) + S·(1 + I/(alpha·Ki)))}: variable S;
     * covariate I; parameters Vmax, Km, Ki, alpha (the inhibitor's dissociation constant from the
     * enzyme–substrate complex is Ki' = alpha·Ki; alpha → ∞ gives competitive, alpha = 1 noncompetitive).
     */
    public static final String MIXED_EXPR = "Vmax*S/(Km*(1 + I/Ki) + S*(1 + I/(alpha*Ki)))";
    /** Gaussian peak {@code A·exp(−(x−x0)²/(2w²)) + B}: variable x; parameters A, x0, w, B. */
    public static final String GAUSSIAN_EXPR = "A*exp(-(x - x0)^2/(2*w^2)) + B";
    /** Lorentzian peak {@code A / (1 + ((x−x0)/g)²) + B}, height A, half width at half maximum g: variable x; parameters A, x0, g, B. */
    public static final String LORENTZIAN_EXPR = "A/(1 + ((x - x0)/g)^2) + B";
    /** Hill equation {@code Vmax·x^n / (K^n + x^n)}: variable x; parameters Vmax, K, n (the Hill coefficient). */
    public static final String HILL_EXPR = "Vmax*x^n/(K^n + x^n)";

    /** Exponential decay with background, {@link #DECAY_EXPR}. */
    public static Model exponentialDecay() {
        return Model.of(DECAY_EXPR, List.of("t"), List.of(), List.of("A", "tau", "B"),
                in -> in.get("A").mul(in.get("t").div(in.get("tau")).neg().exp()).add(in.get("B")));
    }

    /** Michaelis–Menten with competitive inhibition, {@link #COMPETITIVE_EXPR}. */
    public static Model competitiveInhibition() {
        return Model.of(COMPETITIVE_EXPR, List.of("S"), List.of("I"), List.of("Vmax", "Km", "Ki"), in -> {
            Tensor s = in.get("S");
            Tensor kmApp = in.get("Km").mul(in.get("I").div(in.get("Ki")).add(1.0));
            return in.get("Vmax").mul(s).div(kmApp.add(s));
        });
    }

    /** Michaelis–Menten with uncompetitive inhibition, {@link #UNCOMPETITIVE_EXPR}. */
    public static Model uncompetitiveInhibition() {
        return Model.of(UNCOMPETITIVE_EXPR, List.of("S"), List.of("I"), List.of("Vmax", "Km", "Ki"), in -> {
            Tensor s = in.get("S");
            return in.get("Vmax").mul(s).div(in.get("Km").add(s.mul(in.get("I").div(in.get("Ki")).add(1.0))));
        });
    }

    /** Michaelis–Menten with mixed inhibition, {@link #MIXED_EXPR}. */
    public static Model mixedInhibition() {
        return Model.of(MIXED_EXPR, List.of("S"), List.of("I"), List.of("Vmax", "Km", "Ki", "alpha"), in -> {
            Tensor s = in.get("S"), i = in.get("I"), ki = in.get("Ki");
            Tensor den = in.get("Km").mul(i.div(ki).add(1.0)).add(s.mul(i.div(in.get("alpha").mul(ki)).add(1.0)));
            return in.get("Vmax").mul(s).div(den);
        });
    }

    /** Gaussian peak with background, {@link #GAUSSIAN_EXPR}. */
    public static Model gaussian() {
        return Model.of(GAUSSIAN_EXPR, List.of("x"), List.of(), List.of("A", "x0", "w", "B"), in -> {
            Tensor d = in.get("x").sub(in.get("x0"));
            Tensor w = in.get("w");
            return in.get("A").mul(d.mul(d).neg().div(w.mul(w).mul(2.0)).exp()).add(in.get("B"));
        });
    }

    /** Lorentzian peak with background, {@link #LORENTZIAN_EXPR}. */
    public static Model lorentzian() {
        return Model.of(LORENTZIAN_EXPR, List.of("x"), List.of(), List.of("A", "x0", "g", "B"), in -> {
            Tensor u = in.get("x").sub(in.get("x0")).div(in.get("g"));
            return in.get("A").div(u.mul(u).add(1.0)).add(in.get("B"));
        });
    }

    /** Hill equation, {@link #HILL_EXPR}. */
    public static Model hill() {
        return Model.of(HILL_EXPR, List.of("x"), List.of(), List.of("Vmax", "K", "n"), in -> {
            Tensor xn = in.get("x").pow(in.get("n"));
            return in.get("Vmax").mul(xn).div(in.get("K").pow(in.get("n")).add(xn));
        });
    }

    /**
     * The predefined model {@code name} (see {@link #predefined()}) as an {@link ExpressionModel}:
     * the same function, evaluated on the fast path of {@link GlobalFit} (the Java models run on
     * Tensors). Null for an unknown name.
     */
    public static ExpressionModel expressionModel(String name) {
        Model m = predefined().get(name);
        return m == null ? null : ExpressionModel.parse(m.formula(), m.variables(), m.covariates());
    }

    /**
     * The predefined models by short name: decay, competitive, uncompetitive, mixed, gaussian,
     * lorentzian, hill (for a command line's {@code --model decay}).
     */
    public static Map<String, Model> predefined() {
        Map<String, Model> m = new LinkedHashMap<>();
        m.put("decay", exponentialDecay());
        m.put("competitive", competitiveInhibition());
        m.put("uncompetitive", uncompetitiveInhibition());
        m.put("mixed", mixedInhibition());
        m.put("gaussian", gaussian());
        m.put("lorentzian", lorentzian());
        m.put("hill", hill());
        return m;
    }
}
