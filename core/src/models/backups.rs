//! Server backups.

use serde::Serialize;

model! {
    /// A backup of a server (`BackupTransformer`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct Backup {
        /// UUID, used in the backup routes.
        pub uuid: String,
        /// Whether it completed successfully (false while running and after a failure).
        pub is_successful: bool,
        /// Whether it is locked against deletion.
        pub is_locked: bool,
        /// Name.
        pub name: String,
        /// Patterns left out of the archive.
        #[serde(default)]
        pub ignored_files: Vec<String>,
        /// `sha1:<hex>` once completed.
        #[serde(default)]
        pub checksum: Option<String>,
        /// Archive size in bytes (0 until completed).
        pub bytes: u64,
        /// When it was started.
        pub created_at: String,
        /// When it finished, if it has.
        #[serde(default)]
        pub completed_at: Option<String>,
    }
}

impl Backup {
    /// Whether the backup has finished, successfully or not.
    pub fn is_completed(&self) -> bool {
        self.completed_at.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{round_trip, Page};
    use serde_json::json;

    fn backup(uuid: &str, done: bool) -> serde_json::Value {
        json!({
            "uuid": uuid, "is_successful": done, "is_locked": false, "name": "Before 1.21",
            "ignored_files": ["*.log"], "checksum": if done { json!("sha1:0a1b") } else { json!(null) },
            "bytes": if done { 1024 } else { 0 }, "created_at": "2024-10-24T12:04:30+00:00",
            "completed_at": if done { json!("2024-10-24T12:05:30+00:00") } else { json!(null) }
        })
    }

    #[test]
    fn backup_decodes_and_round_trips() {
        let b: Backup = round_trip(backup("8a2f6a3e-9f1c-4b7e-8e6a-0b7c5d9e1f2a", true));
        assert!(b.is_completed() && b.is_successful);
        assert_eq!(b.checksum.as_deref(), Some("sha1:0a1b"));
        let running: Backup = round_trip(backup("x", false));
        assert!(!running.is_completed());
    }

    #[test]
    fn backup_page_keeps_backup_count() {
        let page: Page<Backup> = round_trip(json!({
            "data": [backup("a", true)],
            "meta": {"backup_count": 1, "pagination": {"total": 1, "count": 1, "per_page": 20,
                     "current_page": 1, "total_pages": 1, "links": {}}}
        }));
        assert_eq!(page.meta.backup_count(), Some(1));
        assert_eq!(page.data[0].uuid, "a");
    }
}
