-- wrk reporter: prints one JSON line with the percentiles the benchmark script reads.
-- Latencies are in microseconds; status errors are responses that are not 2xx or 3xx (wrk's
-- count); not_200 counts every response that is not a 200, redirects included, summed over the
-- threads (each thread has its own Lua state, read back in done()).
local threads = {}

setup = function(thread)
  threads[#threads + 1] = thread
end

not_200 = 0

response = function(status, headers, body)
  if status ~= 200 then
    not_200 = not_200 + 1
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  local others = 0
  for _, thread in ipairs(threads) do
    others = others + thread:get("not_200")
  end
  io.write(string.format(
    '{"p50_us": %d, "p95_us": %d, "p99_us": %d, "requests": %d, "duration_us": %d, "socket_errors": %d, "status_errors": %d, "not_200": %d}\n',
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status, others))
end
