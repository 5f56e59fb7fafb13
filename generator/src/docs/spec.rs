//! Docs, spec: the specification's AsciiDoc sources -> a model of what the docs need,
//! read once: reference pages (name, desc, type, text), the list items and table rows that
//! describe each enumerant (`* ename:VK_...`, `| ename:VK_... | ...`), anchors with their
//! titles, and `{attribute}` values. The files are listed without the API ([`Sources`]);
//! each is then read, and its `ifdef::`/`ifndef::` evaluated for the selected API.

use crate::model::fasthash::FastMap as HashMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// One `[open,refpage='...']` block.
#[derive(Clone, Debug, PartialEq)]
pub struct Refpage {
    pub name: String,
    pub desc: String,
    pub kind: String,
    /// The block's text, conditionals evaluated, delimiters removed: its lines joined
    /// with `\n` (one allocation per page, not per line). Kept for the pages of the kinds
    /// the docs convert ([`CONVERTED_KINDS`]); empty for the others.
    pub text: String,
}

impl Refpage {
    pub fn lines(&self) -> Vec<&str> {
        self.text.lines().collect()
    }
}

/// The refpage types (`type='enums'`, `type='flags'`) of the pages whose text the docs
/// convert: those of enum and bitmask types.
pub const CONVERTED_KINDS: &[&str] = &["enums", "flags"];

/// The parts of the specification the docs use.
#[derive(Debug, Default, PartialEq)]
pub struct Spec {
    pub refpages: HashMap<String, Refpage>,
    /// Enumerant C name -> the list items that start with it (each item's lines joined
    /// with spaces).
    pub items: HashMap<String, Vec<String>>,
    /// Enumerant C name -> the table rows whose first cell is that name alone.
    pub rows: HashMap<String, Vec<TableRow>>,
    /// Anchor -> the title of its section or block (empty when it has none).
    pub anchors: HashMap<String, String>,
    pub attributes: HashMap<String, String>,
}

/// A table row that describes an enumerant: `| ename:VK_... | text |`, with its table's
/// title and header row.
#[derive(Clone, Debug, PartialEq)]
pub struct TableRow {
    pub title: Option<String>,
    pub header: Vec<String>,
    pub cells: Vec<String>,
}

/// Which conditionals hold: every version and extension the API selects (ten thousand
/// conditions are tested per run: hashed with the model's fast hash).
pub struct Defined(pub crate::model::fasthash::FastSet<String>);

impl Defined {
    /// `A,B`: any; `A+B`: all.
    pub fn holds(&self, condition: &str) -> bool {
        // One pass over the bytes: `str::split` set up a search for each part, which cost
        // more than the lookups (ten thousand conditions a run, most of them one name).
        let mut all = true;
        let mut start = 0;
        for (at, b) in condition.bytes().enumerate().chain([(condition.len(), b',')]) {
            if b == b',' || b == b'+' {
                all = all && self.0.contains(condition[start..at].trim());
                start = at + 1;
                if b == b',' {
                    if all {
                        return true;
                    }
                    all = true;
                }
            }
        }
        false
    }
}

/// The specification's sources before any is read: the `.adoc` files in path order, and
/// the `{attribute}` values. Nothing here depends on the API, so it is found while the
/// registry is parsed; the files are read when the API is known ([`Sources::index`]).
pub struct Sources {
    files: Vec<PathBuf>,
    attributes: HashMap<String, String>,
}

/// Files read and indexed per task: 690 files in 87 tasks, taken in order by whichever
/// core is free (the files' sizes are not known before they are read, and range from 1
/// to 600 KB).
const FILES_PER_TASK: usize = 8;

impl Sources {
    /// Reads `config/attribs.adoc` and lists every `.adoc` under `chapters/` and
    /// `appendices/`.
    pub fn list(dir: &Path) -> Result<Sources> {
        let attribs = dir.join("config/attribs.adoc");
        let text = std::fs::read_to_string(&attribs).map_err(|e| Error::io(&attribs, e))?;
        let attributes = attributes(&text);
        let mut files = Vec::new();
        // In path order, as within each folder (see `collect`).
        for sub in ["appendices", "chapters"] {
            collect(&dir.join(sub), &mut files)?;
        }
        if files.is_empty() {
            return Err(Error::Other(format!("{}: no specification sources (chapters/*.adoc)", dir.display())));
        }
        debug_assert!(files.is_sorted(), "collect gives the files in path order");
        Ok(Sources { files, attributes })
    }

    /// Reads every file, collects its anchors, evaluates its conditionals for `defined`
    /// and indexes refpages and list items, on every core ([`crate::cores`]). Each file is
    /// read into one buffer per thread and evaluated into another, used while they are
    /// in the cache: holding all 12 MB of the sources at once, read while the registry
    /// was parsed, touched that much fresh memory. The tasks' parts merge in path order,
    /// so the first definition of a refpage or anchor wins as in one pass.
    pub fn index(self, defined: &Defined) -> Result<Spec> {
        let tasks: Vec<&[PathBuf]> = self.files.chunks(FILES_PER_TASK).collect();
        let mut parts: Vec<Spec> = crate::cores::map_in_order(&tasks, |files| index_files(files, defined))
            .into_iter()
            .collect::<Result<_>>()?;
        let rest = parts.split_off(parts.len().min(1));
        let mut spec = parts.pop().unwrap_or_default();
        // The maps are made large enough at once: grown while merging, each doubling copied
        // them into fresh memory (a megabyte of first touches).
        spec.refpages.reserve(rest.iter().map(|p| p.refpages.len()).sum());
        spec.rows.reserve(rest.iter().map(|p| p.rows.len()).sum());
        spec.items.reserve(rest.iter().map(|p| p.items.len()).sum());
        spec.anchors.reserve(rest.iter().map(|p| p.anchors.len()).sum());
        for rest in rest {
            for (name, page) in rest.refpages {
                spec.refpages.entry(name).or_insert(page);
            }
            for (name, rows) in rest.rows {
                let entry = spec.rows.entry(name).or_default();
                for row in rows {
                    if !entry.contains(&row) {
                        entry.push(row);
                    }
                }
            }
            for (name, items) in rest.items {
                let entry = spec.items.entry(name).or_default();
                for item in items {
                    if !entry.contains(&item) {
                        entry.push(item);
                    }
                }
            }
            for (id, title) in rest.anchors {
                spec.anchors.entry(id).or_insert(title);
            }
        }
        spec.attributes = self.attributes;
        Ok(spec)
    }
}

