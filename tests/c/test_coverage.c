/*
 * The C surface covers every operation: reads the operations table at run time
 * (ptero_operations) and finds each operation's `c_function` in the loaded libpterodactyl with
 * dlsym. An operation added to the core's table without its C function fails here, with no list
 * of names to keep in step by hand.
 */
#define _GNU_SOURCE /* RTLD_DEFAULT */

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

/* `ptero_` + the id with every `.` as `_`: the one naming rule of the typed functions. */
static void expected_name(const char *id, char *buf, size_t size) {
    size_t n = (size_t)snprintf(buf, size, "ptero_%s", id);
    for (size_t i = 0; i < n && i < size; i++) {
        if (buf[i] == '.') buf[i] = '_';
    }
}

int main(void) {
    char *out = NULL;
    cJSON *ops = NULL;
    const cJSON *op = NULL;
    int count = 0, found = 0;

    ops = EXPECT_OK("ptero_operations", ptero_operations(&out), &out);
    if (!CHECK(cJSON_IsArray(ops), "ptero_operations answers an array")) goto cleanup;
    /* 69 routes in the panel's routes/api-client.php (client-api.md §1). */
    CHECK(cJSON_GetArraySize(ops) == 69, "the table has the panel's 69 operations");
    CHECK(dlsym(RTLD_DEFAULT, "ptero_no_such_function") == NULL, "dlsym does not find a made-up name");
    CHECK(dlsym(RTLD_DEFAULT, "ptero_call") != NULL, "dlsym finds ptero_call in the loaded library");

    cJSON_ArrayForEach(op, ops) {
        const char *id = json_str(op, "id");
        const char *c_function = json_str(op, "c_function");
        char want[128];
        count++;
        if (!CHECK(id != NULL && c_function != NULL, "every operation has an id and a c_function")) continue;
        expected_name(id, want, sizeof want);
        if (!CHECK(strcmp(c_function, want) == 0, "c_function is ptero_<id with _ for .>")) {
            fprintf(stderr, "     %s: c_function %s, expected %s\n", id, c_function, want);
        }
        if (CHECK(dlsym(RTLD_DEFAULT, c_function) != NULL, "the operation's C function is exported")) {
            found++;
        } else {
            fprintf(stderr, "     %s: %s is not in libpterodactyl\n", id, c_function);
        }
        /* Ids are unique: no later operation has the same one. */
        for (const cJSON *later = op->next; later != NULL; later = later->next) {
            const char *other = json_str(later, "id");
            if (other && strcmp(other, id) == 0) {
                CHECK(false, "operation ids are unique");
                fprintf(stderr, "     %s appears twice\n", id);
            }
        }
    }
    printf("%d operations, %d C functions found\n", count, found);
    CHECK(count > 0 && found == count, "every operation has its C function");

    CHECK(ptero_operations(NULL) == PTERO_STATUS_INVALID_ARGUMENT, "ptero_operations(NULL) is refused");

cleanup:
    cJSON_Delete(ops);
    return harness_finish();
}
