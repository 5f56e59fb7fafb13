//! Stage 4, docs: the model and the specification's reference pages -> rustdoc Markdown
//! for every type and enumerant: the refpage's own text converted (`markup`), the C
//! declaration rebuilt from the model, providers, aliases, related items, attribution.
//! Without a specification, each item still gets its refpage link and providers.

pub mod includes;
pub mod markup;
pub mod spec;

use crate::model::fasthash::FastMap as HashMap;
use std::cell::RefCell;
use std::fmt::Write as _;

use crate::model::{provider_names, Deprecation, EnumType, Model, Provider, TypeKind};
use markup::Resolve;
use spec::Spec;

/// Where the current official specification and its reference pages are published.
const SPECS: &str = "https://registry.khronos.org/vulkan/specs/latest/";

/// A string written by one of the `push_*` functions below, made with room for it.
fn pushed(capacity: usize, push: impl FnOnce(&mut String)) -> String {
    let mut text = String::with_capacity(capacity);
    push(&mut text);
    text
}

/// The one place that decides the address of a reference page.
pub fn refpage_url(name: &str) -> String {
    pushed(SPECS.len() + 16 + name.len(), |url| push_refpage_url(url, name))
}

/// [`refpage_url`], written at the end of `out`.
pub fn push_refpage_url(out: &mut String, name: &str) {
    out.extend([SPECS, "man/html/", name, ".html"]);
}

/// The address of an anchor in the specification's HTML.
pub fn spec_url(anchor: &str) -> String {
    pushed(SPECS.len() + 16 + anchor.len(), |url| push_spec_url(url, anchor))
}

/// [`spec_url`], written at the end of `out`.
pub fn push_spec_url(out: &mut String, anchor: &str) {
    out.extend([SPECS, "html/vkspec.html#", anchor]);
}

/// `[`VkFoo`](https://...)`: a link to the refpage of a C name.
pub fn refpage_link(name: &str) -> String {
    pushed(SPECS.len() + 24 + 2 * name.len(), |link| push_refpage_link(link, name))
}

/// [`refpage_link`], written at the end of `out`. (Text is put together with `push_str`
/// where it is made per item: `format!` cost ten times as much, a fifth of the docs'
/// conversion.)
pub fn push_refpage_link(out: &mut String, name: &str) {
    out.extend(["[`", name, "`]("]);
    push_refpage_url(out, name);
    out.push(')');
}

/// "Provided by `VK_VERSION_1_1`, `VK_KHR_foo` (with `VK_KHR_bar`)."
pub fn provided_by(providers: &[Provider]) -> String {
    let mut out = String::with_capacity(16 + 32 * providers.len());
    write_provided_by(&mut out, providers);
    out
}

fn write_provided_by(out: &mut String, providers: &[Provider]) {
    if providers.is_empty() {
        out.push_str("Provided by no feature or extension of this API (reached only through other types).");
        return;
    }
    out.push_str("Provided by ");
    for (i, p) in providers.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('`');
        out.push_str(&p.name);
        out.push('`');
        if let Some(d) = &p.depends {
            out.push_str(" (with `");
            out.push_str(d);
            out.push_str("`)");
        }
    }
    out.push('.');
}

/// The short doc of an enumerant, without specification text.
pub fn enumerant_doc(
    c_name: &str,
    providers: &[Provider],
    alias_rust: Option<&str>,
    deprecated: Option<&Deprecation>,
) -> String {
    let mut doc = String::with_capacity(c_name.len() + 48 + 32 * providers.len());
    doc.push('`');
    doc.push_str(c_name);
    doc.push_str("`\n\n");
    write_provided_by(&mut doc, providers);
    if let Some(target) = alias_rust {
        doc.push_str("\n\nAlias of [`Self::");
        doc.push_str(target);
        doc.push_str("`].");
    }
    if let Some(d) = deprecated {
        doc.push_str("\n\nDeprecated: ");
        doc.push_str(&d.note);
        doc.push('.');
    }
    doc
}

