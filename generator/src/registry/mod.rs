//! Stage 1, registry: vk.xml text -> structs that mirror the parts of vk.xml this generator
//! reads (tags, types, enums blocks, commands, features, extensions and their
//! require/remove/deprecate blocks, and the synchronization flags of `<sync>` for the
//! docs), each with its source position. No Vulkan rule lives here; sections the
//! generator does not read (formats, spirv, video codecs) are skipped silently, unknown
//! elements inside the sections it reads become warnings.

pub mod file;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use roxmltree::{Document, Node, ParsingOptions};

use crate::error::{Error, Pos, Result, Warning};

/// The parts of one vk.xml file that the generator reads.
#[derive(Debug, Default)]
pub struct Registry {
    pub path: PathBuf,
    /// Where the `<registry>` element starts.
    pub pos: Pos,
    pub tags: Vec<Tag>,
    pub types: Vec<TypeDef>,
    pub enums: Vec<EnumsBlock>,
    pub commands: Vec<CommandDef>,
    pub features: Vec<FeatureDef>,
    pub extensions: Vec<ExtensionDef>,
    /// `<syncstage>` and `<syncaccess>` of `<sync>` (newer registries only).
    pub sync_flags: Vec<SyncFlag>,
    /// `<syncpipeline>` of `<sync>`.
    pub sync_pipelines: Vec<SyncPipeline>,
    pub warnings: Vec<Warning>,
}

/// Whether a `<sync>` entry is a pipeline stage or an access flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncKind {
    Stage,
    Access,
}

/// `<syncstage>` or `<syncaccess>`: a synchronization flag, what supports it and what it
/// is equivalent to.
#[derive(Debug, Clone)]
pub struct SyncFlag {
    pub kind: SyncKind,
    pub name: String,
    /// `<syncsupport queues=...>` of a stage, `<syncsupport stage=...>` of an access flag.
    pub support: Option<Vec<String>>,
    /// `<syncequivalent stage=...>` or `<syncequivalent access=...>`.
    pub equivalent: Option<Vec<String>>,
    pub pos: Pos,
}

/// `<syncpipeline>`: a pipeline's stages in order (those with `order="None"` left out).
#[derive(Debug, Clone)]
pub struct SyncPipeline {
    pub name: String,
    pub stages: Vec<String>,
    pub pos: Pos,
}

/// `<tag name="KHR" .../>`: a vendor suffix.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
}

/// `<type>` inside `<types>`.
#[derive(Debug, Clone, Default)]
pub struct TypeDef {
    pub name: String,
    pub category: Option<String>,
    pub api: Option<String>,
    pub alias: Option<String>,
    pub requires: Option<String>,
    pub bitvalues: Option<String>,
    pub deprecated: Option<String>,
    pub comment: Option<String>,
    /// Text of every nested `<type>` (member types, the base type of a bitmask).
    pub type_refs: Vec<String>,
    /// Text of every nested `<enum>` (array lengths of members).
    pub enum_refs: Vec<String>,
    /// The text content of a `define` type (such as `VK_HEADER_VERSION`); empty for others.
    pub text: String,
    pub pos: Pos,
}

/// `<enums>`: a block of enumerants (an enum, a bitmask, or the API constants).
#[derive(Debug, Clone, Default)]
pub struct EnumsBlock {
    pub name: String,
    /// `type="enum"`, `"bitmask"`, `"constants"` or absent (old API constants).
    pub kind: Option<String>,
    pub bitwidth: Option<String>,
    pub enums: Vec<EnumDef>,
    pub pos: Pos,
}

/// `<enum>`, both in `<enums>` blocks and in require/remove blocks.
#[derive(Debug, Clone, Default)]
pub struct EnumDef {
    pub name: String,
    pub value: Option<String>,
    pub bitpos: Option<String>,
    pub offset: Option<String>,
    pub extnumber: Option<String>,
    pub dir: Option<String>,
    pub alias: Option<String>,
    pub extends: Option<String>,
    pub api: Option<String>,
    pub deprecated: Option<String>,
    pub comment: Option<String>,
    /// `type="uint32_t"` and the like on API constants.
    pub ctype: Option<String>,
    pub protect: Option<String>,
    /// Attributes this generator does not know: an error if the enumerant is emitted.
    pub unknown_attrs: Vec<String>,
    pub pos: Pos,
}

impl EnumDef {
    /// True when the element only names an enumerant defined elsewhere.
    pub fn is_reference(&self) -> bool {
        self.value.is_none() && self.bitpos.is_none() && self.offset.is_none() && self.alias.is_none()
    }
}

/// `<command>`: only what type selection needs.
#[derive(Debug, Clone, Default)]
pub struct CommandDef {
    pub name: String,
    pub alias: Option<String>,
    pub api: Option<String>,
    /// Return and parameter types.
    pub type_refs: Vec<String>,
    pub pos: Pos,
}

/// A reference by name inside a require/remove/deprecate block.
#[derive(Debug, Clone, Default)]
pub struct NameRef {
    pub name: String,
    pub pos: Pos,
}

/// What a `<require>`, `<remove>` or `<deprecate>` block does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Require,
    Remove,
    Deprecate,
}

/// `<require>`, `<remove>` or `<deprecate>` inside a feature or extension.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    pub api: Option<String>,
    /// `depends=` (newer registries) or `extension=` / `feature=` (older ones).
    pub depends: Option<String>,
    pub explanationlink: Option<String>,
    pub comment: Option<String>,
    pub types: Vec<NameRef>,
    pub enums: Vec<EnumDef>,
    pub commands: Vec<NameRef>,
    pub pos: Pos,
}

