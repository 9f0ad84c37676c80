-- Each pack's totals by quota type (what `balance --by total` gives for its ledger), and the
-- country's: one row per province and type, then the sum over provinces per year and type.
WITH bodies_q AS (
    SELECT province, year, quota_type, CAST(SUM(approved) AS BIGINT) AS approved, CAST(SUM(actual) AS BIGINT) AS actual,
           CAST(SUM(vacant) AS BIGINT) AS vacant, CAST(SUM(over_quota) AS BIGINT) AS over_quota
    FROM quota GROUP BY province, year, quota_type
), pools_q AS (
    SELECT province, year, quota_type, CAST(SUM(amount) AS BIGINT) AS pools FROM pools GROUP BY province, year, quota_type
), keys_q AS (
    SELECT province, year, quota_type FROM bodies_q
    UNION
    SELECT province, year, quota_type FROM pools_q
), by_province AS (
    SELECT k.province, k.year, k.quota_type,
           COALESCE(b.approved, 0) AS approved, COALESCE(b.actual, 0) AS actual,
           COALESCE(b.vacant, 0) AS vacant, COALESCE(b.over_quota, 0) AS over_quota,
           COALESCE(p.pools, 0) AS pools, COALESCE(b.approved, 0) + COALESCE(p.pools, 0) AS total
    FROM keys_q k
    LEFT JOIN bodies_q b ON b.province = k.province AND b.year = k.year AND b.quota_type = k.quota_type
    LEFT JOIN pools_q p ON p.province = k.province AND p.year = k.year AND p.quota_type = k.quota_type
)
SELECT province, year, quota_type, approved, actual, vacant, over_quota, pools, total FROM by_province
UNION ALL
SELECT '全国' AS province, year, quota_type, CAST(SUM(approved) AS BIGINT), CAST(SUM(actual) AS BIGINT), CAST(SUM(vacant) AS BIGINT), CAST(SUM(over_quota) AS BIGINT),
       CAST(SUM(pools) AS BIGINT), CAST(SUM(total) AS BIGINT)
FROM by_province GROUP BY year, quota_type
ORDER BY 2, 1, 3
