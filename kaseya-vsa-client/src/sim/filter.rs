//! The simulator's OData `$filter` / `$orderby` evaluator, as strict as the server.
//!
//! It parses nothing itself: the expressions come from the library's one grammar
//! ([`crate::odata::parse_filter`], [`crate::odata::parse_order_by`]). On top of it the
//! simulator applies the server's rules — unknown properties, string functions on other
//! properties and decimal fields compared with integer literals are refused with the
//! server's messages — and evaluates the expression on its JSON records.

use std::cmp::Ordering;

use chrono::NaiveDateTime;
use serde_json::Value;

use crate::odata::{Expr, Function, Literal, Operator, parse_filter, parse_order_by};

/// The type of a field of a simulated resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldType {
    Decimal,
    Int,
    Str,
    DateTime,
}

/// Parses `input` with the library's grammar and checks it against the resource's
/// fields as the server does.
pub(crate) fn parse(
    input: &str,
    fields: &dyn Fn(&str) -> Option<FieldType>,
) -> Result<Expr, String> {
    let expr = parse_filter(input).map_err(|e| e.to_string())?;
    check(&expr, fields)?;
    Ok(expr)
}

fn field_type(fields: &dyn Fn(&str) -> Option<FieldType>, name: &str) -> Result<FieldType, String> {
    fields(name).ok_or_else(|| {
        format!("Could not find a property named '{name}' on type 'Kaseya.Rest.Models'")
    })
}

/// The server's checks of a parsed expression, left to right.
fn check(expr: &Expr, fields: &dyn Fn(&str) -> Option<FieldType>) -> Result<(), String> {
    match expr {
        Expr::And(a, b) | Expr::Or(a, b) => {
            check(a, fields)?;
            check(b, fields)
        }
        Expr::Not(a) => check(a, fields),
        Expr::Compare { field, value, .. } => check_types(field, field_type(fields, field)?, value),
        Expr::Function {
            function, field, ..
        } => {
            if field_type(fields, field)? == FieldType::Str {
                Ok(())
            } else {
                Err(format!(
                    "No function signature for '{}' on non-string property '{field}'",
                    function.as_str()
                ))
            }
        }
    }
}

/// The server's type rules: a decimal field needs an `M` literal (an integer literal
/// gives "Unrecognized 'Edm.Int32' literal"), strings need quotes.
fn check_types(field: &str, ty: FieldType, lit: &Literal) -> Result<(), String> {
    let ok = matches!(
        (ty, lit),
        (_, Literal::Null)
            | (FieldType::Decimal, Literal::Decimal(_))
            | (FieldType::Int, Literal::Int(_))
            | (FieldType::Str, Literal::String(_))
            | (FieldType::DateTime, Literal::DateTime(_))
    );
    if ok {
        return Ok(());
    }
    Err(match (ty, lit) {
        (FieldType::Decimal, Literal::Int(v)) => format!(
            "Unrecognized 'Edm.Int32' literal '{v}' at '{field}': decimal properties need the M suffix"
        ),
        _ => format!(
            "A binary operator with incompatible types was detected for property '{field}' ({ty:?})"
        ),
    })
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Compares two decimal digit strings (optionally signed, with fractions) exactly.
fn cmp_decimal(a: &str, b: &str) -> Ordering {
    let parse = |s: &str| -> (bool, String, String) {
        let neg = s.starts_with('-');
        let s = s.trim_start_matches('-');
        let (i, f) = s.split_once('.').unwrap_or((s, ""));
        let i = i.trim_start_matches('0').to_owned();
        (neg, i, f.trim_end_matches('0').to_owned())
    };
    let (na, ia, fa) = parse(a);
    let (nb, ib, fb) = parse(b);
    let mag = ia
        .len()
        .cmp(&ib.len())
        .then_with(|| ia.cmp(&ib))
        .then_with(|| fa.cmp(&fb));
    match (na, nb) {
        (false, false) => mag,
        (true, true) => mag.reverse(),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
    }
}

fn compare(value: &Value, lit: &Literal) -> Option<Ordering> {
    match lit {
        Literal::Null => Some(if value.is_null() {
            Ordering::Equal
        } else {
            Ordering::Greater
        }),
        _ if value.is_null() => None,
        Literal::String(s) => Some(text(value)?.to_lowercase().cmp(&s.to_lowercase())),
        Literal::Int(s) | Literal::Decimal(s) | Literal::Float(s) => {
            Some(cmp_decimal(&text(value)?, s))
        }
        Literal::Bool(b) => value.as_bool().map(|v| v.cmp(b)),
        Literal::DateTime(d) => {
            let t = text(value)?;
            let t = t.trim_end_matches('Z');
            let v = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
            Some(v.cmp(d))
        }
    }
}

pub(crate) fn eval(expr: &Expr, record: &Value) -> bool {
    match expr {
        Expr::And(a, b) => eval(a, record) && eval(b, record),
        Expr::Or(a, b) => eval(a, record) || eval(b, record),
        Expr::Not(a) => !eval(a, record),
        Expr::Compare { field, op, value } => {
            let Some(ord) = compare(record.get(field).unwrap_or(&Value::Null), value) else {
                return matches!(op, Operator::Ne);
            };
            match op {
                Operator::Eq => ord == Ordering::Equal,
                Operator::Ne => ord != Ordering::Equal,
                Operator::Gt => ord == Ordering::Greater,
                Operator::Ge => ord != Ordering::Less,
                Operator::Lt => ord == Ordering::Less,
                Operator::Le => ord != Ordering::Greater,
            }
        }
        Expr::Function {
            function,
            field,
            text: needle,
        } => {
            let Some(hay) = record.get(field).and_then(text) else {
                return false;
            };
            let (hay, needle) = (hay.to_lowercase(), needle.to_lowercase());
            match function {
                Function::SubstringOf => hay.contains(&needle),
                Function::StartsWith => hay.starts_with(&needle),
                Function::EndsWith => hay.ends_with(&needle),
            }
        }
    }
}

/// Parses `$orderby` with the library's grammar and types its fields.
pub(crate) fn parse_order(
    input: &str,
    fields: &dyn Fn(&str) -> Option<FieldType>,
) -> Result<Vec<(String, FieldType, bool)>, String> {
    parse_order_by(input)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|key| {
            let ty = fields(&key.field)
                .ok_or_else(|| format!("Could not find a property named '{}'", key.field))?;
            Ok((key.field, ty, key.descending))
        })
        .collect()
}

