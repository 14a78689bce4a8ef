//! `curl` against the simulated cluster (TRANSCRIPT.md). Requests are routed by the
//! traffic model; until it lands every request is refused as a real one would be with
//! nothing listening.

use crate::shell::{Output, Session};

pub fn run(_s: &mut Session, words: &[String]) -> Output {
    let url = words
        .iter()
        .rev()
        .find(|w| !w.starts_with('-'))
        .cloned()
        .unwrap_or_default();
    if url.is_empty() {
        return Output::err(
            "curl: try 'curl --help' or 'curl --manual' for more information\n",
            2,
        );
    }
    Output::err(
        format!("curl: (7) Failed to connect to {url}: Connection refused\n"),
        7,
    )
}
