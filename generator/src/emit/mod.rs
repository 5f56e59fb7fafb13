//! Stage 5, emit: model -> the files of the generated crate, as syntax trees (Rust; the
//! large files as items each with its doc text, what repeats in them as plain facts) or
//! text (manifest, README, licenses). One emitter per item kind; nothing here touches the
//! file system. The order of files and items is fixed here and in the model.

mod bitmasks;
mod constants;
mod enums;
mod extensions;
mod krate;
mod reflection;
pub mod rows;
mod support;
mod syntax;

use std::borrow::Cow;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::Result;
use crate::model::{EnumType, Model, TypeKind};

/// Rust files are syntax trees the writer prints with prettyplease; text files are written
/// as they are. The files of thousands of items (the types, the reflection tables and
/// lists, the extensions) are [`Documented`] items: their doc comments are text the writer
/// prints as `///` lines above the item, not `#[doc]` attributes (as attributes, each of
/// the 44,000 doc lines was made into a string literal that prettyplease then read back),
/// and what repeats in them is made as plain facts the writer lays out itself.
pub enum Content<'o> {
    Syntax(syn::File),
    /// `head` (the module doc, or nothing) and then the items.
    Documented {
        head: syn::File,
        items: Vec<Documented<'o>>,
    },
    Text(String),
}

/// An item of a [`Content::Documented`] file, with the doc comments that stand above it
/// and above each item of an impl block. A doc is rustdoc Markdown, one comment line per
/// line of text; an empty doc prints no line.
pub enum Documented<'o> {
    /// An item under its doc.
    Item(Cow<'o, str>, syn::Item),
    /// An impl block (with no items of its own in the tree) and its items, each under its
    /// doc, in order.
    Impl(syn::ItemImpl, Vec<(Cow<'o, str>, Member<'o>)>),
    /// A static table under its doc: the item, its array empty, and the rows that fill it.
    Table(Cow<'o, str>, syn::Item, Vec<rows::Row<'o>>),
    /// An item of a shape that repeats, under its doc.
    Shaped(Cow<'o, str>, Shaped<'o>),
    /// A module under its doc: `pub mod name { items }`.
    Module(Cow<'o, str>, String, Vec<Documented<'o>>),
}

/// An item of a shape that repeats (each type's newtype, macro call and aliases; the
/// extensions' constants), made as plain facts: the writer writes it itself where it fits
/// on its lines ([`Shaped::to_syntax`] makes the item).
pub enum Shaped<'o> {
    /// The type's newtype, `pub struct Name(pub(crate) raw);`, under
    /// [`NEWTYPE_ATTRIBUTES`].
    NewType(&'o str, &'static str),
    /// A macro call item, `name!(args);`.
    Call(rows::Row<'o>),
    /// `pub type Alias = Target;`.
    Alias(&'o str, &'o str),
    /// A module's constant: `pub const NAME: T = value;`.
    Const(&'static str, Constant<'o>),
}

/// The value of a module's constant, and so its type.
pub enum Constant<'o> {
    /// `&core::ffi::CStr`: a C string of this text.
    CStr(&'o str),
    /// `u32`.
    U32(u32),
}

/// The text of the C string literal token `syntax::c_str` makes for `text`.
pub fn push_c_str_literal(out: &mut String, text: &str) {
    use quote::ToTokens;
    out.push_str(&syntax::c_str(text).to_token_stream().to_string());
}

/// The attributes of every newtype, each `#[name(args)]`, in order.
pub const NEWTYPE_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("repr", &["transparent"]),
    ("derive", &["Clone", "Copy", "PartialEq", "Eq", "PartialOrd", "Ord", "Hash", "Default"]),
];

