//! Emit, syntax: small building blocks -> syn nodes built directly, without parsing. The
//! items that repeat thousands of times (constants, doc lines, table rows) are built here;
//! parsing them from tokens was most of a run's time.

use proc_macro2::{Span, TokenStream};
use syn::punctuated::Punctuated;
use syn::{
    AttrStyle, Attribute, BinOp, Expr, ExprBinary, ExprCall, ExprLit, ExprMacro, ExprPath, ExprUnary, ImplItem,
    ImplItemConst, Lit, LitStr, Macro, MacroDelimiter, Meta, MetaNameValue, Path, Type, TypePath, UnOp, Visibility,
};

use crate::error::{Error, Result};

fn span() -> Span {
    Span::call_site()
}

pub fn ident(name: &str) -> syn::Ident {
    syn::Ident::new(name, span())
}

fn path(name: &str) -> Path {
    Path::from(ident(name))
}

/// `( )` tokens, made once per thread and copied: making a delimiter's span anew makes an
/// empty token group each time (about 240 instructions, for every constant and row).
pub fn paren() -> syn::token::Paren {
    thread_local! {
        static PAREN: syn::token::Paren = Default::default();
    }
    PAREN.with(|p| *p)
}

/// `{ }` tokens, as [`paren`].
pub fn brace() -> syn::token::Brace {
    thread_local! {
        static BRACE: syn::token::Brace = Default::default();
    }
    BRACE.with(|b| *b)
}

/// Parses a token stream that an emitter built with `quote!` (the parts that do not repeat).
pub fn parse_file(file: &str, tokens: TokenStream) -> Result<syn::File> {
    syn::parse2(tokens).map_err(|e| Error::Emit { file: file.to_owned(), message: e.to_string() })
}

/// `#[doc = " line"]`, one per line (rustdoc shows them as `/// line`).
pub fn doc_attrs(text: &str) -> Vec<Attribute> {
    // Each line's attribute is put together from parts made once per thread: its tokens
    // are copied (plain values), only the path is cloned. Making the brackets anew costs
    // more (each makes an empty token group), and so did cloning a whole template
    // attribute and replacing its value (the value cloned and dropped for nothing).
    thread_local! {
        static PARTS: (syn::token::Pound, syn::token::Bracket, syn::token::Eq, Path) =
            (Default::default(), Default::default(), Default::default(), path("doc"));
    }
    PARTS.with(|(pound, bracket, eq, doc)| {
        crate::docs::spec::lines(text)
            .map(|line| Attribute {
                pound_token: *pound,
                style: AttrStyle::Outer,
                bracket_token: *bracket,
                meta: Meta::NameValue(MetaNameValue {
                    path: doc.clone(),
                    eq_token: *eq,
                    value: Expr::Lit(ExprLit { attrs: Vec::new(), lit: Lit::Str(doc_literal(line)) }),
                }),
            })
            .collect()
    })
}

/// Doc lines remembered per thread: of the doc lines made here (those of the extension
/// modules and the tables; the types files' docs are text, see `emit::Documented`), the
/// empty ones and the headings repeat, and copying a literal costs a tenth of making one.
const DOC_LINES_KEPT: usize = 4096;

/// One doc line's literal, copied when the line was seen before on this thread.
fn doc_literal(line: &str) -> LitStr {
    use crate::model::fasthash::FastMap;
    thread_local! {
        static SEEN: std::cell::RefCell<FastMap<Box<str>, LitStr>> = Default::default();
    }
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if let Some(lit) = seen.get(line) {
            return lit.clone();
        }
        let lit = new_doc_literal(line);
        if seen.len() < DOC_LINES_KEPT {
            seen.insert(line.into(), lit.clone());
        }
        lit
    })
}

/// One doc line's literal. It is written raw (`r#" line"#`), which needs no escaping here
/// and no unescaping when prettyplease reads it back: escaping every character of
/// megabytes of doc text was a large part of a run. `line` gets a leading space (none when
/// empty).
fn new_doc_literal(line: &str) -> LitStr {
    let space = if line.is_empty() { "" } else { " " };
    // A raw literal cannot hold a lone carriage return; such rare lines are escaped.
    if let Some(hashes) = raw_hashes(line) {
        let mut repr = String::with_capacity(line.len() + 4 + 2 * hashes);
        repr.push('r');
        (0..hashes).for_each(|_| repr.push('#'));
        repr.push('"');
        repr.push_str(space);
        repr.push_str(line);
        repr.push('"');
        (0..hashes).for_each(|_| repr.push('#'));
        if let Lit::Str(lit) = Lit::new(valid_literal(&repr)) {
            return lit;
        }
    }
    LitStr::new(&format!("{space}{line}"), span())
}

