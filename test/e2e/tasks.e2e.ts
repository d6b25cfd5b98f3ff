/**
 * The second E2E file: task metrics from the Evaluate quick picks. A file of its own so it gets its
 * own --test-timeout (the main and hostile suites use most of theirs); it runs after
 * quantlens.e2e (scripts/e2e-vscode.sh lists it second) because the task file it picks is
 * remembered for the model folder, and those suites' run setups expect none.
 */
import './taskFlow';
