//! The command line each direct manipulation equals. The canvas and the inspector never
//! change the cluster themselves: they build the kubectl (or minikube, or curl) line a
//! learner would type and run it through `Playground::run`, so the console echoes it.
//! Pure string building, tested natively.

/// The resource name kubectl accepts for an object's kind (`pod`, `pvc`, `storageclass`).
pub fn resource(kind: &str) -> String {
    match kind {
        "PersistentVolumeClaim" => "pvc".into(),
        "PersistentVolume" => "pv".into(),
        other => other.to_ascii_lowercase(),
    }
}

/// Quotes a word for a POSIX shell (and for the simulator's tokenizer, which follows
/// it): plain words stay as they are, anything else goes in single quotes.
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

fn ns_flag(namespace: &str) -> String {
    if namespace.is_empty() {
        String::new()
    } else {
        format!(" -n {}", quote(namespace))
    }
}

/// `kubectl delete pod mongo-0 -n pacman`
pub fn delete(kind: &str, namespace: &str, name: &str) -> String {
    format!(
        "kubectl delete {} {}{}",
        resource(kind),
        quote(name),
        ns_flag(namespace)
    )
}

/// `kubectl scale deployment pacman --replicas=10 -n pacman`
pub fn scale(kind: &str, namespace: &str, name: &str, replicas: i64) -> String {
    format!(
        "kubectl scale {} {} --replicas={replicas}{}",
        resource(kind),
        quote(name),
        ns_flag(namespace)
    )
}

/// `kubectl describe pod mongo-0 -n pacman`
pub fn describe(kind: &str, namespace: &str, name: &str) -> String {
    format!(
        "kubectl describe {} {}{}",
        resource(kind),
        quote(name),
        ns_flag(namespace)
    )
}

/// The lesson's patch of the default-class annotation, exactly as the lesson writes it.
pub fn patch_default_class(class: &str, default: bool) -> String {
    format!(
        "kubectl patch storageclass {} -p '{{\"metadata\": {{\"annotations\":{{\"storageclass.kubernetes.io/is-default-class\":\"{default}\"}}}}}}'",
        quote(class)
    )
}

/// Making `class` the default: the new default first, then the old ones lose the mark
/// (the order of the lesson: for a moment there are two, as on a real cluster).
pub fn make_default_class(class: &str, old_defaults: &[String]) -> Vec<String> {
    let mut lines = vec![patch_default_class(class, true)];
    for old in old_defaults.iter().filter(|o| o.as_str() != class) {
        lines.push(patch_default_class(old, false));
    }
    lines
}

/// `curl -s -H 'Host: pacman.com' http://192.168.49.2/`
pub fn curl(host: &str, node_ip: &str, path: &str) -> String {
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    let host = host.trim();
    if host.is_empty() {
        format!("curl -s {}", quote(&format!("http://{node_ip}{path}")))
    } else {
        format!(
            "curl -s -H {} {}",
            quote(&format!("Host: {host}")),
            quote(&format!("http://{node_ip}{path}"))
        )
    }
}

/// `kubectl exec POD -n NS -- sh -c 'echo TEXT > FILE'`
pub fn exec_write(namespace: &str, pod: &str, file: &str, text: &str) -> String {
    let script = format!("echo {} > {}", quote(text), quote(file));
    format!(
        "kubectl exec {}{} -- sh -c {}",
        quote(pod),
        ns_flag(namespace),
        quote(&script)
    )
}

/// `kubectl exec POD -n NS -- cat FILE`
pub fn exec_read(namespace: &str, pod: &str, file: &str) -> String {
    format!(
        "kubectl exec {}{} -- cat {}",
        quote(pod),
        ns_flag(namespace),
        quote(file)
    )
}

/// `minikube addons enable ingress`
pub fn addon(name: &str, enable: bool) -> String {
    format!(
        "minikube addons {} {}",
        if enable { "enable" } else { "disable" },
        quote(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use orrery::shell::Session;

    #[test]
    fn lines_read_like_the_lesson() {
        assert_eq!(
            delete("Pod", "pacman", "mongo-0"),
            "kubectl delete pod mongo-0 -n pacman"
        );
        assert_eq!(
            delete("StorageClass", "", "standard"),
            "kubectl delete storageclass standard"
        );
        assert_eq!(
            delete("PersistentVolumeClaim", "pacman", "mongo-storage"),
            "kubectl delete pvc mongo-storage -n pacman"
        );
        assert_eq!(
            scale("Deployment", "pacman", "pacman", 10),
            "kubectl scale deployment pacman --replicas=10 -n pacman"
        );
        assert_eq!(
            make_default_class("csi-hostpath-sc", &["standard".into()]),
            [
                r#"kubectl patch storageclass csi-hostpath-sc -p '{"metadata": {"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}'"#,
                r#"kubectl patch storageclass standard -p '{"metadata": {"annotations":{"storageclass.kubernetes.io/is-default-class":"false"}}}'"#,
            ]
        );
        assert_eq!(
            curl("pacman.com", "192.168.49.2", "/"),
            "curl -s -H 'Host: pacman.com' http://192.168.49.2/"
        );
        assert_eq!(addon("ingress", true), "minikube addons enable ingress");
    }

    #[test]
    fn quoting_survives_hostile_text() {
        assert_eq!(quote("plain-word_1.txt"), "plain-word_1.txt");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(
            exec_write("pacman", "mongo-0", "/data/db/note", "hi there"),
            r"kubectl exec mongo-0 -n pacman -- sh -c 'echo '\''hi there'\'' > /data/db/note'"
        );
    }

    /// The lines actually run in the simulator and do what they say.
    #[test]
    fn the_simulator_accepts_every_line() {
        let mut s = Session::new(1);
        let run = |s: &mut Session, line: &str| {
            let out = s.exec(line, None);
            assert_eq!(out.code, 0, "{line}\n{}", out.text);
            out.text
        };
        run(
            &mut s,
            "kubectl create deployment web --image=nginx --replicas=1",
        );
        run(&mut s, &scale("Deployment", "default", "web", 3));
        run(&mut s, &addon("csi-hostpath-driver", true));
        for line in make_default_class("csi-hostpath-sc", &["standard".into()]) {
            run(&mut s, &line);
        }
        run(&mut s, "sleep 60s");
        let pod = s
            .sim
            .store
            .list("Pod", "default")
            .next()
            .unwrap()
            .meta
            .name
            .clone();
        let text = "it's \"quoted\" & $HOME; <b>";
        run(&mut s, &exec_write("default", &pod, "/tmp/note.txt", text));
        assert_eq!(
            run(&mut s, &exec_read("default", &pod, "/tmp/note.txt")),
            format!("{text}\n")
        );
        run(&mut s, &delete("Pod", "default", &pod));
        let out = s.exec(&curl("pacman.com", "192.168.49.2", "/"), None);
        assert_ne!(out.code, 0, "nothing listens on port 80 yet");
        assert!(s.last_route.is_some());
    }
}
