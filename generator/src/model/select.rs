//! Model, selection: registry + API -> what the reference generator emits for that API:
//! the features and extensions that count, the definitions of types for the API, and the
//! closure of required types (members, Flags bits, aliases, command parameters).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use super::fasthash::{FastMap as HashMap, FastSet as HashSet};

use super::{Api, Provider};
use crate::error::{Error, Result};
use crate::registry::{Block, BlockKind, CommandDef, EnumsBlock, ExtensionDef, FeatureDef, Registry, TypeDef};

/// A feature or an extension: both hold require/remove/deprecate blocks.
#[derive(Clone, Copy)]
pub enum Interface<'r> {
    Feature(&'r FeatureDef),
    Extension(&'r ExtensionDef),
}

/// Whether `api` selects a core version: its `api` lists it, or it names none.
pub fn feature_selected(feature: &FeatureDef, api: Api) -> bool {
    feature.api.as_deref().is_none_or(|a| api.is_in(a))
}

/// Whether `api` selects an extension: its `supported` lists the API.
pub fn extension_selected(extension: &ExtensionDef, api: Api) -> bool {
    extension.supported.as_deref().is_some_and(|s| api.is_in(s))
}

/// The names of the core versions and extensions `api` selects, straight from the
/// registry: what the specification's conditionals test, known before the model is built.
pub fn selected_interface_names(registry: &Registry, api: Api) -> Vec<&str> {
    let features = registry.features.iter().filter(|f| feature_selected(f, api)).map(|f| f.name.as_str());
    let extensions = registry.extensions.iter().filter(|e| extension_selected(e, api)).map(|e| e.name.as_str());
    features.chain(extensions).collect()
}

impl<'r> Interface<'r> {
    pub fn name(self) -> &'r str {
        match self {
            Interface::Feature(f) => &f.name,
            Interface::Extension(e) => &e.name,
        }
    }

    pub fn blocks(self) -> &'r [Block] {
        match self {
            Interface::Feature(f) => &f.blocks,
            Interface::Extension(e) => &e.blocks,
        }
    }

    pub fn is_extension(self) -> bool {
        matches!(self, Interface::Extension(_))
    }

    /// The extension's number, which `offset` values without `extnumber` use.
    pub fn ext_number(self, registry: &Registry) -> Result<Option<i64>> {
        let Interface::Extension(e) = self else { return Ok(None) };
        let Some(text) = &e.number else { return Ok(None) };
        super::values::parse_int(text).and_then(|n| i64::try_from(n).ok()).map(Some).ok_or_else(|| Error::Registry {
            path: registry.path.clone(),
            pos: e.pos,
            element: "extension".into(),
            message: format!("`{}`: number `{}` is not an integer", e.name, crate::error::excerpt(text)),
        })
    }
}

/// The parts of the registry that count for one API.
pub struct Selection<'r> {
    pub api: Api,
    pub features: Vec<&'r FeatureDef>,
    pub extensions: Vec<&'r ExtensionDef>,
    /// The definition of each type for this API.
    pub types: HashMap<&'r str, &'r TypeDef>,
    pub commands: HashMap<&'r str, &'r CommandDef>,
    pub enums_blocks: HashMap<&'r str, &'r EnumsBlock>,
    /// Every type the selected interfaces require, directly or through another item.
    pub required_types: BTreeSet<&'r str>,
    /// Every command the selected interfaces require.
    pub required_commands: BTreeSet<&'r str>,
    /// Internal features (`apitype="internal"`) -> the public version that includes them.
    public_names: HashMap<&'r str, &'r str>,
    closures: OnceLock<Vec<HashSet<&'r str>>>,
}

impl<'r> Selection<'r> {
    pub fn new(registry: &'r Registry, api: Api) -> Result<Self> {
        let matches = |list: &Option<String>| list.as_deref().is_none_or(|a| api.is_in(a));
        let features: Vec<&FeatureDef> = registry.features.iter().filter(|f| feature_selected(f, api)).collect();
        let extensions: Vec<&ExtensionDef> =
            registry.extensions.iter().filter(|e| extension_selected(e, api)).collect();
        let mut types: HashMap<&str, &TypeDef> = HashMap::default();
        for ty in registry.types.iter().filter(|t| matches(&t.api)) {
            types.entry(&ty.name).or_insert(ty);
        }
        let mut commands: HashMap<&str, &CommandDef> = HashMap::default();
        for c in registry.commands.iter().filter(|c| matches(&c.api)) {
            commands.entry(&c.name).or_insert(c);
        }
        let mut enums_blocks: HashMap<&str, &EnumsBlock> = HashMap::default();
        for block in &registry.enums {
            if let Some(first) = enums_blocks.insert(&block.name, block) {
                return Err(Error::Registry {
                    path: registry.path.clone(),
                    pos: block.pos,
                    element: "enums".into(),
                    message: format!("a second <enums> block named `{}` (first at line {})", block.name, first.pos),
                });
            }
        }
        let public_names = public_names(&features);
        let mut sel = Selection {
            api,
            features,
            extensions,
            types,
            commands,
            enums_blocks,
            required_types: BTreeSet::new(),
            required_commands: BTreeSet::new(),
            public_names,
            closures: OnceLock::new(),
        };
        let mut required = HashSet::default();
        let mut removed = BTreeSet::new();
        for iface in sel.interfaces() {
            for block in iface.blocks().iter().filter(|b| sel.block_selected(b)) {
                match block.kind {
                    BlockKind::Require => sel.require_block(block, &mut required),
                    BlockKind::Remove => removed.extend(block.types.iter().map(|t| t.name.clone())),
                    BlockKind::Deprecate => {}
                }
            }
        }
        for name in &removed {
            required.remove(name.as_str());
        }
        let mut commands = BTreeSet::new();
        for iface in sel.interfaces() {
            for block in iface.blocks().iter().filter(|b| b.kind == BlockKind::Require && sel.block_selected(b)) {
                for c in &block.commands {
                    if let Some(def) = sel.commands.get(c.name.as_str()) {
                        commands.insert(def.name.as_str());
                    }
                }
            }
        }
        sel.required_commands = commands;
        sel.required_types = required.into_iter().collect();
        Ok(sel)
    }

