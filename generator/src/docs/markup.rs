//! Docs, markup: AsciiDoc text of the specification -> rustdoc Markdown, by the rules of
//! `style/markup.adoc`: API macros become intra-doc links or refpage links, normative words
//! keep their emphasis, `{attributes}` are substituted, anchors become links into the
//! spec's HTML, lists, tables, notes and code blocks become their Markdown forms. Nothing
//! of AsciiDoc survives.

use std::borrow::Cow;

use super::push_spec_url;

/// What the converter asks about names.
pub trait Resolve {
    /// The crate path of an enumerant: `ExternalMemoryHandleTypeFlags::OPAQUE_FD`.
    fn enumerant(&self, c_name: &str) -> Option<String>;
    /// The crate path of a type (a FlagBits name gives its Flags type).
    fn type_path(&self, c_name: &str) -> Option<String>;
    /// The crate path of an extension's module.
    fn extension(&self, name: &str) -> Option<String>;
    /// Whether the specification has a reference page of that name.
    fn has_refpage(&self, name: &str) -> bool;
    /// The title of an anchor the specification defines.
    fn anchor(&self, id: &str) -> Option<&str>;
    fn attribute(&self, name: &str) -> Option<&str>;
    /// What [`inline`] made of the same text before, if the resolver remembers it (a
    /// refpage's list item is converted with its page and again as its enumerant's doc).
    fn converted(&self, _text: &str) -> Option<String> {
        None
    }
    /// Offers what [`inline`] made of `text` for [`Resolve::converted`] to return.
    fn remember(&self, _text: &str, _markdown: &str) {}
}

const NORMATIVE: &[&str] = &["must", "should", "may", "can", "cannot", "required", "optional", "recommended"];

/// Characters that Markdown or rustdoc would read as syntax in plain text.
fn push_plain(out: &mut String, c: char) {
    match c {
        '[' | ']' | '<' | '>' | '*' | '_' | '\\' | '|' | '#' => {
            out.push('\\');
            out.push(c);
        }
        _ => out.push(c),
    }
}

fn code_span(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_code_span(&mut out, text);
    out
}

fn push_code_span(out: &mut String, text: &str) {
    if text.contains('`') {
        out.push_str("`` ");
        out.push_str(text);
        out.push_str(" ``");
    } else {
        out.push('`');
        out.push_str(text);
        out.push('`');
    }
}

/// ``[`label`](target)``, the target written by `target`.
fn push_link(out: &mut String, label: &str, target: impl FnOnce(&mut String)) {
    out.push('[');
    push_code_span(out, label);
    out.push_str("](");
    target(out);
    out.push(')');
}

/// An API name macro: `ename:`, `slink:`, ...
fn push_api_name(out: &mut String, kind: &str, name: &str, r: &dyn Resolve) {
    fn in_crate(path: &str) -> impl FnOnce(&mut String) + '_ {
        move |out: &mut String| {
            out.push_str("crate::");
            out.push_str(path);
        }
    }
    let refpage = |out: &mut String| crate::docs::push_refpage_url(out, name);
    match kind {
        "ename" => match r.enumerant(name) {
            Some(path) => push_link(out, &path, in_crate(&path)),
            None => push_code_span(out, name),
        },
        "elink" | "tname" | "tlink" => match r.type_path(name) {
            Some(path) => push_link(out, &path, in_crate(&path)),
            None if r.has_refpage(name) => push_link(out, name, refpage),
            None => push_code_span(out, name),
        },
        "apiext" => match r.extension(name) {
            Some(path) => push_link(out, name, in_crate(&path)),
            None => push_code_span(out, name),
        },
        "slink" | "sname" | "flink" | "fname" | "basetype" | "dlink" | "dname" if r.has_refpage(name) => {
            push_link(out, name, refpage)
        }
        // pname, code, stext, etext, ftext, ptext, apitext, and names without a refpage
        _ => push_code_span(out, name),
    }
}

const MACROS: &[&str] = &[
    "ename", "elink", "tname", "tlink", "slink", "sname", "flink", "fname", "basetype", "dlink", "dname", "pname",
    "code", "stext", "etext", "ftext", "ptext", "apiext", "apitext",
];

/// The text between `open` and its matching `close`, from `start` (just after `open`).
fn balanced(s: &str, start: usize, open: char, close: char) -> Option<usize> {
    let mut depth = 1;
    // Bounded, like every inline search (the longest latexmath span is far shorter).
    for (i, c) in s[start..].char_indices().take(8 * SPAN) {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(start + i);
            }
        }
    }
    None
}

fn word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// The longest inline span (code, emphasis, anchor reference) looked for: searching the
/// whole rest of the text at every marker would make hostile text quadratic.
const SPAN: usize = 400;

/// `pattern` in the first `SPAN` bytes of `text`.
fn find_near(text: &str, pattern: &str) -> Option<usize> {
    let end = text.len().min(SPAN + pattern.len());
    // Byte search: a match of a whole `pattern` (valid UTF-8) starts on a char boundary.
    memchr::memmem::find(&text.as_bytes()[..end], pattern.as_bytes())
}

