//! Shared helpers of the wire tests.
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use cwmanage_client::{Client, ClientBuilder, Credentials};
use msp_common::retry::{FixedJitter, ManualClock};

pub const AUTH: &str = "Basic bXljbytwdWI6cHJpdg==";
pub const CLIENT_ID: &str = "3f6bd3ac-1111-4222-8333-444455556666";
pub const BASE: &str = "/v4_6_release/apis/3.0";

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

pub fn builder(uri: &str, clock: &ManualClock) -> ClientBuilder {
    Client::builder()
        .base_url(uri)
        .allow_http(true)
        .credentials(Credentials::new("myco", "pub", "priv"))
        .client_id(CLIENT_ID)
        .api_version("2025.1")
        .clock(Arc::new(clock.clone()))
        .jitter(Arc::new(FixedJitter(0.5)))
}

pub fn client(uri: &str) -> (Client, ManualClock) {
    let clock = ManualClock::new();
    (builder(uri, &clock).build().unwrap(), clock)
}

pub fn json(body: &str) -> wiremock::ResponseTemplate {
    wiremock::ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/json")
}