/// The doc of a value's second name, under an old name of its type.
pub fn old_name_doc(old: &crate::model::OldName, target: &str) -> String {
    format!(
        "`{}` as named under `{}`, an old name of this type: the same value as [`Self::{target}`], \
         kept so that code written against the old name still compiles.",
        old.enumerant, old.type_alias
    )
}

/// The license line each item with the specification's text carries (the crate root
/// links the license).
pub fn attribution(release: &str) -> String {
    format!("Text: Vulkan specification {release}, © The Khronos Group Inc., CC-BY-4.0.")
}

/// How much of the crate carries the specification's text.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    pub types: usize,
    pub types_with_refpage: usize,
    pub types_without: Vec<String>,
    /// Enumerants that are not aliases.
    pub enumerants: usize,
    pub enumerants_described: usize,
    /// (C type, enumerant) of the enumerants without a description of their own, in model
    /// order.
    pub enumerants_without: Vec<(String, String)>,
}

/// Docs for every type and its enumerants, by the type's C name.
#[derive(Debug, Default)]
pub struct Docs {
    pub spec_release: String,
    types: HashMap<String, TypeDocs>,
    pub coverage: Coverage,
}

/// A type's doc and its enumerants' docs, in the type's order (of `EnumType::enumerants`).
#[derive(Debug, Default)]
pub struct TypeDocs {
    pub doc: String,
    pub enumerants: Vec<String>,
}

impl Docs {
    /// The docs of the type named `c_name`.
    pub fn of_type(&self, c_name: &str) -> Option<&TypeDocs> {
        self.types.get(c_name)
    }
}

/// Names of the crate, for links, from the model alone: made while the specification is
/// still being indexed on the other threads (after the index, it was a millisecond with one
/// core idle). The paths are put together when a link asks for one, on the thread that
/// converts it: made up front for every value, they held up the conversion by a few
/// milliseconds.
pub struct CrateNames<'m> {
    sync: &'m crate::model::Sync,
    /// C name -> the Rust type and constant.
    enumerants: HashMap<&'m str, (&'m str, &'m str)>,
    /// C name (type, `<enums>` block or alias) -> the Rust type.
    types: HashMap<&'m str, &'m str>,
    extensions: HashMap<&'m str, String>,
}

/// What links resolve against: the crate's names and the specification's.
struct Names<'a> {
    crate_names: &'a CrateNames<'a>,
    spec: &'a Spec,
}

impl Resolve for Names<'_> {
    fn enumerant(&self, c_name: &str) -> Option<String> {
        // Joined by hand: 6,500 links a run, and `format!` costs several times more.
        self.crate_names.enumerants.get(c_name).map(|(ty, constant)| [*ty, "::", *constant].concat())
    }
    fn type_path(&self, c_name: &str) -> Option<String> {
        self.crate_names.types.get(c_name).map(|ty| ty.to_string())
    }
    fn extension(&self, name: &str) -> Option<String> {
        self.crate_names.extensions.get(name).cloned()
    }
    fn has_refpage(&self, name: &str) -> bool {
        self.spec.refpages.contains_key(name)
    }
    fn anchor(&self, id: &str) -> Option<&str> {
        self.spec.anchors.get(id).map(String::as_str)
    }
    fn attribute(&self, name: &str) -> Option<&str> {
        self.spec.attributes.get(name).map(String::as_str)
    }
}

/// [`Names`] that remember what the list items that describe enumerants converted to, for
/// one run of types on one thread: such an item is converted with its refpage and again as
/// its enumerant's doc (without this, 44% of the text a run converted had been converted
/// before; what is left repeated is a few short labels).
struct Remembering<'a> {
    names: &'a Names<'a>,
    converted: RefCell<HashMap<Box<str>, String>>,
}

