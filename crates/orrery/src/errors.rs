//! API errors and how kubectl prints them (R2.6, R2.7, R9).

use std::fmt;

/// A field error (R2.6): `<field>: <type>[: <value>][: <detail>]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub kind: FieldErrorKind,
    /// The offending value, already rendered (strings as Go `%q`).
    pub value: Option<String>,
    pub detail: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldErrorKind {
    Required,
    Invalid,
    NotSupported,
    Forbidden,
    TooLong,
    Duplicate,
    NotFound,
    Internal,
}

impl FieldErrorKind {
    fn text(self) -> &'static str {
        match self {
            FieldErrorKind::Required => "Required value",
            FieldErrorKind::Invalid => "Invalid value",
            FieldErrorKind::NotSupported => "Unsupported value",
            FieldErrorKind::Forbidden => "Forbidden",
            FieldErrorKind::TooLong => "Too long",
            FieldErrorKind::Duplicate => "Duplicate value",
            FieldErrorKind::NotFound => "Not found",
            FieldErrorKind::Internal => "Internal error",
        }
    }
}

impl FieldError {
    pub fn invalid(field: &str, value: &str, detail: &str) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Invalid,
            value: Some(go_quote(value)),
            detail: detail.into(),
        }
    }

    /// An invalid value that is not a string (numbers print bare).
    pub fn invalid_raw(field: &str, value: &str, detail: &str) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Invalid,
            value: Some(value.into()),
            detail: detail.into(),
        }
    }

    pub fn required(field: &str, detail: &str) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Required,
            value: None,
            detail: detail.into(),
        }
    }

    pub fn forbidden(field: &str, detail: &str) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Forbidden,
            value: None,
            detail: detail.into(),
        }
    }

    pub fn not_supported(field: &str, value: &str, supported: &[&str]) -> FieldError {
        let list = supported
            .iter()
            .map(|s| go_quote(s))
            .collect::<Vec<_>>()
            .join(", ");
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::NotSupported,
            value: Some(go_quote(value)),
            detail: format!("supported values: {list}"),
        }
    }

    /// `field.TooLong`: the value is left out of the message. Its wording changed when
    /// apimachinery's validation errors were reworded: `must have at most N bytes` before,
    /// `may not be more than N bytes` after. The release of the change is **UNVERIFIED**;
    /// we take 1.30 (`new_wording`: the cluster is 1.30 or later).
    pub fn too_long(field: &str, max: usize, new_wording: bool) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::TooLong,
            value: None,
            detail: if new_wording {
                format!("may not be more than {max} bytes")
            } else {
                format!("must have at most {max} bytes")
            },
        }
    }

    pub fn duplicate(field: &str, value: &str) -> FieldError {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Duplicate,
            value: Some(go_quote(value)),
            detail: String::new(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.kind.text())?;
        if let Some(v) = &self.value {
            write!(f, ": {v}")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// Go's `%q` for the strings validation prints.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An error from the (simulated) API server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// `<resource> "<name>" not found` (R9.2). `resource` is the qualified plural.
    NotFound { resource: String, name: String },
    /// `<resource> "<name>" already exists` (R9.3).
    AlreadyExists { resource: String, name: String },
    /// `The <Kind> "<name>" is invalid: …` (R2.7).
    Invalid {
        kind: String,
        name: String,
        causes: Vec<FieldError>,
    },
    /// `<resource> "<name>" is forbidden: <message>` (R9.7).
    Forbidden {
        resource: String,
        name: String,
        message: String,
    },
    /// A kind the cluster does not serve (R9.5).
    NoKindMatch { kind: String, api_version: String },
    /// Anything else, printed as `Error from server (<reason>): <message>`.
    Other { reason: String, message: String },
}

impl ApiError {
    /// 409 Conflict, an update's resourceVersion precondition not met: `Operation cannot
    /// be fulfilled on <resource> "<name>": the object has been modified; please apply
    /// your changes to the latest version and try again` (apimachinery's `NewConflict`
    /// with `OptimisticLockErrorMsg`). `resource` is the qualified plural.
    pub fn conflict(resource: &str, name: &str) -> ApiError {
        ApiError::Other {
            reason: "Conflict".into(),
            message: format!(
                "Operation cannot be fulfilled on {resource} {}: the object has been modified; please apply your changes to the latest version and try again",
                go_quote(name)
            ),
        }
    }

    pub fn reason(&self) -> &str {
        match self {
            ApiError::NotFound { .. } => "NotFound",
            ApiError::AlreadyExists { .. } => "AlreadyExists",
            ApiError::Invalid { .. } => "Invalid",
            ApiError::Forbidden { .. } => "Forbidden",
            ApiError::NoKindMatch { .. } => "NotFound",
            ApiError::Other { reason, .. } => reason,
        }
    }

    /// The server's message, without kubectl's framing.
    pub fn message(&self) -> String {
        match self {
            ApiError::NotFound { resource, name } => {
                format!("{resource} {} not found", go_quote(name))
            }
            ApiError::AlreadyExists { resource, name } => {
                format!("{resource} {} already exists", go_quote(name))
            }
            ApiError::Invalid { kind, name, causes } => {
                let causes: Vec<String> = causes.iter().map(|c| c.to_string()).collect();
                if causes.len() == 1 {
                    format!("The {kind} {} is invalid: {}", go_quote(name), causes[0])
                } else {
                    let mut s = format!("The {kind} {} is invalid: ", go_quote(name));
                    for c in causes {
                        s.push_str("\n* ");
                        s.push_str(&c);
                    }
                    s
                }
            }
            ApiError::Forbidden {
                resource,
                name,
                message,
            } => {
                format!("{resource} {} is forbidden: {message}", go_quote(name))
            }
            ApiError::NoKindMatch { kind, api_version } => {
                format!(
                    "no matches for kind {} in version {}",
                    go_quote(kind),
                    go_quote(api_version)
                )
            }
            ApiError::Other { message, .. } => message.clone(),
        }
    }

    /// How kubectl prints this error for a command that did not read a file:
    /// `Error from server (NotFound): pods "x" not found`; Invalid errors are printed
    /// bare (R2.7).
    pub fn kubectl_text(&self) -> String {
        match self {
            ApiError::Invalid { .. } => self.message(),
            _ => format!("Error from server ({}): {}", self.reason(), self.message()),
        }
    }

    /// How kubectl prints this error for `create|apply -f FILE` (R9.3, R9.5, R5.14).
    pub fn kubectl_file_text(
        &self,
        verb: &str,
        source: &str,
        name: &str,
        namespace: &str,
    ) -> String {
        match self {
            ApiError::Invalid { .. } => self.message(),
            ApiError::NoKindMatch { .. } => format!(
                "error: resource mapping not found for name: {} namespace: {} from {}: {}\nensure CRDs are installed first",
                go_quote(name),
                go_quote(namespace),
                go_quote(source),
                self.message()
            ),
            _ => format!(
                "Error from server ({}): error when {verb} {}: {}",
                self.reason(),
                go_quote(source),
                self.message()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_errors_print_like_kubectl() {
        let one = ApiError::Invalid {
            kind: "Namespace".into(),
            name: "my.ns".into(),
            causes: vec![FieldError::invalid(
                "metadata.name",
                "my.ns",
                "must not contain dots",
            )],
        };
        assert_eq!(
            one.kubectl_text(),
            "The Namespace \"my.ns\" is invalid: metadata.name: Invalid value: \"my.ns\": must not contain dots"
        );
        let two = ApiError::Invalid {
            kind: "Ingress".into(),
            name: "x".into(),
            causes: vec![
                FieldError::required(
                    "spec.rules[0].http.paths[0].pathType",
                    "pathType must be specified",
                ),
                FieldError::not_supported("spec.x", "Y", &["A", "B"]),
            ],
        };
        assert_eq!(
            two.kubectl_text(),
            "The Ingress \"x\" is invalid: \n* spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified\n* spec.x: Unsupported value: \"Y\": supported values: \"A\", \"B\""
        );
    }

    #[test]
    fn not_found_and_exists() {
        let e = ApiError::NotFound {
            resource: "pods".into(),
            name: "x".into(),
        };
        assert_eq!(
            e.kubectl_text(),
            "Error from server (NotFound): pods \"x\" not found"
        );
        let e = ApiError::AlreadyExists {
            resource: "statefulsets.apps".into(),
            name: "web".into(),
        };
        assert_eq!(
            e.kubectl_file_text("creating", "web.yaml", "web", "default"),
            "Error from server (AlreadyExists): error when creating \"web.yaml\": statefulsets.apps \"web\" already exists"
        );
    }
}
