package dev.motif.array;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;

import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.Logger;

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

    /** The one record of netlib's that {@link #NETLIB_LOG} drops. */
    private static final String VECTOR_BLAS_WARNING = "Failed to load implementation from:dev.ludovic.netlib.blas.VectorBLAS";

    /**
     * netlib's InstanceBuilder warns on every start that its Vector API kernels (VectorBLAS) did not
     * load: they need {@code --add-modules=jdk.incubator.vector}, which Motif does not ask for, so
     * the warning says nothing a user can act on. Exactly that record is dropped; any other (the
     * native library failing to load, for one) still shows. Set before the first use of netlib,
     * which logs from its class initialiser, and held here: the logging framework keeps loggers
     * only weakly, and a new logger would come without the filter.
     */
    private static final Logger NETLIB_LOG = quietVectorBlasWarning();

    private static Logger quietVectorBlasWarning() {
        Logger log = Logger.getLogger("dev.ludovic.netlib.blas.InstanceBuilder");
        Filter previous = log.getFilter();
        log.setFilter(r -> !(r.getLevel() == Level.WARNING && VECTOR_BLAS_WARNING.equals(r.getMessage()))
                && (previous == null || previous.isLoggable(r)));
        return log;
    }

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
