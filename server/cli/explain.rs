//! `triplet explain CODE`: prints a rule's page (what fires, what does not, the fix, an
//! example), as `rustc --explain E0308` does. The pages ship inside the binary.

use super::EXIT_USAGE;
use crate::analysis::finding::RuleCode;
use crate::analysis::rules::{rule_page, ALL_RULES};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A rule code (`T0001`) or name (`std-in-no-std`).
    pub rule: String,
}

pub fn run(args: ExplainArgs) -> ExitCode {
    match RuleCode::parse(args.rule.trim()) {
        Some(code) => {
            print!("{}", rule_page(code.rule()));
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("error: unknown rule `{}`; the rules are:", args.rule);
            for rule in ALL_RULES {
                eprintln!("  {} {}", rule.code.as_str(), rule.name);
            }
            ExitCode::from(EXIT_USAGE)
        }
    }
}
