//! Emit, extensions: model extensions -> `src/extensions.rs`: one module per extension
//! (`extensions::khr::surface`) with its `NAME` and `SPEC_VERSION`.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::doc;
use crate::docs;
use crate::model::Model;
use crate::names;

pub fn emit(model: &Model) -> TokenStream {
    let mut vendors: BTreeMap<String, Vec<TokenStream>> = BTreeMap::new();
    for ext in &model.extensions {
        let (vendor, module) = names::extension_module(&ext.name);
        let module = format_ident!("{}", module);
        let name = Literal::c_string(&std::ffi::CString::new(ext.name.as_str()).expect("no NUL in a name"));
        let mut text = docs::refpage_link(&ext.name);
        if let Some(n) = ext.number {
            text.push_str(&format!(" (extension {n})"));
        }
        for (what, value) in [
            ("Promoted to", &ext.promoted_to),
            ("Deprecated by", &ext.deprecated_by),
            ("Obsoleted by", &ext.obsoleted_by),
            ("Depends on", &ext.depends),
        ] {
            if let Some(v) = value {
                text.push_str(&format!("\n\n{what} `{v}`."));
            }
        }
        if ext.provisional {
            text.push_str("\n\nProvisional (beta) extension.");
        }
        let d = doc(&text);
        let name_doc = doc(&format!("The name of `{}`.", ext.name));
        let spec = ext.spec_version.map(|v| {
            let v = Literal::u32_unsuffixed(v);
            let sd = doc(&format!("The specification version of `{}` in this registry.", ext.name));
            quote! { #sd pub const SPEC_VERSION: u32 = #v; }
        });
        vendors.entry(vendor).or_default().push(quote! {
            #d
            pub mod #module {
                #name_doc
                pub const NAME: &core::ffi::CStr = #name;
                #spec
            }
        });
    }
    let vendor_mods = vendors.into_iter().map(|(vendor, mods)| {
        let ident = format_ident!("{}", vendor);
        let d = doc(&format!("Extensions of the `{}` vendor prefix.", vendor.to_ascii_uppercase()));
        quote! { #d pub mod #ident { #(#mods)* } }
    });
    quote! {
        //! Each extension's name and specification version.
        #(#vendor_mods)*
    }
}