impl Shaped<'_> {
    /// The item as syntax.
    pub fn to_syntax(&self) -> syn::Item {
        match self {
            Shaped::NewType(name, raw) => {
                let attrs = NEWTYPE_ATTRIBUTES.iter().map(|(attr, args)| {
                    let (attr, args) = (syntax::ident(attr), args.iter().map(|a| syntax::ident(a)));
                    quote! { #[#attr(#(#args),*)] }
                });
                let (name, raw) = (syntax::ident(name), syntax::ident(raw));
                syn::parse_quote! { #(#attrs)* pub struct #name(pub(crate) #raw); }
            }
            Shaped::Call(row) => row.to_item(),
            Shaped::Alias(alias, target) => {
                let (alias, target) = (syntax::ident(alias), syntax::ident(target));
                syn::parse_quote! { pub type #alias = #target; }
            }
            Shaped::Const(name, value) => {
                let name = syntax::ident(name);
                match value {
                    Constant::CStr(text) => {
                        let lit = syntax::c_str(text);
                        syn::parse_quote! { pub const #name: &core::ffi::CStr = #lit; }
                    }
                    Constant::U32(n) => {
                        let n = syntax::int((*n).into());
                        syn::parse_quote! { pub const #name: u32 = #n; }
                    }
                }
            }
        }
    }
}

/// An item of an impl block of [`Documented::Impl`].
pub enum Member<'o> {
    /// `pub const NAME: Self = Self(value);`, without attributes: the writer writes it
    /// itself where it fits on one line ([`Member::to_syntax`] makes the item).
    Value(&'o str, Value),
    /// Any other item.
    Syntax(Box<syn::ImplItem>),
}

/// A value as a type's Rust representation writes it: decimal for enums, `1 << n` for
/// single bits, hex for other bitmask values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Int(i128),
    Bit(u32),
    Hex(u64),
}

impl Value {
    pub fn of(kind: TypeKind, value: i128) -> Value {
        match kind {
            TypeKind::Enum => Value::Int(value),
            TypeKind::Bitmask { .. } => {
                let v = value as u64;
                if v.is_power_of_two() {
                    Value::Bit(v.trailing_zeros())
                } else {
                    Value::Hex(v)
                }
            }
        }
    }

    pub fn to_expr(self) -> syn::Expr {
        match self {
            Value::Int(v) => syntax::int(v),
            Value::Bit(bit) => syntax::bit(bit),
            Value::Hex(v) => syntax::hex(v),
        }
    }

    /// The value's expression as prettyplease prints it: `-3`, `1 << 4`, `0x7fffffff`.
    pub fn push_text(self, out: &mut String) {
        use std::fmt::Write;
        let _ = match self {
            Value::Int(v) => write!(out, "{v}"),
            Value::Bit(bit) => write!(out, "1 << {bit}"),
            Value::Hex(v) => write!(out, "{v:#x}"),
        };
    }
}

impl Member<'_> {
    /// The member as an impl item.
    pub fn to_syntax(&self) -> syn::ImplItem {
        match self {
            Member::Value(name, value) => syntax::self_const(Vec::new(), name, syntax::self_call(value.to_expr())),
            Member::Syntax(item) => item.as_ref().clone(),
        }
    }
}

/// What a run knows besides the model: the header line of every file and the version of
/// the crate it writes.
pub struct Output {
    pub header: String,
    /// `major.minor.patch` of the generated crate; the registry release is added as build
    /// metadata.
    pub crate_version: String,
    /// Docs from the specification, when a run reads it.
    pub docs: Option<crate::docs::Docs>,
}

/// Makes one file, or one part of it, from the model and the run's output facts (whose
/// docs it may borrow).
pub type Emitter = for<'o> fn(&'o Model, &'o Output, Part) -> Result<Content<'o>>;

/// A share of a file's items. The files with thousands of items (the types, the
/// reflection tables) can be emitted and formatted in parts, each on whichever core is
/// free, and the writer joins the parts in order: smaller tasks balance the cores, and
/// each part's syntax tree is built, printed and freed while it is fresh in the cache.
/// Part 0 carries the file's module doc and imports. Other files are always whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    pub index: usize,
    pub count: usize,
}

impl Part {
    pub const WHOLE: Part = Part { index: 0, count: 1 };

    pub fn is_first(self) -> bool {
        self.index == 0
    }

    /// This part's run of `items`: the runs are contiguous and in order, each item in
    /// exactly one, of about equal `weight` (see [`crate::cores::runs`]).
    pub fn share<T>(self, items: &[T], weight: impl Fn(&T) -> usize) -> &[T] {
        crate::cores::runs(items, self.count, weight)[self.index]
    }
}

fn text(s: String) -> Result<Content<'static>> {
    Ok(Content::Text(s))
}

