package dev.motif.lab;

import java.nio.file.Path;

/**
 * What a run of an experiment may vary.
 *
 * @param seed  the first seed; repetition r uses {@code seed + r}
 * @param seeds how many repetitions (seeds) per configuration, at least 1
 * @param full  the long version (data-efficiency: up to all 60,000 training images; siamese and multitask: every
 *              training image outside their validation split)
 * @param quick the short version the tour and the tests run, on shipped data only
 * @param data  a Fashion-MNIST directory, or null for the default (Debian's package, else the shipped subset)
 */
public record Settings(long seed, int seeds, boolean full, boolean quick, Path data) {
    public Settings {
        if (seeds < 1) throw new IllegalArgumentException("an experiment needs at least 1 seed, got " + seeds);
        if (full && quick) throw new IllegalArgumentException("an experiment cannot be both full and quick");
    }

    /** Seed 1, 3 repetitions, the standard size, default data. */
    public static Settings standard() {
        return new Settings(1, 3, false, false, null);
    }

    /** The short version: 2 repetitions, shipped data. */
    public static Settings quickRun(long seed) {
        return new Settings(seed, 2, false, true, null);
    }
}
