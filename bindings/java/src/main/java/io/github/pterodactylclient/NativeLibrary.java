package io.github.pterodactylclient;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The C ABI of libpterodactyl (include/pterodactyl.h), the functions this binding needs, by JNA
 * direct mapping.
 *
 * <p>Strings go in as NUL-terminated UTF-8 {@code byte[]} ({@link #utf8}) and pointers cross as
 * {@code long} addresses, out-parameters as a {@code long[1]}: JNA copies primitive arrays for
 * the length of the call only, so a call leaves nothing behind in the C heap for a garbage
 * collector to free later. Every string the library hands out is copied and freed at once
 * ({@link #take}).
 */
final class NativeLibrary {
    /** What was loaded: a file's path, or the bare name the system's loader looked up. */
    static final String FILE;

    static {
        if (Native.POINTER_SIZE != 8) {
            throw new UnsatisfiedLinkError("pterodactyl-client needs a 64-bit JVM");
        }
        FILE = load();
        Native.register(NativeLibrary.class, FILE);
    }

    private NativeLibrary() {}

    static native long ptero_version();

    static native long ptero_status_name(int status);

    static native void ptero_string_free(long s);

    static native int ptero_client_new(byte[] panelUrl, byte[] apiKey, byte[] optionsJson, long[] outClient);

    static native int ptero_client_with_timeout(long client, long timeoutMs, long[] outClient);

    static native long ptero_last_error();

    static native void ptero_client_free(long client);

    static native int ptero_call(long client, byte[] opId, byte[] paramsJson, long[] outJson);

    static native int ptero_call_all_pages(long client, byte[] opId, byte[] paramsJson, long[] outJson);

    /**
     * Finds libpterodactyl: the file named by the system property {@code pterodactyl.library}
     * when set, else the copy inside this jar for the current platform (JNA's resource path,
     * e.g. {@code linux-x86-64/libpterodactyl.so}, extracted to a temporary file), else {@code
     * libpterodactyl} from the system's library path.
     */
    private static String load() {
        String explicit = System.getProperty("pterodactyl.library");
        if (explicit != null && !explicit.isEmpty()) {
            return explicit;
        }
        try {
            File bundled = Native.extractFromResourcePath("pterodactyl", NativeLibrary.class.getClassLoader());
            return bundled.getAbsolutePath();
        } catch (IOException notBundled) {
            return "pterodactyl";
        }
    }

    /** A NUL-terminated UTF-8 copy of {@code s}, or null for null. */
    static byte[] utf8(String s) {
        if (s == null) {
            return null;
        }
        byte[] text = s.getBytes(StandardCharsets.UTF_8);
        byte[] c = new byte[text.length + 1];
        System.arraycopy(text, 0, c, 0, text.length);
        return c;
    }

    /** Reads a static string of the library (never freed). */
    static String staticString(long s) {
        return s == 0 ? null : new Pointer(s).getString(0, StandardCharsets.UTF_8.name());
    }

    /** Copies a string the library handed out and frees it; NULL gives {@code null}. */
    static String take(long s) {
        if (s == 0) {
            return null;
        }
        try {
            return new Pointer(s).getString(0, StandardCharsets.UTF_8.name());
        } finally {
            ptero_string_free(s);
        }
    }
}
