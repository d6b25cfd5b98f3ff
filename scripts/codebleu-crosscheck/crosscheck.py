"""
Runs the reference CodeBLEU (k4black/codebleu's own Python source) on the same tree-sitter trees
QuantLens parses, and compares with QuantLens's port. Not part of the test suite: it needs Python 3
and a checkout of k4black/codebleu. py-tree-sitter is replaced by a stand-in fed by dumpTrees.ts.

    node scripts/build.mjs
    npx esbuild scripts/codebleu-crosscheck/dumpTrees.ts --bundle --platform=node --loader:.txt=text --outfile=dist/crosscheck-dumpTrees.js
    npx esbuild scripts/codebleu-crosscheck/ours.ts --bundle --platform=node --loader:.txt=text --outfile=dist/crosscheck-ours.js
    PYTHONHASHSEED=0 python3 scripts/codebleu-crosscheck/crosscheck.py PATH/TO/k4black-codebleu cases.json
"""
import json, subprocess, sys, types

ref_root, cases_file = sys.argv[1], sys.argv[2]

class Node:
    def __init__(self, d):
        self.type = d["type"]
        self.start_point = tuple(d["sp"])
        self.end_point = tuple(d["ep"])
        self.children = [Node(c) for c in d["children"]]
        self._fields = d["fields"]
        self._sexp = d["sexp"]
    def child_by_field_name(self, name):
        for f, c in zip(self._fields, self.children):
            if f == name:
                return c
        return None
    def __str__(self):
        return self._sexp

class Tree:
    def __init__(self, root): self.root_node = root

CACHE = {}
def parse_all(jobs):
    todo = [j for j in jobs if (j["code"], j["language"]) not in CACHE]
    if todo:
        out = subprocess.run(["node", "dist/crosscheck-dumpTrees.js"], input=json.dumps(todo), capture_output=True, text=True, check=True).stdout
        for j, t in zip(todo, json.loads(out)):
            CACHE[(j["code"], j["language"])] = t

class Language:
    def __init__(self, name): self.name = name

class Parser:
    language = None
    def parse(self, data):
        code = data.decode("utf8")
        parse_all([{"code": code, "language": self.language.name}])
        return Tree(Node(CACHE[(code, self.language.name)]))

ts = types.ModuleType("tree_sitter"); ts.Language = Language; ts.Parser = Parser
sys.modules["tree_sitter"] = ts
for lang in ("python", "javascript"):
    m = types.ModuleType("tree_sitter_" + lang); m.language = (lambda l=lang: l)
    sys.modules["tree_sitter_" + lang] = m
sys.path.insert(0, ref_root)
from codebleu import calc_codebleu  # noqa: E402
from codebleu.parser import remove_comments_and_docstrings  # noqa: E402

cases = json.load(open(cases_file))
results = []
for c in cases:
    refs = c["references"]
    # Pre-parse every string the reference will parse, in one node call.
    texts = [c["prediction"].strip()] + [r.strip() for r in refs]
    stripped = []
    for t in texts:
        try: stripped.append(remove_comments_and_docstrings(t, c["language"]))
        except Exception: stripped.append(t)
    parse_all([{"code": t, "language": c["language"]} for t in texts + stripped])
    r = calc_codebleu([refs], [c["prediction"]], c["language"])
    results.append(r)
ours = json.loads(subprocess.run(["node", "dist/crosscheck-ours.js", cases_file], capture_output=True, text=True, check=True).stdout)
keys = [("codebleu", "codebleu"), ("ngram_match_score", "ngramMatch"), ("weighted_ngram_match_score", "weightedNgramMatch"),
        ("syntax_match_score", "syntaxMatch"), ("dataflow_match_score", "dataflowMatch")]
bad = 0
for c, r, o in zip(cases, results, ours):
    diffs = [(k, r[k], o[j]) for k, j in keys if abs(r[k] - o[j]) > 1e-9]
    if diffs:
        bad += 1
        print("DIFF", json.dumps(c)[:200], diffs)
print(f"{len(cases) - bad} of {len(cases)} cases agree to 1e-9")
