-- Confirm a plan draft: make it the plan of its year, unless another year's
-- plan changed since its id was checked against this one's, in one step with
-- the draft's removal and the effect of the update that confirms it.
--
-- KEYS[1] plans hash   KEYS[2] plan sums hash   KEYS[3] the draft
-- KEYS[4] the data version ({p}:version), bumped with the plan
-- KEYS[5] the effect (absent without an update)
-- ARGV[1] year   ARGV[2] the plan record (JSON)   ARGV[3] its digest
-- ARGV[4] the draft as read   ARGV[5] the effect's TTL (s)
-- ARGV[6..] year, digest of every other year's plan as checked
--
-- Returns 'gone' (the draft is not the one read: confirmed or dropped
-- meanwhile) or 'changed' (another year's plan is not the one checked),
-- having written nothing; else 'ok'.

if redis.call('GET', KEYS[3]) ~= ARGV[4] then return 'gone' end
local sums = redis.call('HGETALL', KEYS[2])
local want = {}
local n = 0
for i = 6, #ARGV, 2 do
  want[ARGV[i]] = ARGV[i + 1]
  n = n + 1
end
local seen = 0
for i = 1, #sums, 2 do
  if sums[i] ~= ARGV[1] then
    if want[sums[i]] ~= sums[i + 1] then return 'changed' end
    seen = seen + 1
  end
end
if seen ~= n then return 'changed' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('DEL', KEYS[3])
redis.call('INCR', KEYS[4]) -- the data version
if KEYS[5] then redis.call('SET', KEYS[5], ARGV[1], 'EX', ARGV[5]) end
return 'ok'
