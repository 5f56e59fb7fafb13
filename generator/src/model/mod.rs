//! Stage 2, model: registry structs -> the resolved set of enum and bitmask types for one
//! API, with every enumerant's value, alias, deprecation and providers, plus the API
//! constants and the extensions. All Vulkan rules live here, once (see
//! `../shared/REGISTRY-NOTES.md` and registry.adoc); emitters only read the result.

pub mod fasthash;
pub mod select;
pub mod values;

use std::collections::{BTreeMap, BTreeSet};

use fasthash::{FastMap as HashMap, FastSet as HashSet};

use crate::error::{excerpt, Error, Pos, Result, Warning};
use crate::names;
use crate::registry::{BlockKind, EnumDef, Registry};
use select::Selection;
pub use values::{ConstValue, Width};

/// The API a run generates for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Api {
    Vulkan,
    VulkanSc,
}

impl Api {
    pub fn as_str(self) -> &'static str {
        match self {
            Api::Vulkan => "vulkan",
            Api::VulkanSc => "vulkansc",
        }
    }

    pub fn parse(s: &str) -> Option<Api> {
        match s {
            "vulkan" => Some(Api::Vulkan),
            "vulkansc" => Some(Api::VulkanSc),
            _ => None,
        }
    }

    /// Whether a comma-separated `api=` or `supported=` list names this API.
    pub fn is_in(self, list: &str) -> bool {
        list.split(',').any(|a| a.trim() == self.as_str())
    }
}

/// Everything the emitters need, resolved.
#[derive(Debug)]
pub struct Model {
    pub api: Api,
    /// `major.minor.header`, e.g. `1.4.360`.
    pub registry_version: String,
    /// Enum and bitmask types, sorted by C name.
    pub types: Vec<EnumType>,
    /// API constants (`VK_UUID_SIZE`, ...) and constants extensions add, sorted by C name.
    pub constants: Vec<Constant>,
    /// Selected features (core versions), in registry order.
    pub features: Vec<Feature>,
    /// Selected extensions, sorted by name.
    pub extensions: Vec<Extension>,
    /// The synchronization flags of `<sync>`, for the docs' rebuilt sync includes.
    pub sync: Sync,
    pub warnings: Vec<Warning>,
}

/// What `<sync>` says about the flags the API has, in registry order. A flag, support
/// entry or equivalent the selected API does not have is left out (as the specification's
/// own generator leaves out what the build does not define).
#[derive(Clone, Debug, Default)]
pub struct Sync {
    /// Pipeline stages with the queue flags that support them (`None`: none required).
    pub stages: Vec<(String, Option<Vec<String>>)>,
    /// Access flags with the stages that support them (`None`: any).
    pub accesses: Vec<(String, Option<Vec<String>>)>,
    /// A stage or access flag -> the flags it is equivalent to (their logical OR).
    pub equivalents: BTreeMap<String, Vec<String>>,
    /// A pipeline's name (`graphics primitive`) -> its stages in order.
    pub pipelines: BTreeMap<String, Vec<String>>,
}

/// Enum (`int32_t`) or bitmask (`VkFlags`/`VkFlags64`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeKind {
    Enum,
    Bitmask { bits: u32 },
}

impl TypeKind {
    pub fn width(self) -> Width {
        match self {
            TypeKind::Enum => Width::Enum,
            TypeKind::Bitmask { bits } => Width::Bits(bits),
        }
    }
}

/// A feature or extension that provides an item, with the `depends` condition of the block.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Provider {
    pub name: String,
    pub depends: Option<String>,
}

/// The distinct names of providers, sorted (a provider can appear once per condition).
pub fn provider_names(providers: &[Provider]) -> Vec<&str> {
    let mut names: Vec<&str> = providers.iter().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// Why the registry deprecates a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deprecation {
    pub note: String,
}

/// One Rust type: an enum, or a bitmask (its Flags type with the FlagBits values).
#[derive(Clone, Debug)]
pub struct EnumType {
    /// The C type users name: `VkResult`, `VkExternalMemoryHandleTypeFlags`.
    pub c_name: String,
    /// The `<enums>` block holding the values: `VkExternalMemoryHandleTypeFlagBits`.
    pub enums_name: Option<String>,
    pub rust_name: String,
    /// The name of its reflection table: `EXTERNAL_MEMORY_HANDLE_TYPE_FLAGS`.
    pub table_name: String,
    pub kind: TypeKind,
    pub providers: Vec<Provider>,
    pub aliases: Vec<TypeAlias>,
    /// Structures and commands of the API that use the type (its Flags or FlagBits name),
    /// sorted.
    pub used_by: Vec<String>,
    /// Registry order: the type's own block, then values extensions and versions add.
    pub enumerants: Vec<Enumerant>,
    /// Second names of values: the names they have under an old name of the type (see
    /// `names`), so that code written against a promoted type keeps compiling.
    pub old_names: Vec<OldName>,
    pub pos: Pos,
}

