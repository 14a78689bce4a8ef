//! A compact text encoding of a JSON value, for what time-travel checkpoints keep of past
//! pod versions (see [`crate::api::Object::frozen`]). A pod status as a `serde_json`
//! tree is about ten maps, each a B-tree node sized for eleven entries, and some forty
//! small strings: about 7 KB natively, 4–5 KB in wasm. Frozen, it is one string of a few
//! hundred bytes; it is thawed back into the same tree when a past moment is rebuilt.
//!
//! The encoding is exact (numbers keep their kind and bits) and made only of ASCII bytes
//! and the values' own UTF-8 strings, so it is valid UTF-8 and is kept as a `String`:
//! - `n` `t` `f`: null, true, false;
//! - `u` n: an unsigned integer; `i` n: a negative one (n = -(x + 1)); `d` n: a float's
//!   bits;
//! - `s` n bytes: a string of n bytes; `S` n: the n-th string of [`COMMON`];
//! - `a` n values: an array; `o` n (key value)…: an object, its keys encoded as strings;
//!
//! where n is a number written 6 bits a byte, lowest first, `0x40` set on every byte
//! but the last (so every byte is below `0x80`).

use serde_json::{Map, Number, Value};

/// Keys and values that most pod statuses hold, written as one or two bytes.
const COMMON: &[&str] = &[
    "conditions",
    "type",
    "status",
    "lastProbeTime",
    "lastTransitionTime",
    "reason",
    "message",
    "True",
    "False",
    "Unknown",
    "PodScheduled",
    "Initialized",
    "ContainersReady",
    "Ready",
    "PodReadyToStartContainers",
    "containerStatuses",
    "initContainerStatuses",
    "name",
    "image",
    "imageID",
    "containerID",
    "ready",
    "restartCount",
    "started",
    "state",
    "lastState",
    "running",
    "waiting",
    "terminated",
    "startedAt",
    "finishedAt",
    "exitCode",
    "phase",
    "Pending",
    "Running",
    "Succeeded",
    "Failed",
    "hostIP",
    "hostIPs",
    "ip",
    "podIP",
    "podIPs",
    "qosClass",
    "BestEffort",
    "Burstable",
    "Guaranteed",
    "startTime",
    "ContainerCreating",
    "ContainersNotReady",
    "PodCompleted",
    "Completed",
    "Error",
    "volumeMounts",
    "mountPath",
    "readOnly",
    "recursiveReadOnly",
    "Disabled",
    "allocatedResources",
    "resources",
    "nominatedNodeName",
    "observedGeneration",
    "nginx",
    "containers with unready status: [nginx]",
];

/// The value as a frozen string.
pub fn freeze(v: &Value) -> String {
    let mut out = Vec::with_capacity(256);
    put_value(&mut out, v);
    // Only ASCII bytes and whole UTF-8 strings were written.
    String::from_utf8(out).unwrap_or_default()
}

/// The value a frozen string holds; `None` if it is not one.
pub fn thaw(s: &str) -> Option<Value> {
    let mut r = Reader {
        b: s.as_bytes(),
        at: 0,
    };
    let v = r.value()?;
    (r.at == r.b.len()).then_some(v)
}

/// [`thaw`] into `out`, reusing its allocations where it has the frozen value's shape
/// (the same keys in the same order, strings, arrays): thawing a checkpoint's statuses
/// into the trees of the checkpoint thawed before costs copies instead of a thousand
/// trees freed and as many allocated (most of a jump's time, BENCHMARKS.md "Jump,
/// session 6"). `false` if `s` is not a frozen value (`out` is then any value).
pub fn thaw_into(s: &str, out: &mut Value) -> bool {
    let mut r = Reader {
        b: s.as_bytes(),
        at: 0,
    };
    r.value_into(out).is_some() && r.at == r.b.len()
}