/// A literal token from a source form this module built to be valid: a raw string whose
/// hashes [`raw_hashes`] counted, plain text in quotes (also as a C string), or a hex
/// integer. The lexer is not run again:
/// lexing megabytes of doc text, character by character, cost as much as making the rest
/// of their syntax.
fn valid_literal(repr: &str) -> proc_macro2::Literal {
    debug_assert!(repr.parse::<proc_macro2::Literal>().is_ok(), "not a literal: {repr}");
    // SAFETY: `repr` is one whole, valid literal (a string, a C string or a hex integer),
    // built by the callers in this module by the rules the lexer checks (the tests below
    // lex every form). Outside a procedural macro (always, for a generator), proc-macro2
    // only stores the text.
    unsafe { proc_macro2::Literal::from_str_unchecked(repr) }
}

/// `c"text"`, a C string literal. A name (letters, digits, `_`) is written as it is; other
/// text is escaped by syn.
pub fn c_str(text: &str) -> Lit {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        let mut repr = String::with_capacity(text.len() + 3);
        repr.push_str("c\"");
        repr.push_str(text);
        repr.push('"');
        return Lit::Verbatim(valid_literal(&repr));
    }
    let c_string = std::ffi::CString::new(text).unwrap_or_default();
    Lit::CStr(syn::LitCStr::new(&c_string, span()))
}

/// The bytes [`str_literal`] writes as they are, looked up per byte.
const PLAIN: [bool; 256] = {
    let mut plain = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        plain[b] = c.is_ascii_alphanumeric()
            || matches!(c, b' ' | b'_' | b'-' | b'.' | b',' | b':' | b';' | b'(' | b')' | b'/' | b'+' | b'=');
        b += 1;
    }
    plain
};

/// `"text"` as a literal token. Plain text (letters, digits, `_`, spaces and simple
/// punctuation: every C and Rust name) is written as it is; other text is escaped.
/// Escaping character by character was a tenth of emitting the reflection tables.
pub fn str_literal(text: &str) -> proc_macro2::Literal {
    let plain = text.bytes().all(|b| PLAIN[b as usize]);
    if plain {
        let mut repr = String::with_capacity(text.len() + 2);
        repr.push('"');
        repr.push_str(text);
        repr.push('"');
        return valid_literal(&repr);
    }
    proc_macro2::Literal::string(text)
}

