//! `servers.list`: the servers the key can see.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{copy_handle, includes, to_params, Caller};
use crate::client::Client;
use crate::error::Result;
use crate::models::{Page, Server};

copy_handle!(Servers);

/// Which servers `servers.list` returns (`type=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ServerListType {
    /// Only servers the user owns.
    Owner,
    /// Admins: servers the admin does not own or share.
    Admin,
    /// Admins: every server.
    AdminAll,
}

/// Parameters of `servers.list`. Every field is kept on every page by [`Servers::iter`].
///
/// ```
/// use pterodactyl_client::ListServers;
/// let params = ListServers::new().filter("name", "Survival").include("egg").per_page(25);
/// ```
///
/// It also reads from the flat JSON parameters of `servers.list` (unknown keys are refused), so
/// the C and Python fronts take the same object as the generic call.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ListServers {
    /// `filter[...]`: `uuid`, `name`, `description`, `external_id` or `*`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filter: BTreeMap<String, String>,
    /// `include=`: `egg`, `subusers`.
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "includes")]
    pub include: Vec<String>,
    /// `type=`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ServerListType>,
    /// Page number (from 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Page size (the panel allows 1 to 100; default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
}

impl ListServers {
    /// No filters: every server the key can see, 50 a page.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds `filter[field]=value` (partial match).
    pub fn filter(mut self, field: &str, value: &str) -> Self {
        self.filter.insert(field.to_owned(), value.to_owned());
        self
    }
    /// Adds a relationship to include (`egg`, `subusers`).
    pub fn include(mut self, rel: &str) -> Self {
        self.include.push(rel.to_owned());
        self
    }
    /// Sets `type=`.
    pub fn kind(mut self, kind: ServerListType) -> Self {
        self.kind = Some(kind);
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

/// `servers.list`.
#[derive(Debug)]
pub struct Servers<'c, C = Client> {
    client: &'c C,
}

impl<'c, C: Caller> Servers<'c, C> {
    pub(crate) fn new(client: &'c C) -> Self {
        Servers { client }
    }
}

impl<C: Caller> Servers<'_, C> {
    /// One page of servers.
    pub fn list(&self, params: &ListServers) -> C::Out<Page<Server>> {
        self.client.typed("servers.list", to_params(params))
    }

    /// Every server on every page, lazily; the filters, includes and page size of `params` are
    /// sent with every page (`page` sets the first page).
    ///
    /// ```no_run
    /// # let client = pterodactyl_client::Client::new("https://panel.example.com", "ptlc_...")?;
    /// use pterodactyl_client::ListServers;
    /// for server in client.servers().iter(&ListServers::new().filter("name", "Survival"))? {
    ///     println!("{}", server?.name);
    /// }
    /// # Ok::<(), pterodactyl_client::Error>(())
    /// ```
    pub fn iter(&self, params: &ListServers) -> Result<C::Pager<Server>> {
        self.client.pages("servers.list", to_params(params))
    }
}