impl<'a> Remembering<'a> {
    fn new(names: &'a Names<'a>) -> Self {
        Remembering { names, converted: RefCell::default() }
    }

    /// The text of a list item that describes an enumerant (`* ename:VK_...`, its marker
    /// gone). Remembering other text costs about what converting it again would.
    fn remembers(text: &str) -> bool {
        text.starts_with("ename:")
    }
}

impl Resolve for Remembering<'_> {
    fn enumerant(&self, c_name: &str) -> Option<String> {
        self.names.enumerant(c_name)
    }
    fn type_path(&self, c_name: &str) -> Option<String> {
        self.names.type_path(c_name)
    }
    fn extension(&self, name: &str) -> Option<String> {
        self.names.extension(name)
    }
    fn has_refpage(&self, name: &str) -> bool {
        self.names.has_refpage(name)
    }
    fn anchor(&self, id: &str) -> Option<&str> {
        self.names.anchor(id)
    }
    fn attribute(&self, name: &str) -> Option<&str> {
        self.names.attribute(name)
    }
    fn converted(&self, text: &str) -> Option<String> {
        if !Self::remembers(text) {
            return None;
        }
        self.converted.borrow().get(text).cloned()
    }
    fn remember(&self, text: &str, markdown: &str) {
        if Self::remembers(text) {
            self.converted.borrow_mut().insert(text.into(), markdown.to_owned());
        }
    }
}

