//! A terminal session against the simulated cluster: the command language of
//! TRANSCRIPT.md (kubectl, minikube, curl, sleep, `cat <<EOF > FILE`). The transcript
//! runner, the CLI's `shell` and the page's console all drive the simulator through here.

use std::collections::BTreeMap;

use crate::api::ClusterVersion;
use crate::kubectl;
use crate::kubectl::args::tokenize;
use crate::sim::Sim;

/// What a command printed (stdout and stderr interleaved, as a terminal shows them) and
/// its exit status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub text: String,
    pub code: i32,
}

impl Output {
    pub fn ok(text: impl Into<String>) -> Output {
        Output {
            text: text.into(),
            code: 0,
        }
    }

    pub fn err(text: impl Into<String>, code: i32) -> Output {
        Output {
            text: text.into(),
            code,
        }
    }

    /// Appends a line (adding the newline).
    pub fn line(&mut self, l: &str) {
        self.text.push_str(l);
        self.text.push('\n');
    }

    /// Appends a formatted line (adding the newline): `line(&format!(…))` without the
    /// `String` in between, and one shared formatting call instead of one per call site.
    pub fn linef(&mut self, args: std::fmt::Arguments) {
        use std::fmt::Write;
        let _ = self.text.write_fmt(args);
        self.text.push('\n');
    }
}

/// Reads a file that is not a virtual file (the CLI reads next to the transcript; the
/// browser has none). The simulator itself never does IO.
pub type FileLoader = std::rc::Rc<dyn Fn(&str) -> Option<String>>;

/// A `kubectl port-forward` that is running: localhost:local → the target's port.
#[derive(Clone, Debug, PartialEq)]
pub struct PortForward {
    pub local_port: i64,
    pub namespace: String,
    /// `svc/pacman`, `pod/mongo-0`, `deployment/x`.
    pub target: String,
    pub remote_port: i64,
    /// The pod the forward was bound to when it started (kubectl resolves a Service or
    /// Deployment to one pod), and its UID: the forward dies with that pod.
    pub pod: String,
    pub pod_uid: String,
}

#[derive(Clone)]
pub struct Session {
    pub sim: Sim,
    pub seed: u64,
    /// Virtual files: editor tabs, `cat <<EOF > NAME`.
    pub files: BTreeMap<String, String>,
    pub loader: Option<FileLoader>,
    pub port_forwards: Vec<PortForward>,
    /// Every command run, in order (for share links and replay).
    pub history: Vec<String>,
    /// The route of the last `curl`, for the page's request animation.
    pub last_route: Option<crate::routing::Route>,
    /// The watch the last command left open (`kubectl get -w` without a `timeout`): the
    /// page's console takes it and streams its rows; the next command drops it.
    pub watch: Option<kubectl::watch::Watch>,
    /// While a `timeout DURATION COMMAND` runs: when it kills the command. A command
    /// that would not end by itself (a watch, `sleep`) runs until then.
    pub deadline: Option<crate::time::Millis>,
    /// The command under `timeout` ran until the deadline (exit status 124).
    pub timed_out: bool,
}

/// Longest command line accepted (a pasted novel is not a command).
pub const MAX_LINE: usize = 64 * 1024;

impl Session {
    /// A session on the default cluster: one node, newest modelled version,
    /// StorageClass `standard (default)` (TRANSCRIPT.md).
    pub fn new(seed: u64) -> Session {
        let mut sim = Sim::new(seed, ClusterVersion::NEWEST);
        crate::minikube::bootstrap(&mut sim, &[]);
        Session {
            sim,
            seed,
            files: BTreeMap::new(),
            loader: None,
            port_forwards: vec![],
            history: vec![],
            last_route: None,
            watch: None,
            deadline: None,
            timed_out: false,
        }
    }

