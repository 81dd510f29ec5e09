#![allow(dead_code)]

use std::time::Duration;

#[allow(unused_imports)]
pub use fake_panel::{
    FakePanel, APPLICATION_KEY, HELPER_PASSWORD, MANAGER_KEY, MANAGER_PASSWORD, OWNER_KEY, OWNER_PASSWORD,
    SUBUSER_KEY, TWO_FACTOR_CODE,
};
pub use pterodactyl_client::{Client, Error, RetryPolicy};

pub const SURVIVAL: &str = "d3aac109";
pub const CREATIVE: &str = "1a7ce997";
pub const AT_LIMIT: &str = "5b2e8f10";
pub const SKYBLOCK: &str = "7c4d2e11";
pub const SUSPENDED: &str = "9e8f7a6b";
pub const STRANGERS: &str = "f00dfeed";

pub fn owner(panel: &FakePanel) -> Client {
    Client::new(panel.base_url(), OWNER_KEY).unwrap()
}

pub fn subuser(panel: &FakePanel) -> Client {
    Client::new(panel.base_url(), SUBUSER_KEY).unwrap()
}

/// `manager`, a subuser of `d3aac109` who may manage subusers and read and make backups.
pub fn manager(panel: &FakePanel) -> Client {
    Client::new(panel.base_url(), MANAGER_KEY).unwrap()
}

/// The most recent recorded request with this method whose path ends with `suffix`.
#[track_caller]
pub fn last_request(panel: &FakePanel, method: &str, suffix: &str) -> fake_panel::RecordedRequest {
    panel
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == method && r.path.ends_with(suffix))
        .unwrap_or_else(|| panic!("no {method} request to …{suffix} was recorded"))
}

/// The JSON body of the most recent matching request.
#[track_caller]
pub fn last_body(panel: &FakePanel, method: &str, suffix: &str) -> serde_json::Value {
    let req = last_request(panel, method, suffix);
    serde_json::from_str(&req.body).unwrap_or_else(|e| panic!("body {:?} is not JSON: {e}", req.body))
}

/// A client whose retries wait only briefly, so tests stay quick.
pub fn quick(panel: &FakePanel, key: &str) -> Client {
    Client::builder(panel.base_url(), key)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(10)))
        .build()
        .unwrap()
}

/// Recorded requests whose path ends with `suffix` and whose method is `method`.
pub fn count(panel: &FakePanel, method: &str, suffix: &str) -> usize {
    panel.requests().iter().filter(|r| r.method == method && r.path.ends_with(suffix)).count()
}

/// Asserts an API error with this status and returns its entries.
#[track_caller]
pub fn api_error<T: std::fmt::Debug>(
    res: pterodactyl_client::Result<T>,
    status: u16,
) -> Vec<pterodactyl_client::ApiErrorItem> {
    match res {
        Err(Error::Api { status: s, errors }) if s == status => errors,
        other => panic!("expected an API error with status {status}, got {other:?}"),
    }
}

/// Waits (bounded) until the server reports `state`.
pub fn wait_for_state(client: &Client, server: &str, state: &str) {
    for _ in 0..100 {
        if client.server(server).resources().unwrap().current_state == state {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("server {server} never reached {state}");
}
