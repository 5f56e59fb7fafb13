//! Emit, bitmasks: model bitmask types -> `src/bitmasks.rs`: one `...Flags` newtype over
//! `u32` or `u64` per bitmask, holding the `...FlagBits` values.

use super::rows::{Arg, Row};
use super::{share_of_types, type_item, Content, Documented, Output, Part, Skeleton};
use crate::error::Result;
use crate::model::{EnumType, Model, TypeKind};

/// One bitmask type.
pub fn item<'o>(ty: &'o EnumType, output: &'o Output, skeleton: &Skeleton) -> Result<Vec<Documented<'o>>> {
    let raw = match ty.kind {
        TypeKind::Bitmask { bits: 64 } => "u64",
        _ => "u32",
    };
    let call =
        Row { name: "vk_bitmask", args: vec![Arg::Name(&ty.rust_name), Arg::Name(raw), Arg::Name(&ty.table_name)] };
    type_item(ty, raw, call, output, skeleton)
}

pub fn emit<'o>(model: &'o Model, output: &'o Output, part: Part) -> Result<Content<'o>> {
    let types: Vec<&EnumType> = model.types.iter().filter(|t| matches!(t.kind, TypeKind::Bitmask { .. })).collect();
    share_of_types(
        &types,
        part,
        output,
        ("src/bitmasks.rs", " Bitmask types: one `...Flags` newtype per bitmask, holding its `...FlagBits` values."),
        item,
    )
}
