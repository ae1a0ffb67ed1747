-- Triplet for Neovim: starts `triplet lsp` on the built-in LSP client for Rust
-- buffers and Cargo manifests, one client per Cargo workspace root.
-- Works on Neovim 0.7.2 (start_client + buf_attach_client) and on current
-- releases (vim.lsp.start). See README.md.

local M = {}

local SERVER_NAME = "triplet"
local BUFFER_PATTERNS = { "*.rs", "Cargo.toml", "*/.cargo/config.toml", "rust-toolchain.toml" }

local defaults = {
  cmd = { "triplet", "lsp" },
  targets = {},
  check_on_save = false,
  rules = {},
  -- Called with (client, status) for each `triplet/checkStatus`; default: vim.notify on results.
  on_check_status = nil,
}

M.config = vim.deepcopy(defaults)
-- root_dir -> client id (the 0.7 path; vim.lsp.start does its own reuse)
local clients_by_root = {}
-- target -> last triplet/checkStatus params, for statuslines
M.check_status = {}

-- JSON objects: an empty Lua table would encode as [] where the server expects {}.
local function as_object(tbl)
  if tbl == nil or next(tbl) == nil then
    return vim.empty_dict()
  end
  return tbl
end

--- The `triplet` settings object of the protocol contract.
function M.server_settings()
  return {
    targets = M.config.targets or {},
    checkOnSave = M.config.check_on_save == true,
    rules = as_object(vim.deepcopy(M.config.rules)),
  }
end

local function dirname(path)
  return vim.fn.fnamemodify(path, ":p:h")
end

local root_cache = {}

--- Cargo workspace root of a file: `cargo locate-project --workspace` from the
--- nearest Cargo.toml, else that Cargo.toml's directory. nil outside Cargo projects.
function M.find_root(path)
  local dir = dirname(path)
  if root_cache[dir] ~= nil then
    return root_cache[dir] or nil
  end
  local root
  local nearest = vim.fn.findfile("Cargo.toml", dir .. ";")
  if nearest ~= "" then
    nearest = vim.fn.fnamemodify(nearest, ":p")
    root = dirname(nearest)
    if vim.fn.executable("cargo") == 1 then
      local out = vim.fn.systemlist({
        "cargo", "locate-project", "--workspace", "--message-format", "plain", "--manifest-path", nearest,
      })
      if vim.v.shell_error == 0 and out[1] and out[1]:match("Cargo%.toml$") then
        root = dirname(out[1])
      end
    end
  end
  root_cache[dir] = root or false
  return root
end

-- Neovim 0.11 made client methods take self (client:request); 0.7 has plain closures.
local method_style = vim.fn.has("nvim-0.11") == 1

local function request(client, method, params, handler, bufnr)
  if method_style then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function notify(client, method, params)
  if method_style then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

local function language_id(bufnr, filetype)
  if filetype ~= nil and filetype ~= "" then
    return filetype
  end
  -- Without filetype detection (e.g. `nvim -u NONE`), name the language from the file.
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name:match("%.rs$") then
    return "rust"
  end
  return "toml"
end

local function default_on_check_status(_, status)
  if status.state == "running" then
    return
  end
  local level = status.state == "failed" and vim.log.levels.WARN or vim.log.levels.INFO
  local detail = status.state == "failed"
      and string.format("%d error(s), %d warning(s)", status.errors or 0, status.warnings or 0)
    or status.state
  vim.notify(string.format("Triplet %s: %s", status.target, detail), level)
end

local STATE_ALIASES = { started = "running", finished = "ok" }
local STATES = { running = true, ok = true, failed = true, cancelled = true }

--- One status per target from a `triplet/checkStatus` payload. Accepts the contract's
--- { target, state } and the { targets = {...}, state = "started"|"finished" } shape the
--- server branch used while the contract settled. Empty when malformed.
function M.normalize_check_status(params)
  if type(params) ~= "table" then
    return {}
  end
  local errors = tonumber(params.errors) or 0
  local state = params.state
  if not STATES[state] then
    state = STATE_ALIASES[state]
    if state == "ok" and errors > 0 then
      state = "failed"
    end
  end
  if not state then
    return {}
  end
  local targets = type(params.target) == "string" and { params.target } or params.targets
  local statuses = {}
  for _, target in ipairs(type(targets) == "table" and targets or {}) do
    if type(target) == "string" and target ~= "" then
      table.insert(statuses, { target = target, state = state, errors = errors, warnings = tonumber(params.warnings) or 0 })
    end
  end
  return statuses
end

local handlers = {
  ["triplet/checkStatus"] = function(_, params, ctx)
    local client = vim.lsp.get_client_by_id(ctx.client_id)
    local callback = M.config.on_check_status or default_on_check_status
    for _, status in ipairs(M.normalize_check_status(params)) do
      M.check_status[status.target] = status
      callback(client, status)
    end
  end,
}

local function client_config(root)
  return {
    name = SERVER_NAME,
    cmd = M.config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = M.server_settings(),
    -- Answers workspace/configuration (section "triplet") and the initial didChangeConfiguration.
    settings = { triplet = M.server_settings() },
    get_language_id = language_id,
    handlers = handlers,
  }
