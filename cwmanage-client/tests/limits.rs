//! No input aborts the process (issue 12): the conditions builder has the parser's caps
//! ([`MAX_TERMS`] comparisons, [`MAX_DEPTH`] levels of parentheses), so huge or deeply
//! nested conditions are refused with a typed error ([`ConditionError::TooManyTerms`],
//! [`ConditionError::TooDeep`]) instead of growing a tree whose rendering, cloning,
//! comparison or drop would overflow the stack; the parser refuses the same texts
//! without recursing into them, and so does the simulator (a 400, not a crash).
//! Everything runs on a tokio worker thread with its default 2 MiB stack, where 2,000
//! levels of alternating `and`/`or` used to abort the process.
//!
//! Manage's grammar has no `not` over a group (only `not like`, `not contains`,
//! `not in`); its deepest nesting is a chain of parenthesized groups, built here
//! 100,000 levels deep.
//!
//! ```text
//! cargo test -p cwmanage-client --all-features --test limits
//! ```
#![cfg(feature = "sim")]

use cwmanage_client::conditions::{Condition, ConditionError, MAX_DEPTH, MAX_TERMS};
use cwmanage_client::query::ListQuery;
use cwmanage_client::sim::Simulator;
use cwmanage_client::{Client, Credentials, Error, Listing};

fn term(i: usize) -> Condition {
    Condition::field("summary").eq(format!("ticket {i}"))
}

fn offline() -> Client {
    Client::builder()
        .base_url("https://cw.example.com")
        .credentials(Credentials::new("myco", "public", "private"))
        .client_id("3f6bd3ac-1111-4222-8333-444455556666")
        .build()
        .unwrap()
}

