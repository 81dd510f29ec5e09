//! Users, subusers and permission keys.

use std::collections::BTreeMap;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

model! {
    /// A panel user (`UserTransformer`), e.g. an activity entry's actor.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct User {
        /// UUID.
        pub uuid: String,
        /// Username.
        pub username: String,
        /// Email address.
        pub email: String,
        /// Gravatar URL.
        #[serde(default)]
        pub image: Option<String>,
        /// Whether two-factor authentication is on.
        #[serde(rename = "2fa_enabled", default)]
        pub two_factor_enabled: bool,
        /// When the account was made.
        #[serde(default)]
        pub created_at: Option<String>,
    }
}

/// A subuser of a server: a user plus their permissions on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Subuser {
    /// The user.
    #[serde(flatten)]
    pub user: User,
    /// Permission keys on this server.
    #[serde(default)]
    pub permissions: Vec<String>,
}

impl Deref for Subuser {
    type Target = User;
    fn deref(&self) -> &User {
        &self.user
    }
}

model! {
    /// `permissions.get`: every permission key the panel knows.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct SystemPermissions {
        /// Grouped on Pterodactyl, a flat list on Pelican.
        pub permissions: PermissionSet,
    }
}

/// The two shapes of the permission list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum PermissionSet {
    /// Pterodactyl: `{group: {description, keys: {key: description}}}`.
    Grouped(BTreeMap<String, PermissionGroup>),
    /// Pelican: `["control.console", ...]`.
    Flat(Vec<String>),
}

impl PermissionSet {
    /// Every permission key as `group.key` (e.g. `control.console`).
    pub fn keys(&self) -> Vec<String> {
        match self {
            PermissionSet::Grouped(groups) => groups
                .iter()
                .flat_map(|(group, g)| g.keys.keys().map(move |k| format!("{group}.{k}")))
                .collect(),
            PermissionSet::Flat(keys) => keys.clone(),
        }
    }
}

model! {
    /// One permission group.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct PermissionGroup {
        /// What the group is about.
        #[serde(default)]
        pub description: String,
        /// Key (without the group prefix) → description.
        #[serde(default)]
        pub keys: BTreeMap<String, String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::round_trip;
    use serde_json::json;

    #[test]
    fn subuser_is_a_user_plus_permissions_and_round_trips() {
        let s: Subuser = round_trip(json!({
            "uuid": "8b1d3e5f-7a9c-4e2b-8d4f-6a8c0e2b4d6f", "username": "helper",
            "email": "helper@example.com", "image": "https://gravatar.com/avatar/x",
            "2fa_enabled": false, "created_at": "2024-02-01T12:00:00+00:00",
            "permissions": ["websocket.connect", "control.console"], "root_admin": false
        }));
        assert_eq!(s.username, "helper");
        assert_eq!(s.permissions, ["websocket.connect", "control.console"]);
        assert_eq!(s.user.extra["root_admin"], false);
    }
}
