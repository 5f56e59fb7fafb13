//! Stage 3, names: C names from vk.xml -> Rust names. Every naming rule lives here: ash's
//! convention where ash has a name, and a written rule (below) for the C names ash drops.
//!
//! Enumerants (ash's rule, as REGISTRY-NOTES.md states it):
//! 1. The type name without `FlagBits`, in upper snake case, is the prefix; a vendor tag
//!    (from `<tags>`) at its end is removed from the prefix and from the enumerant; a `_`
//!    goes before trailing digits (`VkAccessFlagBits2` -> `VK_ACCESS_2`).
//! 2. The prefix and the `_` after it are removed from the enumerant. Where the enumerant
//!    does not start with the prefix (`VK_SUCCESS` of `VkResult`), the words it shares with
//!    the prefix are removed instead (`VK_`).
//! 3. The name is upper-cased (`ASTC_4x4` -> `ASTC_4X4`); every `_BIT` substring is removed (as ash does, so `..._BITSTREAM_...` loses it too);
//!    a name starting with a digit gets `TYPE_` in front.
//!
//! Collisions (several C names, one Rust name, such as `VK_PIPELINE_CREATE_DISPATCH_BASE`
//! and `VK_PIPELINE_CREATE_DISPATCH_BASE_BIT`) are settled so that a name, once given,
//! stays: when the registry renames an enumerant, the old spelling becomes an alias of the
//! new one, so an alias of another member of the group keeps the short name
//! (`DISPATCH_BASE` stays `VK_PIPELINE_CREATE_DISPATCH_BASE`, as in 1.1.70, and
//! `FRONT_AND_BACK` stays `VK_STENCIL_FRONT_AND_BACK`, as before 1.1.130). Then a C name
//! that starts with the type's prefix wins; then one that needed no `_BIT` removed; then
//! the shorter C name; then the first in byte order. The others keep their `_BIT`
//! (`DISPATCH_BASE_BIT`), or, without one, or if that still collides, take the C name
//! without `VK_` (`STENCIL_FACE_FRONT_AND_BACK`).
//!
//! Names under a type's old name: when a type is promoted or renamed, its old C name
//! becomes an alias (`VkAccessFlagBits2KHR` of `VkAccessFlagBits2`, 1.3.204) and the rule
//! above, run with the new name, renames the values that carry the old vendor tag
//! (`AccessFlags2KHR::VIDEO_ENCODE_READ` becomes `AccessFlags2::VIDEO_ENCODE_READ_KHR`, as
//! in ash). So that code written against the old type keeps compiling, each value with
//! the vendor tag of an alias of its type (`_KHR` for `VkAccessFlagBits2KHR`) also gets
//! the name the rule gives it under that alias, where that name differs and no other
//! value holds it: a deprecated second name, in Rust only (the reflection tables list C
//! enumerants).

use heck::ToShoutySnakeCase;

/// `VkExternalMemoryHandleTypeFlags` -> `ExternalMemoryHandleTypeFlags`.
pub fn type_name(c_name: &str) -> String {
    c_name.strip_prefix("Vk").unwrap_or(c_name).to_owned()
}

/// `ExternalMemoryHandleTypeFlags` -> `EXTERNAL_MEMORY_HANDLE_TYPE_FLAGS`: the name of a
/// type's reflection table.
pub fn table_name(rust_name: &str) -> String {
    rust_name.to_shouty_snake_case()
}

/// `VkAccessFlagBits2` -> `VkAccessFlags2`: the Flags type that holds a FlagBits type.
pub fn flags_name_of_bits(bits: &str) -> String {
    bits.replacen("FlagBits", "Flags", 1)
}

/// `VK_UUID_SIZE` -> `UUID_SIZE`.
pub fn constant_name(c_name: &str) -> String {
    let rest = c_name.strip_prefix("VK_").unwrap_or(c_name);
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        format!("TYPE_{rest}")
    } else {
        rest.to_owned()
    }
}

