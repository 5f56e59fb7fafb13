//! Stage 6, diff: two models (old and new registry) -> the changes in API terms, grouped by
//! type, each marked breaking or not, and the semver step they call for; printed as text,
//! Markdown or JSON. Nothing here reads or writes files.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::model::{provider_names, EnumType, Enumerant, Extension, Model};

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    TypeAdded,
    TypeRemoved,
    /// The type's C name became an alias of another type: its enumerants moved there.
    TypeBecameAlias,
    /// The type is gone and a new type holds its enumerants.
    TypeRenamed,
    EnumerantAdded,
    EnumerantRemoved,
    ValueChanged,
    NewlyDeprecated,
    NewlyAliased,
    RustRenamed,
    ProvidersChanged,
    ExtensionAdded,
    ExtensionRemoved,
    ExtensionPromoted,
    ExtensionDeprecated,
    ExtensionObsoleted,
}

impl ChangeKind {
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::TypeAdded => "type added",
            ChangeKind::TypeRemoved => "type removed",
            ChangeKind::TypeBecameAlias => "type became an alias",
            ChangeKind::TypeRenamed => "type renamed",
            ChangeKind::EnumerantAdded => "added",
            ChangeKind::EnumerantRemoved => "removed",
            ChangeKind::ValueChanged => "value changed",
            ChangeKind::NewlyDeprecated => "newly deprecated",
            ChangeKind::NewlyAliased => "newly an alias",
            ChangeKind::RustRenamed => "Rust name changed",
            ChangeKind::ProvidersChanged => "providers changed",
            ChangeKind::ExtensionAdded => "extension added",
            ChangeKind::ExtensionRemoved => "extension removed",
            ChangeKind::ExtensionPromoted => "extension promoted",
            ChangeKind::ExtensionDeprecated => "extension deprecated",
            ChangeKind::ExtensionObsoleted => "extension obsoleted",
        }
    }

    fn key(self) -> &'static str {
        match self {
            ChangeKind::TypeAdded => "type_added",
            ChangeKind::TypeRemoved => "type_removed",
            ChangeKind::TypeBecameAlias => "type_became_alias",
            ChangeKind::TypeRenamed => "type_renamed",
            ChangeKind::EnumerantAdded => "enumerant_added",
            ChangeKind::EnumerantRemoved => "enumerant_removed",
            ChangeKind::ValueChanged => "value_changed",
            ChangeKind::NewlyDeprecated => "newly_deprecated",
            ChangeKind::NewlyAliased => "newly_aliased",
            ChangeKind::RustRenamed => "rust_renamed",
            ChangeKind::ProvidersChanged => "providers_changed",
            ChangeKind::ExtensionAdded => "extension_added",
            ChangeKind::ExtensionRemoved => "extension_removed",
            ChangeKind::ExtensionPromoted => "extension_promoted",
            ChangeKind::ExtensionDeprecated => "extension_deprecated",
            ChangeKind::ExtensionObsoleted => "extension_obsoleted",
        }
    }

    fn is_addition(self) -> bool {
        matches!(self, ChangeKind::TypeAdded | ChangeKind::EnumerantAdded | ChangeKind::ExtensionAdded)
    }
}

/// One change, with its C and Rust names.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub kind: ChangeKind,
    pub c_name: String,
    pub rust_name: String,
    pub detail: String,
    pub breaking: bool,
}

/// The semver step a set of changes calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Patch,
    Minor,
    Major,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Patch => "patch",
            Step::Minor => "minor",
            Step::Major => "major",
        }
    }

    /// Applies the step to `major.minor.patch`, as Cargo reads versions: below 1.0 the
    /// leftmost non-zero part is the major one.
    pub fn apply(self, version: &str) -> Option<String> {
        let core = version.split('+').next()?;
        let parts: Vec<u64> = core.split('.').map(|p| p.parse().ok()).collect::<Option<_>>()?;
        let [major, minor, patch] = parts[..] else { return None };
        let (major, minor, patch) = match (self, major, minor) {
            (Step::Major, 0, 0) => (0, 0, patch + 1),
            (Step::Major, 0, _) => (0, minor + 1, 0),
            (Step::Major, _, _) => (major + 1, 0, 0),
            (Step::Minor, 0, 0) => (0, 0, patch + 1),
            (Step::Minor, 0, _) => (0, minor, patch + 1),
            (Step::Minor, _, _) => (major, minor + 1, 0),
            (Step::Patch, _, _) => (major, minor, patch + 1),
        };
        Some(format!("{major}.{minor}.{patch}"))
    }
}

