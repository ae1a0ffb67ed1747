//! Names a module has without declaring them: the primitive types and the preludes. An item
//! or import declared under a cfg shadows them only where its cfg holds; elsewhere the name
//! still resolves (`#[cfg(all(feature = "alloc", not(feature = "std")))] use alloc::string::
//! String;` leaves `String` to std's prelude when `std` is on), so a gated declaration of one
//! of these names is never a miss on its own.

use super::source::Position;

/// The primitive types (the type namespace's last resort, also as `usize::MAX`).
const PRIMITIVE_TYPES: &[&str] = &[
    "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64",
    "i128", "isize", "f16", "f32", "f64", "f128",
];

/// core's prelude (every edition's, 2021's and 2024's additions included: a name one
/// edition lacks only makes Triplet silent).
const CORE_PRELUDE: &[&str] = &[
    "Copy",
    "Send",
    "Sized",
    "Sync",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "AsyncFn",
    "AsyncFnMut",
    "AsyncFnOnce",
    "drop",
    "align_of",
    "align_of_val",
    "size_of",
    "size_of_val",
    "Clone",
    "Default",
    "Eq",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Hash",
    "Debug",
    "AsMut",
    "AsRef",
    "From",
    "Into",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "IntoIterator",
    "Iterator",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "TryFrom",
    "TryInto",
    "FromIterator",
    "Future",
    "IntoFuture",
];

/// What std's prelude adds to core's.
const STD_PRELUDE: &[&str] = &["Box", "String", "ToOwned", "ToString", "Vec"];

/// Whether a first segment `name` in `position` resolves without any declaration, in a crate
/// that links std (`with_std`) or not.
pub fn supplies(name: &str, position: Position, with_std: bool) -> bool {
    let primitive = position != Position::Value && PRIMITIVE_TYPES.contains(&name);
    primitive || CORE_PRELUDE.contains(&name) || (with_std && STD_PRELUDE.contains(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitives_are_types_and_std_names_need_std() {
        assert!(supplies("usize", Position::TypePrefix, false));
        assert!(!supplies("usize", Position::Value, false));
        assert!(supplies("Option", Position::Value, false));
        assert!(supplies("String", Position::TypePrefix, true));
        assert!(!supplies("String", Position::TypePrefix, false));
        assert!(!supplies("OsString", Position::TypePrefix, true));
    }
}