/// Reads, evaluates and indexes `files`, in order, into a part of the [`Spec`].
fn index_files(files: &[PathBuf], defined: &Defined) -> Result<Spec> {
    thread_local! {
        /// A file's bytes (the buffer's whole length is initialized; a file fills its
        /// start), and its text with the conditionals evaluated.
        static BUFFERS: std::cell::RefCell<(Vec<u8>, String)> = Default::default();
    }
    BUFFERS.with_borrow_mut(|(bytes, evaluated)| {
        let mut part = Spec::default();
        for path in files {
            let text = read_into(path, bytes).map_err(|e| Error::io(path, e))?;
            collect_anchors(text, &mut part.anchors);
            evaluated.clear();
            // The evaluated text is never longer than the file's (a line end at most):
            // made that large at once rather than doubled past it.
            evaluated.reserve_exact(text.len() + 1);
            evaluate_into(text, defined, evaluated);
            index(evaluated, &mut part);
        }
        Ok(part)
    })
}

/// The text of the file at `path`, read into `buffer` (grown when a file does not fit): the
/// file is opened, read to its end and closed, four system calls. `read_to_string` asked
/// for the file's size and position first, two more per file, 1,400 for the
/// specification, each dear in the virtual machine the generator runs in.
fn read_into<'b>(path: &Path, buffer: &'b mut Vec<u8>) -> std::io::Result<&'b str> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut filled = 0;
    loop {
        if filled == buffer.len() {
            buffer.resize((2 * buffer.len()).max(256 << 10), 0);
        }
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    std::str::from_utf8(&buffer[..filled])
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("not UTF-8 text: {e}")))
}

/// Reads and indexes the specification in one go.
pub fn read(dir: &Path, defined: &Defined) -> Result<Spec> {
    Sources::list(dir)?.index(defined)
}

/// The `.adoc` files under `dir`, in path order: each folder's entries sorted by name and
/// walked depth first give the order of whole paths compared by components (sorting the
/// 690 paths afterwards compared them component by component, a quarter of reading them).
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut entries: Vec<std::fs::DirEntry> = entries.flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        // The entry's type comes with the folder's listing: asking the file system again
        // for each of 700 entries cost as many system calls. A link is followed.
        let is_dir = match entry.file_type() {
            Ok(kind) if kind.is_symlink() => path.is_dir(),
            Ok(kind) => kind.is_dir(),
            Err(_) => path.is_dir(),
        };
        if is_dir {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "adoc") {
            out.push(path);
        }
    }
    Ok(())
}

/// `:name: value` lines; `pass:q[...]` and `pass:[...]` wrappers removed.
pub fn attributes(text: &str) -> HashMap<String, String> {
    let mut out = HashMap::default();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix(':') else { continue };
        let Some((name, value)) = rest.split_once(':') else { continue };
        let mut value = value.trim();
        for wrapper in ["pass:q[", "pass:[", "pass:quotes["] {
            if let Some(inner) = value.strip_prefix(wrapper).and_then(|v| v.strip_suffix(']')) {
                value = inner;
            }
        }
        out.insert(name.trim().to_owned(), value.trim_end().to_owned());
    }
    out
}

/// `ifdef::`, `ifndef::`, `endif::` (and the one-line `ifdef::X[text]`) evaluated.
pub fn evaluate<'t>(text: &'t str, defined: &Defined) -> Vec<&'t str> {
    let mut conditions = Conditions::default();
    let mut out = Vec::with_capacity(text.len() / 32);
    for line in lines(text) {
        // Directives start with `i` or `e`; most lines are decided by their first byte.
        let directive = match line.as_bytes().first() {
            Some(b'i' | b'e') => DIRECTIVES.iter().find(|d| line.starts_with(**d)),
            _ => None,
        };
        match directive {
            Some(d) => out.extend(conditions.apply(d, line, defined)),
            None if conditions.hold() => out.push(line),
            None => {}
        }
    }
    out
}

/// The conditionals open at a point of a file: a line counts when all of them hold.
#[derive(Default)]
struct Conditions {
    open: Vec<bool>,
    /// How many of `open` do not hold.
    failing: usize,
}

impl Conditions {
    fn hold(&self) -> bool {
        self.failing == 0
    }

    /// Takes in a directive line that starts with `directive`; returns the one-line body
    /// (`ifdef::X[text]`) when it is kept.
    fn apply<'t>(&mut self, directive: &str, line: &'t str, defined: &Defined) -> Option<&'t str> {
        if directive == "endif::" {
            if self.open.pop() == Some(false) {
                self.failing -= 1;
            }
            return None;
        }
        let (holds, body) = directive_holds(directive, &line[directive.len()..], defined);
        if body.is_empty() {
            self.open.push(holds);
            self.failing += usize::from(!holds);
            None
        } else {
            (holds && self.hold()).then_some(body)
        }
    }
}

/// The directives [`evaluate`] acts on.
const DIRECTIVES: [&str; 4] = ["ifdef::", "ifndef::", "ifeval::", "endif::"];

