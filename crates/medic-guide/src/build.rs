//! From blocks to the model: the heading tree, the role of each section, and the
//! problems and procedures with their symptoms, checks, causes, fixes and signals.
//!
//! The decisions, in order, for each heading (docs/guide-format.md has them with examples):
//! 1. under reference material → reference;
//! 2. it has parts (`Symptoms`, `Diagnosis`, `Solutions` … as sub-headings or bold labels) → problem;
//! 3. its title is reference material (contents, help, prevention, tools) → reference;
//! 4. its title is a procedure (`Emergency Rollback`, `Disable a Provider`) or it sits under a
//!    procedures heading → procedure (a category when it has sub-headings);
//! 5. it has sub-headings: a category if any of them is a problem or procedure, else a problem
//!    when its title reads like one, else reference;
//! 6. a leaf is a problem when its title reads like one (`Provider Not Starting`, `Why …?`,
//!    `Error: …`, `Service Unavailable (503)`) or it sits under a problem group (`Common
//!    Issues`, `FAQ`) and has content; else reference.

use std::collections::BTreeMap;

use medic_shell::{BlockCommand, BlockHint};

use crate::anchor::Slugger;
use crate::check::{Check, Command, Fix, Snippet};
use crate::guide::Guide;
use crate::heading::{
    PartKind, Reference, check_like, fix_like, normalize, part_kind, problem_group, problem_like,
    procedure_like, reference, strip_number,
};
use crate::markdown::{Block, Inline, Item};
use crate::problem::{Cause, Problem, Procedure, SymptomSource, Text};
use crate::section::{Section, SectionKind};
use crate::signal::{self, Signal, SignalKind};
use crate::span::{LineIndex, Span};

/// Parses one guide. `path` is the guide's id path (relative to the guides root).
///
/// Never fails: any text is some Markdown. Callers decide what is a guide (UTF-8, not binary).
pub fn parse(path: &str, text: &str) -> Guide {
    let lines = LineIndex::new(text);
    let blocks = crate::markdown::parse(text, &lines);
    let line_count = text.lines().count();
    let tree = Tree::new(&blocks, line_count);

    let front_matter = blocks
        .iter()
        .find_map(|b| match b {
            Block::FrontMatter { text } => Some(front_matter(text)),
            _ => None,
        })
        .unwrap_or_default();
    let h1 = tree.nodes.iter().find(|n| n.level == 1);
    // The paragraphs under the title, before its first section: where a guide says what it
    // is about.
    let intro = h1
        .map(|n| {
            n.blocks
                .iter()
                .filter_map(|b| match b {
                    Block::Paragraph { inline, .. } => Some(inline.text.as_str()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("\n\n")
        })
        .unwrap_or_default();
    let title = h1
        .map(|n| n.title.text.clone())
        .or_else(|| front_matter.get("title").cloned())
        .unwrap_or_else(|| {
            let name = path.rsplit('/').next().unwrap_or(path);
            name.split('.').next().unwrap_or(name).to_owned()
        });

    let mut builder = Builder {
        path,
        tree: &tree,
        guide_title: title.clone(),
        problems: Vec::new(),
        procedures: Vec::new(),
        signals: Vec::new(),
    };
    let root_ctx = Ctx::default();
    let sections = if builder.has_parts(0) {
        // A runbook without headings above its parts: the file is the problem.
        let section = builder.problem_section(0, &root_ctx, &title);
        vec![section]
    } else {
        tree.nodes[0]
            .children
            .iter()
            .map(|&c| builder.visit(c, &root_ctx))
            .collect()
    };
    Guide {
        path: path.to_owned(),
        title,
        front_matter,
        sections,
        problems: builder.problems,
        procedures: builder.procedures,
        signals: builder.signals,
        lines: line_count,
        intro,
    }
}

fn front_matter(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.starts_with([' ', '\t', '-']))
        .filter_map(|l| l.split_once(':').or_else(|| l.split_once('=')))
        .map(|(k, v)| {
            (
                k.trim().to_owned(),
                v.trim().trim_matches(['"', '\'']).to_owned(),
            )
        })
        .filter(|(k, v)| !k.is_empty() && !v.is_empty())
        .collect()
}

/// The heading tree, as an arena. Node 0 is the document itself.
struct Tree<'b> {
    nodes: Vec<Node<'b>>,
}

struct Node<'b> {
    level: u8,
    title: Inline,
    anchor: String,
    span: Span,
    blocks: Vec<&'b Block>,
    children: Vec<usize>,
}

impl<'b> Tree<'b> {
    fn new(blocks: &'b [Block], line_count: usize) -> Self {
        let mut nodes = vec![Node {
            level: 0,
            title: Inline::default(),
            anchor: String::new(),
            span: Span::new(1, line_count.max(1)),
            blocks: Vec::new(),
            children: Vec::new(),
        }];
        let mut stack = vec![0usize];
        let mut slugger = Slugger::default();
        for block in blocks {
            if let Block::Heading {
                level,
                inline,
                span,
            } = block
            {
                while let Some(&top) = stack.last() {
                    if top != 0 && nodes[top].level >= *level {
                        nodes[top].span.end_line =
                            span.line.saturating_sub(1).max(nodes[top].span.line);
                        stack.pop();
                    } else {
                        break;
                    }
                }
                let id = nodes.len();
                nodes.push(Node {
                    level: *level,
                    title: inline.clone(),
                    anchor: slugger.slug(&inline.text.replace('`', "")),
                    span: Span::new(span.line, line_count.max(span.line)),
                    blocks: Vec::new(),
                    children: Vec::new(),
                });
                let parent = stack.last().copied().unwrap_or(0);
                nodes[parent].children.push(id);
                stack.push(id);
            } else {
                let top = stack.last().copied().unwrap_or(0);
                nodes[top].blocks.push(block);
            }
        }
        Self { nodes }
    }
}