/// `<feature>`: a core version (or an internal part of one).
#[derive(Debug, Clone, Default)]
pub struct FeatureDef {
    pub name: String,
    pub api: Option<String>,
    pub number: Option<String>,
    pub apitype: Option<String>,
    pub depends: Option<String>,
    pub blocks: Vec<Block>,
    pub pos: Pos,
}

/// `<extension>`.
#[derive(Debug, Clone, Default)]
pub struct ExtensionDef {
    pub name: String,
    pub number: Option<String>,
    pub supported: Option<String>,
    pub kind: Option<String>,
    pub platform: Option<String>,
    pub provisional: Option<String>,
    pub promotedto: Option<String>,
    pub deprecatedby: Option<String>,
    pub obsoletedby: Option<String>,
    /// `depends=` (newer) or `requires=` (older).
    pub depends: Option<String>,
    pub blocks: Vec<Block>,
    pub pos: Pos,
}

/// Reads and parses a registry file.
pub fn read(path: &Path) -> Result<Registry> {
    let bytes = file::read(path).map_err(|e| Error::io(path, e))?;
    parse(path, &bytes)
}

/// Parses registry bytes; `path` is only used in messages. A large registry is parsed in
/// pieces on every core (see `Cut`); anything unusual, and every error, goes through
/// the one-piece parse, so messages and positions are the same either way.
///
/// The pieces are cut in the bytes and each is checked as UTF-8 on the thread that parses
/// it (checking the whole first was half a millisecond before the threads could begin); a
/// piece that is not sends the whole to the one-piece parse, which names the first bad byte.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Registry> {
    let cuts = Cut::find_all(bytes);
    if !cuts.is_empty() {
        if let Some(registry) = parse_in_pieces(path, bytes, &cuts) {
            return registry;
        }
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let col = valid.iter().rev().take_while(|&&b| b != b'\n').count() as u32 + 1;
        Error::Xml { path: path.to_owned(), pos: Pos { line, col }, message: format!("invalid UTF-8: {e}") }
    })?;
    parse_whole(path, text)
}

/// The one-piece parse.
fn parse_whole(path: &Path, text: &str) -> Result<Registry> {
    let doc = Document::parse_with_options(text, parsing_options()).map_err(|e| xml_error(path, text, e))?;
    let lines = Lines::of(text.as_bytes(), 0..text.len(), 1);
    let mut reader = Reader::new(&doc, text.as_bytes(), &lines, 0, path);
    reader.read_root()?;
    Ok(reader.registry)
}

fn parsing_options<'i>() -> ParsingOptions<'i> {
    ParsingOptions { allow_dtd: true, nodes_limit: 4_000_000, ..ParsingOptions::default() }
}

fn xml_error(path: &Path, text: &str, e: roxmltree::Error) -> Error {
    let p = e.pos();
    let pos = if matches!(e, roxmltree::Error::UnclosedRootNode | roxmltree::Error::UnexpectedEndOfStream) {
        // roxmltree reports the start; the document ends early at its end.
        let line = text.lines().count().max(1) as u32;
        let col = text.lines().last().map_or(0, |l| l.chars().count()) as u32 + 1;
        Pos { line, col }
    } else {
        Pos { line: p.row, col: p.col }
    };
    Error::Xml { path: path.to_owned(), pos, message: e.to_string() }
}

/// Where the lines of a piece of the registry text start: positions in O(log n), the
/// piece's own lines found on the thread that reads it.
struct Lines {
    /// Byte offsets in the whole text of the lines that start in the piece, and of the
    /// line the piece starts in.
    starts: Vec<usize>,
    /// The number of the line `starts[0]` begins.
    first: usize,
}

impl Lines {
    /// The lines of `piece`, whose first line is line `first` of `text`.
    fn of(bytes: &[u8], piece: std::ops::Range<usize>, first: usize) -> Lines {
        let line_start = memchr::memrchr(b'\n', &bytes[..piece.start]).map_or(0, |i| i + 1);
        let mut starts = vec![line_start];
        starts.extend(memchr::memchr_iter(b'\n', &bytes[piece.clone()]).map(|i| piece.start + i + 1));
        Lines { starts, first }
    }

    /// The number of line ends in the piece.
    fn ends(&self) -> usize {
        self.starts.len() - 1
    }

    /// Line and column (in characters) of byte `offset` of `text`, a character's first
    /// byte (UTF-8 text: a byte that does not continue a character starts one).
    fn pos(&self, text: &[u8], offset: usize) -> Pos {
        let i = self.starts.partition_point(|&s| s <= offset).max(1) - 1;
        let start = self.starts[i].min(offset);
        let col =
            text.get(start..offset).map_or(offset - start, |s| s.iter().filter(|&&b| b & 0xC0 != 0x80).count()) + 1;
        Pos { line: (self.first + i) as u32, col: col as u32 }
    }
}

/// Below this size a registry is parsed in one piece: splitting would not pay.
const SPLIT_ABOVE: usize = 512 * 1024;

/// How many pieces a large registry is cut into. roxmltree takes longer per byte on a
/// large document than on a small one, for the same instructions (the memory it works
/// in): `<types>` of 1.4.360 (1.3 MB) parsed in 15.5 ms as one document and in 6.5 ms as
/// two, one after the other; pieces of half a megabyte or less gain no more. Eight
/// pieces of vk.xml are about 0.4 MB each, and keep both threads busy to the end.
const PIECES: usize = 8;

/// Sections whose children the reader takes one by one, whatever the section's own
/// attributes, with the child element each holds: read as two sections cut between two
/// children, they give what the one section gives.
const SPLITTABLE: &[(&str, &str)] = &[("types", "type"), ("commands", "command"), ("extensions", "extension")];

