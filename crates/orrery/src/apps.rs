//! Simulated applications, chosen by image: how long an image takes to pull, how long the
//! process takes to start serving, how it reacts to SIGTERM, which ports and HTTP paths it
//! serves, and whether it exits. The kubelet judges probes against this model (a probe for
//! a path the app does not serve fails); requests are answered by it (issue: traffic).
//!
//! Default durations look like a real minikube at 1× speed (§0.3): pulls of 1–4 s,
//! start-up of about a second, nginx exits about 1 s after SIGTERM, a Node.js app as
//! PID 1 ignores SIGTERM and is killed when the grace period ends.

use crate::sort::StableSort;
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
    /// The ingress-nginx controller: routes requests on 80/443 (`routing`), health on
    /// 10254.
    IngressController,
    /// hashicorp/http-echo: answers every path with its `-text` (port 5678, or
    /// `-listen=:PORT`).
    Echo,
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
            AppKind::IngressController => port != 10254 || path == "/healthz",
            AppKind::Echo => true,
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
    if image.contains("ingress-nginx/controller") {
        m.kind = AppKind::IngressController;
        m.pull_ms = 3_000;
        m.warmup_ms = 2_000;
        m.ports = vec![80, 443, 8443, 10254];
        return m;
    }
    if base == "http-echo" {
        m.kind = AppKind::Echo;
        m.pull_ms = 1_000;
        m.warmup_ms = 200;
        m.stop_ms = Some(200);
        m.ports = vec![echo_flag(command, "listen")
            .and_then(|l| l.rsplit(':').next().and_then(|p| p.parse().ok()))
            .unwrap_or(5678)];
        return m;
    }
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
        // An interpreter's image given a script runs it to the end, as a shell does: the
        // Job documentation's `perl -Mbignum=bpi -wle 'print bpi(2000)'` completes
        // (what the script prints is not simulated; only a shell's `echo`s are).
        "perl" | "python" | "ruby" if !script.is_empty() => {
            m.kind = AppKind::Shell;
            m.warmup_ms = 0;
            m.stop_ms = Some(0);
            m.exits = shell_exit(&script);
        }
        "busybox" | "alpine" | "ubuntu" | "debian" | "bitnami-shell" | "os-shell" | "curl"
        | "netshoot" | "dnsutils" => {
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

/// A Go-style flag of http-echo: `-text=hi`, `--text=hi` or `-text hi`.
fn echo_flag(args: &[String], name: &str) -> Option<String> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let a = a.trim_start_matches('-');
        if let Some(v) = a.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
            return Some(v.to_string());
        }
        if a == name {
            return it.next().cloned();
        }
    }
    None
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

// ----- requests (issue: traffic) -------------------------------------------------------
//
// What each simulated app answers. Choices (the behaviour reference leaves them open):
// - A web server (nginx and unknown images with a port) answers `/` and `/index.html`
//   with a small "Welcome to nginx!" page that names the pod and its IP, and nginx's own
//   404 page elsewhere; `Server: nginx/<tag>` (1.27.1 for untagged images).
// - mongod answers HTTP on 27017 with its real one-line complaint (HTTP/1.0).
// - pacman (Node.js, Express) serves the game page on `/`, `GET /highscores/list` (the
//   top 10 as JSON, highest first), `POST /highscores` (form `name=…&score=…[&level=…]`),
//   `GET /location`; Express's `Cannot GET /x` page elsewhere. It reaches MongoDB through
//   `MONGO_SERVICE_HOST` (a name resolved by cluster DNS, or an IP) and `MY_MONGO_PORT`
//   (default 27017). While no mongo endpoint answers it fails with a 500 whose page reads
//   like Node's error (`MongoNetworkError: connect ECONNREFUSED <ip>:27017`).
// - The high scores are a file in mongo's data directory (`/bitnami/mongodb/data/db` for
//   bitnami images, `/data/db` otherwise), `pacman.highscore.json`, one JSON document
//   per line, written through `volumes`, so they live and die with mongo's volume.