/// The text of the token [`str_literal`] makes for `text`, appended to `out`.
pub fn push_str_literal(out: &mut String, text: &str) {
    if text.bytes().all(|b| PLAIN[b as usize]) {
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else {
        use std::fmt::Write;
        let _ = write!(out, "{}", proc_macro2::Literal::string(text));
    }
}

/// The number of `#` a raw string needs so that no `"#...` inside ends it; `None` when no
/// raw string can hold `text` (it has a carriage return). One vectorized search finds
/// both.
fn raw_hashes(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut most = 0;
    for i in memchr::memchr2_iter(b'"', b'\r', bytes) {
        if bytes[i] == b'\r' {
            return None;
        }
        let run = bytes[i + 1..].iter().take_while(|&&b| b == b'#').count();
        most = most.max(run + 1);
    }
    Some(most)
}

/// `#[deprecated(note = "...")]` (rare: parsed).
pub fn deprecated_attr(note: &str) -> Attribute {
    syn::parse_quote! { #[deprecated(note = #note)] }
}

/// An integer literal, negative values as `-n`.
pub fn int(value: i128) -> Expr {
    let lit = |v: i128| Expr::Lit(ExprLit { attrs: Vec::new(), lit: Lit::Verbatim(int_literal(v)) });
    if value < 0 {
        Expr::Unary(ExprUnary { attrs: Vec::new(), op: UnOp::Neg(Default::default()), expr: Box::new(lit(-value)) })
    } else {
        lit(value)
    }
}

/// Literals up to this value are made once per thread and copied: bit positions and most
/// enum values are small.
const SMALL: i128 = 128;

/// An integer's literal token, as syn keeps a literal it does not interpret
/// (`Lit::Verbatim`), which prettyplease prints as it prints an integer: its text. A
/// `LitInt` would parse the digits again (into a big integer, digit by digit) and keep
/// them in two more strings; most enum values of extensions have ten digits.
fn int_literal(value: i128) -> proc_macro2::Literal {
    thread_local! {
        static SMALL_INTS: Vec<proc_macro2::Literal> = (0..=SMALL).map(proc_macro2::Literal::i128_unsuffixed).collect();
    }
    if (0..=SMALL).contains(&value) {
        SMALL_INTS.with(|small| small[value as usize].clone())
    } else {
        proc_macro2::Literal::i128_unsuffixed(value)
    }
}

/// A hex literal: `0x7fffffff`.
pub fn hex(value: u64) -> Expr {
    Expr::Lit(ExprLit { attrs: Vec::new(), lit: Lit::Verbatim(valid_literal(&format!("{value:#x}"))) })
}

/// `1 << bit`.
pub fn bit(bit: u32) -> Expr {
    Expr::Binary(ExprBinary {
        attrs: Vec::new(),
        left: Box::new(int(1)),
        op: BinOp::Shl(Default::default()),
        right: Box::new(int(bit.into())),
    })
}

/// `Self(value)`.
pub fn self_call(value: Expr) -> Expr {
    let mut args = Punctuated::new();
    args.push(value);
    Expr::Call(ExprCall {
        attrs: Vec::new(),
        func: Box::new(Expr::Path(ExprPath { attrs: Vec::new(), qself: None, path: path("Self") })),
        paren_token: paren(),
        args,
    })
}

/// `pub const NAME: Self = value;` inside an impl block.
pub fn self_const(attrs: Vec<Attribute>, name: &str, value: Expr) -> ImplItem {
    ImplItem::Const(ImplItemConst {
        attrs,
        vis: Visibility::Public(Default::default()),
        modifiers: Default::default(),
        const_token: Default::default(),
        ident: ident(name),
        generics: Default::default(),
        colon_token: Default::default(),
        ty: Type::Path(TypePath { attrs: Vec::new(), qself: None, path: path("Self") }),
        eq_token: Default::default(),
        expr: value,
        semi_token: Default::default(),
    })
}

/// `name!(tokens)`: the tokens stay as they are, nothing to parse.
pub fn macro_call(name: &str, tokens: TokenStream) -> Expr {
    Expr::Macro(ExprMacro {
        attrs: Vec::new(),
        mac: Macro {
            path: path(name),
            bang_token: Default::default(),
            delimiter: MacroDelimiter::Paren(paren()),
            tokens,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the lexer, checking, makes of a literal's source form.
    fn lexed(repr: &str) -> String {
        let lit: proc_macro2::Literal = repr.parse().expect("one whole literal");
        match Lit::new(lit) {
            Lit::Str(s) => s.value(),
            _ => unreachable!("a string literal"),
        }
    }

    #[test]
    fn doc_lines_are_raw_literals_that_read_back_as_their_text() {
        for line in [
            "",
            "plain text",
            "a \"quoted\" word",
            "a \"# and a \"## in one line",
            "ends with a quote\"",
            "r#\"looks raw\"#",
            "backslash \\ and unicode \u{00a9} \u{1F600}",
            "tab\tinside",
        ] {
            let lit = new_doc_literal(line);
            let expected = if line.is_empty() { String::new() } else { format!(" {line}") };
            assert_eq!(lit.value(), expected, "{line:?}");
            // The checking lexer reads the same text from it: what from_str_unchecked was
            // promised.
            assert_eq!(lexed(&lit.token().to_string()), expected, "{line:?}");
        }
    }

    #[test]
    fn a_line_with_a_carriage_return_is_escaped_not_raw() {
        let lit = new_doc_literal("a\rb");
        assert_eq!(lit.value(), " a\rb");
        assert!(lit.token().to_string().starts_with('"'));
    }

    #[test]
    fn integers_print_as_decimal_or_hex_and_lex_as_integers() {
        use quote::ToTokens;
        let printed = |e: Expr| e.to_token_stream().to_string();
        assert_eq!(printed(int(0)), "0");
        assert_eq!(printed(int(128)), "128");
        assert_eq!(printed(int(1000150000)), "1000150000");
        assert_eq!(printed(int(-1000011000)), "- 1000011000");
        assert_eq!(printed(hex(0x7fff_ffff)), "0x7fffffff");
        for e in [int(7), int(1 << 40), hex(u64::MAX)] {
            let lit: proc_macro2::Literal = printed(e).parse().expect("one literal");
            assert!(matches!(Lit::new(lit), Lit::Int(_)));
        }
    }

    #[test]
    fn c_strings_of_names_are_written_as_they_are_and_others_escaped() {
        use quote::ToTokens;
        assert_eq!(c_str("VK_KHR_surface").to_token_stream().to_string(), "c\"VK_KHR_surface\"");
        assert_eq!(c_str("a\"b").to_token_stream().to_string(), "c\"a\\\"b\"");
        let lit: proc_macro2::Literal = c_str("VK_KHR_surface").to_token_stream().to_string().parse().unwrap();
        assert!(matches!(Lit::new(lit), Lit::CStr(s) if s.value().to_bytes() == b"VK_KHR_surface"));
    }

    #[test]
    fn plain_names_are_quoted_as_they_are_and_other_text_escaped() {
        assert_eq!(str_literal("VK_KHR_surface").to_string(), "\"VK_KHR_surface\"");
        assert_eq!(str_literal("a, b (c) = d/e+f-g.h:i;j").to_string(), "\"a, b (c) = d/e+f-g.h:i;j\"");
        assert_eq!(str_literal("say \"hi\"").to_string(), r#""say \"hi\"""#);
        for text in ["VK_KHR_surface", "say \"hi\"", "back\\slash"] {
            assert_eq!(lexed(&str_literal(text).to_string()), text);
        }
    }
}
