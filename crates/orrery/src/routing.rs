//! Where a request goes (R6.9, R7.3–R7.10): ingress rule selection, Service → ready
//! endpoint choice, and the route a request takes, step by step, so the page can animate
//! it and `curl -v` can print it: client → ingress controller → rule (and why it won) →
//! Service → endpoint → pod, or where and why it failed.
//!
//! The matching functions (`path_matches`, `host_matches`, `select_backend`,
//! `pick_endpoint`) are pure. `send` walks a request through the simulated cluster; the
//! only state it may change is an app's data (pacman saving a score on mongo's volume).
//!
//! Choices (the reference marks these UNVERIFIED):
//! - Host selection: exact host, then wildcard host, then host-less rules; a known host
//!   whose paths do not match does not fall through to host-less rules (R7.5).
//! - Unmatched requests on a host go to the `defaultBackend` of the oldest Ingress that
//!   defines rules for that host; on the catch-all server, to the oldest Ingress with a
//!   `defaultBackend` and no host rules; otherwise the controller's 404 (R7.7).
//! - `ImplementationSpecific` is a plain string prefix (an nginx prefix location); an
//!   empty path is `/` (R7.3).
//! - A missing Service or Service port answers 503 like one without endpoints (R7.10).
//! - Endpoint choice is a hash of (virtual time, request), not a counter, so the same
//!   request at the same instant always reaches the same pod.
//! - Error pages are nginx's, with `\n` line ends instead of `\r\n`.

use serde_json::Value;

use crate::api::{ObjKey, Object};
use crate::controllers::endpointslice::{self, Backend, PortRef};
use crate::controllers::ingress;
use crate::sim::Sim;

// ----- requests and responses --------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    /// The Host header, as sent (may carry a port).
    pub host: String,
    /// Path and query, `/highscores/list?x=1`.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpRequest {
    /// The path without the query string.
    pub fn path_only(&self) -> &str {
        self.path.split(['?', '#']).next().unwrap_or("/")
    }

    /// The Host header's name, lower-cased, without a port.
    pub fn host_name(&self) -> String {
        let h = self.host.trim().to_ascii_lowercase();
        if let Some(rest) = h.strip_prefix('[') {
            return rest.split(']').next().unwrap_or("").to_string();
        }
        h.split(':').next().unwrap_or("").to_string()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// `HTTP/1.1` (mongod answers `HTTP/1.0`).
    pub version: String,
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    pub fn new(status: u16, content_type: &str, body: String) -> HttpResponse {
        HttpResponse {
            version: "HTTP/1.1".into(),
            status,
            reason: reason_phrase(status).into(),
            headers: vec![
                ("Content-Type".into(), content_type.into()),
                ("Content-Length".into(), body.len().to_string()),
            ],
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn set_header(&mut self, name: &str, value: &str) {
        match self
            .headers
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
        {
            Some(h) => h.1 = value.to_string(),
            None => self.headers.push((name.to_string(), value.to_string())),
        }
    }
}

pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Temporarily Unavailable",
        504 => "Gateway Time-out",
        _ => "Unknown",
    }
}

/// nginx's built-in error page (`ngx_http_special_response.c`), e.g. the ingress-nginx
/// default backend's 404 and the 503 of a backend without endpoints (R7.10).
pub fn nginx_error_page(status: u16, server: &str) -> HttpResponse {
    let title = format!("{status} {}", reason_phrase(status));
    let body = format!(
        "<html>\n<head><title>{title}</title></head>\n<body>\n<center><h1>{title}</h1></center>\n<hr><center>{server}</center>\n</body>\n</html>\n"
    );
    HttpResponse::new(status, "text/html", body)
}

// ----- the route ---------------------------------------------------------------------

/// What a hop of the route is, for the page's request lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hop {
    Client,
    Node,
    PortForward,
    Tunnel,
    IngressController,
    Rule,
    DefaultBackend,
    Service,
    Endpoint,
    Pod,
    App,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteStep {
    pub hop: Hop,
    /// The object this hop is (a pod, a Service, an Ingress), if any.
    pub object: Option<ObjKey>,
    /// Whether the request got past this hop.
    pub ok: bool,
    /// One line saying what happened and why, e.g. `path "/aaa" (Prefix) is the longest
    /// matching path`.
    pub text: String,
}

impl RouteStep {
    pub fn ok(hop: Hop, object: Option<ObjKey>, text: impl Into<String>) -> RouteStep {
        RouteStep {
            hop,
            object,
            ok: true,
            text: text.into(),
        }
    }

    pub fn failed(hop: Hop, object: Option<ObjKey>, text: impl Into<String>) -> RouteStep {
        RouteStep {
            hop,
            object,
            ok: false,
            text: text.into(),
        }
    }
}

