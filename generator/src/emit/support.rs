//! Emit, support code: nothing -> the fixed parts of the generated crate that do not depend
//! on the registry (the bitmask/enum impl macros and the reflection types).

use proc_macro2::TokenStream;
use quote::quote;

/// `src/macros.rs`: impls shared by every enum and bitmask type.
pub fn macros() -> TokenStream {
    quote! {
        //! Implementations shared by every enum and bitmask type.

        /// Implements an open enum over `i32`: raw conversions and `Debug` by name.
        macro_rules! vk_enum {
            ($name:ident, $table:ident) => {
                impl $name {
                    /// Wraps a raw value; any value a driver returns is representable.
                    #[inline]
                    pub const fn from_raw(raw: i32) -> Self {
                        Self(raw)
                    }
                    /// The raw value.
                    #[inline]
                    pub const fn as_raw(self) -> i32 {
                        self.0
                    }
                }
                impl core::fmt::Debug for $name {
                    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                        match crate::reflection::name_of_value(crate::reflection::enum_tables::$table, self.0 as i64 as u64) {
                            Some(name) => f.write_str(name),
                            None => write!(f, "{}", self.0),
                        }
                    }
                }
            };
        }

        /// Implements a bitmask over `u32` or `u64`: bit operations and `Debug` by name.
        macro_rules! vk_bitmask {
            ($name:ident, $raw:ty, $table:ident) => {
                impl $name {
                    /// No bits set.
                    #[inline]
                    pub const fn empty() -> Self {
                        Self(0)
                    }
                    /// Wraps raw bits; unknown bits are kept.
                    #[inline]
                    pub const fn from_raw(raw: $raw) -> Self {
                        Self(raw)
                    }
                    /// The raw bits.
                    #[inline]
                    pub const fn as_raw(self) -> $raw {
                        self.0
                    }
                    /// Whether no bit is set.
                    #[inline]
                    pub const fn is_empty(self) -> bool {
                        self.0 == 0
                    }
                    /// Whether every bit of `other` is set in `self`.
                    #[inline]
                    pub const fn contains(self, other: Self) -> bool {
                        self.0 & other.0 == other.0
                    }
                    /// Whether `self` and `other` share a bit.
                    #[inline]
                    pub const fn intersects(self, other: Self) -> bool {
                        self.0 & other.0 != 0
                    }
                }
                impl core::ops::BitOr for $name {
                    type Output = Self;
                    #[inline]
                    fn bitor(self, rhs: Self) -> Self {
                        Self(self.0 | rhs.0)
                    }
                }
                impl core::ops::BitOrAssign for $name {
                    #[inline]
                    fn bitor_assign(&mut self, rhs: Self) {
                        self.0 |= rhs.0
                    }
                }
                impl core::ops::BitAnd for $name {
                    type Output = Self;
                    #[inline]
                    fn bitand(self, rhs: Self) -> Self {
                        Self(self.0 & rhs.0)
                    }
                }
                impl core::ops::BitAndAssign for $name {
                    #[inline]
                    fn bitand_assign(&mut self, rhs: Self) {
                        self.0 &= rhs.0
                    }
                }
                impl core::ops::BitXor for $name {
                    type Output = Self;
                    #[inline]
                    fn bitxor(self, rhs: Self) -> Self {
                        Self(self.0 ^ rhs.0)
                    }
                }
                impl core::ops::BitXorAssign for $name {
                    #[inline]
                    fn bitxor_assign(&mut self, rhs: Self) {
                        self.0 ^= rhs.0
                    }
                }
                impl core::ops::Not for $name {
                    type Output = Self;
                    #[inline]
                    fn not(self) -> Self {
                        Self(!self.0)
                    }
                }
                impl core::fmt::Debug for $name {
                    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                        crate::reflection::fmt_bits(crate::reflection::bitmask_tables::$table, self.0 as u64, f)
                    }
                }
            };
        }
    }
}

