//! `curl` against the simulated cluster (TRANSCRIPT.md): `curl [-s] [-S] [-i] [-I] [-v]
//! [-f] [-k] [-H 'Host: NAME'] [-X METHOD] [-d DATA] [-o FILE] [-w FMT]
//! [--resolve HOST:PORT:ADDR] URL`.
//!
//! Where the URL leads:
//! - the minikube IP (`192.168.49.2`): port 80/443 reach ingress-nginx's hostPorts once
//!   the `ingress` addon's controller is Ready (connection refused before), other ports a
//!   NodePort Service;
//! - `localhost`/`127.0.0.1`/`[::1]`: a running `kubectl port-forward`;
//! - any other IP: a ClusterIP or LoadBalancer IP while `minikube tunnel` runs; otherwise
//!   nothing routes it and the connection times out (after ~130 s of virtual time, Linux's
//!   SYN retries);
//! - a name: only through `--resolve` (the host machine has no cluster DNS):
//!   `curl: (6) Could not resolve host`.
//!
//! Output follows curl 8: the body on stdout, `-i` headers first, `-v` the `*`/`>`/`<`
//! trace, plus the simulator's route (`* Route:` lines) so a learner sees which rule,
//! Service and pod answered, or where and why the request failed. Lines end in `\n`.

use crate::routing::{self, Entry, HttpRequest, HttpResponse, Outcome, Route};
use crate::shell::{Output, Session};
use crate::sim::Sim;
use std::fmt::Write as _;

const USER_AGENT: &str = "curl/8.5.0";
/// How long an unroutable connect takes to fail (Linux `tcp_syn_retries` = 6).
const CONNECT_TIMEOUT_MS: i64 = 130_975;

#[derive(Default, Debug)]
struct Opts {
    silent: bool,
    show_error: bool,
    include: bool,
    head: bool,
    verbose: bool,
    fail: bool,
    insecure: bool,
    method: Option<String>,
    headers: Vec<(String, String)>,
    data: Vec<String>,
    output: Option<String>,
    write_out: Option<String>,
    resolve: Vec<(String, i64, String)>,
    max_time_ms: Option<i64>,
    url: Option<String>,
}

fn usage_error(msg: &str) -> Output {
    Output::err(
        format!("curl: {msg}\ncurl: try 'curl --help' or 'curl --manual' for more information\n"),
        2,
    )
}

