// Drives a real VS Code (code-server in Debian's Chromium, through puppeteer-core) the way a
// user would, on a copy of tests/fixtures/editor-vscode with the Triplet extension installed
// from its .vsix. Run by tests/editors/editor_vscode.rs; exits non-zero on the first failed step and
// leaves a screenshot and the visible state of the window under $E2E_ARTIFACTS.
//
// Environment: CODE_SERVER_DIR (install.sh's work dir), E2E_USER_DATA, E2E_EXTENSIONS,
// E2E_WORKSPACE, E2E_ARTIFACTS, E2E_SERVER (the triplet binary), CHROMIUM (optional).
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const codeServerDir = env("CODE_SERVER_DIR");
const userData = env("E2E_USER_DATA");
const extensions = env("E2E_EXTENSIONS");
const workspace = env("E2E_WORKSPACE");
const artifacts = env("E2E_ARTIFACTS");
const serverPath = env("E2E_SERVER");
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
const require = createRequire(path.join(codeServerDir, "package.json"));
const puppeteer = require("puppeteer-core");

const STEP_TIMEOUT_MS = 60_000;
const t0 = Date.now();
const log = (message) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);
/** Editor and workbench text uses non-breaking spaces. */
const plain = (text) => text.replace(/\u00a0/g, " ");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function startCodeServer(port) {
  const child = spawn(
    process.execPath,
    [
      path.join(codeServerDir, "node_modules/code-server/out/node/entry.js"),
      "--bind-addr", `127.0.0.1:${port}`,
      "--auth", "none",
      "--user-data-dir", userData,
      "--extensions-dir", extensions,
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--config", path.join(artifacts, "code-server.yaml"),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const logFile = path.join(artifacts, "code-server.log");
  let output = "";
  const keep = (chunk) => {
    output += chunk;
    writeFileSync(logFile, output);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start:\n${output}`)), STEP_TIMEOUT_MS);
    child.stdout.on("data", () => {
      if (output.includes("HTTP server listening")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`code-server exited (${code}):\n${output}`)));
  });
  return { child, listening };
}

/** Polls `probe` (run in the page) until it returns a truthy value. */
async function until(page, what, probe, arg) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const value = await page.evaluate(probe, arg).catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Texts of the Problems panel's rows. */
const problemRows = () =>
  [...document.querySelectorAll(".markers-panel .monaco-list-row")].map((row) =>
    `${row.getAttribute("aria-label") || ""} | ${row.textContent || ""}`.replace(/\u00a0/g, " "),
  );

async function problems(page) {
  return page.evaluate(problemRows);
}

async function waitForProblem(page, what, test) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const rows = await problems(page);
    const found = rows.find(test);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for a Problems entry: ${what}\nrows:\n${rows.join("\n")}`);
    await sleep(100);
  }
}

async function waitForNoProblem(page, what, test) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const rows = await problems(page);
    if (!rows.some(test)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} to leave Problems\nrows:\n${rows.join("\n")}`);
    await sleep(100);
  }
}

/** The Triplet status-bar item's text. */
const tripletStatus = () => {
  const items = [...document.querySelectorAll(".statusbar-item")];
  const item = items.find((el) => (el.id || "").includes("triplet.targets"));
  return item ? (item.textContent || "").replace(/\u00a0/g, " ").trim() + (item.querySelector(".codicon-sync.codicon-modifier-spin, .codicon-sync~spin, .codicon-modifier-spin") ? " [spinning]" : "") : "";
};

async function runCommand(page, title) {
  await page.keyboard.press("F1");
  await page.waitForSelector(".quick-input-widget:not([style*='display: none']) input", { visible: true });
  // F1 opens the palette with ">" already typed.
  await page.keyboard.type(title);
  await until(page, `the palette entry ${title}`, (t) =>
    [...document.querySelectorAll(".quick-input-list .monaco-list-row")].some((r) => (r.textContent || "").replace(/\u00a0/g, " ").includes(t)), title);
  await page.keyboard.press("Enter");
}

/** Clicks the row of the open quick pick whose label is exactly `label`. */
async function clickPickRow(page, label) {
  const handle = await until(page, `quick pick row ${label}`, (l) => {
    const rows = [...document.querySelectorAll(".quick-input-widget .quick-input-list .monaco-list-row")];
    const row = rows.find((r) => (r.querySelector(".label-name")?.textContent || "").replace(/\u00a0/g, " ").trim() === l);
    if (!row) return false;
    row.setAttribute("data-e2e", "target");
    return true;
  }, label);
  if (!handle) throw new Error(`no row ${label}`);
  await page.click(".quick-input-widget [data-e2e='target']");
  await page.evaluate(() => document.querySelector("[data-e2e='target']")?.removeAttribute("data-e2e"));
}

async function typeInQuickInput(page, text) {
  const input = ".quick-input-widget .quick-input-box input";
  await page.waitForSelector(input, { visible: true });
  await page.focus(input);
  await page.keyboard.down("Control");
  await page.keyboard.press("a");
  await page.keyboard.up("Control");
  await page.keyboard.press("Backspace");
  await page.keyboard.type(text);
}

async function editorText(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll(".editor-instance .view-lines .view-line")]
      .map((line) => ({ top: parseFloat(line.style.top || "0"), text: (line.textContent || "").replace(/\u00a0/g, " ") }))
      .sort((a, b) => a.top - b.top)
      .map((line) => line.text)
      .join("\n"),
  );
}

async function gotoLine(page, where) {
  await page.keyboard.down("Control");
  await page.keyboard.press("g");
  await page.keyboard.up("Control");
  await page.waitForSelector(".quick-input-widget .quick-input-box input", { visible: true });
  await page.keyboard.type(where);
  await page.keyboard.press("Enter");
}

async function clickStatusItem(page) {
  await page.click(".statusbar-item[id*='triplet.targets'] a, .statusbar-item[id*='triplet.targets']");
}

async function main() {
  mkdirSync(artifacts, { recursive: true });
  const port = await freePort();
  const server = startCodeServer(port);
  let browser;
  let page;
  let step = "start";
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    server.child.kill("SIGTERM");
  };
  const overall = setTimeout(() => {
    console.error("drive.mjs: overall timeout");
    void cleanup().then(() => process.exit(3));
  }, 150_000);
  try {
    await server.listening;
    log(`code-server on port ${port}`);
    browser = await puppeteer.launch({
      executablePath: chromium,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1600,900"],
      defaultViewport: { width: 1600, height: 900 },
    });
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(".monaco-workbench .part.statusbar", { timeout: STEP_TIMEOUT_MS });
    await until(page, "the Triplet status item", tripletStatus);
    log(`workbench up; status item: ${await page.evaluate(tripletStatus)}`);

    step = "1-unsaved-diagnostics";
    await page.keyboard.down("Control");
    await page.keyboard.press("p");
    await page.keyboard.up("Control");
    await page.waitForSelector(".quick-input-widget .quick-input-box input", { visible: true });
    await page.keyboard.type("lib.rs");
    await until(page, "lib.rs in quick open", () =>
      [...document.querySelectorAll(".quick-input-list .monaco-list-row")].some((r) => (r.textContent || "").includes("lib.rs")));
    await page.keyboard.press("Enter");
    await until(page, "lib.rs open", () => document.querySelector(".editor-instance .view-lines")?.textContent?.includes("evens"));
    await gotoLine(page, "2");
    await page.keyboard.type("use std::vec::Vec;");
    await page.keyboard.press("Enter");
    await runCommand(page, "Problems: Focus on Problems View");
    const t0001 = await waitForProblem(page, "T0001 for the unsaved `use std::vec::Vec;`", (row) => row.includes("T0001") && row.includes("std::vec::Vec"));
    log(`unsaved buffer: ${t0001}`);

    step = "2-quick-fix";
    await page.click(".editor-instance .view-lines");
    await gotoLine(page, "2:6");
    await page.keyboard.down("Control");
    await page.keyboard.press(".");
    await page.keyboard.up("Control");
    const fix = await until(page, "the quick-fix menu", () => {
      const rows = [...document.querySelectorAll(".action-widget .monaco-list-row")];
      const row = rows.find((r) => (r.textContent || "").replace(/\u00a0/g, " ").includes("Use `alloc::vec::Vec`"));
      if (!row) return false;
      row.setAttribute("data-e2e", "fix");
      return row.textContent;
    });
    log(`quick-fix offered: ${plain(fix)}`);
    await page.click(".action-widget [data-e2e='fix']");
    const fixed = await until(page, "the rewritten buffer", () => {
      const text = [...document.querySelectorAll(".editor-instance .view-lines .view-line")].map((l) => (l.textContent || "").replace(/\u00a0/g, " ")).join("\n");
      return text.includes("use alloc::vec::Vec;") && text.includes("extern crate alloc;") ? text : false;
    });
    log(`buffer after the fix:\n${fixed}`);
    await waitForNoProblem(page, "T0001", (row) => row.includes("T0001"));
    log("T0001 is gone");

    step = "3-pick-targets";
    await waitForProblem(page, "T0006 for thumbv7em (from Cargo.toml)", (row) => row.includes("T0006") && row.includes("thumbv7em-none-eabihf"));
    if ((await problems(page)).some((row) => row.includes("T0002"))) throw new Error("T0002 before wasm32 was picked");
    await clickStatusItem(page);
    await until(page, "the status menu", () => document.querySelector(".quick-input-widget .quick-input-list .monaco-list-row"));
    await clickPickRow(page, "Pick Targets…");
    await typeInQuickInput(page, "thumbv7em-none-eabihf");
    await clickPickRow(page, "thumbv7em-none-eabihf");
    await typeInQuickInput(page, "wasm32-unknown-unknown");
    await clickPickRow(page, "wasm32-unknown-unknown");
    await page.keyboard.press("Enter");
    const settingsFile = path.join(workspace, ".vscode", "settings.json");
    const written = await (async () => {
      const deadline = Date.now() + STEP_TIMEOUT_MS;
      for (;;) {
        try {
          const settings = JSON.parse(readFileSync(settingsFile, "utf8"));
          if (Array.isArray(settings["triplet.targets"])) return settings["triplet.targets"];
        } catch {}
        if (Date.now() > deadline) throw new Error(`${settingsFile} never got triplet.targets`);
        await sleep(100);
      }
    })();
    // The host stays picked (the server selects it); thumbv7em was unpicked, wasm32 picked.
    if (!written.includes("wasm32-unknown-unknown") || written.includes("thumbv7em-none-eabihf")) {
      throw new Error(`the picker wrote ${JSON.stringify(written)}: wanted wasm32-unknown-unknown without thumbv7em-none-eabihf`);
    }
    log(`picker wrote triplet.targets = ${JSON.stringify(written)}`);
    const t0002 = await waitForProblem(page, "T0002 for wasm32", (row) => row.includes("T0002") && row.includes("wasm32-unknown-unknown"));
    log(`findings follow: ${t0002}`);
    // Saved, as a user would before a real check (the check reads the disk).
    await page.click(".editor-instance .view-lines");
    await page.keyboard.down("Control");
    await page.keyboard.press("s");
    await page.keyboard.up("Control");
    log(`status item: ${await page.evaluate(tripletStatus)}`);

    step = "4-check-target";
    await clickStatusItem(page);
    await until(page, "the status menu", () => document.querySelector(".quick-input-widget .quick-input-list .monaco-list-row"));
    await clickPickRow(page, "Check for Target…");
    await typeInQuickInput(page, "x86_64-unknown-linux-gnu");
    await clickPickRow(page, "x86_64-unknown-linux-gnu");
    // Either the Triplet item spins (triplet/checkStatus "running") or VS Code shows the
    // server's $/progress ("Checking x86_64-unknown-linux-gnu…").
    const progress = await until(page, "check progress in the status bar", () => {
      const items = [...document.querySelectorAll(".statusbar-item")];
      const busy = items.find((el) => {
        const text = (el.textContent || "").replace(/\u00a0/g, " ");
        const spinning = el.querySelector(".codicon-modifier-spin, [class*='spin']") !== null;
        return (spinning && (el.id || "").includes("triplet.targets")) || /Checking x86_64-unknown-linux-gnu/.test(text);
      });
      return busy ? `${busy.id}: ${(busy.textContent || "").replace(/\u00a0/g, " ").trim()}` : false;
    });
    log(`progress: ${progress}`);
    const compiler = await waitForProblem(page, "E0308 labelled triplet(x86_64-unknown-linux-gnu)", (row) =>
      row.includes("triplet(x86_64-unknown-linux-gnu)") && row.includes("E0308"));
    log(`compiler diagnostic: ${compiler}`);
    // From the compiler's diagnostic, the check of its target is one step away (Ctrl+.).
    await page.click(".editor-instance .view-lines");
    await gotoLine(page, "17:6");
    await page.keyboard.down("Control");
    await page.keyboard.press(".");
    await page.keyboard.up("Control");
    const recheck = await until(page, "Check for x86_64-unknown-linux-gnu in the quick-fix menu", () =>
      [...document.querySelectorAll(".action-widget .monaco-list-row")]
        .map((r) => (r.textContent || "").replace(/\u00a0/g, " "))
        .find((text) => text.includes("Check for x86_64-unknown-linux-gnu")));
    log(`quick-fix menu offers: ${recheck}`);
    await page.keyboard.press("Escape");
    const failed = await until(page, "the status item to show the failure", () => {
      const el = [...document.querySelectorAll(".statusbar-item")].find((e) => (e.id || "").includes("triplet.targets"));
      const text = (el?.textContent || "").replace(/\u00a0/g, " ");
      return text.includes("✗1") ? text : false;
    });
    log(`status item: ${failed}`);

    step = "5-bad-server-path";
    await runCommand(page, "Notifications: Clear All Notifications");
    // Where code-server (a remote window) reads triplet.server.path: the Remote settings.
    await runCommand(page, "Preferences: Open Remote Settings (JSON)");
    await until(page, "the Remote settings editor", () =>
      [...document.querySelectorAll(".editor-instance .view-lines")].some((v) => (v.textContent || "").includes("triplet.server.path")));
    await page.click(".editor-instance .view-lines");
    await page.keyboard.down("Control");
    await page.keyboard.press("a");
    await page.keyboard.up("Control");
    await page.keyboard.type('{ "triplet.server.path": "/nonexistent/triplet" }');
    await page.keyboard.down("Control");
    await page.keyboard.press("s");
    await page.keyboard.up("Control");
    const stopped = await until(page, "the status item to say the server is not running", () => {
      const el = [...document.querySelectorAll(".statusbar-item")].find((e) => (e.id || "").includes("triplet.targets"));
      const text = (el?.textContent || "").replace(/\u00a0/g, " ");
      return text.includes("not running") ? text : false;
    });
    log(`status item: ${stopped}`);
    const tripletToasts = () =>
      [...document.querySelectorAll(".notifications-toasts .notification-list-item")]
        .map((e) => (e.textContent || "").replace(/\u00a0/g, " "))
        .filter((text) => /triplet/i.test(text));
    const first = await until(page, "a message about the server", tripletToasts);
    // Give a second message (the old spawn error + the client's own toast) time to show.
    await sleep(2000);
    const toasts = await page.evaluate(tripletToasts);
    if (toasts.length !== 1) throw new Error(`wanted one message, got ${toasts.length}:\n${toasts.join("\n")}`);
    if (!/not running/.test(toasts[0]) || !/nonexistent\/triplet/.test(toasts[0]) || !/Open Setting/.test(toasts[0])) {
      throw new Error(`the message does not say what and where: ${toasts[0]}`);
    }
    log(`one message: ${first[0]}`);

    step = "6-server-path-fixed";
    // Putting the right path back restarts the server, without reloading the window.
    await page.click(".editor-instance .view-lines");
    await page.keyboard.down("Control");
    await page.keyboard.press("a");
    await page.keyboard.up("Control");
    await page.keyboard.type(JSON.stringify({ "triplet.server.path": serverPath }));
    await page.keyboard.down("Control");
    await page.keyboard.press("s");
    await page.keyboard.up("Control");
    const back = await until(page, "the server to run again", () => {
      const el = [...document.querySelectorAll(".statusbar-item")].find((e) => (e.id || "").includes("triplet.targets"));
      const text = (el?.textContent || "").replace(/\u00a0/g, " ");
      return /Triplet \d/.test(text) ? text : false;
    });
    log(`status item: ${back}`);

    step = "7-check-not-installed";
    await runCommand(page, "Notifications: Clear All Notifications");
    await clickStatusItem(page);
    await clickPickRow(page, "Check wasm32-unknown-unknown");
    const notInstalled = await until(page, "the status item to show a target not installed", () => {
      const el = [...document.querySelectorAll(".statusbar-item")].find((e) => (e.id || "").includes("triplet.targets"));
      const text = (el?.textContent || "").replace(/\u00a0/g, " ");
      return text.includes("↓1") ? text : false;
    });
    log(`status item: ${notInstalled}`);
    const wasmToasts = () =>
      [...document.querySelectorAll(".notifications-toasts .notification-list-item")]
        .map((e) => (e.textContent || "").replace(/\u00a0/g, " "))
        .filter((text) => text.includes("wasm32-unknown-unknown"));
    await until(page, "a message about wasm32", wasmToasts);
    await sleep(2000);
    const said = await page.evaluate(wasmToasts);
    if (said.length !== 1) throw new Error(`wanted one message about wasm32, got ${said.length}:\n${said.join("\n")}`);
    if (!/is not installed/.test(said[0]) || !/Install Target/.test(said[0]) || !/Check with -Zbuild-std/.test(said[0]) || /0 error/.test(said[0])) {
      throw new Error(`the message does not offer install and -Zbuild-std: ${said[0]}`);
    }
    log(`one message: ${said[0]}`);


    step = "8-user-server-path-in-remote-window";
    // A User-settings server path does not apply to a remote window: the server keeps
    // running what the Remote settings say, and the user is told where to set it.
    await runCommand(page, "Notifications: Clear All Notifications");
    await runCommand(page, "Preferences: Open User Settings (JSON)");
    await until(page, "the User settings editor", () =>
      [...document.querySelectorAll(".editor-instance .view-lines")].some((v) => (v.textContent || "").includes("workbench.startupEditor")));
    await page.click(".editor-instance .view-lines");
    await gotoLine(page, "1:2");
    await page.keyboard.type('"triplet.server.path": "/elsewhere/triplet", ');
    await page.keyboard.down("Control");
    await page.keyboard.press("s");
    await page.keyboard.up("Control");
    const told = await until(page, "a message pointing at the Remote settings", () =>
      [...document.querySelectorAll(".notifications-toasts .notification-list-item")]
        .map((e) => (e.textContent || "").replace(/\u00a0/g, " "))
        .find((text) => text.includes("Remote") && text.includes("keeps running")));
    log(`told: ${told}`);
    const still = await page.evaluate(tripletStatus);
    if (!/Triplet \d/.test(still)) throw new Error(`the server stopped: status item ${still}`);
    log(`status item: ${still}`);

    await page.screenshot({ path: path.join(artifacts, "passed.png") });
    log("all steps passed");
  } catch (err) {
    console.error(`step ${step} failed: ${err instanceof Error ? err.stack : String(err)}`);
    if (page) {
      await page.screenshot({ path: path.join(artifacts, `failed-${step}.png`) }).catch(() => {});
      const state = await page
        .evaluate(() => ({
          statusBar: [...document.querySelectorAll(".statusbar-item")].map((e) => `${e.id}: ${(e.textContent || "").trim()}`),
          notifications: [...document.querySelectorAll(".notifications-toasts .notification-list-item")].map((e) => e.textContent),
        }))
        .catch(() => ({}));
      writeFileSync(path.join(artifacts, `failed-${step}.json`), JSON.stringify({ ...state, problems: await problems(page).catch(() => []) }, null, 2));
      console.error(`screenshot and window state in ${artifacts}`);
    }
    process.exitCode = 1;
  } finally {
    clearTimeout(overall);
    await cleanup();
  }
}

await main();
