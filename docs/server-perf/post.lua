-- POST /publish/{type} with a 1 KB JSON body
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("body.json", "r")
wrk.body = f:read("*a")
f:close()
