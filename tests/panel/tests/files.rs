//! The fake panel's file manager: `/servers/{server}/files/*` and the Wings signed URLs.

use fake_panel::{FakePanel, OWNER_KEY, SUBUSER_KEY};
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::Method;
use serde_json::{json, Value};

const SERVER: &str = "/servers/d3aac109";
const SERVER_UUID: &str = "/servers/d3aac109-e5e0-4331-b03e-3454f7e136dc";
const LEVEL_DAT: [u8; 16] =
    [0x0a, 0x00, 0x00, 0x0a, 0x00, 0x04, 0x44, 0x61, 0x74, 0x61, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0x00];

fn http() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

fn api(panel: &FakePanel, method: Method, key: &str, path: &str) -> RequestBuilder {
    http()
        .request(method, format!("{}/api/client{SERVER}{path}", panel.base_url()))
        .bearer_auth(key)
        .header("Accept", "application/json")
}

fn get(panel: &FakePanel, path: &str) -> Response {
    api(panel, Method::GET, OWNER_KEY, path).send().expect("request")
}

fn send(panel: &FakePanel, method: Method, path: &str, body: Value) -> Response {
    api(panel, method, OWNER_KEY, path).json(&body).send().expect("request")
}

fn post(panel: &FakePanel, path: &str, body: Value) -> Response {
    send(panel, Method::POST, path, body)
}

fn write(panel: &FakePanel, file: &str, content: &[u8]) -> Response {
    api(panel, Method::POST, OWNER_KEY, "/files/write")
        .query(&[("file", file)])
        .header("Content-Type", "application/octet-stream")
        .body(content.to_vec())
        .send()
        .expect("request")
}

fn contents(panel: &FakePanel, file: &str) -> Response {
    api(panel, Method::GET, OWNER_KEY, "/files/contents").query(&[("file", file)]).send().expect("request")
}

fn list(panel: &FakePanel, directory: &str) -> Vec<Value> {
    let res =
        api(panel, Method::GET, OWNER_KEY, "/files/list").query(&[("directory", directory)]).send().unwrap();
    assert_eq!(res.status(), 200, "list {directory}");
    let body: Value = res.json().unwrap();
    assert_eq!(body["object"], "list");
    body["data"].as_array().unwrap().iter().map(|i| i["attributes"].clone()).collect()
}

fn names(panel: &FakePanel, directory: &str) -> Vec<String> {
    list(panel, directory).iter().map(|a| a["name"].as_str().unwrap().to_string()).collect()
}

fn entry(panel: &FakePanel, directory: &str, name: &str) -> Value {
    list(panel, directory)
        .into_iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {directory}"))
}

fn first_error(res: Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let body: Value = res.json().expect("json error body");
    (status, body["errors"][0].clone())
}

fn assert_validation(res: Response, field: &str, rule: &str) {
    let (status, e) = first_error(res);
    assert_eq!(status, 422, "{e}");
    assert_eq!(e["code"], "ValidationException");
    assert_eq!(e["meta"], json!({"source_field": field, "rule": rule}), "{e}");
}

