//! Per-call overhead of the request lifecycle: N sequential GETs to a loopback server,
//! each decoding a small JSON struct, sent three ways in the same run:
//!
//! 1. a hand-written `reqwest` GET + `serde_json` (the floor);
//! 2. `Transport::send(..).json()` (URL building, headers, the retry loop, the span,
//!    the size-capped body read, path-aware decoding);
//! 3. `Call::read_json(..).await` (2 plus the call value, the write-mode check and the
//!    `Service` hooks).
//!
//! The server is a minimal Tokio listener answering every request on a keep-alive
//! connection with the same fixed HTTP/1.1 response, so it costs next to nothing.
//!
//! Run with `cargo bench -p msp-common --bench call`.
//!
//! For instruction counts (repeatable whatever else the machine does), run one case
//! alone under callgrind: `MSP_BENCH_CASE=floor|send|call MSP_BENCH_N=2000 valgrind
//! --tool=callgrind target/release/deps/call-*`; the difference between two values of
//! `MSP_BENCH_N`, divided by their difference, is the cost of one call.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use msp_common::call::{Call, Service};
use msp_common::{Request, Transport};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const N: usize = 5_000;
const ROUNDS: usize = 5;

const BODY: &str = r#"{"id":42,"name":"gear","active":true,"tags":["a","b"]}"#;

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Widget {
    id: u64,
    name: String,
    active: bool,
    tags: Vec<String>,
}

/// A loopback server answering every request with the same keep-alive response.
async fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let response: &'static [u8] = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    )
    .into_bytes()
    .leak();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let _ = socket.set_nodelay(true);
            tokio::spawn(async move {
                let mut buf = Vec::with_capacity(4096);
                let mut chunk = [0u8; 4096];
                loop {
                    let n = match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    buf.extend_from_slice(&chunk[..n]);
                    // GETs only: a request ends with its blank line.
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        buf.drain(..end + 4);
                        if socket.write_all(response).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    format!("http://{addr}/api/")
}

async fn floor(client: &reqwest::Client, url: &str) -> Widget {
    let response = client.get(url).send().await.expect("send");
    assert!(response.status().is_success());
    let body = response.bytes().await.expect("body");
    serde_json::from_slice(&body).expect("decode")
}

async fn via_send(transport: &Transport) -> Widget {
    transport
        .send(Request::get("widget"))
        .await
        .expect("send")
        .json()
        .expect("decode")
}

async fn via_call(service: &Arc<dyn Service>) -> Widget {
    Call::read_json(
        service.clone(),
        Ok(Request::get("widget").operation("get_widget")),
    )
    .await
    .expect("call")
}

async fn time<F, Fut>(n: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Widget>,
{
    let start = Instant::now();
    for _ in 0..n {
        black_box(f().await);
    }
    start.elapsed()
}

fn main() {
    // One case alone (for callgrind) runs on a current-thread runtime: client and server
    // take turns on one thread, so the count does not depend on thread scheduling.
    let rt = if std::env::var_os("MSP_BENCH_CASE").is_some() {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
    }
    .expect("a runtime");
    rt.block_on(async {
        let base = serve().await;
        let url = format!("{base}widget");
        let client = reqwest::Client::new();
        let transport = Transport::builder("Bench", "msp-common-bench/0.0.0")
            .base_url(&base)
            .allow_http(true)
            .build()
            .expect("transport");
        let service: Arc<dyn Service> = Arc::new(transport.clone());

        if let Ok(case) = std::env::var("MSP_BENCH_CASE") {
            let n = std::env::var("MSP_BENCH_N")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(N);
            let elapsed = match case.as_str() {
                "floor" => time(n, || floor(&client, &url)).await,
                "send" => time(n, || via_send(&transport)).await,
                "call" => time(n, || via_call(&service)).await,
                other => panic!("MSP_BENCH_CASE is floor, send or call, not {other:?}"),
            };
            println!("{case}: {n} calls in {elapsed:?}");
            return;
        }

        // Warm up: connections, allocator, caches.
        time(200, || floor(&client, &url)).await;
        time(200, || via_send(&transport)).await;
        time(200, || via_call(&service)).await;

        // Interleaved rounds; the best of each is reported.
        let mut best = [Duration::MAX; 3];
        for _ in 0..ROUNDS {
            best[0] = best[0].min(time(N, || floor(&client, &url)).await);
            best[1] = best[1].min(time(N, || via_send(&transport)).await);
            best[2] = best[2].min(time(N, || via_call(&service)).await);
        }
        println!("{N} sequential GETs + JSON decode over loopback, best of {ROUNDS} rounds:");
        let names = [
            "reqwest + serde_json (floor)",
            "Transport::send(..).json()",
            "Call::read_json(..).await",
        ];
        for (name, elapsed) in names.iter().zip(best) {
            let ms = elapsed.as_secs_f64() * 1000.0;
            let per_call_us = elapsed.as_secs_f64() * 1e6 / N as f64;
            let ratio = elapsed.as_secs_f64() / best[0].as_secs_f64();
            let over_floor_us = (elapsed.as_secs_f64() - best[0].as_secs_f64()) * 1e6 / N as f64;
            println!(
                "{name:<32} {ms:>8.1} ms  {per_call_us:>6.1} µs/call  {ratio:>5.2}× floor  ({over_floor_us:+.1} µs/call)"
            );
        }
    });
}
