//! Throughput of the pagination engine itself, with pages served from memory
//! (no HTTP), so the figure is the engine's own overhead per item and per page.
//!
//! The listing pages by a typed `u64` offset token and reports a total, like an
//! OData `$skip`/`$top` listing; with `seek` the engine can keep pages in flight.
//!
//! Run with `cargo bench -p msp-common --bench paginate`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use msp_common::paginate::{Fetched, Paginator};

const TOTAL: u64 = 1_000_000;

fn listing(page_size: u64) -> Paginator<u64, u64> {
    Paginator::new(0u64, move |skip: u64| async move {
        let end = TOTAL.min(skip + page_size);
        Ok(Fetched::new((skip..end).collect())
            .with_next_opt((end < TOTAL).then_some(end))
            .with_total(TOTAL))
    })
    .seek(|offset| offset)
}

async fn run(name: &str, make: impl Fn() -> Paginator<u64, u64>) {
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let mut sum = 0u64;
        let mut count = 0u64;
        let mut items = make().items();
        while let Some(item) = items.try_next().await.expect("in-memory pages do not fail") {
            sum = sum.wrapping_add(item);
            count += 1;
        }
        assert_eq!(count, TOTAL, "{name}: every item once");
        black_box(sum);
        best = best.min(start.elapsed());
    }
    let per_item = best.as_nanos() as f64 / TOTAL as f64;
    println!(
        "{name:<40} best of 5: {:>8.1} ms for {TOTAL} items ({per_item:.1} ns/item)",
        best.as_secs_f64() * 1000.0
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        run("sequential, 100 per page", || listing(100)).await;
        run("sequential, 1000 per page", || listing(1000)).await;
        run("look-ahead, 100 per page", || listing(100).look_ahead(true)).await;
        run("4 pages in flight, 100 per page", || {
            listing(100).pages_in_flight(4)
        })
        .await;
    });
}