    /// Features first, then extensions, each in registry order.
    pub fn interfaces(&self) -> impl Iterator<Item = Interface<'r>> + '_ {
        self.features
            .iter()
            .map(|f| Interface::Feature(f))
            .chain(self.extensions.iter().map(|e| Interface::Extension(e)))
    }

    /// Whether a block counts for this API (its `api=` list, if any, names it).
    pub fn block_selected(&self, block: &Block) -> bool {
        block.api.as_deref().is_none_or(|a| self.api.is_in(a))
    }

    /// Follows type aliases to the type that defines the values.
    pub fn resolve_type_alias<'a>(&'a self, name: &'a str) -> &'a str {
        let mut current = name;
        for _ in 0..64 {
            match self.types.get(current).and_then(|t| t.alias.as_deref()) {
                Some(next) => current = next,
                None => break,
            }
        }
        current
    }

    /// The public name of a provider: internal features count for the version that
    /// depends on them.
    pub fn public_name(&self, name: &'r str) -> &'r str {
        self.public_names.get(name).copied().unwrap_or(name)
    }

    fn require_block(&self, block: &'r Block, required: &mut HashSet<&'r str>) {
        for t in &block.types {
            self.require_type(&t.name, required);
        }
        for c in &block.commands {
            self.require_command(&c.name, required, 0);
        }
    }

    fn require_command(&self, name: &str, required: &mut HashSet<&'r str>, depth: u32) {
        let Some(command) = self.commands.get(name) else { return };
        for t in &command.type_refs {
            self.require_type(t, required);
        }
        if let Some(alias) = &command.alias {
            if depth < 16 {
                self.require_command(alias, required, depth + 1);
            }
        }
    }

    /// Marks a type and everything it needs: `requires`, `alias`, `bitvalues`, nested types.
    pub fn require_type(&self, name: &str, required: &mut HashSet<&'r str>) {
        let Some(ty) = self.types.get(name) else { return };
        // Most types a block names are already required (by an earlier version).
        if required.contains(ty.name.as_str()) {
            return;
        }
        let mut stack: Vec<&'r TypeDef> = vec![ty];
        while let Some(ty) = stack.pop() {
            if !required.insert(ty.name.as_str()) {
                continue;
            }
            let deps = [&ty.requires, &ty.alias, &ty.bitvalues].into_iter().flatten().chain(&ty.type_refs);
            for dep in deps {
                if let Some(d) = self.types.get(dep.as_str()) {
                    if !required.contains(d.name.as_str()) {
                        stack.push(d);
                    }
                }
            }
        }
    }

    /// Providers of a type that no interface names: the interfaces whose required closure
    /// reaches it (the earliest core version only, when one does).
    pub fn closure_providers(&self, c_name: &str, enums_name: Option<&str>) -> BTreeSet<Provider> {
        let closures: &Vec<HashSet<&str>> = self.closures.get_or_init(|| {
            self.interfaces()
                .map(|iface| {
                    let mut set = HashSet::default();
                    for block in
                        iface.blocks().iter().filter(|b| b.kind == BlockKind::Require && self.block_selected(b))
                    {
                        self.require_block(block, &mut set);
                    }
                    set
                })
                .collect()
        });
        let reaches = |set: &HashSet<&str>| set.contains(c_name) || enums_name.is_some_and(|n| set.contains(n));
        let mut out = BTreeSet::new();
        for (iface, set) in self.interfaces().zip(closures) {
            if reaches(set) {
                let is_feature = !iface.is_extension();
                out.insert(Provider { name: self.public_name(iface.name()).to_owned(), depends: None });
                if is_feature {
                    break;
                }
            }
        }
        out
    }
}

/// Identifiers named in a `depends` expression (`A+B`, `A,B`, parentheses).
pub fn depends_names(expr: &str) -> impl Iterator<Item = &str> {
    expr.split(['+', ',', '(', ')']).map(str::trim).filter(|s| !s.is_empty())
}

fn public_names<'r>(features: &[&'r FeatureDef]) -> HashMap<&'r str, &'r str> {
    let by_name: HashMap<&str, &FeatureDef> = features.iter().map(|f| (f.name.as_str(), *f)).collect();
    let internal = |f: &FeatureDef| f.apitype.as_deref() == Some("internal");
    let number_key = |f: &FeatureDef| -> Vec<u32> {
        f.number.as_deref().unwrap_or("").split('.').map(|p| p.parse().unwrap_or(u32::MAX)).collect()
    };
    let mut out: HashMap<&str, &str> = HashMap::default();
    let mut publics: Vec<&FeatureDef> = features.iter().copied().filter(|f| !internal(f)).collect();
    publics.sort_by_key(|f| number_key(f));
    for public in publics {
        // Every internal feature this public one depends on, transitively.
        let mut stack: Vec<&str> = public.depends.as_deref().map(|d| depends_names(d).collect()).unwrap_or_default();
        let mut seen = HashSet::default();
        while let Some(name) = stack.pop() {
            if !seen.insert(name) {
                continue;
            }
            let Some(f) = by_name.get(name) else { continue };
            if internal(f) {
                out.entry(&f.name).or_insert(&public.name);
                if let Some(d) = f.depends.as_deref() {
                    stack.extend(depends_names(d));
                }
            }
        }
    }
    out
}