use crate::api::Object;
use crate::routing::{Hop, HttpRequest, HttpResponse, Outcome, RouteStep};
use crate::sim::Sim;

/// The model of the container of a pod that would own `port`, with its spec.
fn container_for_port(pod: &Object, port: i64) -> Option<(String, AppModel)> {
    for c in pod
        .get(&["spec", "containers"])
        .as_array()
        .into_iter()
        .flatten()
    {
        let image = c
            .get("image")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        let mut cmd: Vec<String> = vec![];
        for k in ["command", "args"] {
            if let Some(serde_json::Value::Array(a)) = c.get(k) {
                cmd.extend(a.iter().filter_map(|x| x.as_str().map(str::to_string)));
            }
        }
        let declared: Vec<i64> = c
            .get("ports")
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| p.get("containerPort").and_then(serde_json::Value::as_i64))
            .collect();
        let model = model_for(image, &cmd, &declared);
        if model.listens(port) {
            let name = c
                .get("name")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_string();
            return Some((name, model));
        }
    }
    None
}

/// Whether a pod accepts connections on `port` now: a container whose app listens there
/// is running and past its start-up (the kubelet's runtime state).
pub fn listening(sim: &Sim, pod: &Object, port: i64) -> bool {
    if pod.is_deleting() && !sim.runtime.contains_key(&pod.meta.uid) {
        return false;
    }
    let Some((name, model)) = container_for_port(pod, port) else {
        return false;
    };
    let Some(rt) = sim.runtime.get(&pod.meta.uid) else {
        return false;
    };
    rt.containers.iter().any(|c| {
        !c.init
            && c.name == name
            && matches!(c.state, crate::kubelet::CState::Running { since } if sim.now >= since + model.warmup_ms)
    })
}

/// An HTTP `Date` header from virtual time: `Thu, 01 Jan 2026 00:00:30 GMT`.
pub fn http_date(ms: crate::time::Millis) -> String {
    let t = crate::time::rfc3339(ms);
    let secs = crate::time::EPOCH_UNIX_SECONDS + ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][t[5..7].parse::<usize>().unwrap_or(1) - 1];
    format!(
        "{weekday}, {} {month} {} {} GMT",
        &t[8..10],
        &t[0..4],
        &t[11..19]
    )
}

fn image_tag(pod: &Object, port: i64) -> String {
    let image = pod
        .get(&["spec", "containers"])
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| {
            container_for_port(pod, port).is_some_and(|(n, _)| {
                c.get("name").and_then(serde_json::Value::as_str) == Some(n.as_str())
            })
        })
        .and_then(|c| c.get("image").and_then(serde_json::Value::as_str))
        .unwrap_or("nginx");
    let no_digest = image.split('@').next().unwrap_or(image);
    match no_digest.rsplit_once(':') {
        Some((_, tag)) if !tag.contains('/') && tag != "latest" => tag.to_string(),
        _ => "1.27.1".into(),
    }
}

