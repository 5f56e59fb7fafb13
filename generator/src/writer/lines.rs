//! Writer, one-line items: an impl block's first line (`impl Name {`) and an associated
//! constant of a value (`pub const NAME: Self = Self(1 << 3);`) -> the line prettyplease
//! prints for it, written here instead of by prettyplease's general printer (the types
//! files hold 4,600 such constants, each printed in an impl block of its own). A constant
//! that does not fit on one line, and anything of another shape, is left to prettyplease;
//! tests compare the two ways, at the margin and over whole generated files.
//!
//! prettyplease can break neither line before the constant's value; a value's call
//! `Self(...)` breaks only when the whole constant does not fit in the room its line
//! has.

use super::push_display;

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

/// `member` as one line indented `indent`, when it is `pub const NAME: Self = Self(v);`
/// with `v` a literal, a negated literal or `a << b` of two literals, and the line fits.
pub fn impl_const(member: &syn::ImplItem, indent: usize, out: &mut String) -> bool {
    let syn::ImplItem::Const(c) = member else { return false };
    let plain = c.attrs.is_empty()
        && matches!(c.vis, syn::Visibility::Public(_))
        && c.modifiers.defaultness.is_none()
        && c.generics.params.is_empty()
        && c.generics.where_clause.is_none()
        && is_self(&c.ty);
    let syn::Expr::Call(call) = &c.expr else { return false };
    let syn::Expr::Path(func) = call.func.as_ref() else { return false };
    if !plain || !call.attrs.is_empty() || !func.attrs.is_empty() || func.qself.is_some() || !func.path.is_ident("Self")
    {
        return false;
    }
    let mut args = call.args.iter();
    let (Some(value), None) = (args.next(), args.next()) else { return false };
    let start = out.len();
    out.extend(std::iter::repeat_n(' ', indent));
    out.push_str("pub const ");
    push_display(out, &c.ident);
    out.push_str(": Self = Self(");
    if !push_value(out, value) {
        out.truncate(start);
        return false;
    }
    out.push_str(");");
    if out.len() - start - indent > super::tables::room(indent) {
        out.truncate(start);
        return false;
    }
    out.push('\n');
    true
}

/// The type `Self`.
fn is_self(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident("Self"))
}

/// A literal, `-` a literal, or `a << b` of two literals, as prettyplease prints them.
fn push_value(out: &mut String, value: &syn::Expr) -> bool {
    match value {
        syn::Expr::Lit(lit) if lit.attrs.is_empty() => push_literal(out, &lit.lit),
        syn::Expr::Unary(u) if u.attrs.is_empty() && matches!(u.op, syn::UnOp::Neg(_)) => {
            out.push('-');
            matches!(u.expr.as_ref(), syn::Expr::Lit(lit) if lit.attrs.is_empty() && push_literal(out, &lit.lit))
        }
        syn::Expr::Binary(b) if b.attrs.is_empty() && matches!(b.op, syn::BinOp::Shl(_)) => {
            let (Some(left), Some(right)) = (literal(&b.left), literal(&b.right)) else { return false };
            push_literal(out, left) && {
                out.push_str(" << ");
                push_literal(out, right)
            }
        }
        _ => false,
    }
}

/// The literal `e` is.
fn literal(e: &syn::Expr) -> Option<&syn::Lit> {
    match e {
        syn::Expr::Lit(lit) if lit.attrs.is_empty() => Some(&lit.lit),
        _ => None,
    }
}

/// An integer literal as its token reads.
fn push_literal(out: &mut String, lit: &syn::Lit) -> bool {
    match lit {
        syn::Lit::Verbatim(token) => push_display(out, token),
        syn::Lit::Int(int) => push_display(out, int),
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prettyplease_prints(block: &syn::ItemImpl) -> String {
        let mut file: syn::File = syn::parse_str("").unwrap();
        file.items.push(syn::Item::Impl(block.clone()));
        prettyplease::unparse(&file)
    }

    /// Constants of every length around the margin, with each kind of value, print as
    /// prettyplease prints them in an impl block; those that do not fit are left to it.
    #[test]
    fn constants_print_as_prettyplease_prints_them_up_to_the_margin() {
        let (mut one_line, mut left) = (0, 0);
        for n in 1..100 {
            let name = "N".repeat(n);
            for value in ["0", "-1", "1 << 31", "0x7fff_ffff", "1000623000"] {
                let block: syn::ItemImpl =
                    syn::parse_str(&format!("impl Type {{ pub const {name}: Self = Self({value}); }}")).unwrap();
                let expected = prettyplease_prints(&block);
                let mut text = String::new();
                assert!(impl_open(&block, &mut text));
                if impl_const(&block.items[0], 4, &mut text) {
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

    /// Items of other shapes are left to prettyplease.
    #[test]
    fn other_shapes_are_left_to_prettyplease() {
        for source in [
            "impl T { #[deprecated] pub const A: Self = Self(0); }",
            "impl T { const A: Self = Self(0); }",
            "impl T { pub const A: u32 = Self(0); }",
            "impl T { pub const A: Self = Self::B; }",
            "impl T { pub const A: Self = Self(0, 1); }",
            "impl T { pub const A: Self = Self(1 + 2); }",
            "impl T { pub const A: Self = Self(\"s\"); }",
            "impl T { pub const A: Self = Other(0); }",
            "impl T { pub fn a() {} }",
        ] {
            let block: syn::ItemImpl = syn::parse_str(source).unwrap();
            let mut text = String::new();
            assert!(!impl_const(&block.items[0], 4, &mut text), "{source}");
            assert_eq!(text, "");
        }
        for source in ["impl<X> T<X> {}", "impl Clone for T {}", "unsafe impl T {}", "#[a] impl T {}", "impl a::T {}"] {
            let block: syn::ItemImpl = syn::parse_str(source).unwrap();
            assert!(!impl_open(&block, &mut String::new()), "{source}");
        }
    }
}