/// `src/reflection/mod.rs`: the reflection types and lookups (tables come from the model).
pub fn reflection() -> TokenStream {
    quote! {
        //! Reflection: C and Rust names, values, providers and aliases of every type and
        //! enumerant, for tools that print or parse Vulkan values (what C users get from
        //! `vk_enum_string_helper.h`).

        /// One row of a reflection table.
        macro_rules! enumerant {
            ($c:literal, $r:literal, $raw:literal, [$($p:literal),*] $(, alias = $a:literal)? $(, deprecated = $d:literal)?) => {
                EnumerantInfo {
                    c_name: $c,
                    rust_name: $r,
                    raw: $raw,
                    providers: &[$($p),*],
                    alias_of: enumerant!(@opt $($a)?),
                    deprecated: enumerant!(@opt $($d)?),
                }
            };
            (@opt) => { None };
            (@opt $v:literal) => { Some($v) };
        }

        /// One row of `TYPES`.
        macro_rules! type_info {
            ($c:literal, $e:expr, $r:literal, $kind:ident, [$($p:literal),*], [$($a:literal),*], $table:path) => {
                TypeInfo {
                    c_name: $c,
                    c_enums_name: $e,
                    rust_name: $r,
                    kind: Kind::$kind,
                    providers: &[$($p),*],
                    c_aliases: &[$($a),*],
                    enumerants: $table,
                }
            };
        }

        /// One row of `EXTENSIONS`.
        macro_rules! extension_info {
            ($name:literal, $number:expr, $kind:expr, $platform:expr, $provisional:literal, $promoted:expr, $deprecated:expr, $obsoleted:expr, $spec:expr) => {
                ExtensionInfo {
                    name: $name,
                    number: $number,
                    kind: $kind,
                    platform: $platform,
                    provisional: $provisional,
                    promoted_to: $promoted,
                    deprecated_by: $deprecated,
                    obsoleted_by: $obsoleted,
                    spec_version: $spec,
                }
            };
        }

        pub(crate) mod bitmask_tables;
        pub(crate) mod enum_tables;
        mod lists;

        pub use lists::{EXTENSIONS, TYPES};

        /// Whether a type is an enum or a bitmask, and how wide.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Kind {
            /// An `int32_t` enum.
            Enum,
            /// A bitmask over `VkFlags` (`u32`).
            Bitmask32,
            /// A bitmask over `VkFlags64` (`u64`).
            Bitmask64,
        }

        /// One enum or bitmask type.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct TypeInfo {
            /// The C type: `VkExternalMemoryHandleTypeFlags`.
            pub c_name: &'static str,
            /// The C `<enums>` block holding the values: `VkExternalMemoryHandleTypeFlagBits`.
            pub c_enums_name: Option<&'static str>,
            /// The Rust type: `ExternalMemoryHandleTypeFlags`.
            pub rust_name: &'static str,
            /// Enum or bitmask, and its width.
            pub kind: Kind,
            /// Features and extensions that provide the type.
            pub providers: &'static [&'static str],
            /// Other C names of the type.
            pub c_aliases: &'static [&'static str],
            /// Every enumerant, aliases included, in registry order.
            pub enumerants: &'static [EnumerantInfo],
        }

        /// One C enumerant.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct EnumerantInfo {
            /// `VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT`.
            pub c_name: &'static str,
            /// `OPAQUE_FD`: the associated constant of the Rust type.
            pub rust_name: &'static str,
            /// The value: for enums the `i32` sign-extended, for bitmasks the bits.
            pub raw: u64,
            /// Features and extensions that provide it, sorted.
            pub providers: &'static [&'static str],
            /// The C name this one is an alias of.
            pub alias_of: Option<&'static str>,
            /// Why the registry deprecates it, if it does.
            pub deprecated: Option<&'static str>,
        }

        impl EnumerantInfo {
            /// The value as the C headers write it: signed for enums.
            pub const fn value(&self, kind: Kind) -> i128 {
                match kind {
                    Kind::Enum => self.raw as i64 as i128,
                    _ => self.raw as i128,
                }
            }
        }

        /// One extension the API selects.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct ExtensionInfo {
            /// `VK_KHR_surface`.
            pub name: &'static str,
            /// The registry's extension number.
            pub number: Option<u32>,
            /// `instance` or `device`.
            pub kind: Option<&'static str>,
            /// The platform (`win32`, `android`, ...), for platform extensions.
            pub platform: Option<&'static str>,
            /// A provisional (beta) extension.
            pub provisional: bool,
            /// The core version or extension it was promoted to.
            pub promoted_to: Option<&'static str>,
            /// What deprecates it (empty when deprecated without replacement).
            pub deprecated_by: Option<&'static str>,
            /// What obsoletes it.
            pub obsoleted_by: Option<&'static str>,
            /// Its `_SPEC_VERSION` in this registry.
            pub spec_version: Option<u32>,
        }

        /// The type with this C name (a Flags or FlagBits name, or an alias of either).
        pub fn type_by_c_name(c_name: &str) -> Option<&'static TypeInfo> {
            TYPES.iter().find(|t| {
                t.c_name == c_name || t.c_enums_name == Some(c_name) || t.c_aliases.contains(&c_name)
            })
        }

        /// The type with this Rust name.
        pub fn type_by_rust_name(rust_name: &str) -> Option<&'static TypeInfo> {
            TYPES.iter().find(|t| t.rust_name == rust_name)
        }

        /// The enumerant with this C name, and its type.
        pub fn enumerant_by_c_name(c_name: &str) -> Option<(&'static TypeInfo, &'static EnumerantInfo)> {
            TYPES
                .iter()
                .find_map(|t| t.enumerants.iter().find(|e| e.c_name == c_name).map(|e| (t, e)))
        }

        /// The enumerant with this Rust type and constant name (`"Result"`, `"SUCCESS"`).
        pub fn enumerant_by_rust_name(
            rust_type: &str,
            rust_name: &str,
        ) -> Option<(&'static TypeInfo, &'static EnumerantInfo)> {
            let t = type_by_rust_name(rust_type)?;
            t.enumerants.iter().find(|e| e.rust_name == rust_name).map(|e| (t, e))
        }

        /// The extension with this name.
        pub fn extension(name: &str) -> Option<&'static ExtensionInfo> {
            EXTENSIONS.iter().find(|e| e.name == name)
        }

        pub(crate) fn name_of_value(table: &[EnumerantInfo], raw: u64) -> Option<&'static str> {
            table.iter().find(|e| e.alias_of.is_none() && e.raw == raw).map(|e| e.rust_name)
        }

        pub(crate) fn fmt_bits(
            table: &[EnumerantInfo],
            bits: u64,
            f: &mut core::fmt::Formatter<'_>,
        ) -> core::fmt::Result {
            if bits == 0 {
                return match name_of_value(table, 0) {
                    Some(name) => f.write_str(name),
                    None => f.write_str("(empty)"),
                };
            }
            let mut rest = bits;
            let mut first = true;
            for e in table.iter().filter(|e| e.alias_of.is_none()) {
                if e.raw != 0 && bits & e.raw == e.raw && rest & e.raw != 0 {
                    if !first {
                        f.write_str(" | ")?;
                    }
                    f.write_str(e.rust_name)?;
                    rest &= !e.raw;
                    first = false;
                }
            }
            if rest != 0 {
                if !first {
                    f.write_str(" | ")?;
                }
                write!(f, "{rest:#x}")?;
            }
            Ok(())
        }
    }
}
