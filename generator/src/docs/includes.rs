//! Docs, includes: `include::{generated}/sync/...` lines of the specification -> the
//! AsciiDoc they stand for, rebuilt from `<sync>` of vk.xml (what the specification's own
//! build generates there): the flags a stage or access flag is equivalent to, the
//! supported-stages and supported-access tables, and the pipeline stage orders. Other
//! generated includes (validity, the C declarations) are not rebuilt here.

use std::borrow::Cow;

use crate::model::Sync;

const SYNC: &str = "include::{generated}/sync/";

/// The AsciiDoc lines an include line stands for, or `None` when it is not a sync include
/// this module rebuilds.
pub fn sync_include(line: &str, sync: &Sync) -> Option<Vec<String>> {
    let target = line.trim().strip_prefix(SYNC)?;
    let target = target.strip_suffix("[]").unwrap_or(target);
    let target = target.strip_suffix(".adoc").unwrap_or(target);
    let lines = if let Some(flag) = target.strip_prefix("flagDefinitions/") {
        sync.equivalents.get(flag)?.iter().map(|f| format!("  ** ename:{f}")).collect()
    } else if let Some(pipeline) = target.strip_prefix("pipelineOrders/") {
        sync.pipelines.get(&pipeline.replace('_', " "))?.iter().map(|s| format!("  * ename:{s}")).collect()
    } else if target == "supportedPipelineStages" {
        support_rows(&sync.stages, " or ", "None required")
    } else if target == "supportedAccessTypes" {
        support_rows(&sync.accesses, ", ", "Any")
    } else {
        return None;
    };
    Some(lines)
}

/// One table row per flag: `|ename:FLAG | ename:A<sep>ename:B`, or `none` when nothing
/// is listed.
fn support_rows(flags: &[(String, Option<Vec<String>>)], sep: &str, none: &str) -> Vec<String> {
    let row = |(flag, support): &(String, Option<Vec<String>>)| {
        let support = match support {
            Some(list) if !list.is_empty() => list.iter().map(|s| format!("ename:{s}")).collect::<Vec<_>>().join(sep),
            _ => none.to_owned(),
        };
        format!("|ename:{flag} | {support}")
    };
    flags.iter().map(row).collect()
}

/// `lines` with each sync include replaced by the lines it stands for.
pub fn expand<'a>(lines: &[&'a str], sync: &Sync) -> Vec<Cow<'a, str>> {
    let mut out = Vec::with_capacity(lines.len());
    for &line in lines {
        match sync_include(line, sync) {
            Some(generated) => out.extend(generated.into_iter().map(Cow::Owned)),
            None => out.push(Cow::Borrowed(line)),
        }
    }
    out
}

/// A list item's text with a flag-definitions include inside it (the item's lines are
/// joined) replaced by the flags it lists: `ename:VK_A, ename:VK_B`.
pub fn expand_inline<'a>(text: &'a str, sync: &Sync) -> Cow<'a, str> {
    // A byte search: `str::find` set up a two-way searcher per item, most of the time spent.
    let found = memchr::memmem::find(text.as_bytes(), SYNC.as_bytes());
    let Some(start) = found.filter(|&s| text[s + SYNC.len()..].starts_with("flagDefinitions/")) else {
        return Cow::Borrowed(text);
    };
    let Some(len) = text[start..].find("[]") else { return Cow::Borrowed(text) };
    let include = &text[start..start + len + 2];
    match sync_include(include, sync) {
        Some(lines) => {
            let names: Vec<&str> =
                lines.iter().map(|l| l.trim().trim_start_matches(['*', ' ', '|'])).filter(|l| !l.is_empty()).collect();
            Cow::Owned(format!("{}{}{}", &text[..start], names.join(", "), &text[start + len + 2..]))
        }
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sync() -> Sync {
        let mut s = Sync::default();
        s.equivalents.insert("VK_STAGE_ALL".into(), vec!["VK_STAGE_A".into(), "VK_STAGE_B".into()]);
        s.stages = vec![
            ("VK_STAGE_A".into(), Some(vec!["VK_QUEUE_X".into(), "VK_QUEUE_Y".into()])),
            ("VK_STAGE_B".into(), None),
        ];
        s.accesses = vec![("VK_ACCESS_R".into(), Some(vec!["VK_STAGE_A".into()])), ("VK_ACCESS_ANY".into(), None)];
        s.pipelines.insert("graphics primitive".into(), vec!["VK_STAGE_A".into()]);
        s
    }

    #[test]
    fn flag_definitions_become_nested_list_items() {
        let lines =
            ["  * ename:VK_STAGE_ALL is the OR of:", "include::{generated}/sync/flagDefinitions/VK_STAGE_ALL.adoc[]"];
        let out = expand(&lines, &sync());
        assert_eq!(out, ["  * ename:VK_STAGE_ALL is the OR of:", "  ** ename:VK_STAGE_A", "  ** ename:VK_STAGE_B"]);
    }

    #[test]
    fn support_tables_become_rows() {
        let stages = sync_include("include::{generated}/sync/supportedPipelineStages.adoc[]", &sync()).unwrap();
        assert_eq!(
            stages,
            ["|ename:VK_STAGE_A | ename:VK_QUEUE_X or ename:VK_QUEUE_Y", "|ename:VK_STAGE_B | None required"]
        );
        let access = sync_include("include::{generated}/sync/supportedAccessTypes.adoc[]", &sync()).unwrap();
        assert_eq!(access, ["|ename:VK_ACCESS_R | ename:VK_STAGE_A", "|ename:VK_ACCESS_ANY | Any"]);
        let order =
            sync_include("include::{generated}/sync/pipelineOrders/graphics_primitive.adoc[]", &sync()).unwrap();
        assert_eq!(order, ["  * ename:VK_STAGE_A"]);
    }

    #[test]
    fn an_include_inside_an_item_becomes_its_flags_and_others_stay() {
        let item = "ename:VK_STAGE_ALL is the OR of: include::{generated}/sync/flagDefinitions/VK_STAGE_ALL.adoc[]";
        assert_eq!(expand_inline(item, &sync()), "ename:VK_STAGE_ALL is the OR of: ename:VK_STAGE_A, ename:VK_STAGE_B");
        let other = "x include::{generated}/validity/structs/VkFoo.adoc[]";
        assert_eq!(expand_inline(other, &sync()), other);
        assert!(sync_include("include::{generated}/sync/flagDefinitions/VK_UNKNOWN.adoc[]", &sync()).is_none());
    }
}