    /// Reads a file by name: virtual files first, then the loader.
    pub fn read_file(&self, name: &str) -> Option<String> {
        if let Some(f) = self.files.get(name) {
            return Some(f.clone());
        }
        let trimmed = name.strip_prefix("./").unwrap_or(name);
        if let Some(f) = self.files.get(trimmed) {
            return Some(f.clone());
        }
        self.loader.as_ref().and_then(|l| l(name))
    }

    /// Runs one command line. `stdin` is a heredoc's body, if the line has one.
    pub fn exec(&mut self, line: &str, stdin: Option<&str>) -> Output {
        // Work the page left pending is done before anything else.
        self.sim.finish();
        // A watch left open by the last command ends (the console took it if it streams).
        self.watch = None;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Output::default();
        }
        if line.len() > MAX_LINE {
            return Output::err(
                format!(
                    "error: command line too long ({} bytes; the limit is {MAX_LINE})\n",
                    line.len()
                ),
                1,
            );
        }
        self.history.push(line.to_string());
        let out = match split_list(line) {
            Some(list) => self.run_list(&list, stdin),
            None => self.run_one(line, stdin),
        };
        // Keep the step log bounded for sessions that never drain it (the CLI).
        if self.sim.steps.len() > 100_000 {
            self.sim.steps.drain(..50_000);
        }
        out
    }

    /// `A | B`, `A && B`, `A || B`, `A ; B`: each command runs as a line of its own; a
    /// pipe hands what a command printed (if it succeeded; a failure's message reaches the
    /// terminal) to the next as its stdin (read by the filters — `grep`, `head`, `tail`,
    /// `wc`, `sort` —, `cat` and `-f -`). A heredoc's body goes to the command that opened it. The status is
    /// the last command's that ran.
    fn run_list(&mut self, list: &[(&'static str, Vec<String>)], stdin: Option<&str>) -> Output {
        let mut out = Output::default();
        let mut last = 0;
        for (op, pipeline) in list {
            let skip = match *op {
                "&&" => last != 0,
                "||" => last == 0,
                _ => false,
            };
            if skip {
                continue;
            }
            let mut input = String::new();
            for (i, cmd) in pipeline.iter().enumerate() {
                let piped = i + 1 < pipeline.len();
                // The first command reads its heredoc, if it opened one; the others what
                // the pipe brings (a filter, `cat`, `kubectl apply -f -`).
                let from_pipe = std::mem::take(&mut input);
                let o = if i == 0 {
                    self.run_one(cmd, stdin.filter(|_| cmd.contains("<<")))
                } else {
                    self.run_one(cmd, Some(&from_pipe))
                };
                // What a command printed goes down the pipe when it succeeded, and when
                // `timeout` ended it (exit 124: a watch's rows are its output, not an
                // error's message).
                let output =
                    o.code == 0 || (o.code == 124 && cmd.trim_start().starts_with("timeout"));
                if piped && output {
                    input = o.text;
                } else {
                    out.text.push_str(&o.text);
                }
                last = o.code;
            }
        }
        out.code = last;
        out
    }

    /// One command (no `|`, `&&`, `||` or `;` outside quotes).
    fn run_one(&mut self, line: &str, stdin: Option<&str>) -> Output {
        // `cmd <<EOF` and `cat <<EOF > FILE`: the heredoc marker is not an argument.
        let (line, redirect) = split_heredoc(line);
        let words = match tokenize(&line) {
            Ok(w) => w,
            Err(e) => return Output::err(format!("bash: {e}\n"), 2),
        };
        let Some(cmd) = words.first() else {
            return Output::default();
        };
        let out = match cmd.as_str() {
            "kubectl" | "k" => kubectl::run(self, &words[1..], stdin),
            "minikube" => crate::minikube::run(self, &words[1..]),
            "curl" => {
                let (out, route) = crate::curl::request(self, &words[1..]);
                self.last_route = route;
                out
            }
            "sleep" => self.sleep(&words[1..]),
            "timeout" => self.timeout(&line, &words[1..], stdin),
            "cat" => self.cat(&words[1..], stdin, redirect.as_deref()),
            "echo" => Output::ok(format!("{}\n", words[1..].join(" "))),
            "clear" | "true" => Output::default(),
            p if crate::textutil::is_filter(p) => {
                let read = |f: &str| {
                    self.read_file(f)
                        .ok_or_else(|| "No such file or directory".to_string())
                };
                let (text, err, code) =
                    crate::textutil::run(p, &words[1..], stdin.unwrap_or(""), &read, true);
                Output {
                    text: format!("{err}{text}"),
                    code,
                }
            }
            other => Output::err(format!("bash: {other}: command not found\n"), 127),
        };
        // `kubectl … -o yaml > FILE`: what the command printed goes to the (virtual) file,
        // which the shell empties first; a failed command's message still reaches the
        // terminal (stderr is not redirected). `cat` wrote its own above.
        let out = match redirect.as_deref() {
            Some(target) if cmd != "cat" => {
                let ok = out.code == 0;
                if target != "/dev/null" {
                    let text = if ok { out.text.clone() } else { String::new() };
                    self.files.insert(target.to_string(), text);
                }
                if ok {
                    Output {
                        text: String::new(),
                        ..out
                    }
                } else {
                    out
                }
            }
            _ => out,
        };
        out
    }

    fn sleep(&mut self, args: &[String]) -> Output {
        let Some(d) = args.first() else {
            return Output::err(
                "sleep: missing operand\nTry 'sleep --help' for more information.\n",
                1,
            );
        };
        let mut total = 0;
        for a in args {
            match crate::time::parse_duration(a) {
                Some(ms) => total += ms,
                None => return Output::err(format!("sleep: invalid time interval '{a}'\nTry 'sleep --help' for more information.\n"), 1),
            }
        }
        let _ = d;
        // Bound: a day of virtual time per command keeps the loop finite.
        let mut ms = total.min(86_400_000);
        if let Some(deadline) = self.deadline {
            if self.sim.now + ms >= deadline {
                ms = deadline - self.sim.now;
                self.timed_out = true;
            }
        }
        self.sim.advance(ms);
        Output::default()
    }

    /// GNU coreutils `timeout [OPTION] DURATION COMMAND [ARG]...`: runs the command and
    /// kills it after DURATION of virtual time, exit status 124 if it was killed (the
    /// output it printed until then stays). Only what would not end by itself meets the
    /// deadline: a `kubectl get -w` runs until it and prints a row per watch event on
    /// the way, `sleep` stops at it; every other command ends at once, as before (and
    /// `kubectl wait`/`rollout status` keep their own `--timeout`; not cut here).
    /// DURATION is a number with an optional `s`, `m`, `h` or `d`; 0 runs the command
    /// with no deadline. The signal options are accepted and change nothing.
    fn timeout(&mut self, line: &str, args: &[String], stdin: Option<&str>) -> Output {
        let usage = "Try 'timeout --help' for more information.\n";
        // Options before DURATION (`-s SIG`, `-k DUR`, `--preserve-status`, …).
        let mut i = 0;
        while let Some(a) = args.get(i) {
            match a.as_str() {
                "-s" | "--signal" | "-k" | "--kill-after" => i += 2,
                "--preserve-status" | "--foreground" | "-v" | "--verbose" => i += 1,
                o if o.starts_with("--signal=")
                    || o.starts_with("--kill-after=")
                    || (o.starts_with("-s") || o.starts_with("-k")) && o.len() > 2 =>
                {
                    i += 1
                }
                o if o.starts_with('-') && o.len() > 1 => {
                    return Output::err(format!("timeout: unrecognized option '{o}'\n{usage}"), 125)
                }
                _ => break,
            }
        }
        let Some(duration) = args.get(i) else {
            return Output::err(format!("timeout: missing operand\n{usage}"), 125);
        };
        let Some(ms) = timeout_duration(duration) else {
            return Output::err(
                format!("timeout: invalid time interval '{duration}'\n{usage}"),
                125,
            );
        };
        if args.len() <= i + 1 {
            return Output::err(
                format!("timeout: missing operand after '{duration}'\n{usage}"),
                125,
            );
        }
        // The command as typed (its quoting kept): the line after DURATION.
        let raw = raw_words(line);
        let Some(command) = raw.get(i + 2).map(|w| {
            let start = w.as_ptr() as usize - line.as_ptr() as usize;
            &line[start..]
        }) else {
            return Output::err(format!("timeout: missing operand\n{usage}"), 125);
        };
        let outer = (self.deadline, self.timed_out);
        let deadline = self.sim.now + ms.min(86_400_000);
        self.deadline = Some(match (ms, outer.0) {
            (0, d) => d.unwrap_or(i64::MAX),
            (_, Some(d)) => d.min(deadline),
            (_, None) => deadline,
        })
        .filter(|d| *d != i64::MAX);
        self.timed_out = false;
        let mut out = self.run_one(command, stdin);
        if self.timed_out {
            out.code = 124;
        }
        (self.deadline, self.timed_out) = outer;
        out
    }

    fn cat(&mut self, args: &[String], stdin: Option<&str>, redirect: Option<&str>) -> Output {
        if let Some(target) = redirect {
            self.files
                .insert(target.to_string(), stdin.unwrap_or("").to_string());
            return Output::default();
        }
        let mut out = Output::default();
        for a in args {
            match self.read_file(a) {
                Some(t) => out.text.push_str(&t),
                None => {
                    out.text
                        .push_str(&format!("cat: {a}: No such file or directory\n"));
                    out.code = 1;
                }
            }
        }
        if args.is_empty() {
            out.text.push_str(stdin.unwrap_or(""));
        }
        out
    }
}

/// GNU `timeout`'s DURATION: a non-negative number (fractions allowed) with an optional
/// unit, `s` (default), `m`, `h` or `d`; in milliseconds.
fn timeout_duration(text: &str) -> Option<crate::time::Millis> {
    let (num, unit) = match text.char_indices().last()? {
        (i, c @ ('s' | 'm' | 'h' | 'd')) => (&text[..i], c),
        _ => (text, 's'),
    };
    let n: f64 = num
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0)?;
    if num.starts_with(['+', '-']) || num.contains(['e', 'E', 'i', 'n', 'N']) {
        return None;
    }
    let scale = match unit {
        's' => 1_000.0,
        'm' => 60_000.0,
        'h' => 3_600_000.0,
        _ => 86_400_000.0,
    };
    Some((n * scale).ceil().min(i64::MAX as f64 / 2.0) as crate::time::Millis)
}