/// The length of the plain ASCII text at the start of `text`: bytes that start no markup
/// rule of [`inline`] and need no escaping. A word that starts with a lowercase letter may
/// be an API macro or a normative word, but only when a `:` follows it (`ename:`, `must:`);
/// `include::`, `link:` and `http` are markup even inside a word. `after_word`: the text
/// before `text` ends in a word character.
fn plain_run(text: &str, after_word: bool) -> usize {
    let bytes = text.as_bytes();
    let mut in_word = after_word;
    let mut j = 0;
    while let Some(&b) = bytes.get(j) {
        match PLAIN[usize::from(b)] {
            LOWER if !in_word => {
                // A whole word at once. No rule can start inside it: each of those inside
                // a word (`include::`, `link:`, `http:`) would end it in a `:`.
                let len = alphanumeric_len(&bytes[j..]);
                if bytes.get(j + len) == Some(&b':') {
                    return j;
                }
                in_word = true;
                j += len;
                continue;
            }
            LOWER => {
                let rest = &text[j..];
                if (b == b'i' && rest.starts_with("include::"))
                    || (b == b'l' && rest.starts_with("link:"))
                    || (b == b'h' && rest.starts_with("http"))
                {
                    return j;
                }
            }
            WORD => in_word = true,
            SPACE => in_word = false,
            _ => return j,
        }
        j += 1;
    }
    bytes.len()
}

/// The classes of [`plain_run`]'s bytes: a lowercase letter, another letter or a digit,
/// punctuation or a space that ends a word, and anything else (markup, escapes,
/// non-ASCII), which ends the run.
const STOP: u8 = 0;
const LOWER: u8 = 1;
const WORD: u8 = 2;
const SPACE: u8 = 3;

/// [`plain_run`]'s class of each byte, looked up once per byte.
static PLAIN: [u8; 256] = {
    let mut class = [STOP; 256];
    let mut b = 0;
    while b < 256 {
        class[b] = match b as u8 {
            b'a'..=b'z' => LOWER,
            b'A'..=b'Z' | b'0'..=b'9' => WORD,
            b' ' | b'.' | b',' | b';' | b':' | b'(' | b')' | b'-' | b'/' | b'=' | b'+' | b'\'' | b'"' | b'!' | b'?'
            | b'%' | b'&' | b'@' | b'$' => SPACE,
            _ => STOP,
        };
        b += 1;
    }
    class
};

/// The length of the ASCII letters and digits at the start of `bytes`.
fn alphanumeric_len(bytes: &[u8]) -> usize {
    bytes.iter().position(|&b| !matches!(PLAIN[usize::from(b)], LOWER | WORD)).unwrap_or(bytes.len())
}

/// Converts one run of inline text.
pub fn inline(text: &str, r: &dyn Resolve) -> String {
    if let Some(markdown) = r.converted(text) {
        return markdown;
    }
    let markdown = convert_inline(text, r);
    r.remember(text, &markdown);
    markdown
}

