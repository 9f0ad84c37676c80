-- 编制收支 by province, year, level and quota type: bodies' 核定/实有/空编/超编, pools, total.
-- Portable SQL: DuckDB, SQLite, Spark SQL, Doris/StarRocks (no engine-specific functions).
WITH bodies_q AS (
    SELECT province, year, division_level, quota_type,
           CAST(SUM(approved) AS BIGINT) AS approved, CAST(SUM(actual) AS BIGINT) AS actual, CAST(SUM(vacant) AS BIGINT) AS vacant,
           CAST(SUM(over_quota) AS BIGINT) AS over_quota, COUNT(DISTINCT body_id) AS bodies
    FROM quota
    GROUP BY province, year, division_level, quota_type
), pools_q AS (
    SELECT province, year, division_level, quota_type, CAST(SUM(amount) AS BIGINT) AS pools
    FROM pools
    GROUP BY province, year, division_level, quota_type
), keys_q AS (
    SELECT province, year, division_level, quota_type FROM bodies_q
    UNION
    SELECT province, year, division_level, quota_type FROM pools_q
)
SELECT k.province, k.year, k.division_level, k.quota_type,
       COALESCE(b.approved, 0) AS approved, COALESCE(b.actual, 0) AS actual,
       COALESCE(b.vacant, 0) AS vacant, COALESCE(b.over_quota, 0) AS over_quota,
       COALESCE(b.bodies, 0) AS bodies, COALESCE(p.pools, 0) AS pools,
       COALESCE(b.approved, 0) + COALESCE(p.pools, 0) AS total
FROM keys_q k
LEFT JOIN bodies_q b ON b.province = k.province AND b.year = k.year
    AND b.division_level = k.division_level AND b.quota_type = k.quota_type
LEFT JOIN pools_q p ON p.province = k.province AND p.year = k.year
    AND p.division_level = k.division_level AND p.quota_type = k.quota_type
ORDER BY k.province, k.year,
    CASE k.division_level WHEN '省' THEN 1 WHEN '市' THEN 2 WHEN '县' THEN 3 WHEN '乡镇' THEN 4 ELSE 5 END,
    k.quota_type
