//! A fast, correct blocking client for the [Pterodactyl](https://pterodactyl.io) panel's
//! Client API (`/api/client`, `ptlc_` keys).
//!
//! ```no_run
//! use pterodactyl_client::{Client, ListServers};
//!
//! let client = Client::new("https://panel.example.com", "ptlc_...")?;
//! for server in client.servers().iter(&ListServers::new().filter("name", "Survival"))? {
//!     let server = server?;
//!     let stats = client.server(&server.identifier).resources()?;
//!     println!("{}: {}", server.name, stats.current_state);
//! }
//! # Ok::<(), pterodactyl_client::Error>(())
//! ```
//!
//! * Every operation of the API is a row of [`ops::OPERATIONS`] and callable by its id with
//!   [`Client::call`]; the typed methods hang off resource handles ([`Client::server`]).
//! * Results come in one JSON shape on every surface (Rust, C, Python): see [`shape`].
//! * Errors are one [`Error`] enum; the API key never appears in `Debug`, `Display` or errors.
#![warn(missing_docs)]

mod client;
mod error;
pub mod models;
pub mod ops;
mod request;
mod resources;
pub mod shape;
mod transport;

pub use client::{
    Client, ClientBuilder, ClientOptions, RateLimit, RetryPolicy, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
pub use error::{ApiErrorItem, Error, Result};
pub use models::*;
pub use resources::{
    AccountActivity, AccountApi, Activity, Allocations, ApiKeys, Backups, Databases, Email, Files,
    ListActivity, ListBackups, ListServers, NewBackup, PageIter, Password, PullFile, ScheduleParams,
    Schedules, ServerHandle, ServerListType, Servers, Settings, SshKeys, StartupApi, TaskParams, Tasks,
    TwoFactor, Users,
};