fn parse_opts(s: &dyn Client, words: &[String]) -> Result<Opts, Output> {
    let mut o = Opts::default();
    let mut i = 0;
    let takes_value = |f: &str| {
        matches!(
            f,
            "-H" | "--header"
                | "-X"
                | "--request"
                | "-d"
                | "--data"
                | "--data-raw"
                | "--data-binary"
                | "--data-urlencode"
                | "-o"
                | "--output"
                | "-w"
                | "--write-out"
                | "--resolve"
                | "-m"
                | "--max-time"
                | "--connect-timeout"
                | "-A"
                | "--user-agent"
                | "-u"
                | "--user"
                | "-e"
                | "--referer"
        )
    };
    while i < words.len() {
        let w = words[i].clone();
        i += 1;
        if !w.starts_with('-') || w == "-" {
            o.url = Some(w);
            continue;
        }
        // Short flags combine: `-sSi`, `-sv`, and a value may follow its letter: `-XPOST`.
        let flags: Vec<(String, Option<String>)> = if w.starts_with("--") {
            match w.split_once('=') {
                Some((f, v)) if takes_value(f) => vec![(f.to_string(), Some(v.to_string()))],
                _ => vec![(w.clone(), None)],
            }
        } else {
            let mut v = vec![];
            let chars: Vec<char> = w[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let f = format!("-{}", chars[j]);
                if takes_value(&f) && j + 1 < chars.len() {
                    v.push((f, Some(chars[j + 1..].iter().collect())));
                    break;
                }
                v.push((f, None));
                j += 1;
            }
            v
        };
        for (f, inline) in flags {
            let value = if takes_value(&f) {
                match inline {
                    Some(v) => v,
                    None => match words.get(i) {
                        Some(v) => {
                            i += 1;
                            v.clone()
                        }
                        None => {
                            return Err(usage_error(&format!("option {f}: requires parameter")))
                        }
                    },
                }
            } else {
                String::new()
            };
            match f.as_str() {
                "-s" | "--silent" => o.silent = true,
                "-S" | "--show-error" => o.show_error = true,
                "-i" | "--include" => o.include = true,
                "-I" | "--head" => o.head = true,
                "-v" | "--verbose" => o.verbose = true,
                "-f" | "--fail" => o.fail = true,
                "-k" | "--insecure" => o.insecure = true,
                "-L" | "--location" | "--compressed" | "-4" | "-6" | "--http1.1" | "-N"
                | "--no-buffer" | "-#" | "--progress-bar" => {}
                "-X" | "--request" => o.method = Some(value),
                "-H" | "--header" => {
                    if let Some((k, v)) = value.split_once(':') {
                        o.headers.push((k.trim().to_string(), v.trim().to_string()));
                    }
                }
                "-A" | "--user-agent" => o.headers.push(("User-Agent".into(), value)),
                "-e" | "--referer" => o.headers.push(("Referer".into(), value)),
                "-u" | "--user" => {}
                "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-urlencode" => {
                    let data = match value.strip_prefix('@') {
                        Some(file) if f != "--data-raw" => match s.read_file(file) {
                            Some(t) => t.trim_end_matches('\n').to_string(),
                            None => {
                                return Err(Output::err(
                                    format!("Warning: Couldn't read data from file \"{file}\", this makes an empty POST.\n"),
                                    26,
                                ))
                            }
                        },
                        _ => value,
                    };
                    o.data.push(data);
                }
                "-o" | "--output" => o.output = Some(value),
                "-w" | "--write-out" => o.write_out = Some(value),
                "--resolve" => {
                    let parts: Vec<&str> = value.splitn(3, ':').collect();
                    if let [h, p, a] = parts.as_slice() {
                        if let Ok(p) = p.parse() {
                            o.resolve.push((
                                h.to_ascii_lowercase(),
                                p,
                                a.trim_matches(['[', ']']).to_string(),
                            ));
                        }
                    }
                }
                "-m" | "--max-time" | "--connect-timeout" => {
                    if let Ok(secs) = value.parse::<f64>() {
                        o.max_time_ms = Some((secs * 1000.0) as i64);
                    }
                }
                _ => return Err(usage_error(&format!("option {f}: is unknown"))),
            }
        }
    }
    Ok(o)
}

/// A parsed URL: scheme, host (as written), port, path with query.
#[derive(Debug, PartialEq, Eq)]
struct Url {
    https: bool,
    host: String,
    port: i64,
    explicit_port: bool,
    path: String,
}

fn parse_url(url: &str) -> Result<Url, String> {
    let (https, rest) = if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = url.strip_prefix("http://") {
        (false, r)
    } else if let Some((scheme, _)) = url.split_once("://") {
        return Err(format!("Protocol \"{scheme}\" not supported"));
    } else {
        (false, url)
    };
    let (authority, path) = split_authority(rest);
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = if let Some(r) = authority.strip_prefix('[') {
        let (h, after) = r.split_once(']').ok_or("Bad hostname")?;
        (h.to_string(), after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (authority.to_string(), None),
        }
    };
    if host.is_empty() {
        return Err("No host part in the URL".into());
    }
    let port = match port {
        Some(p) => p
            .parse::<i64>()
            .map_err(|_| "Port number was not a decimal number between 0 and 65535".to_string())?,
        None if https => 443,
        None => 80,
    };
    Ok(Url {
        https,
        host,
        port,
        explicit_port: authority.contains("]:")
            || (!authority.starts_with('[') && authority.contains(':')),
        path,
    })
}

/// A URL without its scheme split into its authority (`host[:port]`) and its path with
/// the query (`/` when there is none).
pub(crate) fn split_authority(rest: &str) -> (&str, String) {
    match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('?') => (&rest[..i], format!("/{}", &rest[i..])),
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    }
}

/// Substitutes `%{http_code}` and friends and the `\n` escapes of `-w`.
fn write_out(fmt: &str, status: u16, size: usize) -> String {
    fmt.replace("%{http_code}", &format!("{status:03}"))
        .replace("%{response_code}", &format!("{status:03}"))
        .replace("%{size_download}", &size.to_string())
        .replace("\\n", "\n")
        .replace("\\t", "\t")
}

