-- Unit tests of the plugin's pure parts, headless without a server:
--   nvim --headless -u NONE -i NONE -n -c "luafile editors/neovim/test/unit.lua"

local failures = 0
local function check(name, ok, detail)
  if not ok then
    failures = failures + 1
    io.stderr:write("[unit] FAIL " .. name .. ": " .. (detail or "") .. "\n")
  end
end

local source = debug.getinfo(1, "S").source:gsub("^@", "")
vim.opt.runtimepath:prepend(vim.fn.fnamemodify(source, ":p:h:h"))
local triplet = require("triplet")

local function same(a, b)
  return vim.deep_equal(a, b)
end

local n = triplet.normalize_check_status
check("contract shape", same(n({ target = "a-b", state = "failed", errors = 2, warnings = 1 }),
  { { target = "a-b", state = "failed", errors = 2, warnings = 1 } }))
check("multi-target started", same(n({ targets = { "a-b", "c-d" }, state = "started" }), {
  { target = "a-b", state = "running", errors = 0, warnings = 0 },
  { target = "c-d", state = "running", errors = 0, warnings = 0 },
}))
check("finished with errors fails", same(n({ targets = { "a-b" }, state = "finished", errors = 3 }),
  { { target = "a-b", state = "failed", errors = 3, warnings = 0 } }))
check("bad state", same(n({ target = "a-b", state = "exploded" }), {}))
check("not a table", same(n(vim.NIL), {}))

triplet.setup({ targets = { "wasm32-unknown-unknown" }, check_on_save = true, rules = { T0002 = "off" } })
check("settings", vim.fn.json_encode(triplet.server_settings()) ==
  vim.fn.json_encode({ targets = { "wasm32-unknown-unknown" }, checkOnSave = true, rules = { T0002 = "off" } }),
  vim.fn.json_encode(triplet.server_settings()))
triplet.setup({})
check("empty rules encode as an object", vim.fn.json_encode(triplet.server_settings().rules) == "{}",
  vim.fn.json_encode(triplet.server_settings().rules))
check("commands exist", vim.fn.exists(":TripletTargets") == 2 and vim.fn.exists(":TripletCheck") == 2
  and vim.fn.exists(":TripletBuild") == 2 and vim.fn.exists(":TripletCancel") == 2)

local tmp = vim.fn.tempname()
vim.fn.mkdir(tmp .. "/ws/member/src", "p")
vim.fn.writefile({ "[workspace]", 'members = ["member"]' }, tmp .. "/ws/Cargo.toml")
vim.fn.writefile({ "[package]", 'name = "member"', 'version = "0.1.0"', 'edition = "2021"' }, tmp .. "/ws/member/Cargo.toml")
vim.fn.writefile({ "" }, tmp .. "/ws/member/src/lib.rs")
local root = triplet.find_root(tmp .. "/ws/member/src/lib.rs")
if vim.fn.executable("cargo") == 1 then
  check("workspace root from cargo", root == vim.fn.resolve(tmp .. "/ws"), tostring(root))
else
  check("nearest Cargo.toml without cargo", root == tmp .. "/ws/member", tostring(root))
end
check("no root outside Cargo projects", triplet.find_root(tmp .. "/elsewhere/x.rs") == nil)

if failures > 0 then
  vim.cmd("cquit! 1")
end
io.stderr:write("[unit] PASS\n")
vim.cmd("qall!")
