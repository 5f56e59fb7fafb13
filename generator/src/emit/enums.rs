//! Emit, enums: model enum types -> `src/enums.rs`: one open `i32` newtype per enum.

use super::rows::{Arg, Row};
use super::{share_of_types, type_item, Content, Documented, Output, Part, Skeleton};
use crate::error::Result;
use crate::model::{EnumType, Model, TypeKind};

/// One enum type.
pub fn item<'o>(ty: &'o EnumType, output: &'o Output, skeleton: &Skeleton) -> Result<Vec<Documented<'o>>> {
    let call = Row { name: "vk_enum", args: vec![Arg::Name(&ty.rust_name), Arg::Name(&ty.table_name)] };
    type_item(ty, "i32", call, output, skeleton)
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
