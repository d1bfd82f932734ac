//! No input aborts the process: the filter builder has the parser's caps
//! ([`MAX_TERMS`] comparisons, [`MAX_DEPTH`] levels), so huge or deeply nested filters
//! are refused with a typed error ([`FilterTooLarge`]) instead of growing a tree whose
//! rendering, comparison or drop would overflow the stack. Everything here runs on a
//! tokio worker thread with its default 2 MiB stack, where the old left-deep tree
//! aborted at ~15k terms and at 100k nested `NOT`s.
//!
//! ```text
//! cargo test -p screenconnect-client --all-features --test limits
//! ```

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use screenconnect_client::filter::{
    Field, Filter, FilterExpression, FilterTooLarge, MAX_DEPTH, MAX_TERMS,
};
use screenconnect_client::models::{Session, SessionType};
use screenconnect_client::{Client, Error};

fn term(i: usize) -> Filter {
    Field::NAME.eq(format!("HOST-{i}"))
}

/// Renders, clones, compares, hashes, formats, evaluates and previews `filter`, then
/// drops it: none of it may overflow the stack.
fn exercise(client: &Client, filter: Filter, want: Result<(), FilterTooLarge>) {
    assert_eq!(filter.check(), want);
    let text = filter.to_string();
    let copy = filter.clone();
    assert_eq!(copy, filter);
    let mut hasher = DefaultHasher::new();
    filter.hash(&mut hasher);
    let _ = hasher.finish();
    let debug = format!("{filter:?}");
    assert!(!debug.is_empty());
    let session = Session::new("id", SessionType::Access, "HOST-1");
    let preview = client.sessions().by_filter(&filter).preview();
    match want {
        Ok(()) => {
            assert_eq!(text.parse::<Filter>().unwrap(), filter);
            assert!(filter.matches(&session).is_ok());
            assert!(preview.is_ok());
        }
        Err(limit) => {
            assert!(text.parse::<Filter>().is_err());
            assert_eq!(
                filter.matches(&session).unwrap_err().too_large(),
                Some(limit)
            );
            let err = preview.unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err:?}");
            assert!(err.to_string().contains(&limit.to_string()), "{err}");
            assert_eq!(FilterExpression::from(&filter).check(), Err(limit));
        }
    }
    drop(copy);
    drop(filter);
}

fn client() -> Client {
    Client::builder()
        .base_url("https://acme.screenconnect.com")
        .secret("s3cret")
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_and_deep_filters_are_refused_on_a_worker_thread_without_aborting() {
    // `tokio::spawn` runs it on a worker thread, with tokio's default 2 MiB stack.
    tokio::spawn(async {
        let client = client();
        const N: usize = 100_000;

        // 100k terms joined with OR and with AND.
        exercise(
            &client,
            Filter::any((0..N).map(term)).unwrap(),
            Err(FilterTooLarge::Terms),
        );
        exercise(
            &client,
            Filter::all((0..N).map(term)).unwrap(),
            Err(FilterTooLarge::Terms),
        );
        // The same by chaining, on either side.
        let mut right = term(0);
        for i in 1..N {
            right = term(i).or(right);
        }
        exercise(&client, right, Err(FilterTooLarge::Terms));

        // 100k nested NOTs.
        let nots = (0..N).fold(term(0), |f, _| f.not());
        exercise(&client, nots, Err(FilterTooLarge::Depth));

        // 2,000+ levels of alternating AND/OR, built both ways round.
        let mut alternating = term(0);
        for i in 0..2_500 {
            alternating = if i % 2 == 0 {
                alternating.or(term(i))
            } else {
                alternating.and(term(i))
            };
        }
        exercise(&client, alternating, Err(FilterTooLarge::Depth));
        let mut inside_out = term(0);
        for i in 0..2_500 {
            inside_out = if i % 2 == 0 {
                term(i).or(inside_out)
            } else {
                term(i).and(inside_out)
            };
        }
        exercise(&client, inside_out, Err(FilterTooLarge::Depth));

        // Right at the caps everything still works.
        exercise(
            &client,
            Filter::any((0..MAX_TERMS).map(term)).unwrap(),
            Ok(()),
        );
        exercise(
            &client,
            (0..MAX_DEPTH).fold(term(0), |f, _| f.not()),
            Ok(()),
        );

        // The parser refuses the same inputs as text, without recursing into them.
        for text in [
            format!("{}Name = 'x'{}", "NOT (".repeat(N), ")".repeat(N)),
            format!("{}Name = 'x'", "NOT ".repeat(N)),
            format!("{}Name = 'x'{}", "(".repeat(N), ")".repeat(N)),
            vec!["Name = 'x'"; N].join(" OR "),
            vec!["Name = 'x'"; N].join(" AND "),
            (0..N)
                .map(|i| format!("Name = 'x{i}'"))
                .collect::<Vec<_>>()
                .join(" AND (")
                + &")".repeat(N - 1),
        ] {
            let err = text.parse::<Filter>().unwrap_err();
            assert!(err.too_large().is_some(), "{err}");
        }
    })
    .await
    .expect("no panic, no abort");
}