/// The lines [`evaluate`] gives, as text: each line that holds, ending with `\n`, appended
/// to `out`. Only directive lines are read: each holds `if`, and one search over the text
/// finds them; the lines between two are copied, or dropped, as one run. (Reading every
/// line of the specification, a quarter of a million, was most of indexing it.)
pub fn evaluate_into(text: &str, defined: &Defined, out: &mut String) {
    let bytes = text.as_bytes();
    if memchr::memchr(b'\r', bytes).is_some() {
        // `\r\n` line ends: line by line, the ends dropped as [`lines`] drops them.
        for line in evaluate(text, defined) {
            out.push_str(line);
            out.push('\n');
        }
        return;
    }
    let mut conditions = Conditions::default();
    // Where the run of lines not yet copied or dropped starts.
    let mut run = 0;
    for at in memchr::memmem::find_iter(bytes, b"if") {
        // `ifdef::` and the like start at `if`, `endif::` three bytes before.
        let start = if at >= 3 && &bytes[at - 3..at] == b"end" { at - 3 } else { at };
        if start < run || (start > 0 && bytes[start - 1] != b'\n') {
            continue;
        }
        let end = line_end(text, start);
        let line = &text[start..end];
        let Some(directive) = DIRECTIVES.iter().find(|d| line.starts_with(**d)) else { continue };
        if conditions.hold() {
            out.push_str(&text[run..start]);
        }
        run = (end + 1).min(text.len());
        if let Some(body) = conditions.apply(directive, line, defined) {
            out.push_str(body);
            out.push('\n');
        }
    }
    if conditions.hold() && run < text.len() {
        out.push_str(&text[run..]);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
}

/// Whether an `ifdef::`/`ifndef::`/`ifeval::` directive holds, and its one-line body
/// (`ifdef::X[text]`; empty for a block's start). `rest` follows the directive's name.
fn directive_holds<'t>(directive: &str, rest: &'t str, defined: &Defined) -> (bool, &'t str) {
    let (condition, body) = match rest.split_once('[') {
        Some((c, b)) => (c, b.strip_suffix(']').unwrap_or(b)),
        None => (rest, ""),
    };
    let holds = match directive {
        "ifdef::" => defined.holds(condition),
        "ifndef::" => !defined.holds(condition),
        // Attribute comparisons (`ifeval`) are about the spec build, not the API.
        _ => false,
    };
    (holds, body)
}

/// The lines of `text`, as `str::lines` gives them (without `\n` or `\r\n`), found with
/// one vectorized search over the whole text: the specification has a quarter of a
/// million, the crate's doc comments fifty thousand.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    std::iter::from_fn(move || {
        match ends.next() {
            Some(end) => {
                let line = &text[start..end];
                start = end + 1;
                Some(line.strip_suffix('\r').unwrap_or(line))
            }
            // The last line, without a line ending: kept as it is.
            None if start < text.len() => {
                let line = &text[start..];
                start = text.len();
                Some(line)
            }
            None => None,
        }
    })
}

/// `[[id]]` / `[[id,text]]` anchors and the title that follows them. One search over the
/// whole text finds the lines that hold any.
fn collect_anchors(text: &str, anchors: &mut HashMap<String, String>) {
    let finder = memchr::memmem::Finder::new("[[");
    let mut from = 0;
    while let Some(found) = finder.find(&text.as_bytes()[from..]) {
        let at = from + found;
        // Valid-usage IDs (33,000 of them) are left out below: skipped here before their
        // line is looked for. Another anchor on the same line still finds the line.
        if text.as_bytes()[at + 2..].starts_with(b"VUID-") {
            from = at + 2;
            continue;
        }
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let line = &text[line_start..line_end];
        let following = text.get(line_end + 1..).unwrap_or("");
        anchors_of_line(line, following, anchors);
        from = line_end;
    }
}

fn anchors_of_line(line: &str, following: &str, anchors: &mut HashMap<String, String>) {
    let mut rest = line;
    while let Some(start) = find_twice(rest, b'[') {
        let Some(end) = find_twice(&rest[start..], b']') else { break };
        let inner = &rest[start + 2..start + end];
        let (id, label) = inner.split_once(',').unwrap_or((inner, ""));
        // Valid-usage IDs are tens of thousands of anchors no text links to.
        if !id.is_empty()
            && !id.starts_with("VUID-")
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        {
            let mut title = label.trim().to_owned();
            let whole_line = line.trim().strip_prefix("[[").and_then(|l| l.strip_suffix("]]")) == Some(inner);
            if title.is_empty() && whole_line {
                // The section or block title on the next lines.
                for next in following.lines().take(3) {
                    let t = next.trim();
                    if let Some(h) = t.strip_prefix('=') {
                        title = h.trim_start_matches('=').trim().to_owned();
                        break;
                    }
                    if let Some(c) = t.strip_prefix('.').filter(|c| !c.starts_with('.') && !c.is_empty()) {
                        title = c.to_owned();
                        break;
                    }
                    if !t.starts_with('[') {
                        break;
                    }
                }
            }
            anchors.entry(id.to_owned()).or_insert(title);
        }
        rest = &rest[start + end + 2..];
    }
}

/// Where `[[` (or `]]`, ...) first occurs in `s`: found by the byte, a search set up for
/// nothing (a substring search costs more to prepare than a short line takes to scan).
fn find_twice(s: &str, byte: u8) -> Option<usize> {
    let bytes = s.as_bytes();
    memchr::memchr_iter(byte, bytes).find(|&i| bytes.get(i + 1) == Some(&byte))
}

/// The value of `key='value'` in a block's attribute line: the first `key` followed by
/// `='`. Found from each `=`, not by a substring search (a refpage line holds few).
fn attr_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let bytes = header.as_bytes();
    let eq =
        memchr::memchr_iter(b'=', bytes).find(|&i| bytes.get(i + 1) == Some(&b'\'') && header[..i].ends_with(key))?;
    let start = eq + 2;
    let end = memchr::memchr(b'\'', &bytes[start..])?;
    Some(&header[start..start + end])
}

