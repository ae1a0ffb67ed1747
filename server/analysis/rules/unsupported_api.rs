//! T0002 `unsupported-api`: std APIs that compile for a target but fail at run time there
//! (panic, return `Unsupported`, or silently do nothing), per the run-time API table.

use super::{format_targets, FindingSet, ReportedIn, Rule};
use crate::analysis::cfg::{CfgExpr, CfgSet};
use crate::analysis::context::{ApiVerdict, Behaviour, CrateFile, CrateInput, TargetView};
use crate::analysis::finding::{
    ApiFacts, ApiTargetFact, Finding, Fix, RuleCode, Severity, TextEdit,
};
use crate::analysis::resolve::{Certainty, Resolver};
use crate::analysis::syntax::{PathKind, PathRef};

pub const RULE: Rule = Rule {
    code: RuleCode::T0002,
    name: "unsupported-api",
    default_severity: Severity::Warning,
    reported_in: ReportedIn::Source,
    short: "std APIs that compile but fail at run time on a target.",
    summary: "std APIs that compile but panic / return `Unsupported` / do nothing at run time on the target. Fix: `#[cfg(not(...))]` on the statement",
    source_file: file!(),
    docs: r#"
**Fires** on a call path that resolves (through `use` trees, renames, imported modules and
types, globs) to a std API that compiles for a selected target but fails at run time there:
it panics (`Instant::now` on wasm32-unknown-unknown: "time not implemented on this
platform"), returns an `Unsupported` error (`std::fs::read`), or silently does nothing. The
verdicts come from the run-time API table, derived from std's own source (see
`docs/runtime-api.md`); each finding carries, per target, the behaviour, the message and
the std source file, shown on hover in editors.

**Does not fire** on targets where the API works, on targets where the crate is `no_std`
(that is T0001's business), in code gated off for the failing targets
(`#[cfg(not(target_arch = "wasm32"))]`), or on names a glob import would bring in that the
table does not know. `cfg!()` in an expression does not hide a call.

**Fix**: for an expression statement, `#[cfg(not(<predicate>))]` before it, where the
predicate is the simplest one true on every failing target and false on every target where
the API works (checked against each target's real cfg set). The message names the
portable alternative (web-time, wasm-bindgen-futures, gloo-timers…).

**Example**

```rust
pub fn spawn_worker() {
    std::thread::spawn(|| {}); // warning on wasm32-unknown-unknown: panics at run time
}
```

becomes

```rust
pub fn spawn_worker() {
    #[cfg(not(target_arch = "wasm32"))]
    std::thread::spawn(|| {});
}
```
"#,
};

pub fn check(input: &CrateInput<'_>, out: &mut FindingSet) {
    for index in 0..input.files.len() {
        check_one_file(input, index, out);
    }
}

/// The findings of `input.files[index]`: they depend only on that file, the crate root's
/// attributes and the targets.
pub fn check_one_file(input: &CrateInput<'_>, index: usize, out: &mut FindingSet) {
    let (Some(root), Some(file)) = (input.files.first(), input.files.get(index)) else {
        return;
    };
    // Targets where the crate is no_std are T0001's business, not this rule's.
    let std_targets: Vec<&TargetView> = input
        .targets
        .iter()
        .filter(|t| t.has_std && !root.syntax.is_no_std(&t.cfg))
        .collect();
    if std_targets.is_empty() {
        return;
    }
    for path in file
        .syntax
        .paths
        .iter()
        .filter(|p| p.kind == PathKind::Value)
    {
        if let Some(finding) = check_path(input, file, path, &std_targets) {
            out.push(finding);
        }
    }
}

fn check_path(
    input: &CrateInput<'_>,
    file: &CrateFile<'_>,
    path: &PathRef,
    targets: &[&TargetView],
) -> Option<Finding> {
    let mut api = None;
    let mut failing: Vec<(&TargetView, ApiVerdict)> = Vec::new();
    let mut facts = Vec::new();
    for target in targets {
        if !file.is_on(&target.cfg) || !path.gate.is_on(&target.cfg) {
            continue;
        }
        let resolver = Resolver::new(file.syntax, &target.cfg, &[]);
        let Some(resolved) = resolver.resolve_path(path) else {
            continue;
        };
        if resolved.krate() != "std" {
            continue;
        }
        let name = resolved.joined();
        let Some(verdict) = input.apis.verdict(&name, &target.triple) else {
            // Globs only count for names the table knows; unknown targets are taken as ok.
            if resolved.certainty == Certainty::ViaGlob {
                continue;
            }
            facts.push(ApiTargetFact {
                target: target.triple.clone(),
                behaviour: Behaviour::Ok,
                message: String::new(),
                source: String::new(),
            });
            continue;
        };
        api.get_or_insert(name);
        facts.push(ApiTargetFact {
            target: target.triple.clone(),
            behaviour: verdict.behaviour,
            message: verdict.message.clone(),
            source: verdict.source.clone(),
        });
        if verdict.fails() {
            failing.push((target, verdict));
        }
    }
    let api = api?;
    if failing.is_empty() {
        return None;
    }
    let failing_targets: Vec<String> = failing.iter().map(|(t, _)| t.triple.clone()).collect();
    let alternative = failing.iter().find_map(|(_, v)| v.alternative.clone());
    let mut message = format!("`{api}` {}", describe(&failing));
    if let Some(alternative) = &alternative {
        message.push_str(&format!("; portable alternative: {alternative}"));
    }
    let ok_cfgs: Vec<&CfgSet> = targets
        .iter()
        .filter(|t| !failing_targets.contains(&t.triple))
        .map(|t| &t.cfg)
        .collect();
    let failing_cfgs: Vec<&CfgSet> = failing.iter().map(|(t, _)| &t.cfg).collect();
    let fixes = gate_fix(file, path, &failing_cfgs, &ok_cfgs)
        .into_iter()
        .collect();
    Some(Finding {
        code: RuleCode::T0002,
        severity: RuleCode::T0002.default_severity(),
        message,
        package: input.package.to_string(),
        targets: failing_targets,
        file: file.path.to_path_buf(),
        range: path.range.clone(),
        fixes,
        api: Some(ApiFacts {
            api,
            per_target: facts,
            alternative,
        }),
    })
}

/// "panics at run time on A (\"msg\"); returns an `Unsupported` error on B and C".
fn describe(failing: &[(&TargetView, ApiVerdict)]) -> String {
    let mut groups: Vec<(Behaviour, String, Vec<String>)> = Vec::new();
    for (target, verdict) in failing {
        match groups
            .iter_mut()
            .find(|(b, m, _)| *b == verdict.behaviour && *m == verdict.message)
        {
            Some(group) => group.2.push(target.triple.clone()),
            None => groups.push((
                verdict.behaviour,
                verdict.message.clone(),
                vec![target.triple.clone()],
            )),
        }
    }
    groups
        .iter()
        .map(|(behaviour, message, targets)| {
            let what = match behaviour {
                Behaviour::Panic => "panics at run time",
                Behaviour::Error => "returns an `Unsupported` error at run time",
                // Only failing behaviours are described; Ok and Absent never get here.
                Behaviour::Noop | Behaviour::Ok | Behaviour::Absent => {
                    "silently does nothing at run time"
                }
            };
            let detail = if message.is_empty() {
                String::new()
            } else {
                format!(" ({message:?})")
            };
            format!("{what} on {}{detail}", format_targets(targets))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `#[cfg(not(…))]` on the expression statement, with a predicate true on every failing
/// target and false on every target where the API works.
fn gate_fix(
    file: &CrateFile<'_>,
    path: &PathRef,
    failing: &[&CfgSet],
    ok: &[&CfgSet],
) -> Option<Fix> {
    let (offset, indent) = path.statement.clone()?;
    let predicate = separating_predicate(failing, ok)?;
    Some(Fix {
        title: format!("Leave this statement out with #[cfg(not({predicate}))]"),
        edits: vec![TextEdit {
            file: file.path.to_path_buf(),
            range: offset..offset,
            new_text: format!("#[cfg(not({predicate}))]\n{indent}"),
        }],
        preferred: false,
    })
}

/// The simplest predicate from a fixed list that holds on `failing` and not on `ok`.
pub fn separating_predicate(failing: &[&CfgSet], ok: &[&CfgSet]) -> Option<String> {
    let mut candidates = vec![
        r#"target_arch = "wasm32""#.to_string(),
        r#"target_family = "wasm""#.to_string(),
        r#"target_os = "wasi""#.to_string(),
        r#"all(target_arch = "wasm32", target_os = "unknown")"#.to_string(),
        r#"all(target_arch = "wasm32", not(target_os = "emscripten"))"#.to_string(),
    ];
    let per_target: Vec<String> = failing
        .iter()
        .map(|cfg| {
            let arch = cfg.value_of("target_arch").unwrap_or("unknown");
            let os = cfg.value_of("target_os").unwrap_or("none");
            let env = cfg.value_of("target_env").unwrap_or("");
            format!(r#"all(target_arch = "{arch}", target_os = "{os}", target_env = "{env}")"#)
        })
        .collect();
    if per_target.len() == 1 {
        candidates.extend(per_target.iter().cloned());
    } else {
        candidates.push(format!("any({})", per_target.join(", ")));
    }
    candidates.into_iter().find(|text| {
        let Ok(expr) = CfgExpr::parse(text) else {
            return false;
        };
        failing.iter().all(|cfg| expr.eval(cfg)) && ok.iter().all(|cfg| !expr.eval(cfg))
    })
}
