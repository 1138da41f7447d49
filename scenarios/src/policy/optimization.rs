//! `ci/wasm_optimization_policy.json`: the dev / canary / release build variants and their validator (contract 8.1).

use serde::{Deserialize, Serialize};

use super::{check_schema_version, Violation};
use crate::ids::{MetricId, Profile};
use crate::protocol::unmeasurable;

/// The optimization policy file. It may tune compiler flags and wasm-opt passes only: thresholds are not accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptimizationPolicy {
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub schema_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The adapter crate built by default (`reference-adapter`, in `adapters/reference`); `collector
    /// build --adapter DIR` builds another, with the same variants' features.
    #[serde(rename = "crate")]
    pub crate_name: String,
    pub target: String,
    /// `wasm-bindgen --target` value.
    pub wasm_bindgen_target: String,
    pub required_features: Vec<String>,
    pub forbidden_features: Vec<String>,
    pub variants: Vec<Variant>,
    /// How the size attribution groups the measured module's functions (the runtime's share beside
    /// the harness engine, the glue and std); functions of no group count as other code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub size_groups: Vec<crate::attribution::SizeGroup>,
}

/// One build variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub id: String,
    pub policy_profile: String,
    pub budget_profile: Profile,
    pub intent: String,
    pub features: Vec<String>,
    pub cargo: CargoSettings,
    pub wasm_opt: WasmOpt,
}

/// Compiler settings, applied as `--config profile.<p>.<key>=<value>` overrides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CargoSettings {
    /// `0`–`3`, `s` or `z`.
    pub opt_level: String,
    /// `off`, `thin` or `fat`.
    pub lto: String,
    pub codegen_units: u32,
    pub debug: bool,
    pub panic: String,
    pub strip: bool,
}

/// Post-link optimization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum WasmOptLevel {
    None,
    Moderate,
    Aggressive,
}

/// The wasm-opt posture and its passes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WasmOpt {
    pub level: WasmOptLevel,
    pub passes: Vec<String>,
}

/// The contract's section 8.1 table: variant → (policy profile, budget profile).
pub const VARIANTS: [(&str, &str, Profile); 3] = [
    ("dev", "wasm-browser-dev", Profile::FullDev),
    ("canary", "wasm-browser-canary", Profile::CoreTrace),
    ("release", "wasm-browser-release", Profile::CoreMin),
];

/// Contract 8.1 rule 3 in this project: features every browser build keeps enabled … none of its
/// own: what a browser build must carry is the adapter crate's harness export (`export_harness!`),
/// which `collector build --adapter` checks on the crate itself; a policy may still require features.
pub const REQUIRED_FEATURES: &[&str] = &[];
/// The feature that builds the deterministic trace/replay envelope (contract section 2): every profile
/// that times replay (M-PERF-04D: core-trace and full-dev) is built with it.
pub const TRACE_FEATURE: &str = "trace";
/// … and features no browser build may enable (the runtime's native-only surfaces). A policy may add
/// to either list, never drop from it.
pub const FORBIDDEN_FEATURES: &[&str] = &[
    "tokio/rt-multi-thread",
    "tokio/net",
    "tokio/time",
    "tokio/fs",
    "tokio/process",
    "tokio/signal",
];

impl OptimizationPolicy {
    /// The variant that builds a budget profile.
    pub fn variant_for(&self, profile: Profile) -> Option<&Variant> {
        self.variants.iter().find(|v| v.budget_profile == profile)
    }

