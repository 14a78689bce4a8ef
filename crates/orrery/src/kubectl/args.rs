//! Command lines: shell-like tokenising (quotes, escapes) and kubectl-style flag parsing
//! (`-n x`, `--namespace=x`, `-nx`, `-A`, `--`), with kubectl's error texts for unknown
//! flags.

use std::collections::BTreeMap;

/// Splits a command line as a POSIX shell would for simple commands: single and double
/// quotes, backslash escapes. Returns an error for an unterminated quote.
pub fn tokenize(line: &str) -> Result<Vec<String>, String> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Err("unexpected EOF while looking for matching `''".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(x @ ('"' | '\\' | '$' | '`')) => cur.push(x),
                            Some(x) => {
                                cur.push('\\');
                                cur.push(x);
                            }
                            None => {
                                return Err("unexpected EOF while looking for matching `\"'".into())
                            }
                        },
                        Some(x) => cur.push(x),
                        None => return Err("unexpected EOF while looking for matching `\"'".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(x) = chars.next() {
                    cur.push(x);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

/// A flag a command accepts: long name, optional one-letter short name, and whether it
/// takes a value (`--replicas 3`) or is boolean (`--all`, `--force`, `-A`).
#[derive(Clone, Copy, Debug)]
pub struct FlagSpec {
    pub long: &'static str,
    pub short: Option<char>,
    pub takes_value: bool,
}

pub const fn flag(long: &'static str, short: Option<char>, takes_value: bool) -> FlagSpec {
    FlagSpec {
        long,
        short,
        takes_value,
    }
}

/// Parsed arguments: positional words, flag values by long name, and words after `--`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Args {
    pub positional: Vec<String>,
    pub flags: BTreeMap<String, Vec<String>>,
    pub after_dashes: Vec<String>,
}

impl Args {
    pub fn get(&self, long: &str) -> Option<&str> {
        self.flags
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    pub fn all(&self, long: &str) -> Vec<String> {
        self.flags.get(long).cloned().unwrap_or_default()
    }

    pub fn has(&self, long: &str) -> bool {
        self.flags.contains_key(long)
    }

    /// A boolean flag: present without value, or `=true`.
    pub fn bool(&self, long: &str) -> bool {
        match self.get(long) {
            Some(v) => v.is_empty() || v == "true",
            None => false,
        }
    }
}

/// An integer flag's value as pflag reads it (`strconv.ParseInt(s, 0, bits)`: base
/// prefixes `0x`, `0o`, `0b` and a leading `0` for octal, `_` between digits), or pflag's
/// error: `invalid argument "x" for "-r, --replicas" flag: strconv.ParseInt: parsing
/// "x": invalid syntax` (`value out of range` when it does not fit in `bits`). `flag` is
/// the flag as pflag names it (`-r, --replicas` when it has a short form).
pub fn int_flag(value: &str, flag: &str, bits: u32) -> Result<i64, String> {
    let fail = |why: &str| {
        format!("invalid argument \"{value}\" for \"{flag}\" flag: strconv.ParseInt: parsing \"{value}\": {why}")
    };
    let (negative, body) = match value.as_bytes().first() {
        Some(b'-') => (true, &value[1..]),
        Some(b'+') => (false, &value[1..]),
        _ => (false, value),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d, true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d, true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d, true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..], true)
    } else {
        (10, lower.as_str(), false)
    };
    // Underscores only between digits (or after a base prefix), as Go's base 0 allows.
    let bytes = digits.as_bytes();
    let underscores_ok = bytes.iter().enumerate().all(|(i, &c)| {
        c != b'_' || ((i > 0 || prefixed) && i + 1 < bytes.len() && bytes[i + 1] != b'_')
    });
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if clean.is_empty() || !underscores_ok || !clean.chars().all(|c| c.is_digit(radix)) {
        return Err(fail("invalid syntax"));
    }
    let magnitude = u128::from_str_radix(&clean, radix).map_err(|_| fail("value out of range"))?;
    let limit = 1u128 << (bits - 1);
    let fits = if negative {
        magnitude <= limit
    } else {
        magnitude < limit
    };
    if !fits {
        return Err(fail("value out of range"));
    }
    let m = magnitude as i128;
    Ok((if negative { -m } else { m }) as i64)
}