impl<'m> CrateNames<'m> {
    /// The names of every type, enumerant and extension module of `model`.
    pub fn of(model: &'m Model) -> CrateNames<'m> {
        let values = model.types.iter().map(|t| t.enumerants.len()).sum();
        let mut n = CrateNames {
            sync: &model.sync,
            enumerants: HashMap::with_capacity_and_hasher(values, Default::default()),
            types: HashMap::with_capacity_and_hasher(2 * model.types.len(), Default::default()),
            extensions: HashMap::with_capacity_and_hasher(model.extensions.len(), Default::default()),
        };
        for t in &model.types {
            n.types.insert(&t.c_name, &t.rust_name);
            if let Some(e) = &t.enums_name {
                n.types.insert(e, &t.rust_name);
            }
            for a in &t.aliases {
                n.types.insert(&a.c_name, &a.rust_name);
            }
            for e in &t.enumerants {
                n.enumerants.insert(&e.c_name, (&t.rust_name, &e.rust_name));
            }
        }
        for e in &model.extensions {
            let (v, m) = crate::names::extension_module(&e.name);
            n.extensions.insert(&e.name, ["extensions::", &v, "::", &m].concat());
        }
        n
    }
}

/// The C declaration of a type, as the specification prints it, with a `// Provided by`
/// comment on each value whose providers differ from the type's.
pub fn c_declaration(ty: &EnumType) -> String {
    let type_providers = provider_names(&ty.providers).join(", ");
    let mut s = String::new();
    if !type_providers.is_empty() {
        s.extend(["// Provided by ", &type_providers, "\n"]);
    }
    // An alias stands for its value by name, as in the headers.
    let value = |s: &mut String, e: &crate::model::Enumerant| {
        let _ = match (&e.alias_of, ty.kind) {
            (Some(target), _) => s.write_str(target),
            (None, TypeKind::Enum) => write!(s, "{}", e.value),
            (None, TypeKind::Bitmask { bits: 64 }) => write!(s, "0x{:016X}ULL", e.value as u64),
            (None, TypeKind::Bitmask { .. }) => write!(s, "0x{:08X}", e.value as u64),
        };
    };
    let comment = |s: &mut String, e: &crate::model::Enumerant, indent: &str| {
        let p = provider_names(&e.providers).join(", ");
        if p != type_providers && !p.is_empty() {
            s.extend([indent, "// Provided by ", &p, "\n"]);
        }
    };
    match (ty.kind, ty.enums_name.as_deref()) {
        (TypeKind::Bitmask { bits: 64 }, Some(bits)) => {
            s.extend(["typedef VkFlags64 ", bits, ";\n"]);
            for e in &ty.enumerants {
                comment(&mut s, e, "");
                s.extend(["static const ", bits, " ", &e.c_name, " = "]);
                value(&mut s, e);
                s.push_str(";\n");
            }
        }
        (_, Some(name)) => {
            s.extend(["typedef enum ", name, " {\n"]);
            for e in &ty.enumerants {
                comment(&mut s, e, "  ");
                s.extend(["    ", &e.c_name, " = "]);
                value(&mut s, e);
                s.push_str(",\n");
            }
            s.extend(["} ", name, ";\n"]);
        }
        _ => {}
    }
    if let TypeKind::Bitmask { bits } = ty.kind {
        let base = if bits == 64 { "VkFlags64" } else { "VkFlags" };
        s.extend(["typedef ", base, " ", &ty.c_name, ";\n"]);
    }
    for a in &ty.aliases {
        let target =
            if a.c_name.contains("FlagBits") { ty.enums_name.as_deref().unwrap_or(&ty.c_name) } else { &ty.c_name };
        s.extend(["typedef ", target, " ", &a.c_name, ";\n"]);
    }
    s
}

/// Builds the docs of every type and enumerant of `model` from `spec`. The types are cut in
/// runs of about equal weight, converted on every core ([`crate::cores`]) and merged in
/// model order.
pub fn build(model: &Model, spec: &Spec, spec_release: &str) -> Docs {
    build_with(&CrateNames::of(model), model, spec, spec_release)
}

/// [`build`] with the crate's names made already (see [`CrateNames`]).
pub fn build_with(crate_names: &CrateNames<'_>, model: &Model, spec: &Spec, spec_release: &str) -> Docs {
    let names = Names { crate_names, spec };
    // The work is converting text: the refpage's and each enumerant's list items, plus a
    // little per enumerant and per type (the byte counts are measured equivalents; the
    // list items are counted as a typical share per enumerant: looked up one by one, they
    // took most of a millisecond with one core idle).
    let weight = |t: &EnumType| refpage_of(spec, t).map_or(0, |p| p.text.len()) + 160 * t.enumerants.len() + 600;
    let runs = crate::cores::runs(&model.types, RUNS_PER_CORE * crate::cores::count(), weight);
    let mut parts = crate::cores::map_in_order(&runs, |run| build_part(run, &names, spec, spec_release)).into_iter();
    let mut docs = parts.next().unwrap_or_else(|| build_part(&[], &names, spec, spec_release));
    // The parts are merged into the first, made large enough at once.
    docs.types.reserve(model.types.len().saturating_sub(docs.types.len()));
    for rest in parts {
        docs.types.extend(rest.types);
        let (c, r) = (&mut docs.coverage, rest.coverage);
        c.types += r.types;
        c.types_with_refpage += r.types_with_refpage;
        c.types_without.extend(r.types_without);
        c.enumerants += r.enumerants;
        c.enumerants_described += r.enumerants_described;
        c.enumerants_without.extend(r.enumerants_without);
    }
    docs
}

/// How many runs of types each core converts. Two runs in all (one per core) left one core
/// idle for a fifth of the phase at times (the weights are estimates); a few runs each
/// balance them.
const RUNS_PER_CORE: usize = 4;

/// The refpage of a type: the one of its values (its `<enums>` block), else its own.
fn refpage_of<'s>(spec: &'s Spec, ty: &EnumType) -> Option<&'s spec::Refpage> {
    spec.refpages.get(ty.refpage()).or_else(|| spec.refpages.get(&ty.c_name))
}

