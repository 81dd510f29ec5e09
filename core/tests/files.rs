//! server.files.*.

mod common;
use common::*;
use pterodactyl_client::PullFile;
use serde_json::json;

#[test]
fn list_shows_directories_then_files_of_the_root_or_a_directory() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    let root = files.list(None).unwrap();
    let names: Vec<&str> = root.iter().map(|f| f.name.as_str()).collect();
    for expected in ["logs", "plugins", "world", "eula.txt", "server.properties"] {
        assert!(names.contains(&expected), "{names:?}");
    }
    let logs = root.iter().find(|f| f.name == "logs").unwrap();
    assert!(logs.is_directory() && !logs.is_file);
    assert!(logs.mode.starts_with('d'), "{}", logs.mode);
    let eula = root.iter().find(|f| f.name == "eula.txt").unwrap();
    assert!(eula.is_file && !eula.is_symlink);
    assert_eq!(eula.mode_bits, "644");
    assert!(eula.size > 0);
    assert!(eula.modified_at.ends_with("+00:00"), "{}", eula.modified_at);
    assert!(last_request(&panel, "GET", "/files/list").query.is_none(), "no directory, no query");

    let inside = files.list(Some("/logs")).unwrap();
    assert_eq!(inside.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["latest.log"]);
    assert_eq!(last_request(&panel, "GET", "/files/list").query.as_deref(), Some("directory=%2Flogs"));
    api_error(files.list(Some("/nowhere")), 404);
}

#[test]
fn contents_are_bytes_and_text_is_checked_for_utf8() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    let eula = files.contents_text("/eula.txt").unwrap();
    assert!(eula.contains("eula="), "{eula}");
    assert_eq!(files.contents("/eula.txt").unwrap(), eula.as_bytes());

    let level = files.contents("/world/level.dat").unwrap();
    assert_eq!(level.len(), 16);
    match files.contents_text("/world/level.dat") {
        Err(Error::Decode { message, .. }) => {
            assert!(message.contains("not UTF-8") && message.contains("level.dat"), "{message}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    api_error(files.contents("/missing.txt"), 404);
}

#[test]
fn write_sends_raw_bytes_and_reads_back_the_same() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    let content: Vec<u8> = vec![0x00, 0xff, b'{', b'"', 0x80, b'\n'];
    files.write("/data/blob.bin", &content).unwrap();
    let req = last_request(&panel, "POST", "/files/write");
    assert_eq!(req.query.as_deref(), Some("file=%2Fdata%2Fblob.bin"));
    assert_ne!(req.header("content-type"), Some("application/json"));
    assert_eq!(files.contents("/data/blob.bin").unwrap(), content);

    files.write("/motd.txt", b"Welcome!\n").unwrap();
    assert_eq!(files.contents_text("/motd.txt").unwrap(), "Welcome!\n");
    files.write("/empty.txt", b"").unwrap();
    assert!(files.contents("/empty.txt").unwrap().is_empty());
}

#[test]
fn download_and_upload_urls_are_signed_wings_urls() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    let download = files.download_url("/eula.txt").unwrap();
    assert!(download.url.contains("/download/file?token="), "{}", download.url);
    assert_eq!(last_request(&panel, "GET", "/files/download").query.as_deref(), Some("file=%2Feula.txt"));
    let upload = files.upload_url().unwrap();
    assert!(upload.url.contains("/upload/file?token="), "{}", upload.url);
    assert_ne!(files.upload_url().unwrap().url, upload.url, "a fresh token every time");
}

#[test]
fn rename_moves_files_relative_to_root() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    files.rename("/logs", &[("latest.log", "old.log")]).unwrap();
    assert_eq!(
        last_body(&panel, "PUT", "/files/rename"),
        json!({"root": "/logs", "files": [{"from": "latest.log", "to": "old.log"}]})
    );
    let names: Vec<String> = files.list(Some("/logs")).unwrap().into_iter().map(|f| f.name).collect();
    assert_eq!(names, ["old.log"]);

    files.rename("/", &[("eula.txt", "eula.bak"), ("motd.txt", "motd.bak")]).unwrap();
    assert_eq!(last_body(&panel, "PUT", "/files/rename")["root"], "/");
    assert!(files.list(None).unwrap().iter().any(|f| f.name == "eula.bak"));

    let errors = api_error(files.rename("/", &[]), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("files"), "{errors:?}");
}

#[test]
fn copy_makes_a_copy_next_to_the_file() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    files.copy("/eula.txt").unwrap();
    assert_eq!(last_body(&panel, "POST", "/files/copy"), json!({"location": "/eula.txt"}));
    let copies: Vec<String> = files
        .list(None)
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .filter(|n| n.starts_with("eula copy"))
        .collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    api_error(files.copy("/missing.txt"), 404);
}