#[derive(Clone, Default)]
struct Ctx {
    procedures: bool,
    problems: bool,
    breadcrumb: Vec<String>,
}

struct Builder<'p, 't, 'b> {
    path: &'p str,
    tree: &'t Tree<'b>,
    guide_title: String,
    problems: Vec<Problem>,
    procedures: Vec<Procedure>,
    signals: Vec<Signal>,
}

impl<'b> Builder<'_, '_, 'b> {
    /// Whether a section is written in problem parts: a `Symptoms`/`Error` heading, two
    /// different part headings (`Meaning` + `Diagnosis`), or a bold label naming symptoms,
    /// an error, diagnosis or causes.
    fn has_parts(&self, id: usize) -> bool {
        let node = &self.tree.nodes[id];
        let heading_parts: Vec<PartKind> = node
            .children
            .iter()
            .filter_map(|&c| {
                let title = &self.tree.nodes[c].title.text;
                part_kind(title)
                    .filter(|(k, payload)| !(*k == PartKind::Error && payload.is_some()))
                    .map(|(k, _)| k)
                    .filter(|k| {
                        *k != PartKind::CausesAndFixes || title.to_lowercase().contains("cause")
                    })
            })
            .collect();
        let strong = |k: &PartKind| matches!(k, PartKind::Symptoms | PartKind::Error);
        let heading_parts: Vec<PartKind> = heading_parts
            .into_iter()
            .filter(|k| *k != PartKind::Prevention)
            .collect();
        let distinct = heading_parts
            .iter()
            .filter(|k| heading_parts.first() != Some(*k))
            .count();
        if heading_parts.iter().any(strong) || distinct > 0 {
            return true;
        }
        node.blocks.iter().any(|b| {
            matches!(b, Block::Paragraph { inline, .. }
                if inline.label.as_deref().and_then(part_kind).is_some_and(|(k, _)| {
                    matches!(k, PartKind::Symptoms | PartKind::Error | PartKind::Diagnosis | PartKind::Causes)
                }))
        })
    }

    fn has_content(&self, id: usize) -> bool {
        self.tree.nodes[id]
            .blocks
            .iter()
            .any(|b| !matches!(b, Block::Other | Block::FrontMatter { .. }))
    }

    fn visit(&mut self, id: usize, ctx: &Ctx) -> Section {
        let node = &self.tree.nodes[id];
        let title = node.title.text.clone();
        let norm = normalize(&title);
        let child_is_part = |c: usize| {
            part_kind(&self.tree.nodes[c].title.text)
                .is_some_and(|(k, payload)| !(k == PartKind::Error && payload.is_some()))
        };
        let child_problem = node.children.iter().any(|&c| {
            !child_is_part(c)
                && (self.has_parts(c) || part_kind(&self.tree.nodes[c].title.text).is_some())
        });
        let parted_question = problem_like(&norm)
            && node.level > 1
            && !node.children.is_empty()
            && node.children.iter().all(|&c| child_is_part(c));
        if (self.has_parts(id) && !child_problem) || parted_question {
            return self.problem_section(id, ctx, &title);
        }
        match reference(&norm) {
            Reference::Owning => return self.plain(id, SectionKind::Reference),
            Reference::Contents | Reference::Plain => {
                // Reference itself; what is under it is judged on its own.
                self.guide_signals(id);
                let children = node.children.iter().map(|&c| self.visit(c, ctx)).collect();
                return self.section(id, SectionKind::Reference, children);
            }
            Reference::No => {}
        }
        let mut child_ctx = ctx.clone();
        if node.level > 0 {
            child_ctx.breadcrumb.push(strip_number(&title).to_owned());
        }
        if ctx.procedures || procedure_like(&norm) {
            if node.children.is_empty() {
                return if self.has_content(id) {
                    self.procedure_section(id, ctx)
                } else {
                    self.plain(id, SectionKind::Reference)
                };
            }
            child_ctx.procedures = true;
            let children: Vec<Section> = node
                .children
                .iter()
                .map(|&c| self.visit(c, &child_ctx))
                .collect();
            return self.section(id, SectionKind::Category, children);
        }
        if !node.children.is_empty() {
            child_ctx.problems = problem_group(&norm) || (ctx.problems && node.level > 1);
            let problems_before = self.problems.len();
            let procedures_before = self.procedures.len();
            let children: Vec<Section> = node
                .children
                .iter()
                .map(|&c| self.visit(c, &child_ctx))
                .collect();
            let found =
                self.problems.len() > problems_before || self.procedures.len() > procedures_before;
            if found {
                return self.section(id, SectionKind::Category, children);
            }
            if problem_like(&norm) && node.level > 1 {
                return self.problem_section(id, ctx, &title);
            }
            return self.section(id, SectionKind::Reference, children);
        }
        if (problem_like(&norm) || ctx.problems) && self.has_content(id) {
            return self.problem_section(id, ctx, &title);
        }
        self.plain(id, SectionKind::Reference)
    }

