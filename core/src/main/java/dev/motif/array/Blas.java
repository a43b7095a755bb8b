package dev.motif.array;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;

/**
 * The BLAS that matrix products go through: native (OpenBLAS from Debian's {@code libopenblas0},
 * through JNI) when it loads, pure Java otherwise.
 *
 * <p>Set {@code -Dmotif.blas=java} to force the Java path, {@code -Dmotif.blas=native} to fail
 * loudly when the native library is missing. {@link #use} switches at run time (tests, benchmarks).
 */
public final class Blas {
    private Blas() {}

    /** Which implementation is in use. */
    public enum Kind { NATIVE, JAVA }

    private static volatile BLAS current;
    private static volatile Kind kind;

    static {
        String want = System.getProperty("motif.blas", "auto");
        switch (want) {
            case "java": use(Kind.JAVA); break;
            case "native": use(Kind.NATIVE); break;
            case "auto": if (!tryUse(Kind.NATIVE)) use(Kind.JAVA); break;
            default: throw new IllegalArgumentException("-Dmotif.blas must be auto, native or java, got '" + want + "'");
        }
    }

    /** The BLAS instance in use. */
    public static BLAS get() {
        return current;
    }

    public static Kind kind() {
        return kind;
    }

    /** Whether the native library can be loaded on this machine. */
    public static boolean nativeAvailable() {
        try {
            NativeBLAS.getInstance();
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Switches implementation; an error when native is asked for and cannot load. */
    public static void use(Kind k) {
        if (k == Kind.NATIVE) {
            try {
                current = NativeBLAS.getInstance();
            } catch (Throwable t) {
                throw new IllegalStateException("native BLAS is not available (install libopenblas0): " + t.getMessage(), t);
            }
        } else {
            current = JavaBLAS.getInstance();
        }
        kind = k;
    }

    private static boolean tryUse(Kind k) {
        try {
            use(k);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** A one-line description, such as {@code native (dev.ludovic.netlib.blas.JNIBLAS)}. */
    public static String describe() {
        return kind.name().toLowerCase() + " (" + current.getClass().getName() + ")";
    }
}
