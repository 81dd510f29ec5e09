//! Server databases.

use serde::Serialize;

use super::{is_absent, present};

model! {
    /// A database of a server (`DatabaseTransformer`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct Database {
        /// The database's id (a hashid string on Pterodactyl), used in the database routes.
        pub id: String,
        /// Where the database server listens.
        pub host: DatabaseHost,
        /// Full database name, `s{server_id}_{name}`.
        pub name: String,
        /// User name, `u{server_id}_` plus 10 characters.
        pub username: String,
        /// Hosts the user may connect from (`%` = anywhere).
        pub connections_from: String,
        /// Connection limit (`None` = no limit).
        #[serde(default)]
        pub max_connections: Option<u64>,
        /// Included relationships (`password`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub relationships: Option<DatabaseRelationships>,
    }
}

impl Database {
    /// The password, when it was included and the key may see it (`database.view_password`).
    pub fn password(&self) -> Option<&str> {
        let rel = self.relationships.as_ref()?.password.as_ref()?.as_ref()?;
        Some(rel.password.as_str())
    }
}

model! {
    /// Address of a database server.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct DatabaseHost {
        /// Host name or IP.
        pub address: String,
        /// Port.
        pub port: u16,
    }
}

model! {
    /// Relationships of a database.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct DatabaseRelationships {
        /// The password: `None` when not included, `Some(None)` when included but hidden from the
        /// key (no `database.view_password`).
        #[serde(default, skip_serializing_if = "is_absent", deserialize_with = "present")]
        pub password: Option<Option<DatabasePassword>>,
    }
}

model! {
    /// A database password (`database_password`).
    #[derive(Clone, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct DatabasePassword {
        /// The password.
        pub password: String,
    }
}

impl std::fmt::Debug for DatabasePassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabasePassword").field("password", &"<redacted>").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::round_trip;
    use serde_json::json;

    fn sample(relationships: Option<serde_json::Value>) -> serde_json::Value {
        let mut v = json!({
            "id": "bEY4yAD5", "host": {"address": "127.0.0.1", "port": 3306},
            "name": "s1_minecraft", "username": "u1_aBcDeFgHiJ", "connections_from": "%",
            "max_connections": null, "extra_field": [1]
        });
        if let Some(r) = relationships {
            v["relationships"] = r;
        }
        v
    }

    #[test]
    fn database_without_relationships_has_no_password() {
        let d: Database = round_trip(sample(None));
        assert_eq!((d.id.as_str(), d.host.port, d.max_connections), ("bEY4yAD5", 3306, None));
        assert_eq!(d.password(), None);
        assert_eq!(d.extra["extra_field"], json!([1]));
    }

    #[test]
    fn database_password_is_read_through_the_relationship() {
        let d: Database = round_trip(sample(Some(json!({"password": {"password": "s3cr3t!"}}))));
        assert_eq!(d.password(), Some("s3cr3t!"));
        assert!(!format!("{d:?}").contains("s3cr3t"));
    }

    #[test]
    fn hidden_password_is_included_but_null() {
        let d: Database = round_trip(sample(Some(json!({"password": null}))));
        assert_eq!(d.relationships.as_ref().unwrap().password, Some(None));
        assert_eq!(d.password(), None);
    }
}
