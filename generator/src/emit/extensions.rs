//! Emit, extensions: model extensions -> `src/extensions.rs`: one module per extension
//! (`extensions::khr::surface`) with its `NAME` and `SPEC_VERSION`, as documented modules
//! of constants.

use std::collections::BTreeMap;

use super::{part_with_doc, Constant, Content, Documented, Part, Shaped};
use crate::docs;
use crate::error::Result;
use crate::model::{Extension, Model};
use crate::names;

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

pub fn emit(model: &Model, part: Part) -> Result<Content<'_>> {
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
                    let mut items = vec![Documented::Shaped(
                        format!("The name of `{}`.", ext.name).into(),
                        Shaped::Const("NAME", Constant::CStr(&ext.name)),
                    )];
                    if let Some(v) = ext.spec_version {
                        let doc = format!("The specification version of `{}` in this registry.", ext.name);
                        items.push(Documented::Shaped(doc.into(), Shaped::Const("SPEC_VERSION", Constant::U32(v))));
                    }
                    Documented::Module(extension_doc(ext).into(), module_name.clone(), items)
                })
                .collect();
            let doc = format!("Extensions of the `{}` vendor prefix.", vendor.to_ascii_uppercase());
            Documented::Module(doc.into(), vendor.clone(), mods)
        })
        .collect();
    let head =
        part_with_doc("src/extensions.rs", " Each extension's name and specification version.", Vec::new(), part)?;
    Ok(Content::Documented { head, items })
}