/// A list item line: `  * ename:VK_...` (any depth).
fn item_start(line: &str) -> Option<&str> {
    // Most lines are not items: their first byte after the indentation tells.
    let t = line.trim_ascii_start();
    if !t.starts_with('*') {
        return None;
    }
    let rest = t.trim_start_matches('*');
    if !rest.starts_with(' ') {
        return None;
    }
    Some(rest.trim_start())
}

/// The refpage blocks and the list items and table rows of one file's evaluated text
/// (see [`evaluate_into`]: whole lines, each ending with `\n`). Only the places that
/// matter are looked at, found by searching the whole text: block headers
/// (`[open,refpage=`), `ename:` (an item starts with one) and `|===` (a table's
/// delimiter); lines are read one by one only around them. Items and rows inside a block
/// are indexed block by block, those outside after all blocks, each in text order.
fn index(text: &str, spec: &mut Spec) {
    let blocks = refpage_blocks(text);
    for block in &blocks {
        let content = block.content.clone();
        index_items(text, content.clone(), spec);
        let tables = delimiter_lines(text, content.clone());
        for pair in tables.chunks(2) {
            let open = pair[0];
            let close = pair.get(1).copied().unwrap_or(content.end);
            let before = lines_before(text, content.start, open, 3);
            index_table(&before, &body_lines(text, open, close), spec);
        }
        let header = &text[block.header.clone()];
        let name = attr_value(header, "refpage").unwrap_or_default().to_owned();
        let desc = attr_value(header, "desc").unwrap_or_default().to_owned();
        let kind = attr_value(header, "type").unwrap_or_default().to_owned();
        spec.refpages.entry(name.clone()).or_insert_with(|| {
            // Only the pages of enum and bitmask types are converted: the others (four in
            // five) are named and linked to, their text never read.
            let text = if CONVERTED_KINDS.contains(&kind.as_str()) {
                // The block's lines joined with `\n`: its text without the last line end.
                text[content.clone()].strip_suffix('\n').unwrap_or_default().to_owned()
            } else {
                String::new()
            };
            Refpage { name, desc, kind, text }
        });
    }
    // Outside the blocks: some enumerants are described there (formats). An item there
    // ends at a block; a table may go on after one.
    let mut outside = Vec::with_capacity(blocks.len() + 1);
    let mut from = 0;
    for block in &blocks {
        outside.push(from..block.header.start);
        from = block.after;
    }
    outside.push(from..text.len());
    for run in &outside {
        index_items(text, run.clone(), spec);
    }
    index_outside_tables(text, &outside, spec);
}

/// The tables in the `outside` runs (the text between blocks, in order), read as one run
/// with an empty line in place of each block: a table's lines, and the three lines
/// before it, may go on across a block.
fn index_outside_tables(text: &str, outside: &[std::ops::Range<usize>], spec: &mut Spec) {
    let tables: Vec<(usize, usize)> = outside
        .iter()
        .enumerate()
        .flat_map(|(r, run)| delimiter_lines(text, run.clone()).into_iter().map(move |at| (r, at)))
        .collect();
    for pair in tables.chunks(2) {
        let (r, open) = pair[0];
        let close = pair.get(1).copied().unwrap_or((outside.len() - 1, text.len()));
        let mut before = Vec::new();
        // The three lines before the table, an empty line in place of each block.
        for (k, run) in outside[..=r].iter().enumerate().rev() {
            let end = if k == r { open } else { run.end };
            let mut lines = lines_before(text, run.start, end, 3 - before.len());
            lines.append(&mut before);
            before = lines;
            if before.len() == 3 || k == 0 {
                break;
            }
            before.insert(0, "");
        }
        let before = &before[before.len().saturating_sub(3)..];
        let mut body = Vec::new();
        for (k, run) in outside.iter().enumerate().take(close.0 + 1).skip(r) {
            let start = if k == r { next_line(text, open) } else { run.start };
            let end = if k == close.0 { close.1 } else { run.end };
            if k > r {
                body.push("");
            }
            body.extend(lines(&text[start..end.max(start)]));
        }
        index_table(before, &body, spec);
    }
}

/// A substring search made once: making one (choosing how to search) costs more than
/// running it over a short run of text, and the runs number thousands per file.
type Search = std::sync::LazyLock<memchr::memmem::Finder<'static>>;

static REFPAGE_HEADER: Search = Search::new(|| memchr::memmem::Finder::new("[open,refpage="));
static BLOCK_DELIMITER: Search = Search::new(|| memchr::memmem::Finder::new("--"));
static TABLE_DELIMITER: Search = Search::new(|| memchr::memmem::Finder::new("|==="));
static ENUMERANT: Search = Search::new(|| memchr::memmem::Finder::new("ename:"));

/// Where `search`'s needle first occurs in `text[from..to]`, as an offset in `text`.
fn find(search: &Search, text: &str, from: usize, to: usize) -> Option<usize> {
    search.find(&text.as_bytes()[from..to]).map(|i| from + i)
}

/// A `[open,refpage=...]` block: its header line, the lines between its `--`
/// delimiters, and where the text after it starts.
struct Block {
    header: std::ops::Range<usize>,
    content: std::ops::Range<usize>,
    after: usize,
}

/// The refpage blocks of `text`, in order. A header inside a block opens none; a block
/// with no closing `--` runs to the end.
fn refpage_blocks(text: &str) -> Vec<Block> {
    let bytes = text.as_bytes();
    let mut blocks = Vec::new();
    let mut from = 0;
    while let Some(at) = find(&REFPAGE_HEADER, text, from, text.len()) {
        if at > 0 && bytes[at - 1] != b'\n' {
            from = at + 1;
            continue;
        }
        let header = at..line_end(text, at);
        let mut start = next_line(text, header.end);
        if start < text.len() && is_delimiter(&text[start..line_end(text, start)]) {
            start = next_line(text, line_end(text, start));
        }
        let (end, after) = match closing_delimiter(text, start) {
            Some(end) => (end, next_line(text, line_end(text, end))),
            None => (text.len(), text.len()),
        };
        blocks.push(Block { header, content: start..end, after });
        if after >= text.len() {
            break;
        }
        from = after;
    }
    blocks
}