end

local function is_triplet_buffer(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" or vim.bo[bufnr].buftype ~= "" then
    return false
  end
  return name:match("%.rs$") or name:match("/Cargo%.toml$") or name:match("/%.cargo/config%.toml$")
    or name:match("/rust%-toolchain%.toml$")
end

--- Start (or reuse) the client for this buffer's workspace and attach it.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not is_triplet_buffer(bufnr) then
    return nil
  end
  local root = M.find_root(vim.api.nvim_buf_get_name(bufnr))
  if not root then
    return nil
  end
  if vim.lsp.start then
    return vim.lsp.start(client_config(root), { bufnr = bufnr })
  end
  local id = clients_by_root[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(client_config(root))
    if not id then
      vim.notify("Triplet: could not start " .. table.concat(M.config.cmd, " "), vim.log.levels.ERROR)
      return nil
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

-- Exposed for the end-to-end test, which also runs on both API generations.
M._request = request

--- Running Triplet clients (all roots).
function M.clients()
  local found = {}
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  for _, client in pairs(all) do
    if client.name == SERVER_NAME then
      table.insert(found, client)
    end
  end
  return found
end

--- Push the current settings to every running client.
function M.push_settings()
  for _, client in ipairs(M.clients()) do
    client.config.settings = { triplet = M.server_settings() }
    notify(client, "workspace/didChangeConfiguration", { settings = client.config.settings })
  end
end

local function current_client()
  local bufnr = vim.api.nvim_get_current_buf()
  for _, client in ipairs(M.clients()) do
    if vim.lsp.buf_is_attached(bufnr, client.id) then
      return client
    end
  end
  return M.clients()[1]
end

--- workspace/executeCommand triplet.check / triplet.build with {target?, uri?}.
function M.run(command, target)
  local client = current_client()
  if not client then
    vim.notify("Triplet: no server running", vim.log.levels.WARN)
    return
  end
  local args = {}
  if target and target ~= "" then
    args.target = target
  end
  -- Only a buffer this client serves: the server answers InvalidParams for a uri
  -- outside its workspaces.
  if vim.lsp.buf_is_attached(0, client.id) then
    args.uri = vim.uri_from_bufnr(0)
  end
  request(client, "workspace/executeCommand", {
    command = command,
    arguments = { as_object(args) },
  }, function(err)
    if err then
      vim.notify("Triplet: " .. command .. " failed: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    end
  end, 0)
end

function M.cancel()
  local client = current_client()
  if client then
    request(client, "workspace/executeCommand", { command = "triplet.cancel", arguments = {} }, function() end, 0)
  end
end

--- :TripletTargets with no args shows the selection; with args sets triplet.targets.
function M.targets(args)
  if args and #args > 0 then
    M.config.targets = args
    M.push_settings()
    vim.notify("Triplet: targets = " .. table.concat(args, ", "))
    return
  end
  local client = current_client()
  if not client then
    vim.notify("Triplet: no server running", vim.log.levels.WARN)
    return
  end
  request(client, "triplet/targets", vim.empty_dict(), function(err, result)
    if err or type(result) ~= "table" then
      vim.notify("Triplet: triplet/targets failed: " .. vim.inspect(err), vim.log.levels.ERROR)
      return
    end
    local lines = { "Triplet targets:" }
    for _, t in ipairs(result.selected or {}) do
      local status = M.check_status[t]
      table.insert(lines, string.format("  %s%s", t, status and ("  [" .. status.state .. "]") or ""))
    end
    table.insert(lines, string.format("(%d installed, %d known)", #(result.installed or {}), #(result.known or {})))
    vim.notify(table.concat(lines, "\n"))
  end, 0)
end

local function create_commands()
  local cmd = vim.api.nvim_create_user_command
  cmd("TripletTargets", function(o)
    M.targets(o.fargs)
  end, { nargs = "*", desc = "Show Triplet's targets, or set triplet.targets" })
  cmd("TripletCheck", function(o)
    M.run("triplet.check", o.args)
  end, { nargs = "?", desc = "cargo check for a target (default: all selected)" })
  cmd("TripletBuild", function(o)
    M.run("triplet.build", o.args)
  end, { nargs = "?", desc = "Build for a target (default: all selected)" })
  cmd("TripletCancel", M.cancel, { nargs = 0, desc = "Cancel Triplet's checks and builds" })
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})
  -- A list replaces the default rather than merging index by index.
  if opts and opts.cmd then
    M.config.cmd = opts.cmd
  end
  if opts and opts.targets then
    M.config.targets = opts.targets
  end
  create_commands()
  local group = vim.api.nvim_create_augroup("triplet", { clear = true })
  vim.api.nvim_create_autocmd({ "BufReadPost", "BufNewFile" }, {
    group = group,
    pattern = BUFFER_PATTERNS,
    callback = function(ev)
      M.attach(ev.buf)
    end,
  })
  -- Buffers opened before setup().
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      M.attach(bufnr)
    end
  end
end

return M
