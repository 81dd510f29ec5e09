/*
 * A plugin-sized consumer of an installed libpterodactyl, built once with pkg-config and once
 * with CMake's find_package (see ../run.sh). Usage: consumer PANEL_URL API_KEY
 * Exits 0 when the panel lists the server d3aac109.
 */
#include <pterodactyl.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    PteroClient *client = NULL;
    char *out = NULL;
    int rc = 1;
    if (argc != 3) {
        fprintf(stderr, "usage: %s PANEL_URL API_KEY\n", argv[0]);
        return 2;
    }
    PteroStatus st = ptero_client_new(argv[1], argv[2], NULL, &client);
    out = ptero_last_error();
    if (st != PTERO_STATUS_OK) goto cleanup;
    st = ptero_servers_list(client, "{\"per_page\":1}", &out);
    if (st != PTERO_STATUS_OK || strstr(out, "\"identifier\":\"d3aac109\"") == NULL) goto cleanup;
    printf("consumer: libpterodactyl %s lists d3aac109\n", ptero_version());
    rc = 0;

cleanup:
    if (rc != 0) fprintf(stderr, "consumer: %s %s\n", ptero_status_name((int)st), out ? out : "");
    ptero_string_free(out);
    ptero_client_free(client);
    return rc;
}