/// All changes between two registries.
#[derive(Clone, Debug)]
pub struct Diff {
    pub old_version: String,
    pub new_version: String,
    /// Changes grouped by the C type they concern (its new name, or its old name if gone).
    pub by_type: BTreeMap<String, Vec<Change>>,
    pub extensions: Vec<Change>,
    /// Enumerant C names added, removed, and with a changed value (aliases included).
    pub enumerants_added: usize,
    pub enumerants_removed: usize,
    pub values_changed: usize,
}

impl Diff {
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.by_type.values().flatten().chain(&self.extensions)
    }

    pub fn is_empty(&self) -> bool {
        self.changes().next().is_none()
    }

    pub fn breaking(&self) -> usize {
        self.changes().filter(|c| c.breaking).count()
    }

    pub fn step(&self) -> Step {
        if self.breaking() > 0 {
            Step::Major
        } else if self.changes().any(|c| c.kind.is_addition()) {
            Step::Minor
        } else {
            Step::Patch
        }
    }
}

struct Located<'m> {
    ty: &'m EnumType,
    e: &'m Enumerant,
}

fn enumerants(model: &Model) -> BTreeMap<&str, Located<'_>> {
    model
        .types
        .iter()
        .flat_map(|ty| ty.enumerants.iter().map(move |e| (e.c_name.as_str(), Located { ty, e })))
        .collect()
}

fn change(kind: ChangeKind, c_name: &str, rust_name: String, detail: String, breaking: bool) -> Change {
    Change { kind, c_name: c_name.to_owned(), rust_name, detail, breaking }
}

/// Compares two models.
pub fn diff(old: &Model, new: &Model) -> Diff {
    let mut by_type: BTreeMap<String, Vec<Change>> = BTreeMap::new();
    let old_types: BTreeMap<&str, &EnumType> = old.types.iter().map(|t| (t.c_name.as_str(), t)).collect();
    let new_types: BTreeMap<&str, &EnumType> = new.types.iter().map(|t| (t.c_name.as_str(), t)).collect();
    // New aliases: C alias name -> the type it now names.
    let new_aliases: BTreeMap<&str, &EnumType> =
        new.types.iter().flat_map(|t| t.aliases.iter().map(move |a| (a.c_name.as_str(), t))).collect();
    let old_e = enumerants(old);
    let new_e = enumerants(new);
    let mut moved: BTreeSet<&str> = BTreeSet::new();
    let mut renamed: BTreeSet<&str> = BTreeSet::new();

    for (name, t) in &old_types {
        if new_types.contains_key(name) {
            continue;
        }
        if let Some(target) = new_aliases.get(name) {
            let names: Vec<&str> = t.enumerants.iter().map(|e| e.c_name.as_str()).collect();
            moved.extend(names.iter().copied().filter(|n| new_e.contains_key(n)));
            let detail = format!(
                "now an alias of `{}` (`{}`); its {} enumerants moved there",
                target.c_name,
                target.rust_name,
                names.len()
            );
            by_type.entry(name.to_string()).or_default().push(change(
                ChangeKind::TypeBecameAlias,
                name,
                t.rust_name.clone(),
                detail,
                false,
            ));
        } else if let Some(target) = renamed_to(t, &new_types, &old_types, &new_e) {
            moved.extend(t.enumerants.iter().map(|e| e.c_name.as_str()).filter(|n| new_e.contains_key(n)));
            renamed.insert(target.c_name.as_str());
            by_type.entry(name.to_string()).or_default().push(change(
                ChangeKind::TypeRenamed,
                name,
                t.rust_name.clone(),
                format!("to `{}` (`{}`), with its {} enumerants", target.c_name, target.rust_name, t.enumerants.len()),
                true,
            ));
        } else {
            by_type.entry(name.to_string()).or_default().push(change(
                ChangeKind::TypeRemoved,
                name,
                t.rust_name.clone(),
                format!("{} enumerants", t.enumerants.len()),
                true,
            ));
        }
    }
    for (name, t) in &new_types {
        if !old_types.contains_key(name)
            && !renamed.contains(name)
            && !old.types.iter().any(|o| o.aliases.iter().any(|a| a.c_name == **name))
        {
            by_type.entry(name.to_string()).or_default().push(change(
                ChangeKind::TypeAdded,
                name,
                t.rust_name.clone(),
                format!("{} enumerants", t.enumerants.len()),
                false,
            ));
        }
    }

    let (mut added, mut removed, mut changed) = (0, 0, 0);
    for (name, n) in &new_e {
        let group = by_type.entry(n.ty.c_name.clone()).or_default();
        let Some(o) = old_e.get(name) else {
            added += 1;
            if !old_types.contains_key(n.ty.c_name.as_str()) && group.iter().any(|c| c.kind == ChangeKind::TypeAdded) {
                continue; // part of a new type
            }
            let detail = match &n.e.alias_of {
                Some(a) => format!("alias of `{a}`, value {}", n.e.value),
                None => format!("value {}", n.e.value),
            };
            group.push(change(ChangeKind::EnumerantAdded, name, rust_path(n), detail, false));
            continue;
        };
        if o.e.value != n.e.value {
            changed += 1;
            group.push(change(
                ChangeKind::ValueChanged,
                name,
                rust_path(n),
                format!("{} -> {}", o.e.value, n.e.value),
                true,
            ));
        }
        if moved.contains(name) {
            continue; // reported once, with its type
        }
        if o.e.deprecated.is_none() {
            if let Some(d) = &n.e.deprecated {
                group.push(change(ChangeKind::NewlyDeprecated, name, rust_path(n), d.note.clone(), false));
            }
        }
        if o.e.alias_of.is_none() {
            if let Some(a) = &n.e.alias_of {
                group.push(change(
                    ChangeKind::NewlyAliased,
                    name,
                    rust_path(n),
                    format!("now an alias of `{a}`"),
                    false,
                ));
            }
        }
        if rust_path(o) != rust_path(n) {
            group.push(change(ChangeKind::RustRenamed, name, rust_path(n), format!("was `{}`", rust_path(o)), true));
        }
        let (op, np) = (provider_names(&o.e.providers), provider_names(&n.e.providers));
        if op != np {
            group.push(change(
                ChangeKind::ProvidersChanged,
                name,
                rust_path(n),
                format!("{} -> {}", op.join(", "), np.join(", ")),
                false,
            ));
        }
    }
    for (name, o) in &old_e {
        if !new_e.contains_key(name) {
            removed += 1;
            let group = by_type.entry(o.ty.c_name.clone()).or_default();
            if group.iter().any(|c| c.kind == ChangeKind::TypeRemoved) {
                continue; // part of a removed type
            }
            group.push(change(ChangeKind::EnumerantRemoved, name, rust_path(o), format!("value {}", o.e.value), true));
        }
    }
    by_type.retain(|_, v| !v.is_empty());
    for v in by_type.values_mut() {
        v.sort();
    }
    Diff {
        old_version: old.registry_version.clone(),
        new_version: new.registry_version.clone(),
        by_type,
        extensions: extension_changes(&old.extensions, &new.extensions),
        enumerants_added: added,
        enumerants_removed: removed,
        values_changed: changed,
    }
}