/// Where curl (and `wget`, `nslookup`) run: the learner's machine (the [`Session`]), or
/// inside a pod (`kubectl exec`), which sees cluster DNS and the pod network.
pub trait Client {
    fn sim(&mut self) -> &mut Sim;
    /// A file the command reads (`-d @FILE`).
    fn read_file(&self, name: &str) -> Option<String>;
    /// A file the command writes (`-o FILE`); the error is the reason, as the tool says it.
    fn write_file(&mut self, name: &str, text: &str) -> Result<(), String>;
    /// The address a host name resolves to; `None` when it does not resolve.
    fn resolve(&self, host: &str) -> Option<String>;
    /// Where a connection to `addr:port` enters the cluster; `Err` is the route of a
    /// connection that failed before it left the client.
    fn entry(&mut self, addr: &str, port: i64) -> Result<Entry, Route>;
}

/// The learner's machine: no cluster DNS (names resolve only through `--resolve`), the
/// node's IP, `minikube tunnel`'s routes and `kubectl port-forward`s on localhost.
impl Client for Session {
    fn sim(&mut self) -> &mut Sim {
        &mut self.sim
    }

    fn read_file(&self, name: &str) -> Option<String> {
        Session::read_file(self, name)
    }

    fn write_file(&mut self, name: &str, text: &str) -> Result<(), String> {
        self.files.insert(name.to_string(), text.to_string());
        Ok(())
    }

    fn resolve(&self, host: &str) -> Option<String> {
        if host.parse::<std::net::IpAddr>().is_ok() {
            Some(host.to_string())
        } else if host == "localhost" {
            Some("127.0.0.1".into())
        } else {
            None
        }
    }

    fn entry(&mut self, addr: &str, port: i64) -> Result<Entry, Route> {
        if addr == "127.0.0.1" || addr == "::1" {
            crate::kubectl::portforward::prune(self);
            return self
                .port_forwards
                .iter()
                .find(|f| f.local_port == port)
                .map(|f| Entry::PortForward {
                    local_port: f.local_port,
                    pod: crate::api::ObjKey::new("Pod", &f.namespace, &f.pod),
                    pod_uid: f.pod_uid.clone(),
                    port: f.remote_port,
                })
                .ok_or_else(|| Route {
                    steps: vec![routing::RouteStep::failed(
                        routing::Hop::Client,
                        None,
                        format!(
                            "nothing listens on localhost:{port} (no kubectl port-forward runs there)"
                        ),
                    )],
                    outcome: Outcome::ConnectionRefused,
                });
        }
        Ok(if addr == self.sim.cluster.node_ip {
            Entry::Node { port }
        } else {
            Entry::ServiceIp {
                ip: addr.to_string(),
                port,
            }
        })
    }
}

pub fn run(s: &mut Session, words: &[String]) -> Output {
    request(s, words).0
}

/// Runs a curl command line and also returns the route the request took, if it got as
/// far as leaving the client (for the page's request lane).
pub fn request(s: &mut dyn Client, words: &[String]) -> (Output, Option<Route>) {
    let mut route = None;
    let out = run_inner(s, words, &mut route);
    (out, route)
}

