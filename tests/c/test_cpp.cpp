// The header from C++17: compiled with -Wall -Wextra -Wpedantic -Werror, with the handles held
// by RAII wrappers as a C++ plugin would.
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"
#include "pterodactyl.h"

namespace {

struct ClientDeleter {
    void operator()(PteroClient *c) const noexcept { ptero_client_free(c); }
};
struct StringDeleter {
    void operator()(char *s) const noexcept { ptero_string_free(s); }
};
using Client = std::unique_ptr<PteroClient, ClientDeleter>;
using Json = std::unique_ptr<char, StringDeleter>;

// Runs one call that writes a JSON string and owns the result.
template <typename F>
std::pair<PteroStatus, Json> call(F &&f) {
    char *out = nullptr;
    PteroStatus st = f(&out);
    return {st, Json(out)};
}

bool has(const Json &json, const char *fragment) {
    return json && json_valid(json.get()) && std::strstr(json.get(), fragment) != nullptr;
}

}  // namespace

int main() {
    PteroClient *raw = nullptr;
    char *error = nullptr;
    PteroStatus st = ptero_client_new(panel_url(), OWNER_KEY, R"({"timeout_ms": 10000})", &raw);
    error = ptero_last_error();
    Client client(raw);
    Json error_owner(error);
    if (!EXPECT_STATUS("C++: ptero_client_new", st, PTERO_STATUS_OK, error)) return harness_finish();
    panel_reset();

    auto [list_status, list] = call([&](char **out) { return ptero_servers_list(client.get(), nullptr, out); });
    CHECK(list_status == PTERO_STATUS_OK && has(list, R"("identifier":"d3aac109")"), "C++: ptero_servers_list");

    auto [get_status, server] = call([&](char **out) { return ptero_server_get(client.get(), "d3aac109", "egg", out); });
    CHECK(get_status == PTERO_STATUS_OK && has(server, R"("name":"Survival")"), "C++: ptero_server_get");

    auto [missing_status, missing] =
        call([&](char **out) { return ptero_call(client.get(), "server.get", R"({"server":"f00dfeed"})", out); });
    CHECK(missing_status == PTERO_STATUS_API_ERROR && has(missing, R"("http_status":404)"), "C++: 404 error object");

    const std::string name = ptero_status_name(PTERO_STATUS_API_ERROR);
    CHECK(name == "PTERO_STATUS_API_ERROR", "C++: ptero_status_name takes the enum");

    // The same const handle from several std::threads.
    std::vector<std::thread> threads;
    std::vector<int> ok(4, 0);
    const PteroClient *shared = client.get();
    for (std::size_t i = 0; i < ok.size(); i++) {
        threads.emplace_back([shared, &ok, i] {
            auto [s, json] = call([&](char **out) { return ptero_server_resources(shared, "d3aac109", out); });
            ok[i] = s == PTERO_STATUS_OK && has(json, R"("current_state":"offline")");
        });
    }
    for (auto &t : threads) t.join();
    for (int v : ok) CHECK(v == 1, "C++: a call from a std::thread");
    return harness_finish();
}
