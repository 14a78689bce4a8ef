//! Validation with the API server's exact texts (R2): object names per kind (R2.5),
//! required names, and kind-specific rules (R3.15, R4.7, R7.2) as they are modelled.

use crate::api::{Object, ResourceType};
use crate::errors::FieldError;
use crate::sim::Sim;

pub const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
pub const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
pub const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";

fn is_label_char(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'
}

fn is_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// Matches `[a-z0-9]([-a-z0-9]*[a-z0-9])?`.
pub fn matches_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && is_alnum(b[0])
        && is_alnum(b[b.len() - 1])
        && b.iter().all(|&c| is_label_char(c))
}

pub fn matches_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(matches_dns1123_label)
}

pub fn matches_dns1035_label(s: &str) -> bool {
    matches_dns1123_label(s) && s.as_bytes()[0].is_ascii_lowercase()
}

/// R2.1 `IsDNS1123Label`.
pub fn dns1123_label(s: &str) -> Vec<String> {
    let mut errs = vec![];
    if s.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !matches_dns1123_label(s) {
        if matches_dns1123_subdomain(s) {
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(format!("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '{DNS1123_LABEL_FMT}')"));
        }
    }
    errs
}

/// R2.2 `IsDNS1123Subdomain`.
pub fn dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errs = vec![];
    if s.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    if !matches_dns1123_subdomain(s) {
        errs.push(format!("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{DNS1123_SUBDOMAIN_FMT}')"));
    }
    errs
}

/// R2.3 `IsDNS1035Label`.
pub fn dns1035_label(s: &str) -> Vec<String> {
    let mut errs = vec![];
    if s.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !matches_dns1035_label(s) {
        errs.push(format!("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '{DNS1035_LABEL_FMT}')"));
    }
    errs
}

/// Name validator for a kind (R2.5).
pub fn name_validator(sim: &Sim, gk: &str) -> fn(&str) -> Vec<String> {
    match gk {
        "Namespace" => dns1123_label,
        "Service" => dns1035_label,
        // R2.5: a DNS label since 1.26 (PR #114172), a subdomain before.
        "StatefulSet.apps" if sim.version.at_least(26) => dns1123_label,
        _ => dns1123_subdomain,
    }
}

/// All field errors for an object (empty when valid). `old` is the stored object on update.
pub fn validate(
    sim: &Sim,
    rt: &ResourceType,
    obj: &Object,
    old: Option<&Object>,
) -> Vec<FieldError> {
    let mut errs = vec![];
    let name = &obj.meta.name;
    if name.is_empty() {
        errs.push(FieldError::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else if old.is_none() {
        let v = name_validator(sim, &rt.gk());
        for msg in v(name) {
            errs.push(FieldError::invalid("metadata.name", name, &msg));
        }
    }
    errs.extend(crate::validation_network::validate(sim, rt, obj, old));
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rules() {
        assert_eq!(
            dns1123_label("my.ns"),
            vec!["must not contain dots".to_string()]
        );
        assert!(dns1123_label("web").is_empty());
        assert!(dns1123_label("Web")[0].starts_with("a lowercase RFC 1123 label"));
        assert!(dns1035_label("1web")[0].starts_with("a DNS-1035 label"));
        assert!(dns1123_subdomain("My_App")[0].starts_with("a lowercase RFC 1123 subdomain"));
        assert_eq!(
            dns1123_label(&"a".repeat(64)),
            vec!["must be no more than 63 characters".to_string()]
        );
    }
}
