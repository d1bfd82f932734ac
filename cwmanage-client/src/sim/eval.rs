//! Filtering records by a condition: the simulator evaluates what the library's own
//! parser ([`Condition::parse`]) reads, so the crate has one conditions grammar.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde_json::{Number, Value as Json};

use super::data::lookup;
use crate::conditions::{Condition, Expr, Op, Value as Lit};

/// Whether `record` matches `expr` (`conditions`, `customFieldConditions`).
pub(super) fn matches(expr: &Expr, record: &Json) -> bool {
    eval(expr, record, false)
}

/// `childConditions`: a path that crosses an array (`types/id`) matches when any element
/// does.
pub(super) fn matches_child(expr: &Expr, record: &Json) -> bool {
    eval(expr, record, true)
}

/// Every field path `expr` compares.
pub(super) fn fields(expr: &Expr) -> Vec<&str> {
    let mut out = Vec::new();
    collect_fields(expr, &mut out);
    out
}

fn collect_fields<'a>(expr: &'a Expr, out: &mut Vec<&'a str>) {
    match expr {
        Expr::Cmp { field, .. } | Expr::In { field, .. } => out.push(field),
        Expr::And(terms) | Expr::Or(terms) => terms.iter().for_each(|t| collect_fields(t, out)),
        // Never produced by the parser; a hand-written text is checked when evaluated.
        Expr::Raw(_) => {}
    }
}

/// `like` with `%` as the wildcard.
fn like(value: &str, pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split('%').collect();
    if parts.len() == 1 {
        return value == pattern;
    }
    let mut rest = value;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if !rest.starts_with(part) {
                return false;
            }
            rest = &rest[part.len()..];
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else if let Some(pos) = rest.find(part) {
            rest = &rest[pos + part.len()..];
        } else {
            return false;
        }
    }
    true
}

/// A numeric literal as `f64`.
fn lit_f64(lit: &Lit) -> Option<f64> {
    match lit {
        Lit::Int(n) => Some(*n as f64),
        Lit::UInt(n) => Some(*n as f64),
        Lit::Num(n) => Some(*n),
        _ => None,
    }
}

/// A JSON number against a numeric literal: exactly for integers, as `f64` otherwise.
fn number_cmp(n: &Number, lit: &Lit) -> Option<Ordering> {
    let exact = n
        .as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from));
    match (exact, lit) {
        (Some(n), Lit::Int(x)) => Some(n.cmp(&i128::from(*x))),
        (Some(n), Lit::UInt(x)) => Some(n.cmp(&i128::from(*x))),
        _ => n.as_f64()?.partial_cmp(&lit_f64(lit)?),
    }
}

fn cmp_lit(field: Option<&Json>, lit: &Lit) -> Option<Ordering> {
    match (field, lit) {
        (Some(Json::Number(n)), Lit::Int(_) | Lit::UInt(_) | Lit::Num(_)) => number_cmp(n, lit),
        (Some(Json::String(s)), Lit::Int(_) | Lit::UInt(_) | Lit::Num(_)) => {
            s.parse::<f64>().ok()?.partial_cmp(&lit_f64(lit)?)
        }
        // UNVERIFIED: string comparisons ignore case, as SQL Server's default collation does.
        (Some(Json::String(s)), Lit::Str(x)) => Some(s.to_lowercase().cmp(&x.to_lowercase())),
        (Some(Json::Number(n)), Lit::Str(x)) => Some(n.to_string().as_str().cmp(x.as_str())),
        (Some(Json::Bool(b)), Lit::Bool(x)) => Some(b.cmp(x)),
        (Some(Json::String(s)), Lit::DateTime(d)) => DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|v| v.with_timezone(&Utc).cmp(d)),
        _ => None,
    }
}

/// The values at `path`; with `fan_out`, every element of each array crossed.
fn candidates<'v>(record: &'v Json, path: &str, fan_out: bool) -> Vec<Option<&'v Json>> {
    if !fan_out {
        return vec![lookup(record, path)];
    }
    let mut current = vec![record];
    for key in path.split('/') {
        let mut next = Vec::new();
        for v in current {
            let items: Vec<&Json> = match v {
                Json::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            next.extend(items.into_iter().filter_map(|item| lookup(item, key)));
        }
        current = next;
    }
    current
        .into_iter()
        .flat_map(|v| match v {
            Json::Array(items) => items.iter().map(Some).collect::<Vec<_>>(),
            other => vec![Some(other)],
        })
        .collect()
}

