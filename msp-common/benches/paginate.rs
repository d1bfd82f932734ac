//! Throughput of the pagination engine itself, with pages served from memory
//! (no HTTP), so the figure is the engine's own overhead per item and per page.
//!
//! Run with `cargo bench -p msp-common --bench paginate`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use msp_common::paginate::{Page, PageRequest, Paginator, PagingStyle};

const TOTAL: u64 = 1_000_000;

fn listing(page_size: u32) -> Paginator<u64> {
    Paginator::new(
        vec![("$filter".into(), "OrgName eq 'x'".into())],
        PagingStyle::offset("$skip", "$top", page_size),
        move |page: PageRequest| async move {
            let skip: u64 = page.param("$skip").unwrap_or("0").parse().unwrap_or(0);
            let end = TOTAL.min(skip + u64::from(page_size));
            Ok(Page::new((skip..end).collect()).with_total(TOTAL))
        },
    )
}

async fn run(name: &str, make: impl Fn() -> Paginator<u64>) {
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let mut sum = 0u64;
        let mut items = make().items();
        while let Some(item) = items.try_next().await.expect("in-memory pages do not fail") {
            sum = sum.wrapping_add(item);
        }
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
        run("concurrency 4, 100 per page", || {
            listing(100).concurrency(4)
        })
        .await;
    });
}
