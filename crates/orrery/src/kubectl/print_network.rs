//! Table columns for Service, Endpoints, EndpointSlice, Ingress, IngressClass (R8.2),
//! cell by cell as `pkg/printers/internalversion/printers.go` renders them.

use serde_json::Value;

use crate::api::Object;
use crate::kubectl::printers::age;
use crate::sim::Sim;

/// Header of a kind's table, if this area prints it.
pub fn columns(_sim: &Sim, gk: &str) -> Option<Vec<&'static str>> {
    Some(match gk {
        "Service" => vec![
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE",
        ],
        "Endpoints" => vec!["NAME", "ENDPOINTS", "AGE"],
        "EndpointSlice.discovery.k8s.io" => {
            vec!["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
        }
        "Ingress.networking.k8s.io" | "Ingress.extensions" => {
            vec!["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]
        }
        "IngressClass.networking.k8s.io" => vec!["NAME", "CONTROLLER", "PARAMETERS", "AGE"],
        _ => return None,
    })
}

/// Extra `-o wide` columns, if this area prints the kind.
pub fn wide_columns(gk: &str) -> Option<Vec<&'static str>> {
    match gk {
        "Service" => Some(vec!["SELECTOR"]),
        "Endpoints"
        | "EndpointSlice.discovery.k8s.io"
        | "Ingress.networking.k8s.io"
        | "Ingress.extensions"
        | "IngressClass.networking.k8s.io" => Some(vec![]),
        _ => None,
    }
}

/// Cells of one row, if this area prints the kind.
pub fn row(sim: &Sim, obj: &Object, wide: bool) -> Option<Vec<String>> {
    let age = age(sim.now, obj.meta.creation_ms);
    let name = obj.meta.name.clone();
    Some(match obj.gk().as_str() {
        "Service" => {
            let mut r = vec![
                name,
                obj.str_at(&["spec", "type"])
                    .unwrap_or("ClusterIP")
                    .to_string(),
                service_cluster_ip(obj),
                service_external_ip(obj, wide),
                service_ports(obj),
                age,
            ];
            if wide {
                r.push(selector_cell(obj.get(&["spec", "selector"])));
            }
            r
        }
        "Endpoints" => vec![name, endpoints_cell(obj), age],
        "EndpointSlice.discovery.k8s.io" => vec![
            name,
            obj.str_at(&["addressType"]).unwrap_or("IPv4").to_string(),
            slice_ports_cell(obj),
            slice_endpoints_cell(obj),
            age,
        ],
        "Ingress.networking.k8s.io" | "Ingress.extensions" => vec![
            name,
            obj.str_at(&["spec", "ingressClassName"])
                .unwrap_or("<none>")
                .to_string(),
            ingress_hosts(obj),
            load_balancer_cell(obj.get(&["status", "loadBalancer", "ingress"]), wide),
            if obj
                .get(&["spec", "tls"])
                .as_array()
                .is_some_and(|t| !t.is_empty())
            {
                "80, 443".into()
            } else {
                "80".into()
            },
            age,
        ],
        "IngressClass.networking.k8s.io" => {
            let params = obj.get(&["spec", "parameters"]);
            let parameters = if params.is_null() {
                "<none>".to_string()
            } else {
                let mut p = params
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                if let Some(g) = params.get("apiGroup").and_then(Value::as_str) {
                    p = format!("{p}.{g}");
                }
                format!(
                    "{p}/{}",
                    params.get("name").and_then(Value::as_str).unwrap_or("")
                )
            };
            vec![
                name,
                obj.str_at(&["spec", "controller"])
                    .unwrap_or("")
                    .to_string(),
                parameters,
                age,
            ]
        }
        _ => return None,
    })
}

/// A warning the API server attaches to reads of a kind, printed by kubectl on stderr
/// before the table: `v1 Endpoints` on 1.33+ (R6.4).
pub fn warning(sim: &Sim, gk: &str) -> Option<String> {
    (gk == "Endpoints" && sim.version.at_least(33)).then(|| {
        "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
            .to_string()
    })
}