fn put_num(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let low = (n & 0x3f) as u8;
        n >>= 6;
        if n == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x40);
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    if let Some(i) = COMMON.iter().position(|c| *c == s) {
        out.push(b'S');
        put_num(out, i as u64);
    } else {
        out.push(b's');
        put_num(out, s.len() as u64);
        out.extend_from_slice(s.as_bytes());
    }
}

fn put_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.push(b'n'),
        Value::Bool(true) => out.push(b't'),
        Value::Bool(false) => out.push(b'f'),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.push(b'u');
                put_num(out, u);
            } else if let Some(i) = n.as_i64() {
                out.push(b'i');
                put_num(out, !(i as u64));
            } else {
                out.push(b'd');
                put_num(out, n.as_f64().unwrap_or(0.0).to_bits());
            }
        }
        Value::String(s) => put_str(out, s),
        Value::Array(a) => {
            out.push(b'a');
            put_num(out, a.len() as u64);
            for x in a {
                put_value(out, x);
            }
        }
        Value::Object(m) => {
            out.push(b'o');
            put_num(out, m.len() as u64);
            for (k, x) in m {
                put_str(out, k);
                put_value(out, x);
            }
        }
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let c = *self.b.get(self.at)?;
        self.at += 1;
        Some(c)
    }

    fn num(&mut self) -> Option<u64> {
        let mut n = 0u64;
        let mut shift = 0;
        loop {
            let c = self.byte()?;
            if shift >= 64 {
                return None;
            }
            n |= u64::from(c & 0x3f) << shift;
            if c & 0x40 == 0 {
                return Some(n);
            }
            shift += 6;
        }
    }

    fn string(&mut self, tag: u8) -> Option<String> {
        self.str(tag).map(str::to_string)
    }

    fn str(&mut self, tag: u8) -> Option<&'a str> {
        let n = usize::try_from(self.num()?).ok()?;
        match tag {
            b'S' => COMMON.get(n).copied(),
            b's' => {
                let end = self.at.checked_add(n)?;
                let s = std::str::from_utf8(self.b.get(self.at..end)?).ok()?;
                self.at = end;
                Some(s)
            }
            _ => None,
        }
    }

    /// The next value written over `out`: its strings, arrays and maps of the same keys
    /// reused, anything else replaced.
    fn value_into(&mut self, out: &mut Value) -> Option<()> {
        let start = self.at;
        match self.byte()? {
            tag @ (b's' | b'S') => {
                let s = self.str(tag)?;
                match out {
                    Value::String(old) => {
                        old.clear();
                        old.push_str(s);
                    }
                    _ => *out = Value::String(s.to_string()),
                }
            }
            b'a' if out.is_array() => {
                let n = usize::try_from(self.num()?).ok()?;
                let Value::Array(a) = out else {
                    return None;
                };
                a.truncate(n);
                for i in 0..n {
                    match a.get_mut(i) {
                        Some(x) => self.value_into(x)?,
                        None => a.push(self.value()?),
                    }
                }
            }
            b'o' if out.as_object().is_some() => {
                let n = usize::try_from(self.num()?).ok()?;
                let Value::Object(m) = out else {
                    return None;
                };
                let mut same = m.len() == n;
                if same {
                    for (k, v) in m.iter_mut() {
                        let tag = self.byte()?;
                        if self.str(tag)? != k {
                            same = false;
                            break;
                        }
                        self.value_into(v)?;
                    }
                }
                if !same {
                    // Other keys: this map is thawed anew.
                    self.at = start;
                    *out = self.value()?;
                }
            }
            _ => {
                self.at = start;
                *out = self.value()?;
            }
        }
        Some(())
    }

    fn value(&mut self) -> Option<Value> {
        let tag = self.byte()?;
        Some(match tag {
            b'n' => Value::Null,
            b't' => Value::Bool(true),
            b'f' => Value::Bool(false),
            b'u' => Value::from(self.num()?),
            b'i' => Value::from(!self.num()? as i64),
            b'd' => Value::Number(Number::from_f64(f64::from_bits(self.num()?))?),
            b's' | b'S' => Value::String(self.string(tag)?),
            b'a' => {
                let n = self.num()?;
                let mut a = Vec::with_capacity(n.min(1 << 16) as usize);
                for _ in 0..n {
                    a.push(self.value()?);
                }
                Value::Array(a)
            }
            b'o' => {
                let n = self.num()?;
                let mut m = Map::new();
                for _ in 0..n {
                    let tag = self.byte()?;
                    let k = self.string(tag)?;
                    m.insert(k, self.value()?);
                }
                Value::Object(m)
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn thawing_a_frozen_value_gives_it_back_exactly() {
        let v = json!({
            "conditions": [
                {"type": "Ready", "status": "True", "lastProbeTime": null,
                 "lastTransitionTime": "2026-11-26T10:00:00Z"},
                {"type": "Odd \"quoted\" ünïcode ✓", "status": "False"}
            ],
            "containerStatuses": [{"name": "nginx", "restartCount": 0, "ready": true,
                "state": {"running": {"startedAt": "2026-11-26T10:00:01Z"}}}],
            "big": u64::MAX, "neg": -5, "min": i64::MIN, "float": 0.1, "tiny": 1e-300,
            "empty": {}, "none": [], "": "",
        });
        let f = freeze(&v);
        assert!(f.len() < v.to_string().len());
        let back = thaw(&f).unwrap();
        assert_eq!(back, v);
        assert_eq!(back.to_string(), v.to_string());
        assert_eq!(back["float"].as_f64(), Some(0.1));
        assert!(back["neg"].is_i64() && back["big"].is_u64() && back["float"].is_f64());
        assert_eq!(thaw("x"), None);
        assert_eq!(thaw(&f[..f.len() - 1]), None);
    }

    #[test]
    fn thawing_over_another_value_gives_the_frozen_one_exactly() {
        let pod = |ip: &str, ready: &str, extra: bool| {
            let mut v = json!({
                "conditions": [
                    {"type": "Ready", "status": ready, "lastProbeTime": null,
                     "lastTransitionTime": "2026-11-26T10:00:00Z"},
                    {"type": "PodScheduled", "status": "True"}
                ],
                "containerStatuses": [{"name": "nginx", "restartCount": 0, "ready": true,
                    "state": {"running": {"startedAt": "2026-11-26T10:00:01Z"}}}],
                "phase": "Running", "podIP": ip, "n": -3, "f": 0.5,
            });
            if extra {
                v["hostIPs"] = json!([{"ip": "192.168.49.2"}, {"ip": "fd00::2"}]);
                v["containerStatuses"][0]["state"] =
                    json!({"waiting": {"reason": "ContainerCreating"}});
                v["conditions"].as_array_mut().unwrap().pop();
            }
            v
        };
        let values = [
            pod("10.244.0.7", "True", false),
            pod("10.244.0.123", "False", false),
            pod("", "True", true),
            json!({"phase": "Pending"}),
            json!({"conditions": "not a list", "phase": 7, "podIP": ["x"]}),
            json!([1, "two", {"three": 3}]),
            json!("a string"),
            json!(null),
            json!({}),
            json!({"z": 1, "a": {"b": [true, false, null, 1e-300, u64::MAX, i64::MIN]}}),
        ];
        for old in &values {
            for new in &values {
                let mut out = old.clone();
                assert!(thaw_into(&freeze(new), &mut out), "{old} → {new}");
                assert_eq!(&out, new, "{old} → {new}");
                assert_eq!(out.to_string(), new.to_string(), "{old} → {new}");
            }
            let mut out = old.clone();
            assert!(!thaw_into("x", &mut out));
            let f = freeze(old);
            assert!(!thaw_into(&format!("{f}n"), &mut old.clone()));
        }
    }
}
