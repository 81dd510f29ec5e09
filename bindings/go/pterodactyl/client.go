// Package pterodactyl is a client of the Pterodactyl panel's Client API, built on libpterodactyl
// (the C ABI of pterodactyl-client) with cgo.
//
// Every rule (URLs, checks, retries, timeouts, errors, the JSON shape) lives in the Rust core;
// this package converts Go values to JSON and back and maps the library's errors to *Error.
//
//	client, err := pterodactyl.NewClient("https://panel.example.com", "ptlc_...", nil)
//	if err != nil { ... }
//	defer client.Close()
//	err = client.Power(ctx, "d3aac109", pterodactyl.SignalStart)
//
// Build: the C library and its header must be found by cgo, e.g. from an unpacked
// libpterodactyl tarball:
//
//	CGO_CFLAGS="-I$PREFIX/include" CGO_LDFLAGS="-L$PREFIX/lib -Wl,-rpath,$PREFIX/lib" go build
package pterodactyl

/*
#cgo CFLAGS: -I${SRCDIR}/../include -I${SRCDIR}/../../../include
#cgo LDFLAGS: -lpterodactyl
#include <stdlib.h>
#include <pterodactyl.h>

// ptero_client_new and the thread-local ptero_last_error in one C call: a goroutine may move
// to another OS thread between two cgo calls, and the error would be lost (or someone else's).
static PteroStatus go_ptero_client_new(const char *url, const char *key, const char *options,
                                       PteroClient **out_client, char **out_error) {
    PteroStatus st = ptero_client_new(url, key, options, out_client);
    *out_error = st == PTERO_STATUS_OK ? NULL : ptero_last_error();
    return st;
}

static PteroStatus go_ptero_client_with_timeout(const PteroClient *client, uint64_t timeout_ms,
                                                PteroClient **out_client, char **out_error) {
    PteroStatus st = ptero_client_with_timeout(client, timeout_ms, out_client);
    *out_error = st == PTERO_STATUS_OK ? NULL : ptero_last_error();
    return st;
}
*/
import "C"

import (
	"context"
	"encoding/json"
	"sync"
	"time"
	"unsafe"
)

// Version is the version of the loaded libpterodactyl, e.g. "0.1.0".
func Version() string { return C.GoString(C.ptero_version()) }

// Options configure a Client. The zero value (or a nil *Options) keeps every default.
type Options struct {
	// Timeout bounds each request as a whole (default 30s).
	Timeout time.Duration
	// ConnectTimeout bounds connecting to the panel (default 10s).
	ConnectTimeout time.Duration
	// UserAgent replaces the library's User-Agent header.
	UserAgent string
	// CACertPEM is one more trusted root certificate (PEM text), e.g. a panel's own CA.
	CACertPEM string
	// AcceptInvalidCerts turns certificate checks off; for test panels only.
	AcceptInvalidCerts bool
	// MaxRetries is how often a call that may be retried is tried again (nil: 3).
	MaxRetries *int
	// MaxRetryWait is the longest the client waits before a retry (default 60s).
	MaxRetryWait time.Duration
	// MaxResponseBytes is the largest answer read (default 64 MiB); larger ones fail with
	// StatusTooLarge.
	MaxResponseBytes int64
}

func (o *Options) json() ([]byte, error) {
	if o == nil {
		return nil, nil
	}
	m := map[string]any{}
	if o.Timeout != 0 {
		m["timeout_ms"] = o.Timeout.Milliseconds()
	}
	if o.ConnectTimeout != 0 {
		m["connect_timeout_ms"] = o.ConnectTimeout.Milliseconds()
	}
	if o.UserAgent != "" {
		m["user_agent"] = o.UserAgent
	}
	if o.CACertPEM != "" {
		m["ca_cert_pem"] = o.CACertPEM
	}
	if o.AcceptInvalidCerts {
		m["accept_invalid_certs"] = true
	}
	if o.MaxRetries != nil {
		m["max_retries"] = *o.MaxRetries
	}
	if o.MaxRetryWait != 0 {
		m["max_retry_wait_ms"] = o.MaxRetryWait.Milliseconds()
	}
	if o.MaxResponseBytes != 0 {
		m["max_response_bytes"] = o.MaxResponseBytes
	}
	return json.Marshal(m)
}

// Client is a client of one panel with one API key. It is safe for concurrent use by many
// goroutines; make one and share it. Close releases it.
type Client struct {
	// Calls hold the read lock while the native call runs, Close takes the write lock: the
	// library's handle must not be freed while a call on it still runs.
	mu     sync.RWMutex
	handle *C.PteroClient
}

// NewClient makes a client for the panel at panelURL (its root, e.g.
// "https://panel.example.com") with a client API key ("ptlc_..."). It makes no request. A bad
// URL or option gives an *Error with StatusInvalidArgument.
func NewClient(panelURL, apiKey string, opts *Options) (*Client, error) {
	optJSON, err := opts.json()
	if err != nil {
		return nil, invalid(err.Error())
	}
	cURL, cKey := C.CString(panelURL), C.CString(apiKey)
	defer C.free(unsafe.Pointer(cURL))
	defer freeSecret(cKey, len(apiKey))
	var cOpts *C.char
	if optJSON != nil {
		cOpts = C.CString(string(optJSON))
		defer C.free(unsafe.Pointer(cOpts))
	}
	var handle *C.PteroClient
	var cErr *C.char
	st := C.go_ptero_client_new(cURL, cKey, cOpts, &handle, &cErr)
	if st != C.PTERO_STATUS_OK {
		return nil, errorFrom(Status(st), takeString(cErr))
	}
	return &Client{handle: handle}, nil
}

