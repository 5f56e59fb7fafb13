//! Writer, tables: a static table of rows (`static NAME: &[T] = &[row!(...), ...];`, the
//! reflection tables and lists, with their rows as [`Row`]s) -> the text prettyplease
//! prints for the table with the rows' tokens, laid out here row by row without making
//! the tokens (making them, and printing them with prettyplease, took a sixth of a run's
//! instructions). A table of another shape, or one that fits on one line, is left to
//! prettyplease; tests compare the two ways, row by row around each place a line may
//! break and over whole generated files.
//!
//! prettyplease prints a table that does not fit on one line as its array's elements one
//! per line, indented once, each with a comma. A row `name!(tokens)` is one line when it
//! fits, with what follows it up to the next break (`),`). Otherwise its tokens go on the
//! next line, indented twice, and `)` on a line of its own; the tokens themselves stay on
//! one line when they fit there, else they fill lines: a token goes on the line after a
//! space when it fits, up to the next place a line may break, else it starts a new one.
//! Spaces between tokens follow prettyplease's rules for macro tokens ([`Rows::push_arg`]).

use super::push_display;
use crate::emit::rows::{push_str_literal, Arg, Row};

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
    rows: Vec<Span>,
}

/// A row `name!(tokens)`: where its name and tokens are in [`Rows::text`], and its
/// spaces in [`Rows::spaces`].
struct Span {
    name: std::ops::Range<usize>,
    tokens: std::ops::Range<usize>,
    spaces: std::ops::Range<usize>,
}

/// Prints `item` (a static table, its array empty) filled with `rows` into `out`, as
/// prettyplease prints it alone in a file, when it does not fit on one line, and says so;
/// else leaves `out` as it was and says not.
pub fn print(item: &syn::Item, rows: &[Row], out: &mut String) -> bool {
    let syn::Item::Static(s) = item else { return false };
    if !s.attrs.is_empty() || !matches!(s.mutability, syn::StaticMutability::None) {
        return false;
    }
    let (Some(vis), Some(element)) = (visibility(&s.vis), slice_element(&s.ty)) else { return false };
    let syn::Expr::Reference(r) = s.expr.as_ref() else { return false };
    if r.mutability.is_some() || !r.attrs.is_empty() {
        return false;
    }
    let syn::Expr::Array(array) = r.expr.as_ref() else { return false };
    if !array.attrs.is_empty() || !array.elems.is_empty() || rows.is_empty() {
        return false;
    }
    let mut laid = Rows::default();
    for row in rows {
        laid.push(row);
    }
    let start = out.len();
    out.push_str(vis);
    out.push_str("static ");
    push_display(out, &s.ident);
    out.push_str(": &[");
    push_display(out, element);
    out.push_str("] = &[");
    // The whole table on one line (small tables) is prettyplease's to print.
    let flat = laid.rows.iter().map(|row| row.name.len() + "!()".len() + row.tokens.len()).sum::<usize>()
        + ", ".len() * (laid.rows.len() - 1)
        + "];".len();
    if flat <= room(0).saturating_sub(out.len() - start) {
        out.truncate(start);
        return false;
    }
    out.push('\n');
    let last = laid.rows.len() - 1;
    for (k, row) in laid.rows.iter().enumerate() {
        laid.push_row(out, row, k < last);
    }
    out.push_str("];\n");
    true
}

