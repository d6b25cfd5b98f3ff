import { ANNOTATIONS_SCHEMA_VERSION, outputHash, resolveTaxonomy, summarizeAnnotations, type Annotation } from '../../src/shared/annotations';
import type { RunData } from '../../src/shared/panelProtocol';
import type { SampleRecord } from '../../src/shared/report/schema';

/**
 * Injection payloads for the results panel. Each one, if it ever ran, would call window.__pwned(n)
 * (recorded by the harness) or open a dialog. They cover HTML/SVG/MathML element injection, event
 * handlers, script URLs, CSS injection, template syntaxes, mutation XSS, nonce reuse, and odd
 * characters (RTL override, NUL, very long strings).
 */
export const PAYLOADS: readonly string[] = [
  '<script>__pwned(0)</script>',
  '<img src=x onerror=__pwned(1)>',
  '<svg onload=__pwned(2)>',
  '<svg><script>__pwned(3)</script></svg>',
  'javascript:__pwned(4)',
  '<a href="javascript:__pwned(5)">click me</a>',
  '<iframe srcdoc="<script>parent.__pwned(6)</script>"></iframe>',
  '</style><style>body{display:none}</style>',
  '<style>@import "javascript:__pwned(8)"; *{visibility:hidden}</style>',
  '<div onmouseover="__pwned(9)" style="position:fixed;inset:0;z-index:99999">hover</div>',
  "{{constructor.constructor('__pwned(10)')()}}",
  '${__pwned(11)}',
  '\u202Egnp.exe<img src=x onerror=__pwned(12)>',
  'nul\u0000byte<script>__pwned(13)</script>',
  `${'A'.repeat(20_000)}<img src=x onerror=__pwned(14)>`,
  '"><script>__pwned(15)</script>',
  "'><img src=x onerror=__pwned(16)>",
  '<math><mtext><table><mglyph><style><img src=x onerror=__pwned(17)>',
  '<a href="data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX19wd25lZCgxOCk8L3NjcmlwdD4=">data url</a>',
  '<base href="javascript:__pwned(19)//">',
  '<meta http-equiv="refresh" content="0;url=javascript:__pwned(20)">',
  '<link rel=import href="data:text/html,<script>parent.__pwned(21)</script>">',
  '<object data="javascript:__pwned(22)"></object>',
  '<embed src="javascript:__pwned(23)">',
  '<form action="javascript:__pwned(24)"><button>go</button></form>',
  '<details open ontoggle=__pwned(25)>',
  '<body onload=__pwned(26)>',
  '<a href="javascript:alert(27)">x</a>',
  '<img src="x" onerror="alert(28)">',
  '<input autofocus onfocus=__pwned(29)>',
  '<video><source onerror=__pwned(30)></video>',
  '<b onmouseover=alert(31)>bold</b>',
  '<noscript><p title="</noscript><img src=x onerror=__pwned(32)>">',
  '<template><script>__pwned(33)</script></template><img src=x onerror=__pwned(33)>',
  '<a href="&#106;avascript:__pwned(34)">entity</a>',
  '<svg><a xlink:href="javascript:__pwned(35)"><text x=20 y=20>svg link</text></a></svg>',
  '%3Cscript%3E__pwned(36)%3C/script%3E',
  '<img src=x:alert(37) onerror=eval(src)>',
  '<script nonce="harnessnonce123">__pwned(38)</script>',
  '<div style="background:url(javascript:__pwned(39))">css url</div>',
  '<x contenteditable onfocus=__pwned(40) autofocus>focus</x>',
  '<svg><animate onbegin=__pwned(41) attributeName=x dur=1s>',
  '<marquee onstart=__pwned(42)>m</marquee>',
  '<br><sub onmouseover=__pwned(43)>plotly</sub><span style="color:red">subset</span>',
  '<img src=x onerror=__pwned(44)//\u2028\u2029 line separators',
];

/** Variant ids for the four variants of the fixture run: plotly-aware and attribute-breaking ones. */
export const HOSTILE_IDS: Readonly<Record<string, string>> = {
  fp32: '<img src=x onerror=__pwned(100)>',
  fp16: '<a href="javascript:alert(101)">x</a>',
  q8: '"><script>__pwned(102)</script>',
  q4: "<svg onload=__pwned(103)>'\"${x}",
};

/** Cuts text into `pieces` tokens that concatenate back to it (tags cut mid-way on purpose). */
export function tokenise(text: string, pieces: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / pieces));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

/** A sample whose token arrays match its output. */
export function hostileSample(base: SampleRecord, fields: { variantId: string; sampleKey: string; promptIndex: number; prompt: string; output: string; firstDivergence: number | null }): SampleRecord {
  const tokenTexts = tokenise(fields.output, 8);
  return {
    ...base,
    ...fields,
    tokenIds: tokenTexts.map((_, i) => 1000 + i),
    tokenTexts,
    kld: tokenTexts.map((_, i) => (fields.firstDivergence === null ? 0 : (i + 1) / tokenTexts.length)),
    deltaP: tokenTexts.map((_, i) => (fields.firstDivergence === null ? 0 : -i / 100)),
  };
}

