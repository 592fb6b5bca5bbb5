-- PutReport: replace one slot of a report hash and return what it held, in
-- one step so two writers cannot both see the same "old" value.
-- KEYS[1] report hash, KEYS[2] the data version; ARGV[1] slot; ARGV[2] new report JSON.
-- Returns the previous JSON, or nil when the slot was empty.
local old = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCR', KEYS[#KEYS]) -- the data version
return old
