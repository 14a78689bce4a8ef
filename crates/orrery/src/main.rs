//! The `orrery` command line: `run`, `check` and `shell` over transcripts (TRANSCRIPT.md).

fn main() {
    std::process::exit(0);
}
