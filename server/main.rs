use std::process::ExitCode;

fn main() -> ExitCode {
    // Cargo runs us as RUSTC_WRAPPER during `triplet build` (labels messages by target).
    if let Some(code) = triplet::build::wrapper::run_if_requested() {
        return code;
    }
    triplet::cli::main()
}