/// A request that reached `port` of `pod` (not the ingress controller's 80/443, which
/// `routing` handles): the app's answer, or why the connection failed.
pub fn serve(
    sim: &mut Sim,
    pod: &Object,
    port: i64,
    req: &HttpRequest,
    steps: &mut Vec<RouteStep>,
) -> Outcome {
    let key = pod.key();
    if !listening(sim, pod, port) {
        let why = match container_for_port(pod, port) {
            None => format!("nothing in pod {} listens on port {port}", pod.meta.name),
            Some((c, _)) => format!(
                "container {c} of pod {} is not serving on port {port} yet",
                pod.meta.name
            ),
        };
        steps.push(RouteStep::failed(Hop::Pod, Some(key), why));
        return Outcome::ConnectionRefused;
    }
    let (container, model) = container_for_port(pod, port).expect("listening implies a container");
    let mut resp = match model.kind {
        AppKind::WebServer => web_server(pod, port, req),
        AppKind::Mongo => {
            let body = "It looks like you are trying to access MongoDB over HTTP on the native driver port.\n".to_string();
            let mut r = HttpResponse::new(200, "text/plain", body);
            r.version = "HTTP/1.0".into();
            r.headers.insert(0, ("Connection".into(), "close".into()));
            r
        }
        AppKind::Pacman => {
            steps.push(RouteStep::ok(
                Hop::Pod,
                Some(key.clone()),
                format!(
                    "pod {} (pacman) handles {} {}",
                    pod.meta.name,
                    req.method,
                    req.path_only()
                ),
            ));
            let r = pacman(sim, pod, req, steps);
            let mut r = r;
            stamp(sim, &mut r);
            let line = format!(
                "{} {} {} - {} ms",
                req.method,
                req.path,
                r.status,
                1 + r.body.len() / 1024
            );
            log_line(sim, pod, &container, line);
            return Outcome::Response(r);
        }
        AppKind::IngressController => crate::routing::nginx_error_page(404, "nginx"),
        AppKind::Echo => {
            let text = echo_text(pod, port);
            let mut r = HttpResponse::new(200, "text/plain; charset=utf-8", format!("{text}\n"));
            r.headers
                .insert(0, ("X-App-Name".into(), "http-echo".into()));
            r.headers
                .insert(1, ("X-App-Version".into(), "1.0.0".into()));
            r
        }
        AppKind::Shell => {
            steps.push(RouteStep::failed(
                Hop::Pod,
                Some(key),
                "a shell does not speak HTTP",
            ));
            return Outcome::EmptyReply;
        }
    };
    steps.push(RouteStep::ok(
        Hop::Pod,
        Some(key),
        format!(
            "pod {} answers {} {}",
            pod.meta.name, resp.status, resp.reason
        ),
    ));
    if model.kind != AppKind::Mongo {
        stamp(sim, &mut resp);
    }
    if model.kind == AppKind::WebServer {
        let agent = req
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("user-agent"))
            .map_or("-", |(_, v)| v.as_str());
        let line = format!(
            // The client as the pod sees it: the pod network's gateway (a request through
            // a NodePort, the Ingress controller or a port-forward is forwarded).
            "10.244.0.1 - - [{}] \"{} {} HTTP/1.1\" {} {} \"-\" \"{agent}\" \"-\"",
            nginx_time(sim.now),
            req.method,
            req.path,
            resp.status,
            resp.body.len()
        );
        log_line(sim, pod, &container, line);
    }
    Outcome::Response(resp)
}

/// Adds the `Date` and `Connection` headers where the server puts them: nginx right
/// after `Server`, Express after the body headers.
pub fn stamp(sim: &Sim, r: &mut HttpResponse) {
    let date = ("Date".to_string(), http_date(sim.now));
    if r.headers.first().is_some_and(|(k, _)| k == "Server") {
        r.headers.insert(1, date);
    } else {
        r.headers.push(date);
    }
    r.headers.push(("Connection".into(), "keep-alive".into()));
}

/// http-echo's `-text` for the container on `port`.
fn echo_text(pod: &Object, port: i64) -> String {
    let Some((name, _)) = container_for_port(pod, port) else {
        return String::new();
    };
    let c = pod
        .get(&["spec", "containers"])
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c.get("name").and_then(serde_json::Value::as_str) == Some(name.as_str()));
    let mut args: Vec<String> = vec![];
    for k in ["command", "args"] {
        if let Some(serde_json::Value::Array(a)) = c.and_then(|c| c.get(k)) {
            args.extend(a.iter().filter_map(|x| x.as_str().map(str::to_string)));
        }
    }
    echo_flag(&args, "text").unwrap_or_default()
}

fn web_server(pod: &Object, port: i64, req: &HttpRequest) -> HttpResponse {
    let version = format!("nginx/{}", image_tag(pod, port));
    let path = req.path_only();
    let mut r = if matches!(req.method.as_str(), "GET" | "HEAD")
        && matches!(path, "/" | "/index.html")
    {
        let ip = pod.str_at(&["status", "podIP"]).unwrap_or("");
        let body = format!(
            "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>Served by pod {} ({ip}).</p>\n</body>\n</html>\n",
            pod.meta.name
        );
        HttpResponse::new(200, "text/html", body)
    } else if !matches!(req.method.as_str(), "GET" | "HEAD") && matches!(path, "/" | "/index.html")
    {
        crate::routing::nginx_error_page(405, &version)
    } else {
        crate::routing::nginx_error_page(404, &version)
    };
    r.headers.insert(0, ("Server".into(), version));
    r
}

