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

    /**
     * The dtype an elementwise op between {@code a} and {@code b} computes in: the dtype itself when
     * they agree, F64 for F32 with F64 (PyTorch's promotion of floating types); null for I32 with a
     * float type, which arithmetic refuses rather than guess (convert with {@code to()}).
     */
    public static DType promote(DType a, DType b) {
        if (a == b) return a;
        return a.isFloat() && b.isFloat() ? F64 : null;
    }
}
