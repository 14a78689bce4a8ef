//! Simulated applications, chosen by image: how long an image takes to pull, how long the
//! process takes to start serving, how it reacts to SIGTERM, which ports and HTTP paths it
//! serves, and whether it exits. The kubelet judges probes against this model (a probe for
//! a path the app does not serve fails); requests are answered by it (issue: traffic).
//!
//! Default durations look like a real minikube at 1× speed (§0.3): pulls of 1–4 s,
//! start-up of about a second, nginx exits about 1 s after SIGTERM, a Node.js app as
//! PID 1 ignores SIGTERM and is killed when the grace period ends.

use crate::time::Millis;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppKind {
    /// nginx and any unknown image that exposes a port: serves `/` naming the pod.
    WebServer,
    /// MongoDB: keeps its data in its data directory.
    Mongo,
    /// The pacman game (Node.js): saves and lists high scores through MongoDB.
    Pacman,
    /// A shell image (busybox, alpine, …) running its command and exiting.
    Shell,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppModel {
    pub kind: AppKind,
    /// Image pull time when not already on the node.
    pub pull_ms: Millis,
    /// The registry has no such image or tag: pulls fail (ErrImagePull).
    pub pull_fails: bool,
    /// From container start until it serves (readiness/exec probes pass).
    pub warmup_ms: Millis,
    /// From SIGTERM until the process exits; `None` ignores SIGTERM (killed at the end
    /// of the grace period).
    pub stop_ms: Option<Millis>,
    /// The process exits on its own after this long, with this code.
    pub exits: Option<(Millis, i32)>,
    /// TCP ports the app listens on.
    pub ports: Vec<i64>,
}

impl AppModel {
    /// Whether an HTTP GET for `path` on `port` gets a 2xx/3xx answer.
    pub fn serves(&self, port: i64, path: &str) -> bool {
        if !self.ports.contains(&port) {
            return false;
        }
        let path = path.split('?').next().unwrap_or("");
        match self.kind {
            AppKind::WebServer => matches!(path, "" | "/" | "/index.html"),
            AppKind::Pacman => {
                matches!(
                    path,
                    "" | "/"
                        | "/highscores"
                        | "/highscores/list"
                        | "/user/id"
                        | "/loc"
                        | "/location"
                ) || path.starts_with("/user/")
                    || path.starts_with("/location/")
                    || path.starts_with("/loc/")
            }
            AppKind::Mongo | AppKind::Shell => false,
        }
    }

    /// Whether the app listens on `port` (TCP probes, connections).
    pub fn listens(&self, port: i64) -> bool {
        self.ports.contains(&port)
    }
}

/// Tags and names that the simulated registry does not have.
fn missing_image(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    image.trim().is_empty()
        || [
            "does-not-exist",
            "doesnotexist",
            "nonexistent",
            "non-existent",
            "not-exist",
            "notexist",
            "no-such",
            "invalid",
        ]
        .iter()
        .any(|bad| lower.contains(bad))
        || image.contains(' ')
}

/// The image name without registry, tag or digest: `docker.io/bitnami/mongodb:4.4.8` → `mongodb`.
pub fn image_base(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next().unwrap_or(last)
}

/// The model for a container: its image, command and args, and declared ports.
pub fn model_for(image: &str, command: &[String], declared_ports: &[i64]) -> AppModel {
    let base = image_base(image);
    let script = command.join(" ");
    let mut m = AppModel {
        kind: AppKind::WebServer,
        pull_ms: 2_000,
        pull_fails: missing_image(image),
        warmup_ms: 1_000,
        stop_ms: Some(1_000),
        exits: None,
        ports: declared_ports.to_vec(),
    };
    match base {
        "nginx" | "nginx-slim" | "httpd" | "caddy" => {
            m.pull_ms = 1_500;
            m.warmup_ms = 500;
            if m.ports.is_empty() {
                m.ports = vec![80];
            }
        }
        "mongodb" | "mongo" => {
            m.kind = AppKind::Mongo;
            m.pull_ms = 4_000;
            m.warmup_ms = 5_000;
            m.stop_ms = Some(2_000);
            m.ports = vec![27017];
        }
        "pacman-nodejs-app" | "pacman" => {
            m.kind = AppKind::Pacman;
            m.pull_ms = 3_000;
            m.warmup_ms = 1_000;
            // Node.js as PID 1 does not handle SIGTERM.
            m.stop_ms = None;
            m.ports = vec![8080];
        }
        "busybox" | "alpine" | "ubuntu" | "debian" | "bitnami-shell" | "os-shell" => {
            m.kind = AppKind::Shell;
            m.pull_ms = 1_000;
            m.warmup_ms = 0;
            m.stop_ms = Some(0);
            m.exits = shell_exit(&script);
        }
        _ => {
            if m.ports.is_empty() {
                m.ports = vec![80];
            }
        }
    }
    // A command that loops forever or serves keeps running whatever the image.
    if m.kind != AppKind::Shell && !script.is_empty() {
        if let Some(e) = shell_exit(&script) {
            if script.contains("exit") || script.trim() == "false" || script.trim() == "true" {
                m.exits = Some(e);
            }
        }
    }
    m
}

/// What a shell command does: `None` runs forever (`sleep infinity`, `tail -f`, loops);
/// otherwise (after, exit code).
fn shell_exit(script: &str) -> Option<(Millis, i32)> {
    let s = script.trim();
    if s.contains("infinity")
        || s.contains("tail -f")
        || s.contains("while true")
        || s.contains("while :")
    {
        return None;
    }
    let code = if s.contains("exit 1") || s.split_whitespace().any(|w| w == "false") {
        1
    } else {
        0
    };
    let mut after = 500;
    let words: Vec<&str> = s.split_whitespace().collect();
    for w in words.windows(2) {
        if w[0] == "sleep" {
            if let Some(ms) = crate::time::parse_duration(w[1].trim_end_matches(';')) {
                after += ms;
            }
        }
    }
    Some((after, code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_map_to_apps() {
        assert_eq!(model_for("nginx:1.14.2", &[], &[]).ports, vec![80]);
        assert!(model_for("nginx:does-not-exist", &[], &[]).pull_fails);
        assert_eq!(
            model_for("docker.io/bitnami/mongodb:4.4.8", &[], &[]).kind,
            AppKind::Mongo
        );
        assert_eq!(
            model_for("quay.io/ifont/pacman-nodejs-app:latest", &[], &[8080]).kind,
            AppKind::Pacman
        );
        let sleeper = model_for(
            "busybox",
            &["sh".into(), "-c".into(), "sleep 3600".into()],
            &[],
        );
        assert_eq!(sleeper.exits, Some((3_600_500, 0)));
        assert_eq!(
            model_for("busybox", &["sleep".into(), "infinity".into()], &[]).exits,
            None
        );
    }

    #[test]
    fn web_server_serves_root_only() {
        let m = model_for("nginx", &[], &[]);
        assert!(m.serves(80, "/"));
        assert!(!m.serves(80, "/nonexistent"));
        assert!(!m.serves(8080, "/"));
    }
}
