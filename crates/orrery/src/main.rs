//! The `orrery` command line (TRANSCRIPT.md): `run`, `check` and `shell` over transcripts.
//! This binary is the only place that touches the file system and standard streams.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use orrery::shell::Session;
use orrery::transcript;

const USAGE: &str = "usage: orrery [--seed N] <command> [FILE...]

commands:
  run FILE...     run each transcript; print it back with each command's actual output
  check FILE...   run each transcript; compare with its expected output (exit 1 on mismatch)
  shell           read commands from standard input, print their output
options:
  --seed N        seed of the one random generator (default 1)
";

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut seed: u64 = 1;
    if let Some(i) = args
        .iter()
        .position(|a| a == "--seed" || a.starts_with("--seed="))
    {
        let value = if let Some(v) = args[i].strip_prefix("--seed=") {
            let v = v.to_string();
            args.remove(i);
            Some(v)
        } else {
            args.remove(i);
            (i < args.len()).then(|| args.remove(i))
        };
        match value.and_then(|v| v.parse().ok()) {
            Some(s) => seed = s,
            None => {
                eprintln!("orrery: --seed takes a whole number\n\n{USAGE}");
                std::process::exit(2);
            }
        }
    }
    let code = match args.first().map(String::as_str) {
        Some("run") => run_files(&args[1..], seed, false),
        Some("check") => run_files(&args[1..], seed, true),
        Some("shell") => shell(seed),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            0
        }
        _ => {
            eprint!("{USAGE}");
            2
        }
    };
    std::process::exit(code);
}

fn session_for(path: &Path, seed: u64) -> Session {
    let mut s = Session::new(seed);
    let dir: PathBuf = path.parent().map(Path::to_path_buf).unwrap_or_default();
    s.loader = Some(std::rc::Rc::new(move |name: &str| {
        let p = Path::new(name);
        let full = if p.is_absolute() {
            p.to_path_buf()
        } else {
            dir.join(p)
        };
        std::fs::read_to_string(full).ok()
    }));
    s
}

fn run_files(files: &[String], seed: u64, check: bool) -> i32 {
    if files.is_empty() {
        eprint!("{USAGE}");
        return 2;
    }
    let mut status = 0;
    let mut passed = 0;
    let mut failed = 0;
    for f in files {
        let path = Path::new(f);
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("orrery: cannot read {f}: {e}");
                return 2;
            }
        };
        let items = match transcript::parse(&text) {
            Ok(i) => i,
            Err(e) => {
                eprintln!("orrery: {f}: {e}");
                return 2;
            }
        };
        let mut session = session_for(path, seed);
        // `check` is the test mode: it also proves that every controller pass the
        // simulator skips would have returned nothing (a panic names the controller).
        session.sim.verify_skips = check;
        let ran = transcript::run(&mut session, &items);
        if check {
            let failures = transcript::check(&ran, f);
            if failures.is_empty() {
                passed += 1;
                println!("ok      {f}");
            } else {
                failed += 1;
                status = 1;
                println!("FAILED  {f}");
                for m in failures {
                    println!("{m}");
                }
            }
        } else {
            print!("{}", transcript::render(&items, &ran));
        }
    }
    if check {
        println!("transcripts: {passed} passed, {failed} failed");
    }
    status
}

fn shell(seed: u64) -> i32 {
    let mut s = Session::new(seed);
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut stdout = std::io::stdout();
    while let Some(Ok(line)) = lines.next() {
        let heredoc = orrery::shell::heredoc_marker(&line).map(|marker| {
            let mut body = String::new();
            for l in lines.by_ref() {
                let Ok(l) = l else { break };
                if l.trim_end() == marker {
                    break;
                }
                body.push_str(&l);
                body.push('\n');
            }
            body
        });
        let out = s.exec(&line, heredoc.as_deref());
        let _ = stdout.write_all(out.text.as_bytes());
        let _ = stdout.flush();
    }
    0
}
