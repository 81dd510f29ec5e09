//! server.backups.*.

mod common;
use common::*;
use pterodactyl_client::{ListBackups, NewBackup};
use serde_json::json;

const WEEKLY: &str = "b4c7e1d2-5f3a-4b8c-9d0e-1f2a3b4c5d6e";
const FAILED: &str = "c5d8f2e3-6a4b-4c9d-8e1f-2a3b4c5d6e7f";
const UNFINISHED: &str = "d6e9a3f4-7b5c-4dae-9f20-3b4c5d6e7f80";

#[test]
fn list_pages_backups_and_counts_the_ones_that_did_not_fail() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let backups = client.server(SURVIVAL).backups();
    let page = backups.list(&ListBackups::new()).unwrap();
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.meta.backup_count(), Some(1));
    assert_eq!((page.meta.pagination.total, page.meta.pagination.per_page), (2, 20));
    let weekly = page.data.iter().find(|b| b.uuid == WEEKLY).unwrap();
    assert!(weekly.is_successful && weekly.is_locked && weekly.is_completed());
    assert!(weekly.checksum.as_deref().is_some_and(|c| c.starts_with("sha1:")));
    assert_eq!(weekly.bytes, 52_428_800);
    let failed = page.data.iter().find(|b| b.uuid == FAILED).unwrap();
    assert!(!failed.is_successful && failed.is_completed());
    assert_eq!(failed.ignored_files, ["*.log", "cache/"]);

    let first = backups.list(&ListBackups::new().per_page(1)).unwrap();
    assert_eq!(first.data.len(), 1);
    assert!(first.has_next());
    assert_eq!(last_request(&panel, "GET", "/backups").query.as_deref(), Some("per_page=1"));
}

#[test]
fn iter_walks_every_page_with_the_same_page_size() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let all: Vec<String> = client
        .server(SURVIVAL)
        .backups()
        .iter(&ListBackups::new().per_page(1))
        .unwrap()
        .map(|b| b.unwrap().uuid)
        .collect();
    assert_eq!(all, [WEEKLY, FAILED]);
    let queries: Vec<String> = panel
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/backups"))
        .map(|r| r.query.unwrap_or_default())
        .collect();
    assert_eq!(queries.len(), 2);
    assert!(queries.iter().all(|q| q.contains("per_page=1")), "{queries:?}");
}

#[test]
fn create_sends_the_builders_fields_and_get_sees_it_completed() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let backups = client.server(SURVIVAL).backups();
    let made = backups
        .create(&NewBackup::new().name("Before 1.21").locked(true).ignore("*.log").ignore("cache/"))
        .unwrap();
    assert_eq!(
        last_body(&panel, "POST", "/backups"),
        json!({"name": "Before 1.21", "is_locked": true, "ignored": "*.log\ncache/"})
    );
    assert_eq!(made.name, "Before 1.21");
    assert!(made.is_locked);
    assert_eq!(made.ignored_files, ["*.log", "cache/"]);
    assert!(!made.is_completed(), "the answer describes the backup as started");

    let fetched = backups.get(&made.uuid).unwrap();
    assert!(fetched.is_completed() && fetched.is_successful);
    assert!(fetched.checksum.is_some() && fetched.bytes > 0);
    assert_eq!(backups.list(&ListBackups::new()).unwrap().meta.backup_count(), Some(2));

    let defaults = client.server(CREATIVE).backups().create(&NewBackup::new()).unwrap();
    assert_eq!(last_body(&panel, "POST", "/backups"), json!({}));
    assert!(defaults.name.starts_with("Backup at "), "{}", defaults.name);
    assert!(!defaults.is_locked);
}

#[test]
fn create_at_the_backup_limit_is_400() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let backups = client.server(SURVIVAL).backups();
    backups.create(&NewBackup::new()).unwrap();
    let errors = api_error(backups.create(&NewBackup::new()), 400);
    assert_eq!(errors[0].code, "TooManyBackupsException", "{errors:?}");
    api_error(client.server(AT_LIMIT).backups().create(&NewBackup::new()), 400);
}