/// How a request ended, as the client sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Response(HttpResponse),
    /// TCP RST: nothing listens, or kube-proxy's REJECT for a Service without endpoints.
    ConnectionRefused,
    /// No answer at all (an address nothing routes to).
    Timeout,
    /// The connection closed without a response (a port-forward to a closed port).
    EmptyReply,
    /// The name does not resolve.
    DnsFailure,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub steps: Vec<RouteStep>,
    pub outcome: Outcome,
}

// ----- ingress matching (pure) -------------------------------------------------------

fn elems(p: &str) -> Vec<&str> {
    p.split('/').filter(|e| !e.is_empty()).collect()
}

/// R7.3: whether a rule path of a path type matches a request path (no query).
pub fn path_matches(path_type: &str, rule_path: &str, request_path: &str) -> bool {
    match path_type {
        "Exact" => rule_path == request_path,
        "Prefix" => elems(request_path).starts_with(&elems(rule_path)),
        _ => request_path.starts_with(effective_path(rule_path)),
    }
}

fn effective_path(p: &str) -> &str {
    if p.is_empty() {
        "/"
    } else {
        p
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostMatch {
    Exact,
    Wildcard,
    No,
}

/// R7.5: an exact host matches the Host name; `*.foo.com` matches exactly one more
/// leftmost label.
pub fn host_matches(rule_host: &str, host: &str) -> HostMatch {
    if let Some(suffix) = rule_host.strip_prefix("*.") {
        match host.split_once('.') {
            Some((first, rest)) if !first.is_empty() && rest == suffix => HostMatch::Wildcard,
            _ => HostMatch::No,
        }
    } else if rule_host == host {
        HostMatch::Exact
    } else {
        HostMatch::No
    }
}

/// The ingress-nginx decision for a request (R7.4–R7.7).
#[derive(Clone, Debug, PartialEq)]
pub enum IngressDecision {
    Rule {
        ingress: ObjKey,
        rule: usize,
        path: usize,
        backend: Value,
        why: String,
    },
    DefaultBackend {
        ingress: ObjKey,
        backend: Value,
        why: String,
    },
    NotFound {
        why: String,
    },
}

struct Candidate<'a> {
    ing: &'a Object,
    rule: usize,
    path: usize,
    path_type: String,
    value: String,
    backend: Value,
}

fn ing_id(ing: &Object) -> String {
    format!("{}/{}", ing.meta.namespace, ing.meta.name)
}

/// R7.4–R7.7: picks the rule for `host` (lower-case, no port) and `path` (no query)
/// among the Ingresses the controller serves, oldest first.
pub fn select_backend(ingresses: &[&Object], host: &str, path: &str) -> IngressDecision {
    let mut rules: Vec<(&Object, usize, &Value, String)> = vec![];
    for ing in ingresses {
        for (i, r) in ing
            .get(&["spec", "rules"])
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let h = r
                .get("host")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            rules.push((ing, i, r, h));
        }
    }
    // R7.5: the server block for the host: exact, then wildcard, then catch-all.
    let exact: Vec<_> = rules
        .iter()
        .filter(|(_, _, _, h)| !h.is_empty() && host_matches(h, host) == HostMatch::Exact)
        .collect();
    let wildcard: Vec<_> = rules
        .iter()
        .filter(|(_, _, _, h)| !h.is_empty() && host_matches(h, host) == HostMatch::Wildcard)
        .collect();
    let catch_all: Vec<_> = rules.iter().filter(|(_, _, _, h)| h.is_empty()).collect();
    let (server, host_why, is_catch_all) = if !exact.is_empty() {
        (
            exact,
            format!("host \"{host}\" matches a rule's host exactly"),
            false,
        )
    } else if !wildcard.is_empty() {
        let h = wildcard[0].3.clone();
        (
            wildcard,
            format!("host \"{host}\" matches the wildcard host \"{h}\""),
            false,
        )
    } else if !catch_all.is_empty() {
        (
            catch_all,
            format!("no rule names host \"{host}\"; rules without a host apply"),
            true,
        )
    } else {
        (
            vec![],
            format!("no rule names host \"{host}\" and no rule is without a host"),
            true,
        )
    };
    let mut candidates: Vec<Candidate> = vec![];
    for (ing, ri, r, _) in &server {
        for (pi, p) in r
            .pointer("/http/paths")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let path_type = p
                .get("pathType")
                .and_then(Value::as_str)
                .unwrap_or("ImplementationSpecific")
                .to_string();
            let value = p
                .get("path")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if path_matches(&path_type, &value, path) {
                candidates.push(Candidate {
                    ing,
                    rule: *ri,
                    path: pi,
                    path_type,
                    value,
                    backend: p.get("backend").cloned().unwrap_or(Value::Null),
                });
            }
        }
    }
    // R7.4: longest path, then Exact over Prefix; the first defined wins a full tie.
    let rank = |c: &Candidate| {
        (
            effective_path(&c.value).len(),
            (c.path_type == "Exact") as u8,
        )
    };
    let mut best: Option<&Candidate> = None;
    for c in &candidates {
        if best.is_none_or(|b| rank(c) > rank(b)) {
            best = Some(c);
        }
    }
    if let Some(b) = best {
        let others: Vec<String> = candidates
            .iter()
            .filter(|c| !std::ptr::eq(*c, b))
            .map(|c| format!("\"{}\" ({})", effective_path(&c.value), c.path_type))
            .collect();
        let tie_exact = candidates.iter().any(|c| {
            !std::ptr::eq(c, b)
                && effective_path(&c.value).len() == effective_path(&b.value).len()
                && b.path_type == "Exact"
                && c.path_type != "Exact"
        });
        let path_why = if others.is_empty() {
            format!(
                "path \"{}\" ({}) is the only path matching \"{path}\"",
                effective_path(&b.value),
                b.path_type
            )
        } else if tie_exact {
            format!(
                "path \"{}\" (Exact) is preferred over Prefix for \"{path}\"",
                effective_path(&b.value)
            )
        } else {
            format!(
                "path \"{}\" ({}) is the longest path matching \"{path}\" (also matched: {})",
                effective_path(&b.value),
                b.path_type,
                others.join(", ")
            )
        };
        return IngressDecision::Rule {
            ingress: b.ing.key(),
            rule: b.rule,
            path: b.path,
            backend: b.backend.clone(),
            why: format!("{host_why}; {path_why}"),
        };
    }
    // R7.7: the server's default backend.
    let fallback = if is_catch_all {
        ingresses.iter().find(|i| {
            !i.get(&["spec", "defaultBackend"]).is_null()
                && i.get(&["spec", "rules"])
                    .as_array()
                    .into_iter()
                    .flatten()
                    .all(|r| {
                        r.get("host")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .is_empty()
                    })
        })
    } else {
        server
            .iter()
            .map(|(ing, _, _, _)| ing)
            .find(|i| !i.get(&["spec", "defaultBackend"]).is_null())
    };
    let no_path = if server.is_empty() {
        host_why.clone()
    } else {
        format!("{host_why}; no path matches \"{path}\"")
    };
    match fallback {
        Some(ing) => IngressDecision::DefaultBackend {
            ingress: ing.key(),
            backend: ing.get(&["spec", "defaultBackend"]).clone(),
            why: format!("{no_path}: spec.defaultBackend of Ingress {}", ing_id(ing)),
        },
        None => IngressDecision::NotFound {
            why: format!("{no_path}: the controller's default backend answers 404"),
        },
    }
}

