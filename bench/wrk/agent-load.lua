-- wrk script for the request patterns of the throughput benchmark.
-- Arguments after "--", in order:
--   1 mode: config | info | get | post
--   2 path of get and post; unused by config and info
--   3 number of seeded devices, each picked at random per request
--   4..9 device id prefix and digits, serial prefix and digits, IMEI prefix and digits
--   10 file with the JSON body template of info and post
-- It prints one line "WRK_JSON {...}" with the counts and latencies.

local mode, path, device_count
local id_format, serial_format, imei_format
local template
local next_timestamp

function init(args)
  mode = args[1]
  path = args[2]
  device_count = tonumber(args[3])
  id_format = args[4] .. "%0" .. args[5] .. "d"
  serial_format = args[6] .. "%0" .. args[7] .. "d"
  imei_format = args[8] .. "%0" .. args[9] .. "d"
  if args[10] ~= nil and args[10] ~= "" then
    local file = assert(io.open(args[10], "rb"))
    template = file:read("*a")
    file:close()
  end
  math.randomseed(os.time())
  -- Each report carries a new location time, so the unique (device, time)
  -- index accepts every fix as a new row, as real reports do.
  next_timestamp = os.time() * 1000
end

local function device_body(n)
  next_timestamp = next_timestamp + 1
  local body = template
  body = string.gsub(body, "__DEVICE_ID__", string.format(id_format, n), 1)
  body = string.gsub(body, "__SERIAL__", string.format(serial_format, n), 1)
  body = string.gsub(body, "__IMEI__", string.format(imei_format, n), 1)
  body = string.gsub(body, "1111111111111", tostring(next_timestamp), 1)
  return body
end

local json_headers = { ["Content-Type"] = "application/json; charset=UTF-8" }

function request()
  local n = math.random(1, device_count)
  if mode == "config" then
    return wrk.format("GET", "/rest/public/sync/configuration/" .. string.format(id_format, n))
  elseif mode == "info" then
    return wrk.format("POST", "/rest/public/sync/info", json_headers, device_body(n))
  elseif mode == "post" then
    return wrk.format("POST", path, json_headers, device_body(n))
  end
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"mean":%.1f,"p50":%d,"p95":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
