-- Headless test of the user commands against test/mock_server.py (the protocol
-- contract's stand-in): settings sent as JSON objects, :TripletTargets sets and shows
-- targets through didChangeConfiguration, :TripletCheck reaches the server and its
-- triplet/checkStatus comes back. Same environment variables as e2e.lua.

local function fail(msg)
  io.stderr:write("[commands] FAIL: " .. msg .. "\n")
  vim.cmd("cquit! 1")
end

local function run()
  local source = debug.getinfo(1, "S").source:gsub("^@", "")
  vim.opt.runtimepath:prepend(vim.fn.fnamemodify(source, ":p:h:h"))
  local triplet = require("triplet")
  local notes = {}
  vim.notify = function(msg)
    table.insert(notes, msg)
  end
  triplet.setup({
    cmd = { vim.env.TRIPLET_BIN, "lsp" },
    targets = { "thumbv7em-none-eabihf" },
    rules = {},
  })
  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.TRIPLET_FIXTURE .. "/src/lib.rs"))
  if not vim.wait(10000, function()
    local c = triplet.clients()[1]
    return c ~= nil and c.initialized ~= false and not c.is_stopped()
  end, 50) then
    return fail("no client")
  end
  local client = triplet.clients()[1]

  local function targets()
    local result
    triplet._request(client, "triplet/targets", vim.empty_dict(), function(err, r)
      result = err and { error = err } or r
    end, 0)
    vim.wait(5000, function()
      return result ~= nil
    end, 20)
    return result or {}
  end

  local first = targets()
  if vim.inspect(first.selected) ~= vim.inspect({ "thumbv7em-none-eabihf" }) then
    return fail("initializationOptions targets not seen by the server: " .. vim.inspect(first))
  end
  if first.mockRulesIsObject ~= true then
    return fail("rules did not arrive as a JSON object: " .. vim.inspect(first.mockSettings))
  end

  vim.cmd("TripletTargets wasm32-unknown-unknown x86_64-unknown-linux-gnu")
  vim.wait(200)
  local second = targets()
  if vim.inspect(second.selected) ~= vim.inspect({ "wasm32-unknown-unknown", "x86_64-unknown-linux-gnu" }) then
    return fail(":TripletTargets did not reach the server: " .. vim.inspect(second))
  end

  vim.cmd("TripletCheck wasm32-unknown-unknown")
  if not vim.wait(5000, function()
    local s = triplet.check_status["wasm32-unknown-unknown"]
    return s ~= nil and s.state == "ok"
  end, 20) then
    return fail("no triplet/checkStatus for wasm32 after :TripletCheck: " .. vim.inspect(triplet.check_status))
  end

  vim.cmd("TripletTargets")
  if not vim.wait(5000, function()
    return vim.tbl_count(vim.tbl_filter(function(n)
      return n:find("wasm32-unknown-unknown  [ok]", 1, true) ~= nil
    end, notes)) > 0
  end, 20) then
    return fail(":TripletTargets did not show the targets: " .. vim.inspect(notes))
  end
  vim.cmd("TripletCancel")
  vim.cmd("TripletBuild")
  vim.wait(300)
  io.stderr:write("[commands] PASS\n")
  vim.cmd("qall!")
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  fail(tostring(err))
end
