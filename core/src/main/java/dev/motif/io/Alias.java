package dev.motif.io;

/**
 * One use site recorded in a checkpoint's alias table: the site's path, the stored tensor it
 * uses, and the transform it sees that tensor through ({@code "identity"} for a parameter shared
 * as it is, a spec such as {@code "transpose"} for a tie). {@code stored} says the file also holds
 * the site's own value under its path, as a file written for PyTorch does.
 *
 * <pre>{@code
 * for (Alias a : Checkpoint.ties(SafetensorsFile.read(path))) {
 *     System.out.println(a.path() + " = " + a.transform() + " of " + a.owner());   // decoder.weight = transpose of encoder.weight
 * }
 * }</pre>
 */
public record Alias(String path, String owner, String transform, boolean stored) {
    /** The spec of the trivial transform: the site uses the owner tensor as it is. */
    public static final String IDENTITY = "identity";

    /** Whether the site uses the owner as it is (a shared parameter rather than a tie with a transform). */
    public boolean isIdentity() {
        return IDENTITY.equals(transform);
    }

    /** The relation as a reader would write it: {@code "embed"} or {@code "transpose of encoder.weight"}. */
    public String describe() {
        return isIdentity() ? "'" + owner + "'" : transform + " of '" + owner + "'";
    }
}
