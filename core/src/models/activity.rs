//! Activity log entries (server and account).

use serde::Serialize;
use serde_json::Value;

use super::{is_absent, present, User};

model! {
    /// An activity log entry (`ActivityLogTransformer`).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct ActivityLog {
        /// Entry id (a hash).
        pub id: String,
        /// Groups entries logged by one request.
        #[serde(default)]
        pub batch: Option<String>,
        /// Event name, e.g. `server:power.start`.
        pub event: String,
        /// Whether the action came through the API.
        #[serde(default)]
        pub is_api: bool,
        /// The actor's IP (only shown to the actor and admins).
        #[serde(default)]
        pub ip: Option<String>,
        /// Description, if any.
        #[serde(default)]
        pub description: Option<String>,
        /// Event properties.
        #[serde(default)]
        pub properties: Value,
        /// Whether more metadata exists.
        #[serde(default)]
        pub has_additional_metadata: bool,
        /// When it happened (ISO-8601).
        pub timestamp: String,
        /// Included relationships (`actor` with `include=actor`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub relationships: Option<ActivityRelationships>,
    }
}

model! {
    /// Relationships of an activity entry.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[non_exhaustive]
    pub struct ActivityRelationships {
        /// Who did it (`Some(None)`: included, but not a user, e.g. the system).
        #[serde(default, skip_serializing_if = "is_absent", deserialize_with = "present")]
        pub actor: Option<Option<User>>,
    }
}
