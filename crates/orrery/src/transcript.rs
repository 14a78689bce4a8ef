//! Transcripts (TRANSCRIPT.md): parse a terminal session, run it against a fresh
//! simulated cluster, print it back with actual output, and check actual against
//! expected output with `[..]` (any run of characters in a line) and `...` (any number of
//! lines).

use crate::shell::{heredoc_marker, Session};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A `#` line, kept verbatim (lesson narrative).
    Comment(String),
    /// Blank lines between items, kept so `run` prints the file back faithfully.
    Blank,
    Command(Command),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// 1-based line of the `$ ` line.
    pub line_no: usize,
    /// The command line without `$ `.
    pub line: String,
    /// The heredoc body and its terminator, if the command opens one.
    pub heredoc: Option<(String, String)>,
    /// Expected output lines (trailing blank lines removed). Empty: nothing checked.
    pub expected: Vec<String>,
}

/// Parses a transcript. Text before the first command that is not a comment or blank is
/// an error (the file is probably not a transcript).
pub fn parse(text: &str) -> Result<Vec<Item>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut items = vec![];
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if l.starts_with('#') {
            items.push(Item::Comment(l.to_string()));
            i += 1;
        } else if let Some(cmd) = l.strip_prefix("$ ").or_else(|| (l == "$").then_some("")) {
            let line_no = i + 1;
            i += 1;
            let heredoc = match heredoc_marker(cmd) {
                Some(marker) => {
                    let mut body = String::new();
                    loop {
                        let Some(b) = lines.get(i) else {
                            return Err(format!("line {line_no}: here-document opened by `<<{marker}` is not closed by a line `{marker}`"));
                        };
                        i += 1;
                        if b.trim_end() == marker {
                            break;
                        }
                        body.push_str(b);
                        body.push('\n');
                    }
                    Some((body, marker))
                }
                None => None,
            };
            let mut expected = vec![];
            while i < lines.len()
                && !lines[i].starts_with("$ ")
                && lines[i] != "$"
                && !lines[i].starts_with('#')
            {
                expected.push(lines[i].to_string());
                i += 1;
            }
            let mut trailing_blanks = 0;
            while expected
                .last()
                .is_some_and(|l: &String| l.trim().is_empty())
            {
                expected.pop();
                trailing_blanks += 1;
            }
            items.push(Item::Command(Command {
                line_no,
                line: cmd.to_string(),
                heredoc,
                expected,
            }));
            for _ in 0..trailing_blanks {
                items.push(Item::Blank);
            }
        } else if l.trim().is_empty() {
            items.push(Item::Blank);
            i += 1;
        } else {
            return Err(format!(
                "line {}: expected a `$ ` command or a `#` comment, found {:?}",
                i + 1,
                l
            ));
        }
    }
    Ok(items)
}

/// One command's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ran {
    pub command: Command,
    pub actual: String,
    pub code: i32,
}

/// Runs every command of a transcript in `session`.
pub fn run(session: &mut Session, items: &[Item]) -> Vec<Ran> {
    let mut out = vec![];
    for item in items {
        if let Item::Command(c) = item {
            let o = session.exec(&c.line, c.heredoc.as_ref().map(|(b, _)| b.as_str()));
            out.push(Ran {
                command: c.clone(),
                actual: o.text,
                code: o.code,
            });
        }
    }
    out
}

/// The transcript printed back with actual output (`orrery run`).
pub fn render(items: &[Item], ran: &[Ran]) -> String {
    let mut s = String::new();
    let mut results = ran.iter();
    for item in items {
        match item {
            Item::Comment(c) => {
                s.push_str(c);
                s.push('\n');
            }
            Item::Blank => s.push('\n'),
            Item::Command(c) => {
                s.push_str("$ ");
                s.push_str(&c.line);
                s.push('\n');
                if let Some((body, marker)) = &c.heredoc {
                    s.push_str(body);
                    s.push_str(marker);
                    s.push('\n');
                }
                if let Some(r) = results.next() {
                    for l in r.actual.lines() {
                        s.push_str(l.trim_end());
                        s.push('\n');
                    }
                }
            }
        }
    }
    s
}

