//! Property test: any name and custom properties survive the round trip through an
//! installer URL — built, rendered as text, parsed by the `url` crate, and read back
//! both by [`InstallerParams::from_url`] and by an independent query parser.
//!
//! The workspace has no property-testing crate, so this runs the workspace's seeded
//! generator ([`Prng`]) over thousands of cases biased toward hostile characters.

use screenconnect_client::installer::{InstallerParams, InstallerUrl, Platform};
use screenconnect_client::models::CustomProperties;
use screenconnect_client::msp_common::chaos::Prng;
use url::Url;

/// A random text biased toward characters that break URLs and query parsers.
fn text(rng: &mut Prng) -> String {
    const HOSTILE: &[char] = &[
        ' ', '&', '#', '+', '%', '=', '?', '/', '\\', '\'', '"', ';', ',', '~', '*', '<', '>',
        '\t', '\n', '\0', 'é', 'ß', '中', '😀', '\u{200b}', '\u{feff}', '%', '2', '0', 'c', '[',
    ];
    let len = rng.below(24) as usize;
    (0..len)
        .map(|_| match rng.below(4) {
            0 => *rng.pick(HOSTILE),
            1 => char::from(b'A' + rng.below(26) as u8),
            2 => char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('x'),
            _ => char::from(b' ' + rng.below(95) as u8),
        })
        .collect()
}

#[test]
fn names_and_properties_survive_the_round_trip() {
    let mut rng = Prng::new(0x5C_2026);
    for case in 0..4000 {
        let platform = Platform::ALL[rng.below(6) as usize];
        let name = text(&mut rng);
        let values: Vec<String> = (0..8)
            .map(|_| {
                if rng.below(3) == 0 {
                    String::new()
                } else {
                    text(&mut rng)
                }
            })
            .collect();
        let props = CustomProperties::from_values(values.clone());
        let relay =
            (rng.below(2) == 0).then(|| (text(&mut rng), rng.below(65536) as u16, text(&mut rng)));
        let instance = if rng.below(2) == 0 {
            "https://acme.screenconnect.com"
        } else {
            "http://127.0.0.1:8040/ScreenConnect/"
        };
        let mut builder = InstallerUrl::new(instance, platform)
            .name(name.clone())
            .custom_properties(props.clone());
        if let Some((host, port, key)) = &relay {
            builder = builder
                .relay_host(host.clone())
                .relay_port(*port)
                .public_key(key.clone());
        }
        let built = builder.build().unwrap();

        // Through text and a fresh parse, as a browser or an RMM tool would.
        let reparsed = Url::parse(built.as_str()).unwrap();
        assert_eq!(reparsed, built, "case {case}");
        let query = reparsed.query().unwrap();
        assert!(
            query.starts_with("e=Access&y=Guest&t="),
            "case {case}: {query}"
        );
        assert!(
            query
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%=&".contains(&b)),
            "case {case}: every value is fully percent-encoded: {query}"
        );
        assert_eq!(
            query.matches("&c=").count(),
            8,
            "case {case}: exactly eight c= slots"
        );

        let params = InstallerParams::from_url(&reparsed).unwrap();
        assert_eq!(params.platform, platform);
        assert_eq!(params.session_type, "Access");
        assert_eq!(params.role, "Guest");
        assert_eq!(params.name, name, "case {case}");
        assert_eq!(params.custom_properties, props, "case {case}");
        assert_eq!(params.custom_properties.as_slice(), values.as_slice());
        match &relay {
            Some((host, port, key)) => {
                assert_eq!(params.relay_host.as_deref(), Some(host.as_str()));
                assert_eq!(params.relay_port, Some(*port));
                assert_eq!(params.public_key.as_deref(), Some(key.as_str()));
            }
            None => assert!(params.relay_host.is_none() && params.relay_port.is_none()),
        }
        assert_eq!(
            params.instance.as_str().trim_end_matches('/'),
            instance.trim_end_matches('/')
        );

        // An independent reading of the c= slots, by position.
        let slots: Vec<String> = reparsed
            .query_pairs()
            .filter(|(k, _)| k == "c")
            .map(|(_, v)| v.into_owned())
            .collect();
        assert_eq!(slots, values, "case {case}");
    }
}