/**
 * A copy of a real run with every string a user's files can put on screen replaced by payloads:
 * variant ids (card, report, samples), model name, folders, corpus and prompt paths, machine, methods,
 * failures and warnings, one sample per payload with the payload as prompt, in the outputs and
 * tokenTexts of every variant, automatic flags' details, and an `annotations` field (notes,
 * categories, authors, replies) for when the panel shows annotations.
 */
export function hostileRunData(real: RunData): RunData {
  const id = (v: string): string => HOSTILE_IDS[v] ?? v;
  const data = structuredClone(real);
  const { card, report } = data;
  card.spec.modelName = `${PAYLOADS[7]}${PAYLOADS[0]}`;
  card.spec.modelFolder = PAYLOADS[19]!;
  card.spec.baselineId = id(card.spec.baselineId);
  card.spec.variantIds = card.spec.variantIds.map(id);
  if (card.spec.corpus) card.spec.corpus.path = PAYLOADS[20]!;
  if (card.spec.prompts) card.spec.prompts.path = PAYLOADS[21]!;
  card.environment.cpuModel = PAYLOADS[25]!;
  card.environment.gpu = PAYLOADS[26]!;
  card.variants = card.variants.map((v) => ({ ...v, id: id(v.id) }));
  card.methods = [...PAYLOADS];
  if (report) {
    report.baselineId = id(report.baselineId);
    report.variants = report.variants.map((v) => ({ ...v, id: id(v.id), ...(v.performance ? { performance: { ...v.performance, variantId: id(v.id), executionProvider: PAYLOADS[9]! } } : {}) }));
    report.failures = [{ unit: PAYLOADS[22]!, error: PAYLOADS[23]! }];
    report.warnings = [PAYLOADS[24]!];
  }
  const template = real.samples[0]!;
  const baselineId = card.spec.baselineId;
  data.samples = card.spec.variantIds.flatMap((variantId, v) =>
    PAYLOADS.map((payload, k) => {
      const isBaseline = variantId === baselineId;
      const other = PAYLOADS[(k + v + 1) % PAYLOADS.length]!;
      return hostileSample(template, {
        variantId,
        sampleKey: `hostile-${k}`,
        promptIndex: k,
        prompt: payload,
        // The baseline says the payload; each variant says it and then another one, so the word
        // diff has shared, inserted and deleted hostile text.
        output: isBaseline ? `${payload} and then ${PAYLOADS[(k + 2) % PAYLOADS.length]}` : `${payload} ${other}`,
        firstDivergence: isBaseline ? null : 1,
      });
    }),
  );
  // Automatic flags carry a sentence; annotations a person's category, note, author and replies;
  // settings may add taxonomy categories, whose labels and descriptions are shown too.
  const modelFolder = PAYLOADS[5]!;
  for (const s of data.samples) if (s.variantId !== baselineId) s.flags = [{ kind: 'repetition', value: 0.5, threshold: 0.3, detail: s.prompt }];
  const taxonomy = resolveTaxonomy(PAYLOADS.slice(0, 12).map((label, k) => ({ id: `hostile-${k}`, label, description: PAYLOADS[(k + 20) % PAYLOADS.length]! })));
  const generated = data.samples.filter((s) => s.variantId !== baselineId);
  const annotations: Annotation[] = generated.map((s, k) => {
    const payload = PAYLOADS[k % PAYLOADS.length]!;
    return {
      modelFolder, variantId: s.variantId, sampleKey: s.sampleKey, id: `a${k}`,
      range: { start: 0, end: Math.min(10, s.output.length) }, quotedText: s.output.slice(0, 10), outputHash: outputHash(s.output),
      // Half in the hostile taxonomy, half an unknown category that is itself a payload.
      category: k % 2 ? `hostile-${k % 12}` : payload, note: payload, status: k % 3 ? 'open' : 'resolved', author: PAYLOADS[(k + 1) % PAYLOADS.length]!,
      createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
      replies: [{ id: `r${k}`, author: payload, body: PAYLOADS[(k + 2) % PAYLOADS.length]!, createdAt: '2026-01-01T00:00:00.000Z' }],
      origin: k % 5 ? 'human' : { flag: 'repetition' },
    };
  });
  const file = { schemaVersion: ANNOTATIONS_SCHEMA_VERSION, annotations, dismissedFlags: [] };
  data.annotations = { modelFolder, annotations, dismissedFlags: [], taxonomy, summary: summarizeAnnotations(generated, file, { modelFolder, taxonomy }), problem: PAYLOADS[17]! };
  return data;
}
