package dev.motif.array;

/** Element type of an {@link NDArray}: 64-bit or 32-bit IEEE floating point. */
public enum DType {
    F64(8),
    F32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }
}
