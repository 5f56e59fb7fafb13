//! Writer, tables: a static table of macro rows (`static NAME: &[T] = &[row!(...), ...];`,
//! the reflection tables and lists) -> the text prettyplease prints for it, laid out here
//! row by row instead of by prettyplease's general printer (printing these rows took a
//! tenth of a run's instructions). Anything of another shape is left to prettyplease;
//! tests compare the two ways, row by row around each place a line may break and over
//! whole generated files.
//!
//! prettyplease prints a table that does not fit on one line as its array's elements one
//! per line, indented once, each with a comma. A row `name!(tokens)` is one line when it
//! fits, with what follows it up to the next break (`),`). Otherwise its tokens go on the
//! next line, indented twice, and `)` on a line of its own; the tokens themselves stay on
//! one line when they fit there, else they fill lines: a token goes on the line after a
//! space when it fits, up to the next place a line may break, else it starts a new one.
//! Spaces between tokens follow prettyplease's rules for macro tokens
//! ([`Rows::push_tokens`]).

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

use super::push_display;

/// The column prettyplease fills lines up to, its indent step, and the least room it
/// leaves a line however deep its indent (prettyplease's `MARGIN`, `INDENT`, `MIN_SPACE`).
const MARGIN: usize = 89;
const INDENT: usize = 4;
const MIN_SPACE: usize = 60;

/// The room left on a line indented `indent`.
pub(super) fn room(indent: usize) -> usize {
    MARGIN.saturating_sub(indent).max(MIN_SPACE)
}

/// The rows of a table, flat: each row's tokens as one line of text, in one buffer, with
/// the places a line may break (spaces between tokens) noted.
#[derive(Default)]
struct Rows {
    /// Every row's name and tokens, one after the other.
    text: String,
    /// The offsets in `text` of the spaces where a line may break, row after row.
    spaces: Vec<usize>,
    rows: Vec<Row>,
    /// The name being read.
    word: String,
}

/// A row `name!(tokens)`: where its name and tokens are in [`Rows::text`], and its
/// spaces in [`Rows::spaces`].
struct Row {
    name: std::ops::Range<usize>,
    tokens: std::ops::Range<usize>,
    spaces: std::ops::Range<usize>,
    /// The end of the row's tokens in the tokens read.
    read: usize,
}

/// Prints `item` into `out` as prettyplease prints it alone in a file, when it is a static
/// table of macro rows that does not fit on one line, and says so; else leaves `out` as it
/// was and says not, with `item` whole. Each row's tokens are moved out of `item` to be
/// read (reading them in place would copy each), and put back only when prettyplease is
/// to print the item after all.
pub fn print(item: &mut syn::Item, out: &mut String) -> bool {
    let syn::Item::Static(s) = item else { return false };
    if !s.attrs.is_empty() || !matches!(s.mutability, syn::StaticMutability::None) {
        return false;
    }
    let (Some(vis), Some(element)) = (visibility(&s.vis), slice_element(&s.ty)) else { return false };
    let syn::Expr::Reference(r) = s.expr.as_mut() else { return false };
    if r.mutability.is_some() || !r.attrs.is_empty() {
        return false;
    }
    let syn::Expr::Array(array) = r.expr.as_mut() else { return false };
    if !array.attrs.is_empty() || array.elems.is_empty() {
        return false;
    }
    let mut rows = Rows::default();
    let mut read = Vec::new();
    for k in 0..array.elems.len() {
        if !rows.push(&mut array.elems[k], &mut read) {
            rows.put_back(&mut array.elems, read);
            return false;
        }
    }
    let start = out.len();
    out.push_str(vis);
    out.push_str("static ");
    push_display(out, &s.ident);
    out.push_str(": &[");
    push_display(out, element);
    out.push_str("] = &[");
    // The whole table on one line (small tables) is prettyplease's to print.
    let flat = rows.rows.iter().map(|row| row.name.len() + "!()".len() + row.tokens.len()).sum::<usize>()
        + ", ".len() * (rows.rows.len() - 1)
        + "];".len();
    if flat <= room(0).saturating_sub(out.len() - start) {
        out.truncate(start);
        rows.put_back(&mut array.elems, read);
        return false;
    }
    out.push('\n');
    let last = rows.rows.len() - 1;
    for (k, row) in rows.rows.iter().enumerate() {
        rows.push_row(out, row, k < last);
    }
    out.push_str("];\n");
    true
}

