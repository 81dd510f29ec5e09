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
//! * Every call also exists as a future, for async code on tokio: [`AsyncClient`]
//!   ([`Client::to_async`]), with the same handles and methods.
//! * Files and backups move streaming through a fresh signed Wings URL each time, with progress
//!   and cancel: [`Files::download_to_path`], [`Files::upload`], [`Backups::download_to_path`].
#![warn(missing_docs)]

#[doc(hidden)]
#[path = "fuzz.rs"]
pub mod __fuzz;
mod asynchronous;
mod client;
mod console;
mod error;
mod exec;
pub mod models;
pub mod ops;
mod request;
mod resources;
pub mod shape;
mod transfer;
mod transport;

pub use asynchronous::{AsyncClient, CallFuture, PageStream, RawPageStream};
pub use client::{
    Client, ClientBuilder, ClientOptions, RateLimit, Raw, RetryPolicy, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
pub use console::{
    BackupCompletion, Console, ConsoleNetwork, ConsoleOptions, ConsoleStats, Event, Events, GapCause,
    DEFAULT_SEND_TIMEOUT,
};
pub use error::{ApiErrorItem, Error, Result};
pub use models::*;
pub use resources::{
    AccountActivity, AccountApi, Activity, Allocations, ApiKeys, Backups, Caller, Databases, Email, Files,
    ListActivity, ListBackups, ListServers, NewBackup, PageIter, Password, PullFile, RawPages,
    ScheduleParams, Schedules, ServerHandle, ServerListType, Servers, Settings, SshKeys, StartupApi,
    TaskParams, Tasks, TwoFactor, Users,
};
pub use transfer::{Progress, Upload};
