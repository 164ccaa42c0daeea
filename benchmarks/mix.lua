-- wrk request mix for the load run: cycles through the requests the benchmark script writes to
-- the file named by the MIX environment variable, one request per line as
-- METHOD<TAB>PATH<TAB>COOKIE<TAB>BODY (BODY may be empty). Each thread starts at a different
-- offset so the mix is spread evenly.
dofile(os.getenv("BENCH_DIR") .. "/report.lua")

local requests = {}
local counter = 0

init = function(args)
  local file = assert(io.open(os.getenv("MIX"), "r"))
  for line in file:lines() do
    local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
    local headers = {
      ["Cookie"] = cookie,
      ["X-Forwarded-Proto"] = "https",
      ["Referer"] = os.getenv("ORIGIN") .. "/",
    }
    local csrf = cookie:match("csrftoken=([^;]+)")
    if method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      headers["X-CSRFToken"] = csrf
    else
      body = nil
    end
    requests[#requests + 1] = wrk.format(method, path, headers, body)
  end
  file:close()
  counter = math.random(#requests)
end

request = function()
  counter = counter % #requests + 1
  return requests[counter]
end