#[test]
fn a_third_backup_within_ten_minutes_is_429_and_not_retried() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let backups = client.server(SKYBLOCK).backups();
    backups.create(&NewBackup::new()).unwrap();
    backups.create(&NewBackup::new()).unwrap();
    match backups.create(&NewBackup::new()) {
        Err(Error::RateLimited { retry_after, errors }) => {
            assert!(retry_after.is_some_and(|d| d.as_secs() >= 1));
            assert_eq!(errors[0].code, "TooManyRequestsHttpException");
        }
        other => panic!("expected 429, got {other:?}"),
    }
    assert_eq!(count(&panel, "POST", "/backups"), 3, "a POST is never repeated");
}

#[test]
fn download_url_is_a_signed_wings_url() {
    let panel = FakePanel::start();
    let url = owner(&panel).server(SURVIVAL).backups().download_url(WEEKLY).unwrap();
    assert!(url.url.contains("/download/backup?token="), "{}", url.url);
    assert!(last_request(&panel, "GET", &format!("/backups/{WEEKLY}/download")).query.is_none());
}

#[test]
fn toggle_lock_flips_and_a_locked_backup_cannot_be_deleted() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    let backups = client.server(SURVIVAL).backups();
    let errors = api_error(backups.delete(WEEKLY), 400);
    assert_eq!(errors[0].code, "BackupLockedException", "{errors:?}");

    let unlocked = backups.toggle_lock(WEEKLY).unwrap();
    assert!(!unlocked.is_locked);
    let req = last_request(&panel, "POST", &format!("/backups/{WEEKLY}/lock"));
    assert!(req.body.is_empty(), "lock sends no body: {:?}", req.body);
    backups.delete(WEEKLY).unwrap();
    api_error(backups.get(WEEKLY), 404);
    assert!(backups.toggle_lock(FAILED).unwrap().is_locked);
    // A locked backup that failed may still go.
    backups.delete(FAILED).unwrap();
    assert!(backups.list(&ListBackups::new()).unwrap().data.is_empty());
}

#[test]
fn restore_sends_truncate_and_needs_a_completed_backup() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    client.server(SURVIVAL).backups().restore(WEEKLY, true).unwrap();
    assert_eq!(last_body(&panel, "POST", &format!("/backups/{WEEKLY}/restore")), json!({"truncate": true}));
    client.server(SURVIVAL).backups().restore(WEEKLY, false).unwrap();
    assert_eq!(last_body(&panel, "POST", "/restore"), json!({"truncate": false}));
    let errors = api_error(client.server(SKYBLOCK).backups().restore(UNFINISHED, false), 400);
    assert!(errors[0].detail.contains("not completed"), "{errors:?}");
}

#[test]
fn unknown_or_foreign_backups_are_404() {
    let panel = FakePanel::start();
    let client = owner(&panel);
    api_error(client.server(SURVIVAL).backups().get(UNFINISHED), 404);
    api_error(client.server(SURVIVAL).backups().get("00000000-0000-4000-8000-000000000000"), 404);
}

#[test]
fn manager_may_read_and_create_but_not_lock_download_restore_or_delete() {
    let panel = FakePanel::start();
    let manager = manager(&panel);
    let backups = manager.server(SURVIVAL).backups();
    assert_eq!(backups.list(&ListBackups::new()).unwrap().data.len(), 2);
    assert_eq!(backups.get(WEEKLY).unwrap().uuid, WEEKLY);
    // `is_locked` is applied only with `backup.delete`.
    let made = backups.create(&NewBackup::new().locked(true)).unwrap();
    assert!(!made.is_locked);
    api_error(backups.download_url(WEEKLY), 403);
    api_error(backups.toggle_lock(WEEKLY), 403);
    api_error(backups.restore(WEEKLY, false), 403);
    api_error(backups.delete(&made.uuid), 403);
    // `helper` may not even look.
    api_error(subuser(&panel).server(SURVIVAL).backups().list(&ListBackups::new()), 403);
}