    fn section(&self, id: usize, kind: SectionKind, children: Vec<Section>) -> Section {
        let node = &self.tree.nodes[id];
        Section {
            title: node.title.text.clone(),
            anchor: node.anchor.clone(),
            level: node.level,
            span: node.span,
            kind,
            children,
        }
    }

    /// A section that is not a problem or procedure, nor anything below it.
    fn plain(&mut self, id: usize, kind: SectionKind) -> Section {
        self.guide_signals(id);
        let children = self.tree.nodes[id]
            .children
            .iter()
            .map(|&c| self.plain(c, kind))
            .collect();
        self.section(id, kind, children)
    }

    /// Key log messages and metrics stated outside problems.
    fn guide_signals(&mut self, id: usize) {
        let blocks = self.tree.nodes[id].blocks.clone();
        let mut acc = Acc::new(PartKind::Diagnosis);
        for block in blocks {
            match block {
                Block::Table { head, rows, .. } => acc.signal_table(head, rows),
                Block::Code {
                    lang,
                    text,
                    content_line,
                    ..
                } if lang == "prometheus" || lang == "promql" => {
                    signal::in_metrics(text, *content_line, &mut acc.signals);
                }
                _ => {}
            }
        }
        for s in acc.signals {
            signal::push(&mut self.signals, s.kind, &s.value, s.span);
        }
    }

    fn parts_ids(&self, id: usize, out: &mut Vec<Elem<'b>>) {
        let node = &self.tree.nodes[id];
        for &b in &node.blocks {
            out.push(Elem::Block(b));
        }
        for &c in &node.children {
            let child = &self.tree.nodes[c];
            out.push(Elem::Heading(child.title.clone(), child.span));
            self.parts_ids(c, out);
        }
    }

    fn all_parts(&self, id: usize, kind: SectionKind) -> Vec<Section> {
        self.tree.nodes[id]
            .children
            .iter()
            .map(|&c| {
                let children = self.all_parts(c, kind);
                self.section(c, kind, children)
            })
            .collect()
    }

    fn breadcrumb(&self, ctx: &Ctx) -> Vec<String> {
        let mut crumbs = ctx.breadcrumb.clone();
        if crumbs.first() != Some(&self.guide_title) {
            crumbs.insert(0, self.guide_title.clone());
        }
        crumbs
    }

    fn problem_section(&mut self, id: usize, ctx: &Ctx, title: &str) -> Section {
        let node = &self.tree.nodes[id];
        let title = strip_number(title).to_owned();
        let anchor = node.anchor.clone();
        let span = node.span;
        let mut elems = Vec::new();
        self.parts_ids(id, &mut elems);
        let mut acc = Acc::new_lead();
        for elem in &elems {
            acc.elem(elem);
        }
        acc.flush_pending();
        signal::codes(&title, Span::line(span.line), &mut acc.signals);
        for code in &node.title.code {
            signal::in_code_span(code, Span::line(span.line), &mut acc.signals);
        }
        // A heading with a placeholder in it is a message template
        // (`notification service 'xxxx' is not supported`).
        if title.split_whitespace().count() >= 3 && has_placeholder(&title) {
            signal::push(
                &mut acc.signals,
                SignalKind::ErrorText,
                &title,
                Span::line(span.line),
            );
        }
        let bare = title.trim_matches('`');
        if !bare.contains(' ')
            && bare.chars().next().is_some_and(|c| c.is_alphabetic())
            && bare.chars().filter(|c| c.is_uppercase()).count() >= 2
            && bare.chars().all(|c| c.is_alphanumeric() || c == '_')
        {
            signal::push(
                &mut acc.signals,
                SignalKind::AlertName,
                bare,
                Span::line(span.line),
            );
        }
        let (symptoms, symptom_source) = if acc.symptoms.is_empty() {
            let mut inferred = vec![Text {
                text: title.clone(),
                span: Span::line(span.line),
            }];
            inferred.extend(acc.lead.clone());
            (inferred, SymptomSource::Inferred)
        } else {
            (std::mem::take(&mut acc.symptoms), SymptomSource::Stated)
        };
        let mut body = title.clone();
        body.push('\n');
        body.push_str(&acc.body);
        let (checks, fixes) = acc.split_steps();
        self.problems.push(Problem {
            id: format!("{}#{}", self.path, anchor),
            anchor,
            title,
            breadcrumb: self.breadcrumb(ctx),
            span,
            symptoms,
            symptom_source,
            lead: acc.lead,
            impact: acc.impact,
            causes: acc.causes,
            checks,
            fixes,
            signals: acc.signals,
            body,
            code: acc.code,
        });
        let children = self.all_parts(id, SectionKind::Part);
        self.section(id, SectionKind::Problem, children)
    }

