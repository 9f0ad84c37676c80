-- 跨层级调剂 into townships by province, year and quota type: the moves a ledger marks as
-- crossing levels (or that run between divisions of different levels), their count and sum,
-- and their share of the townships' approved quota.
WITH moved AS (
    SELECT province, year, quota_type, COUNT(*) AS transfers, CAST(SUM(amount) AS BIGINT) AS amount,
           CAST(SUM(CASE WHEN approved_by IS NULL OR approved_by = '' THEN 0 ELSE amount END) AS BIGINT) AS approved_amount
    FROM transfers
    WHERE cross_level AND to_level = '乡镇'
    GROUP BY province, year, quota_type
), towns AS (
    SELECT province, year, quota_type, CAST(SUM(approved) AS BIGINT) AS township_quota
    FROM quota WHERE division_level = '乡镇'
    GROUP BY province, year, quota_type
)
SELECT m.province, m.year, m.quota_type, m.transfers, m.amount, m.approved_amount,
       COALESCE(t.township_quota, 0) AS township_quota,
       CASE WHEN COALESCE(t.township_quota, 0) = 0 THEN 0.0
            ELSE ROUND(CAST(m.amount AS DOUBLE) / t.township_quota, 4) END AS share
FROM moved m
LEFT JOIN towns t ON t.province = m.province AND t.year = m.year AND t.quota_type = m.quota_type
ORDER BY m.province, m.year, m.quota_type