/// The name a value has under an old name of its type (`AccessFlags2KHR::VIDEO_ENCODE_READ`
/// for `VK_ACCESS_2_VIDEO_ENCODE_READ_BIT_KHR`, whose name is `VIDEO_ENCODE_READ_KHR`).
#[derive(Clone, Debug)]
pub struct OldName {
    pub rust_name: String,
    /// The C name of the enumerant it names.
    pub enumerant: String,
    /// The old C name of the type (an alias of it now).
    pub type_alias: String,
}

impl EnumType {
    /// The name of the refpage that documents the values (the FlagBits page for bitmasks).
    pub fn refpage(&self) -> &str {
        self.enums_name.as_deref().unwrap_or(&self.c_name)
    }
}

/// Another C name for a type.
#[derive(Clone, Debug)]
pub struct TypeAlias {
    pub c_name: String,
    pub rust_name: String,
    pub deprecated: Option<Deprecation>,
}

/// One C enumerant.
#[derive(Clone, Debug)]
pub struct Enumerant {
    pub c_name: String,
    pub rust_name: String,
    /// Resolved value (an alias has its target's value).
    pub value: i128,
    /// The C name this one aliases, if any.
    pub alias_of: Option<String>,
    pub deprecated: Option<Deprecation>,
    pub providers: Vec<Provider>,
    pub pos: Pos,
}

/// An API constant or a constant an extension adds.
#[derive(Clone, Debug)]
pub struct Constant {
    pub c_name: String,
    pub rust_name: String,
    pub value: ConstValue,
    pub alias_of: Option<String>,
    pub deprecated: Option<Deprecation>,
}

/// A selected core version.
#[derive(Clone, Debug)]
pub struct Feature {
    pub name: String,
    pub number: String,
    pub internal: bool,
}

/// A selected extension.
#[derive(Clone, Debug)]
pub struct Extension {
    pub name: String,
    pub number: Option<u32>,
    pub kind: Option<String>,
    pub platform: Option<String>,
    pub provisional: bool,
    pub promoted_to: Option<String>,
    pub deprecated_by: Option<String>,
    pub obsoleted_by: Option<String>,
    pub depends: Option<String>,
    pub spec_version: Option<u32>,
}

/// Builds the model of `registry` for `api`.
pub fn build(registry: &Registry, api: Api) -> Result<Model> {
    let selection = Selection::new(registry, api)?;
    if !selection.features.iter().any(|f| f.apitype.as_deref() != Some("internal")) {
        return Err(registry_error(
            registry,
            registry.pos,
            "registry",
            format!("no <feature> (core version) for the `{}` API: not a Vulkan registry for it", api.as_str()),
        ));
    }
    let mut warnings = registry.warnings.clone();
    // The extensions and the selection's facts need only the selection: they are a task of
    // their own, taken by a free core while the values are read. Errors are reported in the same order as
    // in one thread: the types' first.
    let (types, extensions) = crate::cores::scope(|scope| {
        let side = scope.spawn(|| (SelectionFacts::new(registry, &selection), build_extensions(registry, &selection)));
        let mut extensions = None;
        let types = build_types(registry, &selection, api, || {
            let (facts, ext) = side.join();
            extensions = Some(ext);
            facts
        });
        (types, extensions)
    });
    let (types, bad_type_name) = types?;
    let extensions = extensions.expect("the types take the selection's facts");
    // The sync facts (a set of every value's name) are made beside the constants.
    let (constants, sync) = crate::cores::scope(|scope| {
        let sync = scope.spawn(|| build_sync(registry, &types));
        (build_constants(registry, &selection, api, &types), sync.join())
    });
    let constants = constants?;
    if let Some(e) = bad_type_name {
        return Err(e);
    }
    check_identifiers(registry, &selection, &constants)?;
    let features = selection
        .features
        .iter()
        .map(|f| Feature {
            name: f.name.clone(),
            number: f.number.clone().unwrap_or_default(),
            internal: f.apitype.as_deref() == Some("internal"),
        })
        .collect();
    let extensions = extensions?;
    warnings.sort();
    Ok(Model {
        api,
        registry_version: registry_version(registry, &selection),
        types,
        constants,
        features,
        extensions,
        sync,
        warnings,
    })
}

/// Each selected extension's facts, sorted by name.
fn build_extensions(registry: &Registry, sel: &Selection) -> Result<Vec<Extension>> {
    let mut extensions = Vec::new();
    for ext in &sel.extensions {
        let number = match &ext.number {
            Some(n) => {
                Some(values::parse_int(n).and_then(|n| u32::try_from(n).ok()).ok_or_else(|| Error::Registry {
                    path: registry.path.clone(),
                    pos: ext.pos,
                    element: "extension".into(),
                    message: format!(
                        "`{}`: number `{}` is not a non-negative integer",
                        ext.name,
                        crate::error::excerpt(n)
                    ),
                })?)
            }
            None => None,
        };
        let spec_version = ext
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Require && sel.block_selected(b))
            .flat_map(|b| &b.enums)
            .find(|e| e.extends.is_none() && e.name.ends_with("_SPEC_VERSION"))
            .and_then(|e| e.value.as_deref())
            .and_then(values::parse_int)
            .and_then(|v| u32::try_from(v).ok());
        extensions.push(Extension {
            name: ext.name.clone(),
            number,
            kind: ext.kind.clone(),
            platform: ext.platform.clone(),
            provisional: ext.provisional.as_deref() == Some("true"),
            promoted_to: ext.promotedto.clone(),
            deprecated_by: ext.deprecatedby.clone(),
            obsoleted_by: ext.obsoletedby.clone(),
            depends: ext.depends.clone(),
            spec_version,
        });
    }
    check_extension_numbers(registry, sel)?;
    extensions.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(extensions)
}