/// Where tokens read go: a row's are kept (to put back or drop later), a group's are
/// dropped (they are copies; the group keeps its own).
trait Keep {
    fn keep(&mut self, token: TokenTree);
}

impl Keep for Vec<TokenTree> {
    fn keep(&mut self, token: TokenTree) {
        self.push(token);
    }
}

struct Discard;

impl Keep for Discard {
    fn keep(&mut self, _: TokenTree) {}
}

/// `pub ` or `pub(crate) ` (what the tables use); `None` for other visibilities.
fn visibility(vis: &syn::Visibility) -> Option<&'static str> {
    match vis {
        syn::Visibility::Public(_) => Some("pub "),
        syn::Visibility::Restricted(r) if r.in_token.is_none() && r.path.is_ident("crate") => Some("pub(crate) "),
        _ => None,
    }
}

/// `T` of a type `&[T]` whose `T` is a plain name.
fn slice_element(ty: &syn::Type) -> Option<&syn::Ident> {
    let syn::Type::Reference(r) = ty else { return None };
    if r.lifetime.is_some() || r.mutability.is_some() {
        return None;
    }
    let syn::Type::Slice(slice) = r.elem.as_ref() else { return None };
    let syn::Type::Path(p) = slice.elem.as_ref() else { return None };
    if p.qself.is_some() {
        return None;
    }
    p.path.get_ident()
}

impl Rows {
    /// Adds the row `expr`, a macro call `name!(tokens)`, moving its tokens to `read`
    /// (the end of the row's run of them is noted); false for anything else, with the row
    /// as it was.
    fn push(&mut self, expr: &mut syn::Expr, read: &mut Vec<TokenTree>) -> bool {
        let syn::Expr::Macro(m) = expr else { return false };
        if !m.attrs.is_empty() || !matches!(m.mac.delimiter, syn::MacroDelimiter::Paren(_)) || m.mac.tokens.is_empty() {
            return false;
        }
        let Some(name) = m.mac.path.get_ident() else { return false };
        let (text_start, spaces_start, read_start) = (self.text.len(), self.spaces.len(), read.len());
        push_display(&mut self.text, name);
        let tokens_start = self.text.len();
        if !self.push_tokens(std::mem::take(&mut m.mac.tokens), read) {
            m.mac.tokens = read.drain(read_start..).collect();
            self.text.truncate(text_start);
            self.spaces.truncate(spaces_start);
            return false;
        }
        self.rows.push(Row {
            name: text_start..tokens_start,
            tokens: tokens_start..self.text.len(),
            spaces: spaces_start..self.spaces.len(),
            read: read.len(),
        });
        true
    }

    /// Puts the tokens moved to `read` back into the rows of `elems` they came from.
    fn put_back(&self, elems: &mut syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>, read: Vec<TokenTree>) {
        let mut read = read.into_iter();
        let mut taken = 0;
        for (row, expr) in self.rows.iter().zip(elems.iter_mut()) {
            if let syn::Expr::Macro(m) = expr {
                m.mac.tokens = read.by_ref().take(row.read - taken).collect();
            }
            taken = row.read;
        }
    }

