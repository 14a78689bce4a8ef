//! The network tools a learner runs inside a pod (`kubectl exec POD -- …`, `kubectl run -i
//! --rm … -- …`) to test Services from where their clients are: busybox `wget` and
//! `nslookup` (and bind's `nslookup` in netshoot). `curl` is [`crate::curl`], given the
//! pod as its [`Client`].
//!
//! Names resolve through cluster DNS (R6.8: the pod's search path, headless Services to
//! their ready pods, `<pod>.<svc>` to one pod) and connections go where the pod network
//! and kube-proxy send them (R6.9: a Service without ready endpoints refuses), through
//! [`crate::routing`], so the request's route is the same one `curl` on the host shows.
//!
//! Choices (UNVERIFIED, the reference does not cover the tools' texts):
//! - The DNS server is minikube's kube-dns ClusterIP, 10.96.0.10.
//! - Names outside `cluster.local` do not resolve: the simulator has no Internet
//!   (a real cluster forwards them upstream).
//! - busybox 1.28 and older print the old `nslookup` (the StatefulSet tutorial's
//!   `busybox:1.28`); later busybox its newer form; both print one failure line for a
//!   name that is not found (newer busybox also prints one per search domain).
//! - `wget` prints busybox's progress line once, at 100 %, as a non-terminal shows it.

use crate::curl::Client;
use crate::routing::{self, HttpRequest, Outcome};
use std::fmt::Write as _;

/// minikube's kube-dns Service IP.
pub const DNS_SERVER: &str = "10.96.0.10";
/// How long an unanswered connect takes to fail (Linux `tcp_syn_retries` = 6).
const CONNECT_TIMEOUT_MS: i64 = 130_975;

/// What a command printed and its exit status.
#[derive(Default)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    /// stderr written after stdout (the progress line that follows a body on stdout).
    pub stderr_after: String,
    pub code: i32,
}

impl Run {
    fn fail(mut self, line: &str) -> Run {
        self.stderr.push_str(line);
        self.stderr.push('\n');
        self.code = 1;
        self
    }
}

/// Which `nslookup` an image carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nslookup {
    /// busybox ≤ 1.28.
    BusyboxOld,
    /// busybox ≥ 1.29 (alpine, busybox:latest).
    Busybox,
    /// ISC bind's (dnsutils, netshoot).
    Bind,
}

impl Nslookup {
    pub fn for_image(image: &str) -> Nslookup {
        let base = crate::apps::image_base(image);
        let tag = image
            .split('@')
            .next()
            .unwrap_or(image)
            .rsplit('/')
            .next()
            .and_then(|l| l.split_once(':'))
            .map(|(_, t)| t)
            .unwrap_or("");
        if matches!(base, "netshoot" | "dnsutils" | "jessie-dnsutils") {
            return Nslookup::Bind;
        }
        if base == "busybox" {
            let mut parts = tag.split('.').map(|p| p.parse::<u32>());
            if let (Some(Ok(1)), Some(Ok(minor))) = (parts.next(), parts.next()) {
                if minor <= 28 {
                    return Nslookup::BusyboxOld;
                }
            }
        }
        Nslookup::Busybox
    }
}

