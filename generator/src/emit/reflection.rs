//! Emit, reflection: model -> the reflection tables (`src/reflection/*_tables.rs`, one
//! table per type) and the crate-level lists of types and extensions.

use proc_macro2::TokenStream;
use quote::quote;

use super::table_ident;
use crate::model::{Model, TypeKind};

fn opt(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote! { Some(#s) },
        None => quote! { None },
    }
}

/// One table per type of the kind: every enumerant, aliases included.
pub fn tables(model: &Model, bitmasks: bool) -> TokenStream {
    let items = model.types.iter().filter(|t| matches!(t.kind, TypeKind::Bitmask { .. }) == bitmasks).map(|ty| {
        let table = table_ident(&ty.rust_name);
        let entries = ty.enumerants.iter().map(|e| {
            let c_name = &e.c_name;
            let rust_name = &e.rust_name;
            let raw = proc_macro2::Literal::u64_unsuffixed(match ty.kind {
                TypeKind::Enum => e.value as i64 as u64,
                TypeKind::Bitmask { .. } => e.value as u64,
            });
            let providers = crate::model::provider_names(&e.providers);
            // A macro call keeps the token stream small: formatting stays fast.
            let alias = e.alias_of.as_deref().map(|a| quote! { , alias = #a });
            let deprecated = e.deprecated.as_ref().map(|d| {
                let note = &d.note;
                quote! { , deprecated = #note }
            });
            quote! {
                enumerant!(#c_name, #rust_name, #raw, [#(#providers),*] #alias #deprecated),
            }
        });
        let doc = format!(" Enumerants of `{}`.", ty.rust_name);
        quote! {
            #[doc = #doc]
            pub(crate) static #table: &[EnumerantInfo] = &[#(#entries)*];
        }
    });
    let what = if bitmasks { "bitmask" } else { "enum" };
    let module_doc = format!(" Reflection tables of the {what} types.");
    quote! {
        #![doc = #module_doc]
        use super::EnumerantInfo;
        #(#items)*
    }
}

/// `TYPES` and `EXTENSIONS`.
pub fn lists(model: &Model) -> TokenStream {
    let types = model.types.iter().map(|ty| {
        let c_name = &ty.c_name;
        let enums_name = opt(ty.enums_name.as_deref());
        let rust_name = &ty.rust_name;
        let table = table_ident(&ty.rust_name);
        let (kind, module) = match ty.kind {
            TypeKind::Enum => (quote! { Kind::Enum }, quote! { enum_tables }),
            TypeKind::Bitmask { bits: 64 } => (quote! { Kind::Bitmask64 }, quote! { bitmask_tables }),
            TypeKind::Bitmask { .. } => (quote! { Kind::Bitmask32 }, quote! { bitmask_tables }),
        };
        let providers = crate::model::provider_names(&ty.providers);
        let aliases = ty.aliases.iter().map(|a| &a.c_name);
        quote! {
            TypeInfo {
                c_name: #c_name, c_enums_name: #enums_name, rust_name: #rust_name, kind: #kind,
                providers: &[#(#providers),*], c_aliases: &[#(#aliases),*], enumerants: super::#module::#table,
            },
        }
    });
    let extensions = model.extensions.iter().map(|e| {
        let name = &e.name;
        let number = match e.number {
            Some(n) => quote! { Some(#n) },
            None => quote! { None },
        };
        let kind = opt(e.kind.as_deref());
        let platform = opt(e.platform.as_deref());
        let provisional = e.provisional;
        let promoted = opt(e.promoted_to.as_deref());
        let deprecated = opt(e.deprecated_by.as_deref());
        let obsoleted = opt(e.obsoleted_by.as_deref());
        let spec = match e.spec_version {
            Some(n) => quote! { Some(#n) },
            None => quote! { None },
        };
        quote! {
            ExtensionInfo {
                name: #name, number: #number, kind: #kind, platform: #platform, provisional: #provisional,
                promoted_to: #promoted, deprecated_by: #deprecated, obsoleted_by: #obsoleted, spec_version: #spec,
            },
        }
    });
    quote! {
        //! Crate-level lists: every type, every extension.
        use super::{ExtensionInfo, Kind, TypeInfo};

        /// Every enum and bitmask type, sorted by C name.
        pub static TYPES: &[TypeInfo] = &[#(#types)*];

        /// Every extension of the API, sorted by name.
        pub static EXTENSIONS: &[ExtensionInfo] = &[#(#extensions)*];
    }
}