/// The `<sync>` facts restricted to the enumerants the model has.
fn build_sync(registry: &Registry, types: &[EnumType]) -> Sync {
    let known: HashSet<&str> = types.iter().flat_map(|t| &t.enumerants).map(|e| e.c_name.as_str()).collect();
    let keep = |list: &Option<Vec<String>>| {
        list.as_ref().map(|l| l.iter().filter(|n| known.contains(n.as_str())).cloned().collect::<Vec<_>>())
    };
    let mut sync = Sync::default();
    for flag in registry.sync_flags.iter().filter(|f| known.contains(f.name.as_str())) {
        let entry = (flag.name.clone(), keep(&flag.support));
        match flag.kind {
            crate::registry::SyncKind::Stage => sync.stages.push(entry),
            crate::registry::SyncKind::Access => sync.accesses.push(entry),
        }
        if let Some(equivalent) = keep(&flag.equivalent) {
            sync.equivalents.insert(flag.name.clone(), equivalent);
        }
    }
    for pipeline in &registry.sync_pipelines {
        let stages = pipeline.stages.iter().filter(|s| known.contains(s.as_str())).cloned().collect();
        sync.pipelines.insert(pipeline.name.clone(), stages);
    }
    sync
}

fn check_extension_numbers(registry: &Registry, selection: &Selection) -> Result<()> {
    let mut seen: HashMap<&str, &str> = HashMap::default();
    for ext in &selection.extensions {
        if let Some(n) = &ext.number {
            if let Some(other) = seen.insert(n, &ext.name) {
                return Err(Error::Registry {
                    path: registry.path.clone(),
                    pos: ext.pos,
                    element: "extension".into(),
                    message: format!(
                        "`{}` has number {n}, which `{}` already has",
                        ext.name,
                        crate::error::excerpt(other)
                    ),
                });
            }
        }
    }
    Ok(())
}

/// `major.minor` of the newest selected core version, `.` the header version.
fn registry_version(registry: &Registry, selection: &Selection) -> String {
    let header = selection
        .types
        .get("VK_HEADER_VERSION")
        .and_then(|t| t.text.split_whitespace().rev().find_map(|w| w.parse::<u32>().ok()));
    let newest = selection
        .features
        .iter()
        .filter(|f| f.apitype.as_deref() != Some("internal"))
        .filter_map(|f| f.number.as_deref())
        .max_by_key(|n| n.split('.').map(|p| p.parse::<u32>().unwrap_or(0)).collect::<Vec<_>>())
        .unwrap_or("0.0");
    let _ = registry;
    match header {
        Some(h) => format!("{newest}.{h}"),
        None => newest.to_owned(),
    }
}

/// One definition of an enumerant, before names and aliases are resolved.
struct Pending<'r> {
    def: &'r EnumDef,
    value: Option<i128>,
    /// `alias=`.
    alias: Option<&'r str>,
    providers: BTreeSet<Provider>,
}

fn registry_error(registry: &Registry, pos: Pos, element: &str, message: String) -> Error {
    Error::Registry { path: registry.path.clone(), pos, element: element.into(), message }
}

/// A Rust type in the making: the Flags type and its bits, or an enum.
struct Family<'r> {
    c_name: String,
    enums_name: Option<String>,
    kind: TypeKind,
    pos: Pos,
    enumerants: Vec<Pending<'r>>,
}

/// A type whose providers, aliases and users are known; its values not yet resolved.
struct Prepared<'r> {
    family: Family<'r>,
    providers: BTreeSet<Provider>,
    own_providers: BTreeSet<Provider>,
    type_aliases: Vec<TypeAlias>,
    used_by: Vec<String>,
}

/// What the types need of the selection besides their values, made in a task of its own
/// while the values are read.
struct SelectionFacts<'r> {
    /// Providers of each type (and of its own values): each interface's public name and
    /// the block's `depends`, as often as blocks name it. Kept as borrowed names: a set of
    /// owned providers for each of the thousands of required types (most never asked
    /// for) was a megabyte of fresh memory.
    type_providers: HashMap<&'r str, Vec<(&'r str, Option<&'r str>)>>,
    /// Type name -> the structures and commands that name it.
    users: HashMap<&'r str, Vec<&'r str>>,
    /// Every `<enum extends>` of the registry, with its extension's number.
    all_defs: HashMap<&'r str, (&'r EnumDef, Option<i64>)>,
}