    /// Adds `tokens` to the text with prettyplease's spaces between macro tokens
    /// (`macro_rules_tokens`, outside a matcher), each a place a line may break, moving
    /// them to `read` (all of them, whatever happens); false for tokens whose layout
    /// prettyplease makes otherwise (`$`, `#`, `.`, braces, invisible groups).
    fn push_tokens(&mut self, tokens: TokenStream, read: &mut impl Keep) -> bool {
        #[derive(Clone, Copy, PartialEq)]
        enum After {
            Start,
            Colon,
            Colon2,
            Ident,
            IdentBang,
            Delim,
            Other,
        }
        let mut after = After::Start;
        let mut joint = true;
        let mut tokens = tokens.into_iter();
        let mut spaced = true;
        for token in tokens.by_ref() {
            let (space, next) = match &token {
                TokenTree::Group(g) => match g.delimiter() {
                    Delimiter::Parenthesis | Delimiter::Bracket => match after {
                        After::Ident => (false, After::Delim),
                        After::IdentBang => (false, After::Other),
                        _ => (true, After::Delim),
                    },
                    Delimiter::Brace | Delimiter::None => (true, After::Other),
                },
                TokenTree::Punct(p) => match (after, p.as_char(), p.spacing()) {
                    (After::Ident, '!', Spacing::Alone) => (false, After::IdentBang),
                    (After::Colon, ':', _) => (false, After::Colon2),
                    (_, ',' | ';', _) => (false, After::Other),
                    (_, ':', Spacing::Joint) => (after != After::Ident, After::Colon),
                    _ => (true, After::Other),
                },
                TokenTree::Ident(i) => {
                    self.word.clear();
                    push_display(&mut self.word, i);
                    if is_keyword(&self.word) {
                        (true, After::Other)
                    } else {
                        (after != After::Colon2, After::Ident)
                    }
                }
                TokenTree::Literal(_) => (true, After::Ident),
            };
            if !joint && space {
                self.spaces.push(self.text.len());
                self.text.push(' ');
            }
            joint = matches!(&token, TokenTree::Punct(p) if p.spacing() == Spacing::Joint);
            match &token {
                TokenTree::Group(g) => {
                    let (open, close) = match g.delimiter() {
                        Delimiter::Parenthesis => ('(', ')'),
                        Delimiter::Bracket => ('[', ']'),
                        Delimiter::Brace | Delimiter::None => {
                            spaced = false;
                            read.keep(token);
                            break;
                        }
                    };
                    self.text.push(open);
                    let inner_spaced = self.push_tokens(g.stream(), &mut Discard);
                    self.text.push(close);
                    if !inner_spaced {
                        spaced = false;
                        read.keep(token);
                        break;
                    }
                }
                TokenTree::Punct(p) if matches!(p.as_char(), '$' | '#' | '.') => {
                    spaced = false;
                    read.keep(token);
                    break;
                }
                TokenTree::Punct(p) => self.text.push(p.as_char()),
                TokenTree::Ident(_) => self.text.push_str(&self.word),
                TokenTree::Literal(l) => {
                    push_display(&mut self.text, l);
                    if self.text.ends_with('.') {
                        after = After::Other;
                        read.keep(token);
                        continue;
                    }
                }
            }
            after = next;
            read.keep(token);
        }
        for token in tokens {
            read.keep(token);
        }
        spaced
    }

    /// One row of a broken table: see the module's doc. `more` when rows follow (its
    /// comma is then part of what must fit after it).
    fn push_row(&self, out: &mut String, row: &Row, more: bool) {
        const ROW_INDENT: usize = INDENT;
        const TOKEN_INDENT: usize = 2 * INDENT;
        let name = &self.text[row.name.clone()];
        let tokens = &self.text[row.tokens.clone()];
        let open = name.len() + "!(".len();
        let after = if more { "),".len() } else { ")".len() };
        push_indent(out, ROW_INDENT);
        out.push_str(name);
        out.push_str("!(");
        if tokens.len() + after <= room(ROW_INDENT).saturating_sub(open) {
            out.push_str(tokens);
        } else {
            out.push('\n');
            push_indent(out, TOKEN_INDENT);
            if tokens.len() <= room(TOKEN_INDENT) {
                out.push_str(tokens);
            } else {
                self.push_filled(out, row, TOKEN_INDENT);
            }
            out.push('\n');
            push_indent(out, ROW_INDENT);
        }
        // The last row's comma is the one prettyplease adds where a list breaks.
        out.push_str("),\n");
    }

    /// Tokens that do not fit on one line, filling lines indented `indent`: at each space
    /// the next run of text (up to the next space, or the end) goes on this line after the
    /// space when it fits, else on a new line.
    fn push_filled(&self, out: &mut String, row: &Row, indent: usize) {
        let spaces = &self.spaces[row.spaces.clone()];
        let end = row.tokens.end;
        let mut from = row.tokens.start;
        let mut left = room(indent) as isize;
        for (k, &space) in spaces.iter().enumerate() {
            out.push_str(&self.text[from..space]);
            left -= (space - from) as isize;
            let next = spaces.get(k + 1).copied().unwrap_or(end);
            let run = next - (space + 1);
            if (1 + run) as isize <= left {
                out.push(' ');
                left -= 1;
            } else {
                out.push('\n');
                push_indent(out, indent);
                left = room(indent) as isize;
            }
            from = space + 1;
        }
        out.push_str(&self.text[from..end]);
    }
}

