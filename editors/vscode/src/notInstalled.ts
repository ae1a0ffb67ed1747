// A check of a target whose standard library is missing: what to say and offer. Pure.
import * as path from "node:path";

export const INSTALL_BUTTON = "Install Target";
export const BUILD_STD_BUTTON = "Check with -Zbuild-std";

export function notInstalledMessage(target: string): string {
  return `Triplet: ${target} is not installed (its standard library is missing), so it cannot be checked.`;
}

/** Install always; -Zbuild-std only when the toolchain has rust-src to build std from. */
export function notInstalledActions(rustSrcAvailable: boolean): string[] {
  return rustSrcAvailable ? [INSTALL_BUTTON, BUILD_STD_BUTTON] : [INSTALL_BUTTON];
}

/** rust-src lives at `<sysroot>/lib/rustlib/src/rust/library/core`. */
export function rustSrcPath(sysroot: string): string {
  return path.join(sysroot.trim(), "lib", "rustlib", "src", "rust", "library", "core");
}

/**
 * The rustc binaries whose rust-src the server's -Zbuild-std can use, in its order: the
 * default toolchain, then the system's.
 */
export const BUILD_STD_RUSTCS = ["rustc", "/usr/bin/rustc"] as const;
