/**
 * The E2E entry point: the main user flow first, then the hostile-input and fault suite, which
 * reuses the main flow's completed run. One file, so node:test runs them in this order.
 */
import './mainFlow';
import './hostileFlow';