fn service_cluster_ip(svc: &Object) -> String {
    match svc.str_at(&["spec", "clusterIP"]) {
        Some(ip) if !ip.is_empty() => ip.to_string(),
        _ => "<none>".into(),
    }
}

/// `getServiceExternalIP`: external IPs for ClusterIP/NodePort, the load balancer's
/// ingress (or `<pending>`) for LoadBalancer, the name for ExternalName (R6.7).
fn service_external_ip(svc: &Object, wide: bool) -> String {
    let external: Vec<String> = svc
        .get(&["spec", "externalIPs"])
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    match svc.str_at(&["spec", "type"]).unwrap_or("ClusterIP") {
        "ClusterIP" | "NodePort" => {
            if external.is_empty() {
                "<none>".into()
            } else {
                external.join(",")
            }
        }
        "LoadBalancer" => {
            let mut lb = load_balancer_cell(svc.get(&["status", "loadBalancer", "ingress"]), wide);
            if !external.is_empty() {
                let mut all: Vec<String> = if lb.is_empty() { vec![] } else { vec![lb] };
                all.extend(external);
                lb = all.join(",");
            }
            if lb.is_empty() {
                "<pending>".into()
            } else {
                lb
            }
        }
        "ExternalName" => svc
            .str_at(&["spec", "externalName"])
            .unwrap_or("")
            .to_string(),
        _ => "<unknown>".into(),
    }
}

/// `loadBalancerStatusStringer`: sorted unique IPs or hostnames, clipped to 16
/// characters unless wide.
fn load_balancer_cell(ingress: &Value, wide: bool) -> String {
    let mut set = std::collections::BTreeSet::new();
    for i in ingress.as_array().into_iter().flatten() {
        if let Some(ip) = i
            .get("ip")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            set.insert(ip.to_string());
        } else if let Some(h) = i
            .get("hostname")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            set.insert(h.to_string());
        }
    }
    let r = set.into_iter().collect::<Vec<_>>().join(",");
    if !wide && r.len() > 16 {
        format!("{}...", &r[..13])
    } else {
        r
    }
}

/// `makePortString`: `80/TCP`, `80:31234/TCP`, joined by `,`.
fn service_ports(svc: &Object) -> String {
    let ports: Vec<String> = svc
        .get(&["spec", "ports"])
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
            let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
            match p.get("nodePort").and_then(Value::as_i64) {
                Some(np) if np != 0 => format!("{port}:{np}/{proto}"),
                _ => format!("{port}/{proto}"),
            }
        })
        .collect();
    if ports.is_empty() {
        "<none>".into()
    } else {
        ports.join(",")
    }
}

