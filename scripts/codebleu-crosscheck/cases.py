"""Writes the cross-check cases (candidate/reference pairs, Python and JavaScript) to cases.json."""
import json, sys

PY = [
    "def add(a, b):\n    return a + b\n",
    "def total(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n",
    "def total(xs):\n    \"\"\"Sum.\"\"\"\n    s = 0  # start\n    for x in xs:\n        if x > 0:\n            s += x\n        elif x < -10:\n            s -= 1\n        else:\n            pass\n    return s\n",
    "def fib(n):\n    a, b = 0, 1\n    while n > 0:\n        a, b = b, a + b\n        n -= 1\n    return a\n",
    "def f(xs, k=3):\n    ys = [x * k for x in xs if x]\n    return {y: y + 1 for y in ys}\n",
    "class Stack:\n    def __init__(self):\n        self.items = []\n    def push(self, x):\n        self.items.append(x)\n    def pop(self):\n        return self.items.pop()\n",
    "def g(n):\n    i = 0\n    r = []\n    while i < n:\n        j = i * i\n        r.append(j)\n        i = i + 1\n    return r\n",
    "def h(s):\n    out = ''\n    for ch in s:\n        if ch.isalpha():\n            out = out + ch.upper()\n    return out\n",
    "import math\n\ndef area(r):\n    return math.pi * r ** 2\n",
    "def bad(:\n    return (1,\n",
    "def uni(s):\n    t = 'é' + s\n    return t\n",
    "for i in range(10):\n    print(i)\nelse:\n    x = 1\n",
]
JS = [
    "function add(a, b) {\n  return a + b;\n}\n",
    "function total(xs) {\n  let s = 0;\n  for (let i = 0; i < xs.length; i++) {\n    s += xs[i];\n  }\n  return s;\n}\n",
    "function total(xs) {\n  var s = 0; // start\n  for (var i = 0; i < xs.length; i++) {\n    if (xs[i] > 0) { s += xs[i]; } else if (xs[i] < -10) { s -= 1; } else { s++; }\n  }\n  return s;\n}\n",
    "function fib(n) {\n  let a = 0, b = 1;\n  while (n > 0) {\n    const t = a + b;\n    a = b;\n    b = t;\n    n--;\n  }\n  return a;\n}\n",
    "const f = (xs, k = 3) => xs.filter(x => x).map(x => x * k);\n",
    "class Stack {\n  constructor() { this.items = []; }\n  push(x) { this.items.push(x); }\n  pop() { return this.items.pop(); }\n}\n",
    "function g(s) {\n  /* upper */\n  let out = '';\n  for (const ch of s) { if (/[a-z]/.test(ch)) { out += ch.toUpperCase(); } }\n  return `${out}!`;\n}\n",
    "let x = (1 + ;\n",
]

def variants(code):
    yield code
    yield code.replace("s", "acc").replace("x", "item")
    yield code.replace("+", "-")
    lines = code.split("\n")
    if len(lines) > 3:
        yield "\n".join(lines[:-3] + lines[-2:])

cases = []
for lang, pool in (("python", PY), ("javascript", JS)):
    for i, ref in enumerate(pool):
        for cand in variants(ref):
            cases.append({"prediction": cand, "references": [ref], "language": lang})
        other = pool[(i + 1) % len(pool)]
        cases.append({"prediction": other, "references": [ref], "language": lang})
        cases.append({"prediction": ref, "references": [other, ref], "language": lang})
json.dump(cases, open(sys.argv[1] if len(sys.argv) > 1 else "cases.json", "w"), indent=0)
print(len(cases), "cases")