/// A macro call item `name!(args);` at the start of a line, as prettyplease prints it:
/// laid out as a table's row is (see the module's doc), its `;` after the `)`.
pub fn print_call(row: &Row, out: &mut String) {
    let mut laid = Rows::default();
    laid.push(row);
    laid.push_call(out, &laid.rows[0], 0, ");".len(), ");\n");
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
    /// Adds `row`: its name, and its tokens as one line.
    fn push(&mut self, row: &Row) {
        let (name_start, spaces_start) = (self.text.len(), self.spaces.len());
        self.text.push_str(row.name);
        let tokens_start = self.text.len();
        self.push_args(&row.args);
        self.rows.push(Span {
            name: name_start..tokens_start,
            tokens: tokens_start..self.text.len(),
            spaces: spaces_start..self.spaces.len(),
        });
    }

    /// Arguments separated by `, `: the space is a place a line may break.
    fn push_args(&mut self, args: &[Arg]) {
        for (k, arg) in args.iter().enumerate() {
            if k > 0 {
                self.text.push(',');
                self.space();
            }
            self.push_arg(arg);
        }
    }

    /// An argument's tokens, spaced as prettyplease spaces macro tokens
    /// (`macro_rules_tokens`): a name or literal after a comma or `=`, and `=` after a
    /// name, get a space; a group (`(...)`, `[...]`) gets none after a name, and its
    /// first token none after its opening; `::` gets none on either side.
    fn push_arg(&mut self, arg: &Arg) {
        match arg {
            Arg::Str(s) => push_str_literal(&mut self.text, s),
            Arg::Int(n) => push_display(&mut self.text, n),
            Arg::Name(name) => self.text.push_str(name),
            Arg::Some(arg) => {
                self.text.push_str("Some(");
                self.push_arg(arg);
                self.text.push(')');
            }
            Arg::List(args) => {
                self.text.push('[');
                self.push_args(args);
                self.text.push(']');
            }
            Arg::Path(module, name) => {
                self.text.push_str("super::");
                self.text.push_str(module);
                self.text.push_str("::");
                self.text.push_str(name);
            }
            Arg::Named(key, arg) => {
                self.text.push_str(key);
                self.space();
                self.text.push('=');
                self.space();
                self.push_arg(arg);
            }
        }
    }

    fn space(&mut self) {
        self.spaces.push(self.text.len());
        self.text.push(' ');
    }

    /// One row of a broken table: see the module's doc. `more` when rows follow (its
    /// comma is then part of what must fit after it).
    fn push_row(&self, out: &mut String, row: &Span, more: bool) {
        // The last row's comma is the one prettyplease adds where a list breaks.
        self.push_call(out, row, INDENT, if more { "),".len() } else { ")".len() }, "),\n");
    }

    /// `name!(tokens)` at `indent`, then `close`: on one line when it fits with the first
    /// `after` bytes of `close` (what follows it up to the next place a line may break),
    /// else the tokens on the lines after it, indented once more, and `close` on a line of
    /// its own.
    fn push_call(&self, out: &mut String, row: &Span, indent: usize, after: usize, close: &str) {
        let name = &self.text[row.name.clone()];
        let tokens = &self.text[row.tokens.clone()];
        let open = name.len() + "!(".len();
        let inner = indent + INDENT;
        push_indent(out, indent);
        out.push_str(name);
        out.push_str("!(");
        if tokens.len() + after <= room(indent).saturating_sub(open) {
            out.push_str(tokens);
        } else {
            out.push('\n');
            push_indent(out, inner);
            if tokens.len() <= room(inner) {
                out.push_str(tokens);
            } else {
                self.push_filled(out, row, inner);
            }
            out.push('\n');
            push_indent(out, indent);
        }
        out.push_str(close);
    }

    /// Tokens that do not fit on one line, filling lines indented `indent`: at each space
    /// the next run of text (up to the next space, or the end) goes on this line after the
    /// space when it fits, else on a new line.
    fn push_filled(&self, out: &mut String, row: &Span, indent: usize) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn prettyplease_prints(item: &syn::Item) -> String {
        let mut file: syn::File = syn::parse_str("").unwrap();
        file.items.push(item.clone());
        prettyplease::unparse(&file)
    }

    fn empty_table(name: &str) -> syn::Item {
        syn::parse_str(&format!("pub(crate) static {name}: &[Info] = &[];")).unwrap()
    }

    /// Tables of rows of every length around each place a line may break (the row on one
    /// line, its tokens on one line, filled lines), with every kind of argument, print as
    /// prettyplease prints them with the rows' tokens.
    #[test]
    fn rows_break_where_prettyplease_breaks_them() {
        let mut laid_out = 0;
        for name in ["r", "enumerant", "a_much_longer_row_macro_name"] {
            for n in 0..110 {
                let long = "A".repeat(n);
                let note = format!("{long} is \"{long}\"");
                let table = format!("T{long}");
                let rows = [
                    vec![Arg::Str(&long), Arg::Str("B"), Arg::Int(0), Arg::List(vec![Arg::Str("X")])],
                    vec![
                        Arg::Str(&long),
                        Arg::Str("B"),
                        Arg::Int(u64::MAX),
                        Arg::List(vec![Arg::Str("VK_KHR_x"), Arg::Str("VK_VERSION_1_1")]),
                        Arg::Named("alias", Box::new(Arg::Str(&long))),
                    ],
                    vec![
                        Arg::Str("C"),
                        Arg::Some(Box::new(Arg::Str(&long))),
                        Arg::Name("Bitmask64"),
                        Arg::List(Vec::new()),
                        Arg::Path("enum_tables", &table),
                    ],
                    vec![
                        Arg::Str(&long),
                        Arg::Name("None"),
                        Arg::Some(Box::new(Arg::Int(3))),
                        Arg::Name("true"),
                        Arg::Named("deprecated", Box::new(Arg::Str(&note))),
                    ],
                ];
                let rows: Vec<Row> = rows.into_iter().map(|args| Row { name, args }).collect();
                for count in 1..=rows.len() {
                    let item = empty_table(&format!("T{n}"));
                    let expected = prettyplease_prints(&super::super::filled(item.clone(), &rows[..count]));
                    let mut text = String::from("before\n");
                    if print(&item, &rows[..count], &mut text) {
                        assert_eq!(text, format!("before\n{expected}"), "{:?}", &rows[..count]);
                        laid_out += 1;
                    } else {
                        assert_eq!(text, "before\n");
                        assert_eq!(expected.lines().count(), 1, "{expected}");
                    }
                }
            }
        }
        assert!(laid_out > 1000, "most tables are laid out here: {laid_out}");
    }

    /// Macro call items (`name!(args);`) of every length around each place a line may
    /// break print as prettyplease prints them.
    #[test]
    fn call_items_break_where_prettyplease_breaks_them() {
        for name in ["vk_enum", "vk_bitmask"] {
            for n in 1..120 {
                let (long, other) = ("A".repeat(n), "B".repeat(n / 2 + 1));
                for args in [
                    vec![Arg::Name(&long), Arg::Name(&other)],
                    vec![Arg::Name(&long), Arg::Name("u32"), Arg::Name(&other)],
                    vec![Arg::Name(&other), Arg::Name(&long), Arg::Name(&long), Arg::Name(&other)],
                ] {
                    let row = Row { name, args };
                    let mut file: syn::File = syn::parse_str("").unwrap();
                    file.items.push(row.to_item());
                    let mut text = String::new();
                    print_call(&row, &mut text);
                    assert_eq!(text, prettyplease::unparse(&file), "{row:?}");
                }
            }
        }
    }

    /// A table that fits on one line, and items of other shapes, are prettyplease's.
    #[test]
    fn other_shapes_are_left_to_prettyplease() {
        let long = "A".repeat(90);
        let rows = [Row { name: "r", args: vec![Arg::Str(&long)] }];
        let short = [Row { name: "r", args: vec![Arg::Str("A")] }];
        assert!(print(&empty_table("T"), &rows, &mut String::new()), "the shape this is about");
        assert!(!print(&empty_table("T"), &short, &mut String::new()), "one line");
        assert!(!print(&empty_table("T"), &[], &mut String::new()), "no rows");
        for source in [
            "static T: &[Info] = &[];",
            "pub static mut T: &[Info] = &[];",
            "pub const T: &[Info] = &[];",
            "pub static T: &[Info] = &[r!(\"x\")];",
            "pub static T: &'static [Info] = &[];",
            "pub static T: &[a::Info] = &[];",
            "#[a] pub static T: &[Info] = &[];",
        ] {
            let item: syn::Item = syn::parse_str(source).unwrap();
            let mut text = String::new();
            assert!(!print(&item, &rows, &mut text), "{source}");
            assert_eq!(text, "");
        }
    }

    /// Arguments are spaced as prettyplease spaces their tokens: none before a comma or
    /// around a path's `::`, none between `Some` and its parentheses, one around `=`.
    #[test]
    fn arguments_are_spaced_as_prettyplease_spaces_their_tokens() {
        let row = Row {
            name: "row",
            args: vec![
                Arg::Str("A"),
                Arg::Some(Box::new(Arg::Str("B"))),
                Arg::Path("m", "T"),
                Arg::List(Vec::new()),
                Arg::List(vec![Arg::Int(1), Arg::Int(2)]),
                Arg::Named("k", Box::new(Arg::Str("v \"quoted\""))),
                Arg::Name("true"),
            ],
        };
        let mut rows = Rows::default();
        rows.push(&row);
        let tokens = r#""A", Some("B"), super::m::T, [], [1, 2], k = "v \"quoted\"", true"#;
        assert_eq!(&rows.text[rows.rows[0].tokens.clone()], tokens);
        assert_eq!(rows.spaces.len(), tokens.matches(' ').count() - 1, "the space inside the string is text");
    }
}
