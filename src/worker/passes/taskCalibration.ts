/**
 * A multiple-choice unit's calibration region: the confidence of each item is the softmax
 * probability of its highest log-likelihood choice (the `ece` metric's confidence), correct when
 * that choice is gold (the `acc` metric's correctness).
 */
import { argmax, isGold } from '../../shared/metrics/likelihood';
import { calibrationSummary } from '../../shared/calibration/reliability';
import type { CalibrationSummary } from '../../shared/report/robustnessTypes';
import type { TaskPrompt } from '../tasks';
import { choiceProbabilities, type RawTaskOutputs } from './taskScoring';

export function taskCalibration(prompts: readonly TaskPrompt[], raw: RawTaskOutputs): CalibrationSummary | null {
  if (!raw.choiceLogLikelihoods || raw.choiceLogLikelihoods.length === 0) return null;
  const confidence: number[] = [];
  const correct: number[] = [];
  raw.choiceLogLikelihoods.forEach((lls, i) => {
    const prompt = prompts[i];
    if (prompt?.kind !== 'multiple_choice') return;
    const chosen = argmax(lls);
    confidence.push(choiceProbabilities(lls)[chosen]!);
    correct.push(isGold(chosen, prompt.gold) ? 1 : 0);
  });
  return confidence.length ? calibrationSummary(confidence, correct) : null;
}
