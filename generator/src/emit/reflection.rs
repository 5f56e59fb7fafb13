//! Emit, reflection: model -> the reflection tables (`src/reflection/*_tables.rs`, one
//! table per type) and the crate-level lists of types and extensions, each a documented
//! static item. Rows are macro calls built directly as syntax: thousands of them, nothing
//! to parse.

use std::borrow::Cow;

use proc_macro2::{Delimiter, Group, Literal, TokenStream};
use quote::quote;

use super::{syntax, table_ident, type_weight, Content, Documented, Part};
use crate::error::Result;
use crate::model::fasthash::FastMap;
use crate::model::{provider_names, EnumType, Model, TypeKind};

fn opt(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => {
            let s = syntax::str_literal(s);
            quote! { Some(#s) }
        }
        None => quote! { None },
    }
}

fn opt_u32(n: Option<u32>) -> TokenStream {
    match n.map(Literal::u32_unsuffixed) {
        Some(n) => quote! { Some(#n) },
        None => quote! { None },
    }
}

/// Puts `rows` into the `&[]` of a `static NAME: &[T] = &[];` item.
fn fill_static(item: &mut syn::Item, rows: Vec<syn::Expr>) {
    let syn::Item::Static(s) = item else { panic!("a static item") };
    let syn::Expr::Reference(r) = s.expr.as_mut() else { panic!("a reference") };
    let syn::Expr::Array(a) = r.expr.as_mut() else { panic!("an array") };
    a.elems.extend(rows);
}

/// One table per type of the kind: every enumerant, aliases included.
pub fn tables(model: &Model, bitmasks: bool, part: Part) -> Result<Content<'static>> {
    let path = if bitmasks { "src/reflection/bitmask_tables.rs" } else { "src/reflection/enum_tables.rs" };
    let what = if bitmasks { "bitmask" } else { "enum" };
    let module_doc = format!(" Reflection tables of the {what} types.");
    let mut file = syntax::parse_file(
        path,
        quote! {
            #![doc = #module_doc]
            use super::EnumerantInfo;
            pub(crate) static TABLE: &[EnumerantInfo] = &[];
        },
    )?;
    // The empty table, parsed once and copied for each type.
    let empty = file.items.pop().expect("the table item");
    // The module doc and the import open the file: they are part 0's.
    if !part.is_first() {
        file.attrs.clear();
        file.items.clear();
    }
    // Most values share their list of providers with many others (`["VK_VERSION_1_0"]`):
    // each list is made once and shared.
    let mut provider_lists: FastMap<Vec<&str>, Group> = FastMap::default();
    let types: Vec<&EnumType> =
        model.types.iter().filter(|t| matches!(t.kind, TypeKind::Bitmask { .. }) == bitmasks).collect();
    let mut items = Vec::new();
    for ty in part.share(&types, |t| type_weight(t)) {
        let mut item = empty.clone();
        if let syn::Item::Static(s) = &mut item {
            s.ident = table_ident(ty);
        }
        let rows = ty
            .enumerants
            .iter()
            .map(|e| {
                let c_name = syntax::str_literal(&e.c_name);
                let rust_name = syntax::str_literal(&e.rust_name);
                let raw = Literal::u64_unsuffixed(match ty.kind {
                    TypeKind::Enum => e.value as i64 as u64,
                    TypeKind::Bitmask { .. } => e.value as u64,
                });
                let names = provider_names(&e.providers);
                let providers = match provider_lists.get(&names) {
                    Some(group) => group.clone(),
                    None => {
                        let literals = names.iter().map(|n| syntax::str_literal(n));
                        let group = Group::new(Delimiter::Bracket, quote! { #(#literals),* });
                        provider_lists.insert(names, group.clone());
                        group
                    }
                };
                let alias = e.alias_of.as_deref().map(syntax::str_literal).map(|a| quote! { , alias = #a });
                let deprecated = e.deprecated.as_ref().map(|d| {
                    let note = &d.note;
                    quote! { , deprecated = #note }
                });
                syntax::macro_call("enumerant", quote! { #c_name, #rust_name, #raw, #providers #alias #deprecated })
            })
            .collect();
        fill_static(&mut item, rows);
        items.push(Documented::Item(Cow::Owned(format!("Enumerants of `{}`.", ty.rust_name)), item));
    }
    Ok(Content::Documented { head: file, items })
}

/// `TYPES` and `EXTENSIONS`; a part makes a share of the two.
pub fn lists(model: &Model, part: Part) -> Result<Content<'static>> {
    let mut file = syntax::parse_file(
        "src/reflection/lists.rs",
        quote! {
            //! Crate-level lists: every type, every extension.
            use super::{ExtensionInfo, Kind, TypeInfo};

            pub static TYPES: &[TypeInfo] = &[];

            pub static EXTENSIONS: &[ExtensionInfo] = &[];
        },
    )?;
    const DOCS: [&str; 2] =
        ["Every enum and bitmask type, sorted by C name.", "Every extension of the API, sorted by name."];
    let extensions = file.items.pop().expect("the EXTENSIONS item");
    let types = file.items.pop().expect("the TYPES item");
    // The module doc and the import open the file: they are part 0's.
    if !part.is_first() {
        file.attrs.clear();
        file.items.clear();
    }
    let mut lists = [Some(types), Some(extensions)];
    let rows = [model.types.len(), model.extensions.len()];
    let mut items = Vec::new();
    for &list in part.share(&[0, 1], |&list| rows[list]) {
        let mut item = lists[list].take().expect("each list is in one part");
        fill_static(&mut item, if list == 0 { type_rows(model) } else { extension_rows(model) });
        items.push(Documented::Item(Cow::Borrowed(DOCS[list]), item));
    }
    Ok(Content::Documented { head: file, items })
}

fn type_rows(model: &Model) -> Vec<syn::Expr> {
    model
        .types
        .iter()
        .map(|ty| {
            let c_name = syntax::str_literal(&ty.c_name);
            let enums_name = opt(ty.enums_name.as_deref());
            let rust_name = syntax::str_literal(&ty.rust_name);
            let table = table_ident(ty);
            let (kind, module) = match ty.kind {
                TypeKind::Enum => (quote! { Enum }, quote! { enum_tables }),
                TypeKind::Bitmask { bits: 64 } => (quote! { Bitmask64 }, quote! { bitmask_tables }),
                TypeKind::Bitmask { .. } => (quote! { Bitmask32 }, quote! { bitmask_tables }),
            };
            let providers = provider_names(&ty.providers).into_iter().map(syntax::str_literal);
            let aliases = ty.aliases.iter().map(|a| syntax::str_literal(&a.c_name));
            syntax::macro_call(
                "type_info",
                quote! {
                    #c_name, #enums_name, #rust_name, #kind,
                    [#(#providers),*], [#(#aliases),*], super::#module::#table
                },
            )
        })
        .collect()
}

fn extension_rows(model: &Model) -> Vec<syn::Expr> {
    model
        .extensions
        .iter()
        .map(|e| {
            let name = syntax::str_literal(&e.name);
            let number = opt_u32(e.number);
            let kind = opt(e.kind.as_deref());
            let platform = opt(e.platform.as_deref());
            let provisional = e.provisional;
            let promoted = opt(e.promoted_to.as_deref());
            let deprecated = opt(e.deprecated_by.as_deref());
            let obsoleted = opt(e.obsoleted_by.as_deref());
            let spec = opt_u32(e.spec_version);
            syntax::macro_call(
                "extension_info",
                quote! { #name, #number, #kind, #platform, #provisional, #promoted, #deprecated, #obsoleted, #spec },
            )
        })
        .collect()
}
