//! The scenario the page opens on when given no input: the pacman lesson's manifests
//! (see PRODUCT.md, "The reference lesson, as a scenario"). The files are the project's
//! own writing, kept in `lessons/` and compiled into the binary so the page needs no
//! request to show them.

/// A file as the editor first shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScenarioFile {
    pub name: &'static str,
    pub text: &'static str,
}

/// A named set of files that the page can open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub title: &'static str,
    pub files: &'static [ScenarioFile],
}

/// The default scenario: MongoDB in a StatefulSet on a claim, the pacman game in a
/// Deployment, and an Ingress in front of it.
pub const DEFAULT: Scenario = Scenario {
    title: "Pacman: StatefulSets, storage and Ingress",
    files: &[
        ScenarioFile {
            name: "pacman-stateful-demo.yaml",
            text: include_str!("../lessons/pacman-stateful-demo.yaml"),
        },
        ScenarioFile {
            name: "pacman-ingress.yaml",
            text: include_str!("../lessons/pacman-ingress.yaml"),
        },
    ],
};

#[cfg(test)]
mod tests {
    use super::DEFAULT;
    use crate::report::FileReport;

    /// The embedded lesson files must parse cleanly: they are what every learner sees first.
    #[test]
    fn default_scenario_parses_without_diagnostics() {
        for file in DEFAULT.files {
            let report = FileReport::of(file.text);
            assert_eq!(report.diagnostics, vec![], "{}", file.name);
            assert!(report.documents > 0, "{}", file.name);
        }
    }

    #[test]
    fn default_scenario_holds_the_lesson_objects() {
        let kinds = |i: usize| FileReport::of(DEFAULT.files[i].text).kinds;
        let stateful: Vec<(String, usize)> =
            kinds(0).into_iter().map(|k| (k.kind, k.count)).collect();
        let expected = [
            ("Namespace", 1),
            ("PodSecurityPolicy", 1),
            ("ClusterRole", 1),
            ("RoleBinding", 1),
            ("ClusterRoleBinding", 1),
            ("Secret", 1),
            ("PersistentVolumeClaim", 1),
            ("StatefulSet", 1),
            ("Deployment", 1),
            ("Service", 2),
        ];
        let expected: Vec<(String, usize)> =
            expected.iter().map(|(k, n)| (k.to_string(), *n)).collect();
        assert_eq!(stateful, expected);
        assert_eq!(kinds(1)[0].kind, "Ingress");
    }
}