    fn procedure_section(&mut self, id: usize, ctx: &Ctx) -> Section {
        let node = &self.tree.nodes[id];
        let mut elems = Vec::new();
        self.parts_ids(id, &mut elems);
        let mut acc = Acc::new(PartKind::Diagnosis);
        acc.procedure = true;
        for elem in &elems {
            acc.elem(elem);
        }
        acc.flush_pending();
        let steps = acc.steps.into_iter().map(|(_, c)| c).collect();
        self.procedures.push(Procedure {
            id: format!("{}#{}", self.path, node.anchor),
            anchor: node.anchor.clone(),
            title: strip_number(&node.title.text).to_owned(),
            breadcrumb: self.breadcrumb(ctx),
            span: node.span,
            steps,
        });
        self.section(id, SectionKind::Procedure, Vec::new())
    }
}

/// Whether a heading holds a placeholder: `xxx`, `xxxx`, or what a command's placeholder
/// would be (`<name>`, `{name}`).
fn has_placeholder(title: &str) -> bool {
    title
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case("xxx") || w.eq_ignore_ascii_case("xxxx"))
        || medic_shell::placeholders(title).iter().any(|p| {
            matches!(
                p.kind,
                medic_shell::PlaceholderKind::Angle | medic_shell::PlaceholderKind::Brace
            )
        })
}

enum Elem<'b> {
    Heading(Inline, Span),
    Block(&'b Block),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Check,
    Fix,
}

/// Where the walk through a problem's blocks is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Before any part: the lead.
    Lead,
    In(PartKind),
}

/// Text that describes the code block after it, if one follows.
struct Pending {
    text: Text,
    /// When no code block claims it: the step it becomes (`None`: it was only a title).
    role: Option<Role>,
}

/// Everything collected from one problem or procedure.
struct Acc {
    part: Part,
    procedure: bool,
    /// A label, paragraph or list item waiting for the code block it describes.
    pending: Option<Pending>,
    symptoms: Vec<Text>,
    lead: Option<Text>,
    impact: Vec<Text>,
    causes: Vec<Cause>,
    steps: Vec<(Role, Check)>,
    signals: Vec<Signal>,
    body: String,
    /// Code blocks that are not commands (sample output, configuration), wherever they are.
    code: String,
}

fn hint(lang: &str) -> Option<BlockHint> {
    Some(match lang {
        "bash" | "sh" | "shell" | "zsh" | "ksh" | "posix" | "cmd" => BlockHint::Shell,
        "console" | "shell-session" | "shellsession" | "sh-session" | "terminal" | "session"
        | "bash-session" => BlockHint::Console,
        "sql" | "postgresql" | "postgres" | "psql" | "pgsql" | "plpgsql" => BlockHint::Sql,
        "" | "text" | "txt" | "plain" | "plaintext" | "none" => BlockHint::Unknown,
        _ => return None,
    })
}

impl Acc {
    fn new(part: PartKind) -> Self {
        Self {
            part: Part::In(part),
            procedure: false,
            pending: None,
            symptoms: Vec::new(),
            lead: None,
            impact: Vec::new(),
            causes: Vec::new(),
            steps: Vec::new(),
            signals: Vec::new(),
            body: String::new(),
            code: String::new(),
        }
    }

    fn new_lead() -> Self {
        let mut acc = Self::new(PartKind::Diagnosis);
        acc.part = Part::Lead;
        acc
    }

    fn split_steps(&mut self) -> (Vec<Check>, Vec<Fix>) {
        let mut checks = Vec::new();
        let mut fixes = Vec::new();
        for (role, c) in std::mem::take(&mut self.steps) {
            match role {
                Role::Check => checks.push(c),
                Role::Fix => fixes.push(Fix {
                    description: c.description,
                    span: c.span,
                    commands: c.commands,
                    snippets: c.snippets,
                }),
            }
        }
        (checks, fixes)
    }

    fn text(&mut self, text: &str, span: Span) {
        self.body.push_str(text);
        self.body.push('\n');
        signal::in_prose(text, span, &mut self.signals);
    }

    fn inline(&mut self, inline: &Inline, span: Span) {
        self.text(&inline.text, span);
        for code in &inline.code {
            signal::in_code_span(code, span, &mut self.signals);
        }
    }

    /// A pending description that no code block claimed becomes a step of its own, if it
    /// was one.
    fn flush_pending(&mut self) {
        if let Some(Pending {
            text,
            role: Some(role),
        }) = self.pending.take()
        {
            self.steps.push((role, step(text.text, text.span)));
        }
    }

    fn set_pending(&mut self, text: Text, role: Option<Role>) {
        self.flush_pending();
        self.pending = Some(Pending { text, role });
    }

    fn set_part(&mut self, kind: PartKind) {
        self.flush_pending();
        self.part = Part::In(kind);
    }

    fn elem(&mut self, elem: &Elem<'_>) {
        match elem {
            Elem::Heading(inline, span) => {
                self.inline(inline, *span);
                if let Some((kind, payload)) = part_kind(&inline.text) {
                    self.set_part(kind);
                    if let Some(payload) = payload {
                        self.payload(kind, &payload, *span);
                    }
                } else {
                    self.flush_pending();
                    self.label(&inline.text, "", *span);
                }
            }
            Elem::Block(block) => self.block(block),
        }
    }

