//! Emit, bitmasks: model bitmask types -> `src/bitmasks.rs`: one `...Flags` newtype over
//! `u32` or `u64` per bitmask, holding the `...FlagBits` values.

use quote::{format_ident, quote};

use super::{part_with_doc, share_of_types, table_ident, type_item, Output, Part, Skeleton};
use crate::error::Result;
use crate::model::{EnumType, Model, TypeKind};

/// One bitmask type.
pub fn item(ty: &EnumType, output: &Output, skeleton: &Skeleton) -> Result<Vec<syn::Item>> {
    let name = format_ident!("{}", ty.rust_name);
    let table = table_ident(ty);
    let raw = match ty.kind {
        TypeKind::Bitmask { bits: 64 } => "u64",
        _ => "u32",
    };
    let raw_ident = super::syntax::ident(raw);
    type_item(ty, raw, ("vk_bitmask", quote! { #name, #raw_ident, #table }), output, skeleton)
}

pub fn emit(model: &Model, output: &Output, part: Part) -> Result<syn::File> {
    let types: Vec<&EnumType> = model.types.iter().filter(|t| matches!(t.kind, TypeKind::Bitmask { .. })).collect();
    let items = share_of_types(&types, part, output, item)?;
    part_with_doc(
        "src/bitmasks.rs",
        " Bitmask types: one `...Flags` newtype per bitmask, holding its `...FlagBits` values.",
        items,
        part,
    )
}