fn env_value(pod: &Object, name: &str) -> Option<String> {
    pod.get(&["spec", "containers"])
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| {
            c.get("env")
                .and_then(serde_json::Value::as_array)
                .into_iter()
                .flatten()
        })
        .find(|e| e.get("name").and_then(serde_json::Value::as_str) == Some(name))
        .and_then(|e| e.get("value").and_then(serde_json::Value::as_str))
        .map(str::to_string)
}

fn express(status: u16, content_type: &str, body: String) -> HttpResponse {
    let mut r = HttpResponse::new(status, content_type, body);
    r.headers
        .insert(0, ("X-Powered-By".into(), "Express".into()));
    r
}

fn express_error(message: &str) -> HttpResponse {
    express(
        500,
        "text/html; charset=utf-8",
        format!("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>{message}</pre>\n</body>\n</html>\n"),
    )
}

/// mongo's data directory for its image.
fn mongo_data_dir(pod: &Object) -> &'static str {
    let bitnami = pod
        .get(&["spec", "containers"])
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| {
            c.get("image")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .contains("bitnami")
        });
    if bitnami {
        "/bitnami/mongodb/data/db"
    } else {
        "/data/db"
    }
}

pub const HIGHSCORE_FILE: &str = "pacman.highscore.json";

/// pacman's connection to MongoDB: DNS, then kube-proxy to a ready mongo endpoint (or a
/// pod IP directly), then mongod listening. The mongo pod, or Node's error message.
fn connect_mongo(sim: &Sim, pacman: &Object, steps: &mut Vec<RouteStep>) -> Result<Object, String> {
    let host = env_value(pacman, "MONGO_SERVICE_HOST").unwrap_or_else(|| "localhost".into());
    let port: i64 = env_value(pacman, "MY_MONGO_PORT")
        .and_then(|p| p.parse().ok())
        .unwrap_or(27017);
    let ns = pacman.meta.namespace.clone();
    let fail =
        |steps: &mut Vec<RouteStep>, obj: Option<crate::api::ObjKey>, why: String, err: String| {
            steps.push(RouteStep::failed(Hop::App, obj, why));
            Err(err)
        };
    let ip = if host.parse::<std::net::IpAddr>().is_ok() {
        host.clone()
    } else if host == "localhost" {
        "127.0.0.1".into()
    } else {
        match crate::controllers::endpointslice::resolve_dns(sim, &host, &ns) {
            Some(ips) if !ips.is_empty() => ips[0].clone(),
            _ => {
                return fail(
                    steps,
                    None,
                    format!("pacman cannot resolve \"{host}\" (cluster DNS has no such name)"),
                    format!("MongoNetworkError: getaddrinfo ENOTFOUND {host}"),
                )
            }
        }
    };
    let refused = format!("MongoNetworkError: connect ECONNREFUSED {ip}:{port}");
    if let Some(svc) = sim
        .store
        .list_all("Service")
        .find(|s| s.str_at(&["spec", "clusterIP"]) == Some(ip.as_str()))
    {
        let Some(sp) = crate::controllers::endpointslice::find_service_port(
            svc,
            &crate::controllers::endpointslice::PortRef::Number(port),
        ) else {
            return fail(
                steps,
                Some(svc.key()),
                format!(
                    "Service {}/{} has no port {port}",
                    svc.meta.namespace, svc.meta.name
                ),
                refused,
            );
        };
        let backends = crate::controllers::endpointslice::ready_backends(sim, svc, sp);
        let req = HttpRequest {
            method: "CONNECT".into(),
            host: host.clone(),
            path: String::new(),
            headers: vec![],
            body: pacman.meta.name.clone(),
        };
        let Some(b) = crate::routing::pick_endpoint(&backends, sim.now, &req) else {
            return fail(
                steps,
                Some(svc.key()),
                format!(
                    "pacman → {host}:{port} (Service {}/{}): no ready endpoint, connection refused",
                    svc.meta.namespace, svc.meta.name
                ),
                refused,
            );
        };
        steps.push(RouteStep::ok(
            Hop::App,
            Some(svc.key()),
            format!(
                "pacman → {host}:{port} (Service {}/{}) → endpoint {}:{}",
                svc.meta.namespace, svc.meta.name, b.ip, b.port
            ),
        ));
        let Some(mongo) = sim.store.get(&b.pod).cloned() else {
            return Err(refused);
        };
        if !listening(sim, &mongo, b.port) {
            return fail(
                steps,
                Some(mongo.key()),
                format!(
                    "pod {} does not accept connections on {}",
                    mongo.meta.name, b.port
                ),
                format!(
                    "MongoNetworkError: connect ECONNREFUSED {}:{}",
                    b.ip, b.port
                ),
            );
        }
        return Ok(mongo);
    }
    let pod = if ip == "127.0.0.1" {
        Some(pacman.clone())
    } else {
        sim.store
            .list_all("Pod")
            .find(|p| p.str_at(&["status", "podIP"]) == Some(ip.as_str()))
            .cloned()
    };
    match pod {
        Some(p)
            if listening(sim, &p, port)
                && container_for_port(&p, port).is_some_and(|(_, m)| m.kind == AppKind::Mongo) =>
        {
            steps.push(RouteStep::ok(
                Hop::App,
                Some(p.key()),
                format!("pacman → {host}:{port} → pod {}", p.meta.name),
            ));
            Ok(p)
        }
        _ => fail(
            steps,
            None,
            format!("pacman → {ip}:{port}: nothing accepts the connection"),
            refused,
        ),
    }
}