/// The file a command line writes with `> FILE` (`cat <<EOF > FILE` too), if any.
pub fn redirect_target(line: &str) -> Option<String> {
    split_heredoc(line.trim()).1
}

/// Removes a `<<EOF` / `<<'EOF'` marker and a `> FILE` redirect from a line.
fn split_heredoc(line: &str) -> (String, Option<String>) {
    let mut words: Vec<&str> = raw_words(line);
    let mut redirect = None;
    if let Some(i) = words.iter().position(|w| *w == ">") {
        if i + 1 < words.len() {
            redirect = Some(words[i + 1].to_string());
            words.drain(i..i + 2);
        }
    } else if let Some(i) = words
        .iter()
        .position(|w| w.starts_with('>') && w.len() > 1 && !w.starts_with(">>"))
    {
        redirect = Some(words[i][1..].to_string());
        words.remove(i);
    }
    let had_heredoc = words.iter().any(|w| w.starts_with("<<"));
    if !had_heredoc && redirect.is_none() {
        return (line.to_string(), None);
    }
    words.retain(|w| !w.starts_with("<<"));
    (words.join(" "), redirect)
}

/// A line's `|`, `&&`, `||` and `;` outside quotes: its and-or list of pipelines, each
/// with the operator before it (`;` for the first), each pipeline's commands as text.
/// `None` when the line has none (a single command). A `&` alone (`2>&1`, background) is
/// not an operator here.
fn split_list(line: &str) -> Option<Vec<(&'static str, Vec<String>)>> {
    let mut list: Vec<(&'static str, Vec<String>)> = vec![(";", vec![])];
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut found = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if escaped {
            escaped = false;
            cur.push(c);
            continue;
        }
        match quote {
            Some(q) if c == q => quote = None,
            Some('"') if c == '\\' => escaped = true,
            Some(_) => {}
            None => {
                let op = match (c, chars.peek()) {
                    ('&', Some('&')) => Some("&&"),
                    ('|', Some('|')) => Some("||"),
                    ('|', _) => Some("|"),
                    (';', _) => Some(";"),
                    ('\'' | '"', _) => {
                        quote = Some(c);
                        None
                    }
                    ('\\', _) => {
                        escaped = true;
                        None
                    }
                    _ => None,
                };
                if let Some(op) = op {
                    found = true;
                    if op.len() == 2 {
                        chars.next();
                    }
                    let cmd = std::mem::take(&mut cur).trim().to_string();
                    let pipeline = &mut list.last_mut().expect("a pipeline").1;
                    pipeline.push(cmd);
                    if op != "|" {
                        list.push((op, vec![]));
                    }
                    continue;
                }
            }
        }
        cur.push(c);
    }
    if !found {
        return None;
    }
    list.last_mut()
        .expect("a pipeline")
        .1
        .push(cur.trim().to_string());
    // Empty commands (`a ;`, `; b`) drop out; an empty pipeline with them.
    for (_, p) in &mut list {
        p.retain(|c| !c.is_empty());
    }
    list.retain(|(_, p)| !p.is_empty());
    Some(list)
}

