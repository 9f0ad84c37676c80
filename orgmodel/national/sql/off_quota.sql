-- 编外人员和网格 by province, year and level (each division's own figures, summed).
SELECT province, year, division_level, CAST(SUM(off_quota_staff) AS BIGINT) AS off_quota_staff, CAST(SUM(grids) AS BIGINT) AS grids,
       COUNT(*) AS divisions
FROM off_quota
GROUP BY province, year, division_level
ORDER BY province, year,
    CASE division_level WHEN '省' THEN 1 WHEN '市' THEN 2 WHEN '县' THEN 3 WHEN '乡镇' THEN 4 ELSE 5 END