/// Parses words against flag specs, kubectl style. Errors are kubectl's texts.
pub fn parse(words: &[String], specs: &[FlagSpec]) -> Result<Args, String> {
    let mut a = Args::default();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if w == "--" {
            a.after_dashes = words[i..].to_vec();
            break;
        }
        if let Some(long) = w.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let Some(spec) = specs.iter().find(|s| s.long == name) else {
                return Err(format!("unknown flag: --{name}"));
            };
            let value = if spec.takes_value {
                match inline {
                    Some(v) => v,
                    // pflag's `NoOptDefVal`: a bare `--dry-run` takes no word after it.
                    None if spec.long == "dry-run" => "unchanged".to_string(),
                    None => {
                        let Some(v) = words.get(i) else {
                            return Err(format!("flag needs an argument: --{name}"));
                        };
                        i += 1;
                        v.clone()
                    }
                }
            } else {
                inline.unwrap_or_default()
            };
            a.flags
                .entry(spec.long.to_string())
                .or_default()
                .push(value);
        } else if w.len() > 1
            && w.starts_with('-')
            && !w[1..].starts_with(|c: char| c.is_ascii_digit())
        {
            // One or more short flags: `-A`, `-n ns`, `-nns`, `-it`, `-o=yaml`.
            let body: Vec<char> = w[1..].chars().collect();
            let mut j = 0;
            while j < body.len() {
                let c = body[j];
                let Some(spec) = specs.iter().find(|s| s.short == Some(c)) else {
                    return Err(format!("unknown shorthand flag: '{c}' in {w}"));
                };
                if spec.takes_value {
                    let rest: String = body[j + 1..].iter().collect();
                    let value = if !rest.is_empty() {
                        rest.strip_prefix('=').unwrap_or(&rest).to_string()
                    } else {
                        let Some(v) = words.get(i) else {
                            return Err(format!("flag needs an argument: '{c}' in -{c}"));
                        };
                        i += 1;
                        v.clone()
                    };
                    a.flags
                        .entry(spec.long.to_string())
                        .or_default()
                        .push(value);
                    break;
                }
                a.flags
                    .entry(spec.long.to_string())
                    .or_default()
                    .push(String::new());
                j += 1;
            }
        } else {
            a.positional.push(w.clone());
        }
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_dry_run_takes_no_value() {
        let specs = [flag("dry-run", None, true), flag("output", Some('o'), true)];
        let words = |ws: &[&str]| ws.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        let a = parse(&words(&["web", "--dry-run", "-o", "yaml"]), &specs).unwrap();
        assert_eq!(a.get("dry-run"), Some("unchanged"));
        assert_eq!(a.get("output"), Some("yaml"));
        let a = parse(&words(&["web", "--dry-run", "client"]), &specs).unwrap();
        assert_eq!(a.positional, ["web", "client"]);
        let a = parse(&words(&["--dry-run=server"]), &specs).unwrap();
        assert_eq!(a.get("dry-run"), Some("server"));
        // Other flags that take a value still take the next word.
        let a = parse(&words(&["--output", "json"]), &specs).unwrap();
        assert_eq!(a.get("output"), Some("json"));
    }

    #[test]
    fn integer_flags_read_as_pflag_reads_them() {
        assert_eq!(int_flag("3", "--replicas", 64), Ok(3));
        assert_eq!(int_flag("-2", "--replicas", 64), Ok(-2));
        assert_eq!(int_flag("0x10", "--replicas", 64), Ok(16));
        assert_eq!(int_flag("010", "--replicas", 64), Ok(8));
        assert_eq!(int_flag("1_000", "--replicas", 64), Ok(1000));
        assert_eq!(int_flag("0", "--replicas", 32), Ok(0));
        assert_eq!(int_flag("2147483647", "-r, --replicas", 32), Ok(2147483647));
        assert_eq!(
            int_flag("-2147483648", "-r, --replicas", 32),
            Ok(-2147483648)
        );
        assert_eq!(
            int_flag("3000000000", "-r, --replicas", 32).unwrap_err(),
            "invalid argument \"3000000000\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"3000000000\": value out of range"
        );
        assert_eq!(
            int_flag("three", "--replicas", 64).unwrap_err(),
            "invalid argument \"three\" for \"--replicas\" flag: strconv.ParseInt: parsing \"three\": invalid syntax"
        );
        for bad in ["", "-", "_1", "1_", "1__0", "08", "1.5", "0x"] {
            assert!(
                int_flag(bad, "--replicas", 64)
                    .unwrap_err()
                    .ends_with("invalid syntax"),
                "{bad}"
            );
        }
        assert!(int_flag("99999999999999999999", "--replicas", 64)
            .unwrap_err()
            .ends_with("value out of range"));
    }

    fn words(s: &str) -> Vec<String> {
        tokenize(s).unwrap()
    }

    #[test]
    fn tokenizes_like_a_shell() {
        assert_eq!(
            words("kubectl exec p -- sh -c 'echo hi > /f'"),
            ["kubectl", "exec", "p", "--", "sh", "-c", "echo hi > /f"]
        );
        assert_eq!(words(r#"a "b c" d\ e"#), ["a", "b c", "d e"]);
        assert!(tokenize("a 'b").is_err());
    }

    #[test]
    fn parses_flags() {
        let specs = [
            flag("namespace", Some('n'), true),
            flag("all-namespaces", Some('A'), false),
            flag("output", Some('o'), true),
        ];
        let a = parse(&words("get pods -n pacman -o=wide"), &specs).unwrap();
        assert_eq!(a.positional, ["get", "pods"]);
        assert_eq!(a.get("namespace"), Some("pacman"));
        assert_eq!(a.get("output"), Some("wide"));
        let a = parse(&words("get po -A"), &specs).unwrap();
        assert!(a.bool("all-namespaces"));
        let a = parse(&words("get po --namespace=x"), &specs).unwrap();
        assert_eq!(a.get("namespace"), Some("x"));
        assert_eq!(
            parse(&words("get --bogus"), &specs).unwrap_err(),
            "unknown flag: --bogus"
        );
    }
}
