/*
 * One client shared by many threads at once: every call from every thread must succeed with
 * the right answer (the harness's counters are not thread-safe, so each thread keeps its own
 * tally and the main thread checks them).
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define THREADS 8
#define ROUNDS 6

struct worker {
    const PteroClient *client; /* shared, const: the header promises that is enough */
    int index;
    int ok;
    int bad;
};

static void tally(struct worker *w, PteroStatus st, char *out, const char *fragment) {
    if (st == PTERO_STATUS_OK && out && json_valid(out) && strstr(out, fragment)) {
        w->ok++;
    } else {
        w->bad++;
        fprintf(stderr, "thread %d: status %s, wanted %s in %.300s\n", w->index, ptero_status_name((int)st), fragment,
                out ? out : "(NULL)");
    }
    ptero_string_free(out);
}

static void *work(void *arg) {
    struct worker *w = arg;
    for (int round = 0; round < ROUNDS; round++) {
        char *out = NULL;
        PteroStatus st;
        switch ((w->index + round) % 5) {
        case 0:
            st = ptero_server_get(w->client, "d3aac109", NULL, &out);
            tally(w, st, out, "\"uuid\":\"d3aac109-e5e0-4331-b03e-3454f7e136dc\"");
            break;
        case 1:
            st = ptero_server_resources(w->client, "1a7ce997", &out);
            tally(w, st, out, "\"current_state\":\"offline\"");
            break;
        case 2:
            st = ptero_call(w->client, "servers.list", "{\"filter\":{\"name\":\"Lobby\"}}", &out);
            tally(w, st, out, "\"identifier\":\"9e8f7a6b\"");
            break;
        case 3: {
            char notes[32];
            snprintf(notes, sizeof notes, "thread %d round %d", w->index, round);
            st = ptero_server_allocations_set_notes(w->client, "d3aac109", 16, notes, &out);
            char expected[64];
            snprintf(expected, sizeof expected, "\"notes\":\"%s\"", notes);
            tally(w, st, out, expected);
            break;
        }
        default:
            st = ptero_call_all_pages(w->client, "server.activity.list", "{\"server\":\"d3aac109\",\"per_page\":2}",
                                      &out);
            tally(w, st, out, "\"event\":\"server:power.stop\"");
            break;
        }
    }
    return NULL;
}

int main(void) {
    PteroClient *client = test_client(OWNER_KEY, NULL);
    struct worker workers[THREADS];
    pthread_t threads[THREADS];
    int started = 0;
    if (client == NULL) goto cleanup;
    panel_reset();

    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){.client = client, .index = i, .ok = 0, .bad = 0};
        if (!CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0, "pthread_create")) break;
        started++;
    }
    for (int i = 0; i < started; i++) pthread_join(threads[i], NULL);
    for (int i = 0; i < started; i++) {
        char what[64];
        snprintf(what, sizeof what, "thread %d: every call right", i);
        CHECK(workers[i].bad == 0 && workers[i].ok == ROUNDS, what);
    }
    CHECK(started == THREADS, "every thread ran");

cleanup:
    ptero_client_free(client);
    return harness_finish();
}
