//! `server.allocations.*`.

use serde_json::json;

use super::{Caller, ServerHandle};
use crate::client::Client;
use crate::models::Allocation;

/// `server.allocations.*`.
#[derive(Clone, Debug)]
pub struct Allocations<'c, C = Client> {
    pub(super) server: ServerHandle<'c, C>,
}

impl<C: Caller> Allocations<'_, C> {
    /// Every allocation of the server (`server.allocations.list`).
    pub fn list(&self) -> C::Out<Vec<Allocation>> {
        self.server.client.typed("server.allocations.list", self.server.params())
    }

    /// Assigns a free allocation automatically (`server.allocations.assign`; no body). The
    /// panel answers 400 when auto-allocation is off or the limit is reached.
    pub fn assign(&self) -> C::Out<Allocation> {
        self.server.client.typed("server.allocations.assign", self.server.params())
    }

    /// Sets or clears (`None`) an allocation's notes (`server.allocations.set_notes`).
    pub fn set_notes(&self, allocation: u64, notes: Option<&str>) -> C::Out<Allocation> {
        let p = self.server.with(json!({ "allocation": allocation, "notes": notes }));
        self.server.client.typed("server.allocations.set_notes", p)
    }

    /// Makes an allocation the primary one (`server.allocations.set_primary`).
    pub fn set_primary(&self, allocation: u64) -> C::Out<Allocation> {
        let p = self.server.with(json!({ "allocation": allocation }));
        self.server.client.typed("server.allocations.set_primary", p)
    }

    /// Removes an allocation (`server.allocations.delete`); not the primary one.
    pub fn delete(&self, allocation: u64) -> C::Out<()> {
        let p = self.server.with(json!({ "allocation": allocation }));
        self.server.client.unit("server.allocations.delete", p)
    }
}
