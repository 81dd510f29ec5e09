// The JSON shapes of the seed operations' results, as the library returns them (the panel's
// envelopes unwrapped, the panel's field names). Other fields may be present.

/** An IP and port a server listens on (`server.allocations.list`). */
export interface Allocation {
  id: number;
  ip: string;
  ip_alias: string | null;
  port: number;
  notes: string | null;
  is_default: boolean;
  [field: string]: unknown;
}

/** A server the key can see (`servers.list`, `server.get`). */
export interface Server {
  /** The short id, e.g. `d3aac109`. */
  identifier: string;
  uuid: string;
  internal_id: number;
  name: string;
  description: string;
  node: string;
  server_owner: boolean;
  /** null, `installing`, `suspended`, ... */
  status: string | null;
  is_suspended: boolean;
  is_installing: boolean;
  docker_image: string;
  limits: { memory: number; swap: number; disk: number; io: number; cpu: number; threads: string | null; [field: string]: unknown };
  feature_limits: { databases: number | null; allocations: number | null; backups: number | null };
  relationships?: { allocations?: Allocation[]; [field: string]: unknown };
  [field: string]: unknown;
}

/** A server's live state and usage (`server.resources`). */
export interface Resources {
  current_state: 'offline' | 'starting' | 'running' | 'stopping' | string;
  is_suspended: boolean;
  resources: {
    memory_bytes: number;
    cpu_absolute: number;
    disk_bytes: number;
    network_rx_bytes: number;
    network_tx_bytes: number;
    /** Milliseconds since the server started. */
    uptime: number;
  };
}

/** A power signal for `Client.power`. */
export type PowerSignal = 'start' | 'stop' | 'restart' | 'kill';
