# A small python3 workload for compare_valgrind.sh: dictionaries, strings,
# JSON, regular expressions, a class and a closure.
import collections
import json
import re

class Entry:
    def __init__(self, key, values):
        self.key = key
        self.values = values

index = {}
for i in range(3000):
    key = "k%d-%s" % (i % 300, "x" * (i % 7))
    index.setdefault(key, Entry(key, [])).values.append(i)
text = json.dumps({k: e.values for k, e in index.items()})
numbers = re.findall(r"\d+", text)
counts = collections.Counter(n[-1] for n in numbers)
adders = [lambda x, n=n: x + n for n in range(10)]
print(len(text), len(numbers), counts.most_common(2), sum(f(1) for f in adders))
