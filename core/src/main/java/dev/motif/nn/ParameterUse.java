package dev.motif.nn;

/**
 * One registered site of a parameter: its dotted path in the block tree, the parameter, and the
 * tie through which the site sees it (null when the slot holds the parameter itself).
 */
public record ParameterUse(String path, Parameter parameter, Tie tie) {
    /** A site holding the parameter itself. */
    public ParameterUse(String path, Parameter parameter) {
        this(path, parameter, null);
    }

    /** How many values the site stands for: the parameter's size, or the tie's nominal size. */
    public long nominalSize() {
        return tie == null ? parameter.size() : tie.nominalSize();
    }

    /** The tie's transform spec, or null for a direct site. */
    public String transform() {
        return tie == null ? null : tie.transform().spec();
    }
}