fn run_inner(s: &mut dyn Client, words: &[String], route_out: &mut Option<Route>) -> Output {
    let o = match parse_opts(s, words) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let Some(raw_url) = o.url.clone() else {
        return usage_error("no URL specified!");
    };
    let url = match parse_url(&raw_url) {
        Ok(u) => u,
        Err(e) => {
            let code = if e.starts_with("Protocol") { 1 } else { 3 };
            return fail_into(Output::default(), &o, code, &format!("URL rejected: {e}"));
        }
    };
    let mut out = Output::default();
    // Name resolution: --resolve, IP literals, localhost; nothing else resolves.
    let host_lc = url.host.to_ascii_lowercase();
    let addr = if let Some((_, _, a)) = o
        .resolve
        .iter()
        .find(|(h, p, _)| *h == host_lc && *p == url.port)
    {
        a.clone()
    } else if let Some(a) = s.resolve(&host_lc) {
        a
    } else {
        if o.verbose {
            out.linef(format_args!("* Could not resolve host: {}", url.host));
            out.line("* Closing connection");
        }
        return fail_into(out, &o, 6, &format!("Could not resolve host: {}", url.host));
    };
    let method = o.method.clone().unwrap_or_else(|| {
        if o.head {
            "HEAD".into()
        } else if o.data.is_empty() {
            "GET".into()
        } else {
            "POST".into()
        }
    });
    let default_port = if url.https { 443 } else { 80 };
    let host_header = o
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| {
            if url.explicit_port && url.port != default_port {
                format!("{}:{}", url.host, url.port)
            } else {
                url.host.clone()
            }
        });
    let body = o.data.join("&");
    let mut headers = vec![("Host".to_string(), host_header.clone())];
    if !o
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("user-agent"))
    {
        headers.push(("User-Agent".into(), USER_AGENT.into()));
    }
    headers.push(("Accept".into(), "*/*".into()));
    for (k, v) in &o.headers {
        if !k.eq_ignore_ascii_case("host") {
            headers.push((k.clone(), v.clone()));
        }
    }
    if !body.is_empty() {
        headers.push(("Content-Length".into(), body.len().to_string()));
        if !o
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            headers.push((
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ));
        }
    }
    let req = HttpRequest {
        method: method.clone(),
        host: host_header,
        path: url.path.clone(),
        headers: headers.clone(),
        body: body.clone(),
    };
    let shown_addr = if addr.contains(':') {
        format!("[{addr}]")
    } else {
        addr.clone()
    };
    if o.verbose {
        out.linef(format_args!("*   Trying {shown_addr}:{}...", url.port));
    }
    // Where the address leads.
    let route = match s.entry(&addr, url.port) {
        Ok(e) => routing::send(s.sim(), &e, &req),
        Err(r) => r,
    };
    *route_out = Some(route.clone());
    let connect_fail = |out: &mut Output, ms: i64, why: &str| {
        if o.verbose {
            print_route(out, &route);
            out.linef(format_args!(
                "* Failed to connect to {} port {} after {ms} ms: {why}",
                url.host, url.port
            ));
            out.line("* Closing connection");
        }
    };
    let resp = match &route.outcome {
        Outcome::ConnectionRefused => {
            connect_fail(&mut out, 0, "Couldn't connect to server");
            return fail_into(
                out,
                &o,
                7,
                &format!(
                    "Failed to connect to {} port {} after 0 ms: Couldn't connect to server",
                    url.host, url.port
                ),
            );
        }
        Outcome::Timeout => {
            let (ms, code, why) = match o.max_time_ms {
                Some(m) if m < CONNECT_TIMEOUT_MS => (m + 2, 28, "Timeout was reached"),
                _ => (CONNECT_TIMEOUT_MS, 7, "Couldn't connect to server"),
            };
            s.sim().advance(ms);
            connect_fail(&mut out, ms, why);
            return fail_into(
                out,
                &o,
                code,
                &format!(
                    "Failed to connect to {} port {} after {ms} ms: {why}",
                    url.host, url.port
                ),
            );
        }
        Outcome::DnsFailure => {
            return fail_into(out, &o, 6, &format!("Could not resolve host: {}", url.host));
        }
        Outcome::EmptyReply => {
            if o.verbose {
                out.linef(format_args!(
                    "* Connected to {} ({addr}) port {}",
                    url.host, url.port
                ));
                print_request(&mut out, &req, &url.path);
                print_route(&mut out, &route);
                out.line("* Empty reply from server");
                out.line("* Closing connection");
            }
            return fail_into(out, &o, 52, "Empty reply from server");
        }
        Outcome::Response(r) => r.clone(),
    };
    // TLS: ingress-nginx's fake certificate; plain-HTTP apps cannot speak TLS.
    if url.https {
        // ingress-nginx's hostPort 443 (the route's first hop is the client).
        let tls_endpoint = url.port == 443
            && route
                .steps
                .iter()
                .any(|st| st.hop == routing::Hop::IngressController);
        if !tls_endpoint {
            return fail_into(
                out,
                &o,
                35,
                "OpenSSL/3.0.13: error:0A00010B:SSL routines::wrong version number",
            );
        }
        if !o.insecure {
            let mut e = fail_into(
                out,
                &o,
                60,
                "SSL certificate problem: self-signed certificate",
            );
            if !o.silent || o.show_error {
                e.text.push_str("More details here: https://curl.se/docs/sslcerts.html\n\ncurl failed to verify the legitimacy of the server and therefore could not\nestablish a secure connection to it. To learn more about this situation and\nhow to fix it, please visit the web page mentioned above.\n");
            }
            return e;
        }
    }
    if o.verbose {
        out.linef(format_args!(
            "* Connected to {} ({addr}) port {}",
            url.host, url.port
        ));
        print_request(&mut out, &req, &url.path);
        out.linef(format_args!(
            "< {} {} {}",
            resp.version, resp.status, resp.reason
        ));
        for (k, v) in &resp.headers {
            out.linef(format_args!("< {k}: {v}"));
        }
        out.line("<");
    }
    if o.fail && resp.status >= 400 {
        if o.verbose {
            print_route(&mut out, &route);
            out.line("* Closing connection");
        }
        return fail_into(
            out,
            &o,
            22,
            &format!("The requested URL returned error: {}", resp.status),
        );
    }
    let mut shown = String::new();
    if (o.include || o.head) && !o.verbose {
        shown.push_str(&status_and_headers(&resp));
    }
    let with_body = method != "HEAD";
    match o.output.as_deref() {
        Some("/dev/null") => {}
        Some(file) => {
            if let Err(e) = s.write_file(file, &resp.body) {
                return fail_into(
                    out,
                    &o,
                    23,
                    &format!("Failure writing output to destination: {e}"),
                );
            }
        }
        None => {
            if with_body {
                shown.push_str(&resp.body);
            }
        }
    }
    out.text.push_str(&shown);
    if let Some(fmt) = &o.write_out {
        out.text
            .push_str(&write_out(fmt, resp.status, resp.body.len()));
    }
    if o.verbose {
        if !out.text.ends_with('\n') {
            out.text.push('\n');
        }
        print_route(&mut out, &route);
        out.linef(format_args!(
            "* Connection #0 to host {} left intact",
            url.host
        ));
    }
    out
}

