-- The database behind toll.yaml: the civilian toll as one party's statement gives it
-- (see briefing.yaml). Rebuild toll.sqlite with:  sqlite3 toll.sqlite < toll.sql
DROP TABLE IF EXISTS casualties;
DROP TABLE IF EXISTS damage;
CREATE TABLE casualties (category TEXT, scope TEXT, people INTEGER, reported TEXT);
INSERT INTO casualties VALUES
  ('Killed', 'All reported attacks', 101, '2020-11-10'),
  ('Wounded', 'All reported attacks', 423, '2020-11-10'),
  ('Killed', 'One attack on Barda', 21, '2020-10-28'),
  ('Wounded', 'One attack on Barda', 105, '2020-10-28');
CREATE TABLE damage (category TEXT, objects INTEGER, reported TEXT);
INSERT INTO damage VALUES
  ('Private houses and apartment buildings', 4300, '2020-11-10'),
  ('Other civilian objects', 548, '2020-11-10');
