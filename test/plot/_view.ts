import { writeFileSync } from 'node:fs';
import { plotImage } from '../../src/node/plotImage';
import { syntheticRun } from '../panel/synthetic';
void (async () => {
  const r = syntheticRun({ samples: 4 }).report!;
  const q4 = r.variants.find((v) => v.id === 'q4')!;
  q4.goals = [{ metric: 'kld_mean', kind: 'max_degradation', limit: 0.01, higherIsBetter: false, baseline: 0, variant: 0, threshold: 0.01, degradation: 0, percentDegradation: null, pass: false, evidence: 'ci', ciBound: 'upper' }];
  writeFileSync('/tmp/wt-h-plot.png', await plotImage(r, 'png'));
  writeFileSync('/tmp/wt-h-plot2.png', await plotImage(r, 'png', { x: 'tpot', y: 'ppl' }));
})();
