//! Emit, rows: model facts -> the rows of the reflection tables and lists, macro calls
//! whose arguments are literals, names and lists of them. The writer lays a row out as
//! prettyplease lays out its tokens (`writer::tables`), without making the tokens; they
//! are made ([`Row::to_expr`]) where prettyplease prints a table after all, and by tests.

use proc_macro2::{Delimiter, Group, Literal, TokenStream};
use quote::quote;

use super::syntax;

/// A row `name!(args)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Row<'m> {
    pub name: &'static str,
    pub args: Vec<Arg<'m>>,
}

/// An argument of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg<'m> {
    /// A string literal of this text.
    Str(&'m str),
    /// An unsuffixed integer literal.
    Int(u64),
    /// A name: `Enum`, `true`, `None`, a type's.
    Name(&'m str),
    /// `Some(arg)`.
    Some(Box<Arg<'m>>),
    /// `[arg, ...]`.
    List(Vec<Arg<'m>>),
    /// `super::module::NAME`.
    Path(&'static str, &'m str),
    /// `key = arg`.
    Named(&'static str, Box<Arg<'m>>),
}

impl Row<'_> {
    /// The row as a macro call, its arguments as tokens.
    pub fn to_expr(&self) -> syn::Expr {
        syntax::macro_call(self.name, self.tokens())
    }

    /// The row as a macro call item: `name!(args);`.
    pub fn to_item(&self) -> syn::Item {
        let syn::Expr::Macro(m) = self.to_expr() else { unreachable!("a macro call") };
        syn::Item::Macro(syn::ItemMacro {
            attrs: Vec::new(),
            ident: None,
            mac: m.mac,
            semi_token: Some(Default::default()),
        })
    }

    fn tokens(&self) -> TokenStream {
        let args = self.args.iter().map(Arg::to_tokens);
        quote! { #(#args),* }
    }
}

impl Arg<'_> {
    fn to_tokens(&self) -> TokenStream {
        match self {
            Arg::Str(s) => {
                let s = syntax::str_literal(s);
                quote! { #s }
            }
            Arg::Int(n) => {
                let n = Literal::u64_unsuffixed(*n);
                quote! { #n }
            }
            Arg::Name(name) => {
                let name = syntax::ident(name);
                quote! { #name }
            }
            Arg::Some(arg) => {
                let arg = arg.to_tokens();
                quote! { Some(#arg) }
            }
            Arg::List(args) => {
                let args = args.iter().map(Arg::to_tokens);
                TokenStream::from(proc_macro2::TokenTree::Group(Group::new(Delimiter::Bracket, quote! { #(#args),* })))
            }
            Arg::Path(module, name) => {
                let (module, name) = (syntax::ident(module), syntax::ident(name));
                quote! { super::#module::#name }
            }
            Arg::Named(key, arg) => {
                let (key, arg) = (syntax::ident(key), arg.to_tokens());
                quote! { #key = #arg }
            }
        }
    }
}

/// The text of the string literal token of `text` (as `Arg::to_tokens` makes it).
pub fn push_str_literal(out: &mut String, text: &str) {
    syntax::push_str_literal(out, text);
}
