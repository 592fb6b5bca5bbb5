-- Confirm: store a pending submission's reports with their audit entries,
-- atomically. Runs the same on Redis 7 and on miniredis (gopher-lua): it uses
-- no cjson (JSON is built and read in Go, where int64 amounts stay exact) and
-- no server time except XADD's own ids.
--
-- KEYS[1]   pending submission (string)
-- KEYS[2]   audit stream of the plan
-- KEYS[3]   undo list of the confirming user
-- KEYS[4]   users hash, for the rights check
-- KEYS[4+i] hash report i goes to: the official one, or the awaiting one
--           for a submission that waits for approval
-- ARGV[1]   the pending JSON the caller read: if the key holds anything else
--           it was confirmed, dropped or changed meanwhile
-- ARGV[2]   n, the number of reports
-- ARGV[3]   at (unix ms)   ARGV[4] by (user id)   ARGV[5] by_name
-- ARGV[6]   via            ARGV[7] undo list length kept
-- ARGV[8]   audit action: 'set', or 'submit' for figures awaiting approval
-- ARGV[9]   the confirming user's id ('' skips the rights check)
-- ARGV[10]  their record as the caller read it and judged it allowed ('' =
--           none): any other record now (removed, demoted, moved to another
--           unit) refuses the write
-- then 6 values per report i, from ARGV[11 + 6*(i-1)]:
--           slot, new JSON, indicator, unit, period, item
--
-- then, after the reports, ARGV[11 + 6*n] = g, the number of guards: the
--           figures the submission was checked against (Pending.Basis). Guard
--           j is KEYS[4 + n + j], a report hash, with ARGV[12 + 6*n + 2*(j-1)]
--           a unit and the next ARGV the fingerprint of that unit's fields in
--           it when they were checked (fingerprint.lua computes the same):
--           any other now returns {'stale'} having written nothing, and the
--           caller checks again. A report whose new JSON is '' removes its
--           slot (a figure replaced by a contradicting one the user chose).
-- KEYS[5+n+g] plan digests hash; ARGV[12+6n+2g] the plan's year, the next
--           ARGV the digest of the plan read back under ('' checks nothing):
--           any other plan of that year now refuses the write ({'plan'})
-- KEYS[#KEYS] the data version, bumped by every write (KEYS[6+n+g])
--
-- Returns {'expired'}, {'changed'}, {'plan'}, {'stale'} or {'rights'} (the user's record is not
-- the one the caller judged) having written nothing, or
-- {'ok', id1, old1, id2, old2, ...}: the audit entry id and the previous JSON
-- ('' for an empty slot) of each report, in order.

local raw = redis.call('GET', KEYS[1])
if not raw then
  return {'expired'}
end
if raw ~= ARGV[1] then
  return {'changed'}
end

if ARGV[9] ~= '' and (redis.call('HGET', KEYS[4], ARGV[9]) or '') ~= ARGV[10] then
  return {'rights'}
end

local n = tonumber(ARGV[2])

-- The fingerprint of a unit's fields in a report hash: the same as
-- fingerprint.lua's.
local function fingerprint(key, unit)
  local all = redis.call('HGETALL', key)
  local rows = {}
  local p = unit .. '|'
  for i = 1, #all, 2 do
    if string.sub(all[i], 1, #p) == p then
      rows[#rows + 1] = all[i] .. '\0' .. all[i + 1]
    end
  end
  table.sort(rows)
  return redis.sha1hex(table.concat(rows, '\n'))
end

local g = tonumber(ARGV[11 + 6 * n] or '0') or 0

local pa = 12 + 6 * n + 2 * g
local sum = ARGV[pa + 1]
if sum and sum ~= '' and redis.call('HGET', KEYS[5 + n + g], ARGV[pa]) ~= sum then
  return {'plan'}
end

for j = 1, g do
  local a = 12 + 6 * n + 2 * (j - 1)
  if fingerprint(KEYS[4 + n + j], ARGV[a]) ~= ARGV[a + 1] then
    return {'stale'}
  end
end

-- Read every old value before the first write: a script that fails half way
-- is not rolled back by Redis. Two reports of one submission may share a
-- slot; the second one's old value is then the first one's new value.
local olds = {}
local written = {}
for i = 1, n do
  local b = 11 + 6 * (i - 1)
  local slot = ARGV[b]
  local wk = KEYS[4 + i] .. '\n' .. slot
  local old = written[wk]
  if old == nil then
    old = redis.call('HGET', KEYS[4 + i], slot)
    if not old then
      old = ''
    end
  end
  olds[i] = old
  written[wk] = ARGV[b + 1]
end

local out = {'ok'}
for i = 1, n do
  local b = 11 + 6 * (i - 1)
  if ARGV[b + 1] == '' then
    redis.call('HDEL', KEYS[4 + i], ARGV[b])
  else
    redis.call('HSET', KEYS[4 + i], ARGV[b], ARGV[b + 1])
  end
  local id = redis.call('XADD', KEYS[2], '*',
    'at', ARGV[3], 'by', ARGV[4], 'by_name', ARGV[5], 'action', ARGV[8],
    'indicator', ARGV[b + 2], 'unit', ARGV[b + 3], 'period', ARGV[b + 4],
    'item', ARGV[b + 5], 'slot', ARGV[b], 'old', olds[i], 'new', ARGV[b + 1],
    'via', ARGV[6], 'reason', '')
  redis.call('LPUSH', KEYS[3], id)
  out[#out + 1] = id
  out[#out + 1] = olds[i]
end
if n > 0 then
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[7]) - 1)
end
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[#KEYS]) -- the data version
return out
