package io.github.pterodactylclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PterodactylClientTest {
    private PterodactylClient client;

    @BeforeEach
    void resetPanel() {
        FakePanel.control("reset", "{}");
        client = new PterodactylClient(FakePanel.url(), FakePanel.OWNER_KEY);
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void serversListsEveryServerOfTheOwner() {
        List<Server> servers = client.servers();
        assertEquals(5, servers.size());
        Server first = servers.get(0);
        assertEquals("d3aac109", first.identifier());
        assertEquals("Survival", first.name());
        assertEquals(1024, first.memoryLimitMib());
        assertTrue(first.serverOwner());
        assertEquals(2, first.allocations().size());
        assertTrue(first.raw().has("egg_features"), "raw keeps the fields the record does not name");
    }

    @Test
    void callReturnsTheJsonStringAndTheParsedForm() {
        String json = client.callJson("servers.list", "{\"per_page\": 1}");
        assertTrue(json.startsWith("{\"data\":[{"), json);
        JsonElement parsed = client.call("servers.list", Map.of("per_page", 1));
        assertEquals(5, parsed.getAsJsonObject().getAsJsonObject("meta").getAsJsonObject("pagination")
                .get("total_pages").getAsInt());
        assertEquals(JsonNull.INSTANCE, client.call("server.power", Map.of("server", "d3aac109", "signal", "kill")));
        assertEquals("null", client.callJson("server.power", "{\"server\": \"d3aac109\", \"signal\": \"kill\"}"));
    }

    @Test
    void serverResourcesAndAllocations() {
        assertEquals("d3aac109-e5e0-4331-b03e-3454f7e136dc", client.server("d3aac109").uuid());
        Resources usage = client.resources("d3aac109");
        assertEquals("offline", usage.currentState());
        assertEquals(157286400L, usage.diskBytes());
        List<Allocation> allocations = client.allocations("d3aac109");
        assertEquals(25565, allocations.get(0).port());
        assertTrue(allocations.get(0).isDefault());
        assertEquals("Query port", allocations.get(1).notes());
    }

    @Test
    void commandOnAnOfflineServerIsA502ThenWorksAfterStart() {
        PterodactylApiException e = assertThrows(PterodactylApiException.class,
                () -> client.command("1a7ce997", "say hi"));
        assertEquals(502, e.httpStatus());
        assertEquals(Status.API_ERROR, e.status());
        assertEquals("HttpException", e.code());
        assertEquals("Server must be online in order to send commands.", e.detail());
        client.power("1a7ce997", PowerSignal.START);
        client.command("1a7ce997", "say hi");
    }

    @Test
    void validationErrorCarriesCodeDetailAndSourceField() {
        PterodactylApiException e = assertThrows(PterodactylApiException.class,
                () -> client.call("server.settings.rename", Map.of("server", "d3aac109", "name", "")));
        assertEquals(422, e.httpStatus());
        assertEquals("ValidationException", e.code());
        assertEquals("The name field is required.", e.detail());
        assertEquals("name", e.sourceField());
        assertEquals("required", e.errors().get(0).rule());
        assertEquals("api", e.kind());
        assertTrue(e.getMessage().startsWith("The name field is required."), e.getMessage());
    }

    @Test
    void notFoundUnknownOperationAndWrongParameters() {
        PterodactylApiException notFound = assertThrows(PterodactylApiException.class,
                () -> client.resources("f00dfeed"));
        assertEquals(404, notFound.httpStatus());
        InvalidArgumentException unknown = assertThrows(InvalidArgumentException.class,
                () -> client.call("server.explode"));
        assertTrue(unknown.getMessage().contains("server.explode"), unknown.getMessage());
        assertThrows(InvalidArgumentException.class,
                () -> client.call("server.get", Map.of("server", List.of(42))));
        assertThrows(InvalidArgumentException.class, () -> client.callJson("server.get", "{not json"));
    }

    @Test
    void constructorRefusesABadUrlAndOptionsWithoutShowingTheKey() {
        InvalidArgumentException badUrl = assertThrows(InvalidArgumentException.class,
                () -> new PterodactylClient("not a url", FakePanel.OWNER_KEY));
        assertFalse(badUrl.getMessage().isEmpty());
        assertFalse(badUrl.getMessage().contains(FakePanel.OWNER_KEY));
        assertThrows(InvalidArgumentException.class,
                () -> new PterodactylClient(FakePanel.url(), FakePanel.OWNER_KEY, Map.of("timeout_ms", 0)));
        assertThrows(InvalidArgumentException.class,
                () -> new PterodactylClient(FakePanel.url(), FakePanel.OWNER_KEY, Map.of("no_such_option", 1)));
    }

    @Test
    void aWrongKeyIsA401() {
        try (PterodactylClient stranger = new PterodactylClient(FakePanel.url(),
                "ptlc_nobody000000S3cretNobodyKeyForTheFakePanel0")) {
            assertEquals(401, assertThrows(PterodactylApiException.class, stranger::servers).httpStatus());
        }
    }

    @Test
    void timeoutsAndRateLimitsHaveTheirOwnExceptions() {
        FakePanel.control("slow", "{\"path_contains\": \"/resources\", \"delay_ms\": 1000}");
        try (PterodactylClient impatient = PterodactylClient.builder(FakePanel.url(), FakePanel.OWNER_KEY)
                .timeout(Duration.ofMillis(100)).build()) {
            PterodactylTimeoutException e = assertThrows(PterodactylTimeoutException.class,
                    () -> impatient.resources("d3aac109"));
            assertEquals(Status.TIMEOUT, e.status());
        }
        try (PterodactylClient shorter = client.withTimeout(Duration.ofMillis(100))) {
            assertThrows(PterodactylTimeoutException.class, () -> shorter.resources("d3aac109"));
        }
        FakePanel.control("clear_faults", "{}");
        FakePanel.control("rate_limit", "{\"limit\": 1, \"window_ms\": 60000}");
        try (PterodactylClient once = PterodactylClient.builder(FakePanel.url(), FakePanel.OWNER_KEY)
                .maxRetries(0).build()) {
            once.servers();
            RateLimitedException limited = assertThrows(RateLimitedException.class, once::servers);
            assertEquals(429, limited.httpStatus());
            assertTrue(limited.retryAfter().isPresent());
        }
    }

    @Test
    void anUnreachablePanelIsATransportError() {
        try (PterodactylClient nowhere = PterodactylClient.builder("http://127.0.0.1:9", FakePanel.OWNER_KEY)
                .maxRetries(0).build()) {
            assertInstanceOf(PterodactylTransportException.class, assertThrows(PterodactylException.class,
                    nowhere::servers));
        }
    }

    @Test
    void callsAfterCloseThrowAndCloseIsIdempotent() {
        PterodactylClient other = new PterodactylClient(FakePanel.url(), FakePanel.OWNER_KEY);
        other.close();
        other.close();
        assertThrows(InvalidArgumentException.class, other::servers);
        assertEquals("PterodactylClient[closed]", other.toString());
    }

    @Test
    void oneClientServesManyThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Resources>> futures = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                futures.add(pool.submit(() -> client.resources("d3aac109")));
            }
            for (Future<Resources> f : futures) {
                assertEquals("offline", f.get().currentState());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void statusNamesComeFromTheLibrary() {
        assertEquals("PTERO_STATUS_RATE_LIMITED", Status.RATE_LIMITED.constantName());
        assertEquals(Status.OTHER, Status.of(99));
        assertFalse(PterodactylClient.libraryVersion().isEmpty());
    }
}
