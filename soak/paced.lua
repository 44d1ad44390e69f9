-- wrk script for the soak: every connection waits SOAK_PACE_MS between its requests, so the
-- soak is a steady load that runs for minutes beside other traffic, not a throughput benchmark.
local pace_ms = tonumber(os.getenv("SOAK_PACE_MS") or "2")

function delay()
  return pace_ms
end
