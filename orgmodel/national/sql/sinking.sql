-- 下沉比例 by province, year and quota type: townships' own bodies' 核定 over the total
-- (bodies and pools), and with the bodies dispatched into townships, as `balance --by sinking`.
WITH q AS (
    SELECT province, year, quota_type,
           CAST(SUM(CASE WHEN division_level = '乡镇' AND NOT dispatched THEN approved ELSE 0 END) AS BIGINT) AS township_approved,
           CAST(SUM(CASE WHEN division_level = '乡镇' AND dispatched THEN approved ELSE 0 END) AS BIGINT) AS dispatched_approved,
           CAST(SUM(approved) AS BIGINT) AS approved
    FROM quota GROUP BY province, year, quota_type
), p AS (
    SELECT province, year, quota_type, CAST(SUM(amount) AS BIGINT) AS pools FROM pools GROUP BY province, year, quota_type
), t AS (
    SELECT q.province, q.year, q.quota_type, q.township_approved, q.dispatched_approved,
           q.approved + COALESCE(p.pools, 0) AS total
    FROM q LEFT JOIN p ON p.province = q.province AND p.year = q.year AND p.quota_type = q.quota_type
)
SELECT province, year, quota_type, township_approved, dispatched_approved, total,
       CASE WHEN total = 0 THEN 0.0 ELSE ROUND(CAST(township_approved AS DOUBLE) / total, 4) END AS ratio,
       CASE WHEN total = 0 THEN 0.0
            ELSE ROUND(CAST(township_approved + dispatched_approved AS DOUBLE) / total, 4) END AS ratio_with_dispatched
FROM t
ORDER BY province, year, quota_type