/// The enumerant prefix of a type and the vendor tag it ends with.
pub fn enumerant_prefix(type_c_name: &str, tags: &[&str]) -> (String, Option<String>) {
    let base = type_c_name.replacen("FlagBits", "", 1);
    let mut shouty = base.to_shouty_snake_case();
    // The longest tag that ends the name after a `_`.
    let ends_with_tag = |tag: &str| {
        shouty.len() > tag.len() && shouty.ends_with(tag) && shouty.as_bytes()[shouty.len() - tag.len() - 1] == b'_'
    };
    let longest = tags.iter().filter(|t| !t.is_empty() && ends_with_tag(t)).max_by_key(|t| t.len());
    let vendor = longest.map(|tag| {
        shouty.truncate(shouty.len() - tag.len() - 1);
        tag.to_string()
    });
    let digits = shouty.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < shouty.len() && !shouty[..shouty.len() - digits].ends_with('_') {
        shouty.insert(shouty.len() - digits, '_');
    }
    (shouty, vendor)
}

struct Candidate {
    /// The name without its `_BIT`s.
    short: String,
    /// The name with them, where there were any.
    with_bit: Option<String>,
    /// The name does not start with the type's prefix (`VK_STENCIL_FRONT_AND_BACK`).
    off_prefix: bool,
}

impl Candidate {
    fn bit_removed(&self) -> bool {
        self.with_bit.is_some()
    }

    fn long(&self) -> &str {
        self.with_bit.as_deref().unwrap_or(&self.short)
    }
}

fn with_digit_guard(s: String) -> String {
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("TYPE_{s}")
    } else {
        s
    }
}

/// `s` without `_tag` at its end, where something is left.
fn strip_tag<'a>(s: &'a str, tag: &str) -> Option<&'a str> {
    s.strip_suffix(tag).and_then(|r| r.strip_suffix('_')).filter(|r| !r.is_empty())
}

fn candidate(c_name: &str, prefix: &str, vendor: Option<&str>) -> Candidate {
    let upper: std::borrow::Cow<str> =
        if c_name.bytes().any(|b| b.is_ascii_lowercase()) { c_name.to_ascii_uppercase().into() } else { c_name.into() };
    let c_name = upper.as_ref();
    let on_prefix = c_name.strip_prefix(prefix).and_then(|r| r.strip_prefix('_')).filter(|r| !r.is_empty());
    let rest = match on_prefix {
        Some(r) => r,
        _ => {
            // Remove the leading words the name shares with the prefix.
            let mut shared = 0;
            for (a, b) in c_name.split('_').zip(prefix.split('_')) {
                if a != b {
                    break;
                }
                shared += a.len() + 1;
            }
            let r = &c_name[shared.min(c_name.len())..];
            if r.is_empty() {
                c_name
            } else {
                r
            }
        }
    };
    let rest = vendor.and_then(|v| strip_tag(rest, v)).unwrap_or(rest);
    let (short, with_bit) = if rest.contains("_BIT") {
        (rest.replace("_BIT", ""), Some(with_digit_guard(rest.to_owned())))
    } else {
        (rest.to_owned(), None)
    };
    Candidate { short: with_digit_guard(short), with_bit, off_prefix: on_prefix.is_none() }
}

/// Runs of indices whose `key`s are equal, each run in index order, runs in key order.
fn equal_runs<'k>(n: usize, key: impl Fn(usize) -> &'k str) -> Vec<Vec<usize>> {
    // Most types have no two equal names: a set tells, without sorting.
    let mut seen = crate::model::fasthash::FastSet::with_capacity_and_hasher(n, Default::default());
    if (0..n).all(|i| seen.insert(key(i))) {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| key(a).cmp(key(b)));
    order.chunk_by(|&a, &b| key(a) == key(b)).filter(|run| run.len() > 1).map(<[usize]>::to_vec).collect()
}

