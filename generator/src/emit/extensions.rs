//! Emit, extensions: model extensions -> `src/extensions.rs`: one module per extension
//! (`extensions::khr::surface`) with its `NAME` and `SPEC_VERSION`, built as syntax.

use std::collections::BTreeMap;

use super::{part_with_doc, syntax, Part};
use crate::docs;
use crate::error::Result;
use crate::model::{Extension, Model};
use crate::names;

fn module(doc: &str, name: &str, items: Vec<syn::Item>) -> syn::Item {
    syn::Item::Mod(syn::ItemMod {
        attrs: syntax::doc_attrs(doc),
        vis: syn::Visibility::Public(Default::default()),
        unsafety: None,
        mod_token: Default::default(),
        ident: syntax::ident(name),
        content: Some((syntax::brace(), items)),
        semi: None,
    })
}

fn constant(doc: &str, name: &str, ty: syn::Type, value: syn::Expr) -> syn::Item {
    syn::Item::Const(syn::ItemConst {
        attrs: syntax::doc_attrs(doc),
        vis: syn::Visibility::Public(Default::default()),
        modifiers: Default::default(),
        const_token: Default::default(),
        ident: syntax::ident(name),
        generics: Default::default(),
        colon_token: Default::default(),
        ty: Box::new(ty),
        eq_token: Default::default(),
        expr: Box::new(value),
        semi_token: Default::default(),
    })
}

fn extension_doc(ext: &Extension) -> String {
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
        match value.as_deref() {
            Some("") => text.push_str(&format!("\n\n{what} nothing (no replacement).")),
            Some(v) => text.push_str(&format!("\n\n{what} `{v}`.")),
            None => {}
        }
    }
    if ext.provisional {
        text.push_str("\n\nProvisional (beta) extension.");
    }
    text
}

pub fn emit(model: &Model, part: Part) -> Result<syn::File> {
    let cstr: syn::Type = syn::parse_quote! { &core::ffi::CStr };
    let u32_type: syn::Type = syn::parse_quote! { u32 };
    // One module per vendor prefix, in name order; a part makes a share of them.
    let mut vendors: BTreeMap<String, Vec<(&Extension, String)>> = BTreeMap::new();
    for ext in &model.extensions {
        let (vendor, module_name) = names::extension_module(&ext.name);
        vendors.entry(vendor).or_default().push((ext, module_name));
    }
    let vendors: Vec<(String, Vec<(&Extension, String)>)> = vendors.into_iter().collect();
    let items = part
        .share(&vendors, |(_, exts)| exts.len())
        .iter()
        .map(|(vendor, exts)| {
            let mods = exts
                .iter()
                .map(|(ext, module_name)| {
                    let name_lit = syn::Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit: syntax::c_str(&ext.name) });
                    let mut items =
                        vec![constant(&format!("The name of `{}`.", ext.name), "NAME", cstr.clone(), name_lit)];
                    if let Some(v) = ext.spec_version {
                        let doc = format!("The specification version of `{}` in this registry.", ext.name);
                        items.push(constant(&doc, "SPEC_VERSION", u32_type.clone(), syntax::int(v.into())));
                    }
                    module(&extension_doc(ext), module_name, items)
                })
                .collect();
            module(&format!("Extensions of the `{}` vendor prefix.", vendor.to_ascii_uppercase()), vendor, mods)
        })
        .collect();
    part_with_doc("src/extensions.rs", " Each extension's name and specification version.", items, part)
}