#[test]
fn compress_then_decompress_round_trips_files() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    let archive = files.compress("/", &["eula.txt", "logs"]).unwrap();
    assert!(archive.name.ends_with(".tar.gz"), "{}", archive.name);
    assert!(archive.is_file && archive.size > 0);
    assert_eq!(
        last_body(&panel, "POST", "/files/compress"),
        json!({"root": "/", "files": ["eula.txt", "logs"]})
    );

    files.create_folder("/", "restore").unwrap();
    assert_eq!(last_body(&panel, "POST", "/files/create-folder"), json!({"root": "/", "name": "restore"}));
    files.rename("/", &[(archive.name.as_str(), &format!("restore/{}", archive.name))]).unwrap();
    files.decompress("/restore", &archive.name).unwrap();
    assert_eq!(
        last_body(&panel, "POST", "/files/decompress"),
        json!({"root": "/restore", "file": archive.name})
    );
    assert_eq!(files.contents("/restore/eula.txt").unwrap(), files.contents("/eula.txt").unwrap());
    assert!(files.list(Some("/restore/logs")).unwrap().iter().any(|f| f.name == "latest.log"));

    let errors = api_error(files.compress("/", &[]), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("files"));
}

#[test]
fn create_folder_and_delete_relative_to_a_root() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    files.create_folder("/plugins", "Essentials").unwrap();
    assert_eq!(
        last_body(&panel, "POST", "/files/create-folder"),
        json!({"root": "/plugins", "name": "Essentials"})
    );
    let plugins = files.list(Some("/plugins")).unwrap();
    assert!(plugins.iter().any(|f| f.name == "Essentials" && f.is_directory()));

    files.delete("/", &["eula.txt", "plugins"]).unwrap();
    let body = last_body(&panel, "POST", "/files/delete");
    assert_eq!(body, json!({"root": "/", "files": ["eula.txt", "plugins"]}));
    let names: Vec<String> = files.list(None).unwrap().into_iter().map(|f| f.name).collect();
    assert!(!names.contains(&"eula.txt".into()) && !names.contains(&"plugins".into()), "{names:?}");
    let errors = api_error(files.create_folder("/", ""), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("name"));
}

#[test]
fn chmod_sends_modes_as_octal_strings() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    files.write("/start.sh", b"#!/bin/sh\n").unwrap();
    files.chmod("/", &[("start.sh", 0o755), ("eula.txt", 0o600)]).unwrap();
    assert_eq!(
        last_body(&panel, "POST", "/files/chmod"),
        json!({"root": "/", "files": [{"file": "start.sh", "mode": "755"}, {"file": "eula.txt", "mode": "600"}]})
    );
    let root = files.list(None).unwrap();
    let mode = |name: &str| root.iter().find(|f| f.name == name).unwrap().mode_bits.clone();
    assert_eq!(mode("start.sh"), "755");
    assert_eq!(mode("eula.txt"), "600");
}

#[test]
fn pull_sends_only_the_fields_set_and_is_throttled_with_429() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let files = client.server(SURVIVAL).files();
    files.pull(&PullFile::new("https://example.com/plugins/Essentials.jar").directory("/plugins")).unwrap();
    assert_eq!(
        last_body(&panel, "POST", "/files/pull"),
        json!({"url": "https://example.com/plugins/Essentials.jar", "directory": "/plugins"})
    );
    assert!(files.list(Some("/plugins")).unwrap().iter().any(|f| f.name == "Essentials.jar"));

    let full = PullFile::new("https://example.com/a").filename("b.txt").use_header(false).foreground(true);
    files.pull(&full).unwrap();
    assert_eq!(
        last_body(&panel, "POST", "/files/pull"),
        json!({"url": "https://example.com/a", "filename": "b.txt", "use_header": false, "foreground": true})
    );
    let errors = api_error(files.pull(&PullFile::new("not a url")), 422);
    assert_eq!(errors[0].source_field.as_deref(), Some("url"));

    // 10 pulls per 5 minutes (the two above and the refused one count).
    let mut outcome = Ok(());
    for _ in 0..10 {
        outcome = files.pull(&PullFile::new("https://example.com/x"));
        if outcome.is_err() {
            break;
        }
    }
    match outcome {
        Err(Error::RateLimited { retry_after, .. }) => assert!(retry_after.is_some()),
        other => panic!("expected 429, got {other:?}"),
    }
}

#[test]
fn subuser_without_file_permissions_gets_403() {
    let panel = FakePanel::start();
    let helper = subuser(&panel);
    let files = helper.server(SURVIVAL).files();
    api_error(files.list(None), 403);
    api_error(files.contents("/eula.txt"), 403);
    api_error(files.write("/x.txt", b"x"), 403);
    api_error(files.delete("/", &["eula.txt"]), 403);
    api_error(files.chmod("/", &[("eula.txt", 0o777)]), 403);
    api_error(files.upload_url(), 403);
    // `manager` has `file.read` only: listing yes, reading contents no.
    let manager = manager(&panel);
    assert!(!manager.server(SURVIVAL).files().list(None).unwrap().is_empty());
    api_error(manager.server(SURVIVAL).files().contents("/eula.txt"), 403);
}

#[test]
fn suspended_server_files_are_409() {
    let panel = FakePanel::start();
    api_error(owner(&panel).server(SUSPENDED).files().list(None), 409);
}