fn rust(path: &str, tokens: TokenStream) -> Result<Content<'static>> {
    Ok(Content::Syntax(syntax::parse_file(path, tokens)?))
}

/// Every file of the generated crate, relative to its root, and its emitter, in a fixed
/// order. Emitters run on several threads: each builds its own syntax tree.
pub const FILES: &[(&str, Emitter)] = &[
    ("Cargo.toml", |m, o, _| text(krate::manifest(m, o))),
    ("README.md", |m, o, _| text(krate::readme(m, o))),
    ("LICENSE-APACHE", |_, _, _| text(include_str!("../../../LICENSE-APACHE").to_owned())),
    ("LICENSE-MIT", |_, _, _| text(include_str!("../../../LICENSE-MIT").to_owned())),
    ("src/lib.rs", |m, o, _| rust("src/lib.rs", krate::lib_rs(m, o))),
    ("src/macros.rs", |_, _, _| rust("src/macros.rs", support::macros())),
    ("src/enums.rs", |m, o, part| enums::emit(m, o, part)),
    ("src/bitmasks.rs", |m, o, part| bitmasks::emit(m, o, part)),
    ("src/constants.rs", |m, _, _| rust("src/constants.rs", constants::emit(m))),
    ("src/extensions.rs", |m, _, part| extensions::emit(m, part)),
    ("src/reflection/mod.rs", |_, _, _| rust("src/reflection/mod.rs", support::reflection())),
    ("src/reflection/enum_tables.rs", |m, _, part| reflection::tables(m, false, part)),
    ("src/reflection/bitmask_tables.rs", |m, _, part| reflection::tables(m, true, part)),
    ("src/reflection/lists.rs", |m, _, part| reflection::lists(m, part)),
    ("examples/dump.rs", |_, _, _| rust("examples/dump.rs", krate::dump_example())),
];

/// The files whose text does not depend on the docs (`Output::docs`): the writer may make
/// them before the docs are built. (The crate's doc in `src/lib.rs` names the
/// specification's release; the types files carry the docs.) A test renders each with and
/// without docs.
pub const WITHOUT_DOCS: &[&str] = &[
    "Cargo.toml",
    "README.md",
    "LICENSE-APACHE",
    "LICENSE-MIT",
    "src/macros.rs",
    "src/constants.rs",
    "src/extensions.rs",
    "src/reflection/mod.rs",
    "src/reflection/enum_tables.rs",
    "src/reflection/bitmask_tables.rs",
    "src/reflection/lists.rs",
    "examples/dump.rs",
];

/// The files that can be made in parts (see [`Part`]), and the most parts each can have
/// (the lists are two items); every other file is made whole.
pub const IN_PARTS: &[(&str, usize)] = &[
    ("src/enums.rs", usize::MAX),
    ("src/bitmasks.rs", usize::MAX),
    ("src/reflection/enum_tables.rs", usize::MAX),
    ("src/reflection/bitmask_tables.rs", usize::MAX),
    ("src/extensions.rs", usize::MAX),
    ("src/reflection/lists.rs", 2),
];

/// The weight of a type in a file made in parts: what its items cost to emit and format.
fn type_weight(ty: &crate::model::EnumType) -> usize {
    ty.enumerants.len() + 10
}

/// The items of a part's share of `types`, each made by `item` (the enum or the bitmask
/// emitter) with this thread's skeleton, under the file's module doc (part 0).
fn share_of_types<'o>(
    types: &[&'o EnumType],
    part: Part,
    output: &'o Output,
    (path, module_doc): (&str, &str),
    item: fn(&'o EnumType, &'o Output, &Skeleton) -> Result<Vec<Documented<'o>>>,
) -> Result<Content<'o>> {
    let items = Skeleton::with(|skeleton| {
        let mut items = Vec::new();
        for ty in part.share(types, |t| type_weight(t)) {
            items.extend(item(ty, output, skeleton)?);
        }
        Ok::<_, crate::error::Error>(items)
    })?;
    Ok(Content::Documented { head: part_with_doc(path, module_doc, Vec::new(), part)?, items })
}