fn push_indent(out: &mut String, n: usize) {
    const SPACES: &str = "                ";
    out.push_str(&SPACES[..n]);
}

/// prettyplease's keywords for macro-token spacing (a keyword is not spaced as a name).
fn is_keyword(ident: &str) -> bool {
    matches!(
        ident,
        "as" | "async"
            | "await"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "yield"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prettyplease_prints(item: &syn::Item) -> String {
        let mut file: syn::File = syn::parse_str("").unwrap();
        file.items.push(item.clone());
        prettyplease::unparse(&file)
    }

    /// Tables of rows of every length around each place a line may break (the row on one
    /// line, its tokens on one line, filled lines) print as prettyplease prints them.
    #[test]
    fn rows_break_where_prettyplease_breaks_them() {
        let mut laid_out = 0;
        for name in ["r", "enumerant", "a_much_longer_row_macro_name"] {
            for n in 0..110 {
                let long = "A".repeat(n);
                let rows = [
                    format!(r#"{name}!("{long}", "B", 0, ["X"])"#),
                    format!(
                        r#"{name}!("{long}", "B", 4294967295, ["VK_KHR_x", "VK_VERSION_1_1"], alias = "VK_{long}")"#
                    ),
                    format!(
                        r#"{name}!("C", Some("{long}"), "R", Bitmask64, [], ["VK_X"], super::enum_tables::{name}X)"#
                    ),
                    format!(r#"{name}!("{long}", None, Some(3), true, deprecated = "{long} is {long}")"#),
                ];
                for count in 1..=rows.len() {
                    let source = format!("pub(crate) static T{n}: &[Info] = &[{}];", rows[..count].join(", "));
                    let mut item: syn::Item = syn::parse_str(&source).unwrap();
                    let expected = prettyplease_prints(&item);
                    let mut text = String::from("before\n");
                    if print(&mut item, &mut text) {
                        assert_eq!(text, format!("before\n{expected}"), "{source}");
                        laid_out += 1;
                    } else {
                        assert_eq!(text, "before\n");
                        assert_eq!(expected.lines().count(), 1, "{source}");
                        assert_eq!(prettyplease_prints(&item), expected, "the item is whole again");
                    }
                }
            }
        }
        assert!(laid_out > 1000, "most tables are laid out here: {laid_out}");
    }

    /// A table that fits on one line, and items of other shapes, are prettyplease's.
    #[test]
    fn other_shapes_are_left_to_prettyplease() {
        for source in [
            r#"pub static T: &[Info] = &[r!("A")];"#,
            r#"pub static T: &[Info] = &[];"#,
            r#"static T: &[Info] = &[r!("A"), r!("B")];"#,
            r#"pub static mut T: &[Info] = &[r!("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")];"#,
            r#"pub static T: &[Info] = &[r!("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", { x })];"#,
            r#"pub static T: &[Info] = &[r!("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", a.b)];"#,
            r#"pub static T: &[Info] = &[r!("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 3];"#,
            r#"pub static T: &[&str] = &["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"];"#,
            r#"pub const T: &[Info] = &[r!("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")];"#,
        ] {
            let mut item: syn::Item = syn::parse_str(source).unwrap();
            let expected = prettyplease_prints(&item);
            let mut text = String::new();
            assert!(!print(&mut item, &mut text), "{source}");
            assert_eq!(text, "");
            assert_eq!(prettyplease_prints(&item), expected, "{source}: the item is whole again");
        }
    }

    /// Spaces between macro tokens as prettyplease puts them: none before a comma or after
    /// a path's `::`, none between a name and its parentheses, one around `=`.
    #[test]
    fn tokens_are_spaced_as_prettyplease_spaces_them() {
        let tokens = r#""A", Some("B"), super::m::T, [], [1, 2], k = "v", f!(x), 1., true"#;
        let mut expr: syn::Expr = syn::parse_str(&format!("row!({tokens})")).unwrap();
        let mut rows = Rows::default();
        assert!(rows.push(&mut expr, &mut Vec::new()));
        assert_eq!(&rows.text[rows.rows[0].tokens.clone()], tokens);
        assert_eq!(rows.spaces.len(), tokens.matches(' ').count());
    }
}
