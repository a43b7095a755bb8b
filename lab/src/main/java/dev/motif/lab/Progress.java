package dev.motif.lab;

/** Where an experiment says how far it has come: a stage name and a count of units done out of a total. */
@FunctionalInterface
public interface Progress {
    void update(String stage, long done, long total);

    /** Progress that goes nowhere (tests). */
    static Progress none() {
        return (stage, done, total) -> {};
    }
}
