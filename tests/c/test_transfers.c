/*
 * File transfers through signed Wings URLs from C: a file and a backup downloaded to a path and
 * to a write callback, local files uploaded, with progress; and the failure matrix: a reused
 * URL, an expired one, a connection cut mid-body, a cancel from the progress callback, a full
 * disk (/dev/full), Wings' own refusals, and arguments refused before any request. A failed
 * download to a path never leaves a partial file.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define SERVER "d3aac109"
/* Seeded: the weekly backup (numeric id 1, so its archive is the generated content of seed 1). */
#define WEEKLY "b4c7e1d2-5f3a-4b8c-9d0e-1f2a3b4c5d6e"
#define WEEKLY_BYTES 52428800LL
#define MIB (1024LL * 1024LL)

static PteroClient *owner;
static char dir[64];

/* ---- the fake's generated content (tests/panel/src/files.rs, fill_generated) ---- */

static uint64_t splitmix64(uint64_t x) {
    uint64_t z = x + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t generated_word(uint64_t seed, uint64_t k) { return k == 0 ? seed : splitmix64(seed + k); }

/* Fills `buf` with `n` bytes of the generated content of `seed` from byte `offset` on. */
static void fill_generated(uint64_t seed, uint64_t offset, uint8_t *buf, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint64_t at = offset + i;
        uint64_t word = generated_word(seed, at / 8);
        for (unsigned b = (unsigned)(at % 8); b < 8 && i < n; b++, i++) buf[i] = (uint8_t)(word >> (8 * b));
    }
}

/* Whether the file at `path` is exactly `len` bytes of the generated content of `seed`. */
static bool file_is_generated(const char *path, uint64_t seed, long long len) {
    static uint8_t got[1 << 16], want[1 << 16];
    FILE *f = fopen(path, "rb");
    long long at = 0;
    bool same = f != NULL;
    while (same) {
        size_t n = fread(got, 1, sizeof got, f);
        if (n == 0) break;
        fill_generated(seed, (uint64_t)at, want, n);
        same = memcmp(got, want, n) == 0;
        at += (long long)n;
    }
    if (f) fclose(f);
    if (same && at != len) fprintf(stderr, "     %s: %lld bytes, expected %lld\n", path, at, len);
    return same && at == len;
}

static bool write_generated(const char *path, uint64_t seed, long long len) {
    static uint8_t buf[1 << 16];
    FILE *f = fopen(path, "wb");
    bool ok = f != NULL;
    for (long long at = 0; ok && at < len; at += (long long)sizeof buf) {
        size_t n = (size_t)(len - at < (long long)sizeof buf ? len - at : (long long)sizeof buf);
        fill_generated(seed, (uint64_t)at, buf, n);
        ok = fwrite(buf, 1, n, f) == n;
    }
    if (f && fclose(f) != 0) ok = false;
    return ok;
}

/* ---- scratch files ---- */

static void in_dir(char *out, size_t size, const char *name) { snprintf(out, size, "%s/%s", dir, name); }

/* How many entries the scratch directory holds (a leftover partial file would count). */
static int entries(void) {
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
    }
    if (d) closedir(d);
    return n;
}

static void empty_dir(void) {
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        in_dir(path, sizeof path, e->d_name);
        unlink(path);
    }
    if (d) closedir(d);
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    char *text = calloc(1, 1 << 16);
    if (text) {
        size_t n = fread(text, 1, (1 << 16) - 1, f);
        text[n] = '\0';
    }
    fclose(f);
    return text;
}

/* ---- callbacks ---- */

typedef struct {
    int calls;
    uint64_t first_done, last_done;
    int64_t total;
    bool grows;
    uint64_t cancel_after; /* 0: never */
} Tracker;

static int track(uint64_t done, int64_t total, void *user) {
    Tracker *t = user;
    if (t->calls == 0) {
        t->first_done = done;
        t->grows = true;
    } else if (done <= t->last_done) {
        t->grows = false;
    }
    t->calls++;
    t->last_done = done;
    t->total = total;
    return t->cancel_after && done >= t->cancel_after ? 1 : 0;
}

/* Gathers a download in memory. */
typedef struct {
    uint8_t *data;
    size_t len, cap;
} Buffer;

static int collect(const uint8_t *data, size_t len, void *user) {
    Buffer *b = user;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + len) cap *= 2;
        uint8_t *bigger = realloc(b->data, cap);
        if (bigger == NULL) return -1;
        b->data = bigger;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

