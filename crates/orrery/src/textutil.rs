//! The text filters a learner pipes output through: `grep`, `head`, `tail`, `wc`, `sort`,
//! on the learner's machine (`kubectl get pods | grep web`, [`crate::shell`]) and in a
//! pod's shell (`kubectl exec … -- sh -c 'wget -qO- web | grep title'`).
//!
//! - `grep [-i] [-v] [-c] [-q] [-n] [-A N] [-B N] [-C N] [-e] PATTERN [FILE…]`: a basic
//!   regular expression (`.`, `*`, `^`, `$`, `\` escapes, bracket expressions with ranges
//!   and `^`; alternatives with `-E`'s `|` or GNU's `\|`; `\+`, `\{…\}` and classes like
//!   `[:digit:]` are not read); context groups apart are separated by `--`, as GNU's.
//! - `head`/`tail [-n N | -N]` (10 lines by default), `wc [-l] [-w] [-c]`,
//!   `sort [-r] [-n] [-u]`.
//!
//! Exit status as the tools': grep 0 when a line was selected, 1 when none, 2 on an error.

use std::fmt::Write as _;

/// Whether `prog` is one of the filters here.
pub fn is_filter(prog: &str) -> bool {
    matches!(prog, "grep" | "head" | "tail" | "wc" | "sort")
}

/// Runs a filter over `stdin` (or the files it names, read by `read`, whose error is the
/// reason as the system says it): what it prints on stdout and stderr, and its status.
/// `gnu` picks GNU's usage texts over busybox's.
pub fn run(
    prog: &str,
    args: &[String],
    stdin: &str,
    read: &dyn Fn(&str) -> Result<String, String>,
    gnu: bool,
) -> (String, String, i32) {
    let (flags, operands) = split_args(prog, args);
    let (pattern, files) = match prog {
        "grep" => match flags.iter().find_map(|f| f.strip_prefix("e=")) {
            Some(p) => (p.to_string(), &operands[..]),
            None => match operands.split_first() {
                Some((p, rest)) => (p.clone(), rest),
                None => {
                    let usage = if gnu {
                        "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n"
                    } else {
                        "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n"
                    };
                    return (String::new(), usage.into(), 2);
                }
            },
        },
        _ => (String::new(), &operands[..]),
    };
    let mut input = String::new();
    let mut stderr = String::new();
    let mut code = 0;
    if files.is_empty() {
        input = stdin.to_string();
    }
    for f in files {
        match read(f) {
            Ok(t) => input.push_str(&t),
            Err(e) => {
                code = if prog == "grep" { 2 } else { 1 };
                _ = writeln!(stderr, "{prog}: {f}: {e}");
            }
        }
    }
    let (text, status) = filter(prog, &flags, &pattern, &input);
    (text, stderr, if code != 0 { code } else { status })
}

/// Splits a filter's words into its flags (letters; `n=N` for `-n N` / `-N` of head and
/// tail, `e=P` for `grep -e P`, `A=N`/`B=N`/`C=N` for grep's context) and operands.
fn split_args(prog: &str, args: &[String]) -> (Vec<String>, Vec<String>) {
    let mut flags = vec![];
    let mut operands = vec![];
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if operands.is_empty() || prog != "grep" {
            if let Some(rest) = a.strip_prefix('-').filter(|r| !r.is_empty()) {
                if rest.chars().all(|c| c.is_ascii_digit()) {
                    flags.push(format!("n={rest}"));
                    continue;
                }
                let mut chars = rest.chars();
                while let Some(c) = chars.next() {
                    let takes = match prog {
                        "head" | "tail" => c == 'n',
                        "grep" => matches!(c, 'e' | 'A' | 'B' | 'C' | 'm'),
                        _ => false,
                    };
                    if takes {
                        let tail: String = chars.collect();
                        let value = if tail.is_empty() {
                            it.next().cloned().unwrap_or_default()
                        } else {
                            tail
                        };
                        flags.push(format!("{c}={value}"));
                        break;
                    }
                    flags.push(c.to_string());
                }
                continue;
            }
        }
        operands.push(a.clone());
    }
    (flags, operands)
}