/// Rust names of a type's enumerants, in the same order; collisions resolved by the rule
/// in this module's docs. `type_c_name` is the `<enums>` block name.
pub fn enumerant_names(
    type_c_name: &str,
    c_names: &[&str],
    aliases: &[Option<&str>],
    tags: &[&str],
) -> Result<Vec<String>, String> {
    let (prefix, vendor) = enumerant_prefix(type_c_name, tags);
    let candidates: Vec<Candidate> = c_names.iter().map(|c| candidate(c, &prefix, vendor.as_deref())).collect();
    let mut names: Vec<String> = candidates.iter().map(|c| c.short.clone()).collect();
    for members in equal_runs(candidates.len(), |i| &candidates[i].short) {
        // Whether a member is an alias of another member of the group.
        let aliases_member = |i: usize| {
            let mut current = aliases.get(i).copied().flatten();
            for _ in 0..c_names.len() {
                let Some(target) = current else { return false };
                let Some(j) = c_names.iter().position(|c| *c == target) else { return false };
                if members.contains(&j) {
                    return true;
                }
                current = aliases.get(j).copied().flatten();
            }
            false
        };
        let winner = *members
            .iter()
            .min_by(|&&a, &&b| {
                let c = |i: usize| &candidates[i];
                let key =
                    |i: usize| (!aliases_member(i), c(i).off_prefix, c(i).bit_removed(), c_names[i].len(), c_names[i]);
                key(a).cmp(&key(b))
            })
            .expect("a group has members");
        for &i in members.iter().filter(|&&i| i != winner) {
            names[i] = match &candidates[i].with_bit {
                Some(long) => long.clone(),
                None => constant_name(c_names[i]),
            };
        }
    }
    // Last resort: the C name without `VK_`.
    for members in equal_runs(names.len(), |i| &names[i]) {
        for i in members {
            if candidates[i].long() == names[i] && candidates[i].short != names[i] {
                names[i] = constant_name(c_names[i]);
            }
        }
    }
    // The first name (in enumerant order) that an earlier one already holds.
    let taken = equal_runs(names.len(), |i| &names[i]).into_iter().map(|run| run[1]).min();
    if let Some(i) = taken {
        return Err(format!(
            "`{}` of `{type_c_name}` has no Rust name of its own (`{}` is taken)",
            c_names[i], names[i]
        ));
    }
    Ok(names)
}

/// Names under a type's old names (see the module docs): for each alias of the `<enums>`
/// block that ends in a vendor tag, the names [`enumerant_names`] gives under it to the
/// values with that tag, where they differ from `names` and are free, as (name, index of the enumerant, the alias), in alias order then enumerant order.
pub fn names_under_aliases(
    alias_names: &[&str],
    c_names: &[&str],
    aliases: &[Option<&str>],
    names: &[String],
    tags: &[&str],
) -> Vec<(String, usize, String)> {
    let mut taken: crate::model::fasthash::FastSet<String> = names.iter().cloned().collect();
    let mut out = Vec::new();
    for alias in alias_names {
        // Only a vendor's name for the type renames values: those with its tag.
        let (prefix, Some(vendor)) = enumerant_prefix(alias, tags) else { continue };
        let tag = format!("_{vendor}");
        // An alias under which the values collide gave no names then either.
        let Ok(old) = enumerant_names(alias, c_names, aliases, tags) else { continue };
        for (i, name) in old.into_iter().enumerate() {
            // Only a plain name (not one a collision under the alias forced) is kept.
            let plain = candidate(c_names[i], &prefix, Some(&vendor)).short == name;
            if c_names[i].ends_with(&tag) && plain && name != names[i] && taken.insert(name.clone()) {
                out.push((name, i, (*alias).to_owned()));
            }
        }
    }
    out
}

/// `VK_KHR_surface` -> (`khr`, `surface`): the module path of an extension's constants.
pub fn extension_module(name: &str) -> (String, String) {
    let rest = name.strip_prefix("VK_").unwrap_or(name);
    let (vendor, ext) = rest.split_once('_').unwrap_or(("ext", rest));
    let vendor = vendor.to_ascii_lowercase();
    let mut ext = ext.to_ascii_lowercase();
    if ext.starts_with(|c: char| c.is_ascii_digit()) {
        ext.insert(0, '_');
    }
    if is_keyword(&ext) {
        ext.push('_');
    }
    (vendor, ext)
}

