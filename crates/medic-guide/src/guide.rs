//! The parsed guide: its identity, its section tree, and the problems and procedures in it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::problem::{Problem, Procedure};
use crate::section::Section;
use crate::signal::Signal;

/// One Markdown troubleshooting guide.
#[derive(Debug, Clone, Serialize)]
pub struct Guide {
    /// Path relative to the guides root (or the file name of a file given directly);
    /// the part of a problem id before `#`.
    pub path: String,
    /// The first level-one heading, else the front matter's `title`, else the file name.
    pub title: String,
    /// Front matter keys and values (`title`, `weight` …), as written.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub front_matter: BTreeMap<String, String>,
    /// The heading tree.
    pub sections: Vec<Section>,
    /// Problems, in document order.
    pub problems: Vec<Problem>,
    /// Procedures (emergency rollback, disable a provider …), in document order.
    pub procedures: Vec<Procedure>,
    /// Signals found outside any problem: key log messages and metrics tables.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<Signal>,
    /// Number of lines in the file.
    pub lines: usize,
    /// The paragraphs under the guide's title, before its first section, separated by a
    /// blank line.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub intro: String,
}

impl Guide {
    /// The file name without directories or extensions (`runbooks/KubeAPIDown.md` →
    /// `KubeAPIDown`): what alert runbook links and one-problem runbooks are named by.
    pub fn file_stem(&self) -> &str {
        let name = self.path.rsplit('/').next().unwrap_or(&self.path);
        name.split('.').next().unwrap_or(name)
    }

    /// The problem with this anchor, if any.
    pub fn problem(&self, anchor: &str) -> Option<&Problem> {
        self.problems.iter().find(|p| p.anchor == anchor)
    }

    /// The procedure with this anchor, if any.
    pub fn procedure(&self, anchor: &str) -> Option<&Procedure> {
        self.procedures.iter().find(|p| p.anchor == anchor)
    }

    /// Classifies every command of every problem and procedure.
    pub fn classify(&mut self) {
        for problem in &mut self.problems {
            let steps = problem
                .checks
                .iter_mut()
                .flat_map(|c| c.commands.iter_mut());
            let fixes = problem.fixes.iter_mut().flat_map(|f| f.commands.iter_mut());
            for command in steps.chain(fixes) {
                command.classify();
            }
        }
        for procedure in &mut self.procedures {
            for command in procedure
                .steps
                .iter_mut()
                .flat_map(|c| c.commands.iter_mut())
            {
                command.classify();
            }
        }
    }

    /// Every section in document order, depth first.
    pub fn all_sections(&self) -> Vec<&Section> {
        fn walk<'a>(sections: &'a [Section], out: &mut Vec<&'a Section>) {
            for s in sections {
                out.push(s);
                walk(&s.children, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.sections, &mut out);
        out
    }
}