/// What a filter prints for its input, and its status.
fn filter(prog: &str, flags: &[String], pattern: &str, input: &str) -> (String, i32) {
    let has = |f: &str| flags.iter().any(|x| x == f);
    let num = |f: &str| {
        flags
            .iter()
            .find_map(|x| x.strip_prefix(f)?.strip_prefix('='))
            .and_then(|n| n.parse::<usize>().ok())
    };
    let mut out = String::new();
    let lines: Vec<&str> = input.lines().collect();
    match prog {
        "grep" => {
            let icase = has("i");
            let pat: Vec<char> = if icase {
                pattern.to_ascii_lowercase().chars().collect()
            } else {
                pattern.chars().collect()
            };
            // Alternatives: `a|b` with -E, `a\|b` (GNU's extension) without.
            let alternatives: Vec<Vec<char>> = alternatives(&pat, has("E"));
            let selected: Vec<bool> = lines
                .iter()
                .map(|line| {
                    let hay: Vec<char> = if icase {
                        line.to_ascii_lowercase().chars().collect()
                    } else {
                        line.chars().collect()
                    };
                    alternatives.iter().any(|p| bre_search(p, &hay)) != has("v")
                })
                .collect();
            let count = selected.iter().filter(|s| **s).count();
            if has("q") {
                return (out, if count > 0 { 0 } else { 1 });
            }
            if has("c") {
                _ = writeln!(out, "{count}");
                return (out, if count > 0 { 0 } else { 1 });
            }
            let after = num("A").or(num("C")).unwrap_or(0);
            let before = num("B").or(num("C")).unwrap_or(0);
            let contexts = after > 0 || before > 0;
            let mut last: Option<usize> = None;
            for (i, line) in lines.iter().enumerate() {
                let near = selected[i]
                    || (i >= 1 && (i.saturating_sub(after)..i).any(|j| selected[j]))
                    || (1..=before).any(|d| selected.get(i + d) == Some(&true));
                if !near {
                    continue;
                }
                if contexts && last.is_some_and(|l| l + 1 < i) {
                    out.push_str("--\n");
                }
                last = Some(i);
                if has("n") {
                    _ = write!(out, "{}{}", i + 1, if selected[i] { ':' } else { '-' });
                }
                out.push_str(line);
                out.push('\n');
            }
            (out, if count > 0 { 0 } else { 1 })
        }
        "head" | "tail" => {
            let n = num("n").unwrap_or(10);
            let all: Vec<&str> = input.split_inclusive('\n').collect();
            let chosen = if prog == "head" {
                &all[..n.min(all.len())]
            } else {
                &all[all.len().saturating_sub(n)..]
            };
            (chosen.concat(), 0)
        }
        "sort" => {
            let mut sorted: Vec<&str> = lines.clone();
            if has("n") {
                let key = |l: &str| {
                    let t = l.trim_start();
                    let end = t
                        .char_indices()
                        .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && *c == '-')))
                        .map_or(t.len(), |(i, _)| i);
                    t[..end].parse::<i64>().unwrap_or(0)
                };
                sorted.sort_by(|a, b| key(a).cmp(&key(b)).then(a.cmp(b)));
            } else {
                sorted.sort();
            }
            if has("r") {
                sorted.reverse();
            }
            if has("u") {
                sorted.dedup();
            }
            for l in sorted {
                out.push_str(l);
                out.push('\n');
            }
            (out, 0)
        }
        _ => {
            let newlines = input.matches('\n').count();
            let words = input.split_whitespace().count();
            let bytes = input.len();
            let chosen: Vec<usize> = [("l", newlines), ("w", words), ("c", bytes)]
                .iter()
                .filter(|(f, _)| has(f))
                .map(|(_, v)| *v)
                .collect();
            match chosen.as_slice() {
                [] => _ = writeln!(out, "{newlines:>7} {words:>7} {bytes:>7}"),
                [one] => _ = writeln!(out, "{one}"),
                many => {
                    let cells: Vec<String> = many.iter().map(|v| format!("{v:>7}")).collect();
                    _ = writeln!(out, "{}", cells.join(" "));
                }
            }
            (out, 0)
        }
    }
}