    /// Every rule the policy breaks; empty when it is valid.
    pub fn validate(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        check_schema_version(self.schema_version, &mut out);
        if self.target != "wasm32-unknown-unknown" {
            out.push(Violation::new(
                "target",
                "$.target",
                format!("`{}` is not the browser target", self.target),
                "set \"target\": \"wasm32-unknown-unknown\"",
            ));
        }
        if self.wasm_bindgen_target != "web" {
            out.push(Violation::new(
                "wasm_bindgen_target",
                "$.wasm_bindgen_target",
                format!(
                    "`{}`: the host pages load ES modules",
                    self.wasm_bindgen_target
                ),
                "set \"wasm_bindgen_target\": \"web\"",
            ));
        }
        check_feature_lists(self, &mut out);
        if let Some(f) = self
            .required_features
            .iter()
            .find(|f| self.forbidden_features.contains(f))
        {
            out.push(Violation::new(
                "features.conflict",
                "$.forbidden_features",
                format!("`{f}` is both required and forbidden"),
                "remove it from one list",
            ));
        }
        for (id, policy_profile, budget_profile) in VARIANTS {
            match self.variants.iter().position(|v| v.id == id) {
                None => out.push(Violation::new(
                    "variants.missing",
                    "$.variants",
                    format!("variant `{id}` is missing"),
                    format!("add `{id}` → {policy_profile} → {budget_profile}"),
                )),
                Some(i) => {
                    let v = &self.variants[i];
                    let path = format!("$.variants[{i}]");
                    if v.policy_profile != policy_profile {
                        out.push(Violation::new(
                            "variants.mapping",
                            format!("{path}.policy_profile"),
                            format!(
                                "`{id}` must map to {policy_profile}, not {}",
                                v.policy_profile
                            ),
                            format!("set \"policy_profile\": \"{policy_profile}\""),
                        ));
                    }
                    if v.budget_profile != budget_profile {
                        out.push(Violation::new(
                            "variants.mapping",
                            format!("{path}.budget_profile"),
                            format!(
                                "`{id}` must map to {budget_profile}, not {}",
                                v.budget_profile
                            ),
                            format!("set \"budget_profile\": \"{budget_profile}\""),
                        ));
                    }
                    check_posture(&path, v, &mut out);
                    check_features(&path, v, self, &mut out);
                }
            }
        }
        check_size_groups(self, &mut out);
        for (i, v) in self.variants.iter().enumerate() {
            if !VARIANTS.iter().any(|(id, ..)| *id == v.id)
                || self.variants[..i].iter().any(|o| o.id == v.id)
            {
                out.push(Violation::new(
                    "variants.unknown",
                    format!("$.variants[{i}].id"),
                    format!("`{}` is not a contract variant or is repeated", v.id),
                    "keep exactly dev, canary and release",
                ));
            }
        }
        out
    }
}

fn check_size_groups(p: &OptimizationPolicy, out: &mut Vec<Violation>) {
    use crate::attribution::{CUSTOM_GROUP, DATA_GROUP, OTHER_GROUP, STRUCTURE_GROUP};
    let fixed = [OTHER_GROUP, DATA_GROUP, CUSTOM_GROUP, STRUCTURE_GROUP];
    for (i, g) in p.size_groups.iter().enumerate() {
        let path = format!("$.size_groups[{i}]");
        if g.id.is_empty()
            || fixed.contains(&g.id.as_str())
            || p.size_groups[..i].iter().any(|o| o.id == g.id)
        {
            out.push(Violation::new(
                "size_groups.id",
                format!("{path}.id"),
                format!(
                    "`{}` is empty, repeated or one of the fixed groups {fixed:?}",
                    g.id
                ),
                "give each group its own id, e.g. \"runtime\"",
            ));
        }
        if let Some(j) = g.paths.iter().position(|x| x.is_empty() || x.trim() != x) {
            out.push(Violation::new(
                "size_groups.paths",
                format!("{path}.paths[{j}]"),
                format!("`{}` is not a code path", g.paths[j]),
                "use a crate (`tokio`), a module (`harness_wasm::reference`) or a crate prefix (`futures_*`)",
            ));
        }
    }
}

