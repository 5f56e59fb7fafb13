//! Emit, reflection: model -> the reflection tables (`src/reflection/*_tables.rs`, one
//! table per type) and the crate-level lists of types and extensions, each a documented
//! static item. Rows are macro calls built directly as syntax: thousands of them, nothing
//! to parse.

use std::borrow::Cow;

use quote::quote;

use super::rows::{Arg, Row};
use super::{syntax, table_ident, type_weight, Content, Documented, Part};
use crate::error::Result;
use crate::model::{provider_names, EnumType, Model, TypeKind};

fn opt(s: Option<&str>) -> Arg<'_> {
    match s {
        Some(s) => Arg::Some(Box::new(Arg::Str(s))),
        None => Arg::Name("None"),
    }
}

fn opt_u32(n: Option<u32>) -> Arg<'static> {
    match n {
        Some(n) => Arg::Some(Box::new(Arg::Int(n.into()))),
        None => Arg::Name("None"),
    }
}

/// One table per type of the kind: every enumerant, aliases included.
pub fn tables(model: &Model, bitmasks: bool, part: Part) -> Result<Content<'_>> {
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
                let raw = match ty.kind {
                    TypeKind::Enum => e.value as i64 as u64,
                    TypeKind::Bitmask { .. } => e.value as u64,
                };
                let mut args = vec![
                    Arg::Str(&e.c_name),
                    Arg::Str(&e.rust_name),
                    Arg::Int(raw),
                    Arg::List(provider_names(&e.providers).into_iter().map(Arg::Str).collect()),
                ];
                if let Some(alias) = &e.alias_of {
                    args.push(Arg::Named("alias", Box::new(Arg::Str(alias))));
                }
                if let Some(d) = &e.deprecated {
                    args.push(Arg::Named("deprecated", Box::new(Arg::Str(&d.note))));
                }
                Row { name: "enumerant", args }
            })
            .collect();
        items.push(Documented::Table(Cow::Owned(format!("Enumerants of `{}`.", ty.rust_name)), item, rows));
    }
    Ok(Content::Documented { head: file, items })
}

/// `TYPES` and `EXTENSIONS`; a part makes a share of the two.
pub fn lists(model: &Model, part: Part) -> Result<Content<'_>> {
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
        let item = lists[list].take().expect("each list is in one part");
        let rows = if list == 0 { type_rows(model) } else { extension_rows(model) };
        items.push(Documented::Table(Cow::Borrowed(DOCS[list]), item, rows));
    }
    Ok(Content::Documented { head: file, items })
}

fn type_rows(model: &Model) -> Vec<Row<'_>> {
    model
        .types
        .iter()
        .map(|ty| {
            let (kind, module) = match ty.kind {
                TypeKind::Enum => ("Enum", "enum_tables"),
                TypeKind::Bitmask { bits: 64 } => ("Bitmask64", "bitmask_tables"),
                TypeKind::Bitmask { .. } => ("Bitmask32", "bitmask_tables"),
            };
            let args = vec![
                Arg::Str(&ty.c_name),
                opt(ty.enums_name.as_deref()),
                Arg::Str(&ty.rust_name),
                Arg::Name(kind),
                Arg::List(provider_names(&ty.providers).into_iter().map(Arg::Str).collect()),
                Arg::List(ty.aliases.iter().map(|a| Arg::Str(&a.c_name)).collect()),
                Arg::Path(module, &ty.table_name),
            ];
            Row { name: "type_info", args }
        })
        .collect()
}

fn extension_rows(model: &Model) -> Vec<Row<'_>> {
    model
        .extensions
        .iter()
        .map(|e| {
            let args = vec![
                Arg::Str(&e.name),
                opt_u32(e.number),
                opt(e.kind.as_deref()),
                opt(e.platform.as_deref()),
                Arg::Name(if e.provisional { "true" } else { "false" }),
                opt(e.promoted_to.as_deref()),
                opt(e.deprecated_by.as_deref()),
                opt(e.obsoleted_by.as_deref()),
                opt_u32(e.spec_version),
            ];
            Row { name: "extension_info", args }
        })
        .collect()
}