/// `nslookup NAME [SERVER]`, as a pod in `namespace` asks cluster DNS.
pub fn nslookup(sim: &crate::sim::Sim, namespace: &str, kind: Nslookup, args: &[String]) -> Run {
    let mut r = Run::default();
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let Some(name) = names.first() else {
        return match kind {
            Nslookup::Bind => r.fail("nslookup: interactive mode is not simulated; give a name"),
            _ => r.fail("Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]"),
        };
    };
    let answer: Option<(String, Vec<String>)> = if name.parse::<std::net::IpAddr>().is_ok() {
        Some((name.to_string(), vec![name.to_string()]))
    } else {
        crate::controllers::endpointslice::resolve_dns_named(sim, name, namespace)
    };
    let out = &mut r.stdout;
    match kind {
        Nslookup::BusyboxOld => {
            _ = write!(
                out,
                "Server:    {DNS_SERVER}\nAddress 1: {DNS_SERVER} kube-dns.kube-system.svc.cluster.local\n\n"
            );
            match answer {
                Some((_, ips)) => {
                    _ = writeln!(out, "Name:      {name}");
                    for (i, ip) in ips.iter().enumerate() {
                        _ = writeln!(out, "Address {}: {ip}", i + 1);
                    }
                }
                None => {
                    // stderr, after the server lines on stdout.
                    _ = writeln!(r.stderr_after, "nslookup: can't resolve '{name}'");
                    r.code = 1;
                }
            }
        }
        Nslookup::Busybox | Nslookup::Bind => {
            let sep = if kind == Nslookup::Bind { '#' } else { ':' };
            _ = write!(
                out,
                "Server:\t\t{DNS_SERVER}\nAddress:\t{DNS_SERVER}{sep}53\n\n"
            );
            match answer {
                Some((fqdn, ips)) => {
                    for ip in &ips {
                        _ = write!(out, "Name:\t{fqdn}\nAddress: {ip}\n");
                    }
                    out.push('\n');
                }
                None => {
                    _ = write!(out, "** server can't find {name}: NXDOMAIN\n\n");
                    r.code = 1;
                }
            }
        }
    }
    r
}

#[derive(Default)]
struct WgetOpts {
    quiet: bool,
    output: Option<String>,
    spider: bool,
    server_response: bool,
    timeout_ms: Option<i64>,
    headers: Vec<(String, String)>,
    post: Option<String>,
    user_agent: Option<String>,
    url: Option<String>,
}

const WGET_USAGE: &str = "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.

Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]
\t[--post-data STR | --post-file FILE] [-Y on/off]
\t[-P DIR] [-U AGENT] [-T SEC] URL...

Retrieve files via HTTP or FTP
";

fn wget_opts(args: &[String]) -> Result<WgetOpts, String> {
    let mut o = WgetOpts::default();
    let mut i = 0;
    let value = |i: &mut usize, flag: &str| -> Result<String, String> {
        *i += 1;
        args.get(*i - 1)
            .cloned()
            .ok_or_else(|| format!("wget: option requires an argument -- '{flag}'"))
    };
    while i < args.len() {
        let a = args[i].clone();
        i += 1;
        if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let take = |i: &mut usize| match &inline {
                Some(v) => Ok(v.clone()),
                None => value(i, name),
            };
            match name {
                "quiet" => o.quiet = true,
                "spider" => o.spider = true,
                "server-response" => o.server_response = true,
                "output-document" => o.output = Some(take(&mut i)?),
                "timeout" => o.timeout_ms = take(&mut i)?.parse::<i64>().ok().map(|s| s * 1000),
                "header" => {
                    let h = take(&mut i)?;
                    if let Some((k, v)) = h.split_once(':') {
                        o.headers.push((k.trim().to_string(), v.trim().to_string()));
                    }
                }
                "post-data" => o.post = Some(take(&mut i)?),
                "user-agent" => o.user_agent = Some(take(&mut i)?),
                "no-check-certificate" | "continue" | "no-verbose" => {}
                _ => return Err(format!("wget: unrecognized option '{a}'")),
            }
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                j += 1;
                let rest: String = chars[j..].iter().collect();
                let arg = |i: &mut usize| -> Result<String, String> {
                    if rest.is_empty() {
                        value(i, &c.to_string())
                    } else {
                        Ok(rest.clone())
                    }
                };
                match c {
                    'q' => o.quiet = true,
                    'S' => o.server_response = true,
                    'c' => {}
                    'O' => {
                        o.output = Some(arg(&mut i)?);
                        break;
                    }
                    'T' => {
                        o.timeout_ms = arg(&mut i)?.parse::<i64>().ok().map(|s| s * 1000);
                        break;
                    }
                    'U' => {
                        o.user_agent = Some(arg(&mut i)?);
                        break;
                    }
                    _ => return Err(format!("wget: invalid option -- '{c}'")),
                }
            }
            continue;
        }
        o.url = Some(a);
    }
    Ok(o)
}

