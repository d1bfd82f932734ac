//! Streaming throughput against the simulators on loopback, end to end: HTTP, JSON
//! decoding, the pagination engine and the vendor crates together.
//!
//! `cargo run --release -p msp-examples --example bench-streams`
//!
//! Each case streams a whole listing five times and reports the best run. Loopback and
//! an in-process server make this a measure of client-side cost, not of any real
//! server: the simulators answer a page asked again from its cached bytes (and the
//! first time serialize only that page), so they deliver well over 100,000 records/s
//! and the figure is the client's. `bench-decode sims` measures the simulators against
//! a static server in the same run; `bench-decode compare` the client against the
//! hand-written floor (see `BENCHMARKS.md`).

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use msp_common::Listing;
use msp_examples::{cw, vsa};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

async fn best_of<F, Fut>(runs: usize, mut f: F) -> Result<(Duration, usize)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<usize>>,
{
    let mut best = Duration::MAX;
    let mut count = 0;
    for _ in 0..runs {
        let start = Instant::now();
        count = f().await?;
        best = best.min(start.elapsed());
    }
    Ok((best, count))
}

fn report(name: &str, (time, count): (Duration, usize)) {
    println!(
        "{name:<52} {count:>6} records  {:>8.1} ms  {:>9.0} records/s",
        time.as_secs_f64() * 1000.0,
        count as f64 / time.as_secs_f64()
    );
}

#[tokio::main]
async fn main() -> Result {
    let sim = cw::sim::Simulator::start().await; // 5,000 tickets
    let manage = cw::Client::builder()
        .base_url(sim.url())
        .allow_http(true)
        .credentials(cw::Credentials::new(
            sim.company_id(),
            sim.public_key(),
            sim.private_key(),
        ))
        .client_id(sim.client_id())
        .build()?;
    for (name, paging, look_ahead) in [
        (
            "ConnectWise tickets, page numbers, pageSize 1000",
            cw::query::Paging::PageNumbers,
            false,
        ),
        (
            "ConnectWise tickets, page numbers + look-ahead",
            cw::query::Paging::PageNumbers,
            true,
        ),
        (
            "ConnectWise tickets, forward-only, pageSize 1000",
            cw::query::Paging::ForwardOnly,
            false,
        ),
    ] {
        let result = best_of(5, || async {
            let tickets: Vec<cw::models::Ticket> = manage
                .tickets()
                .list()
                .paging(paging)
                .look_ahead(look_ahead)
                .page_size(1000)
                .stream()
                .try_collect()
                .await?;
            Ok(tickets.len())
        })
        .await?;
        report(name, result);
    }

    let sim = vsa::sim::Simulator::builder().agents(2000).start().await;
    let kaseya = sim.client()?;
    for (name, concurrency) in [
        ("Kaseya agents, $top=100, look-ahead", 1),
        ("Kaseya agents, $top=100, 4 pages in flight", 4),
    ] {
        let result = best_of(5, || async {
            let agents = kaseya
                .agents()
                .list()
                .pages_in_flight(concurrency)
                .collect()
                .await?;
            Ok(agents.len())
        })
        .await?;
        report(name, result);
    }
    Ok(())
}
