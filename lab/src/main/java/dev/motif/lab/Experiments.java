package dev.motif.lab;

import java.util.List;
import java.util.stream.Collectors;

/** The experiments Motif ships, by name. An explicit list: adding one is one line here. */
public final class Experiments {
    private Experiments() {}

    /** Every experiment, in the order {@code motif lab} lists them. */
    public static List<Experiment> all() {
        return List.of(new DataEfficiency(), new DnaMotif(), new Symmetry(), new Downsides(), new PairVerification(), new MultiTask());
    }

    /** The experiment of that name; an unknown name is an error that lists the known ones. */
    public static Experiment named(String name) {
        for (Experiment e : all()) if (e.name().equals(name)) return e;
        throw new IllegalArgumentException("no experiment named '" + name + "'; known: "
                + all().stream().map(Experiment::name).collect(Collectors.joining(", ")));
    }
}
