//! Writer, one-line items: a type's newtype and its attribute lines, a type alias, an
//! impl block's first line (`impl Name {`) and an associated constant of a value ([`Member::Value`]: `pub const NAME: Self = Self(1 << 3);`) -> the
//! line prettyplease prints for it, written here instead of by prettyplease's general
//! printer (the types files hold 4,600 such constants, each printed in an impl block of its
//! own). A constant that does not fit on one line, and an impl block of another shape, is
//! left to prettyplease; tests compare the two ways, at the margin and over whole
//! generated files.
//!
//! prettyplease can break neither line before the constant's value; a value's call
//! `Self(...)` breaks only when the whole constant does not fit in the room its line
//! has.

use super::push_display;
#[cfg(doc)]
use crate::emit::Member;
use crate::emit::{Constant, Value, NEWTYPE_ATTRIBUTES};

/// The first line of `block`, `impl Name {`, when it is a plain inherent impl of a type
/// named by one identifier.
pub fn impl_open(block: &syn::ItemImpl, out: &mut String) -> bool {
    let plain = block.attrs.is_empty()
        && block.modifiers.defaultness.is_none()
        && block.modifiers.polarity.is_none()
        && block.unsafety.is_none()
        && block.trait_.is_none()
        && block.generics.params.is_empty()
        && block.generics.where_clause.is_none();
    let syn::Type::Path(ty) = block.self_ty.as_ref() else { return false };
    let Some(name) = ty.path.get_ident().filter(|_| plain && ty.qself.is_none()) else { return false };
    out.push_str("impl ");
    push_display(out, name);
    out.push_str(" {\n");
    true
}

/// A type's newtype, under its attributes ([`NEWTYPE_ATTRIBUTES`]), each on a line of
/// its own as prettyplease prints them, when each line fits.
pub fn newtype(name: &str, raw: &str, out: &mut String) -> bool {
    let start = out.len();
    for (attr, args) in NEWTYPE_ATTRIBUTES {
        let line = out.len();
        out.push_str("#[");
        out.push_str(attr);
        out.push('(');
        for (k, arg) in args.iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            out.push_str(arg);
        }
        out.push_str(")]");
        if out.len() - line > super::tables::room(0) {
            out.truncate(start);
            return false;
        }
        out.push('\n');
    }
    let line = out.len();
    out.extend(["pub struct ", name, "(pub(crate) ", raw, ");"]);
    if out.len() - line > super::tables::room(0) {
        out.truncate(start);
        return false;
    }
    out.push('\n');
    true
}

/// `pub const NAME: T = value;` of a module's constant, as one line: prettyplease breaks
/// a constant of a literal nowhere, however long.
pub fn constant(name: &str, value: &Constant, out: &mut String) {
    out.extend(["pub const ", name, ": "]);
    match value {
        Constant::CStr(text) => {
            out.push_str("&core::ffi::CStr = ");
            crate::emit::push_c_str_literal(out, text);
        }
        Constant::U32(n) => {
            out.push_str("u32 = ");
            push_display(out, n);
        }
    }
    out.push_str(";\n");
}

/// `pub type Alias = Target;` as one line: prettyplease breaks an alias of a name nowhere,
/// however long.
pub fn alias(alias: &str, target: &str, out: &mut String) {
    out.extend(["pub type ", alias, " = ", target, ";\n"]);
}

/// `pub const NAME: Self = Self(value);` as one line indented `indent`, when it fits.
pub fn value_const(name: &str, value: Value, indent: usize, out: &mut String) -> bool {
    let start = out.len();
    out.extend(std::iter::repeat_n(' ', indent));
    out.push_str("pub const ");
    out.push_str(name);
    out.push_str(": Self = Self(");
    value.push_text(out);
    out.push_str(");");
    if out.len() - start - indent > super::tables::room(indent) {
        out.truncate(start);
        return false;
    }
    out.push('\n');
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prettyplease_prints(item: syn::Item) -> String {
        let mut file: syn::File = syn::parse_str("").unwrap();
        file.items.push(item);
        prettyplease::unparse(&file)
    }

    /// Constants of every length around the margin, with each kind of value, print as
    /// prettyplease prints them in an impl block; those that do not fit are left to it.
    #[test]
    fn constants_print_as_prettyplease_prints_them_up_to_the_margin() {
        let (mut one_line, mut left) = (0, 0);
        for n in 1..100 {
            let name = "N".repeat(n);
            for value in
                [Value::Int(0), Value::Int(-1), Value::Bit(31), Value::Hex(0x7fff_ffff), Value::Int(1000623000)]
            {
                let member = crate::emit::Member::Value(&name, value);
                let mut block: syn::ItemImpl = syn::parse_str("impl Type {}").unwrap();
                block.items.push(member.to_syntax());
                let expected = prettyplease_prints(syn::Item::Impl(block.clone()));
                let mut text = String::new();
                assert!(impl_open(&block, &mut text));
                if value_const(&name, value, 4, &mut text) {
                    text.push_str("}\n");
                    assert_eq!(text, expected);
                    one_line += 1;
                } else {
                    assert_eq!(text, "impl Type {\n", "nothing more written");
                    assert!(expected.lines().count() > 3, "prettyplease breaks it:\n{expected}");
                    left += 1;
                }
            }
        }
        assert!(one_line > 250 && left > 150, "{one_line} on one line, {left} left to prettyplease");
    }

    /// Newtypes and aliases of every name length around the margin print as prettyplease
    /// prints them; newtypes that do not fit are left to it.
    #[test]
    fn newtypes_and_aliases_print_as_prettyplease_prints_them_up_to_the_margin() {
        use crate::emit::Shaped;
        let (mut one_line, mut left) = (0, 0);
        for n in 1..100 {
            let name = "N".repeat(n);
            for shaped in [Shaped::NewType(&name, "u64"), Shaped::Alias(&name, "Target"), Shaped::Alias("A", &name)] {
                let expected = prettyplease_prints(shaped.to_syntax());
                let mut text = String::new();
                let written = match &shaped {
                    Shaped::NewType(name, raw) => newtype(name, raw, &mut text),
                    Shaped::Alias(name, target) => {
                        super::alias(name, target, &mut text);
                        true
                    }
                    Shaped::Call(_) | Shaped::Const(..) => unreachable!("not made here"),
                };
                if written {
                    assert_eq!(text, expected);
                    one_line += 1;
                } else {
                    assert_eq!(text, "", "nothing written");
                    assert!(expected.lines().count() > 3, "prettyplease breaks it:\n{expected}");
                    left += 1;
                }
            }
        }
        assert!(one_line > 250 && left > 30, "{one_line} on one line, {left} left to prettyplease");
    }

    /// Impl blocks of other shapes are left to prettyplease.
    #[test]
    fn other_impl_blocks_are_left_to_prettyplease() {
        for source in ["impl<X> T<X> {}", "impl Clone for T {}", "unsafe impl T {}", "#[a] impl T {}", "impl a::T {}"] {
            let block: syn::ItemImpl = syn::parse_str(source).unwrap();
            assert!(!impl_open(&block, &mut String::new()), "{source}");
        }
    }
}
