package dev.motif.fit;

import dev.motif.autodiff.Tensor;

import java.util.Map;

import static java.util.Map.entry;

/**
 * The 27 NIST StRD nonlinear models written as functions of Tensors, so the test adapter gets
 * their Jacobians by autodiff. Each takes the parameters b[0..p) and predictors x[0..) as vectors
 * of the points' length. Roszman1 needs arctan, which has no Tensor op; it is written with exact
 * derivatives in {@link NistProblem} instead.
 */
final class NistModels {
    private NistModels() {
    }

    /** f(b, x), one value per point. */
    @FunctionalInterface
    interface Model {
        Tensor f(Tensor[] b, Tensor[] x);
    }

    private static Tensor rational(Tensor[] b, Tensor x, int numerator, int denominator) {
        Tensor num = b[0];
        Tensor power = x;
        for (int j = 1; j < numerator; j++) {
            num = num.add(b[j].mul(power));
            power = power.mul(x);
        }
        Tensor den = b[numerator].mul(x).add(1);
        power = x.mul(x);
        for (int j = numerator + 1; j < numerator + denominator; j++) {
            den = den.add(b[j].mul(power));
            power = power.mul(x);
        }
        return num.div(den);
    }

    private static Tensor gaussians(Tensor[] b, Tensor x) {
        Tensor g1 = x.sub(b[3]).div(b[4]).square().neg().exp().mul(b[2]);
        Tensor g2 = x.sub(b[6]).div(b[7]).square().neg().exp().mul(b[5]);
        return b[0].mul(b[1].mul(x).neg().exp()).add(g1).add(g2);
    }

    private static Tensor lanczos(Tensor[] b, Tensor x) {
        return b[0].mul(b[1].mul(x).neg().exp())
                .add(b[2].mul(b[3].mul(x).neg().exp()))
                .add(b[4].mul(b[5].mul(x).neg().exp()));
    }

    private static Tensor misra1a(Tensor[] b, Tensor x) {
        return b[0].mul(b[1].mul(x).neg().exp().neg().add(1));
    }

    static final Map<String, Model> MODELS = Map.ofEntries(
            entry("Misra1a", (b, x) -> misra1a(b, x[0])),
            entry("Chwirut2", (b, x) -> b[0].mul(x[0]).neg().exp().div(b[1].add(b[2].mul(x[0])))),
            entry("Chwirut1", (b, x) -> b[0].mul(x[0]).neg().exp().div(b[1].add(b[2].mul(x[0])))),
            entry("Lanczos3", (b, x) -> lanczos(b, x[0])),
            entry("Gauss1", (b, x) -> gaussians(b, x[0])),
            entry("Gauss2", (b, x) -> gaussians(b, x[0])),
            entry("DanWood", (b, x) -> b[0].mul(b[1].mul(x[0].log()).exp())),
            entry("Misra1b", (b, x) -> b[0].mul(b[1].mul(x[0]).mul(0.5).add(1).pow(-2).neg().add(1))),
            entry("Kirby2", (b, x) -> rational(b, x[0], 3, 2)),
            entry("Hahn1", (b, x) -> rational(b, x[0], 4, 3)),
            entry("Nelson", (b, x) -> b[0].sub(b[1].mul(x[0]).mul(b[2].mul(x[1]).neg().exp()))),
            entry("MGH17", (b, x) -> b[0].add(b[1].mul(x[0].mul(b[3]).neg().exp()))
                    .add(b[2].mul(x[0].mul(b[4]).neg().exp()))),
            entry("Lanczos1", (b, x) -> lanczos(b, x[0])),
            entry("Lanczos2", (b, x) -> lanczos(b, x[0])),
            entry("Gauss3", (b, x) -> gaussians(b, x[0])),
            entry("Misra1c", (b, x) -> b[0].mul(b[1].mul(x[0]).mul(2).add(1).pow(-0.5).neg().add(1))),
            entry("Misra1d", (b, x) -> b[0].mul(b[1]).mul(x[0]).div(b[1].mul(x[0]).add(1))),
            entry("ENSO", (b, x) -> {
                Tensor w = x[0].mul(2 * Math.PI);
                Tensor annual = w.div(12);
                Tensor p4 = w.div(b[3]);
                Tensor p7 = w.div(b[6]);
                return b[0].add(b[1].mul(annual.cos())).add(b[2].mul(annual.sin()))
                        .add(b[4].mul(p4.cos())).add(b[5].mul(p4.sin()))
                        .add(b[7].mul(p7.cos())).add(b[8].mul(p7.sin()));
            }),
            entry("MGH09", (b, x) -> {
                Tensor x2 = x[0].mul(x[0]);
                return b[0].mul(x2.add(x[0].mul(b[1]))).div(x2.add(x[0].mul(b[2])).add(b[3]));
            }),
            entry("Thurber", (b, x) -> rational(b, x[0], 4, 3)),
            entry("BoxBOD", (b, x) -> misra1a(b, x[0])),
            entry("Rat42", (b, x) -> b[0].div(b[1].sub(b[2].mul(x[0])).exp().add(1))),
            entry("MGH10", (b, x) -> b[0].mul(b[1].div(x[0].add(b[2])).exp())),
            entry("Eckerle4", (b, x) -> b[0].div(b[1]).mul(x[0].sub(b[2]).div(b[1]).square().mul(-0.5).exp())),
            entry("Rat43", (b, x) -> b[0].mul(b[1].sub(b[2].mul(x[0])).exp().log1p().div(b[3]).neg().exp())),
            entry("Bennett5", (b, x) -> b[0].mul(b[1].add(x[0]).log().div(b[2]).neg().exp())));

    /** Problems whose response is log(y) rather than y. */
    static boolean logResponse(String name) {
        return name.equals("Nelson");
    }
}
