-- Fingerprint: the fingerprint of one unit's fields in a report hash, the
-- basis a submission is checked on (Pending.Basis); confirm.lua computes
-- the same to refuse a write made on figures that changed since.
--
-- KEYS[1] the report hash   ARGV[1] the unit id
-- Returns the SHA-1 of the unit's "field\0value" rows, sorted, joined by
-- newlines.

local all = redis.call('HGETALL', KEYS[1])
local rows = {}
local p = ARGV[1] .. '|'
for i = 1, #all, 2 do
  if string.sub(all[i], 1, #p) == p then
    rows[#rows + 1] = all[i] .. '\0' .. all[i + 1]
  end
end
table.sort(rows)
return redis.sha1hex(table.concat(rows, '\n'))
