//! Emit, bitmasks: model bitmask types -> `src/bitmasks.rs`: one `...Flags` newtype over
//! `u32` or `u64` per bitmask, holding the `...FlagBits` values.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{table_ident, type_item};
use crate::model::{EnumType, Model, TypeKind};

/// One bitmask type.
pub fn item(ty: &EnumType) -> TokenStream {
    let bits = match ty.kind {
        TypeKind::Bitmask { bits } => bits,
        TypeKind::Enum => 32,
    };
    let name = format_ident!("{}", ty.rust_name);
    let table = table_ident(&ty.rust_name);
    let raw = if bits == 64 {
        quote! { u64 }
    } else {
        quote! { u32 }
    };
    type_item(ty, raw.clone(), quote! { vk_bitmask!(#name, #raw, #table); })
}

pub fn emit(model: &Model) -> TokenStream {
    let items = model.types.iter().filter(|t| matches!(t.kind, TypeKind::Bitmask { .. })).map(item);
    quote! {
        //! Bitmask types: one `...Flags` newtype per bitmask, holding its `...FlagBits` values.
        #(#items)*
    }
}