/// The Services an Ingress sends to: (name, port) of every service backend.
pub fn backends_of(ing: &Object) -> Vec<(String, PortRef)> {
    let mut out = vec![];
    let mut push = |b: &Value| {
        if let Some(s) = b.get("service") {
            if let Some(name) = s.get("name").and_then(Value::as_str) {
                out.push((
                    name.to_string(),
                    port_ref(s.get("port").unwrap_or(&Value::Null)),
                ));
            }
        }
    };
    push(ing.get(&["spec", "defaultBackend"]));
    for r in ing.get(&["spec", "rules"]).as_array().into_iter().flatten() {
        for p in r
            .pointer("/http/paths")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            push(p.get("backend").unwrap_or(&Value::Null));
        }
    }
    out
}

fn port_ref(port: &Value) -> PortRef {
    match port.get("number").and_then(Value::as_i64) {
        Some(n) => PortRef::Number(n),
        None => PortRef::Name(
            port.get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        ),
    }
}

/// Picks one of the ready endpoints: a hash of the request and the virtual time.
pub fn pick_endpoint<'a>(
    backends: &'a [Backend],
    now: i64,
    req: &HttpRequest,
) -> Option<&'a Backend> {
    if backends.is_empty() {
        return None;
    }
    let key = format!(
        "{now}|{}|{}|{}|{}",
        req.method, req.host, req.path, req.body
    );
    let h = crate::names::fnv1a32(key.as_bytes()) as usize;
    backends.get(h % backends.len())
}

// ----- walking a request through the cluster -----------------------------------------

