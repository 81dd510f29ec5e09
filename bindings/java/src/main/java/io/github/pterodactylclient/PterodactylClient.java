package io.github.pterodactylclient;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A client of one Pterodactyl panel with one client API key, over libpterodactyl (the C ABI of
 * pterodactyl-client; the native library ships inside this jar).
 *
 * <pre>{@code
 * try (PterodactylClient client = new PterodactylClient("https://panel.example.com", "ptlc_...")) {
 *     client.power("d3aac109", PowerSignal.START);
 *     Resources usage = client.resources("d3aac109");
 *     JsonElement backups = client.call("server.backups.list", Map.of("server", "d3aac109"));
 * }
 * }</pre>
 *
 * <p>Every call blocks the calling thread until the panel answers, the timeout expires or the
 * retries are spent: in a game server, call it from an async task, never the main thread. One
 * client may be used from many threads at once; make one and share it. {@link #close()} waits
 * for calls still running. Every failure is a {@link PterodactylException}.
 */
public final class PterodactylClient implements AutoCloseable {
    private static final Gson GSON = new Gson();
    private static final Cleaner CLEANER = Cleaner.create();

    /** The native handle, apart from the client so that the cleaner can free a lost client. */
    private static final class Handle implements Runnable {
        private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        private long pointer;

        Handle(long pointer) {
            this.pointer = pointer;
        }

        @Override
        public void run() {
            lock.writeLock().lock();
            try {
                NativeLibrary.ptero_client_free(pointer);
                pointer = 0;
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    private final Handle handle;
    private final Cleaner.Cleanable cleanable;

    /** A client with the default options; makes no request. */
    public PterodactylClient(String panelUrl, String apiKey) {
        this(panelUrl, apiKey, Map.of());
    }

    /**
     * A client with options by their library names ({@code timeout_ms}, {@code
     * connect_timeout_ms}, {@code user_agent}, {@code ca_cert_pem}, {@code accept_invalid_certs},
     * {@code max_retries}, {@code max_retry_wait_ms}, {@code max_response_bytes}); see also {@link
     * #builder}. Makes no request.
     *
     * @throws InvalidArgumentException for a bad URL or option
     */
    public PterodactylClient(String panelUrl, String apiKey, Map<String, ?> options) {
        Objects.requireNonNull(panelUrl, "panelUrl");
        Objects.requireNonNull(apiKey, "apiKey");
        String optionsJson = options == null || options.isEmpty() ? null : GSON.toJson(options);
        byte[] key = NativeLibrary.utf8(apiKey);
        try {
            this.handle = new Handle(open(out -> NativeLibrary.ptero_client_new(NativeLibrary.utf8(panelUrl), key,
                    NativeLibrary.utf8(optionsJson), out)));
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
        this.cleanable = CLEANER.register(this, handle);
    }

    private PterodactylClient(long pointer) {
        this.handle = new Handle(pointer);
        this.cleanable = CLEANER.register(this, handle);
    }

    private interface Opener {
        int open(long[] outClient);
    }

    /**
     * Runs a function that makes a handle; on failure its error object is the calling thread's
     * last error (the same OS thread: JNA calls run on the calling Java thread).
     */
    private static long open(Opener opener) {
        long[] out = new long[1];
        int status = opener.open(out);
        if (status != Status.OK.code()) {
            throw PterodactylException.from(status, NativeLibrary.take(NativeLibrary.ptero_last_error()));
        }
        return out[0];
    }

    /** Starts a {@link Builder} for a client with typed options. */
    public static Builder builder(String panelUrl, String apiKey) {
        return new Builder(panelUrl, apiKey);
    }

    /** The version of the loaded libpterodactyl, e.g. {@code 0.1.0}. */
    public static String libraryVersion() {
        return NativeLibrary.staticString(NativeLibrary.ptero_version());
    }

    /**
     * Where libpterodactyl was loaded from: the {@code pterodactyl.library} property's file, the
     * temporary copy of the one inside this jar, or {@code pterodactyl} when the system's loader
     * found it.
     */
    public static String libraryFile() {
        return NativeLibrary.FILE;
    }

    /**
     * A second client on the same connections, key and settings whose requests may each take
     * {@code timeout} as a whole, for long operations such as {@code server.files.compress}.
     * Close each client on its own.
     */
    public PterodactylClient withTimeout(Duration timeout) {
        long ms = timeout.toMillis();
        if (ms <= 0) {
            throw new InvalidArgumentException("invalid_input", "the timeout must be at least 1 ms", null);
        }
        return withHandle(p -> new PterodactylClient(open(out -> NativeLibrary.ptero_client_with_timeout(p, ms, out))));
    }

    /**
     * Calls any operation by its id ({@code server.power}, {@code servers.list}, ...; see
     * docs/operations.md) with one flat map of parameters (path, query and body parameters by
     * their panel names) and returns the answer parsed ({@link com.google.gson.JsonNull} for
     * operations without content).
     */
    public JsonElement call(String operationId, Map<String, ?> params) {
        return JsonParser.parseString(callJson(operationId, params == null ? null : GSON.toJson(params)));
    }

    /** {@link #call(String, Map)} with no parameters. */
    public JsonElement call(String operationId) {
        return call(operationId, null);
    }

    /**
     * Calls any operation with its parameters as a JSON object text (null for none) and returns
     * the answer as the library's JSON text, unparsed ({@code null} for operations without
     * content).
     */
    public String callJson(String operationId, String paramsJson) {
        return invoke(operationId, paramsJson, false);
    }

    /**
     * Calls a paginated operation ({@code servers.list}, {@code server.activity.list}, {@code
     * account.activity.list}, {@code server.backups.list}) and returns every item of every page.
     */
    public JsonArray callAllPages(String operationId, Map<String, ?> params) {
        String json = invoke(operationId, params == null ? null : GSON.toJson(params), true);
        return JsonParser.parseString(json).getAsJsonArray();
    }

    /** Every server the key can see, every page ({@code servers.list}). */
    public List<Server> servers() {
        List<Server> servers = new ArrayList<>();
        for (JsonElement e : callAllPages("servers.list", null)) {
            servers.add(Server.from(e));
        }
        return List.copyOf(servers);
    }

    /** One server by its short identifier or UUID ({@code server.get}). */
    public Server server(String server) {
        return Server.from(call("server.get", Map.of("server", server)));
    }

    /** A server's live state and resource usage ({@code server.resources}). */
    public Resources resources(String server) {
        return Resources.from(call("server.resources", Map.of("server", server)));
    }

    /** Sends a power signal ({@code server.power}); never retried once sent. */
    public void power(String server, PowerSignal signal) {
        call("server.power", Map.of("server", server, "signal", signal.wire()));
    }

    /**
     * Sends a console command ({@code server.command}); the panel answers 502 (a {@link
     * PterodactylApiException}) while the server is offline.
     */
    public void command(String server, String command) {
        call("server.command", Map.of("server", server, "command", command));
    }

    /** A server's allocations ({@code server.allocations.list}). */
    public List<Allocation> allocations(String server) {
        List<Allocation> allocations = new ArrayList<>();
        for (JsonElement e : call("server.allocations.list", Map.of("server", server)).getAsJsonArray()) {
            allocations.add(Allocation.from(e));
        }
        return List.copyOf(allocations);
    }

    /**
     * Frees the client, after the calls still running on it return. Later calls throw {@link
     * InvalidArgumentException}. Idempotent.
     */
    @Override
    public void close() {
        cleanable.clean();
    }

    private interface WithPointer<T> {
        T apply(long p);
    }

    /** Runs {@code body} with the live handle, so that {@link #close()} cannot free it meanwhile. */
    private <T> T withHandle(WithPointer<T> body) {
        handle.lock.readLock().lock();
        try {
            if (handle.pointer == 0) {
                throw new InvalidArgumentException("invalid_input", "the client is closed", null);
            }
            return body.apply(handle.pointer);
        } finally {
            handle.lock.readLock().unlock();
            Reference.reachabilityFence(this);
        }
    }

    private String invoke(String operationId, String paramsJson, boolean allPages) {
        Objects.requireNonNull(operationId, "operationId");
        byte[] op = NativeLibrary.utf8(operationId);
        byte[] params = NativeLibrary.utf8(paramsJson);
        return withHandle(p -> {
            long[] out = new long[1];
            int status = allPages ? NativeLibrary.ptero_call_all_pages(p, op, params, out)
                    : NativeLibrary.ptero_call(p, op, params, out);
            String json = NativeLibrary.take(out[0]);
            if (status != Status.OK.code()) {
                throw PterodactylException.from(status, json);
            }
            return json;
        });
    }

    /** Typed options for a client; unset options keep the library's defaults. */
    public static final class Builder {
        private final String panelUrl;
        private final String apiKey;
        private final Map<String, Object> options = new LinkedHashMap<>();

        private Builder(String panelUrl, String apiKey) {
            this.panelUrl = panelUrl;
            this.apiKey = apiKey;
        }

        /** Bounds each request as a whole (default 30 s). */
        public Builder timeout(Duration timeout) {
            options.put("timeout_ms", timeout.toMillis());
            return this;
        }

        /** Bounds connecting to the panel (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            options.put("connect_timeout_ms", timeout.toMillis());
            return this;
        }

        /** Replaces the User-Agent header. */
        public Builder userAgent(String userAgent) {
            options.put("user_agent", userAgent);
            return this;
        }

        /** Trusts one more root certificate (PEM text), e.g. a panel's own CA. */
        public Builder caCertPem(String pem) {
            options.put("ca_cert_pem", pem);
            return this;
        }

        /** Turns certificate checks off; for test panels only. */
        public Builder acceptInvalidCerts(boolean accept) {
            options.put("accept_invalid_certs", accept);
            return this;
        }

        /** How often a call that may be retried is tried again (default 3). */
        public Builder maxRetries(int retries) {
            options.put("max_retries", retries);
            return this;
        }

        /** The longest wait before a retry (default 60 s). */
        public Builder maxRetryWait(Duration wait) {
            options.put("max_retry_wait_ms", wait.toMillis());
            return this;
        }

        /** The largest answer read (default 64 MiB). */
        public Builder maxResponseBytes(long bytes) {
            options.put("max_response_bytes", bytes);
            return this;
        }

        /** Makes the client; no request. */
        public PterodactylClient build() {
            return new PterodactylClient(panelUrl, apiKey, options);
        }
    }

    @Override
    public String toString() {
        return "PterodactylClient[" + (handle.pointer == 0 ? "closed" : "open") + "]";
    }
}
