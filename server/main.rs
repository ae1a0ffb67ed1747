use std::process::ExitCode;

fn main() -> ExitCode {
    triplet::cli::main()
}
