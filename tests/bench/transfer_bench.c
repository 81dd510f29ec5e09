/*
 * The C row of the transfer bench (tests/bench/transfer.sh): one 1 GiB download or upload
 * through libpterodactyl, timed in-process.
 *
 *   ptero-transfer-bench-c download PANEL_URL KEY SERVER REMOTE_PATH LOCAL_PATH
 *   ptero-transfer-bench-c upload   PANEL_URL KEY SERVER REMOTE_DIR  LOCAL_PATH
 *
 * Prints one JSON line: {"bytes", "seconds", "rss_before_kb", "hwm_kb"}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pterodactyl.h"

/* A kB field of /proc/self/status (0 where there is none). */
static long long status_kb(const char *field) {
    char line[256];
    long long kb = 0;
    size_t n = strlen(field);
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, field, n) == 0) {
            kb = atoll(line + n);
            break;
        }
    }
    if (f) fclose(f);
    return kb;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    PteroClient *client = NULL;
    char *out = NULL;
    int rc = 1;
    if (argc != 7) {
        fprintf(stderr, "usage: %s download|upload PANEL_URL KEY SERVER REMOTE LOCAL\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1], *server = argv[4], *remote = argv[5], *local = argv[6];
    if (ptero_client_new(argv[2], argv[3], NULL, &client) != PTERO_STATUS_OK) {
        char *error = ptero_last_error();
        fprintf(stderr, "client: %s\n", error ? error : "?");
        ptero_string_free(error);
        return 1;
    }
    /* One small call first, so that the connection and the runtime exist before measuring. */
    ptero_server_files_list(client, server, "/", &out);
    ptero_string_free(out);
    out = NULL;

    long long before = status_kb("VmRSS:");
    double start = now();
    PteroStatus st = strcmp(mode, "download") == 0
                         ? ptero_server_files_download_to_path(client, server, remote, local, NULL, NULL, &out)
                         : ptero_server_files_upload_paths(client, server, remote, &local, 1, NULL, NULL, &out);
    double seconds = now() - start;
    if (st == PTERO_STATUS_OK) {
        const char *bytes = out ? strstr(out, "\"bytes\":") : NULL;
        printf("{\"bytes\":%lld,\"seconds\":%.6f,\"rss_before_kb\":%lld,\"hwm_kb\":%lld}\n",
               bytes ? atoll(bytes + 8) : -1, seconds, before, status_kb("VmHWM:"));
        rc = 0;
    } else {
        fprintf(stderr, "%s: %s\n", ptero_status_name((int)st), out ? out : "?");
    }
    ptero_string_free(out);
    ptero_client_free(client);
    return rc;
}