fn build_part(types: &[EnumType], names: &Names<'_>, spec: &Spec, spec_release: &str) -> Docs {
    let names = &Remembering::new(names);
    let mut docs = Docs { spec_release: spec_release.to_owned(), ..Default::default() };
    let attribution = attribution(spec_release);
    for ty in types {
        docs.coverage.types += 1;
        let page = refpage_of(spec, ty);
        // The C declaration stands in its own section, so the refpage's `include::` of it is
        // dropped; so are the other generated includes (validity, sync tables).
        let include = |_: &str| -> Option<String> { None };
        let mut s = String::new();
        match page {
            Some(p) => {
                docs.coverage.types_with_refpage += 1;
                push_refpage_link(&mut s, &p.name);
                s.extend([" - ", &markup::inline(&p.desc, names), "\n"]);
            }
            None => {
                docs.coverage.types_without.push(ty.c_name.clone());
                push_refpage_link(&mut s, ty.refpage());
                s.push_str(" - the specification has no reference page for it\n");
            }
        }
        s.extend(["\n# C Specification\n\n```c\n", &c_declaration(ty), "```\n"]);
        let mut description = String::new();
        if let Some(p) = page {
            description.push_str(&page_blocks(p, names, &include));
        }
        if ty.enums_name.is_some() {
            // The Flags type's own refpage (a bitmask's second page).
            if let Some(flags) =
                spec.refpages.get(&ty.c_name).filter(|f| Some(f.name.as_str()) != page.map(|p| p.name.as_str()))
            {
                let text = page_blocks(flags, names, &include);
                if !text.is_empty() {
                    description.push_str("\n\n");
                    description.push_str(&text);
                }
            }
        }
        if !description.trim().is_empty() {
            s.extend(["\n# Description\n\n", description.trim(), "\n"]);
        }
        s.push_str("\n# Related\n\n- ");
        write_provided_by(&mut s, &ty.providers);
        s.push('\n');
        if let Some(bits) = ty.enums_name.as_deref().filter(|b| *b != ty.c_name) {
            s.push_str("- Values: ");
            push_link_or_code(&mut s, bits, spec);
            s.extend([" (the bits of `", &ty.c_name, "`)\n"]);
        }
        for a in &ty.aliases {
            s.extend(["- Alias: `", &a.c_name, "` ([`", &a.rust_name, "`](crate::", &a.rust_name, "))\n"]);
        }
        if !ty.used_by.is_empty() {
            s.push_str("- Used by: ");
            for (i, n) in ty.used_by.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                push_link_or_code(&mut s, n, spec);
            }
            s.push('\n');
        }
        s.extend(["\n", &attribution]);
        let mut enumerants = Vec::with_capacity(ty.enumerants.len());

        for e in &ty.enumerants {
            let mut d = String::new();
            let items = spec.items.get(e.c_name.as_str());
            // Table rows describe the values that no list item does (blend factors,
            // object types); where a list item exists, it is the description.
            let rows = if items.is_none() { spec.rows.get(e.c_name.as_str()) } else { None };
            let described = items.is_some() || rows.is_some();
            if e.alias_of.is_none() {
                docs.coverage.enumerants += 1;
                if described {
                    docs.coverage.enumerants_described += 1;
                } else {
                    docs.coverage.enumerants_without.push((ty.c_name.clone(), e.c_name.clone()));
                }
            }
            match (items, rows) {
                (Some(items), _) => {
                    for item in items {
                        let item = includes::expand_inline(item, names.names.crate_names.sync);
                        let text = item.trim_start_matches('*').trim_start();
                        d.push_str(&markup::inline(text, names));
                        d.push_str("\n\n");
                    }
                }
                (None, Some(rows)) => {
                    for row in rows {
                        match &row.title {
                            Some(title) => d.extend(["From the table *", &markup::inline(title, names), "*:\n\n"]),
                            None => d.push_str("From a table of the specification:\n\n"),
                        }
                        for line in markup::markdown_table(&[&row.header, &row.cells], names) {
                            d.push_str(&line);
                            d.push('\n');
                        }
                        d.push('\n');
                    }
                }
                (None, None) if e.alias_of.is_none() => {
                    d.extend(["The specification has no description of `", &e.c_name, "`.\n\n"]);
                }
                (None, None) => {}
            }
            if let Some(target) = &e.alias_of {
                match names.enumerant(target) {
                    Some(path) => d.extend(["Alias of [`", &path, "`](crate::", &path, ") (`", target, "`).\n\n"]),
                    // Vulkan SC's `VK_EXT_robustness2` values alias KHR names it does not have.
                    None => {
                        d.extend(["Alias of `", target, "`, which this API does not have (the same value).\n\n"]);
                    }
                }
                if let Some(dep) = &e.deprecated {
                    let since = ty
                        .enumerants
                        .iter()
                        .find(|t| &t.c_name == target)
                        .map(|t| provider_names(&t.providers).join(", "))
                        .unwrap_or_default();
                    let _ = write!(d, "Deprecated: {}; the name it aliases is provided by `{since}`.\n\n", dep.note);
                }
            } else if let Some(dep) = &e.deprecated {
                d.extend(["Deprecated: ", &dep.note, ".\n\n"]);
            }
            d.extend(["C: `", &e.c_name, "`. "]);
            write_provided_by(&mut d, &e.providers);
            if described {
                d.extend(["\n\n", &attribution]);
            }
            enumerants.push(d);
        }
        docs.types.insert(ty.c_name.clone(), TypeDocs { doc: s, enumerants });
    }
    docs
}