    /// Text that came with a part label: `**Symptom**: API responses are slow`.
    fn payload(&mut self, kind: PartKind, text: &str, span: Span) {
        let t = Text {
            text: text.to_owned(),
            span,
        };
        match kind {
            PartKind::Symptoms | PartKind::Error => {
                if kind == PartKind::Error {
                    let value = text.trim().trim_matches('`');
                    signal::push(&mut self.signals, SignalKind::ErrorText, value, span);
                }
                self.symptoms.push(t);
            }
            PartKind::Impact => self.impact.push(t),
            PartKind::Causes => self.causes.push(Cause {
                text: text.to_owned(),
                error: None,
                solution: None,
                span,
            }),
            PartKind::CausesAndFixes | PartKind::Diagnosis => self.set_pending(t, None),
            PartKind::Fixes => {
                if text.ends_with(':') {
                    self.set_pending(t, Some(Role::Fix));
                } else {
                    self.steps.push((Role::Fix, step(text.to_owned(), span)));
                }
            }
            PartKind::Prevention => {}
        }
    }

    /// A bold label or sub-heading that is not a part name.
    fn label(&mut self, label: &str, rest: &str, span: Span) {
        let label = label.trim().trim_end_matches(':').trim();
        let description = join_label(label, rest);
        match self.part {
            Part::Lead | Part::In(PartKind::Symptoms | PartKind::Error | PartKind::Impact)
                if check_like(label) && !self.procedure =>
            {
                self.part = Part::In(PartKind::Diagnosis);
            }
            Part::In(PartKind::Causes | PartKind::CausesAndFixes) => {
                self.causes.push(Cause {
                    text: label.to_owned(),
                    error: None,
                    solution: (!rest.is_empty()).then(|| rest.to_owned()),
                    span,
                });
            }
            _ => {}
        }
        let role = match self.part {
            Part::In(PartKind::Fixes | PartKind::CausesAndFixes) if !rest.is_empty() => {
                Some(Role::Fix)
            }
            _ => None,
        };
        self.set_pending(
            Text {
                text: description,
                span,
            },
            role,
        );
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Paragraph { inline, span } => {
                self.inline(inline, *span);
                match inline.label.as_deref() {
                    Some(label) => {
                        if let Some((kind, payload)) = part_kind(label) {
                            self.set_part(kind);
                            let mut text = payload.unwrap_or_default();
                            if !inline.rest.is_empty() {
                                if !text.is_empty() {
                                    text.push_str(": ");
                                }
                                text.push_str(&inline.rest);
                            }
                            if !text.is_empty() {
                                self.payload(kind, &text, *span);
                            }
                        } else {
                            self.flush_pending();
                            self.label(label, &inline.rest, *span);
                        }
                        self.inline_commands(inline, *span);
                    }
                    None => self.paragraph(inline, *span),
                }
            }
            Block::List { items, .. } => {
                for item in items {
                    self.item(item);
                }
            }
            Block::Code {
                lang,
                text,
                span,
                content_line,
            } => self.code(lang, text, *span, *content_line),
            Block::Table { head, rows, .. } => self.table(head, rows),
            Block::Quote { blocks, span } => {
                for b in blocks {
                    if let Block::Paragraph { inline, .. } = b {
                        self.inline(inline, *span);
                        if matches!(self.part, Part::Lead | Part::In(PartKind::Symptoms)) {
                            self.symptoms.push(Text {
                                text: inline.text.clone(),
                                span: *span,
                            });
                        }
                    }
                }
            }
            Block::Heading { .. } | Block::FrontMatter { .. } | Block::Other => {}
        }
    }

    fn paragraph(&mut self, inline: &Inline, span: Span) {
        let t = Text {
            text: inline.text.clone(),
            span,
        };
        match self.part {
            Part::Lead => {
                if self.lead.is_none() {
                    self.lead = Some(t.clone());
                }
                if !self.inline_commands(inline, span) {
                    self.set_pending(t, None);
                }
            }
            Part::In(PartKind::Symptoms | PartKind::Error) => self.symptoms.push(t),
            Part::In(PartKind::Impact) => self.impact.push(t),
            Part::In(PartKind::Causes) => self.causes.push(Cause {
                text: t.text,
                error: None,
                solution: None,
                span,
            }),
            Part::In(PartKind::Diagnosis | PartKind::CausesAndFixes) => {
                if !self.inline_commands(inline, span) {
                    self.set_pending(t, None);
                }
            }
            Part::In(PartKind::Fixes) => {
                if !self.inline_commands(inline, span) {
                    self.set_pending(t, Some(Role::Fix));
                }
            }
            Part::In(PartKind::Prevention) => {}
        }
    }

    /// Commands written as inline code in prose (`Check pods via \`kubectl get pods\``):
    /// a step of their own. Returns whether there were any.
    fn inline_commands(&mut self, inline: &Inline, span: Span) -> bool {
        let commands: Vec<Command> = inline
            .code
            .iter()
            .filter(|c| medic_shell::looks_like_command(c))
            .map(|c| inline_command(c, span))
            .collect();
        if commands.is_empty() {
            return false;
        }
        self.flush_pending();
        let description = inline.text.clone();
        let role = self.role(&description);
        let mut s = step(description, span);
        s.commands = commands;
        self.steps.push((role, s));
        true
    }

    /// The role of a step from the first of its descriptions that decides it.
    fn role_for(&self, descriptions: &[&str]) -> Role {
        let decisive = descriptions
            .iter()
            .find(|d| fix_like(d) || check_like(d))
            .copied()
            .unwrap_or_default();
        self.role(decisive)
    }

    /// The role of a step in the current part, from its description.
    fn role(&self, description: &str) -> Role {
        match self.part {
            _ if self.procedure => Role::Check,
            Part::In(PartKind::Diagnosis) => Role::Check,
            Part::In(
                PartKind::Fixes
                | PartKind::CausesAndFixes
                | PartKind::Causes
                | PartKind::Prevention,
            ) => {
                if check_like(description) && !fix_like(description) {
                    Role::Check
                } else {
                    Role::Fix
                }
            }
            Part::Lead | Part::In(PartKind::Symptoms | PartKind::Error | PartKind::Impact) => {
                if fix_like(description) {
                    Role::Fix
                } else {
                    Role::Check
                }
            }
        }
    }

    fn item(&mut self, item: &Item) {
        let lead = item.lead();
        let description = lead
            .map(|l| match &l.label {
                Some(label) => join_label(label.trim_end_matches(':'), &l.rest),
                None => l.text.clone(),
            })
            .unwrap_or_default();
        let span = item.span;
        if let Some(lead) = lead {
            self.inline(lead, span);
        }
        // A list item whose label is a part name (`- **Symptoms:** …`).
        if let Some((kind, payload)) = lead.and_then(|l| l.label.as_deref()).and_then(part_kind) {
            self.set_part(kind);
            let text = payload
                .or_else(|| lead.map(|l| l.rest.clone()))
                .unwrap_or_default();
            if !text.is_empty() {
                self.payload(kind, &text, span);
            }
            for b in item.blocks.iter().skip(1) {
                self.block(b);
            }
            return;
        }
        let mut s = step(description.clone(), span);
        let mut nested_texts = Vec::new();
        self.collect_item(item, &mut s, &mut nested_texts, true);
        for t in &nested_texts {
            self.text(&t.text, t.span);
        }
        match self.part {
            Part::In(PartKind::Symptoms | PartKind::Error) => {
                self.symptoms.push(Text {
                    text: description,
                    span,
                });
                self.symptoms.extend(nested_texts);
            }
            Part::In(PartKind::Impact) => self.impact.push(Text {
                text: description,
                span,
            }),
            Part::In(PartKind::Causes | PartKind::CausesAndFixes)
                if s.commands.is_empty() && s.snippets.is_empty() =>
            {
                self.causes.push(Cause {
                    text: description,
                    error: None,
                    solution: None,
                    span,
                });
            }
            Part::In(PartKind::Prevention) => {}
            Part::Lead if s.commands.is_empty() => {}
            _ if s.commands.is_empty() && s.snippets.is_empty() && nested_texts.is_empty() => {
                // A step with nothing under it: the code block right after the list may be
                // its command (`1. **Check current metrics**:` then an unindented block).
                let role = match self.part {
                    Part::In(PartKind::Diagnosis) => Role::Check,
                    _ if self.procedure => Role::Check,
                    _ => Role::Fix,
                };
                self.set_pending(
                    Text {
                        text: description,
                        span,
                    },
                    Some(role),
                );
            }
            _ => {
                if self.part == Part::In(PartKind::Causes) {
                    self.causes.push(Cause {
                        text: description.clone(),
                        error: None,
                        solution: None,
                        span,
                    });
                }
                let role = if s.commands.is_empty() {
                    match self.part {
                        Part::In(PartKind::Diagnosis) => Role::Check,
                        _ if self.procedure => Role::Check,
                        _ => Role::Fix,
                    }
                } else {
                    self.role(&description)
                };
                s.notes = nested_texts;
                self.flush_pending();
                self.steps.push((role, s));
            }
        }
    }

    /// Gathers an item's commands, snippets and nested texts.
    fn collect_item(&mut self, item: &Item, s: &mut Check, texts: &mut Vec<Text>, top: bool) {
        for (i, b) in item.blocks.iter().enumerate() {
            match b {
                Block::Paragraph { inline, span } => {
                    if !(top && i == 0) {
                        self.inline(inline, *span);
                        texts.push(Text {
                            text: inline.text.clone(),
                            span: *span,
                        });
                    }
                    s.commands.extend(
                        inline
                            .code
                            .iter()
                            .filter(|c| medic_shell::looks_like_command(c))
                            .map(|c| inline_command(c, *span)),
                    );
                }
                Block::Code {
                    lang,
                    text,
                    span,
                    content_line,
                } => {
                    let commands = self.block_commands(lang, text, *content_line);
                    if commands.is_empty() {
                        s.snippets.push(self.snippet(lang, text, *span));
                    } else {
                        s.commands.extend(commands);
                    }
                }
                Block::List { items, .. } => {
                    for nested in items {
                        self.collect_item(nested, s, texts, false);
                    }
                }
                Block::Table { head, rows, .. } => self.table(head, rows),
                _ => {}
            }
        }
    }

    /// Commands of a code block, or none when it is not commands; signals from output.
    fn block_commands(&mut self, lang: &str, text: &str, content_line: usize) -> Vec<Command> {
        if lang == "prometheus" || lang == "promql" {
            signal::in_metrics(text, content_line, &mut self.signals);
            return Vec::new();
        }
        let Some(hint) = hint(lang) else {
            if matches!(lang, "log" | "output" | "json" | "logs") {
                signal::in_output(text, content_line, &mut self.signals);
            }
            return Vec::new();
        };
        let commands: Vec<Command> = medic_shell::split_block(text, hint)
            .into_iter()
            .map(|c| block_command(c, lang, content_line))
            .collect();
        if commands.is_empty() || hint == BlockHint::Unknown || hint == BlockHint::Console {
            signal::in_output(
                &non_command_lines(text, &commands, content_line),
                content_line,
                &mut self.signals,
            );
        }
        commands
    }

    /// A code block that is not commands: kept with its step, and its text added to the
    /// problem's code for matching.
    fn snippet(&mut self, lang: &str, text: &str, span: Span) -> Snippet {
        self.code.push_str(text);
        self.code.push('\n');
        Snippet {
            lang: lang.to_owned(),
            text: text.to_owned(),
            span,
        }
    }

    fn code(&mut self, lang: &str, text: &str, span: Span, content_line: usize) {
        let commands = self.block_commands(lang, text, content_line);
        if commands.is_empty() {
            let snippet = self.snippet(lang, text, span);
            match self.part {
                Part::In(
                    PartKind::Fixes
                    | PartKind::CausesAndFixes
                    | PartKind::Causes
                    | PartKind::Prevention,
                ) => {
                    let description = self
                        .pending
                        .take()
                        .map(|p| p.text.text)
                        .unwrap_or_else(|| "Apply this configuration".to_owned());
                    let mut s = step(description, span);
                    s.snippets.push(snippet);
                    self.steps.push((Role::Fix, s));
                }
                _ => {
                    if let Some((_, last)) = self.steps.last_mut() {
                        last.snippets.push(snippet);
                    }
                }
            }
            return;
        }
        // A pending label or paragraph describes the whole block, unless the block's own
        // comments describe two or more commands: then each comment starts a step (the
        // first, uncommented commands take the label).
        let commented = commands.iter().filter(|c| c.comment.is_some()).count();
        let pending = self.pending.take().map(|p| p.text);
        if let Some(p) = &pending
            && commented < 2
        {
            let comment = commands
                .iter()
                .find_map(|c| c.comment.as_deref())
                .unwrap_or_default();
            let role = self.role_for(&[&p.text, comment]);
            let mut s = step(p.text.clone(), span);
            s.commands = commands;
            self.steps.push((role, s));
            return;
        }
        let mut groups: Vec<Check> = Vec::new();
        if let Some(p) = pending
            && commands.first().is_some_and(|c| c.comment.is_none())
        {
            groups.push(step(p.text, span));
        }
        for c in commands {
            match (&c.comment, groups.last_mut()) {
                (None, Some(g)) => {
                    g.span.end_line = c.span.end_line;
                    g.commands.push(c);
                }
                _ => {
                    let description = c.comment.clone().unwrap_or_else(|| c.text.clone());
                    let mut g = step(description, c.span);
                    g.commands.push(c);
                    groups.push(g);
                }
            }
        }
        for g in groups {
            let role = self.role(&g.description);
            self.steps.push((role, g));
        }
    }

    fn table(&mut self, head: &[String], rows: &[(Vec<String>, Span)]) {
        let lower: Vec<String> = head.iter().map(|h| h.to_lowercase()).collect();
        let col = |words: &[&str]| {
            lower
                .iter()
                .position(|h| words.iter().any(|w| h.contains(w)))
        };
        let cause = col(&["cause", "reason"]);
        let solution = col(&[
            "solution",
            "fix",
            "resolution",
            "action",
            "remedy",
            "mitigation",
        ]);
        let error = col(&["error", "symptom", "message", "problem", "issue"]);
        for (cells, row_span) in rows {
            for cell in cells {
                self.text(cell, *row_span);
                for code in code_spans(cell) {
                    signal::in_code_span(code, *row_span, &mut self.signals);
                }
            }
            let get = |i: Option<usize>| i.and_then(|i| cells.get(i)).map(|s| s.trim().to_owned());
            if cause.is_some() || (error.is_some() && solution.is_some()) {
                let error_text = get(error);
                if let Some(e) = &error_text {
                    let value = e.trim_matches('`');
                    signal::push(&mut self.signals, SignalKind::ErrorText, value, *row_span);
                }
                self.causes.push(Cause {
                    text: get(cause)
                        .or_else(|| error_text.clone())
                        .unwrap_or_default(),
                    error: error_text.filter(|_| cause.is_some()),
                    solution: get(solution),
                    span: *row_span,
                });
            }
        }
        self.signal_table(head, rows);
    }

    /// Tables of log messages and metrics: their first column are signals.
    fn signal_table(&mut self, head: &[String], rows: &[(Vec<String>, Span)]) {
        let first = head.first().map(|h| h.to_lowercase()).unwrap_or_default();
        let kind = if first.contains("message") || first.contains("log") {
            SignalKind::LogTemplate
        } else if first.contains("metric") {
            SignalKind::Metric
        } else if first.contains("error") {
            SignalKind::ErrorText
        } else {
            return;
        };
        for (cells, span) in rows {
            if let Some(cell) = cells.first() {
                let value = cell.trim().trim_matches('`');
                let kind = if kind == SignalKind::LogTemplate && !value.contains('{') {
                    SignalKind::ErrorText
                } else {
                    kind
                };
                signal::push(&mut self.signals, kind, value, *span);
            }
        }
    }
}

