package io.github.pterodactylclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every string the library hands out (results, error objects, the reason a client could not be
 * made) is freed: rounds of calls that would leak tens of megabytes leave the C heap where it
 * was. The JVM mallocs and frees on its own (its compilers, its collector), a few megabytes
 * either way, so the calls read a 2 MiB file to make a leak stand far above that.
 */
class LeakTest {
    /** glibc's struct mallinfo2: ten size_t. */
    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost"})
    public static class MallInfo2 extends Structure implements Structure.ByValue {
        public long arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    interface LibC extends Library {
        MallInfo2 mallinfo2();
    }

    private static final LibC LIBC = Native.load("c", LibC.class);

    /** Bytes malloc has handed out and not taken back, over every arena. */
    private static long inUse() {
        MallInfo2 m = LIBC.mallinfo2();
        return m.uordblks + m.hblkhd;
    }

    private static final String BIG = "{\"server\": \"d3aac109\", \"file\": \"/big.txt\"}";

    private static long round(PterodactylClient client, int n) {
        long handed = 0;
        for (int i = 0; i < n; i++) {
            handed += client.callJson("server.files.contents", BIG).length();
            for (int j = 0; j < 3; j++) {
                handed += client.callJson("servers.list", null).length();
                handed += assertThrows(PterodactylException.class, () -> client.callJson("no.such.operation", null))
                        .errorJson().length();
                handed += assertThrows(PterodactylApiException.class, () -> client.resources("f00dfeed"))
                        .errorJson().length();
                handed += assertThrows(InvalidArgumentException.class, () -> new PterodactylClient("::", "k"))
                        .errorJson().length();
            }
        }
        return handed;
    }

    @Test
    void callsFreeEveryStringTheLibraryHandsOut() {
        FakePanel.control("reset", "{}");
        FakePanel.control("rate_limit", "{\"limit\": 1000000, \"window_ms\": 60000}");
        try (PterodactylClient client = new PterodactylClient(FakePanel.url(), FakePanel.OWNER_KEY)) {
            client.call("server.files.write", Map.of("server", "d3aac109", "file", "/big.txt",
                    "content", "x".repeat(2 * 1024 * 1024)));
            assertEquals(2 * 1024 * 1024 + 2, client.callJson("server.files.contents", BIG).length());
            round(client, 10); // warm up: connections, the JIT, allocator pools
            long handed = 0;
            long grown = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long before = inUse();
                handed = round(client, 20);
                long delta = inUse() - before;
                grown = Math.min(grown, delta);
                System.out.printf("leak test: handed out %d bytes, the C heap grew by %d%n", handed, delta);
            }
            assertTrue(grown < handed / 4, "the C heap grew by " + grown + " bytes over calls that handed out "
                    + handed + ": strings leak");
        } finally {
            FakePanel.control("reset", "{}");
        }
    }
}
