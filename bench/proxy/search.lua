-- wrk script for bench/proxy.sh: POST /bench/_search, a match query for one hit.
wrk.method = "POST"
wrk.path = "/bench/_search"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"size":1,"query":{"match":{"title":"bench"}}}'
