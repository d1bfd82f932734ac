//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use msp_common::retry::{FixedJitter, ManualClock};
use msp_common::{RetryPolicy, Transport, TransportBuilder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A transport for `base` with a manual clock and fixed jitter (0.5).
pub fn builder(base: &str, clock: &ManualClock) -> TransportBuilder {
    Transport::builder("Test Vendor", "msp-common-tests/0.0.0")
        .base_url(base)
        .allow_http(true)
        .clock(Arc::new(clock.clone()))
        .jitter(Arc::new(FixedJitter(0.5)))
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_base_delay(std::time::Duration::from_millis(100)),
        )
}

/// What a raw connection does.
#[derive(Clone)]
pub enum Behaviour {
    /// Close the connection without answering.
    Drop,
    /// Answer with these raw bytes, then close.
    Raw(Vec<u8>),
}

/// A loopback server that answers connection `n` with `script[n]` (the last entry
/// repeats). Returns its base URL and a counter of accepted connections.
pub async fn raw_server(script: Vec<Behaviour>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let behaviour = script[n.min(script.len() - 1)].clone();
            tokio::spawn(async move {
                // Read the request head before acting.
                let mut buf = vec![0u8; 16 * 1024];
                let mut read = 0;
                while read < buf.len() {
                    match socket.read(&mut buf[read..]).await {
                        Ok(0) | Err(_) => break,
                        Ok(k) => read += k,
                    }
                    if buf[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
                match behaviour {
                    Behaviour::Drop => drop(socket),
                    Behaviour::Raw(bytes) => {
                        let _ = socket.write_all(&bytes).await;
                        let _ = socket.shutdown().await;
                    }
                }
            });
        }
    });
    (format!("http://{addr}/"), count)
}

/// An HTTP/1.1 response with a JSON body.
pub fn ok_json(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}