/// A type that is new and now holds most of a removed type's enumerants.
fn renamed_to<'m>(
    old: &EnumType,
    new_types: &BTreeMap<&str, &'m EnumType>,
    old_types: &BTreeMap<&str, &EnumType>,
    new_e: &BTreeMap<&str, Located<'m>>,
) -> Option<&'m EnumType> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &old.enumerants {
        if let Some(n) = new_e.get(e.c_name.as_str()) {
            *counts.entry(n.ty.c_name.as_str()).or_default() += 1;
        }
    }
    let (name, count) = counts.into_iter().max_by_key(|(_, c)| *c)?;
    let target = new_types.get(name)?;
    (count * 2 > old.enumerants.len() && !old_types.contains_key(name)).then_some(*target)
}

fn rust_path(l: &Located) -> String {
    format!("{}::{}", l.ty.rust_name, l.e.rust_name)
}

fn extension_changes(old: &[Extension], new: &[Extension]) -> Vec<Change> {
    let old: BTreeMap<&str, &Extension> = old.iter().map(|e| (e.name.as_str(), e)).collect();
    let new: BTreeMap<&str, &Extension> = new.iter().map(|e| (e.name.as_str(), e)).collect();
    let module = |name: &str| {
        let (v, m) = crate::names::extension_module(name);
        format!("extensions::{v}::{m}")
    };
    let mut out = Vec::new();
    for (name, n) in &new {
        let Some(o) = old.get(name) else {
            out.push(change(ChangeKind::ExtensionAdded, name, module(name), String::new(), false));
            continue;
        };
        for (kind, before, after) in [
            (ChangeKind::ExtensionPromoted, &o.promoted_to, &n.promoted_to),
            (ChangeKind::ExtensionDeprecated, &o.deprecated_by, &n.deprecated_by),
            (ChangeKind::ExtensionObsoleted, &o.obsoleted_by, &n.obsoleted_by),
        ] {
            if before.is_none() {
                if let Some(to) = after {
                    let detail = if to.is_empty() { "without replacement".to_owned() } else { format!("by `{to}`") };
                    out.push(change(kind, name, module(name), detail, false));
                }
            }
        }
    }
    for name in old.keys().filter(|n| !new.contains_key(*n)) {
        out.push(change(ChangeKind::ExtensionRemoved, name, module(name), String::new(), true));
    }
    out.sort();
    out
}

