/*
 * A server's files through their typed C functions: list, read (bytes), write (bytes, including
 * NUL and non-UTF-8), rename, copy, compress and decompress, delete, create a folder, chmod,
 * pull, and the signed download and upload URLs; the panel's and Wings' errors, and arguments
 * refused before any request (NULL content with a length, NULL out-pointers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define SERVER "d3aac109"

/* Seeded on d3aac109 (tests/panel/README.md, "Files"). */
static const char SERVER_PROPERTIES[] =
    "#Minecraft server properties\n#Mon Oct 21 08:05:42 UTC 2024\nenable-command-block=false\ngamemode=survival\n"
    "level-name=world\nmax-players=20\nmotd=A Minecraft Server\nonline-mode=true\nserver-port=25565\n";
static const char EULA[] = "#By changing the setting below to TRUE you are indicating your agreement to our EULA "
                           "(https://aka.ms/MinecraftEULA).\neula=true\n";
static const uint8_t LEVEL_DAT[16] = {0x0a, 0x00, 0x00, 0x0a, 0x00, 0x04, 0x44, 0x61,
                                      0x74, 0x61, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0x00};

static PteroClient *owner;
static PteroClient *helper; /* no file permission */

/* Reads `file` and compares it with `want`; frees the bytes. */
static void expect_contents(const char *what, const char *file, const uint8_t *want, size_t want_len) {
    uint8_t *bytes = NULL;
    size_t len = 0;
    char *out = NULL;
    PteroStatus st = ptero_server_files_contents(owner, SERVER, file, &bytes, &len, &out);
    if (EXPECT_STATUS(what, st, PTERO_STATUS_OK, out)) {
        EXPECT_SAME("contents answers null in out_json", out, "null");
        if (!CHECK(len == want_len && bytes != NULL && (len == 0 || memcmp(bytes, want, len) == 0), what)) {
            fprintf(stderr, "     %s: got %zu bytes, expected %zu\n", file, len, want_len);
        }
    }
    ptero_bytes_free(bytes, len);
    ptero_string_free(out);
}

/* The file_object named `name` in the listing of `directory`, as a detached copy (or NULL). */
static cJSON *listed(const char *directory, const char *name) {
    char *out = NULL;
    cJSON *doc = EXPECT_OK("server_files_list", ptero_server_files_list(owner, SERVER, directory, &out), &out);
    const cJSON *item = json_find(doc, "", "name", name);
    cJSON *copy = item ? cJSON_Duplicate(item, 1) : NULL;
    cJSON_Delete(doc);
    return copy;
}