/// Where a request enters the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// The node's IP on some port: ingress-nginx's hostPorts 80/443, or a NodePort.
    Node { port: i64 },
    /// A ClusterIP or LoadBalancer IP, reachable through `minikube tunnel`.
    ServiceIp { ip: String, port: i64 },
    /// A `kubectl port-forward`: straight to the pod's port.
    PortForward {
        local_port: i64,
        pod: ObjKey,
        pod_uid: String,
        port: i64,
    },
    /// A connection made inside a pod (`kubectl exec POD -- wget …`) to an address the
    /// pod network routes (R6.8, R6.9): a ClusterIP through kube-proxy (no tunnel
    /// needed), a pod IP straight to that pod, the node's IP as from outside, the pod's
    /// own loopback; anything else leaves the simulated cluster and times out.
    FromPod { pod: ObjKey, ip: String, port: i64 },
}

/// Bound on nested hops (an ingress sending to a Service of the ingress controller).
const MAX_DEPTH: usize = 4;

/// Sends one request through the simulated cluster and returns its route.
pub fn send(sim: &mut Sim, entry: &Entry, req: &HttpRequest) -> Route {
    let target = match entry {
        Entry::Node { port } => format!("{}:{port}", sim.cluster.node_ip),
        Entry::ServiceIp { ip, port } => format!("{ip}:{port}"),
        Entry::PortForward { local_port, .. } => format!("localhost:{local_port}"),
        Entry::FromPod { pod, ip, port } => {
            format!("{ip}:{port} from pod {}/{}", pod.namespace, pod.name)
        }
    };
    // A request made inside a pod starts at that pod.
    let client = match entry {
        Entry::FromPod { pod, .. } => Some(pod.clone()),
        _ => None,
    };
    let mut steps = vec![RouteStep::ok(
        Hop::Client,
        client,
        format!(
            "client: {} {} (Host: {}) to {target}",
            req.method, req.path, req.host
        ),
    )];
    let outcome = match entry {
        Entry::Node { port } => to_node(sim, *port, req, &mut steps),
        Entry::ServiceIp { ip, port } => {
            let found = sim
                .store
                .list_all("Service")
                .find(|s| {
                    s.str_at(&["spec", "clusterIP"]) == Some(ip.as_str())
                        || s.get(&["status", "loadBalancer", "ingress"])
                            .as_array()
                            .into_iter()
                            .flatten()
                            .any(|i| i.get("ip").and_then(Value::as_str) == Some(ip.as_str()))
                })
                .cloned();
            match (found, sim.cluster.tunnel) {
                (Some(svc), true) => {
                    steps.push(RouteStep::ok(
                        Hop::Tunnel,
                        None,
                        format!("minikube tunnel routes {ip} to the node"),
                    ));
                    to_service_port(
                        sim,
                        &svc,
                        *port,
                        req,
                        &mut steps,
                        (Outcome::ConnectionRefused, ""),
                    )
                }
                _ => {
                    steps.push(RouteStep::failed(
                        Hop::Client,
                        None,
                        format!(
                            "nothing routes {ip} from this machine (is `minikube tunnel` running?)"
                        ),
                    ));
                    Outcome::Timeout
                }
            }
        }
        Entry::PortForward {
            local_port,
            pod,
            pod_uid,
            port,
        } => {
            let alive = sim.store.get(pod).is_some_and(|p| p.meta.uid == *pod_uid);
            if !alive {
                steps.push(RouteStep::failed(
                    Hop::PortForward,
                    Some(pod.clone()),
                    format!(
                        "the port-forward on localhost:{local_port} lost its pod {}/{}",
                        pod.namespace, pod.name
                    ),
                ));
                Outcome::ConnectionRefused
            } else {
                steps.push(RouteStep::ok(
                    Hop::PortForward,
                    Some(pod.clone()),
                    format!(
                        "kubectl port-forward: localhost:{local_port} → pod {}/{} port {port}",
                        pod.namespace, pod.name
                    ),
                ));
                match deliver(sim, pod, *port, req, &mut steps, 0) {
                    // kubectl accepts the connection, then fails to dial inside the pod.
                    Outcome::ConnectionRefused => Outcome::EmptyReply,
                    o => o,
                }
            }
        }
        Entry::FromPod { pod, ip, port } => from_pod(sim, pod, ip, *port, req, &mut steps),
    };
    Route { steps, outcome }
}

