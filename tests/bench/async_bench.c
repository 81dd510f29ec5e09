/*
 * The C rows of the async bench (tests/bench/async.py): many calls in flight at once.
 *
 *   ptero-async-bench-c CLIENT BASE BATCHES N
 *
 * One batch is one "server.resources" call for each identifier of the file BENCH_IDS (500
 * distinct ones, one a line). One warm-up batch (it opens the connections), then BATCHES measured
 * ones, each printed as "WALL_SECONDS CPU_SECONDS" (CPU: the whole process, every thread).
 *
 * CLIENT:
 *   c-async    one thread keeps N calls in flight with ptero_call_submit: it waits for the oldest
 *              with ptero_request_poll(req, -1), takes its outcome with ptero_request_take, checks
 *              it, frees it (ptero_string_free, ptero_request_free) and submits the next
 *              identifier in its place. The client's max_in_flight is N.
 *   c-threads  N threads share one client and each makes blocking ptero_call calls, taking the
 *              next identifier until none is left.
 *
 * Environment: BENCH_KEY, BENCH_IDS, BENCH_CA (PEM file of the CA trusted for https).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pterodactyl.h"

#define MAX_IDS 4096
#define MAX_N 512

static const char *KEY = "ptlc_benchmarkBENCHMARK0123456789abcdefABCDEF";
static char *PARAMS[MAX_IDS]; /* {"server":"<id>"} for every identifier */
static int N_IDS;

