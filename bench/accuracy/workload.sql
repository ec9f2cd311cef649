-- A small sqlite3 workload for compare_valgrind.sh: tables, an index, a
-- bulk insert through a recursive CTE, joins, grouping, updates, deletes.
CREATE TABLE account(id INTEGER PRIMARY KEY, name TEXT UNIQUE, zone INT);
CREATE TABLE sale(id INTEGER PRIMARY KEY, account INT REFERENCES account(id), product TEXT, units INT, amount REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
  INSERT INTO account(name, zone) SELECT 'acct' || i, i % 7 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
  INSERT INTO sale(account, product, units, amount)
  SELECT 1 + (i * 37) % 200, 'p' || (i % 97), 1 + i % 11, (i * 13) % 900 / 3.0 FROM n;
CREATE INDEX sale_product ON sale(product);
SELECT zone, count(*), round(sum(units * amount), 2) FROM sale JOIN account ON account.id = sale.account
  GROUP BY zone ORDER BY 3 DESC;
SELECT product, group_concat(units, ',') FROM sale WHERE units > 9 GROUP BY product ORDER BY product LIMIT 5;
UPDATE sale SET amount = amount * 0.9 WHERE units % 4 = 1;
DELETE FROM sale WHERE amount > 250;
SELECT count(*), round(sum(amount), 2) FROM sale;
