//! Writer: emitted files -> formatted text with the header (prettyplease, per file or part
//! of a file, on every core; the docs of documented items as `///` lines, and what
//! repeats laid out here as prettyplease lays it out: `tables`, `lines`) -> the output
//! folder, all or nothing: each part is compared with the file it replaces as it comes,
//! and once anything differs the new crate is written complete beside the old one and
//! swapped in with one rename, so a failed or killed run leaves the previous crate whole.
//! `check` compares without writing.

mod lines;
mod tables;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::emit::{Content, Documented, Member, Output, Part, Shaped, FILES, IN_PARTS, WITHOUT_DOCS};
use crate::error::{Error, Result};
use crate::model::Model;

/// Time spent making the files, summed over threads, and the wall time of the whole.
#[derive(Clone, Debug, Default)]
pub struct RenderTimes {
    pub emit: Duration,
    pub format: Duration,
    pub wall: Duration,
    /// Comparing and writing the parts, summed over threads, and the swap after.
    pub write: Duration,
    /// The slowest task (a file or a part of one): its path, emit and format time.
    pub slowest: Option<(&'static str, Duration, Duration)>,
}

/// Every task of a run: a file or a part of one (see [`Part`]), the long files first in
/// the order [`LONG_FILES`] gives, a file's parts in order.
fn tasks() -> Vec<(usize, Part)> {
    let mut order: Vec<usize> = (0..FILES.len()).collect();
    order.sort_by_key(|&i| cost_rank(FILES[i].0));
    order
        .into_iter()
        .flat_map(|i| {
            let count = parts(FILES[i].0);
            (0..count).map(move |index| (i, Part { index, count }))
        })
        .collect()
}

/// One task's text (see [`render_part`]), with its emit and format times.
type Rendered = (Result<Vec<String>>, Duration, Duration);

fn render_task(model: &Model, output: &Output, (i, part): (usize, Part)) -> Rendered {
    let t = Instant::now();
    let content = (FILES[i].1)(model, output, part);
    let emit = t.elapsed();
    let t = Instant::now();
    let text = render_part(content, part.is_first().then_some(output.header.as_str()));
    (text, emit, t.elapsed())
}

/// Parts of the files that the docs do not touch ([`WITHOUT_DOCS`]), made ahead of the
/// rest: [`render_and_write`] takes them as they are.
#[derive(Default)]
pub struct Ahead {
    parts: Vec<((usize, Part), Rendered)>,
}

impl Ahead {
    /// How many parts were made ahead, and how long they took (emit and format).
    pub fn made(&self) -> (usize, Duration) {
        (self.parts.len(), self.parts.iter().map(|(_, (_, emit, format))| *emit + *format).sum())
    }
}

/// Makes the parts of the files that the docs do not touch, in the writer's order, one
/// after the other on the calling thread, until `enough()` (asked before each part): so
/// that a thread that waits for the specification to be indexed works meanwhile, and
/// stops when the docs can be built. `output`'s docs are not read.
pub fn render_ahead(model: &Model, output: &Output, enough: impl Fn() -> bool) -> Ahead {
    let mut ahead = Ahead::default();
    for task in tasks().into_iter().filter(|&(i, _)| WITHOUT_DOCS.contains(&FILES[i].0)) {
        if enough() {
            break;
        }
        ahead.parts.push((task, render_task(model, output, task)));
    }
    ahead
}

/// Emits every file and formats the Rust ones with prettyplease, `header` on top: one
/// task per file or part of a file (see [`Part`]), on every core ([`crate::cores`]), the
/// parts made [`Ahead`] taken as they are; each part is compared with the file in `dir`
/// (and, once anything differs and not `check`, written into the staging folder) as soon
/// as the parts before it are, then dropped (see `Sink`). Then, unless `check` or nothing
/// changed, the staging folder is swapped in. Emit errors come first in task order;
/// nothing in `dir` changes on any error.
pub fn render_and_write(
    model: &Model,
    output: &Output,
    ahead: Ahead,
    dir: &Path,
    check: bool,
) -> Result<(WriteReport, RenderTimes)> {
    let start = Instant::now();
    let place = if check { None } else { Some(Place::of(dir)?) };
    let tasks = tasks();
    let mut made: Vec<Option<Rendered>> = tasks.iter().map(|_| None).collect();
    for (task, rendered) in ahead.parts {
        if let Some(k) = tasks.iter().position(|t| *t == task) {
            made[k] = Some(rendered);
        }
    }
    let made: Vec<std::sync::Mutex<Option<Rendered>>> = made.into_iter().map(std::sync::Mutex::new).collect();
    let sink = std::sync::Mutex::new(Sink::new(dir, place.as_ref().map(|p| p.staging.clone())));
    // Per task: emit time, format time, and the time its turn at the sink took.
    let numbered: Vec<(usize, (usize, Part))> = tasks.iter().copied().enumerate().collect();
    let results = crate::cores::map_in_order(&numbered, |&(k, task)| {
        let ready = made[k].lock().expect("no panics while held").take();
        let (text, emit, format) = ready.unwrap_or_else(|| render_task(model, output, task));
        let t = Instant::now();
        sink.lock().expect("no panics while the sink is held").take(k, &tasks, text);
        (emit, format, t.elapsed())
    });
    let mut times = RenderTimes::default();
    for (&(i, _), (emit, format, write)) in tasks.iter().zip(results) {
        times.emit += emit;
        times.format += format;
        times.write += write;
        if times.slowest.is_none_or(|(_, e, f)| e + f < emit + format) {
            times.slowest = Some((FILES[i].0, emit, format));
        }
    }
    times.wall = start.elapsed();
    let t = Instant::now();
    let sink = sink.into_inner().expect("no panics while the sink is held");
    let report = sink.finish(place.as_ref(), check);
    times.write += t.elapsed();
    Ok((report?, times))
}

/// One file made in `count` parts, one after the other (the parts joined must be the
/// file made whole: a test checks it).
pub fn render_in_parts(model: &Model, output: &Output, path: &str, count: usize) -> Result<String> {
    let &(_, emitter) = FILES.iter().find(|(p, _)| *p == path).expect("a file of the crate");
    let mut text = String::new();
    for index in 0..count {
        let part = Part { index, count };
        let pieces = render_part(emitter(model, output, part), part.is_first().then_some(&output.header))?;
        text.extend(pieces);
    }
    Ok(text)
}

/// The files that take long, in the order they are taken, before all others: so that
/// the cores finish together. Timed per file with 1.4.360 and its docs (emit and format
/// summed over parts, ms, fifth session): the enums 11 and the bitmasks 7.5, the
/// reflection tables 10 and 4, the lists 6, the extensions 4.5, the reflection module
/// 0.6; every other file a tenth of a millisecond or less. The tables go first: with
/// both types files at once, each was slower (measured; both build their largest syntax
/// trees at the same time), and so was the total. The lists and the extensions, when
/// they came after the small files, left one core idle for a tenth of the phase.
const LONG_FILES: &[&str] = &[
    "src/reflection/enum_tables.rs",
    "src/reflection/bitmask_tables.rs",
    "src/enums.rs",
    "src/bitmasks.rs",
    "src/reflection/lists.rs",
    "src/extensions.rs",
    "src/reflection/mod.rs",
];

/// How many parts each file of [`IN_PARTS`] is made in. Timed against whole files
/// (`cargo xtask bench`, alternating, without and with docs): with 8 parts emit and
/// format took 10 to 25% less wall time and the run's peak memory fell from 38 to 30 MB
/// (56-61 to 43-46 MB with docs); 4 parts gained less, 16 no more.
const PARTS: usize = 8;

/// How many parts a file is made in (see [`Part`]).
fn parts(path: &str) -> usize {
    IN_PARTS.iter().find(|(p, _)| *p == path).map_or(1, |&(_, most)| PARTS.min(most))
}

/// A file's place in [`LONG_FILES`]; the rest after, in their order.
fn cost_rank(path: &str) -> usize {
    LONG_FILES.iter().position(|p| *p == path).unwrap_or(LONG_FILES.len())
}

/// The text of a file or part: prettyplease's for Rust, under the header when given (part
/// 0) as a piece of its own, so that the part's text is not copied to follow it.
fn render_part(content: Result<Content>, header: Option<&str>) -> Result<Vec<String>> {
    let text = match content? {
        Content::Text(text) => return Ok(vec![text]),
        Content::Syntax(file) => prettyplease::unparse(&file),
        Content::Documented { head, items } => print_documented(head, items)?,
    };
    Ok(match header {
        Some(header) => vec![format!("// {header}\n\n"), text],
        None => vec![text],
    })
}

/// The text of a Rust file or part, as the crate holds it (for golden files and reviews).
pub fn print(content: Content) -> Result<String> {
    Ok(render_part(Ok(content), None)?.concat())
}

/// The items of a [`Content::Documented`] file printed in turn: each doc as `///` lines,
/// as prettyplease prints a `#[doc]` attribute, then the item as prettyplease prints it.
/// An impl block is printed once per item, holding only that item: its first line (`impl
/// Name {`) is kept from the first, its last (`}`) from the last, and between them each
/// item's lines under its doc. Each item is laid out as it would be in the whole block
/// (same indent; prettyplease decides each item's line breaks on its own); a test compares
/// the two ways. Static tables of rows ([`tables`]), impl blocks' first lines and
/// constants that fit on one line ([`lines`]) are laid out here, as prettyplease lays
/// them out, without its general printer.
fn print_documented(head: syn::File, items: Vec<Documented>) -> Result<String> {
    let mut out = prettyplease::unparse(&head);
    // The head's file, emptied and reused: it holds the item being printed.
    let mut file = head;
    file.attrs.clear();
    file.items.clear();
    for piece in items {
        match piece {
            Documented::Item(doc, item) => {
                push_doc(&mut out, "", &doc);
                file.items.push(item);
                out.push_str(&prettyplease::unparse(&file));
                file.items.clear();
            }
            Documented::Shaped(doc, shaped) => {
                push_doc(&mut out, "", &doc);
                let written = match &shaped {
                    Shaped::NewType(name, raw) => lines::newtype(name, raw, &mut out),
                    Shaped::Alias(alias, target) => {
                        lines::alias(alias, target, &mut out);
                        true
                    }
                    Shaped::Call(row) => {
                        tables::print_call(row, &mut out);
                        true
                    }
                    Shaped::Const(name, value) => {
                        lines::constant(name, value, &mut out);
                        true
                    }
                };
                if !written {
                    file.items.push(shaped.to_syntax());
                    out.push_str(&prettyplease::unparse(&file));
                    file.items.clear();
                }
            }
            Documented::Module(doc, name, items) => print_module(&mut out, 0, &doc, &name, items)?,
            Documented::Table(doc, item, rows) => {
                push_doc(&mut out, "", &doc);
                if !tables::print(&item, &rows, &mut out) {
                    file.items.push(filled(item, &rows));
                    out.push_str(&prettyplease::unparse(&file));
                    file.items.clear();
                }
            }
            Documented::Impl(block, members) => {
                let count = members.len();
                let mut open = String::new();
                let open_is_plain = lines::impl_open(&block, &mut open);
                file.items.push(syn::Item::Impl(block));
                let mut body = String::new();
                for (k, (doc, member)) in members.into_iter().enumerate() {
                    body.clear();
                    let written = match &member {
                        Member::Value(name, value) => {
                            lines::value_const(name, *value, IMPL_ITEM_INDENT.len(), &mut body)
                        }
                        Member::Syntax(_) => false,
                    };
                    if !(written && (open_is_plain || k > 0)) {
                        body.clear();
                        // The block printed by prettyplease holding only this item.
                        if let Some(syn::Item::Impl(block)) = file.items.first_mut() {
                            block.items.clear();
                            block.items.push(match member {
                                Member::Syntax(item) => *item,
                                value => value.to_syntax(),
                            });
                        }
                        let text = prettyplease::unparse(&file);
                        let Some((first, rest)) =
                            text.split_once("{\n").and_then(|(first, rest)| Some((first, rest.strip_suffix("}\n")?)))
                        else {
                            return Err(Error::Emit {
                                file: "impl block".into(),
                                message: format!("unexpected layout: {text}"),
                            });
                        };
                        if k == 0 && !open_is_plain {
                            open = format!("{first}{{\n");
                        }
                        body.push_str(rest);
                    }
                    if k == 0 {
                        out.push_str(&open);
                    }
                    push_doc(&mut out, IMPL_ITEM_INDENT, &doc);
                    out.push_str(&body);
                    if k + 1 == count {
                        out.push_str("}\n");
                    }
                }
                file.items.clear();
            }
        }
    }
    Ok(out)
}

/// A module at `indent` under its doc, as prettyplease prints it: `pub mod name {`, its
/// items indented once more, `}`. A module holds constants ([`Shaped::Const`], one line
/// each: prettyplease breaks a constant of a literal nowhere) and modules.
fn print_module(out: &mut String, indent: usize, doc: &str, name: &str, items: Vec<Documented>) -> Result<()> {
    const SPACES: &str = "                ";
    let pad = SPACES
        .get(..indent)
        .ok_or_else(|| Error::Emit { file: "module".into(), message: format!("`{name}` is nested too deep") })?;
    push_doc(out, pad, doc);
    out.extend([pad, "pub mod ", name, " {\n"]);
    for piece in items {
        match piece {
            Documented::Module(doc, inner, items) => {
                print_module(out, indent + IMPL_ITEM_INDENT.len(), &doc, &inner, items)?
            }
            Documented::Shaped(doc, Shaped::Const(name, value)) => {
                let pad = SPACES.get(..indent + IMPL_ITEM_INDENT.len()).unwrap_or(SPACES);
                push_doc(out, pad, &doc);
                out.push_str(pad);
                lines::constant(name, &value, out);
            }
            _ => {
                return Err(Error::Emit {
                    file: "module".into(),
                    message: format!("`{name}` holds an item that only modules and constants may"),
                })
            }
        }
    }
    out.extend([pad, "}\n"]);
    Ok(())
}

/// A [`Content::Documented`] file as one syntax tree, its docs as `#[doc = " line"]`
/// attributes, one per line, first among each item's attributes: the tree prettyplease
/// prints whole, as it printed the types files before the writer printed their docs
/// (tests compare the two ways).
pub fn with_doc_attributes(mut head: syn::File, items: Vec<Documented>) -> syn::File {
    head.items.extend(items.into_iter().map(documented_item));
    head
}

/// A documented item as syntax, its doc as attributes (see [`with_doc_attributes`]).
fn documented_item(piece: Documented) -> syn::Item {
    fn attrs(doc: &str) -> Vec<syn::Attribute> {
        crate::docs::spec::lines(doc)
            .map(|line| {
                let value = if line.is_empty() { String::new() } else { format!(" {line}") };
                syn::parse_quote! { #[doc = #value] }
            })
            .collect()
    }
    fn with(doc: &str, mut attrs_of: Vec<syn::Attribute>) -> Vec<syn::Attribute> {
        let mut all = attrs(doc);
        all.append(&mut attrs_of);
        all
    }
    fn with_doc(doc: &str, mut item: syn::Item) -> syn::Item {
        match &mut item {
            syn::Item::Struct(s) => s.attrs = with(doc, std::mem::take(&mut s.attrs)),
            syn::Item::Type(t) => t.attrs = with(doc, std::mem::take(&mut t.attrs)),
            syn::Item::Macro(m) => m.attrs = with(doc, std::mem::take(&mut m.attrs)),
            syn::Item::Static(s) => s.attrs = with(doc, std::mem::take(&mut s.attrs)),
            syn::Item::Const(c) => c.attrs = with(doc, std::mem::take(&mut c.attrs)),
            syn::Item::Mod(m) => m.attrs = with(doc, std::mem::take(&mut m.attrs)),
            _ => assert!(doc.is_empty(), "a doc on an item of another kind"),
        }
        item
    }
    match piece {
        Documented::Item(doc, item) => with_doc(&doc, item),
        Documented::Shaped(doc, shaped) => with_doc(&doc, shaped.to_syntax()),
        Documented::Table(doc, item, rows) => with_doc(&doc, filled(item, &rows)),
        Documented::Module(doc, name, items) => {
            let name = syn::Ident::new(&name, proc_macro2::Span::call_site());
            let items = items.into_iter().map(documented_item);
            with_doc(&doc, syn::parse_quote! { pub mod #name { #(#items)* } })
        }
        Documented::Impl(mut block, members) => {
            for (doc, member) in members {
                let mut member = member.to_syntax();
                if let syn::ImplItem::Const(c) = &mut member {
                    c.attrs = with(&doc, std::mem::take(&mut c.attrs));
                }
                block.items.push(member);
            }
            syn::Item::Impl(block)
        }
    }
}

/// `value` as it displays.
fn push_display(out: &mut String, value: &impl std::fmt::Display) {
    use std::fmt::Write;
    let _ = write!(out, "{value}");
}

/// A static table (`static NAME: &[T] = &[];`) with `rows` in its array, as tokens.
fn filled(mut item: syn::Item, rows: &[crate::emit::rows::Row]) -> syn::Item {
    if let syn::Item::Static(s) = &mut item {
        if let syn::Expr::Reference(r) = s.expr.as_mut() {
            if let syn::Expr::Array(a) = r.expr.as_mut() {
                a.elems.extend(rows.iter().map(|row| row.to_expr()));
            }
        }
    }
    item
}

/// The indent of an impl block's items in prettyplease's layout.
const IMPL_ITEM_INDENT: &str = "    ";

/// `text` as doc comment lines under `indent`, as prettyplease prints `#[doc = " line"]`:
/// `///`, then a space and the line without its trailing spaces (nothing more when that
/// leaves it empty).
fn push_doc(out: &mut String, indent: &str, text: &str) {
    for line in crate::docs::spec::lines(text) {
        out.push_str(indent);
        out.push_str("///");
        let line = line.trim_end_matches(' ');
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
        out.push('\n');
    }
}

/// Entries of the output folder the writer keeps across runs (build output).
const KEPT: &[&str] = &["target", "Cargo.lock"];

fn list_files(root: &Path, dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        if dir == root && KEPT.iter().any(|k| rel == Path::new(k)) {
            continue;
        }
        if path.is_dir() {
            out.extend(list_files(root, &path));
        } else {
            out.push(rel);
        }
    }
    out
}

/// What [`render_and_write`] did.
#[derive(Debug, Default)]
pub struct WriteReport {
    /// Files whose bytes changed (or were added or removed), or that `check` found stale.
    pub changed: Vec<String>,
    /// The number of files of the crate.
    pub files: usize,
}

/// Where the new crate is written: the staging folder beside `dir`.
struct Place {
    staging: PathBuf,
}

impl Place {
    /// Makes `dir`'s parent, removes staging folders that a killed run left there, and
    /// names this run's.
    fn of(dir: &Path) -> Result<Place> {
        let name = dir
            .file_name()
            .ok_or_else(|| Error::Other(format!("{}: not a folder name", dir.display())))?
            .to_string_lossy()
            .into_owned();
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        remove_leftovers(&parent, &name);
        Ok(Place { staging: parent.join(format!(".{name}.tmp-{}", std::process::id())) })
    }
}

/// Takes the rendered parts in task order (a part that comes early waits for the ones
/// before it), compares each with the file in the output folder, and drops it: the
/// crate's megabytes of text are never all held at once (fresh memory is dear on this
/// machine: a page fault per 4 KiB). Once a file differs (and not for `check`), the
/// staging folder is filled: the files found equal so far are copied there from the
/// output folder, with the equal start of the file at hand, and every part from then on
/// is written there too.
struct Sink<'d> {
    dir: &'d Path,
    /// This run's staging folder; `None` for `check`.
    staging: Option<PathBuf>,
    /// Whether the staging folder is being filled.
    writing: bool,
    /// Parts rendered before their turn, by task number.
    early: std::collections::BTreeMap<usize, Result<Vec<String>>>,
    /// The task whose part is taken next.
    next: usize,
    /// Each file of `FILES` as far as it was taken.
    files: Vec<FileState>,
    /// The first error, in task order: nothing is taken after it.
    error: Option<Error>,
    buffer: Vec<u8>,
}

#[derive(Default)]
struct FileState {
    /// The file in the output folder, read as far as the parts taken, while they match.
    old: Option<std::fs::File>,
    /// The bytes taken so far.
    len: u64,
    /// The file in the staging folder, while it is written.
    new: Option<std::fs::File>,
    /// Whether every part so far matched the old file, and (once the last is taken) the
    /// old file ends there.
    same: bool,
    done: bool,
}

impl<'d> Sink<'d> {
    fn new(dir: &'d Path, staging: Option<PathBuf>) -> Sink<'d> {
        Sink {
            dir,
            staging,
            writing: false,
            early: Default::default(),
            next: 0,
            files: FILES.iter().map(|_| FileState::default()).collect(),
            error: None,
            buffer: vec![0; 64 * 1024],
        }
    }

    /// Task `k`'s part: taken with every part before it, or kept until they come.
    fn take(&mut self, k: usize, tasks: &[(usize, Part)], text: Result<Vec<String>>) {
        self.early.insert(k, text);
        while let Some(text) = self.early.remove(&self.next) {
            let (i, part) = tasks[self.next];
            self.next += 1;
            if self.error.is_some() {
                continue;
            }
            if let Err(e) = text.and_then(|pieces| self.take_part(i, part, &pieces)) {
                self.error = Some(e);
            }
        }
    }

    fn take_part(&mut self, i: usize, part: Part, pieces: &[String]) -> Result<()> {
        let path = FILES[i].0;
        if part.is_first() {
            let old = std::fs::File::open(self.dir.join(path)).ok();
            let missing = old.is_none();
            self.files[i] = FileState { same: !missing, old, ..Default::default() };
            if self.writing {
                self.files[i].new = Some(self.create(path)?);
            } else if missing {
                self.start_writing(Some(i))?;
            }
        }
        for piece in pieces {
            if self.files[i].same && !self.matches(i, piece.as_bytes()) {
                self.files[i].same = false;
                self.files[i].old = None;
                self.start_writing(Some(i))?;
            }
            self.files[i].len += piece.len() as u64;
            if let Some(new) = &mut self.files[i].new {
                std::io::Write::write_all(new, piece.as_bytes()).map_err(|e| Error::io(&self.dir.join(path), e))?;
            }
        }
        if part.index + 1 == part.count {
            let file = &mut self.files[i];
            // The old file ends where the new one does.
            if file.same
                && !file
                    .old
                    .as_mut()
                    .is_some_and(|old| matches!(std::io::Read::read(old, &mut self.buffer[..1]), Ok(0)))
            {
                file.same = false;
                self.start_writing(Some(i))?;
            }
            let file = &mut self.files[i];
            file.old = None;
            file.new = None;
            file.done = true;
        }
        Ok(())
    }

    /// Whether the old file's next bytes are `bytes`.
    fn matches(&mut self, i: usize, bytes: &[u8]) -> bool {
        let Some(old) = self.files[i].old.as_mut() else { return false };
        for expected in bytes.chunks(self.buffer.len()) {
            let read = &mut self.buffer[..expected.len()];
            if std::io::Read::read_exact(old, read).is_err() || read != expected {
                return false;
            }
        }
        true
    }

    fn create(&self, path: &str) -> Result<std::fs::File> {
        let staging = self.staging.as_ref().expect("written only with a staging folder");
        let to = staging.join(path);
        if let Some(folder) = to.parent() {
            std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
        }
        std::fs::File::create(&to).map_err(|e| Error::io(&to, e))
    }

    /// Starts filling the staging folder (once; never for `check`): the files taken whole
    /// so far, all equal to the old ones, are copied from the output folder, and so is
    /// the start taken so far of `current` (equal too), whose file stays open.
    fn start_writing(&mut self, current: Option<usize>) -> Result<()> {
        if self.writing || self.staging.is_none() {
            return Ok(());
        }
        self.writing = true;
        let staging = self.staging.clone().expect("checked above");
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        for (k, &(path, _)) in FILES.iter().enumerate() {
            let from = self.dir.join(path);
            if self.files[k].done {
                let to = staging.join(path);
                if let Some(folder) = to.parent() {
                    std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
                }
                std::fs::copy(&from, &to).map_err(|e| Error::io(&from, e))?;
            } else if Some(k) == current {
                let mut new = self.create(path)?;
                let len = self.files[k].len;
                if len > 0 {
                    let old = std::fs::File::open(&from).map_err(|e| Error::io(&from, e))?;
                    let copied =
                        std::io::copy(&mut std::io::Read::take(old, len), &mut new).map_err(|e| Error::io(&from, e))?;
                    if copied != len {
                        return Err(Error::Other(format!("{}: changed while it was read", from.display())));
                    }
                }
                self.files[k].new = Some(new);
            }
        }
        Ok(())
    }

    /// After every part: the files left over in the output folder, then the swap (unless
    /// `check`, or nothing changed). On any error the staging folder is removed.
    fn finish(mut self, place: Option<&Place>, check: bool) -> Result<WriteReport> {
        let result = self.finish_inner(check);
        if result.is_err() {
            if let Some(place) = place {
                let _ = std::fs::remove_dir_all(&place.staging);
            }
        }
        result
    }

    fn finish_inner(&mut self, check: bool) -> Result<WriteReport> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        debug_assert!(self.files.iter().all(|f| f.done), "every file taken whole");
        let mut changed: Vec<String> =
            FILES.iter().zip(&self.files).filter(|(_, f)| !f.same).map(|(&(p, _), _)| p.to_owned()).collect();
        let expected: std::collections::BTreeSet<PathBuf> = FILES.iter().map(|(p, _)| PathBuf::from(p)).collect();
        for extra in list_files(self.dir, self.dir) {
            if !expected.contains(&extra) {
                changed.push(format!("{} (not generated)", extra.display()));
            }
        }
        let report = WriteReport { changed, files: FILES.len() };
        if check || report.changed.is_empty() {
            return Ok(report);
        }
        // Only files left over differ: the crate is copied whole into the staging folder.
        self.start_writing(None)?;
        let staging = self.staging.clone().expect("written only with a staging folder");
        pause_point();
        swap_in(&staging, self.dir)?;
        Ok(report)
    }
}

/// Removes staging folders that a killed run left beside `dir`.
fn remove_leftovers(parent: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    if let Ok(entries) = std::fs::read_dir(parent) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// A test-only pause before the swap, so a test can kill the run there.
fn pause_point() {
    if let Some(ms) = std::env::var("VKXML_CODEGEN_PAUSE_BEFORE_SWAP_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// Puts the complete staging folder in place of `dir` with one atomic exchange, keeping
/// build output, then removes the old content.
fn swap_in(staging: &Path, dir: &Path) -> Result<()> {
    if !dir.exists() {
        return std::fs::rename(staging, dir).map_err(|e| Error::io(dir, e));
    }
    for kept in KEPT {
        let from = dir.join(kept);
        if from.exists() {
            let _ = std::fs::rename(&from, staging.join(kept));
        }
    }
    if exchange(staging, dir).is_err() {
        // No atomic exchange here: two renames, a short window without `dir`.
        let old = staging.with_extension("old");
        std::fs::rename(dir, &old).map_err(|e| Error::io(dir, e))?;
        std::fs::rename(staging, dir).map_err(|e| Error::io(dir, e))?;
        let _ = std::fs::remove_dir_all(&old);
        return Ok(());
    }
    std::fs::remove_dir_all(staging).map_err(|e| Error::io(staging, e))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    extern "C" {
        fn renameat2(
            olddirfd: i32,
            oldpath: *const std::ffi::c_char,
            newdirfd: i32,
            newpath: *const std::ffi::c_char,
            flags: u32,
        ) -> i32;
    }
    const AT_FDCWD: i32 = -100;
    const RENAME_EXCHANGE: u32 = 2;
    let a = CString::new(a.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let b = CString::new(b.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let rc = unsafe { renameat2(AT_FDCWD, a.as_ptr(), AT_FDCWD, b.as_ptr(), RENAME_EXCHANGE) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other("no atomic exchange on this system"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of the crate in one part, made of two pieces: a head and a body longer
    /// than the compare buffer, so that slices and pieces do not line up.
    fn crate_text(edit: impl Fn(usize, &mut String)) -> Vec<Vec<String>> {
        (0..FILES.len())
            .map(|i| {
                let mut body = format!("file {i}\n").repeat(12_000);
                edit(i, &mut body);
                vec![format!("// head {i}\n"), body]
            })
            .collect()
    }

    /// The sink's run over `texts`, the parts taken in `order` (task numbers).
    fn run(dir: &Path, texts: &[Vec<String>], order: &[usize], check: bool) -> Result<WriteReport> {
        let place = if check { None } else { Some(Place::of(dir)?) };
        let tasks: Vec<(usize, Part)> = (0..FILES.len()).map(|i| (i, Part { index: 0, count: 1 })).collect();
        let mut sink = Sink::new(dir, place.as_ref().map(|p| p.staging.clone()));
        for &k in order {
            sink.take(k, &tasks, Ok(texts[k].clone()));
        }
        sink.finish(place.as_ref(), check)
    }

    fn read_crate(dir: &Path) -> Vec<String> {
        FILES.iter().map(|(p, _)| std::fs::read_to_string(dir.join(p)).unwrap_or_default()).collect()
    }

    #[test]
    fn parts_are_compared_as_they_come_and_the_crate_is_written_only_when_it_changed() {
        let root = std::env::temp_dir().join(format!("vkxml-writer-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dir = root.join("out");
        let in_order: Vec<usize> = (0..FILES.len()).collect();
        let reversed: Vec<usize> = in_order.iter().rev().copied().collect();
        let joined = |texts: &[Vec<String>]| texts.iter().map(|t| t.concat()).collect::<Vec<_>>();

        // No crate yet: every file is new.
        let first = crate_text(|_, _| {});
        let report = run(&dir, &first, &in_order, false).unwrap();
        assert_eq!(report.changed.len(), FILES.len());
        assert_eq!(read_crate(&dir), joined(&first));

        // The same text, its parts coming in any order: nothing changes, nothing is written.
        let stamp = std::fs::metadata(dir.join(FILES[0].0)).unwrap().modified().unwrap();
        assert!(run(&dir, &first, &reversed, false).unwrap().changed.is_empty());
        assert_eq!(std::fs::metadata(dir.join(FILES[0].0)).unwrap().modified().unwrap(), stamp);

        // One byte of the last file differs: `check` names it and writes nothing; a run
        // writes the whole crate (the files before it copied, its equal start too).
        let last = FILES.len() - 1;
        let edited = crate_text(|i, body| {
            if i == last {
                body.replace_range(50_000..50_001, "X");
            }
        });
        assert_eq!(run(&dir, &edited, &in_order, true).unwrap().changed, [FILES[last].0]);
        assert_eq!(read_crate(&dir), joined(&first));
        assert_eq!(run(&dir, &edited, &in_order, false).unwrap().changed, [FILES[last].0]);
        assert_eq!(read_crate(&dir), joined(&edited));

        // An old file longer, or shorter, than the new one differs.
        let longer = dir.join(FILES[1].0);
        std::fs::write(&longer, edited[1].concat() + "\n").unwrap();
        let shorter = dir.join(FILES[2].0);
        std::fs::write(&shorter, &edited[2].concat()[1..]).unwrap();
        let report = run(&dir, &edited, &reversed, false).unwrap();
        assert_eq!(report.changed, [FILES[1].0, FILES[2].0]);
        assert_eq!(read_crate(&dir), joined(&edited));

        // A file the generator does not make is stale, and goes.
        std::fs::write(dir.join("stray.rs"), "").unwrap();
        assert_eq!(run(&dir, &edited, &in_order, true).unwrap().changed, ["stray.rs (not generated)"]);
        assert_eq!(run(&dir, &edited, &in_order, false).unwrap().changed, ["stray.rs (not generated)"]);
        assert!(!dir.join("stray.rs").exists());
        assert_eq!(read_crate(&dir), joined(&edited));

        // A part that failed: the error, the crate untouched, no staging folder left.
        let place = Place::of(&dir).unwrap();
        let tasks: Vec<(usize, Part)> = (0..FILES.len()).map(|i| (i, Part { index: 0, count: 1 })).collect();
        let mut sink = Sink::new(&dir, Some(place.staging.clone()));
        for (k, text) in first.iter().enumerate() {
            let text = if k == 3 { Err(Error::Other("part 3 failed".into())) } else { Ok(text.clone()) };
            sink.take(k, &tasks, text);
        }
        let error = sink.finish(Some(&place), false).unwrap_err();
        assert!(error.to_string().contains("part 3 failed"), "{error}");
        assert_eq!(read_crate(&dir), joined(&edited));
        assert!(!place.staging.exists());
        let _ = std::fs::remove_dir_all(&root);
    }

    /// Items as the types files have them: docs of several lines, with empty lines, lines
    /// of spaces only, trailing spaces and a line that starts with `/`; an item without a
    /// doc; an impl block of one item and one of several, with a deprecation note long
    /// enough to be broken over lines.
    fn documented_items() -> (syn::File, Vec<Documented<'static>>) {
        let head: syn::File = syn::parse_quote! { #![doc = " The module."] };
        let item = |tokens: proc_macro2::TokenStream| -> syn::Item { syn::parse2(tokens).unwrap() };
        let member = |tokens: proc_macro2::TokenStream| Member::Syntax(Box::new(syn::parse2(tokens).unwrap()));
        let block = |name: &str| -> syn::ItemImpl {
            let name = syn::Ident::new(name, proc_macro2::Span::call_site());
            syn::parse_quote! { impl #name {} }
        };
        let note = "the name under `VkAccessFlagBits2KHR`, an old name of this type; use `VIDEO_DECODE_READ_KHR`";
        let items = vec![
            Documented::Item(
                "[`VkA`](https://example.invalid) - A type\n\n# C Specification\n\n```c\ntypedef enum VkA {\n  VK_A_X = 0,\n} VkA;\n```\n   \ntrailing spaces   \n/ a slash\n".into(),
                item(quote::quote! { #[repr(transparent)] #[derive(Clone, Copy)] pub struct A(pub(crate) i32); }),
            ),
            Documented::Item("".into(), item(quote::quote! { vk_enum!(A, A_TABLE); })),
            Documented::Impl(
                block("A"),
                vec![
                    ("`VK_A_X`: the first.\n\nProvided by `VK_VERSION_1_0`.".into(), Member::Value("X", crate::emit::Value::Int(0))),
                    ("An old name.".into(), member(quote::quote! { #[deprecated(note = #note)] pub const OLD_NAME_OF_THE_FIRST_VALUE: Self = Self(0); })),
                    ("".into(), Member::Value("Y", crate::emit::Value::Int(-1))),
                    ("".into(), member(quote::quote! { pub const Z: Self = Self(1 << 3); })),
                ],
            ),
            Documented::Item("C: `VkB`, an alias of [`A`].".into(), item(quote::quote! { #[deprecated(note = "old")] pub type B = A; })),
            Documented::Impl(block("B"), vec![("One.".into(), member(quote::quote! { pub const ONE: Self = Self(1); }))]),
        ];
        (head, items)
    }

    #[test]
    fn documented_items_print_as_prettyplease_prints_their_doc_attributes() {
        let (head, items) = documented_items();
        let printed = print_documented(head, items).unwrap();
        let (head, items) = documented_items();
        assert_eq!(printed, prettyplease::unparse(&with_doc_attributes(head, items)));
        assert!(printed.contains("\n    /// `VK_A_X`: the first.\n    ///\n    /// Provided by"), "{printed}");
        assert!(printed.contains("\n///\n/// trailing spaces\n/// / a slash\n#[repr(transparent)]"), "{printed}");
        assert!(
            printed.contains("    #[deprecated(\n        note = "),
            "the note is broken as in the whole block: {printed}"
        );
    }

    /// Modules of constants (the extensions file's shape), nested, with names long enough
    /// to pass the margin and a C string that needs escaping, print as prettyplease prints
    /// them with doc attributes; a module of anything else is an error.
    #[test]
    fn modules_of_constants_print_as_prettyplease_prints_them() {
        use crate::emit::{Constant, Shaped};
        let long = "VK_VENDOR_an_extension_whose_name_is_long_enough_to_pass_the_margin_of_prettyplease";
        let items = || {
            let constants = vec![
                Documented::Shaped("The name.".into(), Shaped::Const("NAME", Constant::CStr(long))),
                Documented::Shaped("".into(), Shaped::Const("QUOTED", Constant::CStr("a\"b"))),
                Documented::Shaped(
                    "The version.\n\nTwo lines.".into(),
                    Shaped::Const("SPEC_VERSION", Constant::U32(7)),
                ),
            ];
            let inner =
                Documented::Module(format!("[`{long}`](https://example.invalid)").into(), "inner".into(), constants);
            vec![Documented::Module("A vendor.".into(), "vendor".into(), vec![inner])]
        };
        let head: syn::File = syn::parse_quote! { #![doc = " The module."] };
        let printed = print_documented(head.clone(), items()).unwrap();
        assert_eq!(printed, prettyplease::unparse(&with_doc_attributes(head.clone(), items())));
        assert!(printed.contains("\n        pub const NAME: &core::ffi::CStr = c\"VK_VENDOR_"), "{printed}");
        let block: syn::ItemImpl = syn::parse_quote! { impl A {} };
        let odd = vec![Documented::Module("".into(), "m".into(), vec![Documented::Impl(block, Vec::new())])];
        assert!(print_documented(head, odd).is_err());
    }

    #[test]
    fn the_longest_files_are_files_that_are_emitted() {
        for path in LONG_FILES {
            assert!(FILES.iter().any(|(p, _)| p == path), "{path} is not emitted");
        }
        // The lists and the extensions are not left to the end, after the small files.
        assert!(cost_rank("src/reflection/lists.rs") < cost_rank("src/lib.rs"));
        assert!(cost_rank("src/extensions.rs") < cost_rank("Cargo.toml"));
    }
}
