//! Stage 4, docs: model facts -> rustdoc Markdown for each item. Today: the refpage link and
//! the providers; the specification's own text is the docs issue's work.

use crate::model::{Deprecation, Provider};

/// The one place that decides the address of a reference page.
pub fn refpage_url(name: &str) -> String {
    format!("https://registry.khronos.org/vulkan/specs/latest/man/html/{name}.html")
}

/// `[`VkFoo`](https://...)`: a link to the refpage of a C name.
pub fn refpage_link(name: &str) -> String {
    format!("[`{name}`]({})", refpage_url(name))
}

/// "Provided by `VK_VERSION_1_1`, `VK_KHR_foo` (when `VK_KHR_bar`)."
pub fn provided_by(providers: &[Provider]) -> String {
    if providers.is_empty() {
        return "Provided by no feature or extension of this API (reached only through other types).".into();
    }
    let list: Vec<String> = providers
        .iter()
        .map(|p| match &p.depends {
            Some(d) => format!("`{}` (with `{d}`)", p.name),
            None => format!("`{}`", p.name),
        })
        .collect();
    format!("Provided by {}.", list.join(", "))
}

/// The doc lines of an enumerant.
pub fn enumerant_doc(
    c_name: &str,
    providers: &[Provider],
    alias_rust: Option<&str>,
    deprecated: Option<&Deprecation>,
) -> String {
    let mut doc = format!("`{c_name}`\n\n{}", provided_by(providers));
    if let Some(target) = alias_rust {
        doc.push_str(&format!("\n\nAlias of [`Self::{target}`]."));
    }
    if let Some(d) = deprecated {
        doc.push_str(&format!("\n\nDeprecated: {}.", d.note));
    }
    doc
}