/// Renders, clones, compares, formats, parses back and previews `condition`, then drops
/// it: none of it may overflow the stack.
fn exercise(client: &Client, condition: Condition, want: Result<(), ConditionError>) {
    assert_eq!(condition.check(), want);
    let copy = condition.clone();
    assert_eq!(copy, condition);
    assert!(!format!("{condition:?}").is_empty());
    let count = client.tickets().count(&condition).preview();
    let query = ListQuery::new().conditions(&condition).validate();
    match want {
        Ok(()) => {
            let text = condition.render().unwrap();
            assert_eq!(Condition::parse(&text).unwrap(), condition, "{text}");
            assert!(count.is_ok());
            assert!(query.is_ok());
        }
        Err(limit) => {
            assert_eq!(condition.render(), Err(limit.clone()));
            let err = count.unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err:?}");
            assert!(err.to_string().contains(&limit.to_string()), "{err}");
            assert!(query.is_err());
            // Refused stays refused, combined either way.
            assert_eq!(copy.clone().and(term(0)).check(), Err(limit.clone()));
            assert_eq!(term(0).or(copy.clone()).check(), Err(limit));
        }
    }
    drop(copy);
    drop(condition);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_and_deep_conditions_are_refused_on_a_worker_thread_without_aborting() {
    // `tokio::spawn` runs it on a worker thread, with tokio's default 2 MiB stack.
    tokio::spawn(async {
        let client = offline();
        const N: usize = 100_000;

        // 100k terms joined with `or` and with `and`.
        exercise(
            &client,
            Condition::any((0..N).map(term)).unwrap(),
            Err(ConditionError::TooManyTerms),
        );
        exercise(
            &client,
            Condition::all((0..N).map(term)).unwrap(),
            Err(ConditionError::TooManyTerms),
        );

        // 100k nested groups: `a and (b and (c and …))`, and the same with `or`.
        let nested_and = (1..N).fold(term(0), |inner, i| term(i).and(inner));
        exercise(&client, nested_and, Err(ConditionError::TooDeep));
        let nested_or = (1..N).fold(term(0), |inner, i| term(i).or(inner));
        exercise(&client, nested_or, Err(ConditionError::TooDeep));

        // 2,000+ levels of alternating `and`/`or`, built both ways round.
        let mut alternating = term(0);
        for i in 0..2_500 {
            alternating = if i % 2 == 0 {
                alternating.or(term(i))
            } else {
                alternating.and(term(i))
            };
        }
        exercise(&client, alternating, Err(ConditionError::TooDeep));
        let mut inside_out = term(0);
        for i in 0..2_500 {
            inside_out = if i % 2 == 0 {
                term(i).or(inside_out)
            } else {
                term(i).and(inside_out)
            };
        }
        exercise(&client, inside_out, Err(ConditionError::TooDeep));

        // Right at the caps everything still works and parses back.
        exercise(
            &client,
            Condition::any((0..MAX_TERMS).map(term)).unwrap(),
            Ok(()),
        );
        exercise(
            &client,
            Condition::all((0..MAX_TERMS).map(term)).unwrap(),
            Ok(()),
        );
        let at_depth = (0..MAX_DEPTH).fold(term(0), |c, i| {
            if i % 2 == 0 {
                c.or(term(i))
            } else {
                c.and(term(i))
            }
        });
        exercise(&client, at_depth.clone(), Ok(()));
        exercise(
            &client,
            at_depth.or(term(1)).and(term(2)),
            Err(ConditionError::TooDeep),
        );
        let nested_at_depth = (1..=MAX_DEPTH).fold(term(0), |inner, i| term(i).and(inner));
        exercise(&client, nested_at_depth, Ok(()));

        // An `in` list is one comparison, however long.
        exercise(&client, Condition::field("id").is_in(0..N as u64), Ok(()));

        // The parser refuses the same inputs as text, without recursing into them.
        for (text, want) in [
            (
                format!("{}id = 1{}", "(".repeat(N), ")".repeat(N)),
                ConditionError::TooDeep,
            ),
            (
                format!("{}id = 1{}", "id = 1 and (".repeat(N), ")".repeat(N)),
                ConditionError::TooDeep,
            ),
            (format!("{}id = 1", "(".repeat(N)), ConditionError::TooDeep),
            (vec!["id = 1"; N].join(" or "), ConditionError::TooManyTerms),
            (
                vec!["id = 1"; N].join(" AND "),
                ConditionError::TooManyTerms,
            ),
            (
                // Deep by the builder's count, shallow in parentheses (40 levels):
                // `a or b and (…)` is rendered `a or (b and (…))`, two levels a group.
                "(id = 1 or id = 2 and ".repeat(40) + "id = 3 or id = 4" + &")".repeat(40),
                ConditionError::TooDeep,
            ),
        ] {
            assert_eq!(Condition::parse(&text), Err(want), "{:.60}", text);
        }
        // 64 redundant parentheses are fine; 65 are not.
        let ok = format!("{}id = 1{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(Condition::parse(&ok).is_ok());
        let deep = format!("({ok})");
        assert_eq!(Condition::parse(&deep), Err(ConditionError::TooDeep));
    })
    .await
    .expect("no panic, no abort");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_refuses_a_deep_raw_condition_with_a_400() {
    let sim = Simulator::builder().tickets(10).start().await;
    let client = sim.client().unwrap();
    const N: usize = 100_000;
    for text in [
        format!("{}id = 1{}", "(".repeat(N), ")".repeat(N)),
        vec!["id = 1"; 5_000].join(" or "),
    ] {
        let err = client.tickets().search(text).collect().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err}");
    }
    // Still serving.
    assert_eq!(client.tickets().list().collect().await.unwrap().len(), 10);
}

#[tokio::test]
async fn the_simulator_answers_odd_numbers_with_a_400_never_a_panic() {
    use cwmanage_client::Raw;
    let sim = Simulator::builder().tickets(10).start().await;
    let client = sim.client().unwrap();
    // Board ids from the request drive the simulator's status lookup: checked.
    for board in [0u64, u64::MAX] {
        let err = client
            .post::<serde_json::Value, _>(
                "service/tickets",
                &serde_json::json!({"summary": "x", "company": {"id": 1}, "board": {"id": board}}),
            )
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err}");
    }
    for query in [
        [("page", "0"), ("pageSize", "10")],
        [("page", "18446744073709551616"), ("pageSize", "10")],
        [("page", "1"), ("pageSize", "0")],
        [("page", "-1"), ("pageSize", "-1")],
    ] {
        let err = client
            .get::<serde_json::Value>("service/tickets", &query)
            .await
            .unwrap_err();
        assert_eq!(
            err.status().map(|s| s.as_u16()),
            Some(400),
            "{query:?}: {err}"
        );
    }
    let far: Vec<serde_json::Value> = client
        .get(
            "service/tickets",
            &[("page", "18446744073709551615"), ("pageSize", "1000")],
        )
        .await
        .unwrap();
    assert!(far.is_empty());
    // Still serving.
    assert_eq!(client.tickets().list().collect().await.unwrap().len(), 10);
}