// freeSecret wipes a C copy of the API key before freeing it.
func freeSecret(p *C.char, n int) {
	b := unsafe.Slice((*byte)(unsafe.Pointer(p)), n)
	for i := range b {
		b[i] = 0
	}
	C.free(unsafe.Pointer(p))
}

// WithTimeout returns a second client on the same connections, key and settings whose
// requests may each take timeout as a whole (for long operations such as
// "server.files.compress"). Close each client on its own.
func (c *Client) WithTimeout(timeout time.Duration) (*Client, error) {
	ms := timeout.Milliseconds()
	if ms <= 0 {
		return nil, invalid("the timeout must be at least 1ms")
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.handle == nil {
		return nil, errClosed()
	}
	var handle *C.PteroClient
	var cErr *C.char
	st := C.go_ptero_client_with_timeout(c.handle, C.uint64_t(ms), &handle, &cErr)
	if st != C.PTERO_STATUS_OK {
		return nil, errorFrom(Status(st), takeString(cErr))
	}
	return &Client{handle: handle}, nil
}

// Close releases the client. It waits for calls still running on it (including calls whose
// context was cancelled: the library cannot abandon a request midway, it ends by its timeout).
// Calls after Close fail with StatusInvalidArgument. Close is idempotent.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	C.ptero_client_free(c.handle)
	c.handle = nil
	return nil
}

// Call calls any operation of the Client API by its id ("server.power", "servers.list", ...;
// see docs/operations.md) with one flat object of parameters (path, query and body parameters
// by their panel names): a map[string]any, a struct with json tags, or nil. The result is the
// answer as JSON in the library's one shape ("null" for operations without content).
//
// When ctx is done before the panel answers, Call returns ctx.Err() at once; the request itself
// still runs to its end in the background (it may already have reached the panel).
func (c *Client) Call(ctx context.Context, opID string, params any) (json.RawMessage, error) {
	return c.run(ctx, opID, params, false)
}

// CallAllPages is Call for a paginated operation ("servers.list", "server.activity.list",
// "account.activity.list", "server.backups.list"): it fetches every page and returns a JSON
// array of every item.
func (c *Client) CallAllPages(ctx context.Context, opID string, params any) (json.RawMessage, error) {
	return c.run(ctx, opID, params, true)
}

type outcome struct {
	json []byte
	err  error
}

func (c *Client) run(ctx context.Context, opID string, params any, allPages bool) (json.RawMessage, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var paramsJSON []byte
	if params != nil {
		var err error
		if paramsJSON, err = json.Marshal(params); err != nil {
			return nil, invalid("the parameters are not JSON: " + err.Error())
		}
	}
	c.mu.RLock()
	if c.handle == nil {
		c.mu.RUnlock()
		return nil, errClosed()
	}
	done := make(chan outcome, 1)
	// The native call blocks its OS thread; run it apart so that ctx can end the wait. The
	// goroutine releases the read lock, so Close waits for it.
	go func() {
		defer c.mu.RUnlock()
		done <- c.native(opID, paramsJSON, allPages)
	}()
	select {
	case o := <-done:
		return o.json, o.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// native makes one ptero_call (or ptero_call_all_pages) and frees every string it is handed.
// The caller holds the read lock.
func (c *Client) native(opID string, params []byte, allPages bool) (o outcome) {
	// A panic here (there should be none) must not take the host program down from a
	// goroutine nobody can recover in.
	defer func() {
		if r := recover(); r != nil {
			o = outcome{err: &Error{Status: StatusPanic, Kind: "panic", Message: "internal error in the Go binding"}}
		}
	}()
	cOp := C.CString(opID)
	defer C.free(unsafe.Pointer(cOp))
	var cParams *C.char
	if params != nil {
		cParams = C.CString(string(params))
		defer C.free(unsafe.Pointer(cParams))
	}
	var out *C.char
	var st Status
	if allPages {
		st = Status(C.ptero_call_all_pages(c.handle, cOp, cParams, &out))
	} else {
		st = Status(C.ptero_call(c.handle, cOp, cParams, &out))
	}
	text := takeString(out)
	if st != StatusOK {
		return outcome{err: errorFrom(st, text)}
	}
	return outcome{json: []byte(text)}
}

// takeString copies a string the library handed out and frees it (NULL gives "").
func takeString(s *C.char) string {
	if s == nil {
		return ""
	}
	defer C.ptero_string_free(s)
	return C.GoString(s)
}

// decode calls an operation and decodes its JSON answer into a T.
func decode[T any](ctx context.Context, c *Client, opID string, params any, allPages bool) (T, error) {
	var v T
	raw, err := c.run(ctx, opID, params, allPages)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, &Error{Status: StatusDecode, Kind: "decode", Message: "the answer did not decode: " + err.Error()}
	}
	return v, nil
}
