//! Stage 5, emit: model -> the files of the generated crate, as token streams (Rust) or
//! text (manifest, README, licenses). One emitter per item kind; nothing here touches
//! the file system. The order of files and items is fixed here and in the model.

mod bitmasks;
mod constants;
mod enums;
mod extensions;
mod krate;
mod reflection;
mod support;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::model::{Model, TypeKind};

/// Rust files are formatted by the writer; text files are written as they are.
pub enum Content {
    Rust(TokenStream),
    Text(String),
}

/// Makes one file from the model and the header line.
pub type Emitter = fn(&Model, &str) -> Content;

/// Every file of the generated crate, relative to its root, and its emitter, in a fixed
/// order. Emitters run on several threads: each returns its own tokens.
pub const FILES: &[(&str, Emitter)] = &[
    ("Cargo.toml", |m, h| Content::Text(krate::manifest(m, h))),
    ("README.md", |m, _| Content::Text(krate::readme(m))),
    ("LICENSE-APACHE", |_, _| Content::Text(include_str!("../../../LICENSE-APACHE").to_owned())),
    ("LICENSE-MIT", |_, _| Content::Text(include_str!("../../../LICENSE-MIT").to_owned())),
    ("src/lib.rs", |m, _| Content::Rust(krate::lib_rs(m))),
    ("src/macros.rs", |_, _| Content::Rust(support::macros())),
    ("src/enums.rs", |m, _| Content::Rust(enums::emit(m))),
    ("src/bitmasks.rs", |m, _| Content::Rust(bitmasks::emit(m))),
    ("src/constants.rs", |m, _| Content::Rust(constants::emit(m))),
    ("src/extensions.rs", |m, _| Content::Rust(extensions::emit(m))),
    ("src/reflection/mod.rs", |_, _| Content::Rust(support::reflection())),
    ("src/reflection/enum_tables.rs", |m, _| Content::Rust(reflection::tables(m, false))),
    ("src/reflection/bitmask_tables.rs", |m, _| Content::Rust(reflection::tables(m, true))),
    ("src/reflection/lists.rs", |m, _| Content::Rust(reflection::lists(m))),
    ("examples/dump.rs", |_, _| Content::Rust(krate::dump_example())),
];

/// The tokens of one type as the crate holds it (for golden files and reviews).
pub fn type_tokens(model: &Model, c_name: &str) -> Option<TokenStream> {
    let ty = model.types.iter().find(|t| t.c_name == c_name || t.enums_name.as_deref() == Some(c_name))?;
    Some(match ty.kind {
        TypeKind::Enum => enums::item(ty),
        TypeKind::Bitmask { .. } => bitmasks::item(ty),
    })
}

/// `#[doc = " ..."]`, one attribute per line, so that rustdoc shows `/// ...`.
fn doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote! { #(#[doc = #lines])* }
}

/// The name of a type's reflection table: `ExternalMemoryHandleTypeFlags` ->
/// `EXTERNAL_MEMORY_HANDLE_TYPE_FLAGS`.
fn table_ident(rust_name: &str) -> proc_macro2::Ident {
    use heck::ToShoutySnakeCase;
    format_ident!("{}", rust_name.to_shouty_snake_case())
}

/// A value literal as the type's Rust representation writes it.
fn value_tokens(kind: TypeKind, value: i128) -> TokenStream {
    match kind {
        TypeKind::Enum => {
            let lit = Literal::i64_unsuffixed(value as i64);
            if value < 0 {
                let abs = Literal::i64_unsuffixed(-(value as i64));
                quote! { -#abs }
            } else {
                quote! { #lit }
            }
        }
        TypeKind::Bitmask { .. } => {
            let v = value as u64;
            if v.is_power_of_two() {
                let shift = Literal::u32_unsuffixed(v.trailing_zeros());
                quote! { 1 << #shift }
            } else {
                let hex: TokenStream = format!("{v:#x}").parse().expect("a hex literal");
                hex
            }
        }
    }
}

/// The struct, its constants and its aliases: shared by enums and bitmasks.
fn type_item(ty: &crate::model::EnumType, raw: TokenStream, impls: TokenStream) -> TokenStream {
    use crate::docs;
    let name = format_ident!("{}", ty.rust_name);
    let mut type_doc = format!("{} (C: `{}`)", docs::refpage_link(ty.refpage()), ty.c_name);
    type_doc.push_str("\n\n");
    type_doc.push_str(&docs::provided_by(&ty.providers));
    let type_doc = doc(&type_doc);
    let consts = ty.enumerants.iter().map(|e| {
        let ident = format_ident!("{}", e.rust_name);
        let value = value_tokens(ty.kind, e.value);
        let alias_rust = e
            .alias_of
            .as_deref()
            .and_then(|target| ty.enumerants.iter().find(|t| t.c_name == target))
            .map(|t| t.rust_name.as_str());
        let d = doc(&docs::enumerant_doc(&e.c_name, &e.providers, alias_rust, e.deprecated.as_ref()));
        let deprecated = e.deprecated.as_ref().map(|d| {
            let note = &d.note;
            quote! { #[deprecated(note = #note)] }
        });
        quote! { #d #deprecated pub const #ident: Self = Self(#value); }
    });
    let consts = if ty.enumerants.is_empty() {
        quote! {}
    } else {
        quote! { impl #name { #(#consts)* } }
    };
    // One Rust alias per name; where `...FlagsKHR` and `...FlagBitsKHR` share it, the
    // Flags alias (whose C name is the Rust name) speaks for it.
    let mut ordered: Vec<&crate::model::TypeAlias> = ty.aliases.iter().collect();
    ordered.sort_by_key(|a| (a.rust_name.clone(), crate::names::type_name(&a.c_name) != a.rust_name));
    let mut seen = std::collections::HashSet::new();
    let aliases = ordered.into_iter().filter(|a| a.rust_name != ty.rust_name && seen.insert(&a.rust_name)).map(|a| {
        let alias = format_ident!("{}", a.rust_name);
        let d = doc(&format!("C: `{}`, an alias of [`{}`].", a.c_name, ty.rust_name));
        let deprecated = a.deprecated.as_ref().map(|d| {
            let note = &d.note;
            quote! { #[deprecated(note = #note)] }
        });
        quote! { #d #deprecated pub type #alias = #name; }
    });
    quote! {
        #type_doc
        #[repr(transparent)]
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct #name(pub(crate) #raw);
        #impls
        #consts
        #(#aliases)*
    }
}