/// The node's IP on a port: ingress-nginx's hostPorts 80/443, or a NodePort Service.
fn to_node(sim: &mut Sim, port: i64, req: &HttpRequest, steps: &mut Vec<RouteStep>) -> Outcome {
    let node = sim.cluster.node_ip.clone();
    if matches!(port, 80 | 443) {
        match ingress::running_controller(sim).map(Object::key) {
            Some(pod) => {
                steps.push(RouteStep::ok(
                    Hop::Node,
                    None,
                    format!("{node}:{port} is hostPort {port} of the ingress-nginx controller"),
                ));
                deliver(sim, &pod, port, req, steps, 0)
            }
            None => {
                let why = if sim.cluster.addons.contains("ingress") {
                    "the ingress-nginx controller is not Ready yet"
                } else {
                    "nothing listens there (the ingress addon is not enabled)"
                };
                steps.push(RouteStep::failed(
                    Hop::Node,
                    None,
                    format!("{node}:{port}: {why}"),
                ));
                Outcome::ConnectionRefused
            }
        }
    } else {
        let svc = sim
            .store
            .list_all("Service")
            .find(|s| {
                s.get(&["spec", "ports"])
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p.get("nodePort").and_then(Value::as_i64) == Some(port))
            })
            .cloned();
        match svc {
            Some(svc) => {
                steps.push(RouteStep::ok(
                    Hop::Node,
                    None,
                    format!(
                        "{node}:{port} is nodePort {port} of Service {}/{}",
                        svc.meta.namespace, svc.meta.name
                    ),
                ));
                let sp = svc
                    .get(&["spec", "ports"])
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|p| p.get("nodePort").and_then(Value::as_i64) == Some(port))
                    .cloned()
                    .unwrap_or(Value::Null);
                via_kube_proxy(sim, &svc, &sp, req, steps, 0)
            }
            None => {
                steps.push(RouteStep::failed(
                    Hop::Node,
                    None,
                    format!("{node}:{port}: no NodePort Service uses port {port}"),
                ));
                Outcome::ConnectionRefused
            }
        }
    }
}

/// A connection from inside a pod (R6.8, R6.9): what the pod network and kube-proxy do
/// with the address. Choices (UNVERIFIED): a ClusterIP on a port its Service does not
/// have matches no kube-proxy rule and times out (iptables mode); an address outside the
/// cluster times out too (the simulator has no Internet).
fn from_pod(
    sim: &mut Sim,
    from: &ObjKey,
    ip: &str,
    port: i64,
    req: &HttpRequest,
    steps: &mut Vec<RouteStep>,
) -> Outcome {
    let own_ip = sim
        .store
        .get(from)
        .and_then(|p| p.str_at(&["status", "podIP"]))
        .map(str::to_string);
    if matches!(ip, "127.0.0.1" | "::1") || own_ip.as_deref() == Some(ip) {
        steps.push(RouteStep::ok(
            Hop::Pod,
            Some(from.clone()),
            format!("{ip} is pod {}'s own address", from.name),
        ));
        return deliver(sim, from, port, req, steps, 0);
    }
    if ip == sim.cluster.node_ip {
        return to_node(sim, port, req, steps);
    }
    let svc = sim
        .store
        .list_all("Service")
        .find(|s| {
            s.str_at(&["spec", "clusterIP"]) == Some(ip)
                || s.get(&["status", "loadBalancer", "ingress"])
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|i| i.get("ip").and_then(Value::as_str) == Some(ip))
        })
        .cloned();
    if let Some(svc) = svc {
        let missing = (Outcome::Timeout, ": no kube-proxy rule takes the packet");
        return to_service_port(sim, &svc, port, req, steps, missing);
    }
    let target = sim
        .store
        .list_all("Pod")
        .find(|p| p.str_at(&["status", "podIP"]) == Some(ip))
        .map(Object::key);
    match target {
        Some(key) => {
            steps.push(RouteStep::ok(
                Hop::Endpoint,
                Some(key.clone()),
                format!("the pod network takes {ip} to pod {}", key.name),
            ));
            deliver(sim, &key, port, req, steps, 0)
        }
        None => {
            steps.push(RouteStep::failed(
                Hop::Client,
                None,
                format!("no pod, Service or node of the simulated cluster has the address {ip} (and the simulator has no Internet)"),
            ));
            Outcome::Timeout
        }
    }
}

/// A connection to a Service's IP on `port`: kube-proxy's rules for that port, or, for a
/// port the Service does not have, `missing` (the outcome, and why, after "has no port").
fn to_service_port(
    sim: &mut Sim,
    svc: &Object,
    port: i64,
    req: &HttpRequest,
    steps: &mut Vec<RouteStep>,
    missing: (Outcome, &str),
) -> Outcome {
    if let Some(sp) = endpointslice::find_service_port(svc, &PortRef::Number(port)).cloned() {
        return via_kube_proxy(sim, svc, &sp, req, steps, 0);
    }
    steps.push(RouteStep::failed(
        Hop::Service,
        Some(svc.key()),
        format!(
            "Service {}/{} has no port {port}{}",
            svc.meta.namespace, svc.meta.name, missing.1
        ),
    ));
    missing.0
}