fn is_delimiter(line: &str) -> bool {
    line.trim_ascii() == "--"
}

/// The start of the first line from `from` that is a block's `--` delimiter.
fn closing_delimiter(text: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while at < text.len() {
        let found = find(&BLOCK_DELIMITER, text, at, text.len())?;
        let start = line_start(text, found);
        let end = line_end(text, found);
        if is_delimiter(&text[start..end]) {
            return Some(start);
        }
        at = end;
    }
    None
}

/// The start of the line that holds byte `at`.
fn line_start(text: &str, at: usize) -> usize {
    memchr::memrchr(b'\n', &text.as_bytes()[..at]).map_or(0, |i| i + 1)
}

/// The end of the line that holds byte `at` (its `\n`, or the end of the text).
fn line_end(text: &str, at: usize) -> usize {
    memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |i| at + i)
}

/// The start of the line after the one that holds `at`.
fn next_line(text: &str, at: usize) -> usize {
    (line_end(text, at) + 1).min(text.len())
}

/// Up to `n` whole lines of `run_start..end` (`end` a line start) just before `end`, in
/// text order.
fn lines_before(text: &str, run_start: usize, end: usize, n: usize) -> Vec<&str> {
    let mut lines = Vec::with_capacity(n);
    let mut end = end;
    while lines.len() < n && end > run_start {
        let start = line_start(text, end - 1).max(run_start);
        lines.push(&text[start..end - 1]);
        end = start;
    }
    lines.reverse();
    lines
}

/// The lines after the table delimiter at `open`, up to `close` (a line start).
fn body_lines(text: &str, open: usize, close: usize) -> Vec<&str> {
    let start = next_line(text, open);
    lines(&text[start..close.max(start)]).collect()
}

/// The starts of the table delimiter lines (`|===`) in `run`, in order.
fn delimiter_lines(text: &str, run: std::ops::Range<usize>) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut at = run.start;
    while let Some(found) = find(&TABLE_DELIMITER, text, at, run.end) {
        let start = line_start(text, found).max(run.start);
        let end = line_end(text, found);
        if text[start..end].trim_ascii_start().starts_with("|===") {
            lines.push(start);
        }
        at = (end + 1).min(run.end);
    }
    lines
}

/// A table (`|===` ... `|===`, its `body` lines) whose rows start with an enumerant: each
/// such row with text in another cell is indexed under that enumerant, with the table's
/// header and title (from the three lines `before` it: `[[anchor]]`, `.Title`,
/// `[cols=...]`).
fn index_table(before: &[&str], body: &[&str], spec: &mut Spec) {
    // Most tables name no enumerant at a row's start: not worth splitting into cells.
    if !body.iter().any(|l| l.trim_start().strip_prefix('|').is_some_and(|r| r.trim_start().starts_with("ename:"))) {
        return;
    }
    let mut title = None;
    let mut cols = None;
    for before in before.iter().map(|l| l.trim()) {
        if let Some(t) = before.strip_prefix('.').filter(|t| !t.is_empty() && !t.starts_with('.')) {
            title = Some(t.to_owned());
        } else if let Some(attrs) = before.strip_prefix('[').and_then(|b| b.strip_suffix(']')) {
            if let Some(c) = crate::docs::markup::block_attribute(attrs, "cols") {
                cols = crate::docs::markup::count_cols(c);
            }
        }
    }
    let rows = crate::docs::markup::table_rows(body, cols);
    if let Some((header, body)) = rows.split_first() {
        for row in body {
            let Some(name) = row[0].strip_prefix("ename:") else { continue };
            let is_name = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !is_name || row[1..].iter().all(|c| c.is_empty() || c == "-") {
                continue;
            }
            let entry = spec.rows.entry(name.to_owned()).or_default();
            let row = TableRow { title: title.clone(), header: header.clone(), cells: row.clone() };
            if !entry.contains(&row) {
                entry.push(row);
            }
        }
    }
}

/// The list items of `run` (whole lines) that start with an enumerant (`* ename:VK_...`),
/// each with the lines that go on with it, joined with spaces.
fn index_items(text: &str, run: std::ops::Range<usize>, spec: &mut Spec) {
    let mut at = run.start;
    while let Some(name_at) = find(&ENUMERANT, text, at, run.end) {
        // Most `ename:` are in running text: an item's first one follows its marker
        // (`*` and spaces), which the bytes before it tell without finding the line.
        let before = text.as_bytes()[run.start..name_at].trim_ascii_end();
        if before.len() == name_at - run.start || before.last() != Some(&b'*') {
            at = name_at + "ename:".len();
            continue;
        }
        let start = line_start(text, name_at).max(run.start);
        let end = line_end(text, name_at);
        at = (end + 1).min(run.end);
        let line = &text[start..end];
        // An item's first `ename:` follows its marker: `* ` and spaces.
        let Some(rest) = item_start(line) else { continue };
        if line.len() - rest.len() != name_at - start {
            continue;
        }
        let after = &rest["ename:".len()..];
        let name_len = after.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
        let name = after[..name_len].to_owned();
        let mut item = line.trim_start().to_owned();
        while at < run.end {
            let end = line_end(text, at);
            let l = &text[at..end];
            if ends_item(l) {
                break;
            }
            item.push(' ');
            item.push_str(l.trim());
            at = (end + 1).min(run.end);
        }
        // A list of bare names (`* ename:VK_X`, `* ename:VK_Y, or`) mentions values: it
        // describes none, as a table row with no text besides the name describes nothing.
        if !is_bare_mention(&item, &name) {
            let entry = spec.items.entry(name).or_default();
            if !entry.contains(&item) {
                entry.push(item);
            }
        }
    }
}

