//! The session document: everything needed to rebuild what a learner has on the page —
//! the seed, every command run so far (with the time that passed between them and where
//! each came from), the files as written, the editor's tabs, the lesson step, the viewed
//! moment — as one text. Share links, the autosave and exported session files all carry
//! it (src/share.rs, src/persist.rs).
//!
//! The text is a transcript (TRANSCRIPT.md): `orrery run FILE` and `orrery check FILE`
//! read an exported session as they read a lesson. Files live inside it as the
//! `cat <<EOF > NAME` commands the session already understands; what only the page needs
//! (origins, tabs, the lesson step) rides on comment lines that start with `#@ ` (and
//! `#|` for a tab's text), which the command line reads as narrative and skips.
//!
//! Pure: no browser API, tested natively.

use orrery::shell::heredoc_marker;
use orrery::time::Millis;
use orrery::timeline::Entry;

use crate::scenario;
use crate::state::ConsoleEntry;

/// First line of a session document (and how it is told from a plain transcript).
pub const MAGIC: &str = "#@ orrery-session 1";
/// Largest document accepted (bytes): a share link or a file is refused above it.
pub const MAX_DOC_BYTES: usize = 4 * 1024 * 1024;
/// Most commands a document may hold.
pub const MAX_STEPS: usize = 50_000;
/// Longest stretch of time one step may replay (a day, as `sleep` caps it).
pub const MAX_WAIT_MS: Millis = 86_400_000;

/// Where a command came from; replay sends it back through the same door.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A command line (with its heredoc), run through `Playground::run` with `origin`.
    Run {
        line: String,
        stdin: Option<String>,
        origin: &'static str,
    },
    /// An editor text written into the session before a command (not in the console).
    File { name: String, text: String },
    /// Time that passed with the clock running and no command.
    Wait(Millis),
}

/// An editor tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tab {
    pub name: String,
    /// `None`: the tab holds what the session's file of that name holds.
    pub text: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionDoc {
    pub seed: u64,
    /// `v1.34.0`, as the cluster reported it when saved (checked after replay).
    pub cluster: Option<String>,
    pub steps: Vec<Step>,
    /// `None`: a plain transcript, whose tabs are the files it wrote.
    pub tabs: Option<Vec<Tab>>,
    /// The lesson step shown (the next one to run).
    pub lesson_step: Option<usize>,
    /// A moment in the past the page was showing (the scrubber), in virtual ms.
    pub view_time: Option<Millis>,
    pub paused: bool,
    /// Written by the page (with [`MAGIC`]), not a plain transcript.
    pub native: bool,
}

impl Default for SessionDoc {
    fn default() -> Self {
        SessionDoc {
            seed: 1,
            cluster: None,
            steps: vec![],
            tabs: None,
            lesson_step: None,
            view_time: None,
            paused: false,
            native: true,
        }
    }
}

/// The origins the page knows (`ConsoleEntry::origin` is a `&'static str`).
pub fn origin(name: &str) -> &'static str {
    match name {
        "canvas" => "canvas",
        "lesson" => "lesson",
        "editor" => "editor",
        "bench" => "bench",
        _ => "console",
    }
}

/// `sleep 30s` (also `sleep 1m 30s`): how long it sleeps, capped as the shell caps it.
/// Mirrors the playground, which records such a sleep as a plain advance of time.
pub fn plain_sleep(line: &str) -> Option<Millis> {
    let mut words = line.split_whitespace();
    if words.next() != Some("sleep") {
        return None;
    }
    let mut total: Millis = 0;
    let mut any = false;
    for w in words {
        total = total.saturating_add(orrery::time::parse_duration(w)?);
        any = true;
    }
    any.then_some(total.min(MAX_WAIT_MS))
}

/// `cat <<EOF > NAME`: the file name it writes.
pub fn file_write_target(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix("cat")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    heredoc_marker(rest)?;
    let (_, target) = rest.split_once('>')?;
    let name = target.trim();
    (!name.is_empty() && !name.contains(char::is_whitespace)).then(|| name.to_string())
}