/// Where a large registry is cut into pieces for the two threads: near each
/// `k / PIECES` of its length (parsing and reading cost about the same per byte in every
/// section), between two children of a [`SPLITTABLE`] section, or else at the start of
/// the top-level section nearest it.
///
/// Found by text search only; the pieces' parses check it. Each piece is made a document of
/// its own by opening the section and `<registry>` at the cut before it and closing them
/// at the cut after it, and parses only if each cut falls directly inside that section,
/// between two of its children: a cut anywhere else leaves an element, comment or
/// attribute open or closes the wrong element, and then the one-piece parse runs.
#[derive(Debug, PartialEq)]
struct Cut {
    at: usize,
    /// The section the cut falls inside; `None` between two top-level sections.
    inside: Option<&'static str>,
}

impl Cut {
    /// The cuts of a large registry, in order, none twice; none for a small one.
    fn find_all(text: &[u8]) -> Vec<Cut> {
        let mut cuts: Vec<Cut> = Vec::new();
        if text.len() < SPLIT_ABOVE {
            return cuts;
        }
        let sections = Sections::of(text);
        for k in 1..PIECES {
            let target = text.len() * k / PIECES;
            let cut = sections.inside(text, target).or_else(|| sections.between(target));
            if let Some(cut) = cut.filter(|cut| cuts.last().is_none_or(|last| last.at < cut.at)) {
                cuts.push(cut);
            }
        }
        cuts
    }
}

/// Where the sections a cut can fall in or between are, found once per registry.
struct Sections {
    /// Each [`SPLITTABLE`] section present: its name, the text that starts a line holding
    /// one of its children (`\n        <type`), and the span from its start tag to its end
    /// tag.
    splittable: Vec<(&'static str, Vec<u8>, std::ops::Range<usize>)>,
    /// The starts of `<commands`, the first `<feature` and `<extensions`.
    tops: Vec<usize>,
}

impl Sections {
    fn of(bytes: &[u8]) -> Sections {
        let mut splittable = Vec::new();
        // vk.xml has the sections in this order: each is looked for after the one before
        // (else from the start), not from the start each time (megabytes searched again
        // before the threads begin).
        let mut after = 0;
        for &(section, child) in SPLITTABLE {
            let found = find_tag(bytes, section, after).or_else(|| find_tag(bytes, section, 0));
            let Some(start) = found else { continue };
            let Some(end) = find(bytes, format!("</{section}>").as_bytes(), start) else { continue };
            let Some(open_end) = memchr::memchr(b'>', &bytes[start..]).map(|i| start + i) else { continue };
            let Some(first_line) = memchr::memchr(b'\n', &bytes[open_end..]).map(|i| open_end + i + 1) else {
                continue;
            };
            let indent = bytes[first_line..].iter().take_while(|&&b| b == b' ' || b == b'\t').count();
            let line_start = [b"\n", &bytes[first_line..first_line + indent], b"<", child.as_bytes()].concat();
            splittable.push((section, line_start, start..end));
            after = end;
        }
        // The sections' starts found above serve again; `<feature` is looked for after the
        // commands (where vk.xml has it), else from the start: searching megabytes for each
        // from the start was a millisecond before the threads could begin.
        let start_of = |name: &str| splittable.iter().find(|(s, _, _)| *s == name).map(|(_, _, span)| span.clone());
        let commands = start_of("commands");
        let feature = commands
            .as_ref()
            .and_then(|span| find_tag(bytes, "feature", span.end))
            .or_else(|| find_tag(bytes, "feature", 0));
        let tops = [
            commands.map(|span| span.start).or_else(|| find_tag(bytes, "commands", 0)),
            feature,
            start_of("extensions").map(|span| span.start).or_else(|| find_tag(bytes, "extensions", 0)),
        ]
        .into_iter()
        .flatten()
        .collect();
        Sections { splittable, tops }
    }

    /// The first child of the splittable section around `target` that starts a line at
    /// `target` or after, indented as the section's first child is.
    fn inside(&self, text: &[u8], target: usize) -> Option<Cut> {
        let (section, line_start, span) = self.splittable.iter().find(|(_, _, span)| span.contains(&target))?;
        let at = find_start(text, line_start, target).filter(|&at| at < span.end)?;
        Some(Cut { at: at + 1, inside: Some(section) })
    }