#[test]
fn lists_the_seeded_tree_directories_first() {
    let panel = FakePanel::start();
    assert_eq!(names(&panel, "/"), ["logs", "plugins", "world", "eula.txt", "server.properties"]);
    // No directory (or an empty one) means `/`.
    let body: Value = get(&panel, "/files/list").json().unwrap();
    assert_eq!(body["data"].as_array().unwrap().len(), 5);
    assert_eq!(body["data"][0]["object"], "file_object");

    let props = entry(&panel, "/", "server.properties");
    assert_eq!(props["mode"], "-rw-r--r--");
    assert_eq!(props["mode_bits"], "644");
    assert_eq!(props["is_file"], true);
    assert_eq!(props["is_symlink"], false);
    assert_eq!(props["mimetype"], "text/plain; charset=utf-8");
    assert_eq!(props["modified_at"], "2024-10-21T08:05:42+00:00");
    let text = contents(&panel, "/server.properties").bytes().unwrap();
    assert_eq!(props["size"], text.len());

    let logs = entry(&panel, "/", "logs");
    assert_eq!(logs["mode"], "drwxr-xr-x");
    assert_eq!(logs["mode_bits"], "755");
    assert_eq!(logs["is_file"], false);
    assert_eq!(logs["mimetype"], "inode/directory");

    assert_eq!(names(&panel, "/logs"), ["latest.log"]);
    assert_eq!(names(&panel, "world/"), ["level.dat"]);
    assert_eq!(entry(&panel, "/world", "level.dat")["mimetype"], "application/octet-stream");
    assert!(names(&panel, "/plugins").is_empty());

    let (status, e) =
        first_error(api(&panel, Method::GET, OWNER_KEY, "/files/list?directory=/nope").send().unwrap());
    assert_eq!(status, 404);
    assert_eq!(e["code"], "DaemonConnectionException");
    let detail = e["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("An error occurred on the remote host: The requested resources was not found on the system.. (request id: "),
        "{detail}"
    );
    // Escaping the root is refused.
    assert_eq!(
        api(&panel, Method::GET, OWNER_KEY, "/files/list?directory=/../..").send().unwrap().status(),
        404
    );
}

#[test]
fn contents_are_raw_bytes_as_text_plain() {
    let panel = FakePanel::start();
    let res = contents(&panel, "/world/level.dat");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/plain; charset=UTF-8");
    assert_eq!(res.bytes().unwrap().as_ref(), LEVEL_DAT);
    // Leading slashes do not matter.
    let eula = contents(&panel, "eula.txt").text().unwrap();
    assert!(eula.ends_with("eula=true\n"), "{eula}");

    let (status, e) = first_error(contents(&panel, "/logs"));
    assert_eq!((status, e["code"].as_str()), (400, Some("DaemonConnectionException")));
    assert!(e["detail"].as_str().unwrap().contains("file is a directory"));
    assert_eq!(contents(&panel, "/missing.txt").status(), 404);
    assert_validation(get(&panel, "/files/contents"), "file", "required");
}

#[test]
fn write_and_read_back_any_bytes() {
    let panel = FakePanel::start();
    let bytes = [0u8, 0x9f, 0x92, 0x96, 0xff, b'\n'];
    assert_eq!(write(&panel, "/data/blob.bin", &bytes).status(), 204);
    assert_eq!(contents(&panel, "/data/blob.bin").bytes().unwrap().as_ref(), bytes);
    assert!(names(&panel, "/").contains(&"data".to_string()), "parents are created");
    let blob = entry(&panel, "/data", "blob.bin");
    assert_eq!((blob["size"].as_u64(), blob["mode_bits"].as_str()), (Some(6), Some("644")));

    // text/plain, an empty body, and overwriting.
    let res = api(&panel, Method::POST, OWNER_KEY, "/files/write?file=%2Fserver.properties")
        .header("Content-Type", "text/plain")
        .body("motd=Hello\n")
        .send()
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(contents(&panel, "/server.properties").text().unwrap(), "motd=Hello\n");
    assert_eq!(write(&panel, "/empty.txt", b"").status(), 204);
    assert_eq!(contents(&panel, "/empty.txt").bytes().unwrap().len(), 0);

    // A JSON content type makes the panel parse the body first.
    let res = api(&panel, Method::POST, OWNER_KEY, "/files/write?file=/x.txt")
        .header("Content-Type", "application/json")
        .body("not json")
        .send()
        .unwrap();
    let (status, e) = first_error(res);
    assert_eq!((status, e["code"].as_str()), (400, Some("BadRequestHttpException")));

    let (status, e) = first_error(write(&panel, "/logs", b"x"));
    assert_eq!(status, 400);
    assert!(e["detail"].as_str().unwrap().contains("name conflicts with an existing directory"), "{e}");
    assert_validation(
        api(&panel, Method::POST, OWNER_KEY, "/files/write").body("x").send().unwrap(),
        "file",
        "required",
    );

    let activity: Value = get(&panel, "/activity?sort=-timestamp&filter[event]=file.write").json().unwrap();
    let files: Vec<&str> = activity["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["attributes"]["properties"]["file"].as_str())
        .collect();
    assert!(files.contains(&"/data/blob.bin"), "{files:?}");
}

#[test]
fn files_over_four_mib_are_not_returned() {
    let panel = FakePanel::start();
    assert_eq!(write(&panel, "/big.bin", &vec![b'a'; 4 * 1024 * 1024 + 1]).status(), 204);
    let (status, e) = first_error(contents(&panel, "/big.bin"));
    assert_eq!(status, 400);
    assert_eq!(e["code"], "FileSizeTooLargeException");
    assert_eq!(e["detail"], "The file you are attempting to open is too large to view in the file editor.");
    assert_eq!(write(&panel, "/edge.bin", &vec![b'a'; 4 * 1024 * 1024]).status(), 204);
    assert_eq!(contents(&panel, "/edge.bin").status(), 200);
}

#[test]
fn trimming_is_skipped_only_with_the_full_uuid() {
    let panel = FakePanel::start();
    let res = http()
        .post(format!("{}/api/client{SERVER_UUID}/files/write?file=%2Fnote.txt%20", panel.base_url()))
        .bearer_auth(OWNER_KEY)
        .header("Accept", "application/json")
        .body("a")
        .send()
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(write(&panel, "/other.txt ", b"b").status(), 204);
    let names = names(&panel, "/");
    assert!(
        names.contains(&"note.txt ".to_string()) && names.contains(&"other.txt".to_string()),
        "{names:?}"
    );
}

#[test]
fn rename_moves_files_and_directories() {
    let panel = FakePanel::start();
    let res = send(
        &panel,
        Method::PUT,
        "/files/rename",
        json!({"root": "/", "files": [{"from": "eula.txt", "to": "docs/eula.txt"}, {"from": "logs", "to": "old-logs"}]}),
    );
    assert_eq!(res.status(), 204);
    assert_eq!(names(&panel, "/docs"), ["eula.txt"]);
    assert_eq!(names(&panel, "/old-logs"), ["latest.log"]);
    assert!(!names(&panel, "/").contains(&"logs".to_string()));
    // Relative to root; a missing source is ignored, as Wings does.
    let res = send(
        &panel,
        Method::PUT,
        "/files/rename",
        json!({"root": "/docs", "files": [{"from": "eula.txt", "to": "EULA.txt"}, {"from": "ghost", "to": "x"}]}),
    );
    assert_eq!(res.status(), 204);
    assert_eq!(names(&panel, "/docs"), ["EULA.txt"]);

    let res = send(
        &panel,
        Method::PUT,
        "/files/rename",
        json!({"root": "/", "files": [{"from": "server.properties", "to": "docs/EULA.txt"}]}),
    );
    let (status, e) = first_error(res);
    assert_eq!(status, 400);
    assert!(e["detail"].as_str().unwrap().contains("destination already exists"), "{e}");

    assert_validation(
        send(&panel, Method::PUT, "/files/rename", json!({"root": "/", "files": [{"from": "a"}]})),
        "files.0.to",
        "required",
    );
    assert_validation(
        send(&panel, Method::PUT, "/files/rename", json!({"files": [{"from": "a", "to": "b"}]})),
        "root",
        "required",
    );
    assert_validation(
        send(&panel, Method::PUT, "/files/rename", json!({"root": "/", "files": "a"})),
        "files",
        "array",
    );
}

#[test]
fn copy_creates_distinct_copies_next_to_the_file() {
    let panel = FakePanel::start();
    for _ in 0..2 {
        assert_eq!(post(&panel, "/files/copy", json!({"location": "/server.properties"})).status(), 204);
    }
    let names = names(&panel, "/");
    assert!(names.contains(&"server copy.properties".to_string()), "{names:?}");
    assert!(names.contains(&"server copy 1.properties".to_string()), "{names:?}");
    assert_eq!(
        contents(&panel, "/server copy.properties").bytes().unwrap(),
        contents(&panel, "/server.properties").bytes().unwrap()
    );
    assert_eq!(post(&panel, "/files/copy", json!({"location": "/world/level.dat"})).status(), 204);
    assert_eq!(contents(&panel, "/world/level copy.dat").bytes().unwrap().as_ref(), LEVEL_DAT);
    // Directories and missing files are "not found" to Wings.
    assert_eq!(post(&panel, "/files/copy", json!({"location": "/logs"})).status(), 404);
    assert_eq!(post(&panel, "/files/copy", json!({"location": "/nope"})).status(), 404);
    assert_validation(post(&panel, "/files/copy", json!({})), "location", "required");
}

#[test]
fn compress_then_decompress_restores_the_files() {
    let panel = FakePanel::start();
    let res = post(
        &panel,
        "/files/compress",
        json!({"root": "/", "files": ["logs", "eula.txt", "world/level.dat"]}),
    );
    assert_eq!(res.status(), 200);
    let body: Value = res.json().unwrap();
    assert_eq!(body["object"], "file_object");
    let archive = body["attributes"].clone();
    let name = archive["name"].as_str().unwrap().to_string();
    assert!(name.starts_with("archive-20") && name.ends_with("Z.tar.gz") && !name.contains(':'), "{name}");
    assert_eq!(archive["mimetype"], "application/tar+gzip");
    assert_eq!(archive["is_file"], true);
    assert!(archive["size"].as_u64().unwrap() > 1024);
    assert!(names(&panel, "/").contains(&name));
    // A real gzip stream.
    let gz = contents(&panel, &name).bytes().unwrap();
    assert_eq!(&gz[..2], &[0x1f, 0x8b]);

    let res = post(&panel, "/files/delete", json!({"root": "/", "files": ["logs", "eula.txt", "world"]}));
    assert_eq!(res.status(), 204);
    assert_eq!(names(&panel, "/"), ["plugins", &name, "server.properties"]);

    assert_eq!(post(&panel, "/files/decompress", json!({"root": "/", "file": name})).status(), 204);
    assert_eq!(names(&panel, "/logs"), ["latest.log"]);
    assert_eq!(contents(&panel, "/world/level.dat").bytes().unwrap().as_ref(), LEVEL_DAT);
    assert!(contents(&panel, "/eula.txt").text().unwrap().contains("eula=true"));

    // Into another directory: paths are relative to root.
    assert_eq!(post(&panel, "/files/create-folder", json!({"root": "/", "name": "restore"})).status(), 204);
    assert_eq!(post(&panel, "/files/copy", json!({"location": format!("/{name}")})).status(), 204);
    let copy = name.replace(".tar.gz", " copy.tar.gz");
    let res = send(
        &panel,
        Method::PUT,
        "/files/rename",
        json!({"root": "/", "files": [{"from": copy, "to": "restore/a.tar.gz"}]}),
    );
    assert_eq!(res.status(), 204);
    assert_eq!(
        post(&panel, "/files/decompress", json!({"root": "/restore", "file": "a.tar.gz"})).status(),
        204
    );
    assert_eq!(names(&panel, "/restore"), ["logs", "world", "a.tar.gz", "eula.txt"]);

    let (status, e) =
        first_error(post(&panel, "/files/decompress", json!({"root": "/", "file": "server.properties"})));
    assert_eq!(status, 400);
    assert!(e["detail"].as_str().unwrap().contains("in a format Wings does not understand"), "{e}");
    assert_eq!(post(&panel, "/files/decompress", json!({"file": "nope.tar.gz"})).status(), 404);
    assert_validation(post(&panel, "/files/compress", json!({"root": "/"})), "files", "required");
    assert_validation(post(&panel, "/files/compress", json!({"files": [1]})), "files.0", "string");
}

#[test]
fn delete_and_create_folder() {
    let panel = FakePanel::start();
    assert_eq!(
        post(&panel, "/files/delete", json!({"root": "/world", "files": ["level.dat"]})).status(),
        204
    );
    assert!(names(&panel, "/world").is_empty());
    assert_eq!(contents(&panel, "/world/level.dat").status(), 404);
    // Missing files are fine; the root itself is not.
    assert_eq!(post(&panel, "/files/delete", json!({"root": "/", "files": ["ghost"]})).status(), 204);
    assert_eq!(post(&panel, "/files/delete", json!({"root": "/", "files": ["."]})).status(), 404);
    assert_validation(post(&panel, "/files/delete", json!({"files": ["a"]})), "root", "required");
    assert_validation(post(&panel, "/files/delete", json!({"root": "/", "files": []})), "files", "required");

    assert_eq!(
        post(&panel, "/files/create-folder", json!({"root": "/plugins", "name": "Essentials/data"})).status(),
        204
    );
    assert_eq!(names(&panel, "/plugins"), ["Essentials"]);
    let dir = entry(&panel, "/plugins/Essentials", "data");
    assert_eq!((dir["mode"].as_str(), dir["is_file"].as_bool()), (Some("drwxr-xr-x"), Some(false)));
    // `root` defaults to `/`; an existing folder is fine.
    assert_eq!(post(&panel, "/files/create-folder", json!({"name": "plugins"})).status(), 204);
    let (status, e) =
        first_error(post(&panel, "/files/create-folder", json!({"root": "/", "name": "eula.txt/sub"})));
    assert_eq!(status, 400);
    assert!(e["detail"].as_str().unwrap().contains("(ENOTDIR)"), "{e}");
    // An explicit null root reaches `createDirectory(string, string)`: a TypeError.
    assert_eq!(post(&panel, "/files/create-folder", json!({"root": null, "name": "x"})).status(), 500);
    assert_validation(post(&panel, "/files/create-folder", json!({"root": "/"})), "name", "required");
}

#[test]
fn chmod_takes_octal_strings() {
    let panel = FakePanel::start();
    let res = post(
        &panel,
        "/files/chmod",
        json!({"root": "/", "files": [{"file": "server.properties", "mode": "600"}, {"file": "logs", "mode": "0700"}, {"file": "ghost", "mode": "644"}]}),
    );
    assert_eq!(res.status(), 204);
    let props = entry(&panel, "/", "server.properties");
    assert_eq!((props["mode"].as_str(), props["mode_bits"].as_str()), (Some("-rw-------"), Some("600")));
    let logs = entry(&panel, "/", "logs");
    assert_eq!((logs["mode"].as_str(), logs["mode_bits"].as_str()), (Some("drwx------"), Some("700")));

    // A JSON number passes `numeric` but Wings cannot bind it into its string field.
    let (status, e) = first_error(post(
        &panel,
        "/files/chmod",
        json!({"root": "/", "files": [{"file": "eula.txt", "mode": 755}]}),
    ));
    assert_eq!((status, e["code"].as_str()), (400, Some("DaemonConnectionException")));
    let (status, e) = first_error(post(
        &panel,
        "/files/chmod",
        json!({"root": "/", "files": [{"file": "eula.txt", "mode": "999"}]}),
    ));
    assert_eq!(status, 400);
    assert!(e["detail"].as_str().unwrap().contains("Invalid file mode."), "{e}");
    assert_validation(
        post(&panel, "/files/chmod", json!({"root": "/", "files": [{"file": "eula.txt", "mode": "rwx"}]})),
        "files.0.mode",
        "numeric",
    );
    assert_validation(
        post(&panel, "/files/chmod", json!({"root": "/", "files": [{"mode": "644"}]})),
        "files.0.file",
        "required",
    );
}

#[test]
fn pull_downloads_into_the_directory_and_is_throttled() {
    let panel = FakePanel::start();
    let res = post(
        &panel,
        "/files/pull",
        json!({"url": "https://example.com/jars/Essentials.jar?v=2", "directory": "/plugins"}),
    );
    assert_eq!(res.status(), 204);
    assert_eq!(res.headers()["x-ratelimit-limit"], "10");
    assert_eq!(res.headers()["x-ratelimit-remaining"], "9");
    assert_eq!(
        contents(&panel, "/plugins/Essentials.jar").text().unwrap(),
        "Downloaded by the fake panel from https://example.com/jars/Essentials.jar?v=2\n"
    );
    let res = post(
        &panel,
        "/files/pull",
        json!({"url": "https://example.com/x", "filename": "named.txt", "use_header": true, "foreground": 1}),
    );
    assert_eq!(res.status(), 204);
    assert!(names(&panel, "/").contains(&"named.txt".to_string()));
    assert_validation(post(&panel, "/files/pull", json!({"url": "not a url"})), "url", "url");
    assert_validation(
        post(&panel, "/files/pull", json!({"url": "https://example.com/a", "use_header": "yes"})),
        "use_header",
        "boolean",
    );
    // A subuser without file.create still counts against its own throttle, then gets 403.
    let res = api(&panel, Method::POST, SUBUSER_KEY, "/files/pull")
        .json(&json!({"url": "https://example.com/a"}))
        .send()
        .unwrap();
    assert_eq!(res.status(), 403);

    for _ in 0..6 {
        assert_eq!(post(&panel, "/files/pull", json!({"url": "https://example.com/a"})).status(), 204);
    }
    let res = post(&panel, "/files/pull", json!({"url": "https://example.com/a"}));
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["x-ratelimit-limit"], "10");
    assert_eq!(res.headers()["x-ratelimit-remaining"], "0");
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=300).contains(&retry), "{retry}");
    let (_, e) = first_error(res);
    assert_eq!(
        (e["code"].as_str(), e["detail"].as_str()),
        (Some("ThrottleRequestsException"), Some("Too Many Attempts."))
    );
    // Other routes are not affected.
    assert_eq!(get(&panel, "/files/list").status(), 200);
}