/// A duration as `sleep` reads it: `30s`, `1.5s`, `0.016s`.
pub fn duration_text(ms: Millis) -> String {
    if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        let s = format!("{}.{:03}", ms / 1000, ms % 1000);
        format!("{}s", s.trim_end_matches('0'))
    }
}

/// Rebuilds the steps of a history from the timeline's entries, taking each command's
/// origin from the console (which holds what was run and by whom; it may have dropped
/// its oldest entries, whose commands then count as typed). File writes that are not in
/// the console are editor texts; advances of time that no console `sleep` explains are
/// the clock. Consecutive clock advances merge (replaying one long advance gives the
/// same cluster as many short ones: the simulator jumps timer to timer).
pub fn steps_from_history(entries: &[Entry], console: &[ConsoleEntry]) -> Vec<Step> {
    let mut steps = vec![];
    let mut ci = 0usize;
    let mut clock: Millis = 0;
    // Time still to be explained by the last console `sleep`.
    let mut sleeping: Millis = 0;
    let flush = |clock: &mut Millis, steps: &mut Vec<Step>| {
        if *clock > 0 {
            steps.push(Step::Wait(*clock));
            *clock = 0;
        }
    };
    // The first console entry at or after `ci` run at `at` that `pred` accepts.
    let find = |ci: usize, at: Millis, pred: &dyn Fn(&ConsoleEntry) -> bool| {
        console[ci.min(console.len())..]
            .iter()
            .take_while(|c| c.at <= at)
            .position(|c| c.at == at && pred(c))
            .map(|j| ci + j)
    };
    for e in entries {
        match e {
            Entry::Exec { at, line, stdin } => {
                flush(&mut clock, &mut steps);
                sleeping = 0;
                if let Some(j) = find(ci, *at, &|c| &c.command == line && &c.stdin == stdin) {
                    steps.push(Step::Run {
                        line: line.clone(),
                        stdin: stdin.clone(),
                        origin: origin(console[j].origin),
                    });
                    ci = j + 1;
                } else if let (Some(name), Some(text)) = (file_write_target(line), stdin) {
                    steps.push(Step::File {
                        name,
                        text: text.clone(),
                    });
                } else {
                    steps.push(Step::Run {
                        line: line.clone(),
                        stdin: stdin.clone(),
                        origin: "console",
                    });
                }
            }
            Entry::Advance { at, ms } => {
                if sleeping > 0 {
                    let used = sleeping.min(*ms);
                    sleeping -= used;
                    clock += ms - used;
                    continue;
                }
                if let Some(j) = find(ci, *at, &|c| {
                    c.stdin.is_none() && plain_sleep(&c.command).is_some_and(|d| d > 0)
                }) {
                    flush(&mut clock, &mut steps);
                    let c = &console[j];
                    steps.push(Step::Run {
                        line: c.command.clone(),
                        stdin: None,
                        origin: origin(c.origin),
                    });
                    ci = j + 1;
                    let total = plain_sleep(&c.command).unwrap_or(0);
                    let used = total.min(*ms);
                    sleeping = total - used;
                    clock += ms - used;
                } else {
                    clock += ms;
                }
            }
        }
    }
    flush(&mut clock, &mut steps);
    steps
}

/// How a document is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// Every file in full: a transcript the command line can run on its own.
    Full,
    /// The default scenario's files by name (share links, the autosave): shorter.
    Compact,
}

fn default_text(name: &str) -> Option<&'static str> {
    scenario::DEFAULT
        .files
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.text)
}

/// A heredoc terminator that no line of `body` equals.
fn marker_for(body: &str) -> String {
    let mut marker = "EOF".to_string();
    let mut n = 1;
    while body.lines().any(|l| l.trim_end() == marker) {
        n += 1;
        marker = format!("EOF{n}");
    }
    marker
}

fn push_heredoc(out: &mut String, body: &str, marker: &str) {
    out.push_str(body);
    if !body.is_empty() && !body.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(marker);
    out.push('\n');
}

