-- 问题 counted by province, year, rule and severity.
SELECT province, year, rule, title, severity, COUNT(*) AS findings
FROM findings
GROUP BY province, year, rule, title, severity
ORDER BY province, year, CASE severity WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END, rule