/// Splits a line at unquoted whitespace, keeping each word's raw text (quotes included),
/// so a `>` inside `sh -c 'echo hi > /f'` is not taken for a redirect.
fn raw_words(line: &str) -> Vec<&str> {
    let mut words = vec![];
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match quote {
            Some(q) if c == q => quote = None,
            Some('"') if c == '\\' => escaped = true,
            Some(_) => {}
            None if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    words.push(&line[s..i]);
                }
                continue;
            }
            None => match c {
                '\'' | '"' => quote = Some(c),
                '\\' => escaped = true,
                _ => {}
            },
        }
        if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        words.push(&line[s..]);
    }
    words
}

/// The heredoc terminator a line opens (`EOF` for `<<EOF`, `<<'EOF'`, `<< "EOF"`), if any.
pub fn heredoc_marker(line: &str) -> Option<String> {
    let i = line.find("<<")?;
    let rest = line[i + 2..].trim_start().trim_start_matches('-');
    let word: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>')
        .collect::<String>()
        .trim_matches(|c| c == '\'' || c == '"')
        .to_string();
    (!word.is_empty()).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heredoc_markers() {
        assert_eq!(
            heredoc_marker("cat <<EOF > web.yaml").as_deref(),
            Some("EOF")
        );
        assert_eq!(
            heredoc_marker("kubectl apply -f - <<'END'").as_deref(),
            Some("END")
        );
        assert_eq!(heredoc_marker("kubectl get pods"), None);
        assert_eq!(
            split_heredoc("kubectl exec p -- sh -c 'echo hi > /f'").1,
            None
        );
        assert_eq!(
            split_heredoc("cat <<EOF > web.yaml"),
            ("cat".into(), Some("web.yaml".into()))
        );
    }

    #[test]
    fn unknown_commands() {
        let mut s = Session::new(1);
        let o = s.exec("foo bar", None);
        assert_eq!(o.text, "bash: foo: command not found\n");
        assert_eq!(o.code, 127);
    }
}