fn status_and_headers(r: &HttpResponse) -> String {
    let mut t = format!("{} {} {}\n", r.version, r.status, r.reason);
    for (k, v) in &r.headers {
        _ = write!(t, "{k}: {v}\n");
    }
    t.push('\n');
    t
}

fn print_request(out: &mut Output, req: &HttpRequest, path: &str) {
    out.linef(format_args!("> {} {path} HTTP/1.1", req.method));
    for (k, v) in &req.headers {
        out.linef(format_args!("> {k}: {v}"));
    }
    out.line(">");
    if !req.body.is_empty() {
        out.linef(format_args!(
            "* upload completely sent off: {} bytes",
            req.body.len()
        ));
    }
}

/// The simulator's route, as `*` lines: one per hop, failed hops marked `✗`.
fn print_route(out: &mut Output, route: &Route) {
    out.line("* Route:");
    for (i, st) in route.steps.iter().enumerate() {
        let mark = if st.ok { "" } else { "✗ " };
        out.linef(format_args!("*   {}. {mark}{}", i + 1, st.text));
    }
}

/// curl's error line (unless silenced) and exit code, after what was printed so far.
fn fail_into(mut out: Output, o: &Opts, code: i32, msg: &str) -> Output {
    if !o.silent || o.show_error {
        out.linef(format_args!("curl: ({code}) {msg}"));
    }
    out.code = code;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse() {
        let u = parse_url("http://192.168.49.2:30080/a?b=1").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("192.168.49.2", 30080, "/a?b=1")
        );
        let u = parse_url("localhost:9090").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("localhost", 9090, "/")
        );
        let u = parse_url("https://pacman.com").unwrap();
        assert_eq!((u.port, u.https), (443, true));
        assert!(parse_url("ftp://x").is_err());
        let u = parse_url("http://[::1]:8080/").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", 8080));
    }

    #[test]
    fn nothing_listens_on_the_node_without_the_addon() {
        let mut s = Session::new(1);
        let o = s.exec("curl http://192.168.49.2/", None);
        assert_eq!(
            o.text,
            "curl: (7) Failed to connect to 192.168.49.2 port 80 after 0 ms: Couldn't connect to server\n"
        );
        assert_eq!(o.code, 7);
        let o = s.exec("curl -s http://192.168.49.2/", None);
        assert_eq!(o.text, "");
        let o = s.exec("curl http://pacman.com/", None);
        assert_eq!(o.text, "curl: (6) Could not resolve host: pacman.com\n");
        let o = s.exec("curl localhost:9090", None);
        assert_eq!(
            o.text,
            "curl: (7) Failed to connect to localhost port 9090 after 0 ms: Couldn't connect to server\n"
        );
        let o = s.exec("curl --bogus x", None);
        assert_eq!(o.code, 2);
    }
}
