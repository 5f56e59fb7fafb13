//! Emit, constants: model constants -> `src/constants.rs` (`UUID_SIZE: usize`,
//! `LOD_CLAMP_NONE: f32`, `WHOLE_SIZE: u64`, ...).

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::doc;
use crate::model::{ConstValue, Model};

pub fn emit(model: &Model) -> TokenStream {
    let items = model.constants.iter().map(|c| {
        let ident = format_ident!("{}", c.rust_name);
        let (ty, value) = match &c.value {
            ConstValue::U32(v) if *v > u32::MAX - 16 => {
                let n = Literal::u32_unsuffixed(!v);
                (quote! { u32 }, quote! { !#n })
            }
            ConstValue::U64(v) if *v > u64::MAX - 16 => {
                let n = Literal::u64_unsuffixed(!v);
                (quote! { u64 }, quote! { !#n })
            }
            ConstValue::U32(v) => (quote! { u32 }, Literal::u32_unsuffixed(*v).into_token_stream()),
            ConstValue::U64(v) => (quote! { u64 }, Literal::u64_unsuffixed(*v).into_token_stream()),
            ConstValue::I32(v) => (quote! { i32 }, Literal::i32_unsuffixed(*v).into_token_stream()),
            ConstValue::Usize(v) => (quote! { usize }, Literal::u64_unsuffixed(*v).into_token_stream()),
            ConstValue::F32(text) => {
                let lit: TokenStream = if text.contains('.') { text.parse() } else { format!("{text}.0").parse() }
                    .expect("a float literal");
                (quote! { f32 }, lit)
            }
            ConstValue::Str(s) => (quote! { &str }, quote! { #s }),
            ConstValue::Enumerant { rust_type, rust_name } => {
                let t = format_ident!("{}", rust_type);
                let n = format_ident!("{}", rust_name);
                (quote! { crate::#t }, quote! { crate::#t::#n })
            }
        };
        let mut text = format!("`{}`", c.c_name);
        if let Some(target) = &c.alias_of {
            text.push_str(&format!(", an alias of `{target}`."));
        }
        if let Some(d) = &c.deprecated {
            text.push_str(&format!("\n\nDeprecated: {}.", d.note));
        }
        let d = doc(&text);
        let mut deprecated = c.deprecated.as_ref().map(|d| {
            let note = &d.note;
            quote! { #[deprecated(note = #note)] }
        });
        if matches!(c.value, ConstValue::Enumerant { .. }) {
            // The enumerant it names may itself be deprecated.
            deprecated = Some(quote! { #deprecated #[allow(deprecated)] });
        }
        quote! { #d #deprecated pub const #ident: #ty = #value; }
    });
    quote! {
        //! API constants, typed as Rust users expect (array lengths are `usize`).
        #(#items)*
    }
}

use quote::ToTokens;