fn convert_inline(text: &str, r: &dyn Resolve) -> String {
    // `{attribute}` values first: they may hold markup of their own.
    let text = substitute_attributes(text, r);
    let s: &str = &text;
    let mut out = String::with_capacity(s.len() + 16);
    let mut i = 0;
    let prev = |i: usize| s[..i].chars().next_back();
    while i < s.len() {
        let rest = &s[i..];
        // Text no rule below can start and that needs no escaping is copied in one piece.
        let run = plain_run(rest, word_char(prev(i)));
        if run > 0 {
            out.push_str(&rest[..run]);
            i += run;
            continue;
        }
        let c = rest.chars().next().expect("in bounds");
        // `code` spans stay as they are (an API macro inside one gives its name).
        if c == '`' {
            if let Some(end) = find_near(&rest[1..], "`") {
                let inner = &rest[1..1 + end];
                let inner = MACROS
                    .iter()
                    .find_map(|m| inner.strip_prefix(m).and_then(|x| x.strip_prefix(':')))
                    .unwrap_or(inner);
                push_code_span(&mut out, inner);
                i += end + 2;
                continue;
            }
        }
        // A generated include inside a line (a table cell): not reproduced.
        if let Some(after) = rest.strip_prefix("include::") {
            if let Some(end) = find_near(after, "[]") {
                out.push_str("(a generated table, not reproduced here)");
                i += "include::".len() + end + 2;
                continue;
            }
        }
        // [latexmath] ++++ ... ++++ inside a table cell.
        if let Some(after) = rest.strip_prefix("[latexmath]") {
            let body = after.trim_start();
            if let Some(inner) = body.strip_prefix("++++") {
                if let Some(end) = find_near(inner, "++++") {
                    out.push_str(&code_span(&latex(&inner[..end])));
                    i += rest.len() - inner[end + 4..].len();
                    continue;
                }
            }
        }
        if c.is_ascii_lowercase() && !word_char(prev(i)) {
            // A word followed by `:`: an API macro (`ename:VK_FOO`) or a normative word.
            let word_len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
            if rest.as_bytes().get(word_len) != Some(&b':') {
                // Every rule that starts with a word has a `:` after it (`ename:`, `must:`,
                // `latexmath:[`, `link:`, `https:`): without one, the word is plain text.
                out.push_str(&rest[..word_len]);
                i += word_len;
                continue;
            }
            {
                let word = &rest[..word_len];
                let after = &rest[word_len + 1..];
                if MACROS.contains(&word) {
                    let name_len = after.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
                    if name_len > 0 {
                        push_api_name(&mut out, word, &after[..name_len], r);
                        i += word_len + 1 + name_len;
                        continue;
                    }
                }
                if NORMATIVE.contains(&word) && !word_char(after.chars().next()) {
                    out.extend(["**", word, "**"]);
                    i += word_len + 1;
                    continue;
                }
            }
            // latexmath:[...] -> code; footnote:[...] -> parenthesis; pass:[...] -> text.
            let mut matched = false;
            for (prefix, kind) in [("latexmath:[", 0), ("footnote:[", 1), ("pass:[", 2), ("pass:q[", 2), ("kbd:[", 3)] {
                if !rest.starts_with(prefix) {
                    continue;
                }
                if let Some(end) = balanced(rest, prefix.len(), '[', ']') {
                    let inner = &rest[prefix.len()..end];
                    match kind {
                        0 => out.push_str(&code_span(latex(inner).trim())),
                        1 => {
                            out.push_str(" (");
                            out.push_str(&inline(inner, r));
                            out.push(')');
                        }
                        3 => push_code_span(&mut out, inner),
                        _ => out.push_str(&inline(inner, r)),
                    }
                    i += end + 1;
                    matched = true;
                    break;
                }
            }
            if matched {
                continue;
            }
        }
        // <<anchor,text>> and <<anchor>>.
        if rest.starts_with("<<<") {
            i += 3;
            continue;
        }
        if rest.starts_with("<<") {
            if let Some(end) = find_near(rest, ">>") {
                let inner = &rest[2..end];
                let (id, label) = match inner.split_once(',') {
                    Some((id, label)) => (id.trim(), Some(label.trim())),
                    None => (inner.trim(), None),
                };
                // A link's text holds no links of its own.
                let title = label
                    .map(|l| unlink(&inline(l, r)))
                    .or_else(|| r.anchor(id).filter(|t| !t.is_empty()).map(|t| unlink(&inline(t, r))));
                let shown = title.unwrap_or_else(|| id.replace('-', " "));
                if r.anchor(id).is_some() {
                    out.extend(["[", &shown, "]("]);
                    push_spec_url(&mut out, id);
                    out.push(')');
                } else {
                    out.push_str(&shown);
                }
                i += end + 2;
                continue;
            }
        }
        // [[anchor]] -> nothing; [eq]#...# -> its text.
        if rest.starts_with("[[") {
            if let Some(end) = find_near(rest, "]]") {
                i += end + 2;
                continue;
            }
        }
        if let Some(body) = rest.strip_prefix("[eq]#") {
            if let Some(end) = find_near(body, "#") {
                out.push_str(&inline(&body[..end], r));
                i += 5 + end + 1;
                continue;
            }
        }
        // URLs: link:URL[text], https://URL[text], bare URLs.
        if rest.starts_with("link:") || rest.starts_with("https://") || rest.starts_with("http://") {
            let start = if rest.starts_with("link:") { 5 } else { 0 };
            let url_len = rest[start..]
                .find(|c: char| c.is_whitespace() || c == '[' || c == ')' || c == '>')
                .unwrap_or(rest.len() - start);
            let url = rest[start..start + url_len].trim_end_matches(['.', ',']);
            let after = start + url.len();
            if rest[after..].starts_with('[') {
                if let Some(end) = balanced(rest, after + 1, '[', ']') {
                    let label = &rest[after + 1..end];
                    let label = if label.is_empty() { url.to_owned() } else { inline(label, r) };
                    out.extend(["[", &label, "](", url, ")"]);
                    i += end + 1;
                    continue;
                }
            }
            out.extend(["<", url, ">"]);
            i += after;
            continue;
        }
        // Emphasis: *x* (strong), _x_ (emphasis), unconstrained **x** and __x__.
        if c == '*' || c == '_' {
            let double = rest.starts_with(if c == '*' { "**" } else { "__" });
            let marker_len = if double { 2 } else { 1 };
            let marker = &rest[..marker_len];
            let constrained_ok = double || !word_char(prev(i));
            if constrained_ok && !rest[marker_len..].starts_with(' ') {
                if let Some(end) = find_near(&rest[marker_len..], marker) {
                    let inner = &rest[marker_len..marker_len + end];
                    let after = rest[marker_len + end + marker_len..].chars().next();
                    if !inner.is_empty()
                        && !inner.ends_with(' ')
                        && (double || !word_char(after))
                        && !inner.contains('\n')
                    {
                        let md = if c == '*' { "**" } else { "*" };
                        out.push_str(md);
                        out.push_str(&inline(inner, r));
                        out.push_str(md);
                        i += marker_len * 2 + end;
                        continue;
                    }
                }
            }
        }
        // Superscript ^x^ and subscript ~x~: their text.
        if c == '^' || c == '~' {
            if let Some(end) = find_near(&rest[1..], if c == '^' { "^" } else { "~" }) {
                let inner = &rest[1..1 + end];
                if !inner.is_empty() && !inner.contains(' ') {
                    out.push_str(&inline(inner, r));
                    i += end + 2;
                    continue;
                }
            }
        }
        push_plain(&mut out, c);
        i += c.len_utf8();
    }
    out
}

