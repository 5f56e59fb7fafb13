//! Emit, enums: model enum types -> `src/enums.rs`: one open `i32` newtype per enum.

use quote::{format_ident, quote};

use super::{part_with_doc, share_of_types, table_ident, type_item, Output, Part, Skeleton};
use crate::error::Result;
use crate::model::{EnumType, Model, TypeKind};

/// One enum type.
pub fn item(ty: &EnumType, output: &Output, skeleton: &Skeleton) -> Result<Vec<syn::Item>> {
    let name = format_ident!("{}", ty.rust_name);
    let table = table_ident(ty);
    type_item(ty, "i32", ("vk_enum", quote! { #name, #table }), output, skeleton)
}

pub fn emit(model: &Model, output: &Output, part: Part) -> Result<syn::File> {
    let types: Vec<&EnumType> = model.types.iter().filter(|t| t.kind == TypeKind::Enum).collect();
    let items = share_of_types(&types, part, output, item)?;
    part_with_doc(
        "src/enums.rs",
        " Enum types: open newtypes over `i32`, one associated constant per C enumerant.",
        items,
        part,
    )
}
