/*
 * ptero-console-bench-c URL KEY SERVER LINES BYTES: reads a flood of LINES console lines from
 * the fake Wings through libpterodactyl's console (ptero_console_poll, one JSON string per
 * event) and prints "LINES SECONDS": the time from the first line to the last. Driven by
 * console.py (`make bench`).
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pterodactyl.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* POST /__fake/ws/flood on a plain socket. */
static int flood(const char *url, const char *server, long lines, long bytes) {
    unsigned port = 0;
    if (sscanf(url, "http://127.0.0.1:%u", &port) != 1) return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) return -1;
    char body[256], req[512], answer[256];
    int blen = snprintf(body, sizeof body, "{\"server\":\"%s\",\"lines\":%ld,\"bytes\":%ld}", server, lines, bytes);
    int rlen = snprintf(req, sizeof req,
                        "POST /__fake/ws/flood HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nContent-Type: application/json\r\n"
                        "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
                        port, blen, body);
    int ok = write(fd, req, (size_t)rlen) == rlen;
    ssize_t got = read(fd, answer, sizeof answer - 1);
    close(fd);
    if (!ok || got < 12) return -1;
    answer[got] = '\0';
    return strncmp(answer, "HTTP/1.1 204", 12) == 0 ? 0 : -1;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s URL KEY SERVER LINES BYTES\n", argv[0]);
        return 2;
    }
    const char *url = argv[1], *key = argv[2], *server = argv[3];
    long lines = atol(argv[4]), bytes = atol(argv[5]);
    PteroClient *client = NULL;
    PteroConsole *console = NULL;
    int rc = 1;
    if (ptero_client_new(url, key, NULL, &client) != PTERO_STATUS_OK) goto cleanup;
    if (ptero_console_open(client, server, "{\"max_queued_events\":4194304}", &console) != PTERO_STATUS_OK) {
        char *error = ptero_last_error();
        fprintf(stderr, "open: %s\n", error ? error : "?");
        ptero_string_free(error);
        goto cleanup;
    }
    /* The first events (status, stats) before the flood. */
    for (;;) {
        char *event = NULL;
        if (ptero_console_poll(console, 200, &event) != PTERO_STATUS_OK) goto cleanup;
        if (event == NULL) break;
        ptero_string_free(event);
    }
    if (flood(url, server, lines, bytes) != 0) {
        fprintf(stderr, "the flood control was refused\n");
        goto cleanup;
    }
    char last[64];
    snprintf(last, sizeof last, "\"line\":\"flood %09ld ", lines);
    double first = 0;
    long seen = 0;
    for (;;) {
        char *event = NULL;
        PteroStatus st = ptero_console_poll(console, -1, &event);
        if (st != PTERO_STATUS_OK) {
            fprintf(stderr, "poll: %s %s\n", ptero_status_name((int)st), event ? event : "");
            ptero_string_free(event);
            goto cleanup;
        }
        if (event == NULL) continue;
        /* The one JSON shape: {"event":"console output","args":[...],"line":"..."}. */
        if (strncmp(event, "{\"event\":\"console output\"", 25) == 0 && strstr(event, "\"line\":\"flood ")) {
            if (seen++ == 0) first = now();
            if (strstr(event, last)) {
                ptero_string_free(event);
                break;
            }
        }
        ptero_string_free(event);
    }
    if (seen != lines) {
        fprintf(stderr, "%ld of %ld lines arrived\n", seen, lines);
        goto cleanup;
    }
    printf("%ld %.6f\n", lines, now() - first);
    rc = 0;
cleanup:
    ptero_console_free(console);
    ptero_client_free(client);
    return rc;
}