impl<'r> SelectionFacts<'r> {
    fn new(registry: &'r Registry, sel: &Selection<'r>) -> SelectionFacts<'r> {
        // Providers of each type (and of its own values): interfaces that require the type
        // under its own name.
        let mut type_providers: HashMap<&str, Vec<(&str, Option<&str>)>> = HashMap::default();
        for iface in sel.interfaces() {
            let name = sel.public_name(iface.name());
            for block in iface.blocks().iter().filter(|b| b.kind == BlockKind::Require && sel.block_selected(b)) {
                for t in &block.types {
                    type_providers.entry(t.name.as_str()).or_default().push((name, block.depends.as_deref()));
                }
            }
        }
        // Every `<enum extends>` of the registry, selected or not: an alias may name a value of
        // an extension the API does not select (vulkansc's VK_EXT_robustness2 aliases the
        // vulkan-only KHR name); its value comes from there.
        let mut all_defs: HashMap<&str, (&EnumDef, Option<i64>)> = HashMap::default();
        for ext in &registry.extensions {
            let number = ext.number.as_deref().and_then(values::parse_int).and_then(|n| i64::try_from(n).ok());
            for block in &ext.blocks {
                for def in block.enums.iter().filter(|d| d.extends.is_some()) {
                    all_defs.entry(&def.name).or_insert((def, number));
                }
            }
        }
        // Type name -> the structures and commands that name it (members, parameters).
        let mut users: HashMap<&str, Vec<&str>> = HashMap::default();
        for &name in &sel.required_types {
            if let Some(t) = sel.types.get(name) {
                if matches!(t.category.as_deref(), Some("struct") | Some("union")) && t.alias.is_none() {
                    for r in &t.type_refs {
                        users.entry(r.as_str()).or_default().push(name);
                    }
                }
            }
        }
        for &name in &sel.required_commands {
            if let Some(c) = sel.commands.get(name) {
                for r in &c.type_refs {
                    users.entry(r.as_str()).or_default().push(name);
                }
            }
        }
        SelectionFacts { type_providers, users, all_defs }
    }
}

