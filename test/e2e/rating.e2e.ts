/**
 * The blind human rating E2E file: a run of its own (generations only, made by the CLI), rated
 * blind in the rating tab, resumed after a reload, the result read in the results panel. A file of
 * its own so it gets its own --test-timeout.
 */
import './ratingFlow';
