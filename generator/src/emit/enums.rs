//! Emit, enums: model enum types -> `src/enums.rs`: one open `i32` newtype per enum.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{table_ident, type_item};
use crate::model::{EnumType, Model, TypeKind};

/// One enum type.
pub fn item(ty: &EnumType) -> TokenStream {
    let name = format_ident!("{}", ty.rust_name);
    let table = table_ident(&ty.rust_name);
    type_item(ty, quote! { i32 }, quote! { vk_enum!(#name, #table); })
}

pub fn emit(model: &Model) -> TokenStream {
    let items = model.types.iter().filter(|t| t.kind == TypeKind::Enum).map(item);
    quote! {
        //! Enum types: open newtypes over `i32`, one associated constant per C enumerant.
        #(#items)*
    }
}