/// ``[`label`](target)`` -> `` `label` ``: for text that becomes a link's text.
fn unlink(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(start) = rest.find("[`") {
        if start > 0 && rest[..start].ends_with('\\') {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            continue;
        }
        let Some(mid) = rest[start..].find("`](") else { break };
        let Some(end) = rest[start + mid..].find(')') else { break };
        out.push_str(&rest[..start]);
        out.push_str(&rest[start + 1..start + mid + 1]);
        rest = &rest[start + mid + end + 1..];
    }
    out.push_str(rest);
    out
}

fn substitute_attributes<'t>(text: &'t str, r: &dyn Resolve) -> Cow<'t, str> {
    // Most text holds no attribute reference at all.
    if memchr::memchr(b'{', text.as_bytes()).is_none() {
        return Cow::Borrowed(text);
    }
    // latexmath passes its text through unchanged.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // So do `++++` passthrough blocks (`[latexmath]` in a table cell).
    loop {
        let inline_math = rest.find("latexmath:[");
        let passthrough = rest.find("++++");
        let (start, end) = match (inline_math, passthrough) {
            (Some(start), p) if p.is_none_or(|p| start < p) => {
                let Some(close) = balanced(rest, start + "latexmath:[".len(), '[', ']') else { break };
                (start, close + 1)
            }
            (_, Some(start)) => {
                let Some(len) = rest[start + 4..].find("++++") else { break };
                (start, start + 4 + len + 4)
            }
            _ => break,
        };
        out.push_str(&substitute_plain(&rest[..start], r));
        out.push_str(&rest[start..end]);
        rest = &rest[end..];
    }
    out.push_str(&substitute_plain(rest, r));
    Cow::Owned(out)
}

