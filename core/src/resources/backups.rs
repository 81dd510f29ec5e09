//! `server.backups.*`.

use serde::{Deserialize, Serialize};
use serde_json::json;

use std::io::Write;
use std::ops::ControlFlow;
use std::path::Path;

use super::{Caller, ServerHandle};
use crate::client::Client;
use crate::error::Result;
use crate::models::{Backup, Page, SignedUrl};
use crate::transfer::Progress;

/// `server.backups.*`: the server's backups, by UUID.
#[derive(Clone, Debug)]
pub struct Backups<'c, C = Client> {
    pub(super) server: ServerHandle<'c, C>,
}

impl<C: Caller> Backups<'_, C> {
    /// One page of backups (`server.backups.list`). `page.meta.backup_count()` is the number of
    /// backups that did not fail, which is what counts against the server's limit.
    pub fn list(&self, params: &ListBackups) -> C::Out<Page<Backup>> {
        self.server.client.typed("server.backups.list", self.server.with_params(params))
    }

    /// Every backup on every page, with `params` sent on each page.
    pub fn iter(&self, params: &ListBackups) -> Result<C::Pager<Backup>> {
        self.server.client.pages("server.backups.list", self.server.with_params(params))
    }

    /// Starts a backup (`server.backups.create`); it completes later (`completed_at`). At the
    /// server's backup limit the panel answers 400; more than 2 backups in 10 minutes is a 429
    /// ([`Error::RateLimited`](crate::Error::RateLimited), never retried).
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// use pterodactyl_client::NewBackup;
    /// let backups = client.server("d3aac109").backups();
    /// let backup = backups.create(&NewBackup::new().name("Before 1.21").locked(true).ignore("*.log"))?;
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn create(&self, params: &NewBackup) -> C::Out<Backup> {
        self.server.client.typed("server.backups.create", self.server.with_params(params))
    }

    /// One backup (`server.backups.get`).
    pub fn get(&self, uuid: &str) -> C::Out<Backup> {
        self.server.client.typed("server.backups.get", self.server.with(json!({ "backup": uuid })))
    }

    /// A one-time URL to download the archive from (`server.backups.download`); valid 15
    /// minutes on Wings, 5 on S3.
    pub fn download_url(&self, uuid: &str) -> C::Out<SignedUrl> {
        self.server.client.typed("server.backups.download", self.server.with(json!({ "backup": uuid })))
    }

    /// Locks an unlocked backup or unlocks a locked one (`server.backups.toggle_lock`). A
    /// locked backup cannot be deleted.
    pub fn toggle_lock(&self, uuid: &str) -> C::Out<Backup> {
        self.server.client.typed("server.backups.toggle_lock", self.server.with(json!({ "backup": uuid })))
    }

    /// Restores a completed backup over the server's files (`server.backups.restore`);
    /// `truncate` deletes every file first. The server is `restoring_backup` until Wings is
    /// done, and most routes answer 409 meanwhile. A backup not completed, or a server not
    /// ready, is a 400.
    pub fn restore(&self, uuid: &str, truncate: bool) -> C::Out<()> {
        let p = self.server.with(json!({ "backup": uuid, "truncate": truncate }));
        self.server.client.unit("server.backups.restore", p)
    }

    /// Deletes a backup (`server.backups.delete`); a locked one is a 400.
    pub fn delete(&self, uuid: &str) -> C::Out<()> {
        self.server.client.unit("server.backups.delete", self.server.with(json!({ "backup": uuid })))
    }
}

/// Transfers: the backup's archive, streamed through a fresh signed URL each time (on Wings, or
/// a pre-signed S3 URL; see [`Client::download_signed`] for the rules). Blocking client only.
impl Backups<'_, Client> {
    /// Downloads the archive of backup `uuid` into `out`, streaming (`server.backups.download`,
    /// then the signed URL without the key). Answers the number of bytes written.
    pub fn download(&self, uuid: &str, out: impl Write + Send) -> Result<u64> {
        self.download_with(uuid, out, |_| ControlFlow::Continue(()))
    }

    /// [`Backups::download`] with a progress callback ([`Progress`]; `ControlFlow::Break(())`
    /// cancels with [`Error::Cancelled`](crate::Error::Cancelled)).
    pub fn download_with(
        &self,
        uuid: &str,
        mut out: impl Write + Send,
        mut progress: impl FnMut(Progress) -> ControlFlow<()> + Send,
    ) -> Result<u64> {
        let url = || self.download_url(uuid).map(|signed| signed.url);
        self.server.client.download_fresh(url, &mut out, &mut progress)
    }

    /// Downloads the archive of backup `uuid` into the local file `dest`, all or nothing (see
    /// [`Files::download_to_path`](crate::Files::download_to_path)).
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// let backups = client.server("d3aac109").backups();
    /// backups.download_to_path("b4c7e1d2-5f3a-4b8c-9d0e-1f2a3b4c5d6e", "backup.tar.gz")?;
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn download_to_path(&self, uuid: &str, dest: impl AsRef<Path>) -> Result<u64> {
        self.download_to_path_with(uuid, dest, |_| ControlFlow::Continue(()))
    }

    /// [`Backups::download_to_path`] with a progress callback.
    pub fn download_to_path_with(
        &self,
        uuid: &str,
        dest: impl AsRef<Path>,
        mut progress: impl FnMut(Progress) -> ControlFlow<()> + Send,
    ) -> Result<u64> {
        let url = || self.download_url(uuid).map(|signed| signed.url);
        self.server.client.download_fresh_to_path(url, dest.as_ref(), &mut progress)
    }
}

/// Parameters of `server.backups.list` (also read from its flat JSON parameters, unknown keys
/// refused).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ListBackups {
    /// Page number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Page size (1 to 50; default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
}

impl ListBackups {
    /// The first page, 20 a page.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the page number.
    pub fn page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }
    /// Sets the page size.
    pub fn per_page(mut self, n: u32) -> Self {
        self.per_page = Some(n);
        self
    }
}

/// Parameters of `server.backups.create`; every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct NewBackup {
    /// Name (default `"Backup at <date and time>"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether to lock it against deletion (applied only with `backup.delete`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_locked: Option<bool>,
    /// Patterns to leave out, one a line (`.pteroignore` syntax).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
}

impl NewBackup {
    /// A backup with the panel's defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the name.
    pub fn name(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }
    /// Locks the backup against deletion (or not).
    pub fn locked(mut self, yes: bool) -> Self {
        self.is_locked = Some(yes);
        self
    }
    /// Adds one pattern to leave out.
    pub fn ignore(mut self, pattern: &str) -> Self {
        match &mut self.ignored {
            Some(list) => {
                list.push('\n');
                list.push_str(pattern);
            }
            None => self.ignored = Some(pattern.to_owned()),
        }
        self
    }
}