/// Whether a registry name is a C identifier (`[A-Za-z_][A-Za-z0-9_]*`): every name this
/// generator turns into a Rust name must be one.
pub fn is_c_identifier(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Whether a name can be a Rust identifier as written (not a keyword, not `_`).
pub fn is_rust_identifier(s: &str) -> bool {
    is_c_identifier(s) && s != "_" && !is_keyword(s) && !matches!(s, "Self" | "self" | "super" | "crate")
}

fn is_keyword(s: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
        "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
        "static", "struct", "super", "trait", "true", "try", "type", "unsafe", "use", "where", "while", "abstract",
        "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield",
    ];
    // Every keyword is lower case and at most 8 letters long.
    s.len() <= 8 && s.bytes().all(|b| b.is_ascii_lowercase()) && KEYWORDS.contains(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAGS: &[&str] = &["KHR", "EXT", "NV", "NVX", "AMD", "MVK", "QNX", "OHOS", "ANDROID"];

    fn names(ty: &str, c: &[&str]) -> Vec<String> {
        enumerant_names(ty, c, &vec![None; c.len()], TAGS).unwrap()
    }

    #[test]
    fn type_names_drop_vk() {
        assert_eq!(type_name("VkExternalMemoryHandleTypeFlags"), "ExternalMemoryHandleTypeFlags");
        assert_eq!(table_name("ExternalMemoryHandleTypeFlags"), "EXTERNAL_MEMORY_HANDLE_TYPE_FLAGS");
        assert_eq!(table_name("AccessFlags2"), "ACCESS_FLAGS2");
        assert_eq!(flags_name_of_bits("VkAccessFlagBits2"), "VkAccessFlags2");
        assert_eq!(constant_name("VK_UUID_SIZE"), "UUID_SIZE");
    }

    #[test]
    fn prefix_is_the_type_in_upper_snake_case() {
        assert_eq!(
            enumerant_prefix("VkExternalMemoryHandleTypeFlagBits", TAGS),
            ("VK_EXTERNAL_MEMORY_HANDLE_TYPE".into(), None)
        );
        assert_eq!(enumerant_prefix("VkAccessFlagBits2", TAGS), ("VK_ACCESS_2".into(), None));
        assert_eq!(enumerant_prefix("VkPresentModeKHR", TAGS), ("VK_PRESENT_MODE".into(), Some("KHR".into())));
        assert_eq!(
            enumerant_prefix("VkVideoEncodeH264CapabilityFlagBitsKHR", TAGS).0,
            "VK_VIDEO_ENCODE_H264_CAPABILITY"
        );
    }

    #[test]
    fn bits_lose_bit_and_vendor_of_the_type_only() {
        let c = ["VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT", "VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT"];
        assert_eq!(names("VkExternalMemoryHandleTypeFlagBits", &c), ["OPAQUE_FD", "DMA_BUF_EXT"]);
        assert_eq!(names("VkPresentModeKHR", &["VK_PRESENT_MODE_IMMEDIATE_KHR"]), ["IMMEDIATE"]);
        assert_eq!(
            names("VkExternalMemoryHandleTypeFlagBitsNV", &["VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_WIN32_BIT_NV"]),
            ["OPAQUE_WIN32"]
        );
    }

    #[test]
    fn vendor_test_is_by_whole_tag() {
        // `EXTERNAL` contains `EXT`; it is not a tag at the end.
        assert_eq!(enumerant_prefix("VkExternal", TAGS), ("VK_EXTERNAL".into(), None));
    }

    #[test]
    fn names_are_upper_case() {
        assert_eq!(names("VkFormat", &["VK_FORMAT_ASTC_4x4_UNORM_BLOCK"]), ["ASTC_4X4_UNORM_BLOCK"]);
    }

    #[test]
    fn leading_digits_get_type() {
        assert_eq!(names("VkImageType", &["VK_IMAGE_TYPE_2D"]), ["TYPE_2D"]);
        assert_eq!(names("VkSampleCountFlagBits", &["VK_SAMPLE_COUNT_1_BIT"]), ["TYPE_1"]);
    }

    #[test]
    fn names_outside_the_prefix_drop_shared_words() {
        assert_eq!(names("VkResult", &["VK_SUCCESS", "VK_ERROR_DEVICE_LOST"]), ["SUCCESS", "ERROR_DEVICE_LOST"]);
        let c = ["VK_COLOR_SPACE_SRGB_NONLINEAR_KHR", "VK_COLORSPACE_SRGB_NONLINEAR_KHR"];
        assert_eq!(names("VkColorSpaceKHR", &c), ["SRGB_NONLINEAR", "COLORSPACE_SRGB_NONLINEAR"]);
    }

    #[test]
    fn collision_keeps_the_name_without_bit_for_the_older_spelling() {
        let c = [
            "VK_PIPELINE_CREATE_DISPATCH_BASE_BIT",
            "VK_PIPELINE_CREATE_DISPATCH_BASE",
            "VK_PIPELINE_CREATE_DISPATCH_BASE_BIT_KHR",
            "VK_PIPELINE_CREATE_DISPATCH_BASE_KHR",
        ];
        // As in 1.4.360: the names without `_BIT` are aliases kept for compatibility.
        let aliases = [
            None,
            Some("VK_PIPELINE_CREATE_DISPATCH_BASE_BIT"),
            Some("VK_PIPELINE_CREATE_DISPATCH_BASE_BIT"),
            Some("VK_PIPELINE_CREATE_DISPATCH_BASE"),
        ];
        assert_eq!(
            enumerant_names("VkPipelineCreateFlagBits", &c, &aliases, TAGS).unwrap(),
            ["DISPATCH_BASE_BIT", "DISPATCH_BASE", "DISPATCH_BASE_BIT_KHR", "DISPATCH_BASE_KHR"]
        );
        // Without aliases (1.1.130 and later spell them so too) the rule still holds.
        assert_eq!(
            names("VkPipelineCreateFlagBits", &c),
            ["DISPATCH_BASE_BIT", "DISPATCH_BASE", "DISPATCH_BASE_BIT_KHR", "DISPATCH_BASE_KHR"]
        );
    }

    #[test]
    fn in_a_collision_the_old_spelling_kept_as_an_alias_keeps_the_name() {
        let c = ["VK_STENCIL_FACE_FRONT_AND_BACK", "VK_STENCIL_FRONT_AND_BACK"];
        let aliases = [None, Some("VK_STENCIL_FACE_FRONT_AND_BACK")];
        let n = enumerant_names("VkStencilFaceFlagBits", &c, &aliases, TAGS).unwrap();
        assert_eq!(n, ["STENCIL_FACE_FRONT_AND_BACK", "FRONT_AND_BACK"]);
    }

    #[test]
    fn identifiers() {
        assert!(is_c_identifier("VK_FOO_2") && is_c_identifier("_x"));
        assert!(!is_c_identifier("VK\\FOO") && !is_c_identifier("2D") && !is_c_identifier(""));
        assert!(is_rust_identifier("OPAQUE_FD") && !is_rust_identifier("fn") && !is_rust_identifier("Self"));
    }

    #[test]
    fn extension_modules() {
        assert_eq!(extension_module("VK_KHR_surface"), ("khr".into(), "surface".into()));
        assert_eq!(extension_module("VK_EXT_4444_formats"), ("ext".into(), "_4444_formats".into()));
    }

    #[test]
    fn values_keep_their_names_under_the_old_name_of_a_promoted_type() {
        let tags = ["KHR", "EXT"];
        let c =
            ["VK_ACCESS_2_SHADER_READ_BIT", "VK_ACCESS_2_SHADER_READ_BIT_KHR", "VK_ACCESS_2_VIDEO_ENCODE_READ_BIT_KHR"];
        let aliases = [None, Some("VK_ACCESS_2_SHADER_READ_BIT"), None];
        let names = enumerant_names("VkAccessFlagBits2", &c, &aliases, &tags).unwrap();
        assert_eq!(names, ["SHADER_READ", "SHADER_READ_KHR", "VIDEO_ENCODE_READ_KHR"]);
        // Under `VkAccessFlagBits2KHR` the KHR-only value was `VIDEO_ENCODE_READ`; the alias
        // of a core value already has a name of its own (`SHADER_READ` is taken).
        let old = names_under_aliases(&["VkAccessFlagBits2KHR"], &c, &aliases, &names, &tags);
        assert_eq!(old, [("VIDEO_ENCODE_READ".to_owned(), 2, "VkAccessFlagBits2KHR".to_owned())]);
        // A type without aliases has none.
        assert!(names_under_aliases(&[], &c, &aliases, &names, &tags).is_empty());
    }
}
