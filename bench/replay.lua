-- wrk script of bench/webhook_bench.py: replays the signed requests of $BENCH_REQUESTS (one a
-- line: path and query, a tab, the body), each thread its own share, so no request is sent
-- twice (WeChat's nonces and MsgIds are unique) while the file lasts.
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  local mine, n = {}, 0
  local index = 0
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    if index % counter_total() == id then
      local tab = line:find("\t", 1, true)
      n = n + 1
      mine[n] = { line:sub(1, tab - 1), line:sub(tab + 1) }
    end
    index = index + 1
  end
  requests_of_thread, size, next_one = mine, n, 0
  headers = { ["Content-Type"] = "text/xml" }
end

function counter_total()
  return tonumber(os.getenv("BENCH_THREADS") or "1")
end

function request()
  next_one = next_one + 1
  if next_one > size then
    next_one = 1
  end
  local r = requests_of_thread[next_one]
  return wrk.format("POST", r[1], headers, r[2])
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
                 + summary.errors.write + summary.errors.timeout
  io.write(string.format('BENCH {"requests": %d, "duration_us": %d, "p99_us": %d, "max_us": %d, "errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(99), latency.max, errors))
end
