package dev.motif.array;

/**
 * Element type of an {@link NDArray}: 64-bit or 32-bit IEEE floating point, or 32-bit integers
 * for indices and labels (I32, which the shape, layout and index kernels take and arithmetic refuses).
 */
public enum DType {
    F64(8),
    F32(4),
    I32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Whether this is a floating-point type (F64, F32), which arithmetic and gradients take. */
    public boolean isFloat() {
        return this != I32;
    }
}