/// Whether one actual line matches one expected line (`[..]` wildcards). Trailing
/// whitespace is ignored on both sides.
pub fn line_matches(expected: &str, actual: &str) -> bool {
    let e = expected.trim_end();
    let a = actual.trim_end();
    let parts: Vec<&str> = e.split("[..]").collect();
    if parts.len() == 1 {
        return e == a;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !a.starts_with(first) || a.len() < first.len() + last.len() || !a.ends_with(last) {
        return false;
    }
    let mut pos = first.len();
    let end = a.len() - last.len();
    for mid in &parts[1..parts.len() - 1] {
        match a[pos..end].find(mid) {
            Some(i) => pos += i + mid.len(),
            None => return false,
        }
    }
    pos <= end
}

/// Whether actual output lines match expected lines (`...` = any number of lines).
pub fn lines_match(expected: &[String], actual: &[&str]) -> bool {
    // Iterative matching with one backtrack point per `...`, as glob matching does.
    let (mut e, mut a) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while a < actual.len() {
        if e < expected.len() && expected[e].trim() == "..." {
            star = Some((e, a));
            e += 1;
        } else if e < expected.len() && line_matches(&expected[e], actual[a]) {
            e += 1;
            a += 1;
        } else if let Some((se, sa)) = star {
            e = se + 1;
            a = sa + 1;
            star = Some((se, sa + 1));
        } else {
            return false;
        }
    }
    while e < expected.len() && expected[e].trim() == "..." {
        e += 1;
    }
    e == expected.len()
}

/// A mismatch, readable: the command, then expected and actual with markers.
pub fn check(ran: &[Ran], file: &str) -> Vec<String> {
    let mut failures = vec![];
    for r in ran {
        if r.command.expected.is_empty() {
            continue;
        }
        let mut actual: Vec<&str> = r.actual.lines().collect();
        while actual.last().is_some_and(|l| l.trim().is_empty()) {
            actual.pop();
        }
        if lines_match(&r.command.expected, &actual) {
            continue;
        }
        let mut msg = format!("{file}:{}: $ {}\n", r.command.line_no, r.command.line);
        msg.push_str("--- expected\n+++ actual\n");
        let n = r.command.expected.len().max(actual.len());
        for i in 0..n {
            let e = r.command.expected.get(i).map(String::as_str);
            let a = actual.get(i).copied();
            match (e, a) {
                (Some(e), Some(a)) if line_matches(e, a) || e.trim() == "..." => {
                    msg.push_str(&format!("  {a}\n"))
                }
                (Some(e), Some(a)) => msg.push_str(&format!("- {e}\n+ {a}\n")),
                (Some(e), None) => msg.push_str(&format!("- {e}\n")),
                (None, Some(a)) => msg.push_str(&format!("+ {a}\n")),
                (None, None) => {}
            }
        }
        failures.push(msg);
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(line_matches(
            "pacman-[..]   1/1     Running   0          30s",
            "pacman-5b6c9-x7k2p   1/1     Running   0          30s"
        ));
        assert!(!line_matches("a[..]b", "ab-c"));
        assert!(line_matches("a[..]b", "ab"));
        assert!(line_matches("[..]", "anything"));
        let exp: Vec<String> = ["x", "...", "z"].iter().map(|s| s.to_string()).collect();
        assert!(lines_match(&exp, &["x", "y1", "y2", "z"]));
        assert!(lines_match(&exp, &["x", "z"]));
        assert!(!lines_match(&exp, &["x", "y"]));
    }

    #[test]
    fn parses_commands_heredocs_and_comments() {
        let t = "# hello\n$ cat <<EOF > a.yaml\nkind: X\nEOF\n$ kubectl get pods\nNAME\nweb-0\n\n# end\n";
        let items = parse(t).unwrap();
        assert_eq!(items.len(), 5);
        let Item::Command(c) = &items[1] else {
            panic!()
        };
        assert_eq!(c.heredoc, Some(("kind: X\n".into(), "EOF".into())));
        let Item::Command(c) = &items[2] else {
            panic!()
        };
        assert_eq!(c.expected, vec!["NAME", "web-0"]);
        assert!(parse("hello\n").is_err());
        assert!(parse("$ cat <<EOF > x\nno end\n").is_err());
    }
}