fn check_posture(path: &str, v: &Variant, out: &mut Vec<Violation>) {
    let c = &v.cargo;
    if !matches!(c.opt_level.as_str(), "0" | "1" | "2" | "3" | "s" | "z") {
        out.push(Violation::new(
            "cargo.opt_level",
            format!("{path}.cargo.opt_level"),
            format!("`{}` is not a rustc opt-level", c.opt_level),
            "use 0, 1, 2, 3, s or z",
        ));
    }
    if !matches!(c.lto.as_str(), "off" | "thin" | "fat") {
        out.push(Violation::new(
            "cargo.lto",
            format!("{path}.cargo.lto"),
            format!("`{}` is not an lto setting", c.lto),
            "use off, thin or fat",
        ));
    }
    if c.codegen_units == 0 {
        out.push(Violation::new(
            "cargo.codegen_units",
            format!("{path}.cargo.codegen_units"),
            "codegen_units is 0",
            "use 1 or more",
        ));
    }
    if c.panic != "abort" {
        out.push(Violation::new(
            "cargo.panic",
            format!("{path}.cargo.panic"),
            format!(
                "wasm32-unknown-unknown only supports panic=abort, not `{}`",
                c.panic
            ),
            "set \"panic\": \"abort\"",
        ));
    }
    let want = match v.id.as_str() {
        "release" => Some((
            c.opt_level == "z" && c.lto == "fat" && !c.debug,
            WasmOptLevel::Aggressive,
            "opt_level z, lto fat, no debug info, aggressive wasm-opt",
        )),
        "canary" => Some((
            c.opt_level == "s" && !c.debug,
            WasmOptLevel::Moderate,
            "opt_level s, moderate wasm-opt",
        )),
        "dev" => Some((c.debug, WasmOptLevel::None, "debug info, no wasm-opt")),
        _ => None,
    };
    if let Some((cargo_ok, level, what)) = want {
        if !cargo_ok || v.wasm_opt.level != level {
            out.push(Violation::new(
                "variants.posture",
                path.to_string(),
                format!("`{}` must be built with {what}", v.id),
                format!("restore the contract's section 8.1 posture: {what}"),
            ));
        }
    }
    let passes_empty = v.wasm_opt.passes.is_empty();
    if (v.wasm_opt.level == WasmOptLevel::None) != passes_empty {
        out.push(Violation::new(
            "wasm_opt.passes",
            format!("{path}.wasm_opt.passes"),
            "passes must be empty exactly when level is none",
            "list passes for moderate/aggressive, none for none",
        ));
    }
    if let Some(p) = v.wasm_opt.passes.iter().find(|p| !p.starts_with('-')) {
        out.push(Violation::new(
            "wasm_opt.passes",
            format!("{path}.wasm_opt.passes"),
            format!("`{p}` is not a wasm-opt flag"),
            "write passes as flags, e.g. -Oz",
        ));
    }
}

/// The policy's feature lists keep the contract's (8.1 rule 3): they may grow, never shrink.
fn check_feature_lists(policy: &OptimizationPolicy, out: &mut Vec<Violation>) {
    let lists = [
        (
            "features.required_list",
            "$.required_features",
            REQUIRED_FEATURES,
            &policy.required_features,
        ),
        (
            "features.forbidden_list",
            "$.forbidden_features",
            FORBIDDEN_FEATURES,
            &policy.forbidden_features,
        ),
    ];
    for (rule, path, contract, listed) in lists {
        for f in contract.iter().filter(|f| !listed.iter().any(|l| l == *f)) {
            out.push(Violation::new(
                rule,
                path,
                format!(
                    "`{f}` was dropped: the contract keeps it in this list (section 8.1 rule 3)"
                ),
                format!("add \"{f}\" back"),
            ));
        }
    }
}

fn check_features(path: &str, v: &Variant, policy: &OptimizationPolicy, out: &mut Vec<Violation>) {
    let replays = unmeasurable(v.budget_profile, MetricId::Perf04D).is_none();
    if replays && !v.features.iter().any(|f| f == TRACE_FEATURE) {
        out.push(Violation::new(
            "features.trace",
            format!("{path}.features"),
            format!(
                "`{}` builds {}, which carries the trace/replay envelope (contract section 2; M-PERF-04D times it), but `{TRACE_FEATURE}` is not enabled",
                v.id, v.budget_profile
            ),
            format!("add \"{TRACE_FEATURE}\""),
        ));
    }
    for f in policy
        .required_features
        .iter()
        .filter(|f| !v.features.contains(f))
    {
        out.push(Violation::new(
            "features.required",
            format!("{path}.features"),
            format!("required feature `{f}` is not enabled"),
            format!("add \"{f}\""),
        ));
    }
    for f in v
        .features
        .iter()
        .filter(|f| policy.forbidden_features.contains(f))
    {
        out.push(Violation::new(
            "features.forbidden",
            format!("{path}.features"),
            format!("feature `{f}` is forbidden in browser builds"),
            format!("remove \"{f}\""),
        ));
    }
}