/// A line that ends the list item before it: an empty line, another item, a list
/// continuation (`+`), a block delimiter, an anchor or block attributes, a table.
fn ends_item(line: &str) -> bool {
    let t = line.trim();
    t.is_empty()
        || item_start(line).is_some()
        || t == "+"
        || t == "--"
        || t.starts_with("[[")
        || t.starts_with('[') && t.ends_with(']')
        || t.starts_with("|===")
        || t == "===="
}

/// An item that holds only its name, with at most a comma or period and `or`/`and`.
fn is_bare_mention(item: &str, name: &str) -> bool {
    let rest = item.trim_start_matches('*').trim_start();
    let rest = rest.strip_prefix("ename:").and_then(|r| r.strip_prefix(name)).unwrap_or(rest);
    let rest = rest.trim().trim_start_matches([',', '.', ';']).trim();
    matches!(rest, "" | "or" | "and")
}

/// The line-by-line indexer that [`index`] replaced, kept as the reference it is tested
/// against: the same refpages, items and rows for every file of the specification. What
/// it shares with [`index`] (a table's rows, where an item ends) is not copied here: the
/// reference is for finding blocks, items and tables, which is what changed.
#[cfg(test)]
mod reference {
    use super::*;

    pub fn index(lines: &[&str], spec: &mut Spec) {
        // Lines outside refpage blocks: some enumerants are described there (formats).
        let mut outside: Vec<&str> = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            let line = &lines[i];
            if !line.starts_with("[open,refpage=") {
                outside.push(line);
                i += 1;
                continue;
            }
            let name = attr_value(line, "refpage").unwrap_or_default().to_owned();
            let desc = attr_value(line, "desc").unwrap_or_default().to_owned();
            let kind = attr_value(line, "type").unwrap_or_default().to_owned();
            let mut j = i + 1;
            if lines.get(j).is_some_and(|l| l.trim_ascii() == "--") {
                j += 1;
            }
            let start = j;
            while j < lines.len() && lines[j].trim_ascii() != "--" {
                j += 1;
            }
            index_items(&lines[start..j], spec);
            index_rows(&lines[start..j], spec);
            spec.refpages.entry(name.clone()).or_insert_with(|| {
                // Only the pages of enum and bitmask types are converted: the others (four in
                // five) are named and linked to, their text never read.
                let text =
                    if CONVERTED_KINDS.contains(&kind.as_str()) { lines[start..j].join("\n") } else { String::new() };
                Refpage { name, desc, kind, text }
            });
            // A blank line keeps items before and after the block apart.
            outside.push("");
            i = j + 1;
        }
        index_items(&outside, spec);
        index_rows(&outside, spec);
    }

    /// Tables (`|===` ... `|===`) found line by line; each is indexed as [`index_table`]
    /// does, with the three lines before it.
    fn index_rows(lines: &[&str], spec: &mut Spec) {
        let mut i = 0;
        while i < lines.len() {
            if !lines[i].trim_ascii_start().starts_with("|===") {
                i += 1;
                continue;
            }
            let mut end = i + 1;
            while end < lines.len() && !lines[end].trim_ascii_start().starts_with("|===") {
                end += 1;
            }
            index_table(&lines[i.saturating_sub(3)..i], &lines[i + 1..end.min(lines.len())], spec);
            i = end + 1;
        }
    }

    fn index_items(lines: &[&str], spec: &mut Spec) {
        let mut i = 0;
        while i < lines.len() {
            let Some(rest) = item_start(lines[i]) else {
                i += 1;
                continue;
            };
            let Some(name) = rest.strip_prefix("ename:") else {
                i += 1;
                continue;
            };
            let name: String = name.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            let mut item = lines[i].trim_start().to_owned();
            let mut j = i + 1;
            while j < lines.len() && !ends_item(lines[j]) {
                item.push(' ');
                item.push_str(lines[j].trim());
                j += 1;
            }
            // A list of bare names (`* ename:VK_X`, `* ename:VK_Y, or`) mentions values: it
            // describes none, as a table row with no text besides the name describes nothing.
            if !is_bare_mention(&item, &name) {
                let entry = spec.items.entry(name).or_default();
                if !entry.contains(&item) {
                    entry.push(item);
                }
            }
            i = j;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defined(names: &[&str]) -> Defined {
        Defined(names.iter().map(|s| s.to_string()).collect())
    }

    /// Evaluates and indexes `text` as one file of the specification.
    fn index_text(text: &str, defined: &Defined, spec: &mut Spec) {
        let mut evaluated = String::new();
        evaluate_into(text, defined, &mut evaluated);
        index(&evaluated, spec);
    }

    /// The same file indexed by [`index`] and by the line-by-line [`reference`].
    fn assert_indexed_as_reference(text: &str, defined: &Defined, what: &str) {
        let mut fast = Spec::default();
        index_text(text, defined, &mut fast);
        let mut slow = Spec::default();
        reference::index(&evaluate(text, defined), &mut slow);
        assert_eq!(fast, slow, "{what}");
    }

    #[test]
    fn files_are_collected_in_path_order() {
        // `a-b` sorts before `a/` byte by byte but after `a` component by component.
        let root = std::env::temp_dir().join(format!("vkxml-collect-{}", std::process::id()));
        for file in ["a-b/x.adoc", "a/y.adoc", "a/b/z.adoc", "a.adoc", "b.adoc", "a/notes.txt"] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "").unwrap();
        }
        // A link to a folder is followed.
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("a/b"), root.join("c")).unwrap();
        let mut files = Vec::new();
        collect(&root, &mut files).unwrap();
        std::fs::remove_dir_all(&root).unwrap();
        let mut sorted = files.clone();
        sorted.sort();
        assert_eq!(files, sorted);
        let names: Vec<_> = files.iter().map(|f| f.strip_prefix(&root).unwrap().to_str().unwrap().to_owned()).collect();
        #[cfg(unix)]
        assert_eq!(names, ["a/b/z.adoc", "a/y.adoc", "a-b/x.adoc", "a.adoc", "b.adoc", "c/z.adoc"]);
        #[cfg(not(unix))]
        assert_eq!(names, ["a/b/z.adoc", "a/y.adoc", "a-b/x.adoc", "a.adoc", "b.adoc"]);
    }

    /// A file longer than the buffer grows it and is read whole; a shorter file read into
    /// the same buffer afterwards gives its own text, nothing of the one before.
    #[test]
    fn files_are_read_whole_into_a_reused_buffer() {
        let root = std::env::temp_dir().join(format!("vkxml-read-into-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        let long: String = (0..40_000).map(|i| format!("line {i} é\n")).collect();
        assert!(long.len() > 2 * (256 << 10));
        std::fs::write(root.join("long.adoc"), &long).unwrap();
        std::fs::write(root.join("short.adoc"), "short\n").unwrap();
        std::fs::write(root.join("empty.adoc"), "").unwrap();
        let mut buffer = Vec::new();
        assert_eq!(read_into(&root.join("long.adoc"), &mut buffer).unwrap(), long);
        assert_eq!(read_into(&root.join("short.adoc"), &mut buffer).unwrap(), "short\n");
        assert_eq!(read_into(&root.join("empty.adoc"), &mut buffer).unwrap(), "");
        let missing = read_into(&root.join("missing.adoc"), &mut buffer).unwrap_err();
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    }

    /// The sources are listed first and read when indexed: the first anchor and refpage in
    /// path order win across the tasks' parts, and a file that cannot be read is an error
    /// naming it.
    #[test]
    fn sources_are_read_when_indexed_first_definitions_winning() {
        let root = std::env::temp_dir().join(format!("vkxml-sources-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("config")).unwrap();
        std::fs::create_dir_all(root.join("chapters")).unwrap();
        std::fs::create_dir_all(root.join("appendices")).unwrap();
        std::fs::write(root.join("config/attribs.adoc"), ":wbro:\n").unwrap();
        // More files than one task takes, each defining the same anchor and refpage.
        let page = |n: usize| {
            format!(
                "[[same-anchor]]\n== Title {n}\n\n[open,refpage='VkSame',desc='From file {n}',type='enums']\n--\ntext {n}\n--\n"
            )
        };
        for n in 0..3 * FILES_PER_TASK {
            std::fs::write(root.join(format!("chapters/f{n:03}.adoc")), page(n)).unwrap();
        }
        let defined = Defined(Default::default());
        let spec = Sources::list(&root).unwrap().index(&defined).unwrap();
        assert_eq!(spec.refpages["VkSame"].desc, "From file 0");
        assert_eq!(spec.anchors["same-anchor"], "Title 0");
        assert_eq!(spec.attributes["wbro"], "");

        // Not UTF-8: an error at indexing, naming the file.
        std::fs::write(root.join("chapters/f010.adoc"), b"\xff\xfe").unwrap();
        let sources = Sources::list(&root).unwrap();
        let error = sources.index(&defined).unwrap_err().to_string();
        std::fs::remove_dir_all(&root).unwrap();
        assert!(error.contains("f010.adoc"), "{error}");
    }

    #[test]
    fn lines_split_as_str_lines_does() {
        for text in ["", "a", "a\n", "a\r\nb", "\n\nc\r\n", "x\ny", "a\r", "a\rb\n"] {
            assert_eq!(lines(text).collect::<Vec<_>>(), text.lines().collect::<Vec<_>>(), "{text:?}");
        }
    }

    #[test]
    fn conditionals_follow_the_selected_api() {
        let text = "a\nifdef::VK_X[]\nb\nendif::VK_X[]\nifndef::VK_X[]\nc\nendif::VK_X[]\nifdef::VK_Y,VK_X[]\nd\nendif::VK_Y,VK_X[]\nifdef::VK_Y+VK_X[]\ne\nendif::VK_Y+VK_X[]\nifdef::VK_X[inline]";
        assert_eq!(evaluate(text, &defined(&["VK_X"])), ["a", "b", "d", "inline"]);
        assert_eq!(evaluate(text, &defined(&[])), ["a", "c"]);
    }

    #[test]
    fn a_condition_holds_when_any_alternative_has_all_its_names_defined() {
        let d = defined(&["VK_X", "VK_Y"]);
        for (condition, holds) in [
            ("VK_X", true),
            ("VK_Z", false),
            ("VK_Z,VK_X", true),
            ("VK_X+VK_Y", true),
            ("VK_X+VK_Z", false),
            ("VK_X+VK_Z,VK_Y", true),
            ("VK_Z,VK_X+VK_Z", false),
            (" VK_X + VK_Y ", true),
            ("", false),
            ("VK_Z,", false),
            (",VK_Y", true),
        ] {
            assert_eq!(d.holds(condition), holds, "{condition:?}");
        }
    }

    #[test]
    fn evaluated_text_holds_the_lines_that_evaluate_gives() {
        let texts = [
            "a\nifdef::VK_X[]\nb\nendif::VK_X[]\nifndef::VK_X[]\nc\nendif::VK_X[]\nifdef::VK_X[inline]",
            // Nested; `if` inside words and lines; a directive on the first and last line.
            "ifdef::VK_Y[]\nifdef::VK_X[]\nx\nendif::VK_X[]\ny\nendif::VK_Y[]\nlegendif::z\n if::\ndiff\nendif::VK_Q[]",
            "ifeval::[\"{a}\"==\"b\"]\nhidden\nendif::[]\nshown\n\n\nlast",
            "no directives\n",
            "",
            "\n\n",
            "a\r\nifdef::VK_X[]\r\nb\r\nendif::VK_X[]\r\nc",
        ];
        for text in texts {
            for names in [&["VK_X"][..], &[], &["VK_X", "VK_Y"]] {
                let defined = defined(names);
                let mut out = String::new();
                evaluate_into(text, &defined, &mut out);
                assert!(out.is_empty() || out.ends_with('\n'), "{text:?}");
                assert_eq!(lines(&out).collect::<Vec<_>>(), evaluate(text, &defined), "{text:?} {names:?}");
            }
        }
    }

    #[test]
    fn blocks_items_and_tables_at_their_edges_are_indexed_as_line_by_line() {
        let texts = [
            // An item before a block, a block with no opening `--`, one with no end.
            "  * ename:VK_A is a\n[open,refpage='VkA',desc='A',type='enums']\n  * ename:VK_B is b\n--\nafter\n[open,refpage='VkB',desc='B',type='flags']\n--\n  * ename:VK_C is c\n    and more",
            // A table outside the blocks that goes on after one, its title before another.
            ".Title\n[open,refpage='VkT',desc='T',type='enums']\n--\ntext\n--\n|===\n| ename:VK_T_A | a\n[open,refpage='VkU',desc='U',type='enums']\n--\n--\n| ename:VK_T_B | b\n|===\n",
            // A table in a block, unclosed; a header that is not at a line start.
            "[open,refpage='VkR',desc='R',type='enums']\n--\n.Rows\n|===\n| Name | Text\n| ename:VK_R_A | a\n--\nx [open,refpage='VkS',desc='S']\n",
            // Items: two on a line, a marker with no name, `ename:` not first.
            "* ename:VK_D and ename:VK_E\n* see ename:VK_F\n** ename:VK_G is g\n+\n* ename:VK_H\n",
            // Blocks back to back, a header on the last line.
            "[open,refpage='V1',desc='1',type='enums']\n--\n--\n[open,refpage='V2',desc='2',type='enums']\n--\n* ename:VK_I i\n--\n[open,refpage='V3',desc='3',type='enums']",
        ];
        for text in texts {
            assert_indexed_as_reference(text, &defined(&[]), text);
        }
    }

    #[test]
    fn every_file_of_the_specification_is_indexed_as_line_by_line() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vulkan-docs");
        let mut files = Vec::new();
        for sub in ["appendices", "chapters"] {
            collect(&dir.join(sub), &mut files).expect("the specification beside the project");
        }
        assert!(files.len() > 100, "{} files", files.len());
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            // With none of the file's conditions defined, and with every other one.
            let names: Vec<String> = lines(&text)
                .filter_map(|l| l.strip_prefix("ifdef::").or_else(|| l.strip_prefix("ifndef::")))
                .flat_map(|rest| rest.split('[').next().unwrap_or("").split([',', '+']).map(str::to_owned))
                .collect();
            let some = Defined(names.iter().step_by(2).cloned().collect());
            for defined in [defined(&[]), some] {
                assert_indexed_as_reference(&text, &defined, &path.display().to_string());
            }
        }
    }

    #[test]
    fn items_and_refpages_are_indexed() {
        let text = "[open,refpage='VkFoo',desc='A foo',type='enums']\n--\nText\n\n  * ename:VK_FOO_A is a.\n    More.\n  * ename:VK_FOO_B is b.\n--\n  * ename:VK_FOO_C is c.\n";
        let mut spec = Spec::default();
        index_text(text, &defined(&[]), &mut spec);
        assert_eq!(spec.refpages["VkFoo"].desc, "A foo");
        assert_eq!(spec.items["VK_FOO_A"], ["* ename:VK_FOO_A is a. More."]);
        assert!(spec.items.contains_key("VK_FOO_B") && spec.items.contains_key("VK_FOO_C"));
    }

    #[test]
    fn a_list_of_bare_names_describes_none_of_them() {
        let text = "One of:\n\n  * ename:VK_FOO_A\n  * ename:VK_FOO_B, or\n  * ename:VK_FOO_C.\n  * ename:VK_FOO_D\n    is d.\n";
        let mut spec = Spec::default();
        index_text(text, &defined(&[]), &mut spec);
        for bare in ["VK_FOO_A", "VK_FOO_B", "VK_FOO_C"] {
            assert!(!spec.items.contains_key(bare), "{bare}");
        }
        // A name whose text goes on in the next line is described.
        assert_eq!(spec.items["VK_FOO_D"], ["* ename:VK_FOO_D is d."]);
    }

    #[test]
    fn table_rows_that_start_with_an_enumerant_are_indexed() {
        let text = ".Object types\n[cols=\"1,1\",options=\"header\"]\n|====\n| elink:VkObjectType | Handle\n| ename:VK_OBJECT_TYPE_INSTANCE | slink:VkInstance\n| ename:VK_OBJECT_TYPE_EMPTY | -\n|====\n";
        let mut spec = Spec::default();
        index_text(text, &defined(&[]), &mut spec);
        let row = &spec.rows["VK_OBJECT_TYPE_INSTANCE"][0];
        assert_eq!(row.title.as_deref(), Some("Object types"));
        assert_eq!(row.header, ["elink:VkObjectType", "Handle"]);
        assert_eq!(row.cells, ["ename:VK_OBJECT_TYPE_INSTANCE", "slink:VkInstance"]);
        // A row with no text besides the name describes nothing.
        assert!(!spec.rows.contains_key("VK_OBJECT_TYPE_EMPTY"));
    }

    #[test]
    fn anchors_take_their_section_title() {
        let mut a = HashMap::default();
        collect_anchors("[[memory-external]]\n=== External Memory\n[[x,Shown]]\ntext [[inline]]", &mut a);
        assert_eq!(a["memory-external"], "External Memory");
        assert_eq!(a["x"], "Shown");
        assert!(a.contains_key("inline"));
    }
}