/// Writes a document. The text is a transcript; see the module documentation.
pub fn render(doc: &SessionDoc, flavour: Flavour) -> String {
    let mut out = String::new();
    out.push_str(MAGIC);
    out.push('\n');
    out.push_str(
        "# An Orrery session: `orrery run FILE` replays it, `orrery check FILE` checks it.\n",
    );
    out.push_str(&format!("#@ seed {}\n", doc.seed));
    if let Some(c) = &doc.cluster {
        out.push_str(&format!("#@ cluster {c}\n"));
    }
    for step in &doc.steps {
        match step {
            Step::File { name, text } => {
                if flavour == Flavour::Compact && default_text(name) == Some(text.as_str()) {
                    out.push_str(&format!("#@ default-file {name}\n"));
                    continue;
                }
                out.push_str("#@ from file\n");
                if !text.is_empty() && !text.ends_with('\n') {
                    out.push_str("#@ nonl\n");
                }
                let marker = marker_for(text);
                out.push_str(&format!("$ cat <<{marker} > {name}\n"));
                push_heredoc(&mut out, text, &marker);
            }
            Step::Wait(ms) => {
                out.push_str("#@ from clock\n");
                out.push_str(&format!("$ sleep {}\n", duration_text(*ms)));
            }
            Step::Run {
                line,
                stdin,
                origin,
            } => {
                if *origin != "console" {
                    out.push_str(&format!("#@ from {origin}\n"));
                }
                let line = line.replace('\n', " ");
                match (stdin, heredoc_marker(&line)) {
                    (Some(body), Some(marker)) => {
                        if !body.is_empty() && !body.ends_with('\n') {
                            out.push_str("#@ nonl\n");
                        }
                        out.push_str(&format!("$ {line}\n"));
                        push_heredoc(&mut out, body, &marker);
                    }
                    _ => out.push_str(&format!("$ {line}\n")),
                }
            }
        }
    }
    if let Some(tabs) = &doc.tabs {
        out.push_str("#@ tabs\n");
        for tab in tabs {
            match &tab.text {
                None => out.push_str(&format!("#@ tab {}\n", tab.name)),
                Some(text) => {
                    out.push_str(&format!("#@ tab-text {}\n", tab.name));
                    for piece in text.split('\n') {
                        out.push_str("#|");
                        out.push_str(piece);
                        out.push('\n');
                    }
                }
            }
        }
    }
    if let Some(s) = doc.lesson_step {
        out.push_str(&format!("#@ lesson-step {s}\n"));
    }
    if let Some(t) = doc.view_time {
        out.push_str(&format!("#@ view-time {t}\n"));
    }
    if doc.paused {
        out.push_str("#@ paused\n");
    }
    out
}

