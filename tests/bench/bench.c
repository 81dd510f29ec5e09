/*
 * The C client of `make bench`: libpterodactyl through include/pterodactyl.h.
 *
 *   ptero-bench-c once CLIENT OP BASE SECONDS [THREADS]   one measurement: "CALLS SECONDS CPU"
 *   ptero-bench-c worker        reads "run CLIENT OP BASE SECONDS THREADS" lines on stdin, answers
 *                               "ok CALLS SECONDS CPU" or "err MESSAGE", one a line
 *
 * CLIENT: c (the typed functions) or c-call (the generic ptero_call with the operation's id and
 * a JSON object of parameters).
 * OP: small (ptero_server_resources / "server.resources"), large (ptero_servers_list /
 * "servers.list"), post (ptero_server_power, "start", 204 / "server.power"). THREADS > 1: that
 * many threads share the one PteroClient. CPU is the process's
 * CPU seconds over the measurement. Environment: BENCH_KEY, BENCH_ID, BENCH_CA (PEM file of the
 * CA trusted for https, handed over as the `ca_cert_pem` option).
 *
 * Every call checks its status and answer and frees the string it got, as a real caller does.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pterodactyl.h"

#define WARMUP 0.15
#define MAX_CLIENTS 8
#define MAX_THREADS 256

static const char *KEY = "ptlc_benchmarkBENCHMARK0123456789abcdefABCDEF";
static const char *SERVER_ID = "1a7ce997";
static char *CA_OPTIONS; /* {"ca_cert_pem": "..."} or NULL */

static double now_mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now_cpu(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* {"ca_cert_pem": "<PEM, JSON-escaped>"} from the file at `path`. */
static char *ca_options(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char buf[16384];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *out = malloc(n * 2 + 64);
    if (!out) return NULL;
    char *p = out + sprintf(out, "{\"ca_cert_pem\": \"");
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '\n') { *p++ = '\\'; *p++ = 'n'; }
        else if (c == '\r') { /* dropped */ }
        else if (c == '"' || c == '\\') { *p++ = '\\'; *p++ = c; }
        else *p++ = c;
    }
    strcpy(p, "\"}");
    return out;
}

enum op { OP_SMALL, OP_LARGE, OP_POST };

static char SMALL_PARAMS[128], POST_PARAMS[128]; /* ptero_call's parameters, made once */

/* One call; 0 on success, else writes a message to err. */
static int call(const PteroClient *c, enum op op, int generic, char *err, size_t errlen) {
    char *out = NULL;
    PteroStatus st;
    const char *want;
    switch (op) {
    case OP_SMALL:
        st = generic ? ptero_call(c, "server.resources", SMALL_PARAMS, &out)
                     : ptero_server_resources(c, SERVER_ID, &out);
        want = "\"running\"";
        break;
    case OP_LARGE:
        st = generic ? ptero_call(c, "servers.list", "{}", &out) : ptero_servers_list(c, NULL, &out);
        want = "\"total_pages\"";
        break;
    default:
        st = generic ? ptero_call(c, "server.power", POST_PARAMS, &out)
                     : ptero_server_power(c, SERVER_ID, "start", &out);
        want = "null";
        break;
    }
    int bad = st != PTERO_STATUS_OK || out == NULL || strstr(out, want) == NULL;
    if (bad) {
        snprintf(err, errlen, "%s: %.300s", ptero_status_name((int)st), out ? out : "(no output)");
        for (char *q = err; *q; q++)
            if (*q == '\n') *q = ' ';
    }
    ptero_string_free(out);
    return bad ? -1 : 0;
}

struct job {
    const PteroClient *client;
    enum op op;
    int generic;
    double seconds;
    pthread_barrier_t *ready, *go;
    unsigned long long calls;
    double elapsed;
    int failed;
    char err[512];
};

/* Calls until `seconds` have passed. */
static int timed(struct job *j, double seconds, unsigned long long *calls, double *elapsed) {
    double start = now_mono(), t;
    unsigned long long n = 0;
    do {
        if (call(j->client, j->op, j->generic, j->err, sizeof j->err) != 0) return -1;
        n++;
        t = now_mono();
    } while (t - start < seconds);
    *calls = n;
    *elapsed = t - start;
    return 0;
}

static void *thread_body(void *arg) {
    struct job *j = arg;
    unsigned long long n;
    double s;
    j->failed = timed(j, WARMUP, &n, &s) != 0;
    pthread_barrier_wait(j->ready);
    pthread_barrier_wait(j->go);
    if (!j->failed) j->failed = timed(j, j->seconds, &j->calls, &j->elapsed) != 0;
    return NULL;
}

static struct {
    char base[256];
    PteroClient *client;
} cache[MAX_CLIENTS];
static int n_cached;

static PteroClient *client_for(const char *base, char *err, size_t errlen) {
    for (int i = 0; i < n_cached; i++)
        if (strcmp(cache[i].base, base) == 0) return cache[i].client;
    const char *opts = strncmp(base, "https://", 8) == 0 ? CA_OPTIONS : NULL;
    PteroClient *c = NULL;
    char *e = NULL;
    PteroStatus st = ptero_client_new(base, KEY, opts, &c);
    e = ptero_last_error();
    if (st != PTERO_STATUS_OK || !c) {
        snprintf(err, errlen, "ptero_client_new: %s: %.300s", ptero_status_name((int)st), e ? e : "");
        ptero_string_free(e);
        return NULL;
    }
    ptero_string_free(e);
    if (n_cached < MAX_CLIENTS) {
        snprintf(cache[n_cached].base, sizeof cache[n_cached].base, "%s", base);
        cache[n_cached++].client = c;
    }
    return c;
}

