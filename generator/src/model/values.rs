//! Model, values: one `<enum>` element -> its integer value, by the rules of registry.adoc
//! (`value`, `bitpos`, `offset` with `extnumber` and `dir`); API constants -> typed values.

use crate::error::{Error, Result};
use crate::registry::{EnumDef, Registry};

/// Base of values that extensions add: `1000000000 + (extnumber - 1) * 1000 + offset`.
pub const EXTENSION_BASE: i64 = 1_000_000_000;
/// Each extension owns a block of this many values.
pub const EXTENSION_BLOCK: i64 = 1000;

/// How wide the type that an enumerant belongs to is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// An enum: `int32_t` values.
    Enum,
    /// A bitmask with `VkFlags` (32) or `VkFlags64` (64) bits.
    Bits(u32),
}

/// Parses an integer as the registry writes one: decimal or `0x` hex, optionally negative.
pub fn parse_int(text: &str) -> Option<i128> {
    let t = text.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let magnitude = if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        if hex.is_empty() || hex.len() > 16 {
            return None;
        }
        i128::from_str_radix(hex, 16).ok()?
    } else {
        if t.is_empty() || t.len() > 20 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse::<i128>().ok()?
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// The value of a non-alias enumerant. `ext_number` is the number of the extension whose
/// block holds the element, if any.
pub fn enumerant_value(registry: &Registry, def: &EnumDef, ext_number: Option<i64>, width: Width) -> Result<i128> {
    let fail = |message: String| Error::Registry {
        path: registry.path.clone(),
        pos: def.pos,
        element: "enum".into(),
        message: format!("`{}`: {message}", def.name),
    };
    if let Some(attr) = def.unknown_attrs.first() {
        return Err(fail(format!(
            "unknown attribute `{attr}`: its effect on the value is not known, no value is guessed"
        )));
    }
    let value = if let Some(text) = &def.value {
        parse_int(text).ok_or_else(|| fail(format!("value `{}` is not an integer", crate::error::excerpt(text))))?
    } else if let Some(text) = &def.bitpos {
        let bit = parse_int(text)
            .ok_or_else(|| fail(format!("bitpos `{}` is not an integer", crate::error::excerpt(text))))?;
        let limit = match width {
            Width::Bits(w) => w as i128,
            Width::Enum => 32,
        };
        if !(0..limit).contains(&bit) {
            return Err(fail(format!("bitpos {bit} is outside a {limit}-bit type")));
        }
        1i128 << bit
    } else if let Some(text) = &def.offset {
        let offset = parse_int(text)
            .ok_or_else(|| fail(format!("offset `{}` is not an integer", crate::error::excerpt(text))))?;
        if !(0..EXTENSION_BLOCK as i128).contains(&offset) {
            return Err(fail(format!("offset {offset} is outside 0..{EXTENSION_BLOCK}")));
        }
        let number = match &def.extnumber {
            Some(n) => parse_int(n)
                .ok_or_else(|| fail(format!("extnumber `{}` is not an integer", crate::error::excerpt(n))))?,
            None => ext_number
                .map(i128::from)
                .ok_or_else(|| fail("`offset` without `extnumber` outside an extension with a number".into()))?,
        };
        if !(1..=1_000_000).contains(&number) {
            return Err(fail(format!("extension number {number} is out of range")));
        }
        let v = EXTENSION_BASE as i128 + (number - 1) * EXTENSION_BLOCK as i128 + offset;
        match def.dir.as_deref() {
            Some("-") => -v,
            None | Some("+") => v,
            Some(other) => return Err(fail(format!("dir `{}` is neither `-` nor `+`", crate::error::excerpt(other)))),
        }
    } else {
        return Err(fail("no value: none of `value`, `bitpos`, `offset`, `alias`".into()));
    };
    match width {
        Width::Enum if i32::try_from(value).is_err() => {
            Err(fail(format!("value {value} does not fit an enum (int32_t)")))
        }
        Width::Bits(w) if value < 0 || value >= (1i128 << w) => {
            Err(fail(format!("value {value} does not fit a {w}-bit bitmask")))
        }
        _ => Ok(value),
    }
}

/// The value of an API constant or an extension's constant, typed as Rust users expect.
#[derive(Clone, Debug, PartialEq)]
pub enum ConstValue {
    U32(u32),
    U64(u64),
    I32(i32),
    Usize(u64),
    /// The literal as written without its `F` suffix, e.g. `1000.0`.
    F32(String),
    /// A quoted string (an extension's name).
    Str(String),
    /// An enumerant, by its Rust type and constant name (old `#define` aliases).
    Enumerant {
        rust_type: String,
        rust_name: String,
    },
}

/// Parses the C expression forms the registry uses for constants: `16`, `(~0U)`, `(~0ULL)`,
/// `1000.0F`, `"VK_KHR_surface"`. `array_len` says the constant sizes an array (`usize`).
pub fn constant_value(text: &str, ctype: Option<&str>, array_len: bool) -> Option<ConstValue> {
    let t = text.trim();
    if let Some(s) = t.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        return Some(ConstValue::Str(s.to_owned()));
    }
    let inner = t.strip_prefix('(').and_then(|s| s.strip_suffix(')')).unwrap_or(t);
    if let Some(rest) = inner.strip_prefix('~') {
        // `~0U`, `~0ULL`, and the older `~0U-1` form.
        let (rest, minus) = match rest.split_once('-') {
            Some((a, b)) => (a, u64::try_from(parse_int(b)?).ok()?),
            None => (rest, 0),
        };
        let (digits, wide) = match rest.strip_suffix("ULL") {
            Some(d) => (d, true),
            None => (rest.strip_suffix('U')?, false),
        };
        let n = parse_int(digits)?;
        return Some(if wide || ctype == Some("uint64_t") {
            ConstValue::U64((!(u64::try_from(n).ok()?)).checked_sub(minus)?)
        } else {
            ConstValue::U32((!(u32::try_from(n).ok()?)).checked_sub(u32::try_from(minus).ok()?)?)
        });
    }
    if let Some(f) = inner.strip_suffix(['F', 'f']) {
        f.parse::<f32>().ok()?;
        return Some(ConstValue::F32(f.to_owned()));
    }
    if ctype == Some("float") {
        inner.parse::<f32>().ok()?;
        return Some(ConstValue::F32(inner.to_owned()));
    }
    let (digits, suffix_wide) = match inner.strip_suffix("ULL") {
        Some(d) => (d, true),
        None => (inner.strip_suffix('U').unwrap_or(inner), false),
    };
    let n = parse_int(digits)?;
    Some(if array_len {
        ConstValue::Usize(u64::try_from(n).ok()?)
    } else if suffix_wide || ctype == Some("uint64_t") {
        ConstValue::U64(u64::try_from(n).ok()?)
    } else if ctype == Some("int32_t") || n < 0 {
        ConstValue::I32(i32::try_from(n).ok()?)
    } else {
        ConstValue::U32(u32::try_from(n).ok()?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Pos;

    fn def(f: impl FnOnce(&mut EnumDef)) -> EnumDef {
        let mut d = EnumDef { name: "VK_TEST".into(), pos: Pos { line: 1, col: 1 }, ..Default::default() };
        f(&mut d);
        d
    }

    fn value(d: &EnumDef, ext: Option<i64>, width: Width) -> Result<i128> {
        enumerant_value(&Registry::default(), d, ext, width)
    }

    #[test]
    fn value_is_decimal_hex_or_negative() {
        assert_eq!(value(&def(|d| d.value = Some("42".into())), None, Width::Enum).unwrap(), 42);
        assert_eq!(value(&def(|d| d.value = Some("0x7FFFFFFF".into())), None, Width::Enum).unwrap(), 0x7FFF_FFFF);
        assert_eq!(value(&def(|d| d.value = Some("-13".into())), None, Width::Enum).unwrap(), -13);
    }

    #[test]
    fn bitpos_is_one_shifted() {
        assert_eq!(value(&def(|d| d.bitpos = Some("3".into())), None, Width::Bits(32)).unwrap(), 8);
        assert_eq!(value(&def(|d| d.bitpos = Some("40".into())), None, Width::Bits(64)).unwrap(), 1 << 40);
        assert!(value(&def(|d| d.bitpos = Some("32".into())), None, Width::Bits(32)).is_err());
        assert!(value(&def(|d| d.bitpos = Some("64".into())), None, Width::Bits(64)).is_err());
    }

    #[test]
    fn offset_uses_the_enclosing_extension_number() {
        // VK_KHR_swapchain is extension 2: VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR.
        let d = def(|d| d.offset = Some("0".into()));
        assert_eq!(value(&d, Some(2), Width::Enum).unwrap(), 1_000_001_000);
    }

    #[test]
    fn extnumber_overrides_and_dir_negates() {
        // VK_VERSION_1_0 adds VK_ERROR_OUT_OF_POOL_MEMORY with extnumber 70, dir "-".
        let d = def(|d| {
            d.offset = Some("0".into());
            d.extnumber = Some("70".into());
            d.dir = Some("-".into());
        });
        assert_eq!(value(&d, None, Width::Enum).unwrap(), -1_000_069_000);
    }

    #[test]
    fn offset_needs_a_number_and_stays_in_its_block() {
        assert!(value(&def(|d| d.offset = Some("0".into())), None, Width::Enum).is_err());
        assert!(value(&def(|d| d.offset = Some("1000".into())), Some(1), Width::Enum).is_err());
    }

    #[test]
    fn values_must_fit_their_type() {
        assert!(value(&def(|d| d.value = Some("0x80000000".into())), None, Width::Enum).is_err());
        assert!(value(&def(|d| d.value = Some("-1".into())), None, Width::Bits(32)).is_err());
        assert!(value(&def(|d| d.value = Some("(~0U)".into())), None, Width::Enum).is_err());
    }

    #[test]
    fn constants_are_typed() {
        assert_eq!(constant_value("(~0U)", None, false), Some(ConstValue::U32(u32::MAX)));
        assert_eq!(constant_value("(~2U)", None, false), Some(ConstValue::U32(u32::MAX - 2)));
        assert_eq!(constant_value("(~0U-1)", None, false), Some(ConstValue::U32(u32::MAX - 1)));
        assert_eq!(constant_value("(~0ULL)", None, false), Some(ConstValue::U64(u64::MAX)));
        assert_eq!(constant_value("1000.0F", None, false), Some(ConstValue::F32("1000.0".into())));
        assert_eq!(constant_value("16", None, true), Some(ConstValue::Usize(16)));
        assert_eq!(constant_value("1", Some("uint32_t"), false), Some(ConstValue::U32(1)));
        assert_eq!(constant_value("\"VK_KHR_surface\"", None, false), Some(ConstValue::Str("VK_KHR_surface".into())));
        assert_eq!(constant_value("VK_FOO", None, false), None);
    }
}
