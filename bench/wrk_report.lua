-- Prints one JSON line after a wrk run: requests/s, latency percentiles and errors.
-- BENCH_COOKIE set: every request carries it (a personal cookie, so the page cache never
-- answers: a forced miss). BENCH_URLS set: a file of paths, one a line, hottest first; each
-- request picks one with probability falling as 1/rank (Zipf), the way readers crowd onto
-- the front page and the newest stories.

local cookie = os.getenv("BENCH_COOKIE") or ""
local urls_file = os.getenv("BENCH_URLS") or ""
local threads = {}
local paths = {}
local cumulative = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  math.randomseed(os.time() + (id or 0) * 7919)
  if urls_file ~= "" then
    local total = 0
    for line in io.lines(urls_file) do
      table.insert(paths, line)
      total = total + 1 / #paths
      table.insert(cumulative, total)
    end
    for i = 1, #cumulative do cumulative[i] = cumulative[i] / total end
  end
end

local function pick()
  local r = math.random()
  local lo, hi = 1, #cumulative
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cumulative[mid] < r then lo = mid + 1 else hi = mid end
  end
  return paths[lo]
end

function request()
  local headers = nil
  if cookie ~= "" then headers = { Cookie = cookie } end
  if #paths > 0 then
    return wrk.format(nil, pick(), headers)
  end
  return wrk.format(nil, nil, headers)
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
