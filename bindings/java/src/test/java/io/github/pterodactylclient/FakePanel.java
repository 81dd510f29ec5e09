package io.github.pterodactylclient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The fake panel of the tests: PTERO_TEST_URL, or FAKE_PANEL_BIN (default
 * target/debug/fake-panel of the repository) started once for the whole run.
 */
public final class FakePanel {
    /** The fake panel's seeded owner key (tests/panel/README.md). */
    public static final String OWNER_KEY = "ptlc_ownerkey001S3cretOwnerKeyForTheFakePanel001";

    private static String url;

    private FakePanel() {}

    /** The panel's root URL, starting the fake panel the first time when PTERO_TEST_URL is unset. */
    public static synchronized String url() {
        if (url != null) {
            return url;
        }
        String fromEnv = System.getenv("PTERO_TEST_URL");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return url = fromEnv;
        }
        String bin = System.getenv("FAKE_PANEL_BIN");
        if (bin == null || bin.isEmpty()) {
            bin = Path.of("..", "..", "target", "debug", "fake-panel").toString();
        }
        try {
            Process panel = new ProcessBuilder(bin, "--port", "0").redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Runtime.getRuntime().addShutdownHook(new Thread(panel::destroy));
            BufferedReader out = new BufferedReader(new InputStreamReader(panel.getInputStream(), StandardCharsets.UTF_8));
            return url = out.readLine().trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake panel " + bin + " (set PTERO_TEST_URL or FAKE_PANEL_BIN)", e);
        }
    }

    /** Posts to one of the fake panel's controls, e.g. {@code control("reset", "{}")}. */
    public static void control(String name, String body) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url() + "/__fake/" + name))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException("fake panel control " + name + ": " + response.statusCode());
            }
        } catch (IOException e) {
            throw new IllegalStateException("fake panel control " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