static double now_clock(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The options of ptero_client_new: max_in_flight and, for https, the CA as "ca_cert_pem". */
static char *options(const char *ca_path, int max_in_flight) {
    char pem[16384] = "";
    size_t n = 0;
    if (ca_path) {
        FILE *f = fopen(ca_path, "rb");
        if (!f) return NULL;
        n = fread(pem, 1, sizeof pem - 1, f);
        fclose(f);
        pem[n] = 0;
    }
    char *out = malloc(n * 2 + 128);
    if (!out) return NULL;
    char *p = out + sprintf(out, "{\"max_in_flight\": %d", max_in_flight);
    if (ca_path) {
        p += sprintf(p, ", \"ca_cert_pem\": \"");
        for (size_t i = 0; i < n; i++) {
            char c = pem[i];
            if (c == '\n') { *p++ = '\\'; *p++ = 'n'; }
            else if (c == '\r') { /* dropped */ }
            else if (c == '"' || c == '\\') { *p++ = '\\'; *p++ = c; }
            else *p++ = c;
        }
        *p++ = '"';
    }
    strcpy(p, "}");
    return out;
}

/* Checks one outcome and frees its string; 0 when it is a running server's stats. */
static int check(PteroStatus st, char *out) {
    int bad = st != PTERO_STATUS_OK || out == NULL || strstr(out, "\"running\"") == NULL;
    if (bad) fprintf(stderr, "ptero-async-bench-c: %s: %.300s\n", ptero_status_name((int)st), out ? out : "(no output)");
    ptero_string_free(out);
    return bad ? -1 : 0;
}

/* c-async: one batch with n calls in flight, oldest first. */
static int batch_async(const PteroClient *c, int n) {
    PteroRequest *ring[MAX_N] = {0};
    int next = 0, head = 0, live = 0, failed = 0;
    while (live < n && next < N_IDS) {
        if (ptero_call_submit(c, "server.resources", PARAMS[next], NULL, NULL, &ring[(head + live) % n]) != PTERO_STATUS_OK) {
            fprintf(stderr, "ptero-async-bench-c: submit refused\n");
            failed = 1;
            break;
        }
        next++, live++;
    }
    /* The ring is full while identifiers are left: the slot of the oldest, once freed, takes the
     * newest, and the next slot holds the oldest again. */
    while (live > 0) {
        PteroRequest *r = ring[head];
        char *out = NULL;
        ptero_request_poll(r, -1);
        PteroStatus st = ptero_request_take(r, &out);
        if (check(st, out) != 0) failed = 1;
        ptero_request_free(r);
        ring[head] = NULL;
        live--;
        if (!failed && next < N_IDS) {
            if (ptero_call_submit(c, "server.resources", PARAMS[next], NULL, NULL, &ring[head]) == PTERO_STATUS_OK) {
                next++, live++;
            } else {
                fprintf(stderr, "ptero-async-bench-c: submit refused\n");
                failed = 1;
            }
        }
        head = (head + 1) % n;
    }
    return failed ? -1 : 0;
}

/* c-threads: n threads, each taking the next identifier. */
struct shared {
    const PteroClient *client;
    atomic_int next;
    atomic_int failed;
};

static void *thread_body(void *arg) {
    struct shared *s = arg;
    for (;;) {
        int i = atomic_fetch_add(&s->next, 1);
        if (i >= N_IDS || atomic_load(&s->failed)) return NULL;
        char *out = NULL;
        PteroStatus st = ptero_call(s->client, "server.resources", PARAMS[i], &out);
        if (check(st, out) != 0) atomic_store(&s->failed, 1);
    }
}

static int batch_threads(const PteroClient *c, int n) {
    pthread_t tids[MAX_N];
    struct shared s = {.client = c};
    atomic_init(&s.next, 0);
    atomic_init(&s.failed, 0);
    for (int i = 0; i < n; i++) pthread_create(&tids[i], NULL, thread_body, &s);
    for (int i = 0; i < n; i++) pthread_join(tids[i], NULL);
    return atomic_load(&s.failed) ? -1 : 0;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: ptero-async-bench-c c-async|c-threads BASE BATCHES N\n");
        return 2;
    }
    const char *client = argv[1], *base = argv[2], *v;
    int batches = atoi(argv[3]), n = atoi(argv[4]);
    int threads = strcmp(client, "c-threads") == 0;
    if (!threads && strcmp(client, "c-async") != 0) {
        fprintf(stderr, "ptero-async-bench-c: unknown client %s\n", client);
        return 2;
    }
    if (n < 1 || n > MAX_N) {
        fprintf(stderr, "ptero-async-bench-c: N must be 1..%d\n", MAX_N);
        return 2;
    }
    if ((v = getenv("BENCH_KEY")) && *v) KEY = v;
    const char *ids_path = getenv("BENCH_IDS");
    FILE *f = ids_path ? fopen(ids_path, "r") : NULL;
    if (!f) {
        fprintf(stderr, "ptero-async-bench-c: cannot read BENCH_IDS\n");
        return 2;
    }
    char line[128];
    while (N_IDS < MAX_IDS && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!*line) continue;
        PARAMS[N_IDS] = malloc(strlen(line) + 16);
        sprintf(PARAMS[N_IDS++], "{\"server\":\"%s\"}", line);
    }
    fclose(f);
    const char *ca = getenv("BENCH_CA");
    char *opts = options(strncmp(base, "https://", 8) == 0 && ca && *ca ? ca : NULL, n);
    if (!opts) {
        fprintf(stderr, "ptero-async-bench-c: cannot read BENCH_CA\n");
        return 2;
    }
    PteroClient *c = NULL;
    if (ptero_client_new(base, KEY, opts, &c) != PTERO_STATUS_OK) {
        fprintf(stderr, "ptero-async-bench-c: ptero_client_new failed\n");
        return 1;
    }
    int rc = 0;
    for (int b = 0; b <= batches && rc == 0; b++) {
        double t0 = now_clock(CLOCK_MONOTONIC), c0 = now_clock(CLOCK_PROCESS_CPUTIME_ID);
        rc = threads ? batch_threads(c, n) : batch_async(c, n);
        double wall = now_clock(CLOCK_MONOTONIC) - t0, cpu = now_clock(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (rc == 0 && b > 0) printf("%.6f %.6f\n", wall, cpu); /* batch 0 is the warm-up */
        fflush(stdout);
    }
    ptero_client_free(c);
    for (int i = 0; i < N_IDS; i++) free(PARAMS[i]);
    free(opts);
    return rc == 0 ? 0 : 1;
}
