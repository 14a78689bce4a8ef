//! The manifest parser: any text through `manifest::parse` (files, `kubectl apply -f`)
//! and `manifest::parse_values` (`kubectl patch -p`). Never panics, never hangs; every
//! diagnostic points inside the text; what loads prints back as YAML that loads again;
//! the fast YAML reader (`yaml_fast`) gives what serde_yaml alone gives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orrery::manifest::{parse, parse_values, to_yaml};
use serde_json::Value;

/// `v` with every float that is a whole number within 64 bits made an integer.
fn integral(v: Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                Value::from(f as i64)
            } else {
                Value::Number(n)
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(integral).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, integral(v))).collect()),
        other => other,
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let both = [parse(&text), parse_values(&text)];
    orrery::yaml_fast::set_enabled(false);
    let slow = [parse(&text), parse_values(&text)];
    orrery::yaml_fast::set_enabled(true);
    assert_eq!(both, slow, "the fast YAML reader differs from serde_yaml");
    for parsed in both {
        // YAML breaks lines at \n, \r\n and a lone \r.
        let lines = text.matches(['\n', '\r']).count() + 2;
        for d in parsed.diagnostics.iter().chain(&parsed.warnings) {
            assert!(d.line <= lines, "diagnostic line {} outside {lines} lines", d.line);
        }
        for doc in &parsed.documents {
            // The YAML the inspector shows reads back as the same value.
            let again = parse_values(&to_yaml(&doc.value));
            assert!(again.diagnostics.is_empty(), "to_yaml output does not parse: {:?}", again.diagnostics);
            assert_eq!(again.documents.len(), 1, "to_yaml output is not one document");
            // A float with no fraction prints as an integer (`224.` → `224`), as kubectl
            // prints Go's float64 224: the same number, read back as an integer.
            assert_eq!(
                integral(again.documents[0].value.clone()),
                integral(doc.value.clone()),
                "to_yaml output reads back differently"
            );
        }
    }
});
