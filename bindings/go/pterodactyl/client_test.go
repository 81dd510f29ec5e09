package pterodactyl_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"example.invalid/pterodactyl-client/bindings/go/pterodactyl"
	"example.invalid/pterodactyl-client/bindings/go/pterodactyl/internal/mallinfo"
)

// The fake panel's seeded owner key (tests/panel/README.md).
const ownerKey = "ptlc_ownerkey001S3cretOwnerKeyForTheFakePanel001"

var panelURL string

// TestMain uses the fake panel at PTERO_TEST_URL, or starts one (FAKE_PANEL_BIN, default
// target/debug/fake-panel) for the run.
func TestMain(m *testing.M) {
	panelURL = os.Getenv("PTERO_TEST_URL")
	var panel *exec.Cmd
	if panelURL == "" {
		bin := os.Getenv("FAKE_PANEL_BIN")
		if bin == "" {
			bin = filepath.Join("..", "..", "..", "target", "debug", "fake-panel")
		}
		panel = exec.Command(bin, "--port", "0")
		out, err := panel.StdoutPipe()
		if err == nil {
			err = panel.Start()
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "cannot start the fake panel %s: %v (set PTERO_TEST_URL or FAKE_PANEL_BIN)\n", bin, err)
			os.Exit(1)
		}
		line, _ := bufio.NewReader(out).ReadString('\n')
		panelURL = strings.TrimSpace(line)
	}
	code := m.Run()
	if panel != nil {
		_ = panel.Process.Kill()
		_ = panel.Wait()
	}
	os.Exit(code)
}