#[test]
fn signed_download_and_upload_urls_are_single_use() {
    let panel = FakePanel::start();
    let res = get(&panel, "/files/download?file=%2Fworld%2Flevel.dat");
    assert_eq!(res.status(), 200);
    let body: Value = res.json().unwrap();
    assert_eq!(body["object"], "signed_url");
    let url = body["attributes"]["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("{}/download/file?token=", panel.base_url())), "{url}");
    assert_eq!(url.split("token=").nth(1).unwrap().split('.').count(), 3, "a JWT-looking token");

    let res = http().get(&url).send().unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/octet-stream");
    assert_eq!(res.headers()["content-disposition"], "attachment; filename=\"level.dat\"");
    assert_eq!(res.bytes().unwrap().as_ref(), LEVEL_DAT);
    let res = http().get(&url).send().unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.json::<Value>().unwrap()["error"], "The requested resource was not found on this server.");
    assert_eq!(
        http().get(format!("{}/download/file?token=garbage", panel.base_url())).send().unwrap().status(),
        500
    );

    let body: Value = get(&panel, "/files/upload").json().unwrap();
    assert_eq!(body["object"], "signed_url");
    let url = body["attributes"]["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("{}/upload/file?token=", panel.base_url())), "{url}");
    let boundary = "fakepanelboundary";
    let mut form = Vec::new();
    for (name, data) in [("a.txt", b"alpha".as_slice()), ("b.bin", &[0xff, 0x00, 0xfe])] {
        form.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        form.extend_from_slice(data);
        form.extend_from_slice(b"\r\n");
    }
    form.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let upload = |url: &str| {
        http()
            .post(format!("{url}&directory=/uploads"))
            .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
            .body(form.clone())
            .send()
            .unwrap()
    };
    assert_eq!(upload(&url).status(), 200);
    assert_eq!(names(&panel, "/uploads"), ["a.txt", "b.bin"]);
    assert_eq!(contents(&panel, "/uploads/b.bin").bytes().unwrap().as_ref(), [0xff, 0x00, 0xfe]);
    assert_eq!(upload(&url).status(), 404, "single use");
}

#[test]
fn subuser_without_file_permissions_gets_403() {
    let panel = FakePanel::start();
    for (method, path, body) in [
        (Method::GET, "/files/list", None),
        (Method::GET, "/files/contents?file=eula.txt", None),
        (Method::GET, "/files/download?file=eula.txt", None),
        (Method::GET, "/files/upload", None),
        (Method::POST, "/files/write?file=x", None),
        (Method::PUT, "/files/rename", Some(json!({"root": "/", "files": [{"from": "a", "to": "b"}]}))),
        (Method::POST, "/files/copy", Some(json!({"location": "eula.txt"}))),
        (Method::POST, "/files/compress", Some(json!({"files": ["eula.txt"]}))),
        (Method::POST, "/files/decompress", Some(json!({"file": "a.tar.gz"}))),
        (Method::POST, "/files/delete", Some(json!({"root": "/", "files": ["eula.txt"]}))),
        (Method::POST, "/files/create-folder", Some(json!({"name": "x"}))),
        (
            Method::POST,
            "/files/chmod",
            Some(json!({"root": "/", "files": [{"file": "eula.txt", "mode": "600"}]})),
        ),
    ] {
        let mut req = api(&panel, method, SUBUSER_KEY, path);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let (status, e) = first_error(req.send().unwrap());
        assert_eq!(status, 403, "{path}");
        assert_eq!(e["code"], "AccessDeniedHttpException", "{path}");
    }
    // Nothing changed.
    assert_eq!(names(&panel, "/"), ["logs", "plugins", "world", "eula.txt", "server.properties"]);
}

#[test]
fn other_servers_start_empty_and_reset_restores_the_seed() {
    let panel = FakePanel::start();
    let res = http()
        .get(format!("{}/api/client/servers/1a7ce997/files/list", panel.base_url()))
        .bearer_auth(OWNER_KEY)
        .header("Accept", "application/json")
        .send()
        .unwrap();
    assert_eq!(res.json::<Value>().unwrap()["data"], json!([]));
    assert_eq!(post(&panel, "/files/delete", json!({"root": "/", "files": ["world", "logs"]})).status(), 204);
    panel.reset();
    assert_eq!(names(&panel, "/"), ["logs", "plugins", "world", "eula.txt", "server.properties"]);
}
