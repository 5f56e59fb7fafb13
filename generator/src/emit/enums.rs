//! Emit, enums: model enum types -> `src/enums.rs`: one open `i32` newtype per enum.

use quote::{format_ident, quote};

use super::{share_of_types, table_ident, type_item, Content, Documented, Output, Part, Skeleton};
use crate::error::Result;
use crate::model::{EnumType, Model, TypeKind};

/// One enum type.
pub fn item<'o>(ty: &'o EnumType, output: &'o Output, skeleton: &Skeleton) -> Result<Vec<Documented<'o>>> {
    let name = format_ident!("{}", ty.rust_name);
    let table = table_ident(ty);
    type_item(ty, "i32", ("vk_enum", quote! { #name, #table }), output, skeleton)
}

pub fn emit<'o>(model: &'o Model, output: &'o Output, part: Part) -> Result<Content<'o>> {
    let types: Vec<&EnumType> = model.types.iter().filter(|t| t.kind == TypeKind::Enum).collect();
    share_of_types(
        &types,
        part,
        output,
        ("src/enums.rs", " Enum types: open newtypes over `i32`, one associated constant per C enumerant."),
        item,
    )
}
