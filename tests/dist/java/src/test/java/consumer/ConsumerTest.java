package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pterodactylclient.PterodactylApiException;
import io.github.pterodactylclient.PterodactylClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packed jar, as a dependency: its own library, a first call, an error. */
class ConsumerTest {
    private static final String KEY = "ptlc_ownerkey001S3cretOwnerKeyForTheFakePanel001";

    @Test
    void theJarLoadsItsOwnLibraryAndCallsThePanel() throws Exception {
        assertEquals(null, System.getProperty("pterodactyl.library"));
        try (PterodactylClient client = new PterodactylClient(System.getenv("PTERO_TEST_URL"), KEY)) {
            assertEquals("Survival", client.server("d3aac109").name());
            assertEquals(404, assertThrows(PterodactylApiException.class,
                    () -> client.resources("f00dfeed")).httpStatus());
        }
        // The library in this process is the copy JNA extracted from the jar, not a build tree's.
        String file = PterodactylClient.libraryFile();
        assertTrue(Files.isRegularFile(Path.of(file)), file);
        assertFalse(file.contains("/target/"), file);
        List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
        assertTrue(maps.stream().anyMatch(l -> l.endsWith(file)), "not mapped: " + file);
        assertTrue(PterodactylClient.libraryVersion().startsWith("0."), PterodactylClient.libraryVersion());
    }
}
