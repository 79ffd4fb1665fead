-- wrk script for bench/proxy.sh: PUT /bench/_doc/<unique id> with a ~40-byte document, ids unique per thread.
local threads = 0

function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end

local counter = 0

function request()
    counter = counter + 1
    return wrk.format("PUT", "/bench/_doc/w" .. tid .. "-" .. counter, { ["Content-Type"] = "application/json" },
        '{"title":"bench","n":' .. counter .. '}')
end
