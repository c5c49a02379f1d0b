"""The Redis frontier's atomic steps, as Lua scripts (each runs alone on the server).

Keys under the crawl's prefix ``P`` (``linkgraph:<crawl_id>:``):

- ``seen:<b>``: a set of 8-byte URL fingerprints as integers, in 2**18 buckets by their
  top bits, so Redis keeps each bucket as an *intset* (8 bytes a URL) up to 512 members;
- ``q:<host>``: a host's queue, a sorted set of ``kind<TAB>url`` scored ``depth * 2**32 +
  arrival``, so the lowest depth goes first, then the first come;
- ``hosts``: hosts with queued URLs, scored by when each may next be fetched (``BLOCKED``
  while it has as many URLs out as it may); ``h:<host>``: ``next``, ``out``, ``delay``,
  ``conc``;
- ``leases``: url -> ``score<TAB>kind<TAB>host<TAB>worker``; ``lexp``: url -> expiry;
  ``wl:<worker>``: the URLs a worker holds;
- ``budget``: domain -> fetches counted; ``spent``: domains whose queued URLs were
  dropped; ``dh:<domain>``: the domain's hosts; ``pending``: URLs queued; ``seq``.

Time is the server's (``TIME``), so politeness holds across machines whose clocks differ.
"""

from __future__ import annotations

BLOCKED = 1e15

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

# KEYS: none. ARGV: P, url, host, domain, depth, kind, fingerprint bucket, fingerprint.
ADD = """
local P = ARGV[1]
if redis.call('SADD', P..'seen:'..ARGV[7], ARGV[8]) == 0 then return 0 end
if redis.call('HEXISTS', P..'spent', ARGV[4]) == 1 then return 0 end
local host = ARGV[3]
local seq = redis.call('INCR', P..'seq')
redis.call('ZADD', P..'q:'..host, tonumber(ARGV[5]) * 4294967296 + seq, ARGV[6]..'\\t'..ARGV[2])
redis.call('SADD', P..'dh:'..ARGV[4], host)
local nxt = tonumber(redis.call('HGET', P..'h:'..host, 'next') or '0')
redis.call('ZADD', P..'hosts', 'NX', nxt, host)
redis.call('INCR', P..'pending')
return 1
"""

# ARGV: P, worker, lease expiry (seconds from now), default delay, default concurrency.
POP = (
    _NOW
    + """
local P, worker, lease = ARGV[1], ARGV[2], tonumber(ARGV[3])
local candidates = redis.call('ZRANGEBYSCORE', P..'hosts', '-inf', now, 'LIMIT', 0, 64)
for _, host in ipairs(candidates) do
  local hk = P..'h:'..host
  local h = redis.call('HMGET', hk, 'out', 'delay', 'conc')
  local out = tonumber(h[1] or '0')
  local delay = tonumber(h[2] or ARGV[4])
  local conc = tonumber(h[3] or ARGV[5])
  local qk = P..'q:'..host
  if conc > 0 and out >= conc then
    redis.call('ZADD', P..'hosts', BLOCKED_SCORE, host)
  else
    local item = redis.call('ZPOPMIN', qk)
    if #item == 0 then
      redis.call('ZREM', P..'hosts', host)
    else
      local member, score = item[1], item[2]
      out = out + 1
      local nxt = now + delay
      redis.call('HSET', hk, 'out', out, 'next', nxt)
      redis.call('DECR', P..'pending')
      if redis.call('ZCARD', qk) == 0 then
        redis.call('ZREM', P..'hosts', host)
      elseif conc > 0 and out >= conc then
        redis.call('ZADD', P..'hosts', BLOCKED_SCORE, host)
      else
        redis.call('ZADD', P..'hosts', nxt, host)
      end
      local tab = string.find(member, '\\t', 1, true)
      local url = string.sub(member, tab + 1)
      redis.call('HSET', P..'leases', url,
        score..'\\t'..string.sub(member, 1, tab - 1)..'\\t'..host..'\\t'..worker)
      redis.call('ZADD', P..'lexp', now + lease, url)
      redis.call('SADD', P..'wl:'..worker, url)
      return {url, score, string.sub(member, 1, tab - 1)}
    end
  end
end
return false
""".replace("BLOCKED_SCORE", repr(BLOCKED))
)

# A host's URL came back (release) or backs off. ARGV: P, host, seconds (delay for a
# release: -1 means the host's own), 1 for a release (one fewer out) or 0, default delay.
SETTLE = (
    _NOW
    + """
local P, host = ARGV[1], ARGV[2]
local hk = P..'h:'..host
local h = redis.call('HMGET', hk, 'out', 'delay', 'next')
local out = tonumber(h[1] or '0')
local seconds = tonumber(ARGV[3])
if seconds < 0 then seconds = tonumber(h[2] or ARGV[5]) end
if ARGV[4] == '1' and out > 0 then out = out - 1 end
local nxt = math.max(tonumber(h[3] or '0'), now + seconds)
redis.call('HSET', hk, 'out', out, 'next', nxt)
if redis.call('EXISTS', P..'q:'..host) == 1 then
  redis.call('ZADD', P..'hosts', nxt, host)
end
return 1
"""
)

