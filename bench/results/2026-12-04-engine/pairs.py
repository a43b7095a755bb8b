import json, glob, statistics, re, collections, sys
# Per round, the median of the iteration scores of each jar; then the after/before ratio per round,
# and the median of those ratios (rounds were interleaved, so each pair ran at about the same load).
before, after = sys.argv[1], sys.argv[2]
dirs = sys.argv[3:]
res = collections.defaultdict(dict)
for d in dirs:
    for f in glob.glob(d + '/r*-*.json'):
        m = re.match(r'.*/r(\d+)-(\w+)-(\w+)\.json', f)
        rnd = d + '/' + m.group(1)
        for b in json.load(open(f)):
            name = b['benchmark'].replace('dev.motif.bench.', '')
            params = ','.join(f"{v}" for k, v in sorted(b.get('params', {}).items()))
            raw = [x for fork in b['primaryMetric']['rawData'] for x in fork]
            res[(name, params, b['primaryMetric']['scoreUnit'])].setdefault(rnd, {})[m.group(2)] = statistics.median(raw)
print(f'| benchmark | params | unit | before {before}: median of rounds | after {after}: median of rounds | after/before per round | median ratio |')
print('|---|---|---|---:|---:|---|---:|')
for key in sorted(res):
    rounds = res[key]
    pairs = [(v[before], v[after]) for v in rounds.values() if before in v and after in v]
    if not pairs: continue
    ratios = [a / b for b, a in pairs]
    print(f'| {key[0]} | {key[1]} | {key[2]} | {statistics.median(p[0] for p in pairs):.4g} | {statistics.median(p[1] for p in pairs):.4g} | '
          + ' '.join(f'{r:.2f}' for r in ratios) + f' | **{statistics.median(ratios):.2f}** |')