/// The items of one type as the crate holds them (for golden files and reviews: the
/// writer prints them as it prints the file).
pub fn type_items<'o>(model: &'o Model, c_name: &str, output: &'o Output) -> Option<Result<Content<'o>>> {
    let ty = model.types.iter().find(|t| t.c_name == c_name || t.enums_name.as_deref() == Some(c_name))?;
    let items = Skeleton::new().and_then(|skeleton| match ty.kind {
        TypeKind::Enum => enums::item(ty, output, &skeleton),
        TypeKind::Bitmask { .. } => bitmasks::item(ty, output, &skeleton),
    });
    Some(
        items
            .and_then(|items| Ok(Content::Documented { head: syntax::parse_file(c_name, TokenStream::new())?, items })),
    )
}

/// A file of `items` under a module doc comment.
fn file_with_doc(path: &str, doc: &str, items: Vec<syn::Item>) -> Result<syn::File> {
    let mut file = syntax::parse_file(path, quote! { #![doc = #doc] })?;
    file.items = items;
    Ok(file)
}

/// One part of a file of `items` under a module doc comment: the doc in part 0 only.
fn part_with_doc(path: &str, doc: &str, items: Vec<syn::Item>, part: Part) -> Result<syn::File> {
    if part.is_first() {
        file_with_doc(path, doc, items)
    } else {
        let mut file = syntax::parse_file(path, TokenStream::new())?;
        file.items = items;
        Ok(file)
    }
}

/// `#[doc = " ..."]`, one attribute per line, so that rustdoc shows `/// ...`.
fn doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote! { #(#[doc = #lines])* }
}

/// The name of a type's reflection table.
fn table_ident(ty: &crate::model::EnumType) -> proc_macro2::Ident {
    syntax::ident(&ty.table_name)
}

/// The impl block every type has, parsed once per thread and copied for each type.
pub struct Skeleton {
    imp: syn::ItemImpl,
}

impl Skeleton {
    pub fn new() -> Result<Skeleton> {
        let file = syntax::parse_file("skeleton", quote! { impl Type {} })?;
        match <[syn::Item; 1]>::try_from(file.items) {
            Ok([syn::Item::Impl(imp)]) => Ok(Skeleton { imp }),
            _ => unreachable!("the skeleton is an impl block"),
        }
    }

    /// Runs `f` with this thread's skeleton, parsed once per thread: every part of the two
    /// types files needs one.
    pub fn with<R>(f: impl FnOnce(&Skeleton) -> R) -> R {
        thread_local! {
            static SKELETON: Skeleton = Skeleton::new().expect("the skeleton's fixed tokens parse");
        }
        SKELETON.with(f)
    }

    /// `impl name {}`.
    fn impl_block(&self, name: &syn::Ident) -> syn::ItemImpl {
        let mut imp = self.imp.clone();
        imp.self_ty = Box::new(syn::Type::Path(syn::TypePath {
            attrs: Vec::new(),
            qself: None,
            path: syn::Path::from(name.clone()),
        }));
        imp
    }
}

/// The struct, its macro impls, its constants and its aliases: shared by enums and
/// bitmasks. `call` (a macro call) implements the type's traits; `raw` is its
/// representation.
/// The docs are the specification's (borrowed from `output`), or made here when a run
/// has none for an item.
fn type_item<'o>(
    ty: &'o crate::model::EnumType,
    raw: &'static str,
    call: rows::Row<'o>,
    output: &'o Output,
    skeleton: &Skeleton,
) -> Result<Vec<Documented<'o>>> {
    use crate::docs;
    let name = format_ident!("{}", ty.rust_name);
    let spec_docs = output.docs.as_ref().and_then(|d| d.of_type(&ty.c_name));
    let type_doc: Cow<'o, str> = match spec_docs {
        Some(docs) => docs.doc.as_str().into(),
        None => {
            format!("{} (C: `{}`)\n\n{}", docs::refpage_link(ty.refpage()), ty.c_name, docs::provided_by(&ty.providers))
                .into()
        }
    };
    // One Rust alias per name; where `...FlagsKHR` and `...FlagBitsKHR` share it, the
    // Flags alias (whose C name is the Rust name) speaks for it.
    let mut ordered: Vec<&crate::model::TypeAlias> = ty.aliases.iter().collect();
    ordered.sort_by_key(|a| (a.rust_name.clone(), crate::names::type_name(&a.c_name) != a.rust_name));
    let mut seen = std::collections::HashSet::new();
    let aliases: Vec<&crate::model::TypeAlias> =
        ordered.into_iter().filter(|a| a.rust_name != ty.rust_name && seen.insert(&a.rust_name)).collect();
    let imp = skeleton.impl_block(&name);
    let mut items = vec![
        Documented::Shaped(type_doc, Shaped::NewType(&ty.rust_name, raw)),
        Documented::Shaped(Cow::Borrowed(""), Shaped::Call(call)),
    ];
    let mut consts: Vec<(Cow<'o, str>, Member<'o>)> = ty
        .enumerants
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let alias_rust = e
                .alias_of
                .as_deref()
                .and_then(|target| ty.enumerants.iter().find(|t| t.c_name == target))
                .map(|t| t.rust_name.as_str());
            let text: Cow<'o, str> = match spec_docs.and_then(|d| d.enumerants.get(k)) {
                Some(text) => text.as_str().into(),
                None => docs::enumerant_doc(&e.c_name, &e.providers, alias_rust, e.deprecated.as_ref()).into(),
            };
            let value = Value::of(ty.kind, e.value);
            let member = match &e.deprecated {
                Some(d) => Member::Syntax(Box::new(syntax::self_const(
                    vec![syntax::deprecated_attr(&d.note)],
                    &e.rust_name,
                    syntax::self_call(value.to_expr()),
                ))),
                None => Member::Value(&e.rust_name, value),
            };
            (text, member)
        })
        .collect();
    // Second names: each value's name under an old name of the type.
    for old in &ty.old_names {
        let target = ty.enumerants.iter().find(|e| e.c_name == old.enumerant).expect("an old name names a value");
        let attrs = vec![syntax::deprecated_attr(&format!(
            "the name under `{}`, an old name of this type; use `{}`",
            old.type_alias, target.rust_name
        ))];
        consts.push((
            docs::old_name_doc(old, &target.rust_name).into(),
            Member::Syntax(Box::new(syntax::self_const(
                attrs,
                &old.rust_name,
                syntax::self_call(Value::of(ty.kind, target.value).to_expr()),
            ))),
        ));
    }
    if !consts.is_empty() {
        items.push(Documented::Impl(imp, consts));
    }
    for a in aliases {
        let doc = format!("C: `{}`, an alias of [`{}`].", a.c_name, ty.rust_name).into();
        items.push(match &a.deprecated {
            Some(d) => {
                let (alias, note) = (format_ident!("{}", a.rust_name), &d.note);
                Documented::Item(doc, syn::parse_quote! { #[deprecated(note = #note)] pub type #alias = #name; })
            }
            None => Documented::Shaped(doc, Shaped::Alias(&a.rust_name, &ty.rust_name)),
        });
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::Part;

    #[test]
    fn parts_share_the_items_in_order_each_once_by_weight() {
        let items: Vec<usize> = (0..100).map(|i| if i < 10 { 50 } else { 1 }).collect();
        for count in 1..=12 {
            let shares: Vec<&[usize]> = (0..count).map(|index| Part { index, count }.share(&items, |&w| w)).collect();
            // Joined in order, the shares are the items.
            let joined: Vec<usize> = shares.iter().flat_map(|s| s.iter().copied()).collect();
            assert_eq!(joined, items, "{count} parts");
            if count == 2 {
                // 590 in all: half falls among the ten heavy items.
                assert_eq!(shares[0].len(), 6);
            }
        }
        assert!(Part { index: 0, count: 3 }.share(&[] as &[usize], |&w| w).is_empty());
        // Two items, the second the heavier (the crate's two lists): one in each part.
        let two = [400usize, 500];
        assert_eq!(Part { index: 0, count: 2 }.share(&two, |&w| w), &[400]);
        assert_eq!(Part { index: 1, count: 2 }.share(&two, |&w| w), &[500]);
        // A heavy item takes the part its middle falls in; the items after it go on to
        // the next parts instead of all following it into one.
        let heavy = [1usize, 1, 1, 1, 12, 1, 1, 1, 1];
        let shares: Vec<&[usize]> = (0..4).map(|index| Part { index, count: 4 }.share(&heavy, |&w| w)).collect();
        assert_eq!(shares, [&[1, 1, 1, 1][..], &[][..], &[12][..], &[1, 1, 1, 1][..]]);
    }
}