static void list_and_read(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    panel_reset();

    doc = EXPECT_OK("server_files_list /", ptero_server_files_list(owner, SERVER, NULL, &out), &out);
    EXPECT_LEN("five entries at the root", doc, "", 5);
    /* Directories first, then files, each by name. */
    EXPECT_STR("1st", doc, "0.name", "logs");
    EXPECT_STR("2nd", doc, "1.name", "plugins");
    EXPECT_STR("3rd", doc, "2.name", "world");
    EXPECT_STR("4th", doc, "3.name", "eula.txt");
    EXPECT_STR("5th", doc, "4.name", "server.properties");
    EXPECT_BOOL("a directory is not a file", doc, "0.is_file", false);
    EXPECT_STR("directory mode", doc, "0.mode", "drwxr-xr-x");
    EXPECT_STR("directory mimetype", doc, "0.mimetype", "inode/directory");
    EXPECT_INT("directory size", doc, "0.size", 4096);
    EXPECT_BOOL("eula.txt is a file", doc, "3.is_file", true);
    EXPECT_BOOL("not a symlink", doc, "3.is_symlink", false);
    EXPECT_STR("file mode", doc, "3.mode", "-rw-r--r--");
    EXPECT_STR("file mode_bits", doc, "3.mode_bits", "644");
    EXPECT_INT("eula.txt size", doc, "3.size", (long long)strlen(EULA));
    EXPECT_INT("server.properties size", doc, "4.size", (long long)strlen(SERVER_PROPERTIES));
    EXPECT_STR("modified_at", doc, "3.modified_at", "2024-10-15T09:31:00+00:00");
    cJSON_Delete(doc);

    doc = EXPECT_OK("server_files_list /logs", ptero_server_files_list(owner, SERVER, "/logs", &out), &out);
    EXPECT_LEN("one log", doc, "", 1);
    EXPECT_STR("latest.log", doc, "0.name", "latest.log");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("a missing directory: 404", ptero_server_files_list(owner, SERVER, "/nope", &out),
                       PTERO_STATUS_API_ERROR, 404, &out);
    cJSON_Delete(doc);

    expect_contents("server_files_contents of a text file", "/server.properties", (const uint8_t *)SERVER_PROPERTIES,
                    strlen(SERVER_PROPERTIES));
    expect_contents("server_files_contents of a binary file", "world/level.dat", LEVEL_DAT, sizeof LEVEL_DAT);

    {
        uint8_t *bytes = (uint8_t *)&bytes; /* sentinels the call must clear */
        size_t len = 99;
        PteroStatus st = ptero_server_files_contents(owner, SERVER, "/nope.txt", &bytes, &len, &out);
        CHECK(bytes == NULL && len == 0, "a failed read leaves no bytes (NULL, 0)");
        doc = EXPECT_ERROR("reading a missing file: 404", st, PTERO_STATUS_API_ERROR, 404, &out);
        cJSON_Delete(doc);
        st = ptero_server_files_contents(owner, SERVER, "/world", &bytes, &len, &out);
        doc = EXPECT_ERROR("reading a directory: 400", st, PTERO_STATUS_API_ERROR, 400, &out);
        CHECK(json_str(doc, "errors.0.detail") && strstr(json_str(doc, "errors.0.detail"), "file is a directory"),
              "Wings says it is a directory");
        cJSON_Delete(doc);
        CHECK(bytes == NULL && len == 0, "still no bytes");
        st = ptero_server_files_contents(helper, SERVER, "/eula.txt", &bytes, &len, &out);
        doc = EXPECT_ERROR("reading without file.read-content: 403", st, PTERO_STATUS_API_ERROR, 403, &out);
        cJSON_Delete(doc);
    }
    doc = EXPECT_ERROR("listing without file.read: 403", ptero_server_files_list(helper, SERVER, NULL, &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    cJSON_Delete(doc);
}

static void write_bytes(void) {
    static const uint8_t odd[] = {0x00, 0xff, 0xfe, 'A', 0x80, 0xc3, 0x28, 0x00, '\n', 0xe2, 0x82};
    char *out = NULL;
    cJSON *doc = NULL;
    cJSON *req = NULL;
    panel_reset();

    EXPECT_OK_NULL("server_files_write of non-UTF-8 bytes with NULs",
                   ptero_server_files_write(owner, SERVER, "/data/odd.bin", odd, sizeof odd, &out), &out);
    req = panel_last_request();
    EXPECT_STR("written with a POST", req, "method", "POST");
    EXPECT_STR("to files/write", req, "path", "/api/client/servers/" SERVER "/files/write");
    CHECK(json_str(req, "query") && strstr(json_str(req, "query"), "file=") != NULL, "the path goes in ?file=");
    EXPECT_STR("every byte is sent", req, "headers.content-length", "11");
    CHECK(json_str(req, "headers.content-type") && strstr(json_str(req, "headers.content-type"), "json") == NULL,
          "the raw body is not sent as JSON");
    cJSON_Delete(req);
    expect_contents("read back byte for byte", "/data/odd.bin", odd, sizeof odd);
    doc = listed("/data", "odd.bin");
    EXPECT_INT("the listing has its size", doc, "size", (long long)sizeof odd);
    EXPECT_STR("a new file is 644", doc, "mode_bits", "644");
    cJSON_Delete(doc);

    EXPECT_OK_NULL("overwriting with text", ptero_server_files_write(owner, SERVER, "/data/odd.bin",
                                                                     (const uint8_t *)"plain\n", 6, &out),
                   &out);
    expect_contents("the new content", "/data/odd.bin", (const uint8_t *)"plain\n", 6);

    /* Empty content: NULL with length 0 is allowed. */
    EXPECT_OK_NULL("writing an empty file", ptero_server_files_write(owner, SERVER, "/empty.txt", NULL, 0, &out), &out);
    expect_contents("an empty file reads back empty", "/empty.txt", NULL, 0);

    /* Over the panel's 4 MiB edit limit: written fine, refused on read. */
    {
        size_t big_len = 4u * 1024u * 1024u + 1u;
        uint8_t *big = calloc(big_len, 1);
        uint8_t *bytes = NULL;
        size_t len = 0;
        PteroStatus st;
        if (CHECK(big != NULL, "calloc")) {
            memset(big, 'x', big_len);
            EXPECT_OK_NULL("writing 4 MiB + 1", ptero_server_files_write(owner, SERVER, "/big.txt", big, big_len, &out),
                           &out);
            st = ptero_server_files_contents(owner, SERVER, "/big.txt", &bytes, &len, &out);
            doc = EXPECT_ERROR("reading more than 4 MiB: 400", st, PTERO_STATUS_API_ERROR, 400, &out);
            EXPECT_STR("too large", doc, "errors.0.code", "FileSizeTooLargeException");
            cJSON_Delete(doc);
            ptero_bytes_free(bytes, len);
        }
        free(big);
    }

    doc = EXPECT_ERROR("writing over a directory: 400",
                       ptero_server_files_write(owner, SERVER, "/world", (const uint8_t *)"x", 1, &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("writing without file.create: 403",
                       ptero_server_files_write(helper, SERVER, "/x.txt", (const uint8_t *)"x", 1, &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    cJSON_Delete(doc);
}

static void manage(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    cJSON *entry = NULL;
    char archive[128] = "";
    panel_reset();

    /* rename */
    EXPECT_OK_NULL("server_files_rename",
                   ptero_server_files_rename(owner, SERVER, "/", "[{\"from\":\"eula.txt\",\"to\":\"old/eula.txt\"}]",
                                             &out),
                   &out);
    entry = listed("/old", "eula.txt");
    CHECK(entry != NULL, "renamed into a new folder");
    cJSON_Delete(entry);
    entry = listed("/", "eula.txt");
    CHECK(entry == NULL, "gone from the root");
    cJSON_Delete(entry);
    doc = EXPECT_ERROR("renaming onto an existing file: 400",
                       ptero_server_files_rename(owner, SERVER, "/",
                                                 "[{\"from\":\"old/eula.txt\",\"to\":\"server.properties\"}]", &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    CHECK(json_str(doc, "errors.0.detail") && strstr(json_str(doc, "errors.0.detail"), "destination already exists"),
          "Wings says the destination exists");
    cJSON_Delete(doc);
    /* `root` is `required|nullable`, and Laravel's `required` refuses null: an empty root (made
     * null by ConvertEmptyStringsToNull) is a 422. */
    doc = EXPECT_ERROR("an empty root: 422",
                       ptero_server_files_rename(owner, SERVER, "", "[{\"from\":\"a\",\"to\":\"b\"}]", &out),
                       PTERO_STATUS_API_ERROR, 422, &out);
    EXPECT_STR("root", doc, "errors.0.source_field", "root");
    EXPECT_STR("root", doc, "errors.0.rule", "required");
    cJSON_Delete(doc);

    /* copy */
    EXPECT_OK_NULL("server_files_copy", ptero_server_files_copy(owner, SERVER, "/server.properties", &out), &out);
    expect_contents("the copy has the same bytes", "/server copy.properties", (const uint8_t *)SERVER_PROPERTIES,
                    strlen(SERVER_PROPERTIES));
    doc = EXPECT_ERROR("copying a directory: 404", ptero_server_files_copy(owner, SERVER, "/world", &out),
                       PTERO_STATUS_API_ERROR, 404, &out);
    cJSON_Delete(doc);

    /* create_folder */
    EXPECT_OK_NULL("server_files_create_folder", ptero_server_files_create_folder(owner, SERVER, NULL, "config/sub", &out),
                   &out);
    entry = listed("/config", "sub");
    EXPECT_BOOL("a nested folder", entry, "is_file", false);
    cJSON_Delete(entry);
    doc = EXPECT_ERROR("a folder through a file: 400",
                       ptero_server_files_create_folder(owner, SERVER, "/", "server.properties/x", &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    cJSON_Delete(doc);

    /* chmod */
    EXPECT_OK_NULL("server_files_chmod",
                   ptero_server_files_chmod(owner, SERVER, "/", "[{\"file\":\"server.properties\",\"mode\":\"600\"}]",
                                            &out),
                   &out);
    entry = listed("/", "server.properties");
    EXPECT_STR("mode_bits changed", entry, "mode_bits", "600");
    EXPECT_STR("mode changed", entry, "mode", "-rw-------");
    cJSON_Delete(entry);
    doc = EXPECT_ERROR("a mode that is not octal: 400",
                       ptero_server_files_chmod(owner, SERVER, "/", "[{\"file\":\"server.properties\",\"mode\":\"999\"}]",
                                                &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    CHECK(json_str(doc, "errors.0.detail") && strstr(json_str(doc, "errors.0.detail"), "Invalid file mode"),
          "Wings says the mode is invalid");
    cJSON_Delete(doc);

    /* compress, then decompress over a deleted file */
    doc = EXPECT_OK("server_files_compress", ptero_server_files_compress(owner, SERVER, "/logs", "[\"latest.log\"]", &out),
                    &out);
    {
        const char *name = json_str(doc, "name");
        size_t n = name ? strlen(name) : 0;
        CHECK(name && strncmp(name, "archive-", 8) == 0 && n > 7 && strcmp(name + n - 7, ".tar.gz") == 0,
              "archive-<time>.tar.gz");
        snprintf(archive, sizeof archive, "%s", name ? name : "");
        EXPECT_STR("the archive's mimetype", doc, "mimetype", "application/tar+gzip");
        EXPECT_BOOL("the archive is a file", doc, "is_file", true);
        CHECK(json_num(doc, "size", 0) > 0, "the archive is not empty");
    }
    cJSON_Delete(doc);
    EXPECT_OK_NULL("server_files_delete", ptero_server_files_delete(owner, SERVER, "/logs", "[\"latest.log\"]", &out),
                   &out);
    entry = listed("/logs", "latest.log");
    CHECK(entry == NULL, "latest.log deleted");
    cJSON_Delete(entry);
    EXPECT_OK_NULL("server_files_decompress", ptero_server_files_decompress(owner, SERVER, "/logs", archive, &out), &out);
    entry = listed("/logs", "latest.log");
    CHECK(entry != NULL, "latest.log is back from the archive");
    cJSON_Delete(entry);
    doc = EXPECT_ERROR("decompressing something that is not an archive: 400",
                       ptero_server_files_decompress(owner, SERVER, NULL, "server.properties", &out),
                       PTERO_STATUS_API_ERROR, 400, &out);
    cJSON_Delete(doc);

    /* delete several at once */
    EXPECT_OK_NULL("deleting a folder and a file",
                   ptero_server_files_delete(owner, SERVER, "/", "[\"plugins\",\"server copy.properties\"]", &out), &out);
    doc = EXPECT_OK("the root after deleting", ptero_server_files_list(owner, SERVER, "/", &out), &out);
    CHECK(json_find(doc, "", "name", "plugins") == NULL && json_find(doc, "", "name", "server copy.properties") == NULL,
          "both are gone");
    CHECK(json_find(doc, "", "name", "world") != NULL, "the rest is still there");
    cJSON_Delete(doc);
}

static void pull_and_urls(void) {
    char *out = NULL;
    cJSON *doc = NULL;
    cJSON *body = NULL;
    char prefix[256];
    static const char pulled[] = "Downloaded by the fake panel from https://example.com/plugins/Essentials.jar?v=2\n";
    panel_reset();

    EXPECT_OK_NULL("server_files_pull",
                   ptero_server_files_pull(owner, SERVER, "https://example.com/plugins/Essentials.jar?v=2", "/plugins",
                                           NULL, -1, -1, &out),
                   &out);
    body = panel_last_body();
    EXPECT_STR("url sent", body, "url", "https://example.com/plugins/Essentials.jar?v=2");
    EXPECT_STR("directory sent", body, "directory", "/plugins");
    CHECK(json_at(body, "filename") == NULL, "NULL filename is left out");
    CHECK(json_at(body, "use_header") == NULL && json_at(body, "foreground") == NULL, "-1 booleans are left out");
    cJSON_Delete(body);
    expect_contents("pulled into the directory under the URL's name", "/plugins/Essentials.jar", (const uint8_t *)pulled,
                    strlen(pulled));

    EXPECT_OK_NULL("pull with a filename, in the foreground",
                   ptero_server_files_pull(owner, SERVER, "https://example.com/get?id=7", NULL, "custom.jar", 0, 1, &out),
                   &out);
    body = panel_last_body();
    EXPECT_BOOL("0 is false", body, "use_header", false);
    EXPECT_BOOL("1 is true", body, "foreground", true);
    EXPECT_STR("filename sent", body, "filename", "custom.jar");
    cJSON_Delete(body);
    {
        cJSON *entry = listed("/", "custom.jar");
        CHECK(entry != NULL, "pulled under the given name");
        cJSON_Delete(entry);
    }
    doc = EXPECT_ERROR("not a URL: 422", ptero_server_files_pull(owner, SERVER, "not a url", NULL, NULL, -1, -1, &out),
                       PTERO_STATUS_API_ERROR, 422, &out);
    EXPECT_STR("url rule", doc, "errors.0.rule", "url");
    cJSON_Delete(doc);

    /* Signed URLs point at the node (here the fake itself) and work once. */
    doc = EXPECT_OK("server_files_download", ptero_server_files_download(owner, SERVER, "/eula.txt", &out), &out);
    snprintf(prefix, sizeof prefix, "%s/download/file?token=", panel_url());
    {
        const char *url = json_str(doc, "url");
        if (CHECK(url && strncmp(url, prefix, strlen(prefix)) == 0, "a Wings download URL with a token")) {
            const char *path = url + strlen(panel_url());
            char *got = panel_get(path);
            EXPECT_SAME("the download URL serves the file", got, EULA);
            free(got);
            got = panel_get(path);
            CHECK(got == NULL, "a download URL works once");
            free(got);
        }
    }
    cJSON_Delete(doc);
    doc = EXPECT_OK("server_files_upload", ptero_server_files_upload(owner, SERVER, &out), &out);
    snprintf(prefix, sizeof prefix, "%s/upload/file?token=", panel_url());
    CHECK(json_str(doc, "url") && strncmp(json_str(doc, "url"), prefix, strlen(prefix)) == 0,
          "a Wings upload URL with a token");
    cJSON_Delete(doc);
    doc = EXPECT_ERROR("an upload URL without file.create: 403", ptero_server_files_upload(helper, SERVER, &out),
                       PTERO_STATUS_API_ERROR, 403, &out);
    cJSON_Delete(doc);
}

static void bad_arguments(void) {
    char *out = NULL;
    uint8_t *bytes = NULL;
    size_t len = 0;
    panel_reset();

    EXPECT_REFUSED("NULL content with a length", ptero_server_files_write(owner, SERVER, "/x.txt", NULL, 5, &out), &out,
                   "`content` is NULL but `content_len` is 5");
    EXPECT_REFUSED("NULL file", ptero_server_files_write(owner, SERVER, NULL, (const uint8_t *)"x", 1, &out), &out,
                   "`file` is NULL");
    EXPECT_REFUSED("NULL out_bytes", ptero_server_files_contents(owner, SERVER, "/eula.txt", NULL, &len, &out), &out,
                   "`out_bytes` or `out_len` is NULL");
    EXPECT_REFUSED("NULL out_len", ptero_server_files_contents(owner, SERVER, "/eula.txt", &bytes, NULL, &out), &out,
                   "`out_bytes` or `out_len` is NULL");
    CHECK(bytes == NULL, "no bytes handed out");
    CHECK(ptero_server_files_contents(owner, SERVER, "/eula.txt", &bytes, &len, NULL) == PTERO_STATUS_INVALID_ARGUMENT,
          "NULL out_json");
    CHECK(bytes == NULL && len == 0, "no bytes without out_json");
    EXPECT_REFUSED("NULL file to read", ptero_server_files_contents(owner, SERVER, NULL, &bytes, &len, &out), &out,
                   "`file` is NULL");
    EXPECT_REFUSED("NULL server", ptero_server_files_list(owner, NULL, NULL, &out), &out, "`server` is NULL");
    EXPECT_REFUSED("NULL files_json", ptero_server_files_delete(owner, SERVER, "/", NULL, &out), &out,
                   "needs the parameter `files`");
    EXPECT_REFUSED("files_json that is not JSON", ptero_server_files_delete(owner, SERVER, "/", "[\"a\"", &out), &out,
                   "`files_json` is not valid JSON");
    EXPECT_REFUSED("files_json that is not a list", ptero_server_files_compress(owner, SERVER, "/", "\"a\"", &out), &out,
                   "must be a list of strings");
    /* rename, delete and chmod need a root (the panel's `required`); NULL is refused here. */
    EXPECT_REFUSED("NULL root to rename", ptero_server_files_rename(owner, SERVER, NULL, "[]", &out), &out,
                   "`root` is NULL");
    EXPECT_REFUSED("NULL root to delete", ptero_server_files_delete(owner, SERVER, NULL, "[\"x\"]", &out), &out,
                   "`root` is NULL");
    EXPECT_REFUSED("NULL root to chmod", ptero_server_files_chmod(owner, SERVER, NULL, "[]", &out), &out,
                   "`root` is NULL");
    EXPECT_REFUSED("NULL url", ptero_server_files_pull(owner, SERVER, NULL, NULL, NULL, -1, -1, &out), &out,
                   "`url` is NULL");
    EXPECT_REFUSED("NULL location", ptero_server_files_copy(owner, SERVER, NULL, &out), &out, "`location` is NULL");
    EXPECT_REFUSED("NULL folder name", ptero_server_files_create_folder(owner, SERVER, "/", NULL, &out), &out,
                   "`name` is NULL");
    EXPECT_NO_REQUESTS("nothing refused reached the panel");
    ptero_bytes_free(NULL, 0);
    ptero_bytes_free(NULL, 12);
    CHECK(true, "ptero_bytes_free(NULL, n) is a no-op");
}

int main(void) {
    owner = test_client(OWNER_KEY, NULL);
    helper = test_client(SUBUSER_KEY, NULL);
    if (owner == NULL || helper == NULL) goto cleanup;
    list_and_read();
    write_bytes();
    manage();
    pull_and_urls();
    bad_arguments();

cleanup:
    ptero_client_free(helper);
    ptero_client_free(owner);
    return harness_finish();
}
