-- Prints one JSON line after a wrk run: requests/s, latency percentiles and errors.
-- With BENCH_MISS set in the environment every request carries a query string of its own,
-- so the page cache (keyed on the full path) never has it: a forced miss.

local miss = os.getenv("BENCH_MISS") == "1"
local threads = {}
local counter = 0
local id = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function request()
  if not miss then
    return wrk.format()
  end
  counter = counter + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "bench-miss=" .. id .. "-" .. counter)
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p99_ms": %.2f, ' ..
    '"max_ms": %.2f, "non_2xx_3xx": %d, "socket_errors": %d, "bytes": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout, summary.bytes))
end