/* Both at once: the same `user` pointer goes to the write and the progress callback. */
typedef struct {
    Buffer buffer;
    Tracker tracker;
} Both;

static int collect_both(const uint8_t *data, size_t len, void *user) { return collect(data, len, &((Both *)user)->buffer); }

static int track_both(uint64_t done, int64_t total, void *user) { return track(done, total, &((Both *)user)->tracker); }

/* Writes to a file descriptor; -1 as soon as a write fails (ENOSPC on /dev/full). */
static int to_fd(const uint8_t *data, size_t len, void *user) {
    int fd = *(int *)user;
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The `bytes` of a transfer's {"bytes": N} answer, or -1 (the out-string is freed). */
static long long transferred(const char *what, PteroStatus status, char **out) {
    cJSON *doc = EXPECT_OK(what, status, out);
    long long n = json_num(doc, "bytes", -1);
    cJSON_Delete(doc);
    return n;
}

/* The error's message contains `fragment`; frees the document. */
static void expect_message(cJSON *doc, const char *fragment) {
    const char *message = json_str(doc, "message");
    if (!CHECK(message && strstr(message, fragment), "the error message says why")) {
        fprintf(stderr, "     message lacks \"%s\": %s\n", fragment, message ? message : "(none)");
    }
    cJSON_Delete(doc);
}

static void wings(const char *body) { CHECK(panel_post("/__fake/wings", body) == 204, "POST /__fake/wings"); }

static void generated_file(const char *path, long long size, int seed) {
    char body[256];
    snprintf(body, sizeof body, "{\"server\":\"%s\",\"path\":\"%s\",\"size\":%lld,\"seed\":%d}", SERVER, path, size,
             seed);
    CHECK(panel_post("/__fake/generated_file", body) == 204, "POST /__fake/generated_file");
}

/* ---- downloads ---- */

static void downloads(void) {
    char *out = NULL;
    char dest[512];
    Tracker t = {0};
    panel_reset();
    empty_dir();

    in_dir(dest, sizeof dest, "eula.txt");
    long long n = transferred("download eula.txt to a path",
                              ptero_server_files_download_to_path(owner, SERVER, "/eula.txt", dest, track, &t, &out),
                              &out);
    char *text = slurp(dest);
    CHECK(text && strstr(text, "eula=true\n") && (long long)strlen(text) == n, "the file arrived whole");
    free(text);
    CHECK(t.calls >= 2 && t.first_done == 0 && t.last_done == (uint64_t)n && t.total == n && t.grows,
          "progress from 0 to the Content-Length");
    CHECK(entries() == 1, "no temporary file left");

    /* The key never reaches Wings. */
    char *log = panel_get("/__fake/wings_requests");
    CHECK(log && strstr(log, "/download/file") && !strstr(log, "authorization") && !strstr(log, OWNER_KEY),
          "Wings got no Authorization header");
    free(log);

    /* A large file: streamed, checked byte for byte. */
    generated_file("/big.bin", 16 * MIB + 5, 7);
    memset(&t, 0, sizeof t);
    in_dir(dest, sizeof dest, "big.bin");
    n = transferred("download 16 MiB to a path",
                    ptero_server_files_download_to_path(owner, SERVER, "/big.bin", dest, track, &t, &out), &out);
    CHECK(n == 16 * MIB + 5, "every byte");
    CHECK(file_is_generated(dest, 7, 16 * MIB + 5), "the content is the file's");
    CHECK(t.calls > 20 && t.total == 16 * MIB + 5 && t.last_done == (uint64_t)n && t.grows,
          "progress along the way with a known total");

    /* To a write callback, with no progress. */
    Buffer b = {0};
    n = transferred("download level.dat to a callback",
                    ptero_server_files_download_to_callback(owner, SERVER, "/world/level.dat", collect, NULL, &b, &out),
                    &out);
    static const uint8_t LEVEL_DAT[16] = {0x0a, 0x00, 0x00, 0x0a, 0x00, 0x04, 0x44, 0x61,
                                          0x74, 0x61, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0x00};
    CHECK(n == 16 && b.len == 16 && memcmp(b.data, LEVEL_DAT, 16) == 0, "the callback got the bytes in order");
    free(b.data);

    /* A backup's archive (a new one: about 10 MB, where the seeded weekly one is 50 MB). */
    cJSON *backup =
        EXPECT_OK("a new backup", ptero_server_backups_create(owner, SERVER, "For C", NULL, -1, &out), &out);
    const char *uuid = json_str(backup, "uuid");
    cJSON *done = uuid ? EXPECT_OK("the backup, complete", ptero_server_backups_get(owner, SERVER, uuid, &out), &out)
                       : NULL;
    long long size = json_num(done, "bytes", -1);
    memset(&t, 0, sizeof t);
    in_dir(dest, sizeof dest, "backup.tar.gz");
    n = uuid ? transferred("download the backup",
                           ptero_server_backups_download_to_path(owner, SERVER, uuid, dest, track, &t, &out), &out)
             : -1;
    CHECK(size > 0 && n == size && t.total == size && t.last_done == (uint64_t)n, "the whole archive");
    uint8_t seed[8] = {0};
    FILE *archive = fopen(dest, "rb");
    if (archive) {
        CHECK(fread(seed, 1, 8, archive) == 8, "read the archive's first word");
        fclose(archive);
    }
    uint64_t first = 0;
    for (int i = 7; i >= 0; i--) first = (first << 8) | seed[i];
    CHECK(file_is_generated(dest, first, size), "the archive's content");
    cJSON_Delete(done);
    cJSON_Delete(backup);
    /* Again, with a fresh URL, to a callback: stopped by the progress callback after 1 MiB. */
    Both both = {{0}, {0}};
    both.tracker.cancel_after = MIB;
    cJSON_Delete(EXPECT_ERROR("the weekly backup to a callback, cancelled",
                              ptero_server_backups_download_to_callback(owner, SERVER, WEEKLY, collect_both, track_both,
                                                                        &both, &out),
                              PTERO_STATUS_CANCELLED, 0, &out));
    size_t got = both.buffer.len;
    uint8_t *head = malloc(got ? got : 1);
    if (head) fill_generated(1, 0, head, got);
    CHECK(got >= (size_t)MIB && got < (size_t)WEEKLY_BYTES && head && memcmp(both.buffer.data, head, got) == 0,
          "the callback got the start of the archive, then the transfer stopped");
    free(head);
    free(both.buffer.data);
    empty_dir();
}

/* ---- uploads ---- */

static void uploads(void) {
    char *out = NULL;
    char big[512], small[512];
    Tracker t = {0};
    panel_reset();
    empty_dir();

    in_dir(big, sizeof big, "pack.bin");
    in_dir(small, sizeof small, "motd.txt");
    CHECK(write_generated(big, 11, 8 * MIB + 3), "write a local file");
    FILE *f = fopen(small, "wb");
    if (f) {
        fputs("Welcome!\n", f);
        fclose(f);
    }
    const char *paths[] = {big, small};
    long long n = transferred("upload two files",
                              ptero_server_files_upload_paths(owner, SERVER, "/c-upload", paths, 2, track, &t, &out),
                              &out);
    CHECK(n == 8 * MIB + 3 + 9, "every byte of both files");
    CHECK(t.first_done == 0 && t.last_done == (uint64_t)n && t.total == n && t.grows, "progress with a total");

    char *info = panel_get("/__fake/file_info?server=" SERVER "&path=/c-upload/pack.bin");
    CHECK(info && strstr(info, "\"seed\":11") &&
              strstr(info, "\"size\":8388611"),
          "Wings got the large file byte for byte");
    if (info == NULL || !strstr(info, "\"seed\":11")) fprintf(stderr, "     file_info: %s\n", info ? info : "(none)");
    free(info);
    uint8_t *bytes = NULL;
    size_t len = 0;
    PteroStatus st = ptero_server_files_contents(owner, SERVER, "/c-upload/motd.txt", &bytes, &len, &out);
    if (EXPECT_STATUS("read the small file back", st, PTERO_STATUS_OK, out)) {
        CHECK(len == 9 && memcmp(bytes, "Welcome!\n", 9) == 0, "the small file too");
    }
    ptero_bytes_free(bytes, len);
    ptero_string_free(out);
    out = NULL;

    /* A missing local file is refused before the panel is asked. */
    panel_reset();
    const char *missing[] = {"/nonexistent/plugin.jar"};
    cJSON *doc = EXPECT_ERROR("a missing local file",
                              ptero_server_files_upload_paths(owner, SERVER, "/", missing, 1, NULL, NULL, &out),
                              PTERO_STATUS_IO, 0, &out);
    EXPECT_STR("kind io", doc, "kind", "io");
    expect_message(doc, "plugin.jar");
    EXPECT_NO_REQUESTS("nothing was asked of the panel");

    /* Over Wings' upload limit. */
    wings("{\"upload_limit_mb\":1}");
    const char *one[] = {big};
    doc = EXPECT_ERROR("a file over the upload limit",
                       ptero_server_files_upload_paths(owner, SERVER, "/", one, 1, NULL, NULL, &out),
                       PTERO_STATUS_WINGS_ERROR, 400, &out);
    EXPECT_STR("kind wings", doc, "kind", "wings");
    expect_message(doc, "larger than the maximum file upload size of 1 MB");
    empty_dir();
}

/* ---- the failure matrix ---- */

static void reuse_and_expiry(void) {
    char *out = NULL;
    char dest[512];
    panel_reset();
    empty_dir();
    in_dir(dest, sizeof dest, "eula.txt");

    cJSON *signed_url = EXPECT_OK("a signed URL", ptero_server_files_download(owner, SERVER, "/eula.txt", &out), &out);
    const char *url = json_str(signed_url, "url");
    if (CHECK(url != NULL, "the answer has a url")) {
        transferred("the first use", ptero_client_download_signed_to_path(owner, url, dest, NULL, NULL, &out), &out);
        unlink(dest);
        cJSON *doc = EXPECT_ERROR("the second use",
                                  ptero_client_download_signed_to_path(owner, url, dest, NULL, NULL, &out),
                                  PTERO_STATUS_WINGS_ERROR, 404, &out);
        expect_message(doc, "used already");
        CHECK(entries() == 0, "no file for a refused download");
    }
    cJSON_Delete(signed_url);

    wings("{\"token_ttl_secs\":0}");
    cJSON *doc = EXPECT_ERROR("an expired URL",
                              ptero_server_files_download_to_path(owner, SERVER, "/eula.txt", dest, NULL, NULL, &out),
                              PTERO_STATUS_WINGS_ERROR, 500, &out);
    expect_message(doc, "expired");
    doc = EXPECT_ERROR("an expired backup URL",
                       ptero_server_backups_download_to_path(owner, SERVER, WEEKLY, dest, NULL, NULL, &out),
                       PTERO_STATUS_WINGS_ERROR, 500, &out);
    cJSON_Delete(doc);
    CHECK(entries() == 0, "no partial file");
    wings("{\"token_ttl_secs\":900}");

    doc = EXPECT_ERROR("a file Wings does not have",
                       ptero_server_files_download_to_path(owner, SERVER, "/missing.txt", dest, NULL, NULL, &out),
                       PTERO_STATUS_WINGS_ERROR, 404, &out);
    expect_message(doc, "not found");
    CHECK(entries() == 0, "no file");
}

static void cut_cancel_and_full_disk(void) {
    char *out = NULL;
    char dest[512], up[512];
    Tracker t = {0};
    panel_reset();
    empty_dir();
    generated_file("/cut.bin", 8 * MIB, 3);

    /* A connection cut mid-body: the previous file stays, no partial file appears. */
    in_dir(dest, sizeof dest, "cut.bin");
    FILE *f = fopen(dest, "wb");
    if (f) {
        fputs("previous", f);
        fclose(f);
    }
    wings("{\"cut_after_bytes\":1048593}");
    cJSON *doc = EXPECT_ERROR("a cut connection",
                              ptero_server_files_download_to_path(owner, SERVER, "/cut.bin", dest, NULL, NULL, &out),
                              PTERO_STATUS_TRANSPORT, 0, &out);
    EXPECT_STR("kind transport", doc, "kind", "transport");
    cJSON_Delete(doc);
    char *text = slurp(dest);
    CHECK(text && strcmp(text, "previous") == 0, "the previous file is untouched");
    free(text);
    CHECK(entries() == 1, "no partial file");
    in_dir(up, sizeof up, "up.bin");
    CHECK(write_generated(up, 4, 4 * MIB), "write a local file");
    const char *paths[] = {up};
    cJSON_Delete(EXPECT_ERROR("an upload cut mid-body",
                              ptero_server_files_upload_paths(owner, SERVER, "/", paths, 1, NULL, NULL, &out),
                              PTERO_STATUS_TRANSPORT, 0, &out));
    CHECK(panel_get("/__fake/file_info?server=" SERVER "&path=/up.bin") == NULL, "nothing was written on Wings");
    wings("{\"cut_after_bytes\":null}");
    unlink(dest);
    unlink(up);

    /* Cancelled by the progress callback: after some bytes, and at the very start. */
    t.cancel_after = 2 * MIB;
    cJSON_Delete(EXPECT_ERROR("cancelled by the progress callback",
                              ptero_server_files_download_to_path(owner, SERVER, "/cut.bin", dest, track, &t, &out),
                              PTERO_STATUS_CANCELLED, 0, &out));
    CHECK(t.last_done >= 2 * MIB && t.last_done < 8 * MIB, "it stopped where the callback said");
    CHECK(entries() == 0, "the partial file is removed");

    /* A full disk: the write callback fails on /dev/full. */
    int fd = open("/dev/full", O_WRONLY);
    if (CHECK(fd >= 0, "open /dev/full")) {
        doc = EXPECT_ERROR("a full disk",
                           ptero_server_files_download_to_callback(owner, SERVER, "/cut.bin", to_fd, NULL, &fd, &out),
                           PTERO_STATUS_IO, 0, &out);
        EXPECT_STR("kind io", doc, "kind", "io");
        expect_message(doc, "write callback");
        close(fd);
    }
    Buffer b = {0};
    CHECK(transferred("the client works on afterwards",
                      ptero_server_files_download_to_callback(owner, SERVER, "/eula.txt", collect, NULL, &b, &out),
                      &out) > 0,
          "a later download succeeds");
    free(b.data);
}

static int cancel_at_once(uint64_t done, int64_t total, void *user) {
    (void)done;
    (void)total;
    (void)user;
    return 1;
}

static void cancel_at_start_and_bad_arguments(void) {
    char *out = NULL;
    char dest[512];
    panel_reset();
    empty_dir();
    in_dir(dest, sizeof dest, "eula.txt");
    cJSON_Delete(EXPECT_ERROR("cancelled before the first byte",
                              ptero_server_files_download_to_path(owner, SERVER, "/eula.txt", dest, cancel_at_once,
                                                                  NULL, &out),
                              PTERO_STATUS_CANCELLED, 0, &out));
    CHECK(entries() == 0, "no file");

    panel_reset();
    EXPECT_REFUSED("NULL path", ptero_server_files_download_to_path(owner, SERVER, "/eula.txt", NULL, NULL, NULL, &out),
                   &out, "`path` is NULL");
    EXPECT_REFUSED("NULL write callback",
                   ptero_server_files_download_to_callback(owner, SERVER, "/eula.txt", NULL, NULL, NULL, &out), &out,
                   "`write` is NULL");
    EXPECT_REFUSED("NULL paths with a count",
                   ptero_server_files_upload_paths(owner, SERVER, "/", NULL, 2, NULL, NULL, &out), &out,
                   "`paths` is NULL");
    const char *with_null[] = {dest, NULL};
    EXPECT_REFUSED("a NULL path in the list",
                   ptero_server_files_upload_paths(owner, SERVER, "/", with_null, 2, NULL, NULL, &out), &out,
                   "`paths[1]` is NULL");
    EXPECT_REFUSED("nothing to upload", ptero_server_files_upload_paths(owner, SERVER, "/", NULL, 0, NULL, NULL, &out),
                   &out, "nothing to upload");
    EXPECT_REFUSED("a destination that is a directory",
                   ptero_server_files_download_to_path(owner, SERVER, "/eula.txt", dir, NULL, NULL, &out), &out,
                   "is a directory");
    EXPECT_REFUSED("not a URL", ptero_client_download_signed_to_path(owner, "not a url", dest, NULL, NULL, &out), &out,
                   "not a valid URL");
    CHECK(ptero_server_files_download_to_path(owner, SERVER, "/eula.txt", dest, NULL, NULL, NULL) ==
              PTERO_STATUS_INVALID_ARGUMENT,
          "NULL out_json moves nothing");
    EXPECT_NO_REQUESTS("nothing refused reached the panel");
    CHECK(strcmp(ptero_status_name(PTERO_STATUS_WINGS_ERROR), "PTERO_STATUS_WINGS_ERROR") == 0 &&
              strcmp(ptero_status_name(PTERO_STATUS_IO), "PTERO_STATUS_IO") == 0,
          "the new statuses have names");
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/ptero-c-transfers-XXXXXX");
    if (!CHECK(mkdtemp(dir) != NULL, "a scratch directory")) return harness_finish();
    owner = test_client(OWNER_KEY, NULL);
    if (owner == NULL) goto cleanup;
    downloads();
    uploads();
    reuse_and_expiry();
    cut_cancel_and_full_disk();
    cancel_at_start_and_bad_arguments();

cleanup:
    ptero_client_free(owner);
    empty_dir();
    rmdir(dir);
    return harness_finish();
}