/// One character's test in a pattern.
enum Atom {
    Any,
    Lit(char),
    /// `[a-z0-9_]`, `[^…]`: ranges (a single character is a range of one), negated.
    Class(Vec<(char, char)>, bool),
}

impl Atom {
    fn matches(&self, c: char) -> bool {
        match self {
            Atom::Any => true,
            Atom::Lit(l) => *l == c,
            Atom::Class(ranges, negated) => {
                ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated
            }
        }
    }
}

/// A bracket expression at the start of `pat` and its length; `None` when it does not
/// close (the `[` is then a literal). A `]` first in it is a member; `-` between two
/// characters is a range.
fn bracket(pat: &[char]) -> Option<(Atom, usize)> {
    let mut i = 1;
    let negated = pat.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = vec![];
    let mut first = true;
    loop {
        let c = *pat.get(i)?;
        if c == ']' && !first {
            return Some((Atom::Class(ranges, negated), i + 1));
        }
        first = false;
        match (pat.get(i + 1), pat.get(i + 2)) {
            (Some('-'), Some(&hi)) if hi != ']' => {
                ranges.push((c, hi));
                i += 3;
            }
            _ => {
                ranges.push((c, c));
                i += 1;
            }
        }
    }
}

/// A pattern's top-level alternatives: split at `|` (extended, `-E`) or `\|` (basic).
fn alternatives(pat: &[char], extended: bool) -> Vec<Vec<char>> {
    let mut out = vec![vec![]];
    let mut i = 0;
    while i < pat.len() {
        let last = out.last_mut().expect("an alternative");
        match (pat[i], pat.get(i + 1)) {
            ('|', _) if extended => out.push(vec![]),
            ('\\', Some('|')) if !extended => {
                out.push(vec![]);
                i += 1;
            }
            ('\\', Some(&c)) => {
                last.push('\\');
                last.push(c);
                i += 1;
            }
            (c, _) => last.push(c),
        }
        i += 1;
    }
    out
}