/// The enum and bitmask types; `facts` gives the [`SelectionFacts`] when they are needed.
/// Beside them, the first name in them that cannot be an identifier: checked where each
/// type is made, while its names are fresh in that core's cache, and reported after any
/// other error of the types and constants, as if checked last.
fn build_types<'r>(
    registry: &'r Registry,
    sel: &Selection<'r>,
    api: Api,
    facts: impl FnOnce() -> SelectionFacts<'r>,
) -> Result<(Vec<EnumType>, Option<Error>)> {
    // Flags type of each FlagBits block, from `requires=` (32-bit) or `bitvalues=` (64-bit).
    let mut flags_of_bits: HashMap<&str, &str> = HashMap::default();
    for ty in sel.types.values() {
        if ty.category.as_deref() == Some("bitmask") && ty.alias.is_none() {
            if let Some(bits) = ty.bitvalues.as_deref().or(ty.requires.as_deref()) {
                flags_of_bits.insert(bits, &ty.name);
            }
        }
    }

    // Families, keyed by the C name of the Rust type.
    let mut families: BTreeMap<String, Family> = BTreeMap::new();
    // `<enums>` block name -> family key.
    let mut family_of_block: HashMap<&str, String> = HashMap::default();
    for &name in &sel.required_types {
        let Some(ty) = sel.types.get(name) else { continue };
        if ty.alias.is_some() {
            continue;
        }
        match ty.category.as_deref() {
            Some("enum") => {
                let Some(block) = sel.enums_blocks.get(name) else { continue };
                let is_bits = block.kind.as_deref() == Some("bitmask");
                let (key, kind) = if is_bits {
                    let flags = flags_of_bits
                        .get(name)
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| names::flags_name_of_bits(name));
                    let width = match block.bitwidth.as_deref() {
                        Some("64") => 64,
                        _ => sel.types.get(flags.as_str()).map_or(32, |f| {
                            if f.type_refs.iter().any(|t| t == "VkFlags64") {
                                64
                            } else {
                                32
                            }
                        }),
                    };
                    (flags, TypeKind::Bitmask { bits: width })
                } else {
                    (name.to_owned(), TypeKind::Enum)
                };
                let family = families.entry(key.clone()).or_insert_with(|| Family {
                    c_name: key.clone(),
                    enums_name: None,
                    kind,
                    pos: ty.pos,
                    enumerants: Vec::new(),
                });
                family.enums_name = Some(name.to_owned());
                family.kind = kind;
                family_of_block.insert(&block.name, key);
            }
            Some("bitmask") => {
                let bits = if ty.type_refs.iter().any(|t| t == "VkFlags64") { 64 } else { 32 };
                families.entry(name.to_owned()).or_insert_with(|| Family {
                    c_name: name.to_owned(),
                    enums_name: None,
                    kind: TypeKind::Bitmask { bits },
                    pos: ty.pos,
                    enumerants: Vec::new(),
                });
            }
            _ => {}
        }
    }

    // Own values of each block. Each value's type, by the family's number in `keys`.
    let keys: Vec<String> = families.keys().cloned().collect();
    let key_ids: HashMap<&str, usize> = keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let mut index: HashMap<&str, (usize, usize)> = HashMap::default();
    for (key_id, family) in families.values_mut().enumerate() {
        let Some(block_name) = family.enums_name.clone() else { continue };
        let block = sel.enums_blocks[block_name.as_str()];
        if let Some(w) = block.bitwidth.as_deref() {
            if w != "32" && w != "64" {
                return Err(registry_error(
                    registry,
                    block.pos,
                    "enums",
                    format!("`{}`: bitwidth `{w}` is neither 32 nor 64", block.name),
                ));
            }
        }
        for def in &block.enums {
            if def.api.as_deref().is_some_and(|a| !api.is_in(a)) {
                continue;
            }
            let value = if def.alias.is_some() {
                None
            } else {
                Some(values::enumerant_value(registry, def, None, family.kind.width())?)
            };
            add_enumerant(registry, &mut index, (key_id, &keys), family, def, value, None)?;
        }
    }

    // Values added by `<enum extends>` in the selected require blocks, in registry order.
    for iface in sel.interfaces() {
        // The extension's number, read when a value first needs it.
        let mut number = None;
        for block in iface.blocks().iter().filter(|b| b.kind == BlockKind::Require && sel.block_selected(b)) {
            for def in &block.enums {
                let Some(extends) = def.extends.as_deref() else { continue };
                if def.api.as_deref().is_some_and(|a| !api.is_in(a)) {
                    continue;
                }
                let target = sel.resolve_type_alias(extends);
                if !sel.types.contains_key(target) && !sel.enums_blocks.contains_key(target) {
                    return Err(registry_error(
                        registry,
                        def.pos,
                        "enum",
                        format!("`{}` extends `{extends}`, which is not a type of this registry", def.name),
                    ));
                }
                let Some(key) = family_of_block.get(target) else { continue };
                let key_id = key_ids[key.as_str()];
                let family = families.get_mut(key).expect("family of a known block");
                let value = if def.alias.is_some() {
                    None
                } else {
                    let number = match number {
                        Some(n) => n,
                        None => *number.insert(iface.ext_number(registry)?),
                    };
                    Some(values::enumerant_value(registry, def, number, family.kind.width())?)
                };
                let provider =
                    Provider { name: sel.public_name(iface.name()).to_owned(), depends: block.depends.clone() };
                add_enumerant(registry, &mut index, (key_id, &keys), family, def, value, Some(provider))?;
            }
        }
    }

    // Type aliases, by the family they end at.
    let mut aliases: BTreeMap<String, Vec<TypeAlias>> = BTreeMap::new();
    for &name in &sel.required_types {
        let Some(ty) = sel.types.get(name) else { continue };
        let Some(_) = &ty.alias else { continue };
        if !matches!(ty.category.as_deref(), Some("enum") | Some("bitmask")) {
            continue;
        }
        let target = sel.resolve_type_alias(name);
        let key = family_of_block.get(target).cloned().unwrap_or_else(|| target.to_owned());
        if !families.contains_key(&key) {
            continue;
        }
        // A FlagBits alias names the Flags type in Rust (`...FlagBitsKHR` -> `...FlagsKHR`).
        let rust_name = if family_of_block.contains_key(target) && target != key {
            names::type_name(&names::flags_name_of_bits(name))
        } else {
            names::type_name(name)
        };
        let list = aliases.entry(key).or_default();
        list.push(TypeAlias {
            rust_name,
            c_name: name.to_owned(),
            deprecated: ty.deprecated.as_ref().map(|d| Deprecation { note: deprecation_note(d, ty.alias.as_deref()) }),
        });
    }

    let tags: Vec<&str> = registry.tags.iter().map(|t| t.name.as_str()).collect();
    let SelectionFacts { type_providers, users, all_defs } = facts();
    // What needs the selection (providers by closure) first, in order; then the values and
    // names of each type, which need only the registry, in two tasks: half the types each,
    // joined in order, the first error in that order reported.
    let mut prepared = Vec::with_capacity(families.len());
    for (key, family) in families {
        let provider = |&(name, depends): &(&str, Option<&str>)| Provider {
            name: name.to_owned(),
            depends: depends.map(str::to_owned),
        };
        let mut providers: BTreeSet<Provider> = BTreeSet::new();
        for n in [Some(family.c_name.as_str()), family.enums_name.as_deref()].into_iter().flatten() {
            if let Some(p) = type_providers.get(n) {
                providers.extend(p.iter().map(provider));
            }
        }
        if providers.is_empty() {
            providers = sel.closure_providers(&family.c_name, family.enums_name.as_deref());
        }
        let own_providers: BTreeSet<Provider> = match family.enums_name.as_deref().and_then(|n| type_providers.get(n)) {
            Some(p) => p.iter().map(provider).collect(),
            None => providers.clone(),
        };
        let mut type_aliases = aliases.remove(&key).unwrap_or_default();
        type_aliases.sort_by(|a, b| a.c_name.cmp(&b.c_name));
        let own: Vec<&str> = std::iter::once(family.c_name.as_str())
            .chain(family.enums_name.as_deref())
            .chain(type_aliases.iter().map(|a| a.c_name.as_str()))
            .collect();
        let mut used_by: Vec<String> =
            own.iter().filter_map(|n| users.get(n)).flatten().map(|n| n.to_string()).collect();
        used_by.sort();
        used_by.dedup();
        prepared.push(Prepared { family, providers, own_providers, type_aliases, used_by });
    }
    let finish = |part: Vec<Prepared>| {
        let mut types = Vec::with_capacity(part.len());
        let mut bad_name = None;
        for Prepared { family, providers, own_providers, type_aliases, used_by } in part {
            let enumerants = resolve_enumerants(registry, &family, &own_providers, &all_defs, &tags)?;
            let old_names = old_names(&family, &type_aliases, &enumerants, &tags);
            let rust_name = names::type_name(&family.c_name);
            types.push(EnumType {
                used_by,
                table_name: names::table_name(&rust_name),
                rust_name,
                c_name: family.c_name,
                enums_name: family.enums_name,
                kind: family.kind,
                providers: providers.into_iter().collect(),
                aliases: type_aliases,
                enumerants,
                old_names,
                pos: family.pos,
            });
            if bad_name.is_none() {
                bad_name = check_type_identifiers(registry, types.last().expect("just pushed")).err();
            }
        }
        Ok::<_, Error>((types, bad_name))
    };
    // Split by weight (values), so that both tasks finish together when two cores take them.
    let total: usize = prepared.iter().map(|p| p.family.enumerants.len() + 8).sum();
    let mut sum = 0;
    let split = prepared.iter().position(|p| {
        sum += p.family.enumerants.len() + 8;
        sum * 2 >= total
    });
    let second = prepared.split_off(split.map_or(prepared.len(), |i| i + 1));
    let (first, second) = crate::cores::scope(|scope| {
        let second = scope.spawn(|| finish(second));
        (finish(prepared), second.join())
    });
    let (mut out, bad_first) = first?;
    let (rest, bad_second) = second?;
    out.extend(rest);
    check_rust_type_names(&out)?;
    Ok((out, bad_first.or(bad_second)))
}