# ARGV: P, host, delay, concurrency, keep (1: only when the host has no policy yet).
POLICY = """
local P, host = ARGV[1], ARGV[2]
if ARGV[5] == '1' and redis.call('HEXISTS', P..'h:'..host, 'conc') == 1 then return 0 end
redis.call('HSET', P..'h:'..host, 'delay', ARGV[3], 'conc', ARGV[4])
local score = redis.call('ZSCORE', P..'hosts', host)
if score and tonumber(score) >= BLOCKED_SCORE then
  local nxt = tonumber(redis.call('HGET', P..'h:'..host, 'next') or '0')
  redis.call('ZADD', P..'hosts', nxt, host)
end
return 1
""".replace("BLOCKED_SCORE", repr(BLOCKED))

# Acknowledge leases. ARGV: P, url...
ACK = """
local P = ARGV[1]
for i = 2, #ARGV do
  local lease = redis.call('HGET', P..'leases', ARGV[i])
  if lease then
    local worker = string.match(lease, '[^\\t]*\\t[^\\t]*\\t[^\\t]*\\t(.*)')
    redis.call('HDEL', P..'leases', ARGV[i])
    redis.call('ZREM', P..'lexp', ARGV[i])
    redis.call('SREM', P..'wl:'..worker, ARGV[i])
  end
end
return 1
"""

# Queue leased URLs again. ARGV: P, only expired (1) or any (0), url...
REQUEUE = (
    _NOW
    + """
local P, expired_only = ARGV[1], ARGV[2] == '1'
local n = 0
for i = 3, #ARGV do
  local url = ARGV[i]
  local lease = redis.call('HGET', P..'leases', url)
  local expiry = tonumber(redis.call('ZSCORE', P..'lexp', url) or '0')
  if lease and (not expired_only or expiry <= now) then
    local score, kind, host, worker =
      string.match(lease, '([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)\\t(.*)')
    redis.call('HDEL', P..'leases', url)
    redis.call('ZREM', P..'lexp', url)
    redis.call('SREM', P..'wl:'..worker, url)
    redis.call('ZADD', P..'q:'..host, score, kind..'\\t'..url)
    redis.call('INCR', P..'pending')
    local hk = P..'h:'..host
    local out = tonumber(redis.call('HGET', hk, 'out') or '0')
    if out > 0 then redis.call('HSET', hk, 'out', out - 1) end
    local nxt = tonumber(redis.call('HGET', hk, 'next') or '0')
    redis.call('ZADD', P..'hosts', nxt, host)
    n = n + 1
  end
end
return n
"""
)

# ARGV: P, domain, limit. Returns 1 when counted, 0 when spent.
BUDGET = """
local P, domain, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
local used = tonumber(redis.call('HGET', P..'budget', domain) or '0')
local function spend()
  if redis.call('HSETNX', P..'spent', domain, 1) == 0 then return end
  for _, host in ipairs(redis.call('SMEMBERS', P..'dh:'..domain)) do
    local n = redis.call('ZCARD', P..'q:'..host)
    if n > 0 then
      redis.call('DEL', P..'q:'..host)
      redis.call('ZREM', P..'hosts', host)
      redis.call('DECRBY', P..'pending', n)
    end
  end
end
if used >= limit then spend() return 0 end
redis.call('HDEL', P..'spent', domain)
redis.call('HSET', P..'budget', domain, used + 1)
if used + 1 >= limit then spend() end
return 1
"""

# Renew a worker's leases and list the expired ones of the others.
# ARGV: P, worker, lease seconds. Returns url, worker, url, worker...
HEARTBEAT = (
    _NOW
    + """
local P, worker, lease = ARGV[1], ARGV[2], tonumber(ARGV[3])
for _, url in ipairs(redis.call('SMEMBERS', P..'wl:'..worker)) do
  redis.call('ZADD', P..'lexp', 'XX', now + lease, url)
end
local out = {}
for _, url in ipairs(redis.call('ZRANGEBYSCORE', P..'lexp', '-inf', now, 'LIMIT', 0, 1000)) do
  local lease = redis.call('HGET', P..'leases', url)
  if lease then
    local owner = string.match(lease, '[^\\t]*\\t[^\\t]*\\t[^\\t]*\\t(.*)')
    if owner ~= worker then
      table.insert(out, url)
      table.insert(out, owner)
    end
  end
end
return out
"""
)