/// Whether one value satisfies `field op lit` (before any `not`).
fn test(op: Op, lit: &Lit, v: Option<&Json>) -> bool {
    use Ordering::*;
    let is_null = matches!(v, None | Some(Json::Null));
    let text = || v.and_then(Json::as_str).map(str::to_lowercase);
    match (op, lit) {
        (Op::Eq, Lit::Null) => is_null,
        (Op::Ne, Lit::Null) => !is_null,
        (Op::Eq, l) => cmp_lit(v, l) == Some(Equal),
        (Op::Ne, l) => cmp_lit(v, l) != Some(Equal),
        (Op::Lt, l) => cmp_lit(v, l) == Some(Less),
        (Op::Le, l) => matches!(cmp_lit(v, l), Some(Less | Equal)),
        (Op::Gt, l) => cmp_lit(v, l) == Some(Greater),
        (Op::Ge, l) => matches!(cmp_lit(v, l), Some(Greater | Equal)),
        (Op::Contains | Op::NotContains, Lit::Str(s)) => {
            text().is_some_and(|x| x.contains(&s.to_lowercase()))
        }
        (Op::Like | Op::NotLike, Lit::Str(p)) => {
            text().is_some_and(|x| like(&x, &p.to_lowercase()))
        }
        _ => false,
    }
}

fn eval(expr: &Expr, record: &Json, fan_out: bool) -> bool {
    match expr {
        Expr::And(terms) => terms.iter().all(|t| eval(t, record, fan_out)),
        Expr::Or(terms) => terms.iter().any(|t| eval(t, record, fan_out)),
        Expr::In {
            field,
            negated,
            values,
        } => {
            let hit = candidates(record, field, fan_out).into_iter().any(|v| {
                values
                    .iter()
                    .any(|l| cmp_lit(v, l) == Some(Ordering::Equal))
            });
            hit != *negated
        }
        Expr::Cmp { field, op, value } => {
            // `not contains` / `not like`: no value of the path matches.
            let negated = matches!(op, Op::NotContains | Op::NotLike);
            let hit = candidates(record, field, fan_out)
                .into_iter()
                .any(|v| test(*op, value, v));
            hit != negated
        }
        Expr::Raw(text) => Condition::parse(text).is_ok_and(|c| eval(c.expr(), record, fan_out)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_library_grammar_filters_records() {
        let r = json!({"id": 3, "summary": "Printer offline", "board": {"id": 1, "name": "Help Desk"}, "closedFlag": false, "dateEntered": "2025-02-01T00:00:00Z", "contact": null, "big": 18446744073709551615u64});
        let t = |c: &str| matches(Condition::parse(c).unwrap().expr(), &r);
        assert!(t("board/id = 1 AND closedFlag = false"));
        assert!(t(
            r#"summary like "print%" and dateEntered > [2025-01-01T00:00:00Z]"#
        ));
        assert!(t("id in (1,3) or summary = 'x'"));
        assert!(t(r#"summary not like "%fire%""#));
        assert!(!t(r#"summary not contains "offline""#));
        assert!(t(r#"contact = null and summary contains "OFF""#));
        assert!(!t(r#"(id = 1 or id = 2) and board/name = "Help Desk""#));
        assert!(t("id not in (1,2)"));
        assert!(t("id >= 3 and id <= 3 and id != 4 and id < 4 and id > 2.5"));
        assert!(t(
            "big = 18446744073709551615 and big > 18446744073709551614"
        ));
        assert!(!t("big = 18446744073709551614"));
    }

    #[test]
    fn like_patterns() {
        assert!(like("abc", "a%"));
        assert!(like("abc", "%c"));
        assert!(like("abc", "%b%"));
        assert!(like("abc", "abc"));
        assert!(!like("abc", "b%"));
        assert!(like("a", "a%%"));
    }
}