/// Every name that becomes a Rust identifier must be one: a hostile registry can name an
/// enumerant `VK\\X` or a type `Vkfn`.
fn check_type_identifiers(registry: &Registry, t: &EnumType) -> Result<()> {
    let bad = |pos: Pos, element: &str, what: String| Err(registry_error(registry, pos, element, what));
    if !names::is_c_identifier(&t.c_name) || !names::is_rust_identifier(&t.rust_name) {
        return bad(t.pos, "type", format!("type name `{}` cannot be a Rust type name", excerpt(&t.c_name)));
    }
    for a in &t.aliases {
        if !names::is_c_identifier(&a.c_name) || !names::is_rust_identifier(&a.rust_name) {
            return bad(t.pos, "type", format!("alias `{}` cannot be a Rust type name", excerpt(&a.c_name)));
        }
    }
    for e in &t.enumerants {
        if !names::is_c_identifier(&e.c_name) || !names::is_rust_identifier(&e.rust_name) {
            return bad(e.pos, "enum", format!("`{}` is not an identifier", excerpt(&e.c_name)));
        }
    }
    Ok(())
}

/// The constants' and extensions' names (the types' are checked where they are made).
fn check_identifiers(registry: &Registry, sel: &Selection, constants: &[Constant]) -> Result<()> {
    let bad = |pos: Pos, element: &str, what: String| Err(registry_error(registry, pos, element, what));
    for c in constants {
        if !names::is_c_identifier(&c.c_name) || !names::is_rust_identifier(&c.rust_name) {
            return bad(registry.pos, "enum", format!("constant `{}` is not an identifier", excerpt(&c.c_name)));
        }
    }
    for e in &sel.extensions {
        let (vendor, module) = names::extension_module(&e.name);
        if !names::is_c_identifier(&e.name) || !names::is_rust_identifier(&vendor) || !names::is_c_identifier(&module) {
            return bad(e.pos, "extension", format!("extension name `{}` is not an identifier", excerpt(&e.name)));
        }
    }
    Ok(())
}