/// kube-proxy: a Service port to one of its ready endpoints; REJECT without any (R6.9).
pub fn via_kube_proxy(
    sim: &mut Sim,
    svc: &Object,
    svc_port: &Value,
    req: &HttpRequest,
    steps: &mut Vec<RouteStep>,
    depth: usize,
) -> Outcome {
    let backends = endpointslice::ready_backends(sim, svc, svc_port);
    let port = svc_port.get("port").and_then(Value::as_i64).unwrap_or(0);
    let Some(b) = pick_endpoint(&backends, sim.now, req).cloned() else {
        steps.push(RouteStep::failed(
            Hop::Service,
            Some(svc.key()),
            format!(
                "Service {}/{} port {port} has no ready endpoint: kube-proxy rejects the connection",
                svc.meta.namespace, svc.meta.name
            ),
        ));
        return Outcome::ConnectionRefused;
    };
    steps.push(RouteStep::ok(
        Hop::Service,
        Some(svc.key()),
        format!(
            "Service {}/{} port {port}: {} ready endpoint{}",
            svc.meta.namespace,
            svc.meta.name,
            backends.len(),
            if backends.len() == 1 { "" } else { "s" }
        ),
    ));
    steps.push(RouteStep::ok(
        Hop::Endpoint,
        Some(b.pod.clone()),
        format!("endpoint {}:{} (pod {})", b.ip, b.port, b.pod.name),
    ));
    deliver(sim, &b.pod, b.port, req, steps, depth + 1)
}

/// A request arriving at a pod's port: the ingress controller routes it on; any other
/// app answers it (`apps::serve`).
pub fn deliver(
    sim: &mut Sim,
    pod: &ObjKey,
    port: i64,
    req: &HttpRequest,
    steps: &mut Vec<RouteStep>,
    depth: usize,
) -> Outcome {
    let Some(p) = sim.store.get(pod).cloned() else {
        steps.push(RouteStep::failed(
            Hop::Pod,
            Some(pod.clone()),
            format!("pod {}/{} is gone", pod.namespace, pod.name),
        ));
        return Outcome::ConnectionRefused;
    };
    if depth > MAX_DEPTH {
        steps.push(RouteStep::failed(
            Hop::Pod,
            Some(pod.clone()),
            "too many hops",
        ));
        return Outcome::Response(nginx_error_page(508, "nginx"));
    }
    let is_controller = ingress::controller_pods(sim)
        .iter()
        .any(|c| c.meta.uid == p.meta.uid)
        && matches!(port, 80 | 443);
    if is_controller && crate::apps::listening(sim, &p, port) {
        return ingress_route(sim, &p, req, steps, depth);
    }
    crate::apps::serve(sim, &p, port, req, steps)
}

