//! What the vendor crates' reliability suites share: their scale, a log capture, and a
//! sign-in front for a [`HostileServer`].
//!
//! ```
//! use msp_common::sim::suite::{LogCapture, scale};
//! use std::io::Write;
//!
//! assert!(scale() >= 1); // MSP_SUITE_SCALE, 1 when unset
//! let logs = LogCapture::default();
//! let mut writer = logs.clone(); // what a `tracing` fmt layer writes through
//! writer.write_all(b"one event\n").unwrap();
//! assert_eq!(logs.text(), "one event\n");
//! ```

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::hostile::HostileServer;

/// The multiplier of every reliability suite's case count: `MSP_SUITE_SCALE` (a positive
/// integer), 1 when unset or invalid.
pub fn scale() -> u64 {
    std::env::var("MSP_SUITE_SCALE")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .filter(|n: &u64| *n > 0)
        .unwrap_or(1)
}

/// Collects everything written to it, for a `tracing` fmt layer
/// (`.with_writer({ let logs = logs.clone(); move || logs.clone() })`) whose output a
/// test then searches for secrets.
#[derive(Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    /// Everything written so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A front on loopback for a [`HostileServer`]: answers the requests whose request line
/// `is_sign_in` recognises with a fixed JSON answer (so a client gets a session) and
/// relays every other request, byte for byte, to the hostile server. Stops when dropped.
pub struct SignInFront {
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl SignInFront {
    /// Starts the front for `hostile`. A sign-in is answered `200` with `json` as the
    /// body and `headers` (each line ending in `\r\n`, e.g. a `set-cookie`) added.
    pub async fn start(
        hostile: &HostileServer,
        is_sign_in: fn(&[u8]) -> bool,
        headers: &str,
        json: &str,
    ) -> SignInFront {
        let upstream: SocketAddr = hostile
            .url()
            .trim_start_matches("http://")
            .parse()
            .expect("the hostile server listens on a socket address");
        let answer: Arc<[u8]> = format!(
            "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\n\r\n{json}",
            json.len()
        )
        .into_bytes()
        .into();
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("its address"));
        let task = tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((socket, _)) => {
                        tokio::spawn(serve_front(socket, upstream, is_sign_in, answer.clone()));
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                }
            }
        });
        SignInFront { url, task }
    }

    /// The front's base URL (`http://127.0.0.1:port`).
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for SignInFront {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_front(
    mut client: TcpStream,
    upstream: SocketAddr,
    is_sign_in: fn(&[u8]) -> bool,
    answer: Arc<[u8]>,
) {
    let _ = client.set_nodelay(true);
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let read = tokio::time::timeout(Duration::from_secs(5), client.read(&mut chunk)).await;
        match read {
            Ok(Ok(n)) if n > 0 => head.extend_from_slice(&chunk[..n]),
            _ => return,
        }
        if head.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
        if head.len() > 64 * 1024 {
            return;
        }
    }
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    if is_sign_in(line) {
        let _ = client.write_all(&answer).await;
        let _ = client.shutdown().await;
        return;
    }
    let Ok(mut hostile) = TcpStream::connect(upstream).await else {
        return;
    };
    let _ = hostile.set_nodelay(true);
    if hostile.write_all(&head).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut hostile).await;
}
