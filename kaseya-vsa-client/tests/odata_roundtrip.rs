//! The one OData grammar: whatever the typed builder writes — hostile values included —
//! the library's parser reads back to the same fields and values, and the simulator
//! (which evaluates what that parser returns) treats each value as one literal.

use chrono::NaiveDate;
use kaseya_vsa_client::ids::AgentId;
use kaseya_vsa_client::odata::fields::agents;
use kaseya_vsa_client::odata::{
    Decimal, Expr, Field, Filter, Function, Literal, Operator, parse_filter, parse_order_by,
};
use msp_common::chaos::Prng;

/// Values built to break a careless quoting or grouping.
fn hostile() -> Vec<String> {
    let mut values: Vec<String> = [
        "O'Brien's PC",
        "'",
        "''",
        "''''",
        "')",
        "')) or ((",
        "a) or (b",
        " or ",
        " and ",
        "not",
        "' or 1 eq 1 or 'a' eq '",
        "x' or AgentName ne '",
        "substringof('x', AgentName)",
        "DATETIME'2019-01-01T00:00:00'",
        "12M",
        "null",
        "true",
        "",
        " ",
        "\t\n\r",
        "\\",
        "\\'",
        "%27%20or%20%27",
        "a&b=c+d#e",
        "ünïcödé 日本語 🙂 \u{202e}rtl",
        "\u{0}\u{1f}",
        "(((((",
        ")))))",
        ",,,",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    values.push("'".repeat(5000));
    values.push("') or ('".repeat(2000));
    values.push("🙂'".repeat(3000));
    // Random mixes of the dangerous pieces.
    let pieces = [
        "'", "''", "(", ")", " or ", " and ", "not ", ",", " eq ", "M", "1", " ", "é", "🙂", "\"",
        "\\", "%", "&", "+", "#", "\u{202e}", "\n",
    ];
    let mut rng = Prng::new(0x0da7a);
    for _ in 0..500 {
        let len = rng.below(40) as usize;
        values.push((0..len).map(|_| *rng.pick(&pieces)).collect());
    }
    values
}

fn string(value: &str) -> Literal {
    Literal::String(value.to_owned())
}

fn compare(field: &str, op: Operator, value: Literal) -> Expr {
    Expr::Compare {
        field: field.to_owned(),
        op,
        value,
    }
}

fn function(function: Function, field: &str, text: &str) -> Expr {
    Expr::Function {
        function,
        field: field.to_owned(),
        text: text.to_owned(),
    }
}

fn parsed(filter: &Filter) -> Expr {
    let text = filter.to_string();
    parse_filter(&text).unwrap_or_else(|e| panic!("`{text}` did not parse: {e}"))
}

#[test]
fn every_comparison_and_function_reads_back_its_hostile_value() {
    for value in hostile() {
        let v = value.as_str();
        assert_eq!(
            parsed(&agents::AGENT_NAME.eq(v)),
            compare("AgentName", Operator::Eq, string(v)),
            "{v:?}"
        );
        assert_eq!(
            parsed(&agents::COMPUTER_NAME.ne(value.clone())),
            compare("ComputerName", Operator::Ne, string(v)),
            "{v:?}"
        );
        assert_eq!(
            parsed(&agents::AGENT_NAME.substringof(v)),
            function(Function::SubstringOf, "AgentName", v),
            "{v:?}"
        );
        assert_eq!(
            parsed(&agents::OS_TYPE.startswith(v)),
            function(Function::StartsWith, "OSType", v),
            "{v:?}"
        );
        assert_eq!(
            parsed(&agents::OS_INFO.endswith(v)),
            function(Function::EndsWith, "OSInfo", v),
            "{v:?}"
        );
    }
}

#[test]
fn combinations_keep_their_structure_around_hostile_values() {
    let values = hostile();
    for window in values.windows(4).step_by(3) {
        let [a, b, c, d] = window else { unreachable!() };
        // A and (B or C) and not (D): the builder groups, the parser nests left to right.
        let filter = agents::AGENT_NAME
            .eq(a.as_str())
            .and(
                agents::COMPUTER_NAME
                    .substringof(b)
                    .or(agents::OS_TYPE.endswith(c)),
            )
            .and(!agents::CONTACT.ne(d.as_str()));
        let expected = Expr::And(
            Box::new(Expr::And(
                Box::new(compare("AgentName", Operator::Eq, string(a))),
                Box::new(Expr::Or(
                    Box::new(function(Function::SubstringOf, "ComputerName", b)),
                    Box::new(function(Function::EndsWith, "OSType", c)),
                )),
            )),
            Box::new(Expr::Not(Box::new(compare(
                "Contact",
                Operator::Ne,
                string(d),
            )))),
        );
        assert_eq!(parsed(&filter), expected, "{filter}");

        // (A or B) and C: the grouping the builder writes is the grouping read back.
        let filter = agents::AGENT_NAME
            .eq(a.as_str())
            .or(agents::AGENT_NAME.eq(b.as_str()))
            .and(agents::COUNTRY.eq(c.as_str()));
        let expected = Expr::And(
            Box::new(Expr::Or(
                Box::new(compare("AgentName", Operator::Eq, string(a))),
                Box::new(compare("AgentName", Operator::Eq, string(b))),
            )),
            Box::new(compare("Country", Operator::Eq, string(c))),
        );
        assert_eq!(parsed(&filter), expected, "{filter}");
    }
}

#[test]
fn typed_literals_read_back_exactly() {
    let big = AgentId::new("72135976418143160123456789").unwrap();
    assert_eq!(
        parsed(&agents::AGENT_ID.eq(&big)),
        compare(
            "AgentId",
            Operator::Eq,
            Literal::Decimal(big.as_str().to_owned())
        )
    );
    for (n, op) in [
        (i64::MIN, Operator::Lt),
        (i64::MAX, Operator::Ge),
        (0, Operator::Le),
    ] {
        let filter = match op {
            Operator::Lt => agents::RAM_MBYTES.lt(n),
            Operator::Ge => agents::RAM_MBYTES.ge(n),
            _ => agents::RAM_MBYTES.le(n),
        };
        assert_eq!(
            parsed(&filter),
            compare("RamMBytes", op, Literal::Int(n.to_string()))
        );
    }
    assert_eq!(
        parsed(&agents::CPU_COUNT.gt(u64::MAX)),
        compare("CpuCount", Operator::Gt, Literal::Int(u64::MAX.to_string()))
    );
    assert_eq!(
        parsed(&agents::CPU_SPEED.eq(Decimal::new("-12.50").unwrap())),
        compare("CpuSpeed", Operator::Eq, Literal::Decimal("-12.50".into()))
    );
    assert_eq!(
        parsed(&agents::SHOW_TOOL_TIP.eq(true)),
        compare("ShowToolTip", Operator::Eq, Literal::Bool(true))
    );
    let at = NaiveDate::from_ymd_opt(2019, 6, 17)
        .unwrap()
        .and_hms_opt(7, 14, 20)
        .unwrap();
    assert_eq!(
        parsed(&agents::LAST_CHECK_IN_TIME.gt(at)),
        compare("LastCheckInTime", Operator::Gt, Literal::DateTime(at))
    );
    let nested = Field::new("Attributes/Color").unwrap();
    assert_eq!(
        parsed(&nested.eq("it's red")),
        compare("Attributes/Color", Operator::Eq, string("it's red"))
    );
}

#[test]
fn order_by_reads_back() {
    let order = agents::AGENT_NAME
        .desc()
        .then_asc(&agents::AGENT_ID)
        .then_desc(&Field::new("Attributes/Color").unwrap());
    let keys = parse_order_by(&order.to_string()).unwrap();
    let keys: Vec<(&str, bool)> = keys
        .iter()
        .map(|k| (k.field.as_str(), k.descending))
        .collect();
    assert_eq!(
        keys,
        [
            ("AgentName", true),
            ("AgentId", false),
            ("Attributes/Color", true)
        ]
    );
}

/// The simulator reads each hostile value as one literal: `AgentName eq <value> or
/// ComputerName eq 'O''Brien''s PC'` finds exactly the one agent named O'Brien, and no
/// value escapes its quotes to match more (or fails to parse).
#[cfg(feature = "sim")]
#[tokio::test]
async fn the_simulator_reads_hostile_values_as_single_literals() {
    use kaseya_vsa_client::Listing;

    let sim = kaseya_vsa_client::sim::Simulator::builder()
        .agents(20)
        .start()
        .await;
    let vsa = sim.client().unwrap();
    for value in hostile().into_iter().take(40) {
        let found = vsa
            .agents()
            .list()
            .filter(
                agents::AGENT_NAME
                    .eq(value.as_str())
                    .or(agents::COMPUTER_NAME.eq("O'Brien's PC")),
            )
            .collect()
            .await
            .unwrap_or_else(|e| panic!("{value:?}: {e}"));
        assert_eq!(found.len(), 1, "{value:?}");
        assert_eq!(
            found[0].computer_name.as_deref(),
            Some("O'Brien's PC"),
            "{value:?}"
        );
    }
}