/// Reads a document, or a plain transcript (no [`MAGIC`] line: its commands, typed at
/// the console, on the default scenario's files). Expected output in the text is
/// skipped: replay prints afresh. Errors name the line.
pub fn parse(text: &str) -> Result<SessionDoc, String> {
    if text.len() > MAX_DOC_BYTES {
        return Err(crate::i18n::fill(
            crate::i18n::tr(crate::i18n::T::DocTooLarge),
            &[&text.len(), &MAX_DOC_BYTES],
        ));
    }
    // Split on '\n' only: a tab's text (`#|` lines) keeps any '\r' it had.
    let lines: Vec<&str> = text.split('\n').collect();
    let native = lines.first().is_some_and(|l| l.trim_end() == MAGIC);
    let mut doc = SessionDoc {
        native,
        ..SessionDoc::default()
    };
    let mut pending_origin: Option<String> = None;
    let mut nonl = false;
    // Each tab's name and, for `tab-text`, its lines.
    let mut tabs: Option<Vec<(&str, Option<Vec<&str>>)>> = None;
    let mut saw_command = false;
    let mut i = 0;
    let too_many = || crate::i18n::fill(crate::i18n::tr(crate::i18n::T::DocTooMany), &[&MAX_STEPS]);
    while i < lines.len() {
        let raw = lines[i];
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let n = i + 1;
        i += 1;
        if let Some(rest) = raw.strip_prefix("#|") {
            let Some((_, Some(t))) = tabs.as_mut().and_then(|t| t.last_mut()) else {
                return Err(format!("line {n}: tab text outside a `#@ tab-text`."));
            };
            t.push(rest);
            continue;
        }
        if let Some(d) = line.strip_prefix("#@ ") {
            let (key, value) = d.trim().split_once(' ').unwrap_or((d.trim(), ""));
            let value = value.trim();
            match key {
                "orrery-session" | "tabs" => {}
                "seed" => {
                    doc.seed = value.parse().map_err(|_| {
                        format!("line {n}: the seed {value:?} is not a whole number.")
                    })?
                }
                "cluster" => doc.cluster = Some(value.to_string()),
                "from" => pending_origin = Some(value.to_string()),
                "nonl" => nonl = true,
                "default-file" => {
                    let text = default_text(value)
                        .ok_or_else(|| format!("line {n}: no default file is named {value:?}."))?;
                    doc.steps.push(Step::File {
                        name: value.to_string(),
                        text: text.to_string(),
                    });
                }
                "tab" | "tab-text" => {
                    check_tab_name(value).map_err(|e| format!("line {n}: {e}"))?;
                    tabs.get_or_insert_with(Vec::new)
                        .push((value, (key == "tab-text").then(Vec::new)));
                }
                "lesson-step" => {
                    doc.lesson_step = Some(value.parse().map_err(|_| {
                        format!("line {n}: the lesson step {value:?} is not a whole number.")
                    })?)
                }
                "view-time" => {
                    doc.view_time = Some(value.parse().map_err(|_| {
                        format!("line {n}: the time {value:?} is not a whole number.")
                    })?)
                }
                "paused" => doc.paused = true,
                // A newer page's directive: skipped, as the command line skips comments.
                _ => {}
            }
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let Some(cmd) = line
            .strip_prefix("$ ")
            .or_else(|| (line == "$").then_some(""))
        else {
            if saw_command {
                // Expected output of the command before: replay prints afresh.
                continue;
            }
            return Err(format!(
                "line {n}: expected a `$ ` command or a `#` comment, found {:?}.",
                shorten(line)
            ));
        };
        saw_command = true;
        let stdin = match heredoc_marker(cmd) {
            Some(marker) => {
                let mut body = String::new();
                loop {
                    let Some(b) = lines.get(i) else {
                        return Err(format!(
                            "line {n}: the here-document opened by `<<{marker}` is not closed by a line `{marker}`."
                        ));
                    };
                    i += 1;
                    if b.trim_end() == marker {
                        break;
                    }
                    body.push_str(b);
                    body.push('\n');
                }
                if std::mem::take(&mut nonl) {
                    body.pop();
                }
                Some(body)
            }
            None => None,
        };
        nonl = false;
        let from = pending_origin.take();
        if doc.steps.len() >= MAX_STEPS {
            return Err(too_many());
        }
        let step = match from.as_deref() {
            Some("clock") => match plain_sleep(cmd) {
                Some(ms) => Step::Wait(ms),
                None => return Err(format!("line {n}: `{}` is not a sleep.", shorten(cmd))),
            },
            Some("file") => match (file_write_target(cmd), stdin) {
                (Some(name), Some(text)) => Step::File { name, text },
                _ => {
                    return Err(format!(
                        "line {n}: `{}` does not write a file.",
                        shorten(cmd)
                    ))
                }
            },
            other => Step::Run {
                line: cmd.to_string(),
                stdin,
                origin: origin(other.unwrap_or("console")),
            },
        };
        doc.steps.push(step);
    }
    if !native {
        if !saw_command {
            return Err(crate::i18n::tr(crate::i18n::T::DocNoCommand).into());
        }
        // A plain transcript runs on the default scenario's files, as the page does.
        let mut steps: Vec<Step> = scenario::DEFAULT
            .files
            .iter()
            .map(|f| Step::File {
                name: f.name.to_string(),
                text: f.text.to_string(),
            })
            .collect();
        steps.append(&mut doc.steps);
        doc.steps = steps;
        doc.lesson_step = None;
    }
    doc.tabs = tabs.map(|tabs| {
        tabs.into_iter()
            .map(|(name, lines)| Tab {
                name: name.to_string(),
                text: lines.map(|l| l.join("\n")),
            })
            .collect()
    });
    Ok(doc)
}

fn check_tab_name(name: &str) -> Result<(), String> {
    crate::editor::check_name(name, &[])
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// The tabs a document opens with: as saved, or (plain transcript) every file it wrote,
/// in the order first written. Texts are filled in from the files written.
pub fn tab_files(doc: &SessionDoc) -> Vec<(String, String)> {
    let mut written: Vec<(String, String)> = vec![];
    for step in &doc.steps {
        if let Step::File { name, text } = step {
            match written.iter_mut().find(|(n, _)| n == name) {
                Some((_, t)) => *t = text.clone(),
                None => written.push((name.clone(), text.clone())),
            }
        }
    }
    match &doc.tabs {
        None => written,
        Some(tabs) => tabs
            .iter()
            .map(|t| {
                let text = t.text.clone().unwrap_or_else(|| {
                    written
                        .iter()
                        .find(|(n, _)| *n == t.name)
                        .map(|(_, x)| x.clone())
                        .unwrap_or_default()
                });
                (t.name.clone(), text)
            })
            .collect(),
    }
}

/// The tabs to save: a tab whose text is what the session last wrote for that name is
/// saved by name only.
pub fn tabs_for(staged: &[(String, String)], steps: &[Step]) -> Vec<Tab> {
    staged
        .iter()
        .map(|(name, text)| {
            let last = steps.iter().rev().find_map(|s| match s {
                Step::File { name: n, text } if n == name => Some(text),
                _ => None,
            });
            Tab {
                name: name.clone(),
                text: (last != Some(text)).then(|| text.clone()),
            }
        })
        .collect()
}

/// A full document with each command's output after it, as `orrery run` prints it (a
/// fresh session of `seed` replays it), so that `orrery check` passes on the file.
pub fn with_outputs(text: &str, seed: u64) -> String {
    match orrery::transcript::parse(text) {
        Ok(items) => {
            let mut session = orrery::shell::Session::new(seed);
            let ran = orrery::transcript::run(&mut session, &items);
            orrery::transcript::render(&items, &ran)
        }
        Err(_) => text.to_string(),
    }
}

/// Checks a file's bytes are UTF-8 text. The error names the file and the byte offset
/// of the first invalid byte.
pub fn utf8_text(name: &str, bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        crate::i18n::fill(crate::i18n::tr(crate::i18n::T::DocNotUtf8), &[&name, &at])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use orrery::shell::Session;
    use orrery::timeline::Timeline;

    fn entry(id: u64, at: Millis, command: &str, origin: &'static str) -> ConsoleEntry {
        ConsoleEntry {
            id,
            at,
            command: command.into(),
            stdin: None,
            output: String::new(),
            code: 0,
            origin,
        }
    }

    #[test]
    fn durations_read_back_as_sleep_reads_them() {
        for ms in [1, 16, 999, 1000, 1500, 30_000, 61_234, 86_400_000] {
            let text = duration_text(ms);
            assert_eq!(orrery::time::parse_duration(&text), Some(ms), "{text}");
        }
        assert_eq!(duration_text(1500), "1.5s");
        assert_eq!(duration_text(30_000), "30s");
    }

    #[test]
    fn history_becomes_steps_with_origins_and_merged_clock() {
        let mut t = Timeline::new(Session::new(1));
        t.exec("cat <<EOF > a.yaml", Some("x: 1\n"));
        t.advance(16);
        t.advance(17);
        let at = t.now();
        t.exec("kubectl get pods", None);
        let sleep_at = t.now();
        t.advance(30_000); // `sleep 30s` from the console
        t.advance(100);
        let console = vec![
            entry(1, at, "kubectl get pods", "canvas"),
            entry(2, at, "refused", "console"),
            entry(3, sleep_at, "sleep 30s", "console"),
        ];
        let steps = steps_from_history(t.entries(), &console);
        assert_eq!(
            steps,
            vec![
                Step::File {
                    name: "a.yaml".into(),
                    text: "x: 1\n".into()
                },
                Step::Wait(33),
                Step::Run {
                    line: "kubectl get pods".into(),
                    stdin: None,
                    origin: "canvas"
                },
                Step::Run {
                    line: "sleep 30s".into(),
                    stdin: None,
                    origin: "console"
                },
                Step::Wait(100),
            ]
        );
    }

    fn sample() -> SessionDoc {
        SessionDoc {
            seed: 7,
            cluster: Some("v1.34.0".into()),
            steps: vec![
                Step::File {
                    name: "pacman-ingress.yaml".into(),
                    text: default_text("pacman-ingress.yaml").unwrap().into(),
                },
                Step::File {
                    name: "odd.yaml".into(),
                    text: "a: 1\nEOF\nno newline".into(),
                },
                Step::Wait(1234),
                Step::Run {
                    line: "kubectl apply -f - <<END".into(),
                    stdin: Some("kind: Namespace\n".into()),
                    origin: "lesson",
                },
                Step::Run {
                    line: "sleep 2s".into(),
                    stdin: None,
                    origin: "console",
                },
            ],
            tabs: Some(vec![
                Tab {
                    name: "odd.yaml".into(),
                    text: None,
                },
                Tab {
                    name: "draft.yaml".into(),
                    text: Some("\nline\r\n\n".into()),
                },
                Tab {
                    name: "empty.yaml".into(),
                    text: Some(String::new()),
                },
            ]),
            lesson_step: Some(12),
            view_time: Some(1_767_225_700_000),
            paused: true,
            native: true,
        }
    }

    #[test]
    fn documents_read_back_exactly_in_both_flavours() {
        let doc = sample();
        for flavour in [Flavour::Full, Flavour::Compact] {
            let text = render(&doc, flavour);
            assert_eq!(parse(&text), Ok(doc.clone()), "{flavour:?}:\n{text}");
        }
        let compact = render(&doc, Flavour::Compact);
        assert!(compact.contains("#@ default-file pacman-ingress.yaml\n"));
        assert!(compact.len() < render(&doc, Flavour::Full).len());
    }

    #[test]
    fn a_full_document_is_a_transcript_the_command_line_runs() {
        let text = render(&sample(), Flavour::Full);
        let items = orrery::transcript::parse(&text).expect("a transcript");
        let mut s = Session::new(7);
        let ran = orrery::transcript::run(&mut s, &items);
        assert_eq!(ran.len(), 5);
        assert_eq!(
            s.files.get("odd.yaml").map(String::as_str),
            Some("a: 1\nEOF\nno newline\n")
        );
    }

    #[test]
    fn a_plain_transcript_runs_on_the_default_files() {
        let doc = parse(crate::lesson::DEFAULT_LESSON).expect("the lesson reads");
        assert!(!doc.native);
        assert_eq!(
            doc.steps
                .iter()
                .filter(|s| matches!(s, Step::File { .. }))
                .count(),
            scenario::DEFAULT.files.len()
        );
        assert!(doc.steps.len() > 10);
        let tabs = tab_files(&doc);
        assert_eq!(tabs[0].0, "pacman-stateful-demo.yaml");
    }

    #[test]
    fn bad_documents_say_which_line() {
        assert!(parse("hello\n").unwrap_err().contains("line 1"));
        assert!(parse("# only a comment\n").is_err());
        let e = parse(&format!("{MAGIC}\n$ cat <<EOF > a.yaml\nno end\n")).unwrap_err();
        assert!(e.contains("line 2") && e.contains("not closed"), "{e}");
        let e = parse(&format!("{MAGIC}\n#@ default-file nope.yaml\n")).unwrap_err();
        assert!(e.contains("nope.yaml"), "{e}");
        let e = parse(&format!("{MAGIC}\n#@ seed x\n")).unwrap_err();
        assert!(e.contains("seed"), "{e}");
        let e = parse(&format!("{MAGIC}\n#@ tab-text bad name\n")).unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        let big = "#".repeat(MAX_DOC_BYTES + 1);
        assert!(parse(&big).unwrap_err().contains("too large"));
        // Unknown directives (a newer page) and expected output are skipped.
        let doc = parse(&format!("{MAGIC}\n#@ future 1\n$ kubectl get ns\nNAME\n")).unwrap();
        assert_eq!(doc.steps.len(), 1);
    }

    #[test]
    fn invalid_utf8_names_file_and_offset() {
        let e = utf8_text("x.yaml", b"ab\xffcd".to_vec()).unwrap_err();
        assert!(e.contains("x.yaml") && e.contains("offset 2"), "{e}");
        assert_eq!(utf8_text("y", b"ok".to_vec()), Ok("ok".into()));
    }
}