// fake posts to one of the fake panel's controls (/__fake/...).
func fake(t *testing.T, control, body string) {
	t.Helper()
	resp, err := http.Post(panelURL+"/__fake/"+control, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("fake panel control %s: %v", control, err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("fake panel control %s: %s", control, resp.Status)
	}
}

func newClient(t *testing.T, opts *pterodactyl.Options) *pterodactyl.Client {
	t.Helper()
	fake(t, "reset", "{}")
	c, err := pterodactyl.NewClient(panelURL, ownerKey, opts)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func asError(t *testing.T, err error) *pterodactyl.Error {
	t.Helper()
	var perr *pterodactyl.Error
	if !errors.As(err, &perr) {
		t.Fatalf("want a *pterodactyl.Error, got %T: %v", err, err)
	}
	return perr
}

func TestServersListsEveryServerOfTheOwner(t *testing.T) {
	c := newClient(t, nil)
	servers, err := c.Servers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(servers) != 5 || servers[0].Identifier != "d3aac109" || servers[0].Name != "Survival" {
		t.Fatalf("unexpected servers: %+v", servers)
	}
	if servers[0].Limits.Memory != 1024 || len(servers[0].Relationships.Allocations) != 2 {
		t.Fatalf("limits or allocations not decoded: %+v", servers[0])
	}
	if !strings.Contains(string(servers[0].Raw), `"egg_features"`) {
		t.Fatalf("Raw lacks the fields the struct does not name: %s", servers[0].Raw)
	}
}

func TestCallReturnsTheOneJSONShape(t *testing.T) {
	c := newClient(t, nil)
	raw, err := c.Call(context.Background(), "servers.list", map[string]any{"per_page": 1})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(raw), `{"data":[{`) || !strings.Contains(string(raw), `"total_pages":5`) {
		t.Fatalf("unexpected answer: %.200s", raw)
	}
	raw, err = c.Call(context.Background(), "server.power", struct {
		Server string `json:"server"`
		Signal string `json:"signal"`
	}{"d3aac109", "kill"})
	if err != nil || string(raw) != "null" {
		t.Fatalf("server.power: %q, %v", raw, err)
	}
}

func TestServerResourcesAndAllocations(t *testing.T) {
	c := newClient(t, nil)
	ctx := context.Background()
	s, err := c.Server(ctx, "d3aac109")
	if err != nil || s.UUID != "d3aac109-e5e0-4331-b03e-3454f7e136dc" {
		t.Fatalf("Server: %+v, %v", s, err)
	}
	r, err := c.Resources(ctx, "d3aac109")
	if err != nil || r.CurrentState != "offline" || r.Resources.DiskBytes != 157286400 {
		t.Fatalf("Resources: %+v, %v", r, err)
	}
	allocs, err := c.Allocations(ctx, "d3aac109")
	if err != nil || len(allocs) != 2 || allocs[0].Port != 25565 || !allocs[0].IsDefault ||
		allocs[1].Notes == nil || *allocs[1].Notes != "Query port" {
		t.Fatalf("Allocations: %+v, %v", allocs, err)
	}
}

func TestCommandOnAnOfflineServerIsA502ThenWorksAfterStart(t *testing.T) {
	c := newClient(t, nil)
	ctx := context.Background()
	err := c.Command(ctx, "1a7ce997", "say hi")
	perr := asError(t, err)
	if perr.Status != pterodactyl.StatusAPIError || perr.HTTPStatus != 502 || perr.Code() != "HttpException" ||
		perr.Detail() != "Server must be online in order to send commands." || !perr.Temporary() {
		t.Fatalf("unexpected error: %+v", perr)
	}
	if err := c.Power(ctx, "1a7ce997", pterodactyl.SignalStart); err != nil {
		t.Fatal(err)
	}
	if err := c.Command(ctx, "1a7ce997", "say hi"); err != nil {
		t.Fatalf("command after start: %v", err)
	}
}

func TestValidationErrorCarriesCodeDetailAndSourceField(t *testing.T) {
	c := newClient(t, nil)
	_, err := c.Call(context.Background(), "server.settings.rename", map[string]any{"server": "d3aac109", "name": ""})
	perr := asError(t, err)
	if perr.HTTPStatus != 422 || perr.Code() != "ValidationException" || perr.SourceField() != "name" ||
		perr.Detail() != "The name field is required." || perr.Errors[0].Rule != "required" {
		t.Fatalf("unexpected error: %+v", perr)
	}
	if !strings.HasPrefix(perr.Error(), "pterodactyl: The name field is required.") {
		t.Fatalf("message: %q", perr.Error())
	}
}

func TestNotFoundAndUnknownOperation(t *testing.T) {
	c := newClient(t, nil)
	_, err := c.Resources(context.Background(), "f00dfeed")
	if perr := asError(t, err); perr.HTTPStatus != 404 || perr.Kind != "api" {
		t.Fatalf("unexpected error: %+v", perr)
	}
	_, err = c.Call(context.Background(), "server.explode", nil)
	if perr := asError(t, err); perr.Status != pterodactyl.StatusInvalidArgument || !strings.Contains(perr.Message, "server.explode") {
		t.Fatalf("unexpected error: %+v", perr)
	}
	_, err = c.Call(context.Background(), "server.get", map[string]any{"server": []int{42}})
	if perr := asError(t, err); perr.Status != pterodactyl.StatusInvalidArgument {
		t.Fatalf("a number for a string parameter: %+v", perr)
	}
	_, err = c.Call(context.Background(), "server.get", func() {})
	if perr := asError(t, err); perr.Status != pterodactyl.StatusInvalidArgument {
		t.Fatalf("parameters that are not JSON: %+v", perr)
	}
}

func TestNewClientRefusesABadURLAndOptions(t *testing.T) {
	_, err := pterodactyl.NewClient("not a url", ownerKey, nil)
	if perr := asError(t, err); perr.Status != pterodactyl.StatusInvalidArgument || perr.Message == "" {
		t.Fatalf("bad URL: %+v", perr)
	}
	_, err = pterodactyl.NewClient(panelURL, ownerKey, &pterodactyl.Options{Timeout: time.Microsecond})
	if perr := asError(t, err); perr.Status != pterodactyl.StatusInvalidArgument {
		t.Fatalf("a zero timeout: %+v", perr)
	}
	if strings.Contains(fmt.Sprint(err), ownerKey) {
		t.Fatal("the error shows the API key")
	}
}

func TestAWrongKeyIsA401(t *testing.T) {
	fake(t, "reset", "{}")
	c, err := pterodactyl.NewClient(panelURL, "ptlc_nobody000000S3cretNobodyKeyForTheFakePanel0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Servers(context.Background())
	if perr := asError(t, err); perr.HTTPStatus != 401 {
		t.Fatalf("unexpected error: %+v", perr)
	}
}

func TestACancelledContextEndsTheWaitAndCloseWaitsForTheCall(t *testing.T) {
	c := newClient(t, &pterodactyl.Options{Timeout: 5 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Servers(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled context: %v", err)
	}
	fake(t, "slow", `{"path_contains":"/resources","delay_ms":1500}`)
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := c.Resources(ctx, "d3aac109"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a context deadline: %v", err)
	}
	// Close waits for the abandoned call instead of freeing the handle under it.
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Servers(context.Background()); asError(t, err).Status != pterodactyl.StatusInvalidArgument {
		t.Fatalf("a call after Close: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal("Close twice:", err)
	}
}

func TestWithTimeoutGivesASecondClient(t *testing.T) {
	c := newClient(t, &pterodactyl.Options{Timeout: 5 * time.Second})
	fake(t, "slow", `{"path_contains":"/resources","delay_ms":1000}`)
	short, err := c.WithTimeout(100 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer short.Close()
	_, err = short.Resources(context.Background(), "d3aac109")
	if perr := asError(t, err); perr.Status != pterodactyl.StatusTimeout || !perr.Timeout() {
		t.Fatalf("unexpected error: %+v", perr)
	}
	if _, err := c.WithTimeout(0); asError(t, err).Status != pterodactyl.StatusInvalidArgument {
		t.Fatalf("a zero timeout: %v", err)
	}
}

func TestOneClientServesManyGoroutines(t *testing.T) {
	c := newClient(t, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Resources(context.Background(), "d3aac109"); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestStatusNamesComeFromTheLibrary(t *testing.T) {
	if pterodactyl.StatusRateLimited.String() != "PTERO_STATUS_RATE_LIMITED" || pterodactyl.Status(99).String() != "PTERO_STATUS_UNKNOWN" {
		t.Fatal("unexpected status names")
	}
	if pterodactyl.Version() == "" {
		t.Fatal("no version")
	}
}

// Every string the library hands out (results, error objects, the reason a client could not be
// made) is freed: rounds of calls that would leak tens of megabytes leave the C heap where it
// was. The calls read a 2 MiB file to make a leak stand far above the runtime's own mallocs.
func TestCallsFreeEveryStringTheLibraryHandsOut(t *testing.T) {
	c := newClient(t, nil)
	fake(t, "rate_limit", `{"limit":1000000,"window_ms":60000}`)
	ctx := context.Background()
	big := map[string]any{"server": "d3aac109", "file": "/big.txt"}
	content := strings.Repeat("x", 2<<20)
	if _, err := c.Call(ctx, "server.files.write", map[string]any{"server": "d3aac109", "file": "/big.txt", "content": content}); err != nil {
		t.Fatal(err)
	}
	round := func(n int) int64 {
		var handed int64
		for i := 0; i < n; i++ {
			raw, err := c.Call(ctx, "server.files.contents", big)
			if err != nil {
				t.Fatal(err)
			}
			handed += int64(len(raw))
			for j := 0; j < 3; j++ {
				raw, err := c.Call(ctx, "servers.list", nil)
				if err != nil {
					t.Fatal(err)
				}
				handed += int64(len(raw))
				for _, call := range []func() error{
					func() error { _, err := c.Call(ctx, "no.such.operation", nil); return err },
					func() error { _, err := c.Resources(ctx, "f00dfeed"); return err },
					func() error { _, err := pterodactyl.NewClient("::", ownerKey, nil); return err },
				} {
					handed += int64(len(asError(t, call()).Message)) + 100
				}
			}
		}
		return handed
	}
	round(10) // warm up: connections, thread-local runtimes, allocator pools
	var handed int64
	grown := int64(math.MaxInt64)
	for i := 0; i < 3; i++ {
		before := mallinfo.InUse()
		handed = round(20)
		delta := mallinfo.InUse() - before
		if delta < grown {
			grown = delta
		}
		t.Logf("handed out about %d bytes, the C heap grew by %d", handed, delta)
	}
	if grown > handed/4 {
		t.Fatalf("the C heap grew by %d bytes over calls that handed out %d: strings leak", grown, handed)
	}
}
