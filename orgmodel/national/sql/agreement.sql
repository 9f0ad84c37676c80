-- Each pack's tables against its manifest: the totals by quota type the manifest recorded from
-- the ledger, and what the pack's quota and pools tables add up to.
WITH q AS (
    SELECT province, year, quota_type, CAST(SUM(approved) AS BIGINT) AS approved, CAST(SUM(actual) AS BIGINT) AS actual
    FROM quota GROUP BY province, year, quota_type
), p AS (
    SELECT province, year, quota_type, CAST(SUM(amount) AS BIGINT) AS pools FROM pools GROUP BY province, year, quota_type
)
SELECT m.province, m.year, m.quota_type,
       m.approved AS manifest_approved, COALESCE(q.approved, 0) AS pack_approved,
       m.actual AS manifest_actual, COALESCE(q.actual, 0) AS pack_actual,
       m.pools AS manifest_pools, COALESCE(p.pools, 0) AS pack_pools,
       CASE WHEN m.approved = COALESCE(q.approved, 0) AND m.actual = COALESCE(q.actual, 0)
                 AND m.pools = COALESCE(p.pools, 0) THEN 1 ELSE 0 END AS agrees
FROM manifest_totals m
LEFT JOIN q ON q.province = m.province AND q.year = m.year AND q.quota_type = m.quota_type
LEFT JOIN p ON p.province = m.province AND p.year = m.year AND p.quota_type = m.quota_type
ORDER BY m.province, m.year, m.quota_type
