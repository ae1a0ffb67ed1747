-- End-to-end test of the Neovim plugin against a real `triplet lsp`.
--
--   TRIPLET_BIN=/path/to/triplet TRIPLET_FIXTURE=/tmp/copy-of/editor-nostd \
--     nvim --headless -u NONE -i NONE -n -c "luafile editors/neovim/test/e2e.lua"
--
-- Opens src/lib.rs of a `#![no_std]` crate that says `use std::vec::Vec;`, waits for
-- Triplet's T0001, applies the preferred quick-fix, writes the file and checks that it
-- now uses alloc::vec::Vec with `extern crate alloc;`. Exits non-zero on failure.
-- TRIPLET_FIXTURE is modified in place: pass a copy.
--
-- TRIPLET_E2E_CODE picks another rule (the first diagnostic with that code is fixed) and
-- TRIPLET_E2E_EXPECT is then the text the written file must contain.

local TIMEOUT_MS = tonumber(vim.env.TRIPLET_E2E_TIMEOUT_MS or "") or 60000

local function log(msg)
  io.stderr:write("[e2e] " .. msg .. "\n")
end

-- The LSP log holds the server's stderr: show what this run added to it on failure.
local lsp_log = vim.lsp.get_log_path()
local lsp_log_start = vim.fn.getfsize(lsp_log)

local function server_log_tail()
  local f = io.open(lsp_log, "r")
  if not f then
    return ""
  end
  f:seek("set", math.max(lsp_log_start, 0))
  local added = f:read("*a") or ""
  f:close()
  return added:sub(-4000)
end

local function fail(msg)
  io.stderr:write("[e2e] FAIL: " .. msg .. "\n")
  local tail = server_log_tail()
  if tail ~= "" then
    io.stderr:write("[e2e] LSP log (" .. lsp_log .. ") from this run:\n" .. tail .. "\n")
  end
  io.stderr:flush()
  vim.cmd("cquit! 1")
end

local function read_file(path)
  local f = io.open(path, "r")
  if not f then
    return nil
  end
  local text = f:read("*a")
  f:close()
  return text
end

local CODE = vim.env.TRIPLET_E2E_CODE or "T0001"

local function is_t0001(d)
  return d.source == "triplet" and tostring(d.code) == CODE
end

local function triplet_diagnostics(bufnr)
  return vim.tbl_filter(is_t0001, vim.diagnostic.get(bufnr))
end

--- The diagnostic as the server sent it (vim.diagnostic keeps it in user_data.lsp).
local function lsp_diagnostic(d)
  if d.user_data and d.user_data.lsp and d.user_data.lsp.range then
    return d.user_data.lsp
  end
  return {
    range = {
      start = { line = d.lnum, character = d.col },
      ["end"] = { line = d.end_lnum or d.lnum, character = d.end_col or d.col },
    },
    message = d.message,
    source = d.source,
    code = d.code,
    severity = d.severity,
  }
end

local function pick_fix(actions)
  local fixes = vim.tbl_filter(function(a)
    return type(a) == "table" and a.title ~= nil and (a.edit ~= nil or a.data ~= nil)
  end, actions)
  for _, a in ipairs(fixes) do
    if a.isPreferred then
      return a
    end
  end
  return fixes[1]
end