/// `labels.FormatLabels`: `k=v,k2=v2` sorted by key, `<none>` when empty.
fn selector_cell(sel: &Value) -> String {
    let m = crate::api::object::string_map(Some(sel));
    if m.is_empty() {
        return "<none>".into();
    }
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `formatEndpoints` (R6.4): `ip:port` for the ready addresses of every subset and
/// port, at most 3 then ` + N more...`; `<none>` without subsets. Subsets with only
/// not-ready addresses print nothing, so such an Endpoints shows a blank cell.
fn endpoints_cell(ep: &Object) -> String {
    let subsets = ep.get(&["subsets"]).as_array().cloned().unwrap_or_default();
    if subsets.is_empty() {
        return "<none>".into();
    }
    let max = 3;
    let mut list: Vec<String> = vec![];
    let mut more = false;
    let mut count = 0;
    for ss in &subsets {
        let addrs: Vec<&str> = ss
            .get("addresses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|a| a.get("ip").and_then(Value::as_str))
            .collect();
        let ports: Vec<i64> = ss
            .get("ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| p.get("port").and_then(Value::as_i64))
            .collect();
        if ports.is_empty() {
            count += addrs.len();
            for a in &addrs {
                if list.len() == max {
                    more = true;
                    break;
                }
                list.push(a.to_string());
            }
            continue;
        }
        for port in ports {
            count += addrs.len();
            for a in &addrs {
                if list.len() == max {
                    more = true;
                    break;
                }
                list.push(format!("{a}:{port}"));
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count - max)
    } else {
        ret
    }
}

/// `listWithMoreString`: at most 3, ` + N more...`, `<unset>` when empty.
fn list_with_more(list: Vec<String>, more: bool, count: usize) -> String {
    let ret = list.join(",");
    if more {
        return format!("{ret} + {} more...", count - 3);
    }
    if ret.is_empty() {
        "<unset>".into()
    } else {
        ret
    }
}

fn slice_ports_cell(slice: &Object) -> String {
    let mut list = vec![];
    let mut more = false;
    let mut count = 0;
    for p in slice.get(&["ports"]).as_array().into_iter().flatten() {
        if list.len() < 3 {
            let n = match (
                p.get("port").and_then(Value::as_i64),
                p.get("name").and_then(Value::as_str),
            ) {
                (Some(n), _) => n.to_string(),
                (None, Some(name)) => name.to_string(),
                _ => "*".to_string(),
            };
            list.push(n);
        } else if list.len() == 3 {
            more = true;
        }
        count += 1;
    }
    list_with_more(list, more, count)
}

fn slice_endpoints_cell(slice: &Object) -> String {
    let mut list = vec![];
    let mut more = false;
    let mut count = 0;
    for e in slice.get(&["endpoints"]).as_array().into_iter().flatten() {
        for a in e
            .get("addresses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if list.len() < 3 {
                list.push(a.as_str().unwrap_or("").to_string());
            } else if list.len() == 3 {
                more = true;
            }
            count += 1;
        }
    }
    list_with_more(list, more, count)
}

/// `formatHosts`: `*` without hosts; at most 3 then ` + N more...` (counting rules).
fn ingress_hosts(ing: &Object) -> String {
    let rules = ing
        .get(&["spec", "rules"])
        .as_array()
        .cloned()
        .unwrap_or_default();
    let max = 3;
    let mut list: Vec<String> = vec![];
    let mut more = false;
    for r in &rules {
        if list.len() == max {
            more = true;
        }
        if let Some(h) = r
            .get("host")
            .and_then(Value::as_str)
            .filter(|h| !h.is_empty())
        {
            if !more {
                list.push(h.to_string());
            }
        }
    }
    if list.is_empty() {
        return "*".into();
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", rules.len() - max)
    } else {
        ret
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(kind: &str, body: Value) -> Object {
        let mut o = Object::new("v1", kind, "default", "x");
        if let Value::Object(m) = body {
            o.body = m.into();
        }
        o
    }

    #[test]
    fn service_port_strings() {
        let s = obj(
            "Service",
            json!({"spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}]}}),
        );
        assert_eq!(service_ports(&s), "80:30080/TCP,53/UDP");
        let lb = obj("Service", json!({"spec": {"type": "LoadBalancer"}}));
        assert_eq!(service_external_ip(&lb, false), "<pending>");
    }

    #[test]
    fn endpoints_cell_limits_to_three() {
        let ep = obj(
            "Endpoints",
            json!({"subsets": [{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}, {"ip": "10.0.0.3"}, {"ip": "10.0.0.4"}], "ports": [{"port": 80}]}]}),
        );
        assert_eq!(
            endpoints_cell(&ep),
            "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more..."
        );
        let none = obj("Endpoints", json!({}));
        assert_eq!(endpoints_cell(&none), "<none>");
        let unready = obj(
            "Endpoints",
            json!({"subsets": [{"notReadyAddresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 80}]}]}),
        );
        assert_eq!(endpoints_cell(&unready), "");
    }

    #[test]
    fn ingress_hosts_cell() {
        let i = obj(
            "Ingress",
            json!({"spec": {"rules": [{"host": "a.com"}, {"host": "b.com"}, {"host": "c.com"}, {"host": "d.com"}]}}),
        );
        assert_eq!(ingress_hosts(&i), "a.com,b.com,c.com + 1 more...");
        let star = obj("Ingress", json!({"spec": {"rules": [{"http": {}}]}}));
        assert_eq!(ingress_hosts(&star), "*");
    }
}
