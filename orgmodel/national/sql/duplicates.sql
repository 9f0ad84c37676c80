-- 一人多编 across ledgers: a person (the keyed hash of the ID number) in the quota of more than
-- one pack of the same year; one row per person and place.
WITH placed AS (
    SELECT DISTINCT person, province, year FROM roster
), multi AS (
    SELECT person, year, COUNT(*) AS packs FROM placed GROUP BY person, year HAVING COUNT(*) > 1
)
SELECT r.person, r.year, m.packs, r.province, r.division_code, r.body_id, b.name AS body, r.quota_type
FROM roster r
JOIN multi m ON m.person = r.person AND m.year = r.year
LEFT JOIN bodies b ON b.province = r.province AND b.year = r.year AND b.body_id = r.body_id
ORDER BY r.year, r.person, r.province, r.body_id, r.quota_type