    /// The start of the top-level section (`<commands`, the first `<feature`,
    /// `<extensions`) nearest `target`.
    fn between(&self, target: usize) -> Option<Cut> {
        self.tops.iter().copied().min_by_key(|&at| at.abs_diff(target)).map(|at| Cut { at, inside: None })
    }
}

/// Where `needle` first occurs in `bytes` at `from` or after.
fn find(bytes: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find(&bytes[from..], needle).map(|i| from + i)
}

/// Where the first start tag named `name` begins at `from` or after.
fn find_tag(bytes: &[u8], name: &str, from: usize) -> Option<usize> {
    find_start(bytes, format!("<{name}").as_bytes(), from)
}

/// Where `start` (text ending in a tag's name) first occurs at `from` or after with the
/// name ending there.
fn find_start(bytes: &[u8], start: &[u8], mut from: usize) -> Option<usize> {
    while let Some(at) = find(bytes, start, from) {
        if is_name_end(bytes.get(at + start.len())) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn is_name_end(byte: Option<&u8>) -> bool {
    matches!(byte, Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
}

/// The pieces of `text` between `cuts`, each made a document of its own (see [`Cut`]),
/// parsed and read on every core, each thread taking the next piece in order. `None` when a
/// piece does not parse or its root is not `<registry>` (the caller then parses in one
/// piece, which gives the error).
fn parse_in_pieces(path: &Path, text: &[u8], cuts: &[Cut]) -> Option<Result<Registry>> {
    let open = |cut: &Cut| match cut.inside {
        Some(section) => format!("<registry><{section}>"),
        None => "<registry>".to_owned(),
    };
    let close = |cut: &Cut| match cut.inside {
        Some(section) => format!("</{section}></registry>"),
        None => "</registry>".to_owned(),
    };
    /// A piece: its span in `text`, the text its document adds before and after it, and
    /// the byte offset in `text` of byte 0 of its document.
    struct Piece {
        span: std::ops::Range<usize>,
        before: String,
        after: String,
        offset: usize,
    }
    let mut pieces = Vec::with_capacity(cuts.len() + 1);
    for k in 0..=cuts.len() {
        let start = if k == 0 { 0 } else { cuts[k - 1].at };
        let end = cuts.get(k).map_or(text.len(), |cut| cut.at);
        let before = if k == 0 { String::new() } else { open(&cuts[k - 1]) };
        let after = cuts.get(k).map(close).unwrap_or_default();
        let offset = start.checked_sub(before.len())?;
        pieces.push(Piece { span: start..end, before, after, offset });
    }
    // The line ends in each piece, published by the thread that reads it before it parses
    // it: a piece's first line is one past the line ends of the pieces before it. (Each
    // thread counting them from the start of the text scanned 11 MB of vk.xml.)
    let ends: Vec<AtomicUsize> = pieces.iter().map(|_| AtomicUsize::new(UNKNOWN)).collect();
    let tasks: Vec<(usize, &Piece)> = pieces.iter().enumerate().collect();
    let read = |&(k, piece): &(usize, &Piece)| {
        let mut lines = Lines::of(text, piece.span.clone(), 0);
        ends[k].store(lines.ends(), Ordering::Release);
        let own = std::str::from_utf8(&text[piece.span.clone()]).ok()?;
        let document = format!("{}{own}{}", piece.before, piece.after);
        let doc = Document::parse_with_options(&document, parsing_options()).ok()?;
        if !doc.root_element().has_tag_name("registry") {
            return None;
        }
        let spans: Vec<std::ops::Range<usize>> = pieces[..k].iter().map(|p| p.span.clone()).collect();
        lines.first = 1 + line_ends_before(text, &spans, &ends[..k]);
        let mut reader = Reader::new(&doc, text, &lines, piece.offset, path);
        Some(reader.read_root().map(|()| reader.registry))
    };
    // A piece that does not parse sends the whole to the one-piece parse, whose error it
    // is; then errors in document order, the first piece's first.
    let results: Vec<Result<Registry>> = crate::cores::map_in_order(&tasks, read).into_iter().collect::<Option<_>>()?;
    let results: Vec<Registry> = match results.into_iter().collect::<Result<_>>() {
        Ok(pieces) => pieces,
        Err(e) => return Some(Err(e)),
    };
    let mut registry: Option<Registry> = None;
    // Unknown attributes are warned about once, where they first occur.
    let mut seen: std::collections::HashSet<(String, String)> = Default::default();
    for rest in results {
        let warnings = rest.warnings.into_iter().filter(|w| {
            !w.message.starts_with("unknown attribute") || seen.insert((w.element.clone(), w.message.clone()))
        });
        let Some(registry) = registry.as_mut() else {
            registry = Some(Registry { warnings: warnings.collect(), ..rest });
            continue;
        };
        registry.warnings.extend(warnings);
        registry.tags.extend(rest.tags);
        registry.types.extend(rest.types);
        registry.enums.extend(rest.enums);
        registry.commands.extend(rest.commands);
        registry.features.extend(rest.features);
        registry.extensions.extend(rest.extensions);
        registry.sync_flags.extend(rest.sync_flags);
        registry.sync_pipelines.extend(rest.sync_pipelines);
    }
    registry.map(Ok)
}

/// A piece's line ends not yet counted (see [`line_ends_before`]).
const UNKNOWN: usize = usize::MAX;

/// The line ends in `spans` (the pieces before one, from the text's start): the counts
/// their threads published in `ends`, and for a piece whose thread has not published yet
/// (it started but was not scheduled), its own count.
fn line_ends_before(text: &[u8], spans: &[std::ops::Range<usize>], ends: &[AtomicUsize]) -> usize {
    spans
        .iter()
        .zip(ends)
        .map(|(span, n)| match n.load(Ordering::Acquire) {
            UNKNOWN => memchr::memchr_iter(b'\n', &text[span.clone()]).count(),
            n => n,
        })
        .sum()
}

/// Attributes each element may carry, over every registry release seen; others are warned
/// about once per element and attribute name (the first place they occur).
const TAG_ATTRS: &[&str] = &["author", "contact", "name"];
const TYPE_ATTRS: &[&str] = &[
    "alias",
    "allowduplicate",
    "api",
    "bitvalues",
    "category",
    "comment",
    "deprecated",
    "name",
    "objtypeenum",
    "parent",
    "requiredlimittype",
    "requires",
    "returnedonly",
    "structextends",
];
const ENUMS_ATTRS: &[&str] = &["bitwidth", "comment", "name", "type"];
const COMMAND_ATTRS: &[&str] = &[
    "alias",
    "allownoqueues",
    "api",
    "cmdbufferlevel",
    "comment",
    "conditionalrendering",
    "errorcodes",
    "export",
    "name",
    "pipeline",
    "queues",
    "renderpass",
    "successcodes",
    "tasks",
    "videocoding",
];
const SYNC_FLAG_ATTRS: &[&str] = &["alias", "name"];
const SYNC_SUPPORT_ATTRS: &[&str] = &["queues", "stage"];
const SYNC_EQUIVALENT_ATTRS: &[&str] = &["access", "stage"];
const SYNC_PIPELINE_ATTRS: &[&str] = &["depends", "name"];
const SYNC_PIPELINE_STAGE_ATTRS: &[&str] = &["after", "before", "order"];
const FEATURE_ATTRS: &[&str] = &["api", "apitype", "comment", "depends", "name", "number"];
const BLOCK_ATTRS: &[&str] =
    &["api", "comment", "depends", "explanationlink", "extension", "feature", "reasonlink", "profile"];
const ITEM_ATTRS: &[&str] = &["comment", "name", "supersededby"];
const EXTENSION_ATTRS: &[&str] = &[
    "author",
    "comment",
    "contact",
    "depends",
    "deprecatedby",
    "name",
    "nofeatures",
    "number",
    "obsoletedby",
    "platform",
    "promotedto",
    "protect",
    "provisional",
    "ratified",
    "requires",
    "requiresCore",
    "sortorder",
    "specialuse",
    "supported",
    "type",
];

struct Reader<'a, 'input> {
    doc: &'a Document<'input>,
    /// The whole registry text (a piece's positions are mapped back to it).
    text: &'a [u8],
    /// Where the lines of the piece being read start.
    lines: &'a Lines,
    /// Byte offset in `text` of byte 0 of the document being read.
    offset: usize,
    /// (element, attribute) pairs already warned about.
    warned: std::collections::HashSet<(String, String)>,
    path: &'a Path,
    registry: Registry,
}

fn attr(node: Node, name: &str) -> Option<String> {
    node.attribute(name).map(str::to_owned)
}

fn elements<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(|n| n.is_element())
}

impl<'a, 'input> Reader<'a, 'input> {
    fn new(doc: &'a Document<'input>, text: &'a [u8], lines: &'a Lines, offset: usize, path: &'a Path) -> Self {
        Reader {
            doc,
            text,
            lines,
            offset,
            path,
            registry: Registry { path: path.to_owned(), ..Default::default() },
            warned: std::collections::HashSet::new(),
        }
    }

    fn pos(&self, node: Node) -> Pos {
        self.lines.pos(self.text, node.range().start + self.offset)
    }

    fn error(&self, node: Node, message: impl Into<String>) -> Error {
        Error::Registry {
            path: self.path.to_owned(),
            pos: self.pos(node),
            element: node.tag_name().name().to_owned(),
            message: message.into(),
        }
    }

    fn warn_unknown(&mut self, node: Node, parent: &str) {
        let pos = self.pos(node);
        self.registry.warnings.push(Warning {
            pos,
            element: node.tag_name().name().to_owned(),
            message: format!("unknown element inside <{parent}>, ignored"),
        });
    }

    fn check_attrs(&mut self, node: Node, known: &[&str]) {
        for a in node.attributes() {
            if known.contains(&a.name()) {
                continue;
            }
            let key = (node.tag_name().name().to_owned(), a.name().to_owned());
            if self.warned.insert(key) {
                let pos = self.pos(node);
                self.registry.warnings.push(Warning {
                    pos,
                    element: node.tag_name().name().to_owned(),
                    message: format!("unknown attribute `{}`, ignored", a.name()),
                });
            }
        }
    }

    fn required_attr(&self, node: Node, name: &str) -> Result<String> {
        attr(node, name).ok_or_else(|| self.error(node, format!("missing attribute `{name}`")))
    }

    fn read_root(&mut self) -> Result<()> {
        let root = self.doc.root_element();
        if root.tag_name().name() != "registry" {
            return Err(self.error(root, "the root element is not <registry>: not a Vulkan registry"));
        }
        self.registry.pos = self.pos(root);
        for section in elements(root) {
            match section.tag_name().name() {
                "tags" => self.read_tags(section),
                "types" => self.read_types(section)?,
                "enums" => self.read_enums(section)?,
                "commands" => self.read_commands(section)?,
                "feature" => self.read_feature(section)?,
                "extensions" => self.read_extensions(section)?,
                "sync" => self.read_sync(section),
                // Sections this generator does not read.
                _ => {}
            }
        }
        Ok(())
    }

    fn read_sync(&mut self, section: Node) {
        let list = |v: Option<&str>| v.map(|v| v.split(',').map(|s| s.trim().to_owned()).collect::<Vec<_>>());
        for node in elements(section) {
            let kind = match node.tag_name().name() {
                "syncstage" => SyncKind::Stage,
                "syncaccess" => SyncKind::Access,
                "syncpipeline" => {
                    self.check_attrs(node, SYNC_PIPELINE_ATTRS);
                    let mut stages = Vec::new();
                    for child in elements(node) {
                        if child.has_tag_name("syncpipelinestage") {
                            self.check_attrs(child, SYNC_PIPELINE_STAGE_ATTRS);
                            if child.attribute("order") != Some("None") {
                                stages.extend(child.text().map(|t| t.trim().to_owned()));
                            }
                        } else if !child.has_tag_name("comment") {
                            self.warn_unknown(child, "syncpipeline");
                        }
                    }
                    let name = attr(node, "name").unwrap_or_default();
                    let pos = self.pos(node);
                    self.registry.sync_pipelines.push(SyncPipeline { name, stages, pos });
                    continue;
                }
                "comment" => continue,
                _ => {
                    self.warn_unknown(node, "sync");
                    continue;
                }
            };
            self.check_attrs(node, SYNC_FLAG_ATTRS);
            let Some(name) = attr(node, "name") else { continue };
            let mut flag = SyncFlag { kind, name, support: None, equivalent: None, pos: self.pos(node) };
            let (support_attr, equivalent_attr) = match kind {
                SyncKind::Stage => ("queues", "stage"),
                SyncKind::Access => ("stage", "access"),
            };
            for child in elements(node) {
                match child.tag_name().name() {
                    "syncsupport" => {
                        self.check_attrs(child, SYNC_SUPPORT_ATTRS);
                        flag.support = list(child.attribute(support_attr));
                    }
                    "syncequivalent" => {
                        self.check_attrs(child, SYNC_EQUIVALENT_ATTRS);
                        flag.equivalent = list(child.attribute(equivalent_attr));
                    }
                    "comment" => {}
                    _ => self.warn_unknown(child, node.tag_name().name()),
                }
            }
            self.registry.sync_flags.push(flag);
        }
    }

    fn read_tags(&mut self, section: Node) {
        for node in elements(section) {
            if node.has_tag_name("tag") {
                self.check_attrs(node, TAG_ATTRS);
                if let Some(name) = attr(node, "name") {
                    self.registry.tags.push(Tag { name });
                }
            } else {
                self.warn_unknown(node, "tags");
            }
        }
    }

    fn read_types(&mut self, section: Node) -> Result<()> {
        for node in elements(section) {
            match node.tag_name().name() {
                "type" => {
                    self.check_attrs(node, TYPE_ATTRS);
                    let ty = self.read_type(node)?;
                    self.registry.types.push(ty);
                }
                "comment" => {}
                _ => self.warn_unknown(node, "types"),
            }
        }
        Ok(())
    }

    fn read_type(&self, node: Node) -> Result<TypeDef> {
        let name = match attr(node, "name") {
            Some(name) => name,
            None => elements(node)
                .find(|n| n.has_tag_name("name"))
                .or_else(|| {
                    // Function pointers in newer registries: `<proto>...<name>`.
                    elements(node)
                        .find(|n| n.has_tag_name("proto"))
                        .and_then(|p| elements(p).find(|n| n.has_tag_name("name")))
                })
                .and_then(|n| n.text())
                .map(str::to_owned)
                .ok_or_else(|| self.error(node, "a type without a name"))?,
        };
        let mut ty = TypeDef { name, pos: self.pos(node), ..Default::default() };
        for a in node.attributes() {
            let field = match a.name() {
                "category" => &mut ty.category,
                "api" => &mut ty.api,
                "alias" => &mut ty.alias,
                "requires" => &mut ty.requires,
                "bitvalues" => &mut ty.bitvalues,
                "deprecated" => &mut ty.deprecated,
                "comment" => &mut ty.comment,
                _ => continue,
            };
            field.get_or_insert_with(|| a.value().to_owned());
        }
        let keep_text = ty.category.as_deref() == Some("define");
        for d in node.descendants().skip(1) {
            if d.is_text() {
                if keep_text {
                    ty.text.push_str(d.text().unwrap_or_default());
                }
            } else if d.has_tag_name("type") {
                ty.type_refs.extend(d.text().map(str::to_owned));
            } else if d.has_tag_name("enum") {
                ty.enum_refs.extend(d.text().map(str::to_owned));
            }
        }
        Ok(ty)
    }

    fn read_enums(&mut self, node: Node) -> Result<()> {
        self.check_attrs(node, ENUMS_ATTRS);
        let mut block = EnumsBlock {
            name: self.required_attr(node, "name")?,
            kind: attr(node, "type"),
            bitwidth: attr(node, "bitwidth"),
            enums: Vec::new(),
            pos: self.pos(node),
        };
        for child in elements(node) {
            match child.tag_name().name() {
                "enum" => block.enums.push(self.read_enum(child)?),
                "unused" | "comment" => {}
                _ => self.warn_unknown(child, "enums"),
            }
        }
        self.registry.enums.push(block);
        Ok(())
    }

    fn read_enum(&self, node: Node) -> Result<EnumDef> {
        // One pass over the attributes (thirteen lookups, each a pass, were a third of
        // reading the enumerants).
        let mut e = EnumDef::default();
        let mut name = None;
        for a in node.attributes() {
            let field = match a.name() {
                "name" => &mut name,
                "value" => &mut e.value,
                "bitpos" => &mut e.bitpos,
                "offset" => &mut e.offset,
                "extnumber" => &mut e.extnumber,
                "dir" => &mut e.dir,
                "alias" => &mut e.alias,
                "extends" => &mut e.extends,
                "api" => &mut e.api,
                "deprecated" => &mut e.deprecated,
                "comment" => &mut e.comment,
                "type" => &mut e.ctype,
                "protect" => &mut e.protect,
                unknown => {
                    e.unknown_attrs.push(unknown.to_owned());
                    continue;
                }
            };
            // The first of an attribute given twice (roxmltree refuses that anyway).
            field.get_or_insert_with(|| a.value().to_owned());
        }
        e.name = name.ok_or_else(|| self.error(node, "missing attribute `name`"))?;
        e.pos = self.pos(node);
        Ok(e)
    }

    fn read_commands(&mut self, section: Node) -> Result<()> {
        for node in elements(section) {
            match node.tag_name().name() {
                "command" => {
                    self.check_attrs(node, COMMAND_ATTRS);
                    let command = self.read_command(node)?;
                    self.registry.commands.push(command);
                }
                "comment" => {}
                _ => self.warn_unknown(node, "commands"),
            }
        }
        Ok(())
    }

    fn read_command(&self, node: Node) -> Result<CommandDef> {
        let mut command = CommandDef {
            name: attr(node, "name").unwrap_or_default(),
            alias: attr(node, "alias"),
            api: attr(node, "api"),
            type_refs: Vec::new(),
            pos: self.pos(node),
        };
        for child in elements(node) {
            match child.tag_name().name() {
                "proto" => {
                    for part in elements(child) {
                        match part.tag_name().name() {
                            "name" => command.name = part.text().unwrap_or_default().to_owned(),
                            "type" => command.type_refs.extend(part.text().map(str::to_owned)),
                            _ => {}
                        }
                    }
                }
                "param" => {
                    for part in elements(child).filter(|p| p.has_tag_name("type")) {
                        command.type_refs.extend(part.text().map(str::to_owned));
                    }
                }
                _ => {}
            }
        }
        if command.name.is_empty() {
            return Err(self.error(node, "a command without a name"));
        }
        Ok(command)
    }

    fn read_blocks(&mut self, node: Node, parent: &str) -> Result<Vec<Block>> {
        let mut blocks = Vec::new();
        for child in elements(node) {
            let kind = match child.tag_name().name() {
                "require" => BlockKind::Require,
                "remove" => BlockKind::Remove,
                "deprecate" => BlockKind::Deprecate,
                _ => {
                    self.warn_unknown(child, parent);
                    continue;
                }
            };
            self.check_attrs(child, BLOCK_ATTRS);
            let depends = attr(child, "depends").or_else(|| {
                // Older registries: `extension="VK_X"` or `feature="VK_VERSION_1_1"`.
                match (attr(child, "feature"), attr(child, "extension")) {
                    (Some(f), Some(e)) => Some(format!("({f})+({e})")),
                    (f, e) => f.or(e),
                }
            });
            let mut block = Block {
                kind,
                api: attr(child, "api"),
                depends,
                explanationlink: attr(child, "explanationlink"),
                comment: attr(child, "comment"),
                types: Vec::new(),
                enums: Vec::new(),
                commands: Vec::new(),
                pos: self.pos(child),
            };
            for item in elements(child) {
                if matches!(item.tag_name().name(), "type" | "command") {
                    self.check_attrs(item, ITEM_ATTRS);
                }
                match item.tag_name().name() {
                    "type" => {
                        block.types.push(NameRef { name: self.required_attr(item, "name")?, pos: self.pos(item) })
                    }
                    "command" => {
                        block.commands.push(NameRef { name: self.required_attr(item, "name")?, pos: self.pos(item) })
                    }
                    "enum" => block.enums.push(self.read_enum(item)?),
                    // Physical-device features and comments do not affect enums.
                    "feature" | "comment" => {}
                    _ => self.warn_unknown(item, child.tag_name().name()),
                }
            }
            blocks.push(block);
        }
        Ok(blocks)
    }

    fn read_feature(&mut self, node: Node) -> Result<()> {
        self.check_attrs(node, FEATURE_ATTRS);
        let mut feature = FeatureDef {
            name: self.required_attr(node, "name")?,
            api: attr(node, "api"),
            number: attr(node, "number"),
            apitype: attr(node, "apitype"),
            depends: attr(node, "depends"),
            blocks: Vec::new(),
            pos: self.pos(node),
        };
        feature.blocks = self.read_blocks(node, "feature")?;
        self.registry.features.push(feature);
        Ok(())
    }

    fn read_extensions(&mut self, section: Node) -> Result<()> {
        for node in elements(section) {
            if !node.has_tag_name("extension") {
                if !node.has_tag_name("comment") {
                    self.warn_unknown(node, "extensions");
                }
                continue;
            }
            self.check_attrs(node, EXTENSION_ATTRS);
            let mut ext = ExtensionDef {
                name: self.required_attr(node, "name")?,
                number: attr(node, "number"),
                supported: attr(node, "supported"),
                kind: attr(node, "type"),
                platform: attr(node, "platform"),
                provisional: attr(node, "provisional"),
                promotedto: attr(node, "promotedto"),
                deprecatedby: attr(node, "deprecatedby"),
                obsoletedby: attr(node, "obsoletedby"),
                depends: attr(node, "depends").or_else(|| attr(node, "requires")),
                blocks: Vec::new(),
                pos: self.pos(node),
            };
            ext.blocks = self.read_blocks(node, "extension")?;
            self.registry.extensions.push(ext);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vk_xml() -> String {
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../vk.xml")).expect("the workspace's vk.xml")
    }

    fn assert_pieces_equal_whole(text: &str, cuts: &[Cut]) {
        let path = Path::new("vk.xml");
        let pieces = parse_in_pieces(path, text.as_bytes(), cuts).expect("the pieces parse").unwrap();
        let whole = parse_whole(path, text).unwrap();
        assert_eq!(format!("{pieces:?}"), format!("{whole:?}"), "cuts {cuts:?}");
    }

    #[test]
    fn a_piece_counts_the_line_ends_of_pieces_that_did_not_publish_theirs() {
        let text = "a\nb\n\nc\nd";
        let spans = [0..2, 2..5, 5..8];
        // All published (any numbers: they are taken as they are), none, or some.
        let published = [1, 2, 1].map(AtomicUsize::new);
        assert_eq!(line_ends_before(text.as_bytes(), &spans, &published), 4);
        let none = [UNKNOWN; 3].map(AtomicUsize::new);
        assert_eq!(line_ends_before(text.as_bytes(), &spans, &none), 4);
        let some = [1, UNKNOWN, 7].map(AtomicUsize::new);
        assert_eq!(line_ends_before(text.as_bytes(), &spans, &some), 1 + 2 + 7);
        assert_eq!(line_ends_before(text.as_bytes(), &[], &[]), 0);
    }

    /// The middle cut of a registry, as tests place their damage around it.
    fn middle_cut(text: &str) -> Cut {
        Sections::of(text.as_bytes()).inside(text.as_bytes(), text.len() / 2).expect("a cut inside a section")
    }

    #[test]
    fn a_bad_byte_in_any_piece_is_named_as_the_one_piece_check_names_it() {
        let text = vk_xml();
        let cuts = Cut::find_all(text.as_bytes());
        // In the first piece, in the middle one, in the last: the same error as for a
        // small registry, at the byte's line and column.
        for at in [100, cuts[cuts.len() / 2].at + 10, text.len() - 20] {
            let mut bytes = text.clone().into_bytes();
            bytes[at] = 0xFF;
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let col = bytes[..at].iter().rev().take_while(|&&b| b != b'\n').count() as u32 + 1;
            match parse(Path::new("vk.xml"), &bytes) {
                Err(Error::Xml { pos, message, .. }) => {
                    assert_eq!((pos.line, pos.col), (line, col), "byte {at}");
                    assert!(message.starts_with("invalid UTF-8"), "{message}");
                }
                other => panic!("byte {at}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_registry_read_in_pieces_equals_the_one_piece_read() {
        let text = vk_xml();
        let cuts = Cut::find_all(text.as_bytes());
        assert_eq!(cuts.len(), PIECES - 1, "vk.xml is large enough to cut {PIECES} ways");
        // vk.xml's first cuts fall in `<types>`, its middle in `<commands>`, its last in
        // `<extensions>`, each before a child of its section; one falls among the
        // `<feature>`s, which are not cut, and moves to the start of `<extensions>`.
        let sections: Vec<_> = cuts.iter().map(|c| c.inside).collect();
        assert_eq!(sections.first(), Some(&Some("types")));
        assert!(sections.contains(&Some("commands")));
        assert_eq!(sections.last(), Some(&Some("extensions")));
        for cut in &cuts {
            let child = match cut.inside {
                Some(section) => SPLITTABLE.iter().find(|(s, _)| *s == section).unwrap().1,
                None => "extensions",
            };
            assert!(text[cut.at..].trim_start().starts_with(&format!("<{child}")), "{:?}", &text[cut.at..cut.at + 40]);
        }
        assert_pieces_equal_whole(&text, &cuts);
        // Halves too, and any subset of the cuts.
        assert_pieces_equal_whole(&text, &[middle_cut(&text)]);
        let (first, last) = (&cuts[0], &cuts[cuts.len() - 1]);
        assert_pieces_equal_whole(&text, &[Cut { ..*first }, Cut { ..*last }]);
    }

    #[test]
    fn cuts_in_every_splittable_section_and_between_sections_read_as_the_whole() {
        let text = vk_xml();
        for (section, child) in SPLITTABLE {
            // A point in the middle of the section.
            let start = find_tag(text.as_bytes(), section, 0).unwrap();
            let end = find(text.as_bytes(), format!("</{section}>").as_bytes(), start).unwrap();
            let cut = Sections::of(text.as_bytes())
                .inside(text.as_bytes(), (start + end) / 2)
                .expect("a cut inside the section");
            assert_eq!(cut.inside, Some(*section));
            assert!(text[cut.at..].trim_start().starts_with(&format!("<{child}")));
            assert_pieces_equal_whole(&text, &[cut]);
        }
        let between = Sections::of(text.as_bytes()).between(text.len() / 2).unwrap();
        assert_eq!(between.inside, None);
        assert_pieces_equal_whole(&text, &[between]);
    }

    /// Damage near the cut and elsewhere: the result (the registry, or the error with its
    /// position) is the one-piece parse's, whichever path ran.
    #[test]
    fn damaged_registries_give_the_one_piece_result() {
        let text = vk_xml();
        let split = middle_cut(&text).at;
        let at = |needle: &str, from: usize| from + text[from..].find(needle).expect("found");
        let damages: Vec<(usize, usize, &str)> = vec![
            (split, split, "</types>"),                              // a stray end tag at the cut
            (split, split, "</command>"),                            // another
            (split, split + 1, ""),                                  // the cut's `<` removed
            (split - 1, split - 1, "<!--"),                          // a comment left open before the cut
            (at("<feature ", split), at("<feature ", split), "<x>"), // an element left open after it
            (text.len() / 3, text.len() / 3, "&bogus;"),             // an unknown entity in an early piece
            (text.len() - 20, text.len(), ""),                       // truncated
            (text.len(), text.len(), "<registry/>"),                 // a second root
        ];
        let path = Path::new("vk.xml");
        for (from, to, insert) in damages {
            let damaged = format!("{}{insert}{}", &text[..from], &text[to..]);
            let got = parse(path, damaged.as_bytes()).map(|r| format!("{r:?}")).map_err(|e| e.to_string());
            let want = parse_whole(path, &damaged).map(|r| format!("{r:?}")).map_err(|e| e.to_string());
            assert_eq!(got, want, "damage at {from}..{to} with {insert:?}");
        }
    }

    #[test]
    fn a_cut_inside_a_comment_falls_back_to_the_one_piece_parse() {
        let text = vk_xml();
        // A comment right at the cut holding a line that looks like the next child: the
        // text search picks it, the pieces do not parse.
        let cut = middle_cut(&text);
        let text = format!("{}<!--\n        <command decoy -->\n{}", &text[..cut.at], &text[cut.at..]);
        let decoy = middle_cut(&text);
        assert!(text[decoy.at..].starts_with("        <command decoy"), "{:?}", &text[decoy.at..decoy.at + 40]);
        assert!(parse_in_pieces(Path::new("x.xml"), text.as_bytes(), &[decoy]).is_none());
        let parsed = parse(Path::new("x.xml"), text.as_bytes()).unwrap();
        assert_eq!(format!("{parsed:?}"), format!("{:?}", parse_whole(Path::new("x.xml"), &text).unwrap()));
    }
}