/// A refpage's text converted, its sync includes rebuilt from vk.xml first.
fn page_blocks(page: &spec::Refpage, names: &Remembering<'_>, include: &dyn Fn(&str) -> Option<String>) -> String {
    let lines = page.lines();
    let expanded = includes::expand(&lines, names.names.crate_names.sync);
    let lines: Vec<&str> = expanded.iter().map(|l| l.as_ref()).collect();
    markup::blocks(&lines, names, include)
}

/// A link to the refpage of `name` where the specification has one, else `name` as code.
fn push_link_or_code(out: &mut String, name: &str, spec: &Spec) {
    if spec.refpages.contains_key(name) {
        push_refpage_link(out, name);
    } else {
        out.extend(["`", name, "`"]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_of<'a>(crate_names: &'a CrateNames<'a>, spec: &'a Spec) -> Names<'a> {
        Names { crate_names, spec }
    }

    fn empty_crate_names(sync: &crate::model::Sync) -> CrateNames<'_> {
        CrateNames { sync, enumerants: HashMap::default(), types: HashMap::default(), extensions: HashMap::default() }
    }

    #[test]
    fn a_text_converted_again_gives_what_it_gave_the_first_time_and_is_kept_once() {
        let sync = crate::model::Sync::default();
        let crate_names = empty_crate_names(&sync);
        let mut spec = Spec::default();
        spec.anchors.insert("memory-external".into(), "External Memory".into());
        let names = names_of(&crate_names, &spec);
        let remembering = Remembering::new(&names);
        let item = "ename:VK_FOO specifies that handles must: follow <<memory-external>>.";
        let first = markup::inline(item, &remembering);
        assert_eq!(first, markup::inline(item, &names), "remembering changes no conversion");
        assert_eq!(markup::inline(item, &remembering), first);
        assert_eq!(remembering.converted.borrow().len(), 1);
    }

    #[test]
    fn text_other_than_an_enumerants_item_is_converted_each_time() {
        let sync = crate::model::Sync::default();
        let crate_names = empty_crate_names(&sync);
        let spec = Spec::default();
        let names = names_of(&crate_names, &spec);
        let remembering = Remembering::new(&names);
        let label = "The *Common Tokens* of a table, which must: not change.";
        assert_eq!(markup::inline(label, &remembering), "The **Common Tokens** of a table, which **must** not change.");
        assert!(remembering.converted.borrow().is_empty());
    }
}
