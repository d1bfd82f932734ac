//! Hostile answers and hostile strings, for the reliability suites of every vendor crate.
//!
//! [`HostileServer`] is a raw TCP server on loopback that answers every request with a
//! generated, seeded, hostile HTTP response — random bytes, truncated and deeply nested
//! JSON, wrong types, huge numbers, HTML pages, `Content-Length` lies, slow and stalled
//! bodies, odd `Retry-After`, `Link` and `Set-Cookie` headers, broken status lines. A
//! client pointed at it must answer every call with a typed error or a value: never a
//! panic, never a hang past its timeout. [`hostile_strings`] generates the values query
//! builders must keep as one literal (both quotes, backslash, `)`, ` or `, `%`, `&`, `#`,
//! `+`, CR/LF, NUL, unicode, very long).
//!
//! ```
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use msp_common::sim::hostile::HostileServer;
//!
//! let server = HostileServer::start(42).await;
//! let client = reqwest::Client::new();
//! for _ in 0..20 {
//!     // Whatever comes back, the exchange ends.
//!     let _ = tokio::time::timeout(
//!         std::time::Duration::from_secs(5),
//!         client.get(format!("{}/api/x", server.url())).send(),
//!     )
//!     .await;
//! }
//! assert!(server.served() >= 20);
//! # });
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::chaos::Prng;

/// How many kinds of hostile answer [`hostile_response`] makes.
pub const KINDS: u64 = 24;

/// One generated hostile answer: the raw bytes to write, and how long to stall before
/// the rest (a slow or stalled body).
#[derive(Debug, Clone)]
pub struct HostileResponse {
    /// Bytes written at once.
    pub head: Vec<u8>,
    /// A pause after `head`.
    pub stall: Duration,
    /// Bytes written after the pause (then the connection is closed).
    pub tail: Vec<u8>,
}