pub(crate) fn order_cmp(a: &Value, b: &Value, order: &[(String, FieldType, bool)]) -> Ordering {
    for (field, ty, desc) in order {
        let (va, vb) = (
            a.get(field).unwrap_or(&Value::Null),
            b.get(field).unwrap_or(&Value::Null),
        );
        let ord = match (text(va), text(vb)) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => match ty {
                FieldType::Decimal | FieldType::Int => cmp_decimal(&x, &y),
                _ => x.to_lowercase().cmp(&y.to_lowercase()),
            },
        };
        let ord = if *desc { ord.reverse() } else { ord };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(name: &str) -> Option<FieldType> {
        match name {
            "AgentId" => Some(FieldType::Decimal),
            "AgentName" | "OSType" => Some(FieldType::Str),
            "Online" => Some(FieldType::Int),
            "LastCheckInTime" => Some(FieldType::DateTime),
            _ => None,
        }
    }

    #[test]
    fn evaluates_the_grammar() {
        let rec = json!({"AgentId": "121747357971679", "AgentName": "O'Brien's PC", "Online": 1, "OSType": "Win10", "LastCheckInTime": "2019-06-18T00:00:00"});
        let yes = [
            "AgentName eq 'O''Brien''s PC'",
            "AgentId eq 121747357971679M",
            "AgentId gt 99999999999999M and Online ne 0",
            "substringof('brien', AgentName)",
            "startswith(OSType, 'win') or Online eq 5",
            "not (Online eq 0)",
            "LastCheckInTime gt DATETIME'2019-06-17T07:14:20'",
        ];
        for f in yes {
            assert!(eval(&parse(f, &fields).unwrap(), &rec), "{f}");
        }
        assert!(!eval(
            &parse("endswith(AgentName, 'x')", &fields).unwrap(),
            &rec
        ));
    }

    #[test]
    fn refuses_like_the_server() {
        for (filter, message) in [
            ("AgentId eq 121747357971679", "Edm.Int32"),
            ("Nope eq 'x'", "Could not find a property"),
            ("startswith(Online, '1')", "non-string property 'Online'"),
        ] {
            let err = parse(filter, &fields).unwrap_err();
            assert!(err.contains(message), "{filter}: {err}");
        }
        let err = parse_order("Nope desc", &fields).unwrap_err();
        assert!(err.contains("Could not find a property"), "{err}");
        assert!(parse("AgentName eq 'unterminated", &fields).is_err());
        assert!(parse("AgentName eq", &fields).is_err());
        assert!(parse("(AgentName eq 'a'", &fields).is_err());
        assert!(parse("AgentName eq 'a' junk", &fields).is_err());
    }

    #[test]
    fn decimals_compare_exactly() {
        assert_eq!(
            cmp_decimal("72135976418143160123456789", "72135976418143160123456788"),
            Ordering::Greater
        );
        assert_eq!(cmp_decimal("007", "7.0"), Ordering::Equal);
        assert_eq!(cmp_decimal("-2", "1"), Ordering::Less);
    }
}