/// `VK_OTHER_NAME`: a C identifier, not a number or an expression.
fn is_identifier(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn check_rust_type_names(types: &[EnumType]) -> Result<()> {
    let mut seen: HashMap<&str, &str> = HashMap::default();
    for t in types {
        let mut own = HashSet::default();
        let names =
            std::iter::once((&t.rust_name, &t.c_name)).chain(t.aliases.iter().map(|a| (&a.rust_name, &a.c_name)));
        // `...FlagsKHR` and `...FlagBitsKHR` both name one Rust alias of the same type.
        for (rust, c) in names.filter(|(rust, _)| own.insert(rust.as_str())) {
            if let Some(other) = seen.insert(rust, c) {
                return Err(Error::Other(format!(
                    "Rust type name `{rust}` would name both `{}` and `{c}`",
                    crate::error::excerpt(other)
                )));
            }
        }
    }
    Ok(())
}

fn deprecation_note(kind: &str, alias: Option<&str>) -> String {
    match (kind, alias) {
        ("aliased", Some(target)) => {
            format!("an old name of `{target}`, kept as an alias (the registry deprecates it)")
        }
        (_, Some(target)) => format!("deprecated by the registry ({kind}); use `{target}`"),
        (_, None) => format!("deprecated by the registry ({kind})"),
    }
}

/// Adds a value to `family`, the type numbered `key` in `keys`; a value defined again
/// must have the same value and type. `index`: each value's type and place.
fn add_enumerant<'r>(
    registry: &Registry,
    index: &mut HashMap<&'r str, (usize, usize)>,
    (key, keys): (usize, &[String]),
    family: &mut Family<'r>,
    def: &'r EnumDef,
    value: Option<i128>,
    provider: Option<Provider>,
) -> Result<()> {
    let alias = def.alias.as_deref();
    if let Some(&(other_key, i)) = index.get(def.name.as_str()) {
        if other_key != key {
            return Err(registry_error(
                registry,
                def.pos,
                "enum",
                format!("`{}` is defined for two types, `{}` and `{}`", def.name, keys[other_key], keys[key]),
            ));
        }
        let existing = &mut family.enumerants[i];
        let same = match (existing.value, value) {
            (Some(a), Some(b)) => a == b,
            (None, None) => existing.alias == alias,
            _ => false,
        };
        if !same {
            return Err(registry_error(
                registry,
                def.pos,
                "enum",
                format!("`{}` is defined twice with different values (first at line {})", def.name, existing.def.pos),
            ));
        }
        existing.providers.extend(provider);
        return Ok(());
    }
    index.insert(&def.name, (key, family.enumerants.len()));
    family.enumerants.push(Pending { def, value, alias, providers: provider.into_iter().collect() });
    Ok(())
}

/// The names values have under the old names of their type: the aliases of the `<enums>`
/// block (a bitmask's `...FlagBits...` aliases, not its Flags aliases).
fn old_names(family: &Family, type_aliases: &[TypeAlias], enumerants: &[Enumerant], tags: &[&str]) -> Vec<OldName> {
    let Some(block) = family.enums_name.as_deref() else { return Vec::new() };
    let is_bits = block != family.c_name;
    let alias_names: Vec<&str> =
        type_aliases.iter().map(|a| a.c_name.as_str()).filter(|a| !is_bits || a.contains("FlagBits")).collect();
    if alias_names.is_empty() {
        return Vec::new();
    }
    let c_names: Vec<&str> = enumerants.iter().map(|e| e.c_name.as_str()).collect();
    let aliases: Vec<Option<&str>> = enumerants.iter().map(|e| e.alias_of.as_deref()).collect();
    let names: Vec<String> = enumerants.iter().map(|e| e.rust_name.clone()).collect();
    names::names_under_aliases(&alias_names, &c_names, &aliases, &names, tags)
        .into_iter()
        .map(|(rust_name, i, type_alias)| OldName { rust_name, enumerant: c_names[i].to_owned(), type_alias })
        .collect()
}

/// Resolves aliases (following chains, refusing cycles), deprecations, providers and names.
fn resolve_enumerants(
    registry: &Registry,
    family: &Family,
    own_providers: &BTreeSet<Provider>,
    all_defs: &HashMap<&str, (&EnumDef, Option<i64>)>,
    tags: &[&str],
) -> Result<Vec<Enumerant>> {
    let by_name: HashMap<&str, usize> =
        family.enumerants.iter().enumerate().map(|(i, p)| (p.def.name.as_str(), i)).collect();
    let mut out = Vec::with_capacity(family.enumerants.len());
    for pending in &family.enumerants {
        let def = pending.def;
        let mut value = pending.value;
        let mut current = pending;
        let mut steps = 0;
        while value.is_none() {
            let target = current.alias.expect("an enumerant without a value is an alias");
            let Some(&i) = by_name.get(target) else {
                if let Some((def, number)) = all_defs.get(target) {
                    if def.alias.is_none() && def.extends.as_deref().is_some() {
                        value = Some(values::enumerant_value(registry, def, *number, family.kind.width())?);
                        break;
                    }
                }
                return Err(registry_error(
                    registry,
                    current.def.pos,
                    "enum",
                    format!(
                        "`{}` is an alias of `{target}`, which `{}` does not have",
                        current.def.name, family.c_name
                    ),
                ));
            };
            current = &family.enumerants[i];
            value = current.value;
            steps += 1;
            if steps > family.enumerants.len() {
                return Err(registry_error(
                    registry,
                    def.pos,
                    "enum",
                    format!("`{}` is part of an alias cycle", def.name),
                ));
            }
        }
        let mut providers = pending.providers.clone();
        if def.extends.is_none() {
            providers.extend(own_providers.iter().cloned());
        }
        let deprecated = match (&def.deprecated, &def.comment) {
            (Some(kind), _) => Some(Deprecation { note: deprecation_note(kind, pending.alias) }),
            (None, Some(c)) if pending.alias.is_some() && c.contains("Backwards-compatible alias") => {
                Some(Deprecation { note: format!("{c}; use `{}`", pending.alias.unwrap_or_default()) })
            }
            _ => None,
        };
        out.push(Enumerant {
            c_name: def.name.clone(),
            rust_name: String::new(),
            value: value.expect("resolved above"),
            alias_of: pending.alias.map(str::to_owned),
            deprecated,
            providers: providers.into_iter().collect(),
            pos: def.pos,
        });
    }
    let prefix_source = family.enums_name.as_deref().unwrap_or(&family.c_name);
    let c_names: Vec<&str> = out.iter().map(|e| e.c_name.as_str()).collect();
    let aliases: Vec<Option<&str>> = out.iter().map(|e| e.alias_of.as_deref()).collect();
    let rust_names = names::enumerant_names(prefix_source, &c_names, &aliases, tags)
        .map_err(|m| registry_error(registry, family.pos, "enums", m))?;
    for (e, n) in out.iter_mut().zip(rust_names) {
        e.rust_name = n;
    }
    Ok(out)
}