/// ingress-nginx: choose the rule (R7.3–R7.7), then a ready endpoint of its Service,
/// straight to the pod (ingress-nginx balances over endpoints, not the ClusterIP);
/// 404/503 per R7.10, 502 when the pod refuses the connection.
fn ingress_route(
    sim: &mut Sim,
    controller: &Object,
    req: &HttpRequest,
    steps: &mut Vec<RouteStep>,
    depth: usize,
) -> Outcome {
    steps.push(RouteStep::ok(
        Hop::IngressController,
        Some(controller.key()),
        format!(
            "ingress-nginx ({}) reads Host \"{}\" and path \"{}\"",
            controller.meta.name,
            req.host_name(),
            req.path_only()
        ),
    ));
    let ingresses: Vec<Object> = ingress::handled_ingresses(sim)
        .into_iter()
        .cloned()
        .collect();
    let refs: Vec<&Object> = ingresses.iter().collect();
    let decision = select_backend(&refs, &req.host_name(), req.path_only());
    let (ns, backend) = match decision {
        IngressDecision::NotFound { why } => {
            steps.push(RouteStep::failed(Hop::DefaultBackend, None, why));
            return Outcome::Response(proxied(sim, nginx_error_page(404, "nginx")));
        }
        IngressDecision::Rule {
            ingress,
            backend,
            why,
            ..
        } => {
            steps.push(RouteStep::ok(
                Hop::Rule,
                Some(ingress.clone()),
                format!("Ingress {}/{}: {why}", ingress.namespace, ingress.name),
            ));
            (ingress.namespace.clone(), backend)
        }
        IngressDecision::DefaultBackend {
            ingress,
            backend,
            why,
        } => {
            steps.push(RouteStep::ok(
                Hop::DefaultBackend,
                Some(ingress.clone()),
                why,
            ));
            (ingress.namespace.clone(), backend)
        }
    };
    let Some(s) = backend.get("service") else {
        steps.push(RouteStep::failed(
            Hop::Service,
            None,
            "the backend is not a Service (resource backends are not served by ingress-nginx)",
        ));
        return Outcome::Response(proxied(sim, nginx_error_page(503, "nginx")));
    };
    let name = s
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let port = port_ref(s.get("port").unwrap_or(&Value::Null));
    let key = ObjKey::new("Service", &ns, &name);
    let no_endpoint = |steps: &mut Vec<RouteStep>, detail: &str| {
        steps.push(RouteStep::failed(
            Hop::Service,
            Some(key.clone()),
            format!("{detail}; the controller logs: Service \"{ns}/{name}\" does not have any active Endpoint."),
        ));
        Outcome::Response(proxied(sim, nginx_error_page(503, "nginx")))
    };
    let Some(svc) = sim.store.get(&key).cloned() else {
        return no_endpoint(steps, &format!("Service {ns}/{name} does not exist"));
    };
    let Some(sp) = endpointslice::find_service_port(&svc, &port).cloned() else {
        let shown = match &port {
            PortRef::Number(n) => n.to_string(),
            PortRef::Name(n) => format!("\"{n}\""),
        };
        return no_endpoint(steps, &format!("Service {ns}/{name} has no port {shown}"));
    };
    let backends = endpointslice::ready_backends(sim, &svc, &sp);
    let Some(b) = pick_endpoint(&backends, sim.now, req).cloned() else {
        let port_no = sp.get("port").and_then(Value::as_i64).unwrap_or(0);
        return no_endpoint(
            steps,
            &format!("Service {ns}/{name} port {port_no} has no ready endpoint"),
        );
    };
    steps.push(RouteStep::ok(
        Hop::Service,
        Some(key.clone()),
        format!(
            "Service {ns}/{name}: {} ready endpoint{}",
            backends.len(),
            if backends.len() == 1 { "" } else { "s" }
        ),
    ));
    steps.push(RouteStep::ok(
        Hop::Endpoint,
        Some(b.pod.clone()),
        format!("endpoint {}:{} (pod {})", b.ip, b.port, b.pod.name),
    ));
    match deliver(sim, &b.pod, b.port, req, steps, depth + 1) {
        Outcome::Response(r) => Outcome::Response(proxied(sim, r)),
        Outcome::ConnectionRefused | Outcome::EmptyReply => {
            Outcome::Response(proxied(sim, nginx_error_page(502, "nginx")))
        }
        Outcome::Timeout => Outcome::Response(proxied(sim, nginx_error_page(504, "nginx"))),
        Outcome::DnsFailure => Outcome::Response(proxied(sim, nginx_error_page(502, "nginx"))),
    }
}

