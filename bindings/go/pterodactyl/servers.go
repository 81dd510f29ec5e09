package pterodactyl

import (
	"context"
	"encoding/json"
)

// Server is a server the key can see (servers.list, server.get). Raw holds the whole object,
// for the fields this struct does not name.
type Server struct {
	Identifier  string  `json:"identifier"` // the short id, e.g. "d3aac109"
	UUID        string  `json:"uuid"`
	InternalID  int     `json:"internal_id"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Node        string  `json:"node"`
	ServerOwner bool    `json:"server_owner"`
	Status      *string `json:"status"` // nil, "installing", "suspended", ...
	IsSuspended bool    `json:"is_suspended"`
	DockerImage string  `json:"docker_image"`
	Limits      struct {
		Memory int64 `json:"memory"` // MiB
		Disk   int64 `json:"disk"`   // MiB
		CPU    int64 `json:"cpu"`    // percent of one core
	} `json:"limits"`
	Relationships struct {
		Allocations []Allocation `json:"allocations"`
	} `json:"relationships"`
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON keeps the whole object in Raw.
func (s *Server) UnmarshalJSON(b []byte) error {
	type plain Server
	if err := json.Unmarshal(b, (*plain)(s)); err != nil {
		return err
	}
	s.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// Resources is a server's live state and usage (server.resources).
type Resources struct {
	CurrentState string `json:"current_state"` // offline, starting, running, stopping
	IsSuspended  bool   `json:"is_suspended"`
	Resources    struct {
		MemoryBytes    int64   `json:"memory_bytes"`
		CPUAbsolute    float64 `json:"cpu_absolute"`
		DiskBytes      int64   `json:"disk_bytes"`
		NetworkRxBytes int64   `json:"network_rx_bytes"`
		NetworkTxBytes int64   `json:"network_tx_bytes"`
		Uptime         int64   `json:"uptime"` // milliseconds
	} `json:"resources"`
}

// Allocation is an IP and port a server listens on (server.allocations.list).
type Allocation struct {
	ID        int     `json:"id"`
	IP        string  `json:"ip"`
	IPAlias   *string `json:"ip_alias"`
	Port      int     `json:"port"`
	Notes     *string `json:"notes"`
	IsDefault bool    `json:"is_default"`
}

// Signal is a power signal.
type Signal string

// The power signals the panel knows.
const (
	SignalStart   Signal = "start"
	SignalStop    Signal = "stop"
	SignalRestart Signal = "restart"
	SignalKill    Signal = "kill"
)

// Servers lists every server the key can see, every page (servers.list).
func (c *Client) Servers(ctx context.Context) ([]Server, error) {
	return decode[[]Server](ctx, c, "servers.list", nil, true)
}

// Server gets one server by its short identifier or UUID (server.get).
func (c *Client) Server(ctx context.Context, server string) (Server, error) {
	return decode[Server](ctx, c, "server.get", map[string]any{"server": server}, false)
}

// Resources gets a server's live state and resource usage (server.resources).
func (c *Client) Resources(ctx context.Context, server string) (Resources, error) {
	return decode[Resources](ctx, c, "server.resources", map[string]any{"server": server}, false)
}

// Power sends a power signal (server.power). It is never retried once sent.
func (c *Client) Power(ctx context.Context, server string, signal Signal) error {
	_, err := c.run(ctx, "server.power", map[string]any{"server": server, "signal": string(signal)}, false)
	return err
}

// Command sends a console command (server.command); the panel answers 502 while the server is
// offline.
func (c *Client) Command(ctx context.Context, server, command string) error {
	_, err := c.run(ctx, "server.command", map[string]any{"server": server, "command": command}, false)
	return err
}

// Allocations lists a server's allocations (server.allocations.list).
func (c *Client) Allocations(ctx context.Context, server string) ([]Allocation, error) {
	return decode[[]Allocation](ctx, c, "server.allocations.list", map[string]any{"server": server}, false)
}
