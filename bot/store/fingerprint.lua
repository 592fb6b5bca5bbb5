-- Fingerprint: the fingerprints of units' fields in report hashes, the
-- basis a submission is checked on (Pending.Basis); confirm.lua computes
-- the same to refuse a write made on figures that changed since.
--
-- KEYS[i] a report hash   ARGV[i] a unit id, for each i
-- Returns, for each i, the SHA-1 of the unit's "field\0value" rows in
-- KEYS[i], sorted, joined by newlines.

local out = {}
for k = 1, #KEYS do
  local all = redis.call('HGETALL', KEYS[k])
  local rows = {}
  local p = ARGV[k] .. '|'
  for i = 1, #all, 2 do
    if string.sub(all[i], 1, #p) == p then
      rows[#rows + 1] = all[i] .. '\0' .. all[i + 1]
    end
  end
  table.sort(rows)
  out[k] = redis.sha1hex(table.concat(rows, '\n'))
end
return out