/// Output formats of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "text" => Some(Format::Text),
            "markdown" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// The report in the given format.
pub fn render(d: &Diff, format: Format) -> String {
    match format {
        Format::Text => render_text(d),
        Format::Markdown => render_markdown(d),
        Format::Json => render_json(d),
    }
}

fn summary(d: &Diff) -> String {
    format!(
        "{} changes ({} breaking); enumerants: {} added, {} removed, {} values changed",
        d.changes().count(),
        d.breaking(),
        d.enumerants_added,
        d.enumerants_removed,
        d.values_changed
    )
}

fn render_text(d: &Diff) -> String {
    let mut s = format!("Registry {} -> {}\n{}\n", d.old_version, d.new_version, summary(d));
    for (ty, changes) in &d.by_type {
        let _ = writeln!(s, "\n{ty}");
        for c in changes {
            let mark = if c.breaking { "BREAKING " } else { "" };
            let _ = writeln!(s, "  {mark}{}: {} ({}) {}", c.kind.label(), c.c_name, c.rust_name, c.detail);
        }
    }
    if !d.extensions.is_empty() {
        let _ = writeln!(s, "\nExtensions");
        for c in &d.extensions {
            let mark = if c.breaking { "BREAKING " } else { "" };
            let _ = writeln!(s, "  {mark}{}: {} ({}) {}", c.kind.label(), c.c_name, c.rust_name, c.detail);
        }
    }
    let _ = writeln!(s, "\nSemver step: {}", d.step().as_str());
    s
}

fn render_markdown(d: &Diff) -> String {
    let mut s = format!("## Vulkan registry {} → {}\n\n{}\n", d.old_version, d.new_version, summary(d));
    let row = |s: &mut String, c: &Change| {
        let mark = if c.breaking { "**breaking** " } else { "" };
        let detail = if c.detail.is_empty() { String::new() } else { format!(": {}", c.detail) };
        let _ = writeln!(s, "- {mark}{} `{}` (`{}`){detail}", c.kind.label(), c.c_name, c.rust_name);
    };
    for (ty, changes) in &d.by_type {
        let _ = writeln!(s, "\n### `{ty}`\n");
        for c in changes {
            row(&mut s, c);
        }
    }
    if !d.extensions.is_empty() {
        let _ = writeln!(s, "\n### Extensions\n");
        for c in &d.extensions {
            row(&mut s, c);
        }
    }
    let _ = writeln!(s, "\n**Semver step: {}**", d.step().as_str());
    s
}

fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn render_json(d: &Diff) -> String {
    let change = |c: &Change, group: &str| {
        format!(
            "{{\"group\":{},\"kind\":{},\"c_name\":{},\"rust_name\":{},\"detail\":{},\"breaking\":{}}}",
            json_str(group),
            json_str(c.kind.key()),
            json_str(&c.c_name),
            json_str(&c.rust_name),
            json_str(&c.detail),
            c.breaking
        )
    };
    let changes: Vec<String> = d
        .by_type
        .iter()
        .flat_map(|(ty, cs)| cs.iter().map(move |c| change(c, ty)))
        .chain(d.extensions.iter().map(|c| change(c, "extensions")))
        .collect();
    format!(
        "{{\"old\":{},\"new\":{},\"enumerants_added\":{},\"enumerants_removed\":{},\"values_changed\":{},\"breaking\":{},\"semver_step\":{},\"changes\":[\n{}\n]}}\n",
        json_str(&d.old_version),
        json_str(&d.new_version),
        d.enumerants_added,
        d.enumerants_removed,
        d.values_changed,
        d.breaking(),
        json_str(d.step().as_str()),
        changes.join(",\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_steps_follow_cargo() {
        assert_eq!(Step::Major.apply("1.2.3").as_deref(), Some("2.0.0"));
        assert_eq!(Step::Minor.apply("1.2.3+1.4.360").as_deref(), Some("1.3.0"));
        assert_eq!(Step::Patch.apply("1.2.3").as_deref(), Some("1.2.4"));
        // Below 1.0 the leftmost non-zero part is the major one.
        assert_eq!(Step::Major.apply("0.1.0").as_deref(), Some("0.2.0"));
        assert_eq!(Step::Minor.apply("0.1.0").as_deref(), Some("0.1.1"));
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_str("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
    }
}
