-- wrk script for `make bench` (bench/run.py): a closed loop over a scenario's URL list.
--
--   WRK_PATHS=file-with-one-path-a-line wrk -t1 -c8 -d6s -s bench/wrk.lua http://127.0.0.1:PORT/
--
-- Each wrk thread cycles through the paths in turn (every thread starts at the first one).
-- Responses other than 2xx are counted per thread (wrk itself counts only >= 400), and `done`
-- prints one line "WRK_JSON {...}" with the totals, for bench/run.py to parse.

local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  if line ~= "" then
    paths[#paths + 1] = line
  end
end
assert(#paths > 0, "WRK_PATHS lists no path")

-- The Host header bench/loadgen.py sends: the page cache keys pages by host, so the pages
-- its warm-up requests cached are the ones asked for here.
wrk.headers["Host"] = "127.0.0.1"
wrk.headers["Accept"] = "text/html"
wrk.headers["Accept-Language"] = "zh-hans"

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

local index = 0
non2xx = 0

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local non2xx_total = 0
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + (thread:get("non2xx") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "non2xx": %d, '
      .. '"connect": %d, "read": %d, "write": %d, "timeout": %d, "status_ge_400": %d, '
      .. '"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f}\n',
    summary.requests, summary.duration, summary.bytes, non2xx_total,
    e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000
  ))
end