/* Runs one measurement; 0 on success. */
static int run(int generic, const char *op_name, const char *base, double seconds, int threads,
               unsigned long long *calls, double *elapsed, double *cpu, char *err, size_t errlen) {
    enum op op;
    if (strcmp(op_name, "small") == 0) op = OP_SMALL;
    else if (strcmp(op_name, "large") == 0) op = OP_LARGE;
    else if (strcmp(op_name, "post") == 0) op = OP_POST;
    else { snprintf(err, errlen, "unknown operation %s", op_name); return -1; }
    if (threads < 1) threads = 1;
    if (threads > MAX_THREADS) { snprintf(err, errlen, "at most %d threads", MAX_THREADS); return -1; }
    PteroClient *c = client_for(base, err, errlen);
    if (!c) return -1;

    static struct job jobs[MAX_THREADS];
    pthread_t tids[MAX_THREADS];
    pthread_barrier_t ready, go;
    pthread_barrier_init(&ready, NULL, (unsigned)threads + 1);
    pthread_barrier_init(&go, NULL, (unsigned)threads + 1);
    for (int i = 0; i < threads; i++) {
        memset(&jobs[i], 0, sizeof jobs[i]);
        jobs[i].client = c;
        jobs[i].op = op;
        jobs[i].generic = generic;
        jobs[i].seconds = seconds;
        jobs[i].ready = &ready;
        jobs[i].go = &go;
        if (threads == 1) break;
        pthread_create(&tids[i], NULL, thread_body, &jobs[i]);
    }
    int rc = 0;
    if (threads == 1) {
        unsigned long long n;
        double s;
        if (timed(&jobs[0], WARMUP, &n, &s) != 0) { snprintf(err, errlen, "%s", jobs[0].err); rc = -1; }
        else {
            double c0 = now_cpu();
            if (timed(&jobs[0], seconds, calls, elapsed) != 0) {
                snprintf(err, errlen, "%s", jobs[0].err);
                rc = -1;
            }
            *cpu = now_cpu() - c0;
        }
    } else {
        pthread_barrier_wait(&ready);
        double c0 = now_cpu();
        pthread_barrier_wait(&go);
        *calls = 0;
        *elapsed = 0;
        for (int i = 0; i < threads; i++) {
            pthread_join(tids[i], NULL);
            if (jobs[i].failed) {
                if (rc == 0) snprintf(err, errlen, "%s", jobs[i].err);
                rc = -1;
            }
            *calls += jobs[i].calls;
            if (jobs[i].elapsed > *elapsed) *elapsed = jobs[i].elapsed;
        }
        *cpu = now_cpu() - c0;
    }
    pthread_barrier_destroy(&ready);
    pthread_barrier_destroy(&go);
    return rc;
}

int main(int argc, char **argv) {
    const char *v;
    if ((v = getenv("BENCH_KEY")) && *v) KEY = v;
    if ((v = getenv("BENCH_ID")) && *v) SERVER_ID = v;
    if ((v = getenv("BENCH_CA")) && *v) {
        CA_OPTIONS = ca_options(v);
        if (!CA_OPTIONS) { fprintf(stderr, "ptero-bench-c: cannot read BENCH_CA %s\n", v); return 2; }
    }
    snprintf(SMALL_PARAMS, sizeof SMALL_PARAMS, "{\"server\":\"%s\"}", SERVER_ID);
    snprintf(POST_PARAMS, sizeof POST_PARAMS, "{\"server\":\"%s\",\"signal\":\"start\"}", SERVER_ID);
    char err[600];
    unsigned long long calls = 0;
    double elapsed = 0, cpu = 0;
    if (argc >= 6 && strcmp(argv[1], "once") == 0) {
        int threads = argc > 6 ? atoi(argv[6]) : 1;
        int generic = strcmp(argv[2], "c-call") == 0;
        if (run(generic, argv[3], argv[4], atof(argv[5]), threads, &calls, &elapsed, &cpu, err, sizeof err) != 0) {
            fprintf(stderr, "ptero-bench-c: %s\n", err);
            return 1;
        }
        printf("%llu %.6f %.6f\n", calls, elapsed, cpu);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "worker") == 0) {
        char line[1024];
        while (fgets(line, sizeof line, stdin)) {
            char cmd[16], client[32], op[16], base[256];
            double seconds;
            int threads = 1;
            int n = sscanf(line, "%15s %31s %15s %255s %lf %d", cmd, client, op, base, &seconds, &threads);
            if (n >= 1 && strcmp(cmd, "quit") == 0) break;
            if (n < 5 || strcmp(cmd, "run") != 0) {
                printf("err bad command\n");
            } else if (strcmp(client, "c") != 0 && strcmp(client, "c-call") != 0) {
                printf("err unknown client %s\n", client);
            } else if (run(strcmp(client, "c-call") == 0, op, base, seconds, threads, &calls, &elapsed, &cpu, err,
                           sizeof err) != 0) {
                printf("err %s\n", err);
            } else {
                printf("ok %llu %.6f %.6f\n", calls, elapsed, cpu);
            }
            fflush(stdout);
        }
        for (int i = 0; i < n_cached; i++) ptero_client_free(cache[i].client);
        return 0;
    }
    fprintf(stderr, "usage: ptero-bench-c once c|c-call OP BASE SECONDS [THREADS] | ptero-bench-c worker\n");
    return 2;
}
