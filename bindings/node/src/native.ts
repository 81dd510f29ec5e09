// libpterodactyl through koffi: the functions of include/pterodactyl.h this package needs, loaded
// once per thread (the main thread and each call worker).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import koffi from 'koffi';

/** A native pointer (koffi 3 gives pointers as BigInt), or null for NULL. */
export type Pointer = bigint | null;

/**
 * The library's file: `PTERODACTYL_LIBRARY` when set, else the copy packed with this package for
 * the current platform (`native/linux-x64/libpterodactyl.so`), else `libpterodactyl.so` from the
 * system's library path.
 */
export function libraryPath(): string {
  const explicit = process.env.PTERODACTYL_LIBRARY;
  if (explicit) return explicit;
  const bundled = fileURLToPath(new URL(`../native/${process.platform}-${process.arch}/libpterodactyl.so`, import.meta.url));
  return existsSync(bundled) ? bundled : 'libpterodactyl.so';
}

export interface Native {
  version(): string;
  statusName(status: number): string;
  clientNew(url: string, key: string, options: string | null, out: Pointer[]): number;
  clientWithTimeout(client: bigint, timeoutMs: number, out: Pointer[]): number;
  lastError(): Pointer;
  clientFree(client: bigint): void;
  call(client: bigint, op: string, params: string | null, out: Pointer[]): number;
  callAllPages(client: bigint, op: string, params: string | null, out: Pointer[]): number;
  stringFree(s: Pointer): void;
}

let loaded: Native | undefined;

/** The library's functions, loaded on first use. Throws when the library cannot be loaded. */
export function native(): Native {
  if (loaded) return loaded;
  const lib = koffi.load(libraryPath());
  koffi.opaque('PteroClient');
  // Every `char **` out-parameter is declared `void **` so that we get the pointer itself and can
  // free it after decoding; koffi would otherwise decode the string and lose the pointer.
  loaded = {
    version: lib.func('const char *ptero_version(void)'),
    statusName: lib.func('const char *ptero_status_name(int status)'),
    clientNew: lib.func(
      'int ptero_client_new(const char *url, const char *key, const char *options, _Out_ PteroClient **out)',
    ),
    clientWithTimeout: lib.func(
      'int ptero_client_with_timeout(const PteroClient *client, uint64_t timeout_ms, _Out_ PteroClient **out)',
    ),
    lastError: lib.func('void *ptero_last_error(void)'),
    clientFree: lib.func('void ptero_client_free(PteroClient *client)'),
    call: lib.func('int ptero_call(const PteroClient *client, const char *op, const char *params, _Out_ void **out)'),
    callAllPages: lib.func(
      'int ptero_call_all_pages(const PteroClient *client, const char *op, const char *params, _Out_ void **out)',
    ),
    stringFree: lib.func('void ptero_string_free(void *s)'),
  } as Native;
  return loaded;
}

/** Copies a string the library handed out and frees it; NULL gives null. */
export function take(s: Pointer): string | null {
  if (s === null || s === 0n) return null;
  try {
    return koffi.decode.string(s) as string;
  } finally {
    native().stringFree(s);
  }
}