/// A response as it leaves ingress-nginx: `Date` first, then the upstream's headers
/// (its `Server`, `Date` and `Connection` replaced by nginx's), `Connection` last.
fn proxied(sim: &Sim, mut r: HttpResponse) -> HttpResponse {
    r.headers.retain(|(k, _)| {
        !["server", "date", "connection", "keep-alive"]
            .iter()
            .any(|h| k.eq_ignore_ascii_case(h))
    });
    r.headers
        .insert(0, ("Date".into(), crate::apps::http_date(sim.now)));
    r.headers.push(("Connection".into(), "keep-alive".into()));
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ing(name: &str, created: i64, spec: Value) -> Object {
        let mut o = Object::new("networking.k8s.io/v1", "Ingress", "default", name);
        o.meta.creation_ms = created;
        o.body.insert("spec".into(), spec);
        o
    }

    fn paths(ps: &[(&str, &str)]) -> Value {
        let paths: Vec<Value> = ps
            .iter()
            .map(|(p, t)| json!({"path": p, "pathType": t, "backend": {"service": {"name": format!("svc-{p}-{t}"), "port": {"number": 80}}}}))
            .collect();
        json!({"rules": [{"http": {"paths": paths}}]})
    }

    /// The service a request lands on, or "404".
    fn lands(ings: &[Object], host: &str, path: &str) -> String {
        let refs: Vec<&Object> = ings.iter().collect();
        match select_backend(&refs, host, path) {
            IngressDecision::Rule { backend, .. }
            | IngressDecision::DefaultBackend { backend, .. } => {
                backend["service"]["name"].as_str().unwrap().to_string()
            }
            IngressDecision::NotFound { .. } => "404".into(),
        }
    }

    #[test]
    fn r7_6_path_table() {
        // (paths, request, expected service or 404) — the Examples table of ingress.md.
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
        let cases: &[Case] = &[
            (&[("/", "Prefix")], "/anything", "svc-/-Prefix"),
            (&[("/foo", "Exact")], "/foo", "svc-/foo-Exact"),
            (&[("/foo", "Exact")], "/bar", "404"),
            (&[("/foo", "Exact")], "/foo/", "404"),
            (&[("/foo/", "Exact")], "/foo", "404"),
            (&[("/foo", "Prefix")], "/foo", "svc-/foo-Prefix"),
            (&[("/foo", "Prefix")], "/foo/", "svc-/foo-Prefix"),
            (&[("/foo/", "Prefix")], "/foo", "svc-/foo/-Prefix"),
            (&[("/foo/", "Prefix")], "/foo/", "svc-/foo/-Prefix"),
            (&[("/aaa/bb", "Prefix")], "/aaa/bbb", "404"),
            (&[("/aaa/bbb", "Prefix")], "/aaa/bbb", "svc-/aaa/bbb-Prefix"),
            (
                &[("/aaa/bbb/", "Prefix")],
                "/aaa/bbb",
                "svc-/aaa/bbb/-Prefix",
            ),
            (
                &[("/aaa/bbb", "Prefix")],
                "/aaa/bbb/",
                "svc-/aaa/bbb-Prefix",
            ),
            (
                &[("/aaa/bbb", "Prefix")],
                "/aaa/bbb/ccc",
                "svc-/aaa/bbb-Prefix",
            ),
            (&[("/aaa/bbb", "Prefix")], "/aaa/bbbxyz", "404"),
            (
                &[("/", "Prefix"), ("/aaa", "Prefix")],
                "/aaa/ccc",
                "svc-/aaa-Prefix",
            ),
            (
                &[("/", "Prefix"), ("/aaa", "Prefix"), ("/aaa/bbb", "Prefix")],
                "/aaa/bbb",
                "svc-/aaa/bbb-Prefix",
            ),
            (
                &[("/", "Prefix"), ("/aaa", "Prefix"), ("/aaa/bbb", "Prefix")],
                "/ccc",
                "svc-/-Prefix",
            ),
            (&[("/aaa", "Prefix")], "/ccc", "404"),
            (
                &[("/foo", "Prefix"), ("/foo", "Exact")],
                "/foo",
                "svc-/foo-Exact",
            ),
            (&[("/Foo", "Prefix")], "/foo", "404"),
        ];
        for (ps, req, want) in cases {
            let i = ing("x", 0, paths(ps));
            assert_eq!(lands(&[i], "anything.com", req), *want, "{ps:?} {req}");
        }
    }

    #[test]
    fn r7_5_hosts() {
        let b = json!({"service": {"name": "wild", "port": {"number": 80}}});
        let i = ing(
            "x",
            0,
            json!({"rules": [{"host": "*.foo.com", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": b}]}}]}),
        );
        assert_eq!(lands(std::slice::from_ref(&i), "bar.foo.com", "/"), "wild");
        assert_eq!(
            lands(std::slice::from_ref(&i), "baz.bar.foo.com", "/"),
            "404"
        );
        assert_eq!(lands(&[i], "foo.com", "/"), "404");
        assert_eq!(host_matches("foo.com", "foo.com"), HostMatch::Exact);
    }

    #[test]
    fn r7_7_default_backends() {
        let d = json!({"service": {"name": "dflt", "port": {"number": 80}}});
        let mut spec = paths(&[("/aaa", "Prefix")]);
        spec["defaultBackend"] = d.clone();
        let i = ing("x", 0, spec);
        assert_eq!(lands(&[i], "x.com", "/ccc"), "dflt");
        let only = ing("y", 0, json!({"defaultBackend": d}));
        assert_eq!(lands(&[only], "any.com", "/"), "dflt");
        // A host-only Ingress: other hosts get the controller's 404 (IG-32).
        let b = json!({"service": {"name": "foo", "port": {"number": 80}}});
        let h = ing(
            "h",
            0,
            json!({"rules": [{"host": "foo.com", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": b}]}}]}),
        );
        assert_eq!(lands(std::slice::from_ref(&h), "bar.com", "/"), "404");
        assert_eq!(lands(&[h], "foo.com", "/x"), "foo");
    }

    #[test]
    fn oldest_ingress_wins_a_tie() {
        let a = ing("a", 1, paths(&[("/", "Prefix")]));
        let mut b = ing("b", 0, paths(&[("/", "Prefix")]));
        b.body["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] =
            json!("older");
        // Callers pass Ingresses oldest first.
        assert_eq!(lands(&[b, a], "h", "/"), "older");
    }

    #[test]
    fn endpoint_choice_is_deterministic() {
        let bs: Vec<Backend> = (0..3)
            .map(|i| Backend {
                ip: format!("10.0.0.{i}"),
                port: 80,
                pod: ObjKey::new("Pod", "default", &format!("p{i}")),
                pod_uid: String::new(),
            })
            .collect();
        let req = HttpRequest {
            method: "GET".into(),
            host: "h".into(),
            path: "/".into(),
            headers: vec![],
            body: String::new(),
        };
        assert_eq!(pick_endpoint(&bs, 5, &req), pick_endpoint(&bs, 5, &req));
        assert!(pick_endpoint(&[], 5, &req).is_none());
    }
}
