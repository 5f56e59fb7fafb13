//! Every registry of `../shared/registry`: reference parity with the C headers, providers
//! against Khronos' model, and Rust names that stay from one release to the next.

use std::collections::{BTreeMap, BTreeSet};

use vkxml_codegen_e2e::{all_dumps, read_tsv, registries, Row};

/// The dump's first three columns equal `enumerants.tsv`, as sets, for every registry.
#[test]
fn reference_parity_on_every_registry() {
    let mut failures = Vec::new();
    for (tag, path) in registries() {
        let ours: BTreeSet<(String, String, String)> =
            all_dumps()[&tag].iter().map(|r| (r.c_type.clone(), r.c_name.clone(), r.value.clone())).collect();
        let reference: BTreeSet<(String, String, String)> = read_tsv(&path.join("enumerants.tsv"))
            .into_iter()
            .map(|f| (f[0].clone(), f[1].clone(), f[2].clone()))
            .collect();
        let extra: Vec<_> = ours.difference(&reference).take(10).collect();
        let missing: Vec<_> = reference.difference(&ours).take(10).collect();
        println!("{tag}: {} enumerants generated, {} in the reference", ours.len(), reference.len());
        if !extra.is_empty() || !missing.is_empty() {
            failures.push(format!("{tag}: not in the reference: {extra:?}\n{tag}: missing: {missing:?}"));
        }
    }
    assert!(failures.is_empty(), "reference parity fails:\n{}", failures.join("\n"));
}

/// Providers of every non-alias enumerant of 1.4.360 equal `provenance.tsv`.
#[test]
fn providers_match_khronos_model_for_1_4_360() {
    let (tag, path) = registries().into_iter().find(|(t, _)| t == "v1.4.360").expect("v1.4.360 in ../shared/registry");
    let ours: BTreeMap<&str, &Row> = all_dumps()[&tag].iter().map(|r| (r.c_name.as_str(), r)).collect();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for f in read_tsv(&path.join("provenance.tsv")) {
        let row = ours.get(f[0].as_str()).unwrap_or_else(|| panic!("{} is not generated", f[0]));
        let mut expected: Vec<&str> = f[1].split(',').collect();
        expected.sort_unstable();
        if row.providers != expected.join(",") {
            wrong.push(format!("{}: ours {}, Khronos {}", f[0], row.providers, f[1]));
        }
        checked += 1;
    }
    println!("{checked} enumerants checked, {} differ", wrong.len());
    assert!(wrong.is_empty(), "providers differ:\n{}", wrong[..wrong.len().min(20)].join("\n"));
}

/// Rust names of one registry, from the model: C enumerant -> (Rust type, Rust name), the
/// alias relation of enumerants, and Rust type aliases.
struct Names {
    by_c: BTreeMap<String, (String, String)>,
    by_rust: BTreeMap<(String, String), String>,
    alias_of: BTreeMap<String, String>,
    type_alias: BTreeMap<String, String>,
    /// Every Rust type name, aliases included.
    types: std::collections::BTreeSet<String>,
}

fn names_of(registry: &std::path::Path) -> Names {
    let reg = vkxml_codegen::registry::read(registry).expect("read");
    let model = vkxml_codegen::model::build(&reg, vkxml_codegen::Api::Vulkan).expect("model");
    let mut n = Names {
        by_c: BTreeMap::new(),
        by_rust: BTreeMap::new(),
        alias_of: BTreeMap::new(),
        type_alias: BTreeMap::new(),
        types: Default::default(),
    };
    for t in &model.types {
        n.types.insert(t.rust_name.clone());
        n.types.extend(t.aliases.iter().map(|a| a.rust_name.clone()));
        for a in &t.aliases {
            n.type_alias.insert(a.rust_name.clone(), t.rust_name.clone());
        }
        // A value's name under an old name of its type is a second Rust path to it.
        for o in &t.old_names {
            n.by_rust.insert((t.rust_name.clone(), o.rust_name.clone()), o.enumerant.clone());
        }
        for e in &t.enumerants {
            n.by_c.insert(e.c_name.clone(), (t.rust_name.clone(), e.rust_name.clone()));
            n.by_rust.insert((t.rust_name.clone(), e.rust_name.clone()), e.c_name.clone());
            if let Some(a) = &e.alias_of {
                n.alias_of.insert(e.c_name.clone(), a.clone());
            }
        }
    }
    n
}