/// `**Increase max connections** (PostgreSQL):` → `Increase max connections (PostgreSQL)`,
/// `**Free slots now** by …` → `Free slots now by …`;
/// `**Check logs**: Errors only` → `Check logs: Errors only`.
fn join_label(label: &str, rest: &str) -> String {
    let rest = rest.trim().trim_end_matches(':').trim();
    if rest.is_empty() {
        label.to_owned()
    } else if rest.starts_with([',', ';', '.']) {
        // `**Stop leaks**, and put PgBouncer in front` reads on.
        format!("{label}{rest}")
    } else if rest.starts_with('(') || rest.starts_with(|c: char| c.is_lowercase()) {
        // `**Free slots now** by terminating …`, `**Increase** (PostgreSQL)`.
        format!("{label} {rest}")
    } else {
        format!("{label}: {rest}")
    }
}

fn step(description: String, span: Span) -> Check {
    Check {
        description: description.trim().trim_end_matches(':').trim().to_owned(),
        span,
        commands: Vec::new(),
        snippets: Vec::new(),
        notes: Vec::new(),
    }
}

fn inline_command(code: &str, span: Span) -> Command {
    Command {
        text: code.trim().to_owned(),
        lang: medic_shell::Lang::Bash,
        block_lang: "inline".to_owned(),
        comment: None,
        span,
        verdict: None,
    }
}

