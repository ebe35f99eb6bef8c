-- wrk script for `make bench`: sends the JWT and the X-Business-ID header, counts responses that
-- are not 2xx (wrk itself only counts >= 400), and prints one JSON line for bench/report.py:
--   BENCH_RESULT {"requests":..,"duration_s":..,"rps":..,"p50_ms":..,"p95_ms":..,"p99_ms":..,...}
-- Environment: BENCH_TOKEN (access JWT), BENCH_BUSINESS_ID.

local token = os.getenv("BENCH_TOKEN")
local business = os.getenv("BENCH_BUSINESS_ID")
if token == nil or token == "" or business == nil or business == "" then
  io.stderr:write("wrk.lua: BENCH_TOKEN and BENCH_BUSINESS_ID must be set\n")
  os.exit(2)
end

wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["X-Business-ID"] = business
wrk.headers["Accept"] = "application/json"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  statuses = {}
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local non2xx_total = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + thread:get("non2xx")
    local seen = thread:get("statuses")
    for status, count in pairs(seen) do
      by_status[status] = (by_status[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(by_status) do
    table.insert(parts, string.format('"%d":%d', status, count))
  end
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format("p50 %.2f ms   p95 %.2f ms   p99 %.2f ms   non-2xx %d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    non2xx_total))
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_s":%.3f,"rps":%.2f,"p50_ms":%.3f,"p95_ms":%.3f,' ..
    '"p99_ms":%.3f,"max_ms":%.3f,"mean_ms":%.3f,"non2xx":%d,"statuses":{%s},' ..
    '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d}}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000, non2xx_total, table.concat(parts, ","),
    errors.connect, errors.read, errors.write, errors.timeout))
  if non2xx_total > 0 then
    io.stderr:write(string.format("wrk.lua: %d responses were not 2xx\n", non2xx_total))
  end
end