impl Names {
    /// The enumerant an alias chain ends at.
    fn canonical<'a>(&'a self, mut c: &'a str) -> &'a str {
        for _ in 0..64 {
            match self.alias_of.get(c) {
                Some(next) => c = next,
                None => break,
            }
        }
        c
    }

    /// The enumerant a Rust path means here, through type aliases (a promoted type's old
    /// name is an alias of the new one, so `FooFlagsKHR::BAR` still compiles).
    fn resolve(&self, ty: &str, name: &str) -> Option<&str> {
        let ty = self.type_alias.get(ty).map_or(ty, String::as_str);
        self.by_rust.get(&(ty.to_owned(), name.to_owned())).map(String::as_str)
    }
}

/// Why a Rust path changed between two registries.
#[derive(Debug, PartialEq)]
enum Cause {
    /// Our naming: a Rust path that named a C enumerant no longer does.
    Naming,
    /// The registry removed the C type itself (not even an alias is left), as provisional
    /// extensions may: C code written against it breaks too, so no Rust name can stay.
    TypeRemoved,
}

/// Name changes between consecutive registries: (step, message, cause).
fn name_changes() -> Vec<(String, String, Cause)> {
    let list = registries();
    let names: Vec<Names> = list.iter().map(|(_, p)| names_of(&p.join("vk.xml"))).collect();
    let mut problems = Vec::new();
    for (i, pair) in names.windows(2).enumerate() {
        let (old, new) = (&pair[0], &pair[1]);
        let step = format!("{} -> {}", list[i].0, list[i + 1].0);
        for (c, (ty, name)) in &old.by_c {
            if !new.by_c.contains_key(c) {
                continue;
            }
            let cause = if new.types.contains(ty) { Cause::Naming } else { Cause::TypeRemoved };
            match new.resolve(ty, name) {
                Some(now) if new.canonical(now) == new.canonical(c) => {}
                Some(now) => problems.push((step.clone(), format!("{ty}::{name} meant {c}, now {now}"), cause)),
                None => {
                    problems.push((step.clone(), format!("{ty}::{name} ({c}) is gone, now {:?}", new.by_c[c]), cause))
                }
            }
        }
    }
    problems
}

fn report(problems: &[&(String, String, Cause)]) -> String {
    problems.iter().take(30).map(|(s, m, _)| format!("{s}: {m}")).collect::<Vec<_>>().join("\n")
}

/// From one registry to the next, code keeps compiling with the same meaning: the Rust
/// path of a C enumerant in both (`Type::NAME`) still names it, or its alias (same
/// enumerant, same value), and no Rust path comes to mean another enumerant. This holds
/// through type promotions too: `AccessFlags2KHR::VIDEO_ENCODE_READ` (1.3.203) still
/// compiles after `VkAccessFlagBits2KHR` became an alias of `VkAccessFlagBits2` (1.3.204),
/// through the value's name under the old type name. Only paths whose C type the registry
/// removed outright are exempt; they are printed.
#[test]
fn rust_names_are_stable_across_releases() {
    let all = name_changes();
    let (removed, problems): (Vec<_>, Vec<_>) = all.iter().partition(|p| p.2 == Cause::TypeRemoved);
    println!("{} steps checked; {} paths whose C type the registry removed:", registries().len() - 1, removed.len());
    println!("{}", report(&removed));
    assert!(problems.is_empty(), "{} name changes:\n{}", problems.len(), report(&problems));
}
