#!/usr/bin/env bash
# Writes deterministic inputs for the real-program workloads of
# whole_program.sh into DIR: an SQL script for sqlite3, a word list for gawk,
# a long C++ file for clang-format and an allocation-heavy python3 script.
# Each takes roughly a second uninstrumented on a 2-core machine.
#
#   bench/real_inputs.sh DIR
set -euo pipefail
dir=${1:?usage: real_inputs.sh DIR}
mkdir -p "$dir"

# sqlite3: a bulk load, two indexes, joins, grouping, updates and deletes.
awk -v rows="${SQL_ROWS:-60000}" 'BEGIN {
  srand(3);
  print "CREATE TABLE account(name TEXT PRIMARY KEY, zone TEXT);";
  print "CREATE TABLE sale(id INTEGER PRIMARY KEY, account TEXT, product TEXT, units INT, amount REAL);";
  print "BEGIN;";
  for (a = 0; a < 1500; a++) printf "INSERT INTO account VALUES(\047acct%04d\047, \047zone%d\047);\n", a, a % 13;
  for (i = 0; i < rows; i++)
    printf "INSERT INTO sale(account, product, units, amount) VALUES(\047acct%04d\047, \047p%d-%s\047, %d, %.2f);\n",
      int(rand() * 1500), int(rand() * 4000), substr("qwertyuiopasdfghjklzxcvbnm", 1, 1 + int(rand() * 24)),
      1 + int(rand() * 12), rand() * 900;
  print "COMMIT;";
  print "CREATE INDEX sale_account ON sale(account);";
  print "CREATE INDEX sale_product ON sale(product);";
  print "SELECT zone, count(*), sum(units * amount) FROM sale JOIN account ON account.name = sale.account GROUP BY zone ORDER BY 3 DESC;";
  print "SELECT account, group_concat(product, \047;\047) FROM sale WHERE units > 10 GROUP BY account ORDER BY account LIMIT 25;";
  print "SELECT product, avg(amount) FROM sale GROUP BY product ORDER BY 2 DESC LIMIT 10;";
  print "UPDATE sale SET amount = amount * 0.9 WHERE units % 4 = 1;";
  print "DELETE FROM sale WHERE amount > 700;";
  print "SELECT count(*), sum(amount) FROM sale;";
}' >"$dir/sales.sql"

# gawk: word counting (associative arrays, many short strings).
awk -v words="${AWK_WORDS:-1200000}" 'BEGIN {
  srand(5);
  for (i = 0; i < words; i++)
    printf "t%x%s%s", int(rand() * rand() * 150000), (rand() < 0.25) ? "ed" : "", (i % 10 == 9) ? "\n" : " ";
}' >"$dir/words.txt"

# clang-format: many small templates crushed onto one line each.
awk -v n="${CXX_FUNCS:-1500}" 'BEGIN {
  print "#include <map>\n#include <string>\n#include <vector>\nnamespace bench {";
  for (i = 0; i < n; i++)
    printf "template<class V> struct Bag%d{std::vector<V> v;std::map<std::string,long> at;long put(const V& x,const std::string& k){v.push_back(x);at[k]=(long)v.size();if(v.size()>%d){return at[k]+%d;}for(int j=0;j<%d;++j){at[k+std::to_string(j)]=j;}return 0;}};\n", i, i % 11, i, i % 4;
  print "}";
}' >"$dir/crushed.cpp"

# python3: dictionaries, strings and lists that grow and are pruned.
cat >"$dir/churn.py" <<'PY'
import sys
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 300000
index = {}
log = []
for i in range(rounds):
    key = "session-%d-%s" % (i % 4000, "k" * (i % 13))
    entry = index.setdefault(key, {"count": 0, "recent": []})
    entry["count"] += 1
    entry["recent"].append(str(i * 7)[-4:])
    if len(entry["recent"]) > 6:
        entry["recent"] = entry["recent"][3:]
    if i % 5 == 0:
        log.append("/".join(entry["recent"]) + "#" + key.title())
    if i % 40000 == 39999:
        index = {k: v for k, v in index.items() if v["count"] % 4}
        log = log[-500:]
print(len(index), sum(len(line) for line in log))
PY
