//! The conditions grammar has one parser, the inverse of the builder: what the builder
//! renders parses back to the condition it was built from, whatever the values hold.

use chrono::{TimeZone, Utc};
use cwmanage_client::conditions::{Condition, ConditionError, Expr, Op, Value};

/// Values an attacker (or an unlucky customer) could put in a field.
const HOSTILE: &[&str] = &[
    "",
    " ",
    "plain",
    "O'Brien & Sons + Co",
    r#"Sons + Co "West""#,
    r#"a" or id != "0"#,
    "x' or '1'='1",
    ") or (id = 1",
    "id = 1 and closedFlag = false",
    "[2025-01-01T00:00:00Z]",
    "%_%",
    r"C:\path\to\file",
    "line\nbreak\ttab",
    "null",
    "true",
    "1,2,3",
    "not in (1)",
    "émoji ✓ 漢字",
    "semi;colon -- comment /* */",
    "trailing space ",
];

fn round_trip(condition: &Condition) {
    let text = condition.render().unwrap();
    let parsed = Condition::parse(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    assert_eq!(&parsed, condition, "{text:?}");
    assert_eq!(parsed.render().unwrap(), text);
}

#[test]
fn hostile_string_values_round_trip_through_every_string_operator() {
    for value in HOSTILE {
        let f = || Condition::field("company/name");
        for condition in [
            f().eq(*value),
            f().ne(*value),
            f().lt(*value),
            f().ge(*value),
            f().contains(*value),
            f().not_contains(*value),
            f().like(format!("%{value}%")),
            f().not_like(*value),
            f().is_in([*value, "other", value]),
            f().not_in([*value]),
            f().covering_eq(*value),
        ] {
            round_trip(&condition);
        }
    }
}

#[test]
fn values_holding_both_quotes_round_trip_through_covering_eq() {
    for value in [
        r#"O'Brien & Sons + Co "West""#,
        r#"'"'"#,
        r#"he said "it's" fine"#,
    ] {
        assert!(matches!(
            Condition::field("name").eq(value).render(),
            Err(ConditionError::BothQuotes { .. })
        ));
        round_trip(&Condition::field("name").covering_eq(value));
    }
}

#[test]
fn every_literal_kind_and_grouping_round_trips() {
    let when = Utc.with_ymd_and_hms(2025, 2, 28, 23, 59, 59).unwrap();
    let conditions = [
        Condition::field("id").eq(42),
        Condition::field("id").eq(-7),
        Condition::field("id").eq(u64::MAX),
        Condition::field("hours").gt(1.25),
        Condition::field("hours").le(-0.5),
        Condition::field("closedFlag").eq(false),
        Condition::field("contact").is_null(),
        Condition::field("contact/id").is_not_null(),
        Condition::field("dateEntered").ge(when),
        Condition::field("id").is_in([1u64, 2, u64::MAX]),
        Condition::field("_info/lastUpdated").lt(when),
        // Grouping is kept: `a and (b and c)` is not flattened.
        Condition::field("a")
            .eq(1)
            .and(Condition::field("b").eq(2).and(Condition::field("c").eq(3))),
        Condition::field("a")
            .eq(1)
            .or(Condition::field("b").eq(2))
            .and(Condition::field("c").eq(3)),
        Condition::field("summary")
            .like("Printer%")
            .and(Condition::field("closedFlag").eq(false))
            .or(Condition::field("summary")
                .contains("test")
                .and(Condition::field("id").not_in([1, 2]))),
        Condition::any(HOSTILE.iter().map(|v| Condition::field("name").eq(*v))).unwrap(),
    ];
    for condition in &conditions {
        round_trip(condition);
    }
    // A whole-number f64 renders as an integer, and reads back as one.
    let text = Condition::field("x").eq(2.0).render().unwrap();
    assert_eq!(
        Condition::parse(&text).unwrap(),
        Condition::field("x").eq(2)
    );
}

#[test]
fn raw_conditions_read_back_as_the_structure_they_spell() {
    let joined = Condition::raw("a = 1 or b = 'x'").and(Condition::field("c").eq(3));
    let text = joined.render().unwrap();
    let parsed = Condition::parse(&text).unwrap();
    assert_eq!(parsed.render().unwrap(), "(a = 1 or b = \"x\") and c = 3");
    let Expr::And(terms) = parsed.expr() else {
        panic!("{parsed:?}")
    };
    assert!(matches!(&terms[0], Expr::Or(or) if or.len() == 2));
    assert_eq!(
        terms[1],
        Expr::Cmp {
            field: "c".into(),
            op: Op::Eq,
            value: Value::Int(3)
        }
    );
    assert_eq!(
        "c = 3".parse::<Condition>().unwrap(),
        Condition::field("c").eq(3)
    );
}

#[test]
fn malformed_text_is_a_syntax_error_with_a_position() {
    for (text, position) in [
        ("summary = ", 10),
        ("summary = unquoted", 10),
        ("id in ()", 7),
        ("(id = 1", 7),
        ("1st = 1", 0),
        ("a-b = 1", 0),
    ] {
        match Condition::parse(text) {
            Err(ConditionError::Syntax { position: at, .. }) => assert_eq!(at, position, "{text}"),
            other => panic!("{text}: {other:?}"),
        }
    }
    let err = Condition::parse("x = 1 or").unwrap_err();
    assert!(err.to_string().contains("at character 8"), "{err}");
    // The builder and the parser agree on what a field path is.
    assert!(matches!(
        Condition::field("1st").eq(1).render(),
        Err(ConditionError::InvalidField { .. })
    ));
}