/// busybox `wget [-q] [-O FILE] [-S] [--spider] [-T SEC] [--header H] [--post-data D]
/// [-U AGENT] URL` from inside a pod; `-O FILE` (or the URL's file name) is written in the
/// container, which busybox refuses to overwrite unless `-O` named it.
pub fn wget(client: &mut dyn Client, args: &[String]) -> (Run, Option<routing::Route>) {
    let r = Run::default();
    let o = match wget_opts(args) {
        Ok(o) => o,
        Err(e) => {
            let mut r = r.fail(&e);
            r.stderr.push_str(WGET_USAGE);
            return (r, None);
        }
    };
    let Some(raw) = o.url.clone() else {
        let mut r = r;
        r.stderr.push_str(WGET_USAGE);
        r.code = 1;
        return (r, None);
    };
    let (https, rest) = match raw.split_once("://") {
        Some(("http", r)) => (false, r),
        Some(("https", r)) => (true, r),
        Some(_) => {
            return (
                r.fail(&format!("wget: not an http or ftp url: {raw}")),
                None,
            )
        }
        None => (false, raw.as_str()),
    };
    let (authority, path) = crate::curl::split_authority(rest);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => match p.parse::<i64>() {
            Ok(p) if (1..=65535).contains(&p) => (h.to_string(), p),
            _ => return (r.fail(&format!("wget: bad port spec '{authority}'")), None),
        },
        None => (authority.to_string(), if https { 443 } else { 80 }),
    };
    let Some(addr) = client.resolve(&host.to_ascii_lowercase()) else {
        return (r.fail(&format!("wget: bad address '{host}'")), None);
    };
    let mut r = r;
    if !o.quiet {
        _ = writeln!(r.stderr, "Connecting to {host} ({addr}:{port})");
    }
    let default_port = if https { 443 } else { 80 };
    let mut headers = vec![(
        "Host".to_string(),
        if port == default_port {
            host.clone()
        } else {
            format!("{host}:{port}")
        },
    )];
    headers.push((
        "User-Agent".into(),
        o.user_agent.clone().unwrap_or_else(|| "Wget".into()),
    ));
    headers.extend(o.headers.iter().cloned());
    if let Some(d) = &o.post {
        headers.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
        headers.push(("Content-Length".into(), d.len().to_string()));
    }
    headers.push(("Connection".into(), "close".into()));
    let req = HttpRequest {
        method: if o.post.is_some() {
            "POST".into()
        } else if o.spider {
            "HEAD".into()
        } else {
            "GET".into()
        },
        host: headers[0].1.clone(),
        path: path.clone(),
        headers,
        body: o.post.clone().unwrap_or_default(),
    };
    let route = match client.entry(&addr, port) {
        Ok(e) => routing::send(client.sim(), &e, &req),
        Err(route) => route,
    };
    let resp = match &route.outcome {
        Outcome::Response(resp) => resp.clone(),
        Outcome::ConnectionRefused | Outcome::EmptyReply => {
            let why = if matches!(route.outcome, Outcome::EmptyReply) {
                "Connection reset by peer"
            } else {
                "Connection refused"
            };
            return (
                r.fail(&format!(
                    "wget: can't connect to remote host ({addr}): {why}"
                )),
                Some(route),
            );
        }
        Outcome::Timeout => {
            let r = match o.timeout_ms {
                Some(t) if t < CONNECT_TIMEOUT_MS => {
                    client.sim().advance(t);
                    r.fail("wget: download timed out")
                }
                _ => {
                    client.sim().advance(CONNECT_TIMEOUT_MS);
                    r.fail(&format!(
                        "wget: can't connect to remote host ({addr}): Connection timed out"
                    ))
                }
            };
            return (r, Some(route));
        }
        Outcome::DnsFailure => {
            return (r.fail(&format!("wget: bad address '{host}'")), Some(route))
        }
    };
    if https {
        let tls = port == 443
            && route
                .steps
                .iter()
                .any(|st| st.hop == routing::Hop::IngressController);
        if !tls {
            return (
                r.fail("wget: error getting response: Connection reset by peer"),
                Some(route),
            );
        }
        r.stderr
            .push_str("wget: note: TLS certificate validation not implemented\n");
    }
    if o.server_response {
        _ = writeln!(
            r.stderr,
            "  {} {} {}",
            resp.version, resp.status, resp.reason
        );
        for (k, v) in &resp.headers {
            _ = writeln!(r.stderr, "  {k}: {v}");
        }
    }
    if resp.status >= 400 {
        return (
            r.fail(&format!(
                "wget: server returned error: {} {} {}",
                resp.version, resp.status, resp.reason
            )),
            Some(route),
        );
    }
    if o.spider {
        if !o.quiet {
            r.stderr.push_str("remote file exists\n");
        }
        return (r, Some(route));
    }
    let target = o.output.clone().unwrap_or_else(|| {
        let file = path
            .split(['?', '#'])
            .next()
            .unwrap_or("")
            .rsplit('/')
            .next()
            .unwrap_or("");
        if file.is_empty() {
            "index.html".into()
        } else {
            file.to_string()
        }
    });
    let to_stdout = target == "-";
    if !to_stdout && o.output.is_none() && client.read_file(&target).is_some() {
        return (
            r.fail(&format!("wget: can't open '{target}': File exists")),
            Some(route),
        );
    }
    if !o.quiet {
        if to_stdout {
            r.stderr.push_str("writing to stdout\n");
        } else {
            _ = writeln!(r.stderr, "saving to '{target}'");
        }
    }
    if to_stdout {
        r.stdout.push_str(&resp.body);
    } else if let Err(e) = client.write_file(&target, &resp.body) {
        return (
            r.fail(&format!("wget: can't open '{target}': {e}")),
            Some(route),
        );
    }
    if !o.quiet {
        let shown: String = if to_stdout {
            "-".into()
        } else {
            target.clone()
        };
        let shown: String = shown.chars().take(20).collect();
        let late = if to_stdout {
            &mut r.stderr_after
        } else {
            &mut r.stderr
        };
        _ = writeln!(
            late,
            "{shown:<20} 100% |{}| {:>5}  0:00:00 ETA",
            "*".repeat(32),
            resp.body.len()
        );
        if to_stdout {
            late.push_str("written to stdout\n");
        } else {
            _ = writeln!(r.stderr, "'{target}' saved");
        }
    }
    (r, Some(route))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nslookup_flavours_by_image() {
        assert_eq!(Nslookup::for_image("busybox:1.28"), Nslookup::BusyboxOld);
        assert_eq!(
            Nslookup::for_image("docker.io/library/busybox:1.27.2"),
            Nslookup::BusyboxOld
        );
        assert_eq!(Nslookup::for_image("busybox:1.36"), Nslookup::Busybox);
        assert_eq!(Nslookup::for_image("busybox"), Nslookup::Busybox);
        assert_eq!(Nslookup::for_image("alpine:3.20"), Nslookup::Busybox);
        assert_eq!(Nslookup::for_image("nicolaka/netshoot"), Nslookup::Bind);
    }

    #[test]
    fn wget_options_combine_as_busybox_reads_them() {
        let a = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        let o = wget_opts(&a("-qO- http://web")).unwrap();
        assert!(o.quiet);
        assert_eq!(o.output.as_deref(), Some("-"));
        assert_eq!(o.url.as_deref(), Some("http://web"));
        let o = wget_opts(&a("-q -O /tmp/x -T 5 --spider web:8080/a")).unwrap();
        assert_eq!(o.output.as_deref(), Some("/tmp/x"));
        assert_eq!(o.timeout_ms, Some(5000));
        assert!(o.spider);
        assert_eq!(
            wget_opts(&a("-z web")).err().unwrap(),
            "wget: invalid option -- 'z'"
        );
        assert!(wget_opts(&a("-O")).is_err());
    }
}
