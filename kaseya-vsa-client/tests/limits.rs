//! The OData builder never aborts the process (issue 12): it has the caps of the
//! library's parser ([`parse_filter`]: [`MAX_TERMS`] comparisons, [`MAX_DEPTH`] levels),
//! and combining past them gives a refused filter — a typed [`FilterTooLarge`] — instead
//! of a tree too deep to render or drop. Everything here runs on a tokio worker thread
//! with its default 2 MiB stack; before the caps, 100,000 nested `not`s overflowed it
//! (rendering or dropping the tree) and aborted the process.
//!
//! ```text
//! cargo test -p kaseya-vsa-client --all-features --test limits
//! ```

use kaseya_vsa_client::odata::fields::agents;
use kaseya_vsa_client::odata::{Expr, Filter, FilterTooLarge, MAX_DEPTH, MAX_TERMS, parse_filter};

fn term(i: usize) -> Filter {
    agents::AGENT_NAME.eq(format!("PC-{i:06}"))
}

/// Runs `f` on a tokio worker thread (2 MiB stack) and returns what it returns.
async fn on_worker<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::spawn(async move { f() }).await.expect("no panic")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_filters_are_refused_rendered_and_dropped_without_exhausting_the_stack() {
    on_worker(|| {
        // 100,000 nested `not`.
        let mut nots = term(0);
        for _ in 0..100_000 {
            nots = !nots;
        }
        assert_eq!(nots.check(), Err(FilterTooLarge::Depth));
        assert!(nots.to_string().starts_with("<refused filter: "), "{nots}");
        assert!(parse_filter(&nots.to_string()).is_err());
        let copy = nots.clone();
        assert_eq!(copy, nots);
        drop((copy, nots));

        // 100,000-term `any` and `all`.
        let any = Filter::any((0..100_000).map(term)).unwrap();
        assert_eq!(any.check(), Err(FilterTooLarge::Terms));
        assert_eq!(any.comparisons(), 0);
        let all = Filter::all((0..100_000).map(term)).unwrap();
        assert_eq!(all.check(), Err(FilterTooLarge::Terms));
        drop((any, all));

        // 2,000 and 100,000 levels of alternating `and` / `or`, grown on either side.
        for levels in [2_000, 100_000] {
            let mut left = term(0);
            let mut right = term(0);
            for i in 0..levels {
                if i % 2 == 0 {
                    left = left.or(term(i));
                    right = term(i).or(right);
                } else {
                    left = left.and(term(i));
                    right = term(i).and(right);
                }
            }
            assert_eq!(left.check(), Err(FilterTooLarge::Depth), "{levels}");
            assert_eq!(right.check(), Err(FilterTooLarge::Depth), "{levels}");
            let _ = format!("{left} {right:?}");
        }

        // Refused stays refused, on either side and under `not`.
        let refused = Filter::any((0..2_000).map(term)).unwrap();
        assert_eq!(
            term(1).and(refused.clone()).check(),
            Err(FilterTooLarge::Terms)
        );
        assert_eq!((!refused).or(term(2)).check(), Err(FilterTooLarge::Terms));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_builder_and_the_parser_share_their_caps() {
    on_worker(|| {
        // Exactly at the term cap: built, rendered, parsed back; one more is refused by
        // both.
        let full = Filter::any((0..MAX_TERMS).map(term)).unwrap();
        assert_eq!(full.check(), Ok(()));
        assert_eq!(full.comparisons(), MAX_TERMS);
        let text = full.to_string();
        let parsed = parse_filter(&text).unwrap();
        let copy = parsed.clone();
        assert_eq!(copy, parsed);
        let _ = format!("{parsed:?}");
        drop((copy, parsed));
        let over = full.or(term(MAX_TERMS));
        assert_eq!(over.check(), Err(FilterTooLarge::Terms));
        let err = parse_filter(&format!("{text} or AgentName eq 'x'")).unwrap_err();
        assert_eq!(err.too_large(), Some(FilterTooLarge::Terms));

        // Exactly at the depth cap with `not`, and with alternating `and` / `or`.
        let nots = (0..MAX_DEPTH).fold(term(0), |f, _| !f);
        assert_eq!(nots.check(), Ok(()));
        let parsed = parse_filter(&nots.to_string()).unwrap();
        let mut depth = 0;
        let mut at = &parsed;
        while let Expr::Not(inner) = at {
            depth += 1;
            at = inner;
        }
        assert_eq!(depth, MAX_DEPTH);
        assert_eq!((!nots.clone()).check(), Err(FilterTooLarge::Depth));
        let deeper = format!("not ({nots})");
        assert_eq!(
            parse_filter(&deeper).unwrap_err().too_large(),
            Some(FilterTooLarge::Depth)
        );
        // Bare `not`s and bare parentheses count the same way.
        let bare = format!("{}AgentName eq 'x'", "not ".repeat(MAX_DEPTH));
        assert!(parse_filter(&bare).is_ok());
        let bare = format!("{}AgentName eq 'x'", "not ".repeat(MAX_DEPTH + 1));
        assert_eq!(
            parse_filter(&bare).unwrap_err().too_large(),
            Some(FilterTooLarge::Depth)
        );
        let parens = format!(
            "{}AgentName eq 'x'{}",
            "(".repeat(MAX_DEPTH),
            ")".repeat(MAX_DEPTH)
        );
        assert!(parse_filter(&parens).is_ok());
        let parens = format!(
            "{}AgentName eq 'x'{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(
            parse_filter(&parens).unwrap_err().too_large(),
            Some(FilterTooLarge::Depth)
        );

        let alternating = (0..MAX_DEPTH).fold(term(0), |f, i| {
            if i % 2 == 0 {
                f.or(term(i))
            } else {
                f.and(term(i))
            }
        });
        assert_eq!(alternating.check(), Ok(()));
        let text = alternating.to_string();
        assert_eq!(text.matches('(').count(), MAX_DEPTH - 1);
        assert!(parse_filter(&text).is_ok(), "{text}");
        let one_more = if MAX_DEPTH.is_multiple_of(2) {
            alternating.clone().or(term(1)).and(term(2))
        } else {
            alternating.clone().and(term(1)).or(term(2))
        };
        assert_eq!(one_more.check(), Err(FilterTooLarge::Depth));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_expressions_never_exhaust_the_parser() {
    on_worker(|| {
        let huge = [
            format!("{}AgentName eq 'x'", "not ".repeat(100_000)),
            format!("{}AgentName eq 'x'", "not (".repeat(100_000)),
            format!(
                "{}AgentName eq 'x'{}",
                "(".repeat(100_000),
                ")".repeat(100_000)
            ),
            vec!["AgentName eq 'x'"; 100_000].join(" or "),
            vec!["AgentName eq 'x'"; 100_000].join(" and "),
            (0..100_000)
                .map(|i| {
                    if i % 2 == 0 {
                        "(A eq 1 or "
                    } else {
                        "(B eq 2 and "
                    }
                })
                .collect::<String>(),
        ];
        for text in huge {
            let err = parse_filter(&text).unwrap_err();
            assert!(err.too_large().is_some() || !err.message().is_empty());
        }
    })
    .await;
}

/// A list call given a refused filter fails with a configuration error naming the cap,
/// and sends nothing.
#[cfg(feature = "sim")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_filter_is_a_config_error_and_nothing_is_sent() {
    use kaseya_vsa_client::Listing;

    let sim = kaseya_vsa_client::sim::Simulator::builder()
        .agents(10)
        .start()
        .await;
    let vsa = sim.client().unwrap();
    let mut deep = term(0);
    for _ in 0..100_000 {
        deep = !deep;
    }
    let err = vsa
        .agents()
        .list()
        .filter(deep)
        .collect()
        .await
        .unwrap_err();
    assert!(
        matches!(err, kaseya_vsa_client::Error::Config { .. }),
        "{err}"
    );
    assert!(err.to_string().contains(&MAX_DEPTH.to_string()), "{err}");
    let many = Filter::any((0..5_000).map(term)).unwrap();
    let err = vsa
        .agents()
        .list()
        .filter(many)
        .collect()
        .await
        .unwrap_err();
    assert!(err.to_string().contains(&MAX_TERMS.to_string()), "{err}");
    assert!(sim.received().is_empty(), "nothing was sent");

    // At the caps, the simulator (which parses with the same grammar) answers.
    let names = Filter::any((0..MAX_TERMS).map(term)).unwrap();
    let found = vsa
        .agents()
        .list()
        .filter(names.or(agents::COMPUTER_NAME.eq("O'Brien's PC")))
        .collect()
        .await;
    // MAX_TERMS + 1 terms: refused before sending.
    assert!(found.is_err());
    let names = Filter::any((0..MAX_TERMS - 1).map(term)).unwrap();
    let found = vsa
        .agents()
        .list()
        .filter(names.or(agents::COMPUTER_NAME.eq("O'Brien's PC")))
        .collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
}