/// Whether a basic regular expression matches somewhere in `text`: the pattern's atoms
/// run as a set of states over the text (no backtracking, so `a*a*a*…b` cannot hang).
fn bre_search(pat: &[char], text: &[char]) -> bool {
    let (anchored_start, pat) = match pat.strip_prefix(&['^']) {
        Some(rest) => (true, rest),
        None => (false, pat),
    };
    let escaped_end = pat.len() >= 2 && pat[pat.len() - 2] == '\\';
    let (anchored_end, pat) = match pat.strip_suffix(&['$']) {
        Some(rest) if !escaped_end => (true, rest),
        _ => (false, pat),
    };
    // Atoms: (what one character must be, starred).
    let mut atoms: Vec<(Atom, bool)> = vec![];
    let mut i = 0;
    while i < pat.len() {
        let (atom, len) = match pat[i] {
            '\\' if i + 1 < pat.len() => (Atom::Lit(pat[i + 1]), 2),
            '.' => (Atom::Any, 1),
            '[' => bracket(&pat[i..]).unwrap_or((Atom::Lit('['), 1)),
            c => (Atom::Lit(c), 1),
        };
        i += len;
        let star = pat.get(i) == Some(&'*');
        if star {
            i += 1;
        }
        atoms.push((atom, star));
    }
    let n = atoms.len();
    let close = |set: &mut Vec<bool>| {
        for k in 0..n {
            if set[k] && atoms[k].1 {
                set[k + 1] = true;
            }
        }
    };
    let mut cur = vec![false; n + 1];
    cur[0] = true;
    close(&mut cur);
    for &c in text {
        if cur[n] && !anchored_end {
            return true;
        }
        let mut next = vec![false; n + 1];
        for k in 0..n {
            if cur[k] && atoms[k].0.matches(c) {
                next[if atoms[k].1 { k } else { k + 1 }] = true;
            }
        }
        if !anchored_start {
            next[0] = true;
        }
        close(&mut next);
        cur = next;
    }
    cur[n]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(prog: &str, args: &str, input: &str) -> (String, i32) {
        let words: Vec<String> = args.split_whitespace().map(String::from).collect();
        let no_files = |_: &str| Err("No such file or directory".to_string());
        let (out, _, code) = run(prog, &words, input, &no_files, true);
        (out, code)
    }

    #[test]
    fn grep_head_tail_wc_sort_read_as_the_tools_do() {
        let text = "Welcome\nServed by pod web-1\nserved twice\n";
        assert_eq!(
            f("grep", "Served", text),
            ("Served by pod web-1\n".into(), 0)
        );
        assert_eq!(f("grep", "-i served", text).0.lines().count(), 2);
        assert_eq!(f("grep", "-c -v Served", text), ("2\n".into(), 0));
        assert_eq!(f("grep", "-q nothing", text), (String::new(), 1));
        assert_eq!(f("grep", "^s.*e$", text), ("served twice\n".into(), 0));
        assert_eq!(
            f("grep", "-n web-[0-9]", text),
            ("2:Served by pod web-1\n".into(), 0)
        );
        assert_eq!(f("grep", "^[^SW]", text), ("served twice\n".into(), 0));
        assert_eq!(f("grep", "[]x]", "a]b\n").1, 0, "a ] first is a member");
        assert_eq!(f("grep", "a[b", "a[b\n").1, 0, "an open [ is literal");
        assert_eq!(f("grep", "^[a-z]*$", "abc\nab1\n"), ("abc\n".into(), 0));
        assert_eq!(
            f("grep", "web-.$", text),
            ("Served by pod web-1\n".into(), 0)
        );
        assert_eq!(f("head", "-n 1", text), ("Welcome\n".into(), 0));
        assert_eq!(f("head", "-2", text).0.lines().count(), 2);
        assert_eq!(f("tail", "-n1", text), ("served twice\n".into(), 0));
        assert_eq!(f("wc", "-l", text), ("3\n".into(), 0));
        assert_eq!(
            f("wc", "", "a b\n"),
            ("      1       2       4\n".into(), 0)
        );
        assert_eq!(f("sort", "-r", "b\na\nc\n"), ("c\nb\na\n".into(), 0));
        assert_eq!(
            f("sort", "-n", "10 x\n9 y\n-1 z\n"),
            ("-1 z\n9 y\n10 x\n".into(), 0)
        );
        // No backtracking: a pattern of many stars against a long line ends at once.
        let long = format!("{}\n", "a".repeat(5_000));
        assert_eq!(f("grep", &format!("{}b", "a*".repeat(40)), &long).1, 1);
        assert_eq!(f("grep", "a\\$", "a$\n").1, 0);
        assert_eq!(f("grep", "^$", "\nx\n"), ("\n".into(), 0));
        assert_eq!(f("grep", "", "x\n").1, 2, "no pattern: usage");
        assert_eq!(f("grep", "-E ^W|twice", text).0.lines().count(), 2);
        assert_eq!(f("grep", "Welcome\\|twice", text).0.lines().count(), 2);
        assert_eq!(f("grep", "a|b", "a|b\n").1, 0, "a literal | without -E");
        assert_eq!(f("grep", "x missing.txt", "").1, 2);
    }

    #[test]
    fn grep_context_groups_are_separated_as_gnu_does() {
        let text = "a\nenv:\n- name: X\n  value: 1\nb\nc\nd\nenv:\ne\n";
        assert_eq!(
            f("grep", "-A1 env", text).0,
            "env:\n- name: X\n--\nenv:\ne\n"
        );
        assert_eq!(
            f("grep", "-B 1 -n value", text).0,
            "3-- name: X\n4:  value: 1\n"
        );
        assert_eq!(f("grep", "-C1 ^b", text).0, "  value: 1\nb\nc\n");
    }
}
