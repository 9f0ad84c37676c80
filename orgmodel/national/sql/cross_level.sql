-- 跨层级调剂 into townships (下沉) by province, year and quota type, as `balance --by cross_level`
-- counts them: moves from a holder outside the townships to one in a township (or a village below
-- one; the level above is not a holder), their count and sum, the part citing the higher level's approval, and their share of
-- the approved quota of the bodies in townships (bodies dispatched there apart).
WITH moved AS (
    SELECT province, year, quota_type, COUNT(*) AS transfers, CAST(SUM(amount) AS BIGINT) AS amount,
           CAST(SUM(CASE WHEN approved_by IS NULL OR approved_by = '' THEN 0 ELSE amount END) AS BIGINT) AS approved_amount
    FROM transfers
    WHERE to_township AND NOT from_township AND from_holder IS NOT NULL AND to_holder IS NOT NULL
    GROUP BY province, year, quota_type
), towns AS (
    SELECT province, year, quota_type, CAST(SUM(approved) AS BIGINT) AS township_total
    FROM quota WHERE in_township AND NOT dispatched
    GROUP BY province, year, quota_type
)
SELECT m.province, m.year, m.quota_type, m.transfers, m.amount, m.approved_amount,
       COALESCE(t.township_total, 0) AS township_total,
       CASE WHEN COALESCE(t.township_total, 0) = 0 THEN NULL
            ELSE ROUND(CAST(m.amount AS DOUBLE) / t.township_total, 4) END AS share
FROM moved m
LEFT JOIN towns t ON t.province = m.province AND t.year = m.year AND t.quota_type = m.quota_type
ORDER BY m.province, m.year, m.quota_type