/// API constants the selected interfaces or the emitted types use, and the constants
/// extensions add (other than their name and spec version).
fn build_constants(registry: &Registry, sel: &Selection, api: Api, types: &[EnumType]) -> Result<Vec<Constant>> {
    let mut defs: BTreeMap<&str, &EnumDef> = BTreeMap::new();
    for block in registry.enums.iter().filter(|b| b.kind.as_deref().is_none_or(|k| k == "constants")) {
        for def in &block.enums {
            if def.api.as_deref().is_none_or(|a| api.is_in(a)) {
                defs.entry(&def.name).or_insert(def);
            }
        }
    }
    let mut wanted: BTreeSet<&str> = BTreeSet::new();
    let mut array_lens: BTreeSet<&str> = BTreeSet::new();
    for ty in sel.types.values() {
        array_lens.extend(ty.enum_refs.iter().map(String::as_str));
    }
    for &name in &sel.required_types {
        if let Some(ty) = sel.types.get(name) {
            wanted.extend(ty.enum_refs.iter().map(String::as_str));
        }
    }
    for iface in sel.interfaces() {
        for block in iface.blocks().iter().filter(|b| b.kind == BlockKind::Require && sel.block_selected(b)) {
            for def in block.enums.iter().filter(|d| d.extends.is_none()) {
                if def.api.as_deref().is_some_and(|a| !api.is_in(a)) {
                    continue;
                }
                if def.is_reference() {
                    wanted.insert(&def.name);
                } else if !(iface.is_extension()
                    && (def.name.ends_with("_SPEC_VERSION") || def.name.ends_with("_EXTENSION_NAME")))
                {
                    defs.entry(&def.name).or_insert(def);
                    wanted.insert(&def.name);
                }
            }
        }
    }
    // Aliases pull in their targets.
    let mut queue: Vec<&str> = wanted.iter().copied().collect();
    while let Some(name) = queue.pop() {
        if let Some(target) = defs.get(name).and_then(|d| d.alias.as_deref()) {
            if wanted.insert(target) {
                queue.push(target);
            }
        }
    }
    let mut out = Vec::new();
    for name in wanted {
        let Some(def) = defs.get(name) else { continue };
        let mut resolved = *def;
        let mut steps = 0;
        while let Some(target) = resolved.alias.as_deref() {
            resolved = defs.get(target).copied().ok_or_else(|| {
                registry_error(
                    registry,
                    def.pos,
                    "enum",
                    format!("constant `{name}` is an alias of unknown `{target}`"),
                )
            })?;
            steps += 1;
            if steps > defs.len() {
                return Err(registry_error(
                    registry,
                    def.pos,
                    "enum",
                    format!("constant `{name}` is part of an alias cycle"),
                ));
            }
        }
        let Some(text) = resolved.value.as_deref() else {
            // An enumerant of a type named in a require block: not a constant.
            continue;
        };
        if is_identifier(text) {
            // `value="VK_OTHER_NAME"` (old registries): a C `#define` naming an enumerant,
            // not an enumerant of the type; a constant of that type here.
            let Some((ty, e)) =
                types.iter().find_map(|t| t.enumerants.iter().find(|e| e.c_name == text).map(|e| (t, e)))
            else {
                return Err(registry_error(
                    registry,
                    resolved.pos,
                    "enum",
                    format!("constant `{}`: value `{}` names no enumerant", resolved.name, crate::error::excerpt(text)),
                ));
            };
            out.push(Constant {
                rust_name: names::constant_name(name),
                c_name: name.to_owned(),
                value: ConstValue::Enumerant { rust_type: ty.rust_name.clone(), rust_name: e.rust_name.clone() },
                alias_of: Some(text.to_owned()),
                deprecated: def.deprecated.as_ref().map(|d| Deprecation { note: deprecation_note(d, Some(text)) }),
            });
            continue;
        }
        let array_len = array_lens.contains(resolved.name.as_str());
        let value = values::constant_value(text, resolved.ctype.as_deref(), array_len).ok_or_else(|| {
            registry_error(
                registry,
                resolved.pos,
                "enum",
                format!("constant `{}`: value `{}` is not understood", resolved.name, crate::error::excerpt(text)),
            )
        })?;
        if matches!(value, ConstValue::Str(_)) {
            continue;
        }
        out.push(Constant {
            rust_name: names::constant_name(name),
            c_name: name.to_owned(),
            value,
            alias_of: def.alias.clone(),
            deprecated: def
                .deprecated
                .as_ref()
                .map(|d| Deprecation { note: deprecation_note(d, def.alias.as_deref()) }),
        });
    }
    Ok(out)
}
