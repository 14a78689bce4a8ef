//! The scenario the page opens on when given no input: the pacman lesson's manifests
//! (see PRODUCT.md, "The reference lesson, as a scenario"). The files are the project's
//! own writing, kept in `lessons/` and compiled into the binary so the page needs no
//! request to show them.

use crate::report::{FileReport, KindCount};

/// A file as the editor first shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScenarioFile {
    pub name: &'static str,
    pub text: &'static str,
    /// The kinds in `text` with their counts, in order of first appearance: the
    /// editor's report on it, known without parsing (a test checks it against the
    /// parser), so the page's first paint does not wait for a parse (BENCHMARKS.md,
    /// "First render, session 6").
    pub kinds: &'static [(&'static str, usize)],
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
            kinds: &[
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
            ],
        },
        ScenarioFile {
            name: "pacman-ingress.yaml",
            text: include_str!("../lessons/pacman-ingress.yaml"),
            kinds: &[("Ingress", 1)],
        },
    ],
};

/// The editor's report on `text` when it is one of the default scenario's files as
/// shipped (no diagnostics, the kinds listed with it); `None` for any other text.
pub fn known_report(text: &str) -> Option<FileReport> {
    let file = DEFAULT.files.iter().find(|f| f.text == text)?;
    Some(FileReport {
        documents: file.kinds.iter().map(|(_, n)| n).sum(),
        kinds: file
            .kinds
            .iter()
            .map(|(kind, count)| KindCount {
                kind: kind.to_string(),
                count: *count,
            })
            .collect(),
        diagnostics: vec![],
        diagnostics_total: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::{known_report, DEFAULT};
    use crate::report::FileReport;

    /// The reports the page shows without parsing are the parser's.
    #[test]
    fn known_reports_are_the_parsers() {
        for file in DEFAULT.files {
            assert_eq!(
                known_report(file.text),
                Some(FileReport::of(file.text)),
                "{}",
                file.name
            );
        }
        assert_eq!(known_report("kind: Pod\n"), None);
        let edited = format!("{}\n# edited\n", DEFAULT.files[1].text);
        assert_eq!(known_report(&edited), None);
    }

    /// The embedded lesson files must parse cleanly: they are what every learner sees first.
    #[test]
    fn default_scenario_parses_without_diagnostics() {
        for file in DEFAULT.files {
            let report = FileReport::of(file.text);
            assert_eq!(report.diagnostics, vec![], "{}", file.name);
            assert!(report.documents > 0, "{}", file.name);
        }
    }

    /// The lesson needs these objects; the table beside each file lists them, and
    /// `known_reports_are_the_parsers` holds the table to the parser.
    #[test]
    fn default_scenario_holds_the_lesson_objects() {
        let has = |i: usize, kind: &str| DEFAULT.files[i].kinds.iter().any(|(k, _)| *k == kind);
        for kind in [
            "Namespace",
            "PersistentVolumeClaim",
            "StatefulSet",
            "Deployment",
            "Service",
        ] {
            assert!(has(0, kind), "{kind}");
        }
        assert!(has(1, "Ingress"));
    }
}