fn block_command(c: BlockCommand, lang: &str, content_line: usize) -> Command {
    Command {
        text: c.text,
        lang: c.lang,
        block_lang: lang.to_owned(),
        comment: c.comment,
        span: Span::new(content_line + c.first_line, content_line + c.last_line),
        verdict: None,
    }
}

/// The lines of a block that are not part of any command (sample output in console blocks).
fn non_command_lines(text: &str, commands: &[Command], content_line: usize) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            let line = content_line + i;
            if commands
                .iter()
                .any(|c| c.span.line <= line && line <= c.span.end_line)
            {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn code_spans(text: &str) -> impl Iterator<Item = &str> {
    text.split('`').skip(1).step_by(2)
}

#[cfg(test)]
mod tests {
    use super::has_placeholder;
    use crate::SignalKind;

    #[test]
    fn the_intro_is_the_paragraphs_under_the_title() {
        let guide = crate::parse(
            "g.md",
            "# Troubleshooting Guide\n\nThis guide covers the Virtual Coffee Platform.\n\n\
             - a list is not the intro\n\nIt runs on AWS.\n\n## Pods not starting\n\n\
             A paragraph in a section is not the intro.\n\n\
             ### Symptoms\n\n- Pods stay Pending\n",
        );
        assert_eq!(
            guide.intro,
            "This guide covers the Virtual Coffee Platform.\n\nIt runs on AWS."
        );
        let untitled = crate::parse("u.md", "Some text.\n\n## Pods not starting\n");
        assert_eq!(untitled.intro, "");
    }

    #[test]
    fn snippets_inside_list_items_are_the_problems_code() {
        let guide = crate::parse(
            "p.md",
            "# Plugins\n\n## Environment variable issues\n\n**Solutions:**\n\n\
             1. **Use proper expansion:**\n   ```yaml\n   token: \"${PLUGIN_TOKEN}\"\n   ```\n\n\
             ```yaml\nport: 8090\n```\n",
        );
        let code = &guide.problems[0].code;
        assert!(code.contains("${PLUGIN_TOKEN}"), "{code:?}");
        assert!(code.contains("port: 8090"), "{code:?}");
    }

    #[test]
    fn headings_with_placeholders_are_message_templates() {
        assert!(has_placeholder(
            "notification service 'xxxx' is not supported"
        ));
        assert!(has_placeholder("Failed to pull <image>"));
        assert!(has_placeholder("Provider {name} not registered"));
        assert!(!has_placeholder("Pods stuck in Pending"));
        assert!(!has_placeholder("a < b and c > d"));
        let guide = crate::parse(
            "n.md",
            "# Troubleshooting\n\n## Failed to notify recipient\n\n\
             ### notification service 'xxxx' is not supported\n\n\
             You have not defined `xxxx` in `argocd-notifications-cm`.\n\n\
             ### Pods stuck in Pending\n\n\
             The scheduler finds no node. Check the events of the pod.\n",
        );
        let kinds = |i: usize| -> Vec<(SignalKind, String)> {
            guide.problems[i]
                .signals
                .iter()
                .map(|s| (s.kind, s.value.clone()))
                .collect()
        };
        assert!(
            kinds(0).contains(&(
                SignalKind::ErrorText,
                "notification service 'xxxx' is not supported".to_owned()
            )),
            "{:?}",
            kinds(0)
        );
        assert!(
            !kinds(1).iter().any(|(k, _)| *k == SignalKind::ErrorText),
            "{:?}",
            kinds(1)
        );
    }
}
