//! What the local-type checks need to know about the standard library, as plain data.
//! `crate::sysroot_facts` derives it from rust-src; tests may build it by hand.

use crate::analysis::cfg::{CfgExpr, CfgSet};
use std::collections::{BTreeMap, BTreeSet};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum FloatTy {
    F32,
    F64,
}

impl FloatTy {
    pub fn name(self) -> &'static str {
        match self {
            FloatTy::F32 => "f32",
            FloatTy::F64 => "f64",
        }
    }

    pub fn from_name(name: &str) -> Option<FloatTy> {
        match name {
            "f32" => Some(FloatTy::F32),
            "f64" => Some(FloatTy::F64),
            _ => None,
        }
    }
}

/// One atomic type of `core::sync::atomic`: the cfg under which it exists and, for each
/// method, the cfg under which the method exists (on top of the type's).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AtomicTypeFacts {
    pub name: String,
    /// Conjunction; empty means "wherever the module exists".
    pub exists: Vec<CfgExpr>,
    /// Every method core defines for the type, with its own gate (conjunction).
    pub methods: BTreeMap<String, Vec<CfgExpr>>,
}

/// Facts derived from one toolchain's rust-src (and its targets' unstable cfg atoms).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SysrootFacts {
    /// Inherent methods std adds to `f32`/`f64` that core does not have.
    pub std_only_float_methods: BTreeMap<FloatTy, BTreeSet<String>>,
    pub atomic_types: Vec<AtomicTypeFacts>,
    /// Per target triple, the `target_has_atomic*` atoms rustc prints only with
    /// `RUSTC_BOOTSTRAP=1` (`target_has_atomic_load_store`, `…_equal_alignment`). A target
    /// missing here is evaluated from its stable cfg set, the rest counting as unknown.
    pub unstable_atomic_cfg: BTreeMap<String, CfgSet>,
}

impl SysrootFacts {
    pub fn atomic_type(&self, name: &str) -> Option<&AtomicTypeFacts> {
        self.atomic_types.iter().find(|ty| ty.name == name)
    }

    pub fn is_std_only_float_method(&self, ty: FloatTy, method: &str) -> bool {
        self.std_only_float_methods
            .get(&ty)
            .is_some_and(|methods| methods.contains(method))
    }
}
