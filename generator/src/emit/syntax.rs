//! Emit, syntax: small building blocks -> syn nodes built directly, without parsing. The
//! items that repeat thousands of times (constants, doc lines, table rows) are built here;
//! parsing them from tokens was most of a run's time.

use proc_macro2::{Span, TokenStream};
use syn::punctuated::Punctuated;
use syn::{
    Attribute, BinOp, Expr, ExprBinary, ExprCall, ExprLit, ExprMacro, ExprPath, ExprUnary, ImplItem, ImplItemConst,
    Lit, Macro, MacroDelimiter, Path, Type, TypePath, UnOp, Visibility,
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

/// Parses a token stream that an emitter built with `quote!` (the parts that do not repeat).
pub fn parse_file(file: &str, tokens: TokenStream) -> Result<syn::File> {
    syn::parse2(tokens).map_err(|e| Error::Emit { file: file.to_owned(), message: e.to_string() })
}

/// A literal token from a source form this module built to be valid: plain text in quotes
/// (also as a C string), or a hex integer. The lexer is not run again: lexing megabytes
/// of text, character by character, cost as much as making the rest of the syntax.
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
