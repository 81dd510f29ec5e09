//! `server.activity.list` and `account.activity.list`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{copy_handle, includes, to_params, Caller, ServerHandle};
use crate::client::Client;
use crate::error::Result;
use crate::models::{ActivityLog, Page};

copy_handle!(AccountActivity);

/// Parameters of `server.activity.list` and `account.activity.list` (also read from their flat
/// JSON parameters, unknown keys refused).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ListActivity {
    /// `filter[event]` (partial match), the one filter the panel accepts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filter: BTreeMap<String, String>,
    /// `sort=timestamp` (oldest first) or `-timestamp` (newest first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// `include=actor`.
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "includes")]
    pub include: Vec<String>,
    /// Page number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Page size (1 to 100; default 25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
}

impl ListActivity {
    /// Every entry, in the panel's order.
    pub fn new() -> Self {
        Self::default()
    }
    /// Only events whose name contains `event` (`filter[event]`).
    pub fn event(mut self, event: &str) -> Self {
        self.filter.insert("event".into(), event.to_owned());
        self
    }
    /// Newest first (`sort=-timestamp`).
    pub fn newest_first(mut self) -> Self {
        self.sort = Some("-timestamp".into());
        self
    }
    /// Oldest first (`sort=timestamp`).
    pub fn oldest_first(mut self) -> Self {
        self.sort = Some("timestamp".into());
        self
    }
    /// Includes the actor of each entry.
    pub fn include_actor(mut self) -> Self {
        self.include.push("actor".into());
        self
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

/// `server.activity.list`.
#[derive(Clone, Debug)]
pub struct Activity<'c, C = Client> {
    pub(super) server: ServerHandle<'c, C>,
}

impl<C: Caller> Activity<'_, C> {
    /// One page of entries.
    pub fn list(&self, params: &ListActivity) -> C::Out<Page<ActivityLog>> {
        self.server.client.typed("server.activity.list", self.server.with_params(params))
    }

    /// Every entry on every page, with `params` sent on each page.
    pub fn iter(&self, params: &ListActivity) -> Result<C::Pager<ActivityLog>> {
        self.server.client.pages("server.activity.list", self.server.with_params(params))
    }
}

/// `account.activity.list`: what the key's user did, on every server and on the account.
#[derive(Debug)]
pub struct AccountActivity<'c, C = Client> {
    pub(super) client: &'c C,
}

impl<C: Caller> AccountActivity<'_, C> {
    /// One page of entries.
    pub fn list(&self, params: &ListActivity) -> C::Out<Page<ActivityLog>> {
        self.client.typed("account.activity.list", to_params(params))
    }

    /// Every entry on every page, with `params` sent on each page.
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// use pterodactyl_client::ListActivity;
    /// for entry in client.account().activity().iter(&ListActivity::new().event("auth").newest_first())? {
    ///     println!("{}", entry?.event);
    /// }
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn iter(&self, params: &ListActivity) -> Result<C::Pager<ActivityLog>> {
        self.client.pages("account.activity.list", to_params(params))
    }
}