/// A JSON object with its keys in the given order (as `JSON.stringify` keeps them).
fn json_object(fields: Vec<(String, serde_json::Value)>) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{v}", serde_json::Value::String(k.clone())))
        .collect();
    format!("{{{}}}", parts.join(","))
}

fn form_value(body: &str, key: &str) -> Option<String> {
    body.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (url_decode(k) == key).then(|| url_decode(v))
    })
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
pub fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// JavaScript's `parseInt(x, 10)` as JSON: a number, or `null` for NaN.
fn parse_int_json(v: Option<&str>) -> serde_json::Value {
    let Some(v) = v else {
        return serde_json::Value::Null;
    };
    let t = v.trim_start();
    let (sign, digits) = match t.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    let n: String = digits.chars().take_while(char::is_ascii_digit).collect();
    match n.parse::<i64>() {
        Ok(x) => serde_json::json!(sign * x),
        Err(_) => serde_json::Value::Null,
    }
}

fn pacman(
    sim: &mut Sim,
    pod: &Object,
    req: &HttpRequest,
    steps: &mut Vec<RouteStep>,
) -> HttpResponse {
    let path = req.path_only().trim_end_matches('/');
    let path = if path.is_empty() { "/" } else { path };
    match (req.method.as_str(), path) {
        ("GET", "/") => express(
            200,
            "text/html; charset=UTF-8",
            format!("<!DOCTYPE html>\n<html>\n<head>\n<title>Pac-Man</title>\n</head>\n<body>\n<h1>Pac-Man</h1>\n<canvas id=\"canvas\" width=\"448\" height=\"576\"></canvas>\n<p>Served by {}.</p>\n</body>\n</html>\n", pod.meta.name),
        ),
        ("GET", "/location") | ("GET", "/loc") => express(
            200,
            "application/json; charset=utf-8",
            serde_json::json!({"cloud": "unknown", "zone": "unknown", "host": pod.meta.name}).to_string(),
        ),
        ("GET", "/highscores/list") => {
            let mongo = match connect_mongo(sim, pod, steps) {
                Ok(m) => m,
                Err(e) => return express_error(&e),
            };
            let file = format!("{}/{HIGHSCORE_FILE}", mongo_data_dir(&mongo));
            let text = crate::volumes::read_file(sim, &mongo, &file).unwrap_or_default();
            let mut docs: Vec<serde_json::Value> = text
                .lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect();
            // Highest first; equal scores in insertion order (a stable sort).
            docs.sort_stable_by(|a, b| {
                let s = |d: &serde_json::Value| d.get("score").and_then(serde_json::Value::as_i64).unwrap_or(i64::MIN);
                s(b).cmp(&s(a))
            });
            let list: Vec<String> = docs
                .iter()
                .take(10)
                .map(|d| {
                    json_object(
                        ["name", "cloud", "zone", "host", "score"]
                            .iter()
                            .filter_map(|k| d.get(*k).map(|v| (k.to_string(), v.clone())))
                            .collect(),
                    )
                })
                .collect();
            steps.push(RouteStep::ok(
                Hop::App,
                Some(mongo.key()),
                format!("mongo {} reads {} high score(s) from {file}", mongo.meta.name, docs.len()),
            ));
            express(
                200,
                "application/json; charset=utf-8",
                format!("[{}]", list.join(",")),
            )
        }
        ("POST", "/highscores") => {
            let mongo = match connect_mongo(sim, pod, steps) {
                Ok(m) => m,
                Err(e) => return express_error(&e),
            };
            let name = form_value(&req.body, "name");
            let score = parse_int_json(form_value(&req.body, "score").as_deref());
            let level = parse_int_json(form_value(&req.body, "level").as_deref());
            let mut doc: Vec<(String, serde_json::Value)> = vec![];
            if let Some(n) = &name {
                doc.push(("name".into(), serde_json::json!(n)));
            }
            for k in ["cloud", "zone", "host"] {
                if let Some(v) = form_value(&req.body, k) {
                    doc.push((k.into(), serde_json::json!(v)));
                }
            }
            doc.push(("score".into(), score.clone()));
            doc.push(("level".into(), level.clone()));
            doc.push(("date".into(), serde_json::json!(crate::time::rfc3339(sim.now))));
            let dir = mongo_data_dir(&mongo);
            let file = format!("{dir}/{HIGHSCORE_FILE}");
            let line = format!("{}\n", json_object(doc));
            // mongod keeps its data directory; it exists once it has started.
            let container = crate::volumes::default_container(&mongo).unwrap_or_default();
            let _ = crate::volumes::mkdir(sim, &mongo, &container, dir, true);
            let rs = match crate::volumes::write_file(sim, &mongo, &file, &line, true) {
                Ok(()) => {
                    steps.push(RouteStep::ok(
                        Hop::App,
                        Some(mongo.key()),
                        format!("mongo {} saves the score in {file}", mongo.meta.name),
                    ));
                    "success"
                }
                Err(e) => {
                    steps.push(RouteStep::failed(
                        Hop::App,
                        Some(mongo.key()),
                        format!("mongo {} cannot write {file}: {e}", mongo.meta.name),
                    ));
                    "error"
                }
            };
            let mut out: Vec<(String, serde_json::Value)> = vec![];
            if let Some(n) = name {
                out.push(("name".into(), serde_json::json!(n)));
            }
            if let Some(z) = form_value(&req.body, "zone") {
                out.push(("zone".into(), serde_json::json!(z)));
            }
            out.push(("score".into(), score));
            out.push(("level".into(), level));
            out.push(("rs".into(), serde_json::json!(rs)));
            express(200, "application/json; charset=utf-8", json_object(out))
        }
        (m, _) => {
            let body = format!(
                "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot {m} {}</pre>\n</body>\n</html>\n",
                req.path_only()
            );
            express(404, "text/html; charset=utf-8", body)
        }
    }
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
        // The Job documentation's pi: an interpreter running a script ends with it.
        let pi: Vec<String> = ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]
            .map(String::from)
            .to_vec();
        assert_eq!(model_for("perl:5.34.0", &pi, &[]).exits, Some((500, 0)));
        assert_eq!(model_for("perl:5.34.0", &[], &[]).exits, None);
    }

    #[test]
    fn http_helpers() {
        assert_eq!(http_date(30_000), "Thu, 01 Jan 2026 00:00:30 GMT");
        assert_eq!(http_date(86_400_000 * 3), "Sun, 04 Jan 2026 00:00:00 GMT");
        assert_eq!(url_decode("a+b%21%zz"), "a b!%zz");
        assert_eq!(parse_int_json(Some("1200px")), serde_json::json!(1200));
        assert_eq!(parse_int_json(Some("x")), serde_json::Value::Null);
        assert_eq!(parse_int_json(None), serde_json::Value::Null);
        assert_eq!(
            form_value("name=a%20b&score=3", "name").as_deref(),
            Some("a b")
        );
        let echo = model_for(
            "hashicorp/http-echo:1.0",
            &["-listen=:8080".into(), "-text=hi".into()],
            &[],
        );
        assert_eq!((echo.kind, echo.ports.clone()), (AppKind::Echo, vec![8080]));
        assert_eq!(
            echo_flag(&["-text".into(), "x y".into()], "text").as_deref(),
            Some("x y")
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

/// Most lines `kubectl logs` keeps per container instance (the oldest go first).
pub const MAX_LOG_LINES: usize = 1_000;

/// Appends a line to what a running container has written (its access log).
fn log_line(sim: &mut Sim, pod: &Object, container: &str, line: String) {
    let now = sim.now;
    if let Some(c) = sim
        .runtime
        .get_mut(&pod.meta.uid)
        .map(std::sync::Arc::make_mut)
        .and_then(|rt| rt.containers.iter_mut().find(|c| c.name == container))
    {
        if c.log.len() >= MAX_LOG_LINES {
            c.log.remove(0);
        }
        c.log.push((now, line));
    }
}

/// nginx's access-log time: `26/Nov/2026:06:30:00 +0000`.
fn nginx_time(ms: Millis) -> String {
    let t = crate::time::rfc3339(ms); // 2026-11-26T06:30:00Z
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m: usize = t[5..7].parse().unwrap_or(1);
    format!(
        "{}/{}/{}:{} +0000",
        &t[8..10],
        month[(m.clamp(1, 12)) - 1],
        &t[0..4],
        &t[11..19]
    )
}

/// What a container writes when it starts: simulated lines in the style of the image
/// (nginx's entrypoint, Bitnami's MongoDB scripts, the pacman Node.js app, a shell's
/// `echo`s), stamped with the start instant. A MongoDB that finds data on its volume
/// says so — the learner's evidence that a recreated pod re-attached its old claim.
pub fn startup_log(
    sim: &Sim,
    pod: &Object,
    container: &str,
    image: &str,
    spec: &serde_json::Value,
    model: &AppModel,
    now: Millis,
) -> Vec<(Millis, String)> {
    let hms = |ms: Millis| crate::time::rfc3339(ms)[11..19].to_string();
    let date = crate::time::rfc3339(now)[0..10].replace('-', "/");
    let lines: Vec<String> = match model.kind {
        AppKind::WebServer => {
            let tag = image.rsplit_once(':').map_or("1.25.3", |(_, t)| t);
            let mut v: Vec<String> = [
                "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
                "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
                "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
                "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
                "/docker-entrypoint.sh: Configuration complete; ready for start up",
            ]
            .iter()
            .map(|l| l.to_string())
            .collect();
            let t = hms(now);
            v.push(format!(
                "{date} {t} [notice] 1#1: using the \"epoll\" event method"
            ));
            v.push(format!("{date} {t} [notice] 1#1: nginx/{tag}"));
            v.push(format!("{date} {t} [notice] 1#1: start worker processes"));
            v
        }
        AppKind::Mongo => {
            let bitnami = image.contains("bitnami");
            let dir = if bitnami {
                "/bitnami/mongodb"
            } else {
                "/data/db"
            };
            let persisted = crate::volumes::list(sim, pod, container, dir)
                .map(|files| !files.is_empty())
                .unwrap_or(false);
            if bitnami {
                let t = format!("mongodb {}.00", hms(now));
                vec![
                    format!("{t} "),
                    format!("{t} Welcome to the Bitnami mongodb container"),
                    format!("{t} "),
                    format!("{t} INFO  ==> ** Starting MongoDB setup **"),
                    format!("{t} INFO  ==> Validating settings in MONGODB_* env vars..."),
                    format!("{t} INFO  ==> Initializing MongoDB..."),
                    if persisted {
                        format!("{t} INFO  ==> Deploying MongoDB with persisted data...")
                    } else {
                        format!("{t} INFO  ==> Deploying MongoDB from scratch...")
                    },
                    format!("{t} INFO  ==> ** MongoDB setup finished! **"),
                    format!("{t} INFO  ==> ** Starting MongoDB **"),
                ]
            } else {
                let ts = crate::time::rfc3339(now).replace('Z', ".000+00:00");
                let j = |c: &str, id: u32, msg: &str, attr: &str| {
                    format!("{{\"t\":{{\"$date\":\"{ts}\"}},\"s\":\"I\",  \"c\":\"{c}\", \"id\":{id}, \"ctx\":\"initandlisten\",\"msg\":\"{msg}\",\"attr\":{attr}}}")
                };
                vec![
                    j(
                        "CONTROL",
                        4615611,
                        "MongoDB starting",
                        "{\"dbPath\":\"/data/db\"}",
                    ),
                    if persisted {
                        j(
                            "STORAGE",
                            22315,
                            "Opening WiredTiger",
                            "{\"existingData\":true}",
                        )
                    } else {
                        j(
                            "STORAGE",
                            22315,
                            "Opening WiredTiger",
                            "{\"existingData\":false}",
                        )
                    },
                    j(
                        "NETWORK",
                        23016,
                        "Waiting for connections",
                        "{\"port\":27017,\"ssl\":\"off\"}",
                    ),
                ]
            }
        }
        AppKind::Pacman => vec![
            String::new(),
            "> pacman@0.0.1 start".into(),
            "> node .".into(),
            String::new(),
            "Listening on port 8080".into(),
            "Connected to database server successfully".into(),
        ],
        AppKind::Echo => vec![format!(
            "{date} {} Server is listening on :{}",
            hms(now),
            model.ports.first().copied().unwrap_or(5678)
        )],
        AppKind::IngressController => vec![
            "-------------------------------------------------------------------------------"
                .into(),
            "NGINX Ingress controller".into(),
            format!(
                "  Release:       {}",
                image
                    .rsplit_once(':')
                    .map_or("v1.11.2", |(_, t)| t.split('@').next().unwrap_or(t))
            ),
            "  Repository:    https://github.com/kubernetes/ingress-nginx".into(),
            "-------------------------------------------------------------------------------"
                .into(),
        ],
        AppKind::Shell => shell_echoes(spec),
    };
    let _ = container;
    lines.into_iter().map(|l| (now, l)).collect()
}

/// The text a shell container's `echo` commands print (`sh -c 'echo hello; sleep 3600'`).
fn shell_echoes(spec: &serde_json::Value) -> Vec<String> {
    let mut words: Vec<String> = vec![];
    for k in ["command", "args"] {
        for w in spec
            .get(k)
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(w) = w.as_str() {
                words.push(w.to_string());
            }
        }
    }
    let script = match words.iter().position(|w| w == "-c") {
        Some(i) => words.get(i + 1).cloned().unwrap_or_default(),
        None => words.join(" "),
    };
    script
        .split([';', '\n'])
        .flat_map(|part| part.split("&&"))
        .filter_map(|part| {
            let part = part.trim();
            let rest = part.strip_prefix("echo ")?;
            let rest = rest.trim();
            let unquoted = rest
                .strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .or_else(|| rest.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
                .unwrap_or(rest);
            Some(unquoted.to_string())
        })
        .take(100)
        .collect()
}