local function run()
  local bin = vim.env.TRIPLET_BIN
  local fixture = vim.env.TRIPLET_FIXTURE
  if not bin or bin == "" or vim.fn.executable(bin) ~= 1 then
    return fail("TRIPLET_BIN is not an executable: " .. tostring(bin))
  end
  if not fixture or vim.fn.isdirectory(fixture) ~= 1 then
    return fail("TRIPLET_FIXTURE is not a directory: " .. tostring(fixture))
  end
  local source = debug.getinfo(1, "S").source:gsub("^@", "")
  local plugin_dir = vim.fn.fnamemodify(source, ":p:h:h")
  vim.opt.runtimepath:prepend(plugin_dir)
  vim.cmd("filetype on")

  local triplet = require("triplet")
  triplet.setup({ cmd = { bin, "lsp" }, on_check_status = function() end })

  local path = fixture .. "/src/lib.rs"
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  log("opened " .. path .. " (nvim " .. tostring(vim.version().major) .. "." .. tostring(vim.version().minor) .. ")")

  local ok = vim.wait(20000, function()
    return #triplet.clients() > 0
  end, 50)
  if not ok then
    return fail("the triplet client did not start for " .. path)
  end
  local client = triplet.clients()[1]

  ok = vim.wait(TIMEOUT_MS, function()
    return #triplet_diagnostics(bufnr) > 0
  end, 100)
  if not ok then
    local seen = vim.tbl_map(function(d)
      return string.format("%s/%s: %s", tostring(d.source), tostring(d.code), d.message)
    end, vim.diagnostic.get(bufnr))
    return fail("no " .. CODE .. " diagnostic from source 'triplet' within " .. TIMEOUT_MS .. " ms; got: " .. vim.inspect(seen))
  end
  local before = #triplet_diagnostics(bufnr)
  local diagnostic = triplet_diagnostics(bufnr)[1]
  log(string.format("diagnostic at %d:%d: %s", diagnostic.lnum + 1, diagnostic.col + 1, diagnostic.message))

  local raw = lsp_diagnostic(diagnostic)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = raw.range,
    context = { diagnostics = { raw }, only = { "quickfix" } },
  }
  local responses, err = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, TIMEOUT_MS)
  if not responses then
    return fail("textDocument/codeAction failed: " .. tostring(err))
  end
  local actions = {}
  for _, response in pairs(responses) do
    if response.error then
      return fail("textDocument/codeAction error: " .. vim.inspect(response.error))
    end
    vim.list_extend(actions, response.result or {})
  end
  local action = pick_fix(actions)
  if not action then
    return fail("no quick-fix with an edit among: " .. vim.inspect(actions))
  end
  if not action.edit then
    -- The server deferred the edit: resolve it.
    local resolved = client and vim.lsp.buf_request_sync(bufnr, "codeAction/resolve", action, TIMEOUT_MS)
    for _, response in pairs(resolved or {}) do
      if response.result then
        action = response.result
      end
    end
    if not action.edit then
      return fail("quick-fix '" .. action.title .. "' has no edit after codeAction/resolve")
    end
  end
  log("applying: " .. action.title)
  -- 0.7 takes the encoding as an optional second argument; later releases require it.
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or "utf-16")
  vim.cmd("write")

  local text = read_file(path) or ""
  if CODE == "T0001" then
    if not text:find("alloc::vec::Vec", 1, true) then
      return fail("the file does not say alloc::vec::Vec after the fix:\n" .. text)
    end
    if not text:find("extern crate alloc;", 1, true) then
      return fail("the fix did not add `extern crate alloc;`:\n" .. text)
    end
    if text:find("std::vec", 1, true) then
      return fail("the file still names std::vec:\n" .. text)
    end
  elseif not text:find(vim.env.TRIPLET_E2E_EXPECT or "", 1, true) then
    return fail("the file does not say " .. tostring(vim.env.TRIPLET_E2E_EXPECT) .. " after the fix:\n" .. text)
  end

  -- The server re-analyses the edited buffer: the fixed diagnostic must go away.
  ok = vim.wait(TIMEOUT_MS, function()
    return #triplet_diagnostics(bufnr) < before
  end, 100)
  if not ok then
    return fail(CODE .. " is still reported after the fix: " .. triplet_diagnostics(bufnr)[1].message)
  end

  log("PASS")
  vim.lsp.stop_client(vim.tbl_map(function(c)
    return c.id
  end, triplet.clients()))
  vim.wait(2000, function()
    return #triplet.clients() == 0
  end, 50)
  vim.cmd("qall!")
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  fail("error: " .. tostring(err))
end