fn http(status: &str, headers: &[(&str, String)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nconnection: close\r\n").into_bytes();
    let mut has_length = false;
    for (name, value) in headers {
        has_length |= name.eq_ignore_ascii_case("content-length");
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    if !has_length {
        out.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

fn json_ct() -> (&'static str, String) {
    ("content-type", "application/json".to_owned())
}

fn random_bytes(prng: &mut Prng, max: u64) -> Vec<u8> {
    let len = prng.below(max + 1);
    (0..len).map(|_| prng.next_u64() as u8).collect()
}

/// The `n`-th hostile answer of the stream seeded with `seed` (deterministic).
pub fn hostile_response(seed: u64, n: u64) -> HostileResponse {
    let mut prng = Prng::new(seed ^ n.wrapping_mul(0x2545_F491_4F6C_DD1D));
    let kind = n % KINDS;
    let plain = |head: Vec<u8>| HostileResponse {
        head,
        stall: Duration::ZERO,
        tail: Vec::new(),
    };
    let valid = br#"{"id":1,"name":"x","Result":[],"TotalRecords":0,"ResponseCode":0}"#;
    match kind {
        0 => plain(random_bytes(&mut prng, 512)),
        1 => plain(http("200 OK", &[json_ct()], &random_bytes(&mut prng, 2048))),
        2 => {
            let depth = 10_000;
            let mut body = "[".repeat(depth);
            body.push_str(&"]".repeat(depth));
            plain(http("200 OK", &[json_ct()], body.as_bytes()))
        }
        3 => {
            let depth = 10_000;
            let body = "{\"a\":".repeat(depth);
            plain(http("200 OK", &[json_ct()], body.as_bytes()))
        }
        4 => {
            let cut = prng.below(valid.len() as u64) as usize;
            plain(http("200 OK", &[json_ct()], &valid[..cut]))
        }
        5 => plain(http(
            "200 OK",
            &[json_ct()],
            br#"{"id":"not a number","name":12,"Result":{"x":[]},"TotalRecords":"many","ResponseCode":"0"}"#,
        )),
        6 => plain(http(
            "200 OK",
            &[json_ct()],
            br#"{"id":1e400,"Result":[{"AgentId":123456789012345678901234567890123456789012345}],"TotalRecords":18446744073709551616,"ResponseCode":-9223372036854775809}"#,
        )),
        7 => plain(http(
            "500 Internal Server Error",
            &[("content-type", "text/html".to_owned())],
            b"<html><head><title>Runtime Error</title></head><body><h1>Server Error in '/' Application.</h1></body></html>",
        )),
        8 => plain(http(
            "200 OK",
            &[("content-type", "text/html".to_owned())],
            b"<!DOCTYPE html><html><body>Please sign in</body></html>",
        )),
        9 => {
            // Content-Length says more than is sent.
            let mut head = http("200 OK", &[json_ct(), ("content-length", "1000".to_owned())], b"");
            head.extend_from_slice(&valid[..20]);
            plain(head)
        }
        10 => plain(http(
            "200 OK",
            &[json_ct(), ("content-length", "1073741824".to_owned())],
            b"[1,2]",
        )),
        11 => {
            // A slow body: half now, the rest after a pause.
            let mut head = http("200 OK", &[json_ct(), ("content-length", valid.len().to_string())], b"");
            head.extend_from_slice(&valid[..10]);
            HostileResponse {
                head,
                stall: Duration::from_millis(prng.below(200)),
                tail: valid[10..].to_vec(),
            }
        }
        12 => {
            // A stalled body: the rest never comes within any sane timeout.
            let mut head = http("200 OK", &[json_ct(), ("content-length", valid.len().to_string())], b"");
            head.extend_from_slice(&valid[..10]);
            HostileResponse {
                head,
                stall: Duration::from_secs(3600),
                tail: Vec::new(),
            }
        }
        13 => plain(http(
            "429 Too Many Requests",
            &[
                json_ct(),
                (
                    "retry-after",
                    prng.pick(&[
                        "-1",
                        "99999999999999999999",
                        "Wed, 21 Oct 2015 07:28:00 GMT",
                        "Fri, 31 Dec 9999 23:59:59 GMT",
                        "soon",
                        "",
                        "1.5",
                    ])
                    .to_string(),
                ),
            ],
            b"{}",
        )),
        14 => plain(http(
            "503 Service Unavailable",
            &[("retry-after", "0".to_owned())],
            b"",
        )),
        15 => plain(http(
            "200 OK",
            &[
                json_ct(),
                (
                    "link",
                    prng.pick(&[
                        "<http://evil.example/x?page=2>; rel=\"next\"",
                        "<?page=18446744073709551615&pageSize=1000>; rel=\"next\"",
                        "<>; rel=\"next\"",
                        "<<<>>>; rel=next; rel=next",
                        "<?pageId=>; rel=\"next\"",
                        "<javascript:alert(1)>; rel=\"next\"",
                    ])
                    .to_string(),
                ),
            ],
            b"[{\"id\":1}]",
        )),
        16 => plain(http(
            "200 OK",
            &[
                json_ct(),
                ("set-cookie", "ASP.NET_SessionId=; path=/; expires=never".to_owned()),
                ("set-cookie", "\u{1}weird=\u{7f}".to_owned()),
            ],
            b"{}",
        )),
        17 => plain(b"HTTP/1.1 999 Nope\r\n\r\n".to_vec()),
        18 => plain(b"HTTP/9.9 200\r\ncontent-length: x\r\n\r\n{}".to_vec()),
        19 => plain(http("204 No Content", &[], b"")),
        20 => plain(http("200 OK", &[json_ct()], b"null")),
        21 => plain(http("200 OK", &[json_ct()], "\u{feff}[]".as_bytes())),
        22 => plain(http(
            "302 Found",
            &[("location", "http://169.254.169.254/latest/meta-data".to_owned())],
            b"",
        )),
        _ => plain(http(
            "200 OK",
            &[("content-type", "application/json; charset=utf-16".to_owned())],
            &[0xff, 0xfe, b'[', 0, b']', 0],
        )),
    }
}

/// A loopback TCP server answering every request with the next hostile answer. Dropping
/// it stops accepting.
#[derive(Debug)]
pub struct HostileServer {
    url: String,
    served: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl HostileServer {
    /// Starts a server whose answers are the stream seeded with `seed`.
    pub async fn start(seed: u64) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port is free");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        let served = Arc::new(AtomicU64::new(0));
        let counter = served.clone();
        let task = tokio::spawn(async move {
            loop {
                let mut socket = match listener.accept().await {
                    Ok((socket, _)) => socket,
                    // Out of descriptors, say: wait and keep serving.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let n = counter.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(async move {
                    // Read the request head (enough to not reset before the client sends).
                    let mut buf = [0u8; 8192];
                    let _ =
                        tokio::time::timeout(Duration::from_secs(2), socket.read(&mut buf)).await;
                    let answer = hostile_response(seed, n);
                    let _ = socket.write_all(&answer.head).await;
                    if !answer.stall.is_zero() {
                        // Stall, but no longer than the client waits: when it hangs up,
                        // the socket is released (long suites would run out of them).
                        let _ = tokio::time::timeout(answer.stall, async {
                            while let Ok(1..) = socket.read(&mut buf).await {}
                        })
                        .await;
                    }
                    let _ = socket.write_all(&answer.tail).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        HostileServer { url, served, task }
    }

    /// The server's base URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many connections were answered so far.
    pub fn served(&self) -> u64 {
        self.served.load(Ordering::Relaxed)
    }
}

/// The `n`-th adversarial string of the stream seeded with `seed`: the characters query
/// languages and URLs treat specially, in random mixes and lengths.
///
/// ```
/// let s: Vec<String> = (0..1000).map(|n| msp_common::sim::hostile::hostile_strings(7, n)).collect();
/// assert!(s.iter().any(|v| v.contains('\'') && v.contains('"')));
/// assert!(s.iter().any(|v| v.contains('\u{0}')));
/// assert!(s.iter().any(|v| v.chars().count() > 1000));
/// ```
pub fn hostile_strings(seed: u64, n: u64) -> String {
    const PIECES: &[&str] = &[
        "'", "\"", "\\", ")", "(", " or ", " and ", " OR 1=1", "%", "%25", "%27", "&", "#", "+",
        "=", "?", "/", "\r", "\n", "\r\n", "\t", "\u{0}", "é", "ß", "日本", "🦀", "\u{202e}",
        "\u{feff}", "]", "[", "{", "}", "*", ",", ";", " like ", " eq ", " ne ", "$filter", "..",
        ".", "~", "`", "<script>", " ", "''", "\"\"", "\\'", "\\\"", "x", "Acme",
    ];
    let mut prng = Prng::new(seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let long = prng.chance(0.02);
    let count = if long {
        300 + prng.below(700)
    } else {
        1 + prng.below(12)
    };
    let mut out = String::new();
    for _ in 0..count {
        out.push_str(prng.pick::<&str>(PIECES));
    }
    out
}
