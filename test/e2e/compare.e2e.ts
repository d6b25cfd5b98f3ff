/**
 * The compare E2E file: two runs of one model folder, the second after re-quantizing a variant,
 * compared in the results panel. A file of its own so it gets its own --test-timeout.
 */
import './compareFlow';
