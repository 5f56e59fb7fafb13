//! Emit, crate: model -> the crate around the items: `Cargo.toml`, `README.md`,
//! `src/lib.rs` and `examples/dump.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::Output;
use crate::model::{Model, TypeKind};

/// The generated crate's package name.
pub const PACKAGE: &str = "vulkan-enums";

pub fn manifest(model: &Model, output: &Output) -> String {
    format!(
        r#"# {header}
[package]
name = "{PACKAGE}"
version = "{crate_version}+{version}"
description = "Every enum and bitmask type of the Vulkan API ({api}), with reflection, from vk.xml {version}"
edition = "2021"
rust-version = "1.85"
license = "Apache-2.0 OR MIT"
keywords = ["vulkan", "graphics", "ffi", "no_std"]
categories = ["graphics", "no-std", "api-bindings"]
readme = "README.md"

[dependencies]
"#,
        header = output.header,
        crate_version = output.crate_version,
        version = model.registry_version,
        api = model.api.as_str(),
    )
}

pub fn readme(model: &Model, output: &Output) -> String {
    let enums = model.types.iter().filter(|t| t.kind == TypeKind::Enum).count();
    let bitmasks = model.types.len() - enums;
    let enumerants: usize = model.types.iter().map(|t| t.enumerants.len()).sum();
    format!(
        "<!-- {header} -->\n\
         # {PACKAGE}\n\n\
         Every enum and bitmask type of the Vulkan API (`{api}`), generated from the Vulkan \
         registry `vk.xml` {v}: {enums} enums, {bitmasks} bitmasks, {enumerants} enumerants \
         (aliases included), {ext} extensions.\n\n\
         - Open types: `#[repr(transparent)]` newtypes over `i32`, `u32` or `u64`, so any value \
         a driver returns is representable; names follow ash's convention.\n\
         - `Debug` by name; bit operations on every `...Flags` type.\n\
         - `reflection`: C and Rust names, values, providers and aliases of every enumerant.\n\n\
         `#![no_std]`, no dependencies. Licensed under Apache-2.0 OR MIT, like `vk.xml`.\n",
        header = output.header,
        v = model.registry_version,
        api = model.api.as_str(),
        ext = model.extensions.len(),
    )
}

pub fn lib_rs(model: &Model, output: &Output) -> TokenStream {
    let spec = match &output.docs {
        Some(d) => format!(
            "\n\nThe docs of types and constants are the Vulkan specification's own text (release {}), \
             converted from its reference pages. That text is © The Khronos Group Inc., licensed under \
             [CC-BY-4.0](https://creativecommons.org/licenses/by/4.0/); the rest of the crate is Apache-2.0 OR MIT.",
            d.spec_release
        ),
        None => String::new(),
    };
    let text = format!(
        " Every enum and bitmask type of the Vulkan API (`{}`), from `vk.xml` {}.\n\n\
         Enums are open newtypes over `i32` with one associated constant per C enumerant; \
         bitmasks are `...Flags` newtypes over `u32` or `u64` holding the `...FlagBits` values. \
         [`reflection`] lists every type, enumerant and extension with its C and Rust names.",
        model.api.as_str(),
        model.registry_version
    ) + &spec;
    quote! {
        #![doc = #text]
        #![no_std]
        #![deny(warnings)]
        #![deny(missing_docs)]

        #[macro_use]
        mod macros;
        mod bitmasks;
        pub mod constants;
        mod enums;
        pub mod extensions;
        pub mod reflection;

        pub use bitmasks::*;
        pub use constants::*;
        pub use enums::*;
    }
}

pub fn dump_example() -> TokenStream {
    quote! {
        //! Prints one line per enumerant, aliases included, sorted:
        //! `c_type<TAB>c_name<TAB>value<TAB>rust_type<TAB>rust_name<TAB>providers`.

        use vulkan_enums::reflection::TYPES;

        fn main() {
            let mut lines = Vec::new();
            for t in TYPES {
                let c_type = t.c_enums_name.unwrap_or(t.c_name);
                for e in t.enumerants {
                    lines.push(format!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        c_type,
                        e.c_name,
                        e.value(t.kind),
                        t.rust_name,
                        e.rust_name,
                        e.providers.join(",")
                    ));
                }
            }
            lines.sort();
            for line in lines {
                println!("{line}");
            }
        }
    }
}