fn substitute_plain(text: &str, r: &dyn Resolve) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match find_near(after, "}").filter(|&e| e <= 64) {
            Some(end)
                if after[..end].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') && end > 0 =>
            {
                let name = &after[..end];
                match r.attribute(name) {
                    Some(v) => out.push_str(v),
                    // An attribute the spec does not define: its name, as the built spec shows.
                    None => out.push_str(name),
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// latexmath text, readable: delimiters removed, common commands as symbols.
fn latex(s: &str) -> String {
    let mut t = s.trim().trim_start_matches("\\(").trim_end_matches("\\)").trim_matches('$').to_owned();
    for (from, to) in [
        ("\\times", "×"),
        ("\\cdot", "·"),
        ("\\leq", "≤"),
        ("\\geq", "≥"),
        ("\\neq", "≠"),
        ("\\lfloor", "⌊"),
        ("\\rfloor", "⌋"),
        ("\\lceil", "⌈"),
        ("\\rceil", "⌉"),
        ("\\left", ""),
        ("\\right", ""),
        ("\\mathit", ""),
        ("\\textrm", ""),
    ] {
        t = t.replace(from, to);
    }
    if t.contains("\\begin{aligned}") {
        // Aligned equations: one per line in the source, `;` between them here.
        t = t.replace("\\begin{aligned}", "").replace("\\end{aligned}", "").replace("\\\\", ";").replace('&', "");
    }
    t.split_whitespace().collect::<Vec<_>>().join(" ").replace(" ;", ";").trim_end_matches(';').trim().to_owned()
}

/// Converts block-level AsciiDoc (paragraphs, lists, tables, notes, code) to Markdown.
/// `include` is asked about each `include::` line and may return Markdown for it.
pub fn blocks(lines: &[&str], r: &dyn Resolve, include: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    let mut title: Option<String> = None;
    let mut cols: Option<usize> = None;
    let blank = |out: &mut Vec<String>| {
        if out.last().is_some_and(|l| !l.is_empty()) {
            out.push(String::new());
        }
    };
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim();
        if t.starts_with("////") {
            // Comment block.
            i += 1;
            while i < lines.len() && !lines[i].trim().starts_with("////") {
                i += 1;
            }
            i += 1;
            continue;
        }
        if t.starts_with("//") || t == "--" || t == "<<<" || (t.starts_with("[[") && t.ends_with("]]")) || t == "+" {
            i += 1;
            continue;
        }
        if let Some(path) = t.strip_prefix("include::") {
            if let Some(md) = include(path) {
                blank(&mut out);
                out.extend(md.lines().map(str::to_owned));
                blank(&mut out);
            }
            i += 1;
            continue;
        }
        if t.is_empty() {
            blank(&mut out);
            i += 1;
            continue;
        }
        // Block titles and attribute lines.
        if let Some(tt) = t.strip_prefix('.').filter(|x| !x.starts_with('.') && !x.starts_with(' ') && !x.is_empty()) {
            title = Some(inline(tt, r));
            i += 1;
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') && !t.starts_with("[eq]") {
            let inner = &t[1..t.len() - 1];
            if inner == "NOTE"
                || inner.starts_with("NOTE")
                || inner == "TIP"
                || inner == "WARNING"
                || inner == "IMPORTANT"
            {
                // [NOTE] then ==== ... ====
                let kind = inner.split(',').next().unwrap_or("NOTE");
                let mut j = i + 1;
                let mut note_title = None;
                if let Some(tt) = lines.get(j).and_then(|l| l.trim().strip_prefix('.')) {
                    note_title = Some(inline(tt, r));
                    j += 1;
                }
                if lines.get(j).is_some_and(|l| l.trim() == "====") {
                    let start = j + 1;
                    let mut end = start;
                    while end < lines.len() && lines[end].trim() != "====" {
                        end += 1;
                    }
                    let body = blocks(&lines[start..end.min(lines.len())], r, include);
                    blank(&mut out);
                    let head = match note_title {
                        Some(t) => format!("> **{}: {t}**", capitalize(kind)),
                        None => format!("> **{}**", capitalize(kind)),
                    };
                    out.push(head);
                    out.push(">".into());
                    for l in body.lines() {
                        out.push(if l.is_empty() { ">".into() } else { format!("> {l}") });
                    }
                    blank(&mut out);
                    i = end + 1;
                    continue;
                }
            }
            if let Some(c) = block_attribute(inner, "cols") {
                cols = count_cols(c);
            }
            if inner == "latexmath" && lines.get(i + 1).is_some_and(|l| l.trim() == "++++") {
                let mut end = i + 2;
                while end < lines.len() && lines[end].trim() != "++++" {
                    end += 1;
                }
                let body: Vec<&str> = lines[i + 2..end.min(lines.len())].iter().map(|l| l.trim()).collect();
                blank(&mut out);
                out.push("```text".into());
                out.push(latex(&body.join(" ")));
                out.push("```".into());
                out.push(String::new());
                i = end + 1;
                continue;
            }
            if inner.starts_with("source") {
                let lang = inner.split(',').nth(1).unwrap_or("text").trim();
                let lang = match lang {
                    "c" | "c++" => "c",
                    "glsl" | "spirv" => "glsl",
                    _ => "text",
                };
                if lines.get(i + 1).is_some_and(|l| l.trim() == "----") {
                    i = code_block(lines, i + 1, lang, &mut out);
                    continue;
                }
            }
            i += 1;
            continue;
        }
        if t == "----" {
            i = code_block(lines, i, "text", &mut out);
            continue;
        }
        if t.starts_with("|===") {
            let mut end = i + 1;
            while end < lines.len() && !lines[end].trim().starts_with("|===") {
                end += 1;
            }
            blank(&mut out);
            if let Some(caption) = title.take() {
                out.push(format!("**{caption}**"));
                out.push(String::new());
            }
            out.extend(table(&lines[i + 1..end.min(lines.len())], cols.take(), r));
            blank(&mut out);
            i = end + 1;
            continue;
        }
        if let Some(h) = t.strip_prefix('=') {
            let heading = h.trim_start_matches('=').trim();
            blank(&mut out);
            out.push(format!("**{}**", inline(heading, r)));
            blank(&mut out);
            i += 1;
            continue;
        }
        if let Some(caption) = title.take() {
            blank(&mut out);
            out.push(format!("**{caption}**"));
            blank(&mut out);
        }
        // List items: `* x`, `** x`, `. x`; continuation lines follow.
        if let Some((depth, ordered, text)) = list_item(t) {
            let mut item = text.to_owned();
            let mut j = i + 1;
            while j < lines.len() {
                let n = lines[j].trim();
                if n.is_empty()
                    || list_item(n).is_some()
                    || n == "+"
                    || n.starts_with("|===")
                    || n == "----"
                    || is_directive(n)
                {
                    break;
                }
                item.push(' ');
                item.push_str(n);
                j += 1;
            }
            let text = inline(&item, r);
            let mut line = String::with_capacity(2 * depth + 1 + text.len());
            (1..depth).for_each(|_| line.push_str("  "));
            line.extend([if ordered { "1. " } else { "- " }, &text]);
            out.push(line);
            i = j;
            continue;
        }
        // A paragraph line; after a list, a paragraph of its own.
        if out.last().is_some_and(|l| list_item(l.trim_start()).is_some() || l.starts_with('>')) {
            out.push(String::new());
        }
        out.push(inline(t, r));
        i += 1;
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    out.join("\n")
}

fn is_directive(t: &str) -> bool {
    t.starts_with("include::") || (t.starts_with('[') && t.ends_with(']')) || t.starts_with("//")
}

fn capitalize(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let mut c = lower.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

fn list_item(t: &str) -> Option<(usize, bool, &str)> {
    for (marker, ordered) in [('*', false), ('.', true), ('-', false)] {
        let depth = t.chars().take_while(|&c| c == marker).count();
        if depth > 0 && t[depth..].starts_with(' ') && !(marker == '-' && depth > 1) {
            return Some((depth, ordered, t[depth..].trim_start()));
        }
    }
    None
}

fn code_block(lines: &[&str], open: usize, lang: &str, out: &mut Vec<String>) -> usize {
    let mut end = open + 1;
    while end < lines.len() && lines[end].trim() != "----" {
        end += 1;
    }
    if out.last().is_some_and(|l| !l.is_empty()) {
        out.push(String::new());
    }
    out.push(format!("```{lang}"));
    out.extend(lines[open + 1..end.min(lines.len())].iter().map(|l| l.to_string()));
    out.push("```".into());
    out.push(String::new());
    end + 1
}

/// The value of `key` in a block attribute list (`width="80%",cols="59%,28%,13%"`):
/// commas inside quotes do not separate entries; quotes are removed.
pub fn block_attribute<'a>(attrs: &'a str, key: &str) -> Option<&'a str> {
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in attrs.char_indices().chain(std::iter::once((attrs.len(), ','))) {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                let entry = attrs[start..i].trim();
                if let Some((k, v)) = entry.split_once('=') {
                    if k.trim() == key {
                        return Some(v.trim().trim_matches('"'));
                    }
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    None
}

/// `cols="1,3"`, `cols="3*"`, `cols="2*,1"`: the number of columns.
pub fn count_cols(spec: &str) -> Option<usize> {
    let mut n = 0;
    for part in spec.split(',') {
        let part = part.trim();
        match part.split_once('*') {
            Some((count, _)) if !count.is_empty() && count.chars().all(|c| c.is_ascii_digit()) => {
                n += count.parse::<usize>().ok()?
            }
            _ => n += 1,
        }
    }
    (n > 0).then_some(n)
}

/// Splits table lines into cells: each cell starts at a `|` (with an optional spec such as
/// `a|` or `2+|` before it).
fn table_cells<L: AsRef<str>>(lines: &[L]) -> (Vec<String>, usize) {
    let mut cells: Vec<String> = Vec::new();
    let mut first_line_cells = 0;
    let mut seen_first = false;
    for line in lines {
        let t = line.as_ref().trim();
        if t.is_empty() {
            if !cells.is_empty() {
                seen_first = true;
            }
            continue;
        }
        let mut parts = split_cells(t);
        if parts.is_empty() {
            continue;
        }
        if !t.starts_with('|') && !starts_with_cell_spec(t) {
            // A continuation of the previous cell.
            if let Some(last) = cells.last_mut() {
                last.push(' ');
                last.push_str(&parts.remove(0));
            }
        }
        if !seen_first {
            first_line_cells += parts.len();
            seen_first = true;
        }
        cells.extend(parts);
    }
    (cells, first_line_cells)
}

fn starts_with_cell_spec(t: &str) -> bool {
    let Some(bar) = t.find('|') else { return false };
    let spec = &t[..bar];
    !spec.is_empty() && spec.len() <= 6 && spec.chars().all(|c| c.is_ascii_digit() || "+.*<>^ahdemlsv".contains(c))
}

/// The cells of one table line: the text between bars (a bar inside backquotes is text),
/// each trimmed; text before the first bar is a cell unless it is a cell spec (`a`, `2+`).
/// The bars and backquotes are ASCII, so the line is cut by its bytes.
fn split_cells(t: &str) -> Vec<String> {
    let mut cells = Vec::new();
    // Where the cell being read starts.
    let mut start = (!t.is_empty() && !t.starts_with('|') && !starts_with_cell_spec(t)).then_some(0);
    let mut in_code = false;
    for (k, b) in t.bytes().enumerate() {
        if b == b'`' {
            in_code = !in_code;
        }
        if b == b'|' && !in_code {
            if let Some(s) = start {
                cells.push(cell_before_bar(&t[s..k]));
            }
            start = Some(k + 1);
        }
    }
    if let Some(s) = start {
        cells.push(t[s..].trim().to_owned());
    }
    cells
}

/// A cell's text up to the next bar, without the cell spec (`a`, `2+`) the next cell may
/// start with just before that bar.
fn cell_before_bar(text: &str) -> String {
    let trimmed = text.trim_end();
    if let Some(pos) = trimmed.rfind(' ') {
        let tail = &trimmed[pos + 1..];
        if !tail.is_empty() && tail.len() <= 3 && tail.chars().all(|c| c.is_ascii_digit() || "+a".contains(c)) {
            return trimmed[..pos].trim().to_owned();
        }
    }
    text.trim().to_owned()
}

/// The rows of a table's lines (between its `|===` delimiters), the first being the
/// header: `cols` columns, or as many as the first line has cells.
pub fn table_rows<L: AsRef<str>>(lines: &[L], cols: Option<usize>) -> Vec<Vec<String>> {
    let (cells, first) = table_cells(lines);
    let n = cols.unwrap_or(first).max(1);
    cells.chunks(n).map(|row| (0..n).map(|c| row.get(c).cloned().unwrap_or_default()).collect()).collect()
}

/// A Markdown table of `rows`, the first being the header, each cell converted.
pub fn markdown_table(rows: &[&[String]], r: &dyn Resolve) -> Vec<String> {
    let mut out = Vec::new();
    for (k, row) in rows.iter().enumerate() {
        let converted: Vec<String> = row.iter().map(|cell| inline(cell, r).replace('|', "\\|")).collect();
        let mut line = String::from("| ");
        for (i, cell) in converted.iter().enumerate() {
            line.extend([if i > 0 { " | " } else { "" }, cell]);
        }
        line.push_str(" |");
        out.push(line);
        if k == 0 {
            out.push(format!("|{}", "---|".repeat(row.len())));
        }
    }
    out
}

fn table(lines: &[&str], cols: Option<usize>, r: &dyn Resolve) -> Vec<String> {
    let rows = table_rows(lines, cols);
    let rows: Vec<&[String]> = rows.iter().map(Vec::as_slice).collect();
    markdown_table(&rows, r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::{refpage_url, spec_url};

    struct R;
    impl Resolve for R {
        fn enumerant(&self, c: &str) -> Option<String> {
            (c == "VK_FOO_BAR_BIT").then(|| "FooFlags::BAR".to_owned())
        }
        fn type_path(&self, c: &str) -> Option<String> {
            (c == "VkFooFlagBits").then(|| "FooFlags".to_owned())
        }
        fn extension(&self, n: &str) -> Option<String> {
            (n == "VK_KHR_foo").then(|| "extensions::khr::foo".to_owned())
        }
        fn has_refpage(&self, n: &str) -> bool {
            n == "VkBarInfo" || n == "vkGetBar"
        }
        fn anchor(&self, id: &str) -> Option<&str> {
            match id {
                "memory-external" => Some("External Memory"),
                "empty" => Some(""),
                _ => None,
            }
        }
        fn attribute(&self, n: &str) -> Option<&str> {
            match n {
                "wbro" => Some(""),
                "times" => Some("×"),
                _ => None,
            }
        }
    }

    fn md(s: &str) -> String {
        inline(s, &R)
    }

    /// A resolver that has seen every text before: it gives its own answer.
    struct Recalls;
    impl Resolve for Recalls {
        fn enumerant(&self, c: &str) -> Option<String> {
            R.enumerant(c)
        }
        fn type_path(&self, c: &str) -> Option<String> {
            R.type_path(c)
        }
        fn extension(&self, n: &str) -> Option<String> {
            R.extension(n)
        }
        fn has_refpage(&self, n: &str) -> bool {
            R.has_refpage(n)
        }
        fn anchor(&self, id: &str) -> Option<&str> {
            R.anchor(id)
        }
        fn attribute(&self, n: &str) -> Option<&str> {
            R.attribute(n)
        }
        fn converted(&self, text: &str) -> Option<String> {
            Some(format!("recalled {text}"))
        }
    }

    #[test]
    fn a_conversion_the_resolver_remembers_is_not_made_again() {
        assert_eq!(inline("ename:VK_FOO_BAR_BIT", &Recalls), "recalled ename:VK_FOO_BAR_BIT");
    }

    #[test]
    fn ename_in_the_crate_is_an_intra_doc_link() {
        assert_eq!(md("ename:VK_FOO_BAR_BIT specifies"), "[`FooFlags::BAR`](crate::FooFlags::BAR) specifies");
        assert_eq!(md("ename:VK_OTHER"), "`VK_OTHER`");
    }

    #[test]
    fn only_a_word_followed_by_a_colon_can_start_markup() {
        // Plain words, whatever they spell, are copied; a macro or normative word needs its
        // colon, and URLs are found inside words too.
        assert_eq!(md("the ename value must be set"), "the ename value must be set");
        assert_eq!(md("it must: be ename:VK_FOO_BAR_BIT"), "it **must** be [`FooFlags::BAR`](crate::FooFlags::BAR)");
        assert_eq!(md("see link:https://x.org[x] or xhttps://y.org"), "see [x](https://x.org) or x<https://y.org>");
        assert_eq!(md("plain_run"), "plain\\_run");
    }

    #[test]
    fn elink_tname_tlink_link_types() {
        assert_eq!(md("elink:VkFooFlagBits"), "[`FooFlags`](crate::FooFlags)");
        assert_eq!(md("tname:VkFooFlagBits"), "[`FooFlags`](crate::FooFlags)");
        assert_eq!(md("tlink:VkUnknown"), "`VkUnknown`");
    }

    #[test]
    fn slink_flink_sname_fname_basetype_link_to_refpages() {
        let url = refpage_url("VkBarInfo");
        assert_eq!(md("slink:VkBarInfo"), format!("[`VkBarInfo`]({url})"));
        assert_eq!(md("sname:VkBarInfo"), format!("[`VkBarInfo`]({url})"));
        assert_eq!(md("flink:vkGetBar"), format!("[`vkGetBar`]({})", refpage_url("vkGetBar")));
        assert_eq!(md("basetype:AHardwareBuffer"), "`AHardwareBuffer`");
    }

    #[test]
    fn pname_and_code_are_code_spans() {
        assert_eq!(
            md("slink:VkBarInfo::pname:handleType"),
            format!("[`VkBarInfo`]({})::`handleType`", refpage_url("VkBarInfo"))
        );
        assert_eq!(md("code:dup3"), "`dup3`");
    }

    #[test]
    fn apiext_links_the_extension_module() {
        assert_eq!(md("apiext:VK_KHR_foo"), "[`VK_KHR_foo`](crate::extensions::khr::foo)");
    }

    #[test]
    fn normative_words_keep_emphasis() {
        assert_eq!(
            md("It must: be and may: not; cannot: x, optional: y"),
            "It **must** be and **may** not; **cannot** x, **optional** y"
        );
    }

    #[test]
    fn emphasis_strong_and_code() {
        assert_eq!(md("a _host mapped_ b"), "a *host mapped* b");
        assert_eq!(md("a *strong* b"), "a **strong** b");
        assert_eq!(md("a `MTLBuffer` b"), "a `MTLBuffer` b");
        assert_eq!(md("snake_case_name"), "snake\\_case\\_name");
    }

    #[test]
    fn attributes_are_substituted() {
        assert_eq!(md("A{wbro}::B 2{times}3"), "A::B 2×3");
    }

    #[test]
    fn latexmath_becomes_readable_code() {
        assert_eq!(md("latexmath:[2^{n} \\times m]"), "`2^{n} × m`");
    }

    #[test]
    fn aligned_latexmath_keeps_its_braces_and_becomes_one_line() {
        let cell = "[latexmath] ++++ \\begin{aligned} (X,Y,Z) & = (0,0,0) \\\\ f(C_s,C_d) & = 0 \\end{aligned} ++++";
        assert_eq!(md(cell), "`(X,Y,Z) = (0,0,0); f(C_s,C_d) = 0`");
    }

    #[test]
    fn block_attributes_keep_quoted_commas() {
        let attrs = "width=\"100%\",options=\"header\",cols=\"59%,28%,13%\"";
        assert_eq!(block_attribute(attrs, "cols"), Some("59%,28%,13%"));
        assert_eq!(count_cols(block_attribute(attrs, "cols").unwrap()), Some(3));
        assert_eq!(block_attribute(attrs, "options"), Some("header"));
        assert_eq!(block_attribute(attrs, "align"), None);
    }

    #[test]
    fn latexmath_blocks_become_code() {
        assert_eq!(md("x [latexmath] ++++ a \\times b ++++ y"), "x `a × b` y");
        assert_eq!(block("[latexmath]\n++++\na \\leq b\n++++"), "```text\na ≤ b\n```");
    }

    #[test]
    fn macros_inside_backticks_give_their_name() {
        assert_eq!(md("in `apiext:VK_KHR_foo`"), "in `VK_KHR_foo`");
    }

    #[test]
    fn footnotes_become_parentheses() {
        assert_eq!(md("word.footnote:[A note.]"), "word. (A note.)");
    }

    #[test]
    fn anchors_link_into_the_spec_and_take_titles() {
        assert_eq!(md("<<memory-external,Handles>>"), format!("[Handles]({})", spec_url("memory-external")));
        assert_eq!(md("<<memory-external>>"), format!("[External Memory]({})", spec_url("memory-external")));
        assert_eq!(md("<<undefined-anchor,Text>>"), "Text");
    }

    #[test]
    fn anchor_text_holds_no_nested_links() {
        assert_eq!(
            md("<<memory-external,the ename:VK_FOO_BAR_BIT stage>>"),
            format!("[the `FooFlags::BAR` stage]({})", spec_url("memory-external"))
        );
    }

    #[test]
    fn page_breaks_and_inline_anchors_are_dropped() {
        assert_eq!(md("a<<<b [[x]]c"), "ab c");
    }

    #[test]
    fn plain_brackets_and_angles_are_escaped() {
        assert_eq!(md("a[i] < b"), "a\\[i\\] \\< b");
    }

    #[test]
    fn urls_become_links() {
        assert_eq!(md("see https://example.com/x[the site]."), "see [the site](https://example.com/x).");
        assert_eq!(md("see https://example.com/x."), "see <https://example.com/x>.");
    }

    fn block(text: &str) -> String {
        let lines: Vec<&str> = text.lines().collect();
        blocks(&lines, &R, &|p| p.contains("api/enums").then(|| "```c\nDECL\n```".to_owned()))
    }

    #[test]
    fn lists_become_lists() {
        assert_eq!(
            block("  * ename:VK_FOO_BAR_BIT is a\n    bar.\n  ** nested"),
            "- [`FooFlags::BAR`](crate::FooFlags::BAR) is a bar.\n  - nested"
        );
    }

    #[test]
    fn tables_become_markdown_tables() {
        let t = block("[[t]]\n.Compatibility\n|====\n| Handle | A\n| ename:VK_FOO_BAR_BIT | Must match\n|====");
        assert_eq!(
            t,
            "**Compatibility**\n\n| Handle | A |\n|---|---|\n| [`FooFlags::BAR`](crate::FooFlags::BAR) | Must match |"
        );
    }

    #[test]
    fn notes_become_blockquotes() {
        assert_eq!(block("[NOTE]\n====\nA must: note.\n===="), "> **Note**\n>\n> A **must** note.");
    }

    #[test]
    fn code_blocks_keep_their_language() {
        assert_eq!(block("[source,c]\n----\nint x;\n----"), "```c\nint x;\n```");
    }

    #[test]
    fn includes_are_replaced_or_dropped() {
        assert_eq!(
            block("include::{generated}/api/enums/VkFoo.adoc[]\ninclude::{generated}/validity/x.adoc[]"),
            "```c\nDECL\n```"
        );
    }

    #[test]
    fn table_lines_split_into_cells_without_cell_specs() {
        // A cell spec (`2+`) just before a bar belongs to the next cell: it is dropped.
        assert_eq!(split_cells("| ename:VK_X | text 2+| more"), ["ename:VK_X", "text", "more"]);
        // A line may open with a cell spec; a bar inside backquotes is text.
        assert_eq!(split_cells("a| x | `a|b` |"), ["x", "`a|b`", ""]);
        // Text before the first bar that is not a cell spec continues the previous row.
        assert_eq!(split_cells("text before | y"), ["text before", "y"]);
        assert!(split_cells("").is_empty());
    }
}
