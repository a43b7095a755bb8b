package dev.motif.data;

/** Element types of the IDX format, by the code in the third byte of the magic number. */
public enum IdxType {
    UNSIGNED_BYTE(0x08, 1, "unsigned byte"),
    SIGNED_BYTE(0x09, 1, "signed byte"),
    SHORT(0x0B, 2, "short"),
    INT(0x0C, 4, "int"),
    FLOAT(0x0D, 4, "float"),
    DOUBLE(0x0E, 8, "double");

    private final int code, bytes;
    private final String label;

    IdxType(int code, int bytes, String label) {
        this.code = code;
        this.bytes = bytes;
        this.label = label;
    }

    /** The type code as written in the file. */
    public int code() {
        return code;
    }

    /** Bytes per element (big-endian in the file). */
    public int bytes() {
        return bytes;
    }

    /** The type with this code, or null for a code the format does not define. */
    public static IdxType ofCode(int code) {
        for (IdxType t : values()) if (t.code == code) return t;
        return null;
    }

    /** The full magic number of a file of this type and rank: 0x0000TTRR. */
    public int magic(int rank) {
        return (code << 8) | rank;
    }

    @Override
    public String toString() {
        return label;
    }
}
